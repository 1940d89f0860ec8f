/*
 * check_hosts.c -- the hosts suite: host specs that parse (and format back
 * to canonical text that parses the same), every refusal with its message
 * and position, lists with duplicates and their limit, host files with
 * comments, CRLF and errors at known lines, files that are FIFOs or
 * directories (refused without blocking), and the names offered for
 * completion from ssh config and known_hosts samples.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "hosts.h"
#include "testutil.h"

static char *t_dir;

static void
t_setup(void)
{
	t_dir = testutil_tempdir();
}

static void
t_teardown(void)
{
	testutil_rmtree(t_dir);
	free(t_dir);
}

/* The canonical text of the spec text (which must parse). */
static char *
t_canon(const char *text)
{
	struct host_spec sp;
	struct buf b;
	char *err = NULL;
	size_t at = 0;

	if (hosts_spec_parse(&sp, text, strlen(text), &at, &err) != 0)
		ck_abort_msg("'%s' refused at %zu: %s", text, at, err);
	buf_init(&b);
	hosts_spec_format(&sp, &b);
	hosts_spec_free(&sp);
	return buf_steal(&b);
}

/* Check the spec text[0..len) is refused at byte at with a message
 * holding want. */
static void
t_refused_len(const char *text, size_t len, size_t at, const char *want)
{
	struct host_spec sp;
	char *err = NULL;
	size_t pos = 9999;

	ck_assert_msg(hosts_spec_parse(&sp, text, len, &pos, &err) == -1,
	    "'%s' was accepted", text);
	ck_assert_ptr_null(sp.user);
	ck_assert_ptr_null(sp.host);
	ck_assert_msg(strstr(err, want) != NULL, "'%s': message '%s' lacks "
	    "'%s'", text, err, want);
	ck_assert_msg(pos == at, "'%s': refused at %zu, want %zu (%s)", text,
	    pos, at, err);
	/* Every refusal says what to do. */
	ck_assert_msg(strstr(err, "write") != NULL || strstr(err, "give") !=
	    NULL || strstr(err, "leave") != NULL, "'%s': no fix in '%s'",
	    text, err);
	free(err);
	err = NULL;
}

static void
t_refused(const char *text, size_t at, const char *want)
{
	t_refused_len(text, strlen(text), at, want);
}

START_TEST(test_spec_good)
{
	static const char *const good[][2] = {
		{ "node1", "node1" },
		{ "alice@node1", "alice@node1" },
		{ "node1:2222", "node1:2222" },
		{ "node1/4", "node1/4" },
		{ "node1/auto", "node1/auto" },
		{ "alice@node1.example.org:2222/16",
		  "alice@node1.example.org:2222/16" },
		{ "first.last_1-x@a_b-c.d", "first.last_1-x@a_b-c.d" },
		{ "Node1.Example.ORG", "node1.example.org" },
		{ "BOB@Node1", "BOB@node1" },
		{ "fqdn.example.org.", "fqdn.example.org." },
		{ "1e100", "1e100" },
		{ "localhost:65535/1024", "localhost:65535/1024" },
		{ "node1:022/0004", "node1:22/4" },
		{ "10.0.0.7:22/2", "10.0.0.7:22/2" },
		{ "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" },
		{ "[::1]", "[::1]" },
		{ "[::1]:2222/4", "[::1]:2222/4" },
		{ "bob@[::1]:22", "bob@[::1]:22" },
		{ "[2001:DB8:0:0::7]", "[2001:db8::7]" },
		{ "[0:0:0:0:0:0:0:1]/auto", "[::1]/auto" },
		{ "[::ffff:192.0.2.1]", "[::ffff:192.0.2.1]" },
		{ "[fe80::1%eth0]:22", "[fe80::1%eth0]:22" },
		{ "[FE80::1%Wlan_0]", "[fe80::1%Wlan_0]" },
		/* GNU parallel's order, slots first. */
		{ "4/node3", "node3/4" },
		{ "8/bob@node1:2200", "bob@node1:2200/8" },
		{ "auto/node1", "node1/auto" },
		{ "2/[::1]:22", "[::1]:22/2" },
	};
	struct host_spec sp;
	char *err = NULL, *once, *twice;
	size_t i, at;

	for (i = 0; i < UTIL_ARRLEN(good); i++) {
		once = t_canon(good[i][0]);
		ck_assert_msg(strcmp(once, good[i][1]) == 0, "'%s' -> '%s', "
		    "want '%s'", good[i][0], once, good[i][1]);
		twice = t_canon(once);
		ck_assert_str_eq(once, twice);
		free(twice);
		free(once);
	}

	/* The fields. */
	testutil_ok(hosts_spec_parse(&sp, "bob@[::1]:2222/4", 16, &at, &err),
	    err, "parse");
	ck_assert_str_eq(sp.user, "bob");
	ck_assert_str_eq(sp.host, "::1");
	ck_assert_int_eq(sp.port, 2222);
	ck_assert_int_eq(sp.slots, 4);
	ck_assert(!sp.slots_auto);
	hosts_spec_free(&sp);
	ck_assert_ptr_null(sp.host);
	testutil_ok(hosts_spec_parse(&sp, "node1/auto", 10, &at, &err), err,
	    "parse");
	ck_assert_ptr_null(sp.user);
	ck_assert_str_eq(sp.host, "node1");
	ck_assert_int_eq(sp.port, 0);
	ck_assert_int_eq(sp.slots, 0);
	ck_assert(sp.slots_auto);
	hosts_spec_free(&sp);
	/* Only len bytes are read. */
	testutil_ok(hosts_spec_parse(&sp, "node1:22 junk", 8, &at, &err), err,
	    "parse");
	ck_assert_int_eq(sp.port, 22);
	hosts_spec_free(&sp);
}
END_TEST

