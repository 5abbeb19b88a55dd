/*
 * prog_cli.c - helpers shared by the programme commands (see prog_cli.h).
 */
#include "cli/prog_cli.h"

#include "cli/cli.h"
#include "common/str.h"
#include "report/device_out.h"

#include <arpa/inet.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cs_cli_parse_format(const char *s, enum cs_cli_format *f)
{
	if (strcmp(s, "table") == 0)
		*f = CS_FMT_TABLE;
	else if (strcmp(s, "json") == 0)
		*f = CS_FMT_JSON;
	else if (strcmp(s, "csv") == 0)
		*f = CS_FMT_CSV;
	else
		return CS_EINVAL;
	return CS_OK;
}

const char *cs_cli_who(void)
{
	static char who[256];
	const char *u = getenv("CAMSWEEP_USER");
	struct passwd *pw;

	if (u != NULL && u[0] != '\0')
		snprintf(who, sizeof(who), "%s", u);
	else if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		snprintf(who, sizeof(who), "%s", pw->pw_name);
	else
		snprintf(who, sizeof(who), "uid:%u", (unsigned)getuid());
	return who;
}

void cs_cli_today(char out[CS_DATE_LEN])
{
	time_t t = time(NULL);
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL || strftime(out, CS_DATE_LEN, "%Y-%m-%d", &tm) == 0)
		snprintf(out, CS_DATE_LEN, "1970-01-01");
}

int cs_cli_parse_id(const char *s, int64_t *id)
{
	uint64_t v;
	if (s == NULL || cs_parse_u64(cs_sv_cstr(s), INT64_MAX, &v) != CS_OK || v == 0)
		return CS_EINVAL;
	*id = (int64_t)v;
	return CS_OK;
}

bool cs_cli_device_arg_ok(const char *s)
{
	int64_t id;
	struct in_addr a;
	return cs_cli_parse_id(s, &id) == CS_OK || (s != NULL && inet_pton(AF_INET, s, &a) == 1);
}

struct at_addr {
	const char *addr;
	int64_t id;
	size_t n;
};

static int match_addr(void *ctx, const struct cs_stored_device *d)
{
	struct at_addr *m = ctx;
	if (d->dev.address != NULL && strcmp(d->dev.address, m->addr) == 0) {
		m->id = d->id;
		m->n++;
	}
	return 0;
}

int cs_cli_resolve_device(struct cs_store *st, const char *s, int64_t *id, struct cs_err *err)
{
	struct at_addr m = {s, 0, 0};
	int r;
	if (cs_cli_parse_id(s, id) == CS_OK)
		return CS_OK;
	if ((r = cs_store_list_devices(st, NULL, match_addr, &m, err)) != CS_OK)
		return r;
	if (m.n == 0)
		return cs_err_set(err, CS_ENOTFOUND, "no device is recorded at %s", s);
	if (m.n > 1)
		return cs_err_set(err, CS_EINVAL,
				  "%zu devices are recorded at %s: give the id (camsweep devices)",
				  m.n, s);
	*id = m.id;
	return CS_OK;
}

int cs_cli_check_exists(const char *db, const char *hint, struct cs_err *err)
{
	char *path = NULL;
	struct stat sb;
	int r;

	if (db != NULL && db[0] != '\0' && strstr(db, "://") != NULL)
		return CS_OK;
	if (db == NULL || db[0] == '\0') {
		if ((r = cs_store_default_path(&path, err)) != CS_OK)
			return r;
		db = path;
	}
	if (stat(db, &sb) == 0)
		r = CS_OK;
	else if (hint != NULL)
		r = cs_err_set(err, CS_ENOTFOUND, "no inventory at %s (%s)", db, hint);
	else
		r = cs_err_set(err, CS_ENOTFOUND, "no inventory at %s", db);
	free(path);
	return r;
}

