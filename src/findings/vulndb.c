/*
 * vulndb.c - loading data/vulns.tsv and matching one device against a row (vulndb.h).
 *
 * Columns (TAB-separated, '-' for empty):
 *   cve maker models from to fixed built_after built_before kev_added cvss certainty title source
 * e.g. CVE-2017-7921  Hikvision  DS-2CD2###2F-I*  V5.2.0 build 140721  V5.4.0 build 160530 ...
 */
#include "findings/vulndb.h"

#include "common/str.h"
#include "common/tsv.h"
#include "ident/kb.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	COL_CVE,
	COL_MAKER,
	COL_MODELS,
	COL_FROM,
	COL_TO,
	COL_FIXED,
	COL_BUILT_AFTER,
	COL_BUILT_BEFORE,
	COL_KEV,
	COL_CVSS,
	COL_CERTAINTY,
	COL_TITLE,
	COL_SOURCE,
	NCOLS
};

/* The data files are small; this bounds what a broken or hostile one can make us allocate. */
enum { VULNDB_STRINGS_CAP = 16 * 1024 * 1024, VULNDB_MAX_ROWS = 100000 };

void cs_vulndb_init(struct cs_vulndb *db)
{
	memset(db, 0, sizeof(*db));
	cs_arena_init(&db->strings, VULNDB_STRINGS_CAP);
}

void cs_vulndb_free(struct cs_vulndb *db)
{
	if (db == NULL)
		return;
	free(db->v);
	cs_arena_free(&db->strings);
	memset(db, 0, sizeof(*db));
}

/* Field i as an arena string, or NULL when empty or "-". */
static const char *opt_str(struct cs_vulndb *db, const struct cs_tsv *t, int i, int *r)
{
	struct cs_sv s = cs_sv_trim(cs_tsv_opt(t, i));
	if (s.n == 0)
		return NULL;
	char *p = cs_arena_strdup(&db->strings, s);
	if (p == NULL)
		*r = CS_ENOMEM;
	return p;
}

static int parse_bound(const struct cs_tsv *t, int col, const char *text, struct cs_version *v,
		       bool *has, struct cs_err *err)
{
	*has = false;
	if (text == NULL)
		return CS_OK;
	if (cs_version_parse(text, v) != CS_OK)
		return cs_tsv_error(t, err, "'%s' is not a version camsweep can parse", text);
	(void)col;
	*has = true;
	return CS_OK;
}

static int parse_date_col(const struct cs_tsv *t, int col, int *out, struct cs_err *err)
{
	struct cs_sv s = cs_sv_trim(cs_tsv_opt(t, col));
	*out = 0;
	if (s.n == 0)
		return CS_OK;
	int d = cs_kb_parse_date(s, false);
	if (d <= 0 || s.n != 10)
		return cs_tsv_error(t, err, "dates are YYYY-MM-DD");
	*out = d;
	return CS_OK;
}

/* Drop the rows of cve that came from files before this one. */
static void drop_earlier(struct cs_vulndb *db, const char *cve, const char *file)
{
	size_t w = 0;
	for (size_t i = 0; i < db->n; i++) {
		if (strcmp(db->v[i].file, file) != 0 && strcasecmp(db->v[i].cve, cve) == 0)
			continue;
		db->v[w++] = db->v[i];
	}
	db->n = w;
}

