/*
 * tsv.h - reader for camsweep's data files: TAB-separated records, '#' comment lines.
 *
 * The whole file is read into memory (data files are small and capped at 16 MiB); records are
 * handed out as views into it, valid until cs_tsv_close().
 */
#ifndef CS_TSV_H
#define CS_TSV_H

#include "common/buf.h"
#include "common/err.h"
#include "common/str.h"

enum { CS_TSV_MAX_FIELDS = 16, CS_TSV_MAX_FILE = 16 * 1024 * 1024 };

struct cs_tsv {
	struct cs_buf data;
	const char *path;
	size_t pos;
	int line;
	struct cs_sv field[CS_TSV_MAX_FIELDS];
	int nfields; /* fields in the current record; more than MAX are folded into the last */
};

int cs_tsv_open(struct cs_tsv *t, const char *path, struct cs_err *err);
/* Next non-comment, non-blank record: 1 when there is one, 0 at end. */
int cs_tsv_next(struct cs_tsv *t);
void cs_tsv_close(struct cs_tsv *t);

/* Field i, or an empty view when absent or written "-". */
struct cs_sv cs_tsv_opt(const struct cs_tsv *t, int i);

/* Report a problem with the current record: "path:line: message". Returns CS_EDATA. */
int cs_tsv_error(const struct cs_tsv *t, struct cs_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