START_TEST(test_spec_bad)
{
	char long_host[300], long_user[300];

	t_refused("", 0, "empty host spec");
	/* Bytes no part may hold. */
	t_refused("a b", 1, "a blank is not allowed");
	t_refused("ssh -p 2222 node1", 3, "~/.ssh/config");
	t_refused("a\tb", 1, "a blank");
	t_refused("a\001", 1, "control character \\x01");
	t_refused("node1\r", 5, "control character \\x0d");
	t_refused_len("a\0b", 3, 1, "control character \\x00");
	t_refused("a\177", 1, "control character \\x7f");
	t_refused("caf\303\251", 3, "character U+00E9");
	t_refused("x\302\233[2J", 1, "character U+009B");
	t_refused("x\360\237\230\200", 1, "U+1F600");
	t_refused("h\377", 1, "byte \\xff is not UTF-8");
	t_refused("h\303", 1, "byte \\xc3 is not UTF-8");
	t_refused("a,b", 1, "',' separates host specs");
	t_refused(":", 0, "GNU parallel's name for this computer");
	/* Options, and what a shell would read. */
	t_refused("-oProxyCommand", 0, "which ssh would read as an option");
	t_refused("-oProxyCommand=x", 0, "host name '-oProxyCommand=x' "
	    "starts with '-'");
	t_refused("node1=x", 5, "character '='");
	t_refused("bob@-h", 4, "host name '-h' starts with '-'");
	t_refused("-bob@h", 0, "user name '-bob' starts with '-'");
	t_refused("-b;b@h", 0, "user name '-b;b' starts with '-'");
	t_refused("h;rm", 1, "character ';' is not allowed in a host name");
	t_refused("h$(x)", 1, "character '$'");
	t_refused("h`x`", 1, "character '`'");
	t_refused("h'x", 1, "character '''");
	t_refused("h\"x", 1, "character '\"'");
	t_refused("h|x", 1, "character '|'");
	t_refused("h&", 1, "character '&'");
	t_refused("h>x", 1, "character '>'");
	t_refused("h*", 1, "character '*'");
	t_refused("~h", 0, "character '~'");
	t_refused("h#1", 1, "character '#'");
	t_refused("h%d", 1, "character '%'");
	/* Users. */
	t_refused("@h", 0, "missing user name before '@'");
	t_refused("a@b@c", 3, "a second '@'");
	t_refused("bob:secret@h", 3, "a password cannot be given");
	t_refused("b!b@h", 1, "character '!' is not allowed in a user name");
	t_refused("DOM\\bob@h", 3, "character '\\'");
	/* Host names and IPv4 addresses. */
	t_refused("bob@", 4, "missing host name");
	t_refused("a..b", 2, "empty part before a '.'");
	t_refused(".a", 0, "empty part");
	t_refused("a[b", 1, "'[' is only allowed around an IPv6 address");
	t_refused("a]", 1, "']' is only allowed");
	t_refused("010.0.0.1", 0, "the IPv4 address 8.0.0.1");
	t_refused("127.1", 0, "the IPv4 address 127.0.0.1");
	t_refused("0x7f.1", 0, "the IPv4 address 127.0.0.1");
	t_refused("123:22", 0, "the IPv4 address 0.0.0.123");
	t_refused("1.2.3.256", 0, "'1.2.3.256' is not an IPv4 address");
	t_refused("1.2.3.4.5", 0, "is not an IPv4 address");
	t_refused("1.2.3.4.", 0, "is not an IPv4 address");
	/* IPv6. */
	t_refused("::1", 0, "write an IPv6 address in brackets");
	t_refused("fe80::1:22", 0, "more than one ':'");
	t_refused("h:22:23", 0, "more than one ':'");
	t_refused("[::1", 0, "'[' without ']'");
	t_refused("[]", 1, "empty brackets");
	t_refused("[node1]:22", 1, "brackets are only for IPv6 addresses");
	t_refused("[10.0.0.1]", 1, "brackets are only for IPv6");
	t_refused("[::1]x", 5, "after ']' come ':' and a port");
	t_refused("[::1]]", 5, "after ']'");
	t_refused("[::g]", 1, "'::g' is not an IPv6 address");
	t_refused("[1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16]", 1,
	    "is not an IPv6 address");
	t_refused("[fe80::1%]", 9, "missing zone after '%'");
	t_refused("[fe80::1%e;]", 10, "character ';' is not allowed in a zone");
	/* Ports. */
	t_refused("h:", 2, "missing port after ':'");
	t_refused("h:0", 2, "port 0 is out of range");
	t_refused("h:65536", 2, "port 65536 is out of range");
	t_refused("h:99999999999999999999", 2, "is out of range");
	t_refused("h:ssh", 2, "port 'ssh' is not a number");
	t_refused("h:-1", 2, "is not a number");
	t_refused("[::1]:", 6, "missing port");
	t_refused("[::1]:x", 6, "port 'x'");
	/* Slots. */
	t_refused("h/", 2, "missing slots after '/'");
	t_refused("/", 1, "missing slots");
	t_refused("h/0", 2, "0 slots would run nothing");
	t_refused("h/1025", 2, "1025 slots are more than 1024");
	t_refused("h/x", 2, "slots 'x' is not a whole number");
	t_refused("h/AUTO", 2, "not a whole number");
	t_refused("h/-2", 2, "not a whole number");
	t_refused("h/4:22", 2, "the port goes before: node1:2222/4");
	t_refused("h/4/2", 3, "a second '/'");
	t_refused("4/", 2, "missing host name");
	t_refused("/4", 0, "missing host name");
	t_refused("0/h", 0, "0 slots");
	/* Lengths, and a quote cut short. */
	memset(long_host, 'a', 299);
	long_host[299] = '\0';
	t_refused(long_host, 0, "is longer than 255 bytes");
	memset(long_user, 'u', 299);
	long_user[290] = '@';
	long_user[299] = '\0';
	t_refused(long_user, 0, "user name 'uuuu");
	t_refused(long_user, 0, "...' is longer than 255 bytes");
	long_host[255] = '\0';
	free(t_canon(long_host));
}
END_TEST

