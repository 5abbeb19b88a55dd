/* csv.c - RFC 4180 cells with formula defusing and control characters replaced (csv.h). */
#include "report/csv.h"

#include "common/err.h"

#include <string.h>

int cs_csv_cell(struct cs_buf *b, const char *s, bool first)
{
	int r = CS_OK;

	if (!first && (r = cs_buf_putc(b, ',')) != CS_OK)
		return r;
	if (s == NULL)
		return CS_OK;
	bool defuse = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		r = cs_buf_putc(b, '"');
	if (r == CS_OK && defuse)
		r = cs_buf_putc(b, '\'');
	for (const unsigned char *p = (const unsigned char *)s; r == CS_OK && *p != '\0'; p++) {
		unsigned char c = *p;
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
			r = cs_buf_putc(b, '?');
		} else if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			r = cs_buf_putc(b, '?'); /* U+0080..U+009F */
			p++;
		} else {
			r = cs_buf_putc(b, (char)c);
			if (r == CS_OK && c == '"')
				r = cs_buf_putc(b, '"');
		}
	}
	if (r == CS_OK && quote)
		r = cs_buf_putc(b, '"');
	return r;
}

int cs_csv_row(struct cs_buf *b, const char *const *cells, size_t n)
{
	int r = CS_OK;
	for (size_t i = 0; i < n && r == CS_OK; i++)
		r = cs_csv_cell(b, cells[i], i == 0);
	return r == CS_OK ? cs_buf_puts(b, "\r\n") : r;
}
