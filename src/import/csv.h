/*
 * csv.h - a reader for the CSV files people and spreadsheets write (asset registers).
 *
 * Accepts what real registers contain: ',', ';' or TAB as the delimiter (sniffed from the first
 * lines, or named by Excel's "sep=;" line), fields in double quotes with "" for a quote and
 * embedded line breaks, CRLF, LF or CR line ends, a UTF-8 byte order mark, blank lines. It
 * never allocates per field: a row's unescaped fields are written into the reader's one capped
 * buffer and handed out as views valid until the next call. Every field is cut at max_field
 * bytes (never inside a UTF-8 sequence) and fields past CS_CSV_MAX_FIELDS are dropped; both are
 * reported, not silent. A quoted field still open at the end of the input is an error for that
 * row only: the reader resumes on the line after the one the row started on.
 */
#ifndef CS_CSV_H
#define CS_CSV_H

#include "common/buf.h"
#include "common/err.h"
#include "common/str.h"

#include <stdbool.h>
#include <stddef.h>

enum { CS_CSV_MAX_FIELDS = 256, CS_CSV_MAX_FIELD = 4096 };

struct cs_csv_row {
	struct cs_sv field[CS_CSV_MAX_FIELDS]; /* views into the reader's buffer */
	size_t nfields;
	size_t line;	/* physical line (1-based) the row starts on */
	size_t capped;	/* fields cut at max_field */
	size_t dropped; /* fields past CS_CSV_MAX_FIELDS, not returned */
	bool blank;	/* nothing but delimiters and white space */
	bool unclosed;	/* a quoted field was never closed (the row is unusable) */
};

struct cs_csv {
	const char *p; /* the input (caller's; must outlive the reader) */
	size_t n, pos;
	size_t line; /* physical line of pos */
	char delim;
	size_t max_field;
	struct cs_buf buf; /* unescaped fields of the current row */
};

/* Start reading p[0..n): skips a UTF-8 BOM and a "sep=X" line; delim 0 sniffs it from the
 * first line. max_field 0 means CS_CSV_MAX_FIELD. Free with cs_csv_free. */
void cs_csv_init(struct cs_csv *c, const char *p, size_t n, char delim, size_t max_field);
void cs_csv_free(struct cs_csv *c);

/* The next row: 1 when there is one, 0 at the end, CS_ENOMEM when the buffer cannot grow. */
int cs_csv_next(struct cs_csv *c, struct cs_csv_row *row);

/* The delimiter the first lines of p suggest: of , ; and TAB outside quotes, the one found on
 * the most of the first 10 lines that have any, then the most frequent on one line (',' when
 * none occurs). */
char cs_csv_sniff(const char *p, size_t n);

#endif
