/*
 * fuzz_shellquote.c -- fuzz target for the lexer of shell scripts: any
 * bytes (up to a NUL) go to shellquote_scan, with the first and second
 * halves also read as a command's words by shellquote_find_script; every
 * mark must be a {name} placeholder inside the script, in order and not
 * overlapping (abort() otherwise), and every context must have a
 * reference or a refusal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "shellquote.h"

/* Scan the input as a script and check its marks. */
FUZZ_ENTRY(fuzz_shellquote)
{
	char *script = xstrndup((const char *)data, size);
	const char *words[3];
	struct shellquote_mark *m = NULL;
	size_t n = shellquote_scan(script, &m), len = strlen(script), i;
	size_t end = 0;
	struct buf b;
	bool env_kept;
	int at;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (m[i].start < end || m[i].len < 3 ||
		    m[i].start + m[i].len > len ||
		    script[m[i].start] != '{' ||
		    script[m[i].start + m[i].len - 1] != '}' ||
		    !util_is_ident(script + m[i].start + 1, m[i].len - 2))
			abort();
		end = m[i].start + m[i].len;
		buf_reset(&b);
		if (shellquote_context_safe(m[i].context))
			shellquote_append_reference(&b, m[i].context, "V");
		else
			shellquote_append_refusal(&b, m[i].context, "{v}", "V");
		if (b.len == 0)
			abort();
	}
	words[0] = script;
	words[1] = script + len / 2;
	words[2] = len % 2 ? NULL : "-c";
	at = shellquote_find_script(words, 3, &env_kept);
	if (at < -1 || at > 2)
		abort();
	free(m);
	free(script);
	buf_free(&b);
	return 0;
}
