/*
 * csv.h - one RFC 4180 CSV cell, safe for spreadsheets and for `cat`.
 *
 * The same rules as `camsweep devices --format csv` (docs/json.md): a cell holding a comma,
 * quote, CR or LF is quoted with quotes doubled; a cell a spreadsheet would evaluate (starting
 * with = + - @, tab or CR) gets a leading apostrophe; control characters other than tab, CR and
 * LF (and C1 controls encoded in UTF-8) become '?'. NULL is an empty cell.
 */
#ifndef CS_REPORT_CSV_H
#define CS_REPORT_CSV_H

#include "common/buf.h"

#include <stdbool.h>

/* Append s as a cell to b, preceded by a comma unless first. */
int cs_csv_cell(struct cs_buf *b, const char *s, bool first);

/* Append the cells of a row and CRLF. */
int cs_csv_row(struct cs_buf *b, const char *const *cells, size_t n);

#endif
