/* htmlesc.c - HTML escaping of untrusted strings (see htmlesc.h). */
#include "report/htmlesc.h"

#include "common/err.h"
#include "common/json.h"

#include <string.h>

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

int cs_html_escape(struct cs_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0; /* start of the bytes that need no escaping, copied in one append */
	int r = CS_OK;

	for (size_t i = 0; i < n && r == CS_OK;) {
		unsigned char c = p[i];
		const char *rep = NULL;
		size_t len = 1;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (c < 0x80) {
				if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
					rep = replacement;
				break;
			}
			len = cs_utf8_seq_len(p + i, n - i);
			if (len == 0) {
				len = 1;
				rep = replacement;
			} else if (len == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
				rep = replacement; /* C1 controls */
			}
		}
		if (rep == NULL) {
			i += len;
			continue;
		}
		if (i > run)
			r = cs_buf_append(out, s + run, i - run);
		if (r == CS_OK)
			r = cs_buf_puts(out, rep);
		i += len;
		run = i;
	}
	if (r == CS_OK && n > run)
		r = cs_buf_append(out, s + run, n - run);
	return r;
}

int cs_html_puts(struct cs_buf *out, const char *s)
{
	return s != NULL ? cs_html_escape(out, s, strlen(s)) : CS_OK;
}