START_TEST(test_list)
{
	struct host_list l;
	struct buf b;
	char *err = NULL;

	hosts_list_init(&l);
	testutil_ok(hosts_list_parse(&l, "a,b/2,user@c:22,4/d", "--hosts",
	    &err), err, "list");
	ck_assert_uint_eq(l.n, 4);
	ck_assert_str_eq(l.specs[2].user, "user");
	ck_assert_int_eq(l.specs[2].port, 22);
	ck_assert_str_eq(l.where[0], "--hosts column 1");
	ck_assert_str_eq(l.where[3], "--hosts column 17");
	buf_init(&b);
	hosts_list_format(&l, &b);
	ck_assert_str_eq(b.data, "a,b/2,user@c:22,d/4");
	/* Logins differ: another user, another port. */
	testutil_ok(hosts_list_parse(&l, "bob@a,a:22,a:2222,[::1]", "-H",
	    &err), err, "list");
	ck_assert_uint_eq(l.n, 8);

	/* Refusals name the column and leave the list as it was. */
	ck_assert_int_eq(hosts_list_parse(&l, "x,,y", "--hosts", &err), -1);
	ck_assert_str_eq(err, "--hosts column 3: empty host spec: write "
	    "[user@]host[:port][/slots], like alice@node1:2222/4");
	free(err);
	err = NULL;
	ck_assert_int_eq(hosts_list_parse(&l, "x,y,", "--hosts", &err), -1);
	ck_assert_msg(strncmp(err, "--hosts column 5: empty", 23) == 0, "%s",
	    err);
	free(err);
	err = NULL;
	ck_assert_int_eq(hosts_list_parse(&l, "x, y", "--hosts", &err), -1);
	ck_assert_msg(strncmp(err, "--hosts column 3: a blank", 25) == 0,
	    "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(hosts_list_parse(&l, "x,y:99999", "--hosts", &err),
	    -1);
	ck_assert_msg(strncmp(err, "--hosts column 5: port", 22) == 0, "%s",
	    err);
	free(err);
	err = NULL;
	ck_assert_int_eq(hosts_list_parse(&l, "", "--hosts", &err), -1);
	ck_assert_msg(strncmp(err, "--hosts: no host given", 22) == 0, "%s",
	    err);
	free(err);
	err = NULL;
	/* The same login twice, whatever the slots and the case. */
	ck_assert_int_eq(hosts_list_parse(&l, "x,y,Y/3", "--hosts", &err), -1);
	ck_assert_str_eq(err, "--hosts column 5: host y is given twice, first "
	    "at --hosts column 3: give each host once (to run more jobs at "
	    "once on it, give it once with /SLOTS, like y/4)");
	free(err);
	err = NULL;
	ck_assert_int_eq(hosts_list_parse(&l, "x,[0::1]/2", "-H", &err), -1);
	ck_assert_str_eq(err, "-H column 3: host [::1] is given twice, first "
	    "at -H column 19: give each host once (to run more jobs at once "
	    "on it, give it once with /SLOTS, like [::1]/4)");
	free(err);
	err = NULL;
	ck_assert_int_eq(hosts_list_parse(&l, "bob@a:22/1,bob@a:22", "-H",
	    &err), -1);
	ck_assert_msg(strstr(err, "host bob@a:22 is given twice") != NULL, "%s",
	    err);
	free(err);
	err = NULL;
	ck_assert_uint_eq(l.n, 8);
	buf_reset(&b);
	hosts_list_format(&l, &b);
	ck_assert_str_eq(b.data, "a,b/2,user@c:22,d/4,bob@a,a:22,a:2222,[::1]");
	/* What a failed call held back can be added afterwards. */
	testutil_ok(hosts_list_parse(&l, "x,y", "--hosts", &err), err, "x,y");
	ck_assert_uint_eq(l.n, 10);
	hosts_list_free(&l);
	ck_assert_uint_eq(l.n, 0);

	/* An empty list formats as nothing. */
	buf_reset(&b);
	hosts_list_format(&l, &b);
	ck_assert_str_eq(b.data, "");
	buf_free(&b);
	hosts_list_free(&l);
}
END_TEST