int cs_cli_open(struct cs_store **st, const char *db, bool must_exist, struct cs_err *err)
{
	int r;

	*st = NULL;
	if (db == NULL)
		db = cs_cli_globals.db;
	if (must_exist && (r = cs_cli_check_exists(db, NULL, err)) != CS_OK)
		return r;
	return cs_store_open(st, db, err);
}

void cs_cli_csv_row_free(struct cs_csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		free(row->f[i]);
	row->n = 0;
}

/* e.g. name,operator,"sensitive",criterion,"192.0.2.0/24:core 198.51.100.0/25:segregated" */
int cs_cli_csv_row(const char **pp, struct cs_csv_row *row, struct cs_err *err)
{
	const char *p = *pp;
	struct cs_buf cell;
	int r = CS_OK;

	cs_cli_csv_row_free(row);
	cs_buf_init(&cell, CS_STORE_MAX_FIELD);
	for (;;) {
		cs_buf_reset(&cell);
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0') {
					r = cs_err_set(err, CS_EPARSE, "unterminated quoted field");
					goto out;
				}
				if (*p == '"' && p[1] == '"') {
					r = cs_buf_putc(&cell, '"');
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					r = cs_buf_putc(&cell, *p++);
				}
				if (r != CS_OK)
					goto toobig;
			}
			if (*p != ',' && *p != '\r' && *p != '\n' && *p != '\0') {
				r = cs_err_set(err, CS_EPARSE, "text after a closing quote");
				goto out;
			}
		} else {
			size_t n = strcspn(p, ",\r\n");
			if ((r = cs_buf_append(&cell, p, n)) != CS_OK)
				goto toobig;
			p += n;
		}
		if (row->n == CS_ARRAY_SIZE(row->f)) {
			r = cs_err_set(err, CS_ETOOBIG, "more than %zu fields",
				       CS_ARRAY_SIZE(row->f));
			goto out;
		}
		if ((row->f[row->n] = strdup(cell.data != NULL ? cell.data : "")) == NULL) {
			r = cs_err_set(err, CS_ENOMEM, "out of memory");
			goto out;
		}
		row->n++;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
		break;
	}
	*pp = p;
	r = CS_OK;
	goto out;
toobig:
	r = cs_err_set(err, CS_ETOOBIG, "a field longer than %d bytes", CS_STORE_MAX_FIELD);
out:
	cs_buf_free(&cell);
	return r;
}

void cs_cli_print_safe(FILE *f, const char *s, size_t max)
{
	struct cs_buf b;
	cs_buf_init(&b, 4 * max + 16);
	if (s == NULL || s[0] == '\0' || cs_term_safe(&b, s, max) != CS_OK || b.data == NULL)
		fputs("-", f);
	else
		fputs(b.data, f);
	cs_buf_free(&b);
}

char *cs_cli_safe_dup(const char *s, size_t max)
{
	struct cs_buf b;
	cs_buf_init(&b, 4 * max + 16);
	if (s == NULL || s[0] == '\0' || cs_term_safe(&b, s, max) != CS_OK || b.data == NULL) {
		cs_buf_free(&b);
		return strdup("-");
	}
	return cs_buf_steal(&b);
}

void cs_cli_table(FILE *f, const char *const *titles, size_t ncols, char *const *cells,
		  size_t nrows)
{
	size_t width[32] = {0};
	if (ncols > CS_ARRAY_SIZE(width))
		ncols = CS_ARRAY_SIZE(width);
	for (size_t c = 0; c < ncols; c++) {
		width[c] = strlen(titles[c]);
		for (size_t i = 0; i < nrows; i++) {
			size_t n = strlen(cells[i * ncols + c]);
			width[c] = n > width[c] ? n : width[c];
		}
	}
	for (size_t i = 0; i <= nrows; i++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *t = i == 0 ? titles[c] : cells[(i - 1) * ncols + c];
			if (c + 1 < ncols)
				fprintf(f, "%-*s  ", (int)width[c], t);
			else
				fputs(t, f);
		}
		fputc('\n', f);
	}
}
