/* tsv.c - the data-file record reader (see tsv.h). */
#include "common/tsv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cs_tsv_open(struct cs_tsv *t, const char *path, struct cs_err *err)
{
	memset(t, 0, sizeof(*t));
	cs_buf_init(&t->data, CS_TSV_MAX_FILE);
	t->path = path;
	int r = cs_buf_read_file(&t->data, path);
	if (r != CS_OK) {
		cs_buf_free(&t->data);
		return cs_err_set(err, r == CS_EIO ? CS_EIO : r, "%s: cannot read: %s", path,
				  cs_strerror(r));
	}
	return CS_OK;
}

int cs_tsv_next(struct cs_tsv *t)
{
	const char *buf = t->data.data;
	size_t len = t->data.len;
	while (t->pos < len) {
		const char *p = buf + t->pos;
		const char *nl = memchr(p, '\n', len - t->pos);
		size_t n = nl != NULL ? (size_t)(nl - p) : len - t->pos;
		t->pos += n + (nl != NULL);
		t->line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		struct cs_sv line = cs_sv_make(p, n);
		struct cs_sv trimmed = cs_sv_trim(line);
		if (trimmed.n == 0 || trimmed.p[0] == '#')
			continue;
		t->nfields = 0;
		size_t start = 0;
		for (size_t i = 0; i <= n; i++) {
			if (i == n || (p[i] == '\t' && t->nfields < CS_TSV_MAX_FIELDS - 1)) {
				t->field[t->nfields++] = cs_sv_make(p + start, i - start);
				start = i + 1;
			}
		}
		return 1;
	}
	return 0;
}

void cs_tsv_close(struct cs_tsv *t)
{
	cs_buf_free(&t->data);
}

struct cs_sv cs_tsv_opt(const struct cs_tsv *t, int i)
{
	if (i >= t->nfields)
		return cs_sv_make("", 0);
	struct cs_sv v = cs_sv_trim(t->field[i]);
	if (v.n == 1 && v.p[0] == '-')
		return cs_sv_make("", 0);
	return v;
}

int cs_tsv_error(const struct cs_tsv *t, struct cs_err *err, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_err_set(err, CS_EDATA, "%s:%d: %s", t->path, t->line, msg);
}