START_TEST(test_list_limit)
{
	struct host_list l;
	struct buf body;
	char *err = NULL;
	int i;

	buf_init(&body);
	for (i = 0; i < HOSTS_LIST_MAX; i++)
		buf_printf(&body, "node%d.example.org:%d/2\n", i, 1 + i % 7);
	hosts_list_init(&l);
	testutil_ok(hosts_list_parse_file(&l, "big", body.data, body.len,
	    &err), err, "10000 hosts");
	ck_assert_uint_eq(l.n, HOSTS_LIST_MAX);
	ck_assert_str_eq(l.where[HOSTS_LIST_MAX - 1], "big:10000:1");
	ck_assert_int_eq(hosts_list_parse(&l, "one-more", "--hosts", &err),
	    -1);
	ck_assert_str_eq(err, "--hosts column 1: more than 10000 hosts: give "
	    "at most 10000 (a host runs several jobs at once with /SLOTS)");
	free(err);
	err = NULL;
	/* Duplicates are still found among many. */
	ck_assert_int_eq(hosts_list_parse(&l, "node9999.example.org:5",
	    "--hosts", &err), -1);
	hosts_list_free(&l);
	free(err);
	err = NULL;

	hosts_list_init(&l);
	buf_addc(&body, 'x');
	ck_assert_int_eq(hosts_list_parse_file(&l, "big", body.data, body.len,
	    &err), -1);
	ck_assert_str_eq(err, "big:10001:1: more than 10000 hosts: give at "
	    "most 10000 (a host runs several jobs at once with /SLOTS)");
	ck_assert_uint_eq(l.n, 0);
	free(err);
	err = NULL;
	hosts_list_free(&l);
	buf_free(&body);
}
END_TEST

