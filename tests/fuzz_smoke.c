/*
 * fuzz_smoke.c -- a bounded, deterministic fuzz run of every parser's fuzz
 * target for `make check` (and so under ASan+UBSan in CI): each target gets
 * its seed inputs, then random mutations of them (byte flips, insertions of
 * grammar tokens, truncations, splices, random bytes).  LABRAT_FUZZ_ITERS
 * sets the iterations per target (default 20000).  A crash or sanitizer
 * report fails the test; coverage-guided fuzzing is `make fuzz`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"

typedef int (*fuzz_fn)(const uint8_t *, size_t);

struct target {
	const char *name;
	fuzz_fn fn;
	const char *const *seeds;
};

static const char *const space_seeds[] = {
	"x=1..10", "x=0..1:0.1", "x=linspace(0,1,11)", "x=logspace(1e-3,1,7)",
	"x={a, b, \"c d\", 3}", "x=5", "x=10..1:-3", "s=\"a\\\"b\"",
	"x={1,2,3}\ny={4,5,6}\nzip x,y", "r=2.5..4:0.005\nseed=1..3",
	"x=-1e308..1e308:1e307", "x=linspace(1,1,1)", NULL,
};
static const char *const output_seeds[] = {
	"{\"a\": 1, \"b\": \"x\"}\n", "a=1\nb=two\nnoise\n",
	"log\n{\"x\": [1, 2, {\"y\": null}], \"z\": true}\n  \n",
	"{\"s\": \"\\u00e9\\ud83d\\ude00\"}", "k = 3.5e-7\n", "{bad json\n",
	"a=1\r\nb=2\r\n{\"c\": [[[[{\"d\": [1, {\"e\": \"f\"}]}]]]]}\r\n",
	"x=\x01\xff\xfe binary\ny.z-w = -0.5e+10\n\0\nq=\n",
	NULL,
};
static const char *const json_seeds[] = {
	"{}", "{\"a\":1}", "{\"a\":{\"b\":[1,2,3]},\"c\":-0.5e+3}",
	"{\"a\":\"\\n\\t\\\"\\\\\\/\\u0041\"}", "[\"x=1..3\",\"y=2\"]",
	"{\"a\":true,\"b\":false,\"c\":null}", NULL,
};

static const char *const shellquote_seeds[] = {
	"printf %s {x} \"{y}\" '{z}' \"a'{x}'b\" # {x}\n",
	"cat <<EOF >out; cat <<-'E' | sh\n{x} $(echo {y})\nEOF\n\t{z}\n\tE\n",
	"echo ${V:-{x}} \"${v#{y}}\" ${a[{i}]} ${s:{o}:1} $(( {n} + 1 ))",
	"case {x} in (a|{y}) eval {z};; *) f() { let n={n}; }; esac",
	"[[ {x} -eq 1 && ( {y} == z ) ]] || a=([{k}]={v}) `{b}` $'{c}' \\{d}",
	"env A=1 sudo bash -o pipefail -ec 'x' {x} <<<{y} 2>&1 | sh -s",
	"for ((i={x};;)); do $[{y}]; done <(echo {z}) >(cat) ${#{w}} ${x}",
	NULL,
};

static const char *const hosts_seeds[] = {
	"alice@node1:2222/4,[::1]:2222/auto,4/bob@node2,Node3.Example.ORG",
	"\xef\xbb\xbf# hosts\nnode1\n  bob@node2:22/4 # big\r\n"
	"[fe80::1%eth0]/2\n\n8/c,d\n",
	"Host alpha beta\nHost=gamma *.x !y\n  HOST = \"delta\" # c\n"
	"Include conf.d/*\nMatch host z\n",
	"kappa,[lambda]:2222,::1 ssh-ed25519 AAAA\n|1|x=|y= ssh-rsa A\n"
	"@revoked mu k\n[::2]:22 k\n",
	"010.0.0.1,127.1,0x7f.1,-oProxyCommand=x,h:99999/0,h/1025,:",
	"user:pw@h;rm -rf,a@b@c,[::1,[::1]x,[n]:2,a..b,h:1:2,\xc3\xa9\xff",
	NULL,
};

static const char *const worker_seeds[] = {
	"{\"y\":1}\n{\"@error\":\"bad\"}\nnot json\n\n",
	"{\"a\":\"0123456789012345678901234567890123456789012345678901234567890123456789\"}\n{}\n",
	"  {\"@error\": [1, 2]}\r\n\xff\xfe\n{\"@error\"\n",
	NULL,
};

static const struct target targets[] = {
	{ "space", fuzz_space, space_seeds },
	{ "output", fuzz_output, output_seeds },
	{ "json", fuzz_json, json_seeds },
	{ "shellquote", fuzz_shellquote, shellquote_seeds },
	{ "hosts", fuzz_hosts, hosts_seeds },
	{ "worker", fuzz_worker, worker_seeds },
};

static const char *const tokens[] = {
	"{", "}", "\"", "\\", ",", "..", ":", "=", "(", ")", "\n", "\\u",
	"e308", "-", "linspace(", "logspace(", "1e-400", "99999999999999999999",
	"\xff", "\xc3\xa9", "\xed\xa0\x80", "\0", "zip ", "null", "[", "]",
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void
mutate(struct buf *b, const char *const *seeds, size_t nseeds)
{
	const char *s = seeds[rng() % nseeds];
	size_t n, i, at;

	buf_reset(b);
	buf_add(b, s, strlen(s));
	n = 1 + rng() % 4;
	for (i = 0; i < n; i++) {
		at = b->len == 0 ? 0 : rng() % (b->len + 1);
		switch (rng() % 6) {
		case 0: /* flip a byte */
			if (b->len > 0)
				b->data[at % b->len] ^= (char)(1u << (rng() % 8));
			break;
		case 1: { /* insert a token */
			const char *t = tokens[rng() % UTIL_ARRLEN(tokens)];
			size_t tl = *t == '\0' ? 1 : strlen(t);
			struct buf nb;

			buf_init(&nb);
			buf_add(&nb, b->data, at);
			buf_add(&nb, t, tl);
			buf_add(&nb, b->data + at, b->len - at);
			buf_free(b);
			*b = nb;
			break;
		}
		case 2: /* truncate */
			b->len = at;
			break;
		case 3: { /* splice: cut here, append a suffix of a seed */
			const char *o = seeds[rng() % nseeds];
			size_t ol = strlen(o);

			b->len = at;
			buf_adds(b, o + (ol > 0 ? rng() % ol : 0));
			break;
		}
		case 4: { /* random bytes */
			size_t k, m = rng() % 8;

			for (k = 0; k < m; k++)
				buf_addc(b, (char)rng());
			break;
		}
		default: /* duplicate a slice */
			if (b->len > 0) {
				size_t len = rng() % (b->len - at % b->len + 1);
				char *copy = xstrndup(b->data + at % b->len, len);

				buf_add(b, copy, len);
				free(copy);
			}
			break;
		}
	}
}

int
main(void)
{
	const char *e = getenv("LABRAT_FUZZ_ITERS");
	long iters = e != NULL ? atol(e) : 20000;
	size_t t, nseeds;
	long i;
	struct buf b;

	buf_init(&b);
	for (t = 0; t < UTIL_ARRLEN(targets); t++) {
		for (nseeds = 0; targets[t].seeds[nseeds] != NULL; nseeds++)
			targets[t].fn((const uint8_t *)targets[t].seeds[nseeds],
			    strlen(targets[t].seeds[nseeds]));
		for (i = 0; i < iters; i++) {
			mutate(&b, targets[t].seeds, nseeds);
			/* Hand the target an exact-size copy so ASan sees
			 * any read past the end. */
			{
				uint8_t *copy = xmalloc(b.len);

				memcpy(copy, b.data == NULL ? "" : b.data, b.len);
				targets[t].fn(copy, b.len);
				free(copy);
			}
		}
		printf("fuzz_smoke: %s: %ld inputs, no crash\n",
		    targets[t].name, iters + (long)nseeds);
	}
	buf_free(&b);
	return 0;
}
