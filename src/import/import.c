/*
 * import.c - the import driver: format detection, the column table, and the path every
 * imported device takes (identify, judge, hand to the caller). See import.h.
 */
#include "common/buf.h"
#include "import/import_int.h"

#include "common/tsv.h"
#include "policy/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[] = {
#define X(id, name) name,
	CS_IMPORT_FORMATS(X)
#undef X
};

const char *cs_import_format_name(enum cs_import_format f)
{
	return (unsigned)f < CS_IMPORT_FORMAT_COUNT ? format_names[f] : "?";
}

enum cs_import_format cs_import_format_lookup(const char *name)
{
	for (int i = 0; i < CS_IMPORT_FORMAT_COUNT; i++)
		if (strcmp(name, format_names[i]) == 0)
			return (enum cs_import_format)i;
	return CS_IMPORT_FORMAT_COUNT;
}

enum cs_import_format cs_import_detect(const char *p, size_t n)
{
	struct cs_sv s = cs_sv_make(p, n);
	if (s.n >= 3 && (unsigned char)s.p[0] == 0xef && (unsigned char)s.p[1] == 0xbb &&
	    (unsigned char)s.p[2] == 0xbf)
		s.p += 3, s.n -= 3;
	while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n'))
		s.p++, s.n--;
	struct cs_sv head = cs_sv_make(s.p, s.n > 4096 ? 4096 : s.n);
	if (s.n > 0 && s.p[0] == '<' && cs_sv_find(head, CS_SV("<nmaprun")) >= 0)
		return CS_IMPORT_NMAP_XML;
	if (s.n > 0 && (s.p[0] == '[' || s.p[0] == '{') && cs_sv_find(head, CS_SV("\"ip\"")) >= 0)
		return CS_IMPORT_MASSCAN_JSON;
	if (s.n > 0 && s.p[0] == '<')
		return CS_IMPORT_NMAP_XML; /* XML of some kind: the nmap reader says what is wrong */
	return CS_IMPORT_CSV;
}

static const char *const field_names[IMP_NFIELDS] = {
	[IMP_NONE] = "",
	[IMP_MAKE] = "make",
	[IMP_MODEL] = "model",
	[IMP_SERIAL] = "serial",
	[IMP_MAC] = "mac",
	[IMP_IP] = "ip",
	[IMP_HOSTNAME] = "hostname",
	[IMP_FIRMWARE] = "firmware",
	[IMP_TYPE] = "type",
	[IMP_LOCATION] = "location",
	[IMP_ASSET] = "asset",
	[IMP_IGNORE] = "ignore",
};

enum imp_field imp_field_lookup(struct cs_sv s)
{
	s = cs_sv_trim(s);
	for (int i = 1; i < IMP_NFIELDS; i++)
		if (cs_sv_ieq(s, cs_sv_cstr(field_names[i])))
			return (enum imp_field)i;
	return IMP_NONE;
}

static int load_columns(struct cs_import *im, const char *path, struct cs_err *err)
{
	struct cs_tsv t;
	int r = cs_tsv_open(&t, path, err);
	if (r != CS_OK)
		return r;
	while (cs_tsv_next(&t) == 1) {
		enum imp_field f = imp_field_lookup(cs_tsv_opt(&t, 0));
		if (f == IMP_NONE || t.nfields < 2) {
			r = cs_tsv_error(&t, err, "expected FIELD<TAB>COLUMN with a known field");
			break;
		}
		if (im->ncolumns == IMP_MAX_COLUMNS) {
			r = cs_tsv_error(&t, err, "more than %d column names", IMP_MAX_COLUMNS);
			break;
		}
		struct imp_column *c = &im->columns[im->ncolumns++];
		cs_kb_normalise(cs_tsv_opt(&t, 1), c->name, sizeof(c->name));
		c->field = f;
	}
	cs_tsv_close(&t);
	return r;
}

int cs_import_new(struct cs_import **out, const struct cs_kb *kb, struct cs_err *err)
{
	struct cs_import *im = calloc(1, sizeof(*im));
	int r = CS_ENOMEM;
	if (im == NULL)
		goto out;
	im->kb = kb;
	if ((im->columns = calloc(IMP_MAX_COLUMNS, sizeof(*im->columns))) == NULL)
		goto out;
	if ((r = cs_ident_new(&im->id, kb)) != CS_OK)
		goto out;
	/* The built-in table, then the user's, whose names come first when looked up later
	 * (lookups scan from the end). A missing user file is fine; a missing built-in one is
	 * not: registers would silently import nothing. */
	for (int i = 0; i < kb->ndata_dirs; i++) {
		char path[600];
		snprintf(path, sizeof(path), "%s/import-columns.tsv", kb->data_dirs[i]);
		r = load_columns(im, path, err);
		if (r == CS_EIO && i > 0)
			r = CS_OK;
		if (r != CS_OK)
			goto out;
	}
	*out = im;
	im = NULL; /* transferred */
	r = CS_OK;
out:
	if (r == CS_ENOMEM)
		cs_err_set(err, r, "out of memory");
	cs_import_free(im);
	return r;
}