/* Check the host file body (of len bytes) is refused with message want. */
static void
t_file_refused(const char *body, size_t len, const char *want)
{
	struct host_list l;
	char *err = NULL;

	hosts_list_init(&l);
	ck_assert_msg(hosts_list_parse_file(&l, "hosts.txt", body, len, &err)
	    == -1, "accepted: %s", body);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "message '%s', "
	    "want '%s...'", err, want);
	ck_assert_uint_eq(l.n, 0);
	free(err);
	err = NULL;
	hosts_list_free(&l);
}
#define T_FILE_REFUSED(body, want) t_file_refused(body, sizeof(body) - 1, want)

START_TEST(test_file_body)
{
	static const char body[] =
	    "\xef\xbb\xbf# the cluster, \xc3\xa9t\xc3\xa9 2024\n"
	    "node1\n"
	    "  bob@node2:2222/4   # the big one\r\n"
	    "\r\n"
	    "\t[::1]:22/auto\t\n"
	    "   \t  \n"
	    "4/node3#no blank before the comment\n"
	    "node4,node5/2\n"
	    "  # indented comment\n"
	    "node6";
	struct host_list l;
	struct buf b;
	char *err = NULL;

	hosts_list_init(&l);
	testutil_ok(hosts_list_parse_file(&l, "hosts.txt", body,
	    sizeof body - 1, &err), err, "body");
	buf_init(&b);
	hosts_list_format(&l, &b);
	ck_assert_str_eq(b.data, "node1,bob@node2:2222/4,[::1]:22/auto,"
	    "node3/4,node4,node5/2,node6");
	ck_assert_str_eq(l.where[0], "hosts.txt:2:1");
	ck_assert_str_eq(l.where[1], "hosts.txt:3:3");
	ck_assert_str_eq(l.where[2], "hosts.txt:5:2");
	ck_assert_str_eq(l.where[5], "hosts.txt:8:7");
	ck_assert_str_eq(l.where[6], "hosts.txt:10:1");
	/* A file may add to a list; a duplicate names both places. */
	ck_assert_int_eq(hosts_list_parse_file(&l, "more.txt", "x\nnode4/8\n",
	    10, &err), -1);
	ck_assert_str_eq(err, "more.txt:2:1: host node4 is given twice, first "
	    "at hosts.txt:8:1: give each host once (to run more jobs at once "
	    "on it, give it once with /SLOTS, like node4/4)");
	free(err);
	err = NULL;
	ck_assert_uint_eq(l.n, 7);
	buf_free(&b);
	hosts_list_free(&l);

	/* Errors at their line and column. */
	T_FILE_REFUSED("node1\nnode2\n  bad host\n",
	    "hosts.txt:3:6: a blank is not allowed in a host spec");
	T_FILE_REFUSED("node1\n\n# c\nnode2:0\n", "hosts.txt:4:7: port 0 is "
	    "out of range");
	T_FILE_REFUSED("a\r\nb\r\nc\rd\r\n", "hosts.txt:3:2: control "
	    "character \\x0d");
	T_FILE_REFUSED("node1\x00\n", "hosts.txt:1:6: control character "
	    "\\x00");
	T_FILE_REFUSED("node1 # caf\xe9\n", "hosts.txt:1:12: byte \\xe9 is not "
	    "UTF-8: write a host file as UTF-8 text");
	/* Columns count characters, not bytes. */
	T_FILE_REFUSED("node1 # \xc3\xa9\xc3\xa9 \xff\n", "hosts.txt:1:12: "
	    "byte \\xff");
	T_FILE_REFUSED("a\n\nb\na/4\n", "hosts.txt:4:1: host a is given "
	    "twice, first at hosts.txt:1:1");
	T_FILE_REFUSED("a\nb,,c\n", "hosts.txt:2:3: empty host spec");
	T_FILE_REFUSED("8/ssh -p 2222 node1\n", "hosts.txt:1:6: a blank");
	T_FILE_REFUSED(":\n", "hosts.txt:1:1: ':' is GNU parallel's name");
	/* Nothing but comments and blanks. */
	T_FILE_REFUSED("", "hosts.txt: no host in the file");
	T_FILE_REFUSED("# only\n\n  \r\n", "hosts.txt: no host in the file: "
	    "write one host per line");
}
END_TEST