int cs_vulndb_load(struct cs_vulndb *db, const char *path, struct cs_err *err)
{
	struct cs_tsv t;
	int r;
	const char *file = NULL;

	if ((r = cs_tsv_open(&t, path, err)) != CS_OK)
		return r;
	if ((file = cs_arena_strdup(&db->strings, cs_sv_cstr(path))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	while (cs_tsv_next(&t)) {
		struct cs_vuln vu = {0};
		if (t.nfields != NCOLS) {
			r = cs_tsv_error(&t, err, "expected %d fields, found %d", NCOLS, t.nfields);
			goto out;
		}
		r = CS_OK;
		vu.cve = opt_str(db, &t, COL_CVE, &r);
		vu.maker = opt_str(db, &t, COL_MAKER, &r);
		vu.models = opt_str(db, &t, COL_MODELS, &r);
		const char *from = opt_str(db, &t, COL_FROM, &r);
		const char *to = opt_str(db, &t, COL_TO, &r);
		const char *fixed = opt_str(db, &t, COL_FIXED, &r);
		vu.kev_added = opt_str(db, &t, COL_KEV, &r);
		vu.cvss = opt_str(db, &t, COL_CVSS, &r);
		const char *certainty = opt_str(db, &t, COL_CERTAINTY, &r);
		vu.title = opt_str(db, &t, COL_TITLE, &r);
		vu.source = opt_str(db, &t, COL_SOURCE, &r);
		if (r != CS_OK) {
			cs_err_set(err, r, "%s: out of memory", path);
			goto out;
		}
		if (vu.cve == NULL || vu.maker == NULL || vu.models == NULL || vu.title == NULL ||
		    vu.source == NULL) {
			r = cs_tsv_error(&t, err,
					 "cve, maker, models, title and source are required");
			goto out;
		}
		if (certainty == NULL ||
		    (strcmp(certainty, "advisory") != 0 && strcmp(certainty, "approximate") != 0)) {
			r = cs_tsv_error(&t, err, "certainty is 'advisory' or 'approximate'");
			goto out;
		}
		vu.approximate = strcmp(certainty, "approximate") == 0;
		if (vu.kev_added != NULL &&
		    cs_kb_parse_date(cs_sv_cstr(vu.kev_added), false) <= 0) {
			r = cs_tsv_error(&t, err, "kev_added is a date YYYY-MM-DD or '-'");
			goto out;
		}
		if ((r = parse_bound(&t, COL_FROM, from, &vu.from, &vu.has_from, err)) != CS_OK ||
		    (r = parse_bound(&t, COL_TO, to, &vu.to, &vu.has_to, err)) != CS_OK ||
		    (r = parse_bound(&t, COL_FIXED, fixed, &vu.fixed, &vu.has_fixed, err)) !=
			    CS_OK ||
		    (r = parse_date_col(&t, COL_BUILT_AFTER, &vu.built_after, err)) != CS_OK ||
		    (r = parse_date_col(&t, COL_BUILT_BEFORE, &vu.built_before, err)) != CS_OK)
			goto out;
		if (!vu.has_from && !vu.has_to && !vu.has_fixed && vu.built_after == 0 &&
		    vu.built_before == 0) {
			r = cs_tsv_error(
				&t, err,
				"a row needs a version or build-date condition (findings are "
				"version-based)");
			goto out;
		}
		const char *after = opt_str(db, &t, COL_BUILT_AFTER, &r);
		const char *before = opt_str(db, &t, COL_BUILT_BEFORE, &r);
		/* e.g. "V5.2.0 build 140721 .. V5.4.0 build 160530; built before 2021-06-01" */
		vu.range = cs_arena_printf(
			&db->strings, "%s%s%s%s%s%s%s%s%s%s", from != NULL || to != NULL ? "" : "-",
			from != NULL ? from : "", from != NULL || to != NULL ? " .. " : "",
			to != NULL ? to : "", fixed != NULL ? "; fixed in " : "",
			fixed != NULL ? fixed : "", after != NULL ? "; built from " : "",
			after != NULL ? after : "", before != NULL ? "; built before " : "",
			before != NULL ? before : "");
		if (r != CS_OK || vu.range == NULL) {
			r = cs_err_set(err, CS_ENOMEM, "%s: out of memory", path);
			goto out;
		}
		if (strncmp(vu.range, "-; ", 3) == 0)
			vu.range += 3;
		vu.file = file;
		vu.line = t.line;
		drop_earlier(db, vu.cve, file);
		if (db->n == db->alloc) {
			size_t want = db->alloc != 0 ? db->alloc * 2 : 32;
			void *p = want <= VULNDB_MAX_ROWS
					  ? reallocarray(db->v, want, sizeof(*db->v))
					  : NULL;
			if (p == NULL) {
				r = cs_err_set(err, CS_ENOMEM, "%s: too many rows", path);
				goto out;
			}
			db->v = p;
			db->alloc = want;
		}
		db->v[db->n++] = vu;
	}
	r = CS_OK;
out:
	cs_tsv_close(&t);
	return r;
}

/* Glob match of p[0..pn) against s, ASCII case-insensitive, iterative with one backtrack. */
static bool glob(const char *p, size_t pn, const char *s)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
	size_t sn = strlen(s);
	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star_p = pi++;
			star_s = si;
			continue;
		}
		if (pi < pn && (p[pi] == '?' || (p[pi] == '#' && s[si] >= '0' && s[si] <= '9') ||
				(p[pi] != '#' && cs_lower((unsigned char)p[pi]) ==
							 cs_lower((unsigned char)s[si])))) {
			pi++, si++;
			continue;
		}
		if (star_p == (size_t)-1)
			return false;
		pi = star_p + 1;
		si = ++star_s;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

bool cs_vuln_model_match(const char *patterns, const char *model)
{
	if (patterns == NULL || model == NULL)
		return false;
	const char *p = patterns;
	for (;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar != NULL ? (size_t)(bar - p) : strlen(p);
		struct cs_sv one = cs_sv_trim(cs_sv_make(p, n));
		if (one.n > 0 && glob(one.p, one.n, model))
			return true;
		if (bar == NULL)
			return false;
		p = bar + 1;
	}
}

/* NO beats UNKNOWN beats YES: a condition that fails settles it. */
static enum cs_tri both(enum cs_tri a, enum cs_tri b)
{
	if (a == CS_TRI_NO || b == CS_TRI_NO)
		return CS_TRI_NO;
	if (a == CS_TRI_UNKNOWN || b == CS_TRI_UNKNOWN)
		return CS_TRI_UNKNOWN;
	return CS_TRI_YES;
}

enum cs_tri cs_vuln_version_match(const struct cs_vuln *vu, const struct cs_version *ver)
{
	if (ver == NULL)
		return CS_TRI_UNKNOWN;
	enum cs_tri res = CS_TRI_YES;
	int order;
	if (vu->has_from || vu->has_to)
		res = both(res, cs_version_in_range(ver, vu->has_from ? &vu->from : NULL,
						    vu->has_to ? &vu->to : NULL));
	if (vu->has_fixed) {
		if (cs_version_cmp(ver, &vu->fixed, &order) == CS_TRI_UNKNOWN)
			res = both(res, CS_TRI_UNKNOWN);
		else
			res = both(res, order < 0 ? CS_TRI_YES : CS_TRI_NO);
	}
	if (vu->built_after != 0)
		res = both(res, ver->build == 0			? CS_TRI_UNKNOWN
				: ver->build >= vu->built_after ? CS_TRI_YES
								: CS_TRI_NO);
	if (vu->built_before != 0)
		res = both(res, cs_version_built_before(ver, vu->built_before));
	return res;
}
