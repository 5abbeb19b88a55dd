/*
 * csv.c - the register reader (see csv.h).
 *
 * e.g.  sep=;
 *       "Asset tag";Make;Model;"S/N"
 *       A-0042;Hikvision;DS-2CD2143G2-I;"DS-2CD2143G2-I20220123AAWRD12345678"
 *       A-0043;"Honeywell";"HC30W45R3 ""outdoor""";"multi
 *       line note"
 *
 * One pass over the input per row; the only state between rows is the position.
 */
#include "import/csv.h"

#include <string.h>

static bool at_bom(const char *p, size_t n)
{
	return n >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	       (unsigned char)p[2] == 0xbf;
}

char cs_csv_sniff(const char *p, size_t n)
{
	/* Over the first lines (a title line above the header may have no delimiter at all):
	 * the delimiter found on the most lines wins, then the one most frequent on one line. */
	static const char cand[] = {',', ';', '\t'};
	size_t lines[3] = {0}, most[3] = {0}, count[3] = {0}, nlines = 0;
	bool quoted = false;
	if (at_bom(p, n))
		p += 3, n -= 3;
	for (size_t i = 0; i <= n && i < 65536 && nlines < 10; i++) {
		char ch = i < n ? p[i] : '\n';
		if (ch == '"') {
			quoted = !quoted;
		} else if (quoted && i < n) {
			continue;
		} else if (ch == '\n' || ch == '\r') {
			bool any = false;
			for (int k = 0; k < 3; k++) {
				lines[k] += count[k] > 0;
				most[k] = count[k] > most[k] ? count[k] : most[k];
				any |= count[k] > 0;
				count[k] = 0;
			}
			nlines += any;
			quoted = false;
		} else {
			for (int k = 0; k < 3; k++)
				count[k] += ch == cand[k];
		}
	}
	int best = 0;
	for (int k = 1; k < 3; k++)
		if (lines[k] > lines[best] || (lines[k] == lines[best] && most[k] > most[best]))
			best = k;
	return cand[best];
}

void cs_csv_init(struct cs_csv *c, const char *p, size_t n, char delim, size_t max_field)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->n = n;
	c->line = 1;
	c->max_field = max_field == 0 ? CS_CSV_MAX_FIELD : max_field;
	/* Every field of a row at its cap, plus a NUL each. */
	cs_buf_init(&c->buf, CS_CSV_MAX_FIELDS * (c->max_field + 1));
	if (at_bom(p, n))
		c->pos = 3;
	/* Excel's hint line: sep=; (sometimes quoted), before the header. */
	struct cs_sv rest = cs_sv_make(p + c->pos, n - c->pos);
	const char *nl = memchr(rest.p, '\n', rest.n > 64 ? 64 : rest.n);
	struct cs_sv first = cs_sv_trim(cs_sv_make(rest.p, nl != NULL ? (size_t)(nl - rest.p) : 0));
	if (first.n >= 2 && first.p[0] == '"' && first.p[first.n - 1] == '"')
		first = cs_sv_make(first.p + 1, first.n - 2);
	if (nl != NULL && first.n == 5 && cs_sv_iprefix(first, CS_SV("sep="))) {
		delim = first.p[4];
		c->pos = (size_t)(nl + 1 - p);
		c->line = 2;
	}
	c->delim = delim != 0 ? delim : cs_csv_sniff(p + c->pos, n - c->pos);
}

void cs_csv_free(struct cs_csv *c)
{
	cs_buf_free(&c->buf);
}

/* Consume a line end at i (CRLF, LF or a lone CR); returns the index after it. */
static size_t eol(const struct cs_csv *c, size_t i)
{
	if (c->p[i] == '\r' && i + 1 < c->n && c->p[i + 1] == '\n')
		return i + 2;
	return i + 1;
}

int cs_csv_next(struct cs_csv *c, struct cs_csv_row *row)
{
	const char *p = c->p;
	size_t i = c->pos, start_pos = c->pos;
	size_t offs[CS_CSV_MAX_FIELDS], lens[CS_CSV_MAX_FIELDS];

	row->nfields = row->capped = row->dropped = 0;
	row->blank = true;
	row->unclosed = false;
	row->line = c->line;
	if (i >= c->n)
		return 0;
	cs_buf_reset(&c->buf);
	for (;;) {
		/* One field. */
		size_t flen = 0, off = c->buf.len;
		bool keep = row->nfields < CS_CSV_MAX_FIELDS, cut = false, quoted = false;
		bool end_row = false;
		if (i < c->n && p[i] == '"') {
			quoted = true;
			i++;
		}
		while (i < c->n) {
			char ch = p[i];
			if (quoted) {
				if (ch == '"') {
					if (i + 1 < c->n && p[i + 1] == '"') {
						i++; /* "" is one quote */
					} else {
						quoted =
							false; /* closing quote; text after it is kept */
						i++;
						continue;
					}
				} else if (ch == '\n' || ch == '\r') {
					c->line++;
					if (ch == '\r' && i + 1 < c->n && p[i + 1] == '\n') {
						if (keep && flen < c->max_field)
							cs_buf_putc(&c->buf, '\r'), flen++;
						i++;
						ch = '\n';
					}
				}
			} else if (ch == c->delim) {
				i++;
				break;
			} else if (ch == '\n' || ch == '\r') {
				i = eol(c, i);
				c->line++;
				end_row = true;
				break;
			}
			if (keep) {
				if (flen < c->max_field) {
					if (cs_buf_putc(&c->buf, ch) != CS_OK)
						return CS_ENOMEM;
					flen++;
				} else {
					cut = true;
				}
			}
			if (ch != ' ' && ch != '\t' && ch != c->delim)
				row->blank = false;
			i++;
		}
		if (quoted) {
			/* End of input inside quotes: give this row up and resume on the line after
			 * its first one, so that one stray quote costs one row, not the file. */
			row->unclosed = true;
			row->blank = false;
			size_t j = start_pos;
			while (j < c->n && p[j] != '\n' && p[j] != '\r')
				j++;
			c->pos = j < c->n ? eol(c, j) : c->n;
			c->line = row->line + 1;
			row->nfields = 0;
			return 1;
		}
		if (keep) {
			if (cut) {
				/* Never leave half a UTF-8 sequence at the cut. */
				size_t clipped = cs_utf8_clip(c->buf.data + off, flen);
				c->buf.len = off + clipped;
				flen = clipped;
				row->capped++;
			}
			offs[row->nfields] = off;
			lens[row->nfields] = flen;
			row->nfields++;
			if (cs_buf_putc(&c->buf, '\0') != CS_OK)
				return CS_ENOMEM;
		} else {
			row->dropped++;
		}
		if (end_row || i >= c->n)
			break;
	}
	c->pos = i;
	/* The buffer may have moved while growing: make the views now. */
	for (size_t k = 0; k < row->nfields; k++)
		row->field[k] =
			cs_sv_make(c->buf.data != NULL ? c->buf.data + offs[k] : "", lens[k]);
	return 1;
}