void cs_import_free(struct cs_import *im)
{
	if (im == NULL)
		return;
	cs_ident_free(im->id);
	free(im->columns);
	free(im);
}

int cs_import_set_map(struct cs_import *im, const char *spec, struct cs_err *err)
{
	const char *p = spec;
	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		struct cs_sv item = cs_sv_trim(cs_sv_make(p, len));
		const char *eq = memchr(item.p, '=', item.n);
		if (item.n > 0) {
			if (eq == NULL || eq == item.p)
				return cs_err_set(err, CS_EINVAL,
						  "--map: '%.*s' is not COLUMN=FIELD",
						  (int)(item.n > 100 ? 100 : item.n), item.p);
			struct cs_sv col = cs_sv_trim(cs_sv_make(item.p, (size_t)(eq - item.p)));
			struct cs_sv fld = cs_sv_make(eq + 1, item.n - (size_t)(eq + 1 - item.p));
			enum imp_field f = imp_field_lookup(fld);
			if (f == IMP_NONE)
				return cs_err_set(
					err, CS_EINVAL,
					"--map: unknown field '%.*s' (make model serial mac "
					"ip hostname firmware type location asset ignore)",
					(int)(fld.n > 100 ? 100 : fld.n), fld.p);
			if (im->nmap == IMP_MAX_MAP)
				return cs_err_set(err, CS_EINVAL, "--map: more than %d columns",
						  IMP_MAX_MAP);
			struct imp_map *m = &im->map[im->nmap];
			uint64_t num;
			memset(m, 0, sizeof(*m));
			struct cs_sv digits = col;
			if (digits.n > 1 && digits.p[0] == '#')
				digits.p++, digits.n--;
			if (cs_parse_u64(digits, 100000, &num) == CS_OK && num > 0)
				m->col = (unsigned)num;
			else if (cs_kb_normalise(col, m->name, sizeof(m->name)) == 0)
				return cs_err_set(err, CS_EINVAL, "--map: empty column name");
			m->field = f;
			im->nmap++;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return CS_OK;
}

void cs_import_set_policy(struct cs_import *im, const char *only)
{
	im->policy = only;
}

void imp_begin(struct cs_import *im)
{
	cs_ident_reset(im->id);
}

void imp_observe(struct cs_import *im, enum cs_signal sig, struct cs_sv v, const char *from,
		 double trust)
{
	v = cs_sv_trim(v);
	if (v.n > 0)
		cs_ident_observe_from(im->id, sig, v, from, trust);
}

int imp_end(struct cs_import *im, const char *where, const char *note, const char *ports)
{
	struct cs_device dev;
	int r = cs_ident_finish(im->id, &dev);
	if (r != CS_OK)
		return cs_err_set(im->err, r, "%s: identification failed", where);
	r = cs_policy_judge(im->kb, &dev, im->policy, cs_ident_arena(im->id), im->err);
	if (r != CS_OK)
		return r;
	struct cs_import_stats *st = im->stats;
	st->devices++;
	if (dev.manufacturer != NULL)
		st->identified++;
	if (dev.covered)
		st->covered++;
	else if (dev.covered_status != NULL && strcmp(dev.covered_status, "review") == 0)
		st->review++;
	struct cs_import_dev d = {&dev, where, note, ports, im->location};
	return im->sink->device != NULL ? im->sink->device(im->sink->ctx, &d) : CS_OK;
}

void imp_skip(struct cs_import *im, const char *where, const char *reason)
{
	im->stats->skipped++;
	if (im->sink->skip != NULL)
		im->sink->skip(im->sink->ctx, where, reason);
}

int cs_import_run(struct cs_import *im, enum cs_import_format fmt, const char *name, const char *p,
		  size_t n, const struct cs_import_sink *sink, struct cs_import_stats *stats,
		  struct cs_err *err)
{
	if (n > CS_IMPORT_MAX_INPUT)
		return cs_err_set(err, CS_ETOOBIG, "input larger than %d bytes",
				  CS_IMPORT_MAX_INPUT);
	if (fmt == CS_IMPORT_AUTO)
		fmt = cs_import_detect(p, n);
	im->name = name;
	im->sink = sink;
	im->stats = stats;
	im->err = err;
	switch (fmt) {
	case CS_IMPORT_CSV: return imp_register(im, p, n);
	case CS_IMPORT_NMAP_XML: return imp_nmap(im, p, n);
	case CS_IMPORT_MASSCAN_JSON: return imp_masscan(im, p, n);
	case CS_IMPORT_AUTO:
	case CS_IMPORT_FORMAT_COUNT: break;
	}
	return cs_err_set(err, CS_EINVAL, "unknown import format");
}