/* Check reading the host file at path is refused with a message that
 * names it and holds want. */
static void
t_read_refused(const char *path, const char *want)
{
	struct host_list l;
	char *err = NULL;

	hosts_list_init(&l);
	ck_assert_int_eq(hosts_list_read_file(&l, path, &err), -1);
	ck_assert_msg(strstr(err, path) != NULL && strstr(err, want) != NULL,
	    "message '%s' lacks '%s'", err, want);
	ck_assert_uint_eq(l.n, 0);
	free(err);
	err = NULL;
	hosts_list_free(&l);
}

START_TEST(test_file_read)
{
	char *path = testutil_path(t_dir, "hosts.txt");
	char *link = testutil_path(t_dir, "link.txt");
	char *fifo = testutil_path(t_dir, "fifo");
	char *dir = testutil_path(t_dir, "dir");
	char *big = testutil_path(t_dir, "big.txt");
	char *missing = testutil_path(t_dir, "missing.txt"), *err = NULL;
	struct host_list l;
	struct buf b;
	size_t i;

	testutil_write_file(path, "a\nb/2 # two\n", 12);
	hosts_list_init(&l);
	testutil_ok(hosts_list_read_file(&l, path, &err), err, "read");
	ck_assert_uint_eq(l.n, 2);
	ck_assert_msg(strcmp(l.where[1] + strlen(path), ":2:1") == 0, "%s",
	    l.where[1]);
	hosts_list_free(&l);
	/* A link is followed: reading has no file to spoil. */
	ck_assert_int_eq(symlink(path, link), 0);
	testutil_ok(hosts_list_read_file(&l, link, &err), err, "link");
	ck_assert_uint_eq(l.n, 2);
	hosts_list_free(&l);

	t_read_refused(missing, "cannot read host file");
	t_read_refused(missing, "No such file");
	/* A FIFO without a writer, and a directory: refused, not waited on
	 * (the alarm ends a test that would block). */
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	alarm(10);
	t_read_refused(fifo, "is a FIFO, not a regular file: give the path "
	    "of a host file");
	t_read_refused(dir, "is a directory, not a regular file");
	t_read_refused("/dev/null", "is a special file");
	alarm(0);

	/* The size: 1 MiB is read, a byte more is refused. */
	buf_init(&b);
	buf_adds(&b, "node1\n");
	for (i = b.len; i < HOSTS_FILE_MAX - 1; i++)
		buf_addc(&b, i % 64 == 0 ? '\n' : '#');
	buf_addc(&b, '\n');
	ck_assert_uint_eq(b.len, HOSTS_FILE_MAX);
	testutil_write_file(big, b.data, b.len);
	testutil_ok(hosts_list_read_file(&l, big, &err), err, "1 MiB");
	ck_assert_uint_eq(l.n, 1);
	hosts_list_free(&l);
	buf_addc(&b, '\n');
	testutil_write_file(big, b.data, b.len);
	t_read_refused(big, "is larger than a host file may be (1048576 "
	    "bytes): write at most 10000 hosts, one per line");
	buf_free(&b);

	free(missing);
	free(big);
	free(dir);
	free(fifo);
	free(link);
	free(path);
}
END_TEST

/* Check the NULL-terminated names v are exactly want (NULL-terminated). */
static void
t_names_eq(char **v, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		ck_assert_msg(v[i] != NULL, "names end at %zu, want '%s'", i,
		    want[i]);
		ck_assert_msg(strcmp(v[i], want[i]) == 0, "name %zu is '%s', "
		    "want '%s'", i, v[i], want[i]);
	}
	ck_assert_msg(v[i] == NULL, "extra name '%s'", v[i]);
	util_strv_free(v);
}

START_TEST(test_names)
{
	char *ssh = testutil_path(t_dir, ".ssh");
	char *config = testutil_path(ssh, "config");
	char *known = testutil_path(ssh, "known_hosts");
	char *confd = testutil_path(ssh, "conf.d");
	char *one = testutil_path(confd, "one.conf");
	char *two = testutil_path(confd, "two.conf");
	char *extra = testutil_path(t_dir, "extra.conf");
	char *home = testutil_path(t_dir, "home.conf");
	char *fifo = testutil_path(t_dir, "fifo");
	char *missing = testutil_path(t_dir, "missing");
	const char *old_home = getenv("HOME");
	char *saved_home = old_home != NULL ? xstrdup(old_home) : NULL;
	struct buf cfg;
	static const char *const want[] = {
		"10.0.0.9", "192.0.2.1", "[::1]:2200", "[::2]", "alpha",
		"beta", "delta", "epsilon", "eta", "from-home", "gamma", "iota",
		"kappa", "kappa:2222", "kappa:2223", "mixed-case", "omicron",
		"pi", "rho", "sigma", "zeta", NULL,
	};
	static const char *const none[] = { NULL };

	ck_assert_int_eq(mkdir(ssh, 0700), 0);
	ck_assert_int_eq(mkdir(confd, 0700), 0);
	buf_init(&cfg);
	buf_printf(&cfg,
	    "# a comment\n"
	    "Host alpha beta\n"
	    "  HostName alpha.example.org\n"
	    "  Port 2222\n"
	    "host=gamma\n"
	    "HOST = delta \"epsilon\"\r\n"
	    "\tHost *.example.org !bad ga?ma zeta\n"
	    "Host Mixed-Case\n"
	    "Match host foo\n"
	    "Host bad;name bob@x a/4 \"two words\" -opt\n"
	    "Include conf.d/*.conf\n"
	    "Include %s\n"
	    "Include ~/home.conf\n"
	    "Include %%d/x ${HOME}/y ~root/z\n"
	    "Host eta # theta\n"
	    "Hostname notme\n"
	    "Host 10.0.0.9\n", extra);
	testutil_write_file(config, cfg.data, cfg.len);
	/* An Include that comes back to the config: bounded, as in ssh. */
	testutil_write_file(one, "Host iota\nInclude config\n", 24);
	testutil_write_file(two, "host rho\n", 9);
	testutil_write_file(extra, "Host sigma\n", 11);
	testutil_write_file(home, "Host from-home\n", 15);
	buf_reset(&cfg);
	buf_adds(&cfg,
	    "# comment\n"
	    "kappa,192.0.2.1 ssh-ed25519 AAAAC3Nza\n"
	    "[kappa]:2222,[kappa]:2223 ssh-ed25519 AAAAC3Nza\n"
	    "[::1]:2200,::2 ssh-rsa AAAAB3Nza\n"
	    "|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= "
	    "ssh-ed25519 AAAAC3Nza\n"
	    "@cert-authority *.example.org ssh-ed25519 AAAAC3Nza\n"
	    "@revoked mu ssh-rsa AAAAB3Nza\n"
	    "!nu,*.xi,omicron ecdsa-sha2-nistp256 AAAAE2Vj\n"
	    "   pi ssh-ed25519 AAAAC3Nza\r\n"
	    "alpha,ALPHA ssh-ed25519 AAAAC3Nza\n"
	    "bad;host,[bad]:0,[x]:y,[::1 ssh-rsa AAAA\n"
	    "\n");
	testutil_write_file(known, cfg.data, cfg.len);
	buf_free(&cfg);

	setenv("HOME", t_dir, 1);
	alarm(10);
	t_names_eq(hosts_read_names(config, known), want);
	/* Missing files, no files, and files that are not regular: no
	 * names, and no waiting. */
	t_names_eq(hosts_read_names(NULL, NULL), none);
	t_names_eq(hosts_read_names(missing, missing), none);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	t_names_eq(hosts_read_names(fifo, fifo), none);
	t_names_eq(hosts_read_names(ssh, confd), none);
	alarm(0);
	if (saved_home != NULL)
		setenv("HOME", saved_home, 1);
	else
		unsetenv("HOME");
	free(saved_home);
	free(missing);
	free(fifo);
	free(home);
	free(extra);
	free(two);
	free(one);
	free(confd);
	free(known);
	free(config);
	free(ssh);
}
END_TEST

Suite *
suite_hosts(void)
{
	Suite *s = suite_create("hosts");
	TCase *tc = tcase_create("spec");

	tcase_add_test(tc, test_spec_good);
	tcase_add_test(tc, test_spec_bad);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_limit);
	tcase_add_test(tc, test_file_body);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, t_setup, t_teardown);
	tcase_add_test(tc, test_file_read);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
