/*
 * kb.c - loads the knowledge base from data files (formats: docs/internals/data-formats.md).
 *
 * Validation happens here, once: every maker a rule, brand or policy names must exist, every
 * regular expression must compile, every signal and device type must be known. A broken data
 * file stops start-up with "file:line: reason" instead of silently identifying less.
 */
#include "ident/kb.h"

#include "common/buf.h"
#include "common/tsv.h"
#include "ident/markers.h"
#include "ident/oui.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { KB_STRINGS_CAP = 64 * 1024 * 1024 };

/* dir/name into out; false when it does not fit. */
static bool join(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);
	return n > 0 && (size_t)n < cap;
}

static const char *kb_str(struct cs_kb *kb, struct cs_sv s)
{
	return cs_arena_strdup(&kb->strings, s);
}

size_t cs_kb_normalise(struct cs_sv in, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < in.n && n + 1 < cap; i++) {
		unsigned char c = cs_lower((unsigned char)in.p[i]);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
			out[n++] = (char)c;
	}
	if (cap > 0)
		out[n] = '\0';
	return n;
}

int cs_kb_maker_find(const struct cs_kb *kb, struct cs_sv name)
{
	char norm[256];
	size_t n = cs_kb_normalise(name, norm, sizeof(norm));
	int v;
	if (n == 0 || !cs_strmap_get(&kb->maker_alias, cs_sv_make(norm, n), &v))
		return -1;
	return v;
}

int cs_kb_parse_date(struct cs_sv s, bool round_up)
{
	s = cs_sv_trim(s);
	if (s.n == 0 || (s.n == 1 && s.p[0] == '-'))
		return 0;
	int y = 0, m = round_up ? 12 : 1, d = round_up ? 31 : 1;
	uint64_t v;
	if (s.n < 4 || cs_parse_u64(cs_sv_make(s.p, 4), 9999, &v) != CS_OK)
		return -1;
	y = (int)v;
	if (s.n >= 7) {
		if (s.p[4] != '-' || cs_parse_u64(cs_sv_make(s.p + 5, 2), 12, &v) != CS_OK ||
		    v == 0)
			return -1;
		m = (int)v;
		if (round_up)
			d = 31;
	}
	if (s.n >= 10) {
		if (s.p[7] != '-' || cs_parse_u64(cs_sv_make(s.p + 8, 2), 31, &v) != CS_OK ||
		    v == 0)
			return -1;
		d = (int)v;
	}
	if (s.n != 4 && s.n != 7 && s.n != 10)
		return -1;
	return y * 10000 + m * 100 + d;
}

static int add_alias(struct cs_kb *kb, struct cs_sv alias, int maker)
{
	char norm[256];
	size_t n = cs_kb_normalise(alias, norm, sizeof(norm));
	if (n == 0)
		return CS_OK;
	return cs_strmap_put(&kb->maker_alias, cs_sv_make(norm, n), maker);
}

static int grow_array(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return CS_OK;
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, c * elem);
	if (p == NULL)
		return CS_ENOMEM;
	*arr = p;
	*cap = c;
	return CS_OK;
}

/* ---- makers.tsv ---- */

static int load_makers(struct cs_kb *kb, const char *path, size_t *cap, struct cs_err *err)
{
	struct cs_tsv t;
	int r = cs_tsv_open(&t, path, err);
	if (r != CS_OK)
		return r;
	while (cs_tsv_next(&t)) {
		if (t.nfields < 5) {
			r = cs_tsv_error(
				&t, err,
				"expected 6 fields (name kind country nil aliases source)");
			goto out;
		}
		struct cs_sv name = cs_tsv_opt(&t, 0), kind = cs_tsv_opt(&t, 1);
		struct cs_sv nil = cs_tsv_opt(&t, 3);
		if (name.n == 0) {
			r = cs_tsv_error(&t, err, "empty maker name");
			goto out;
		}
		/* A later row with the same canonical name (a user override) replaces it. */
		int idx = -1;
		for (size_t i = 0; i < kb->nmakers && idx < 0; i++)
			if (cs_sv_eq(cs_sv_cstr(kb->makers[i].name), name))
				idx = (int)i;
		if (idx < 0) {
			if ((r = grow_array((void **)&kb->makers, cap, kb->nmakers,
					    sizeof(*kb->makers))))
				goto out;
			idx = (int)kb->nmakers++;
		}
		struct cs_maker *m = &kb->makers[idx];
		m->name = kb_str(kb, name);
		if (cs_sv_eq(kind, CS_SV("manufacturer")))
			m->kind = CS_MK_MANUFACTURER;
		else if (cs_sv_eq(kind, CS_SV("brand")))
			m->kind = CS_MK_BRAND;
		else if (cs_sv_eq(kind, CS_SV("chipmaker")))
			m->kind = CS_MK_CHIPMAKER;
		else if (cs_sv_eq(kind, CS_SV("software")))
			m->kind = CS_MK_SOFTWARE;
		else if (cs_sv_eq(kind, CS_SV("other")))
			m->kind = CS_MK_OTHER;
		else {
			r = cs_tsv_error(&t, err, "unknown maker kind '%.*s'", (int)kind.n, kind.p);
			goto out;
		}
		m->country = kb_str(kb, cs_tsv_opt(&t, 2));
		m->nil = cs_sv_eq(nil, CS_SV("yes"))  ? CS_NIL_YES
			 : cs_sv_eq(nil, CS_SV("no")) ? CS_NIL_NO
						      : CS_NIL_UNKNOWN;
		m->source = kb_str(kb, cs_tsv_opt(&t, 5));
		if ((r = add_alias(kb, name, idx)) != CS_OK)
			goto out;
		struct cs_sv aliases = cs_tsv_opt(&t, 4);
		size_t start = 0;
		for (size_t i = 0; i <= aliases.n; i++) {
			if (i == aliases.n || aliases.p[i] == '|') {
				if ((r = add_alias(kb, cs_sv_make(aliases.p + start, i - start),
						   idx)))
					goto out;
				start = i + 1;
			}
		}
	}
	r = CS_OK;
out:
	cs_tsv_close(&t);
	return r;
}

static int need_maker(struct cs_kb *kb, struct cs_tsv *t, struct cs_sv name, int *out,
		      struct cs_err *err)
{
	*out = cs_kb_maker_find(kb, name);
	if (*out < 0)
		return cs_tsv_error(t, err, "unknown maker '%.*s' (add it to makers.tsv)",
				    (int)name.n, name.p);
	return CS_OK;
}

/* ---- brands.tsv ---- */

static int load_brands(struct cs_kb *kb, const char *path, size_t *cap, struct cs_err *err)
{
	struct cs_tsv t;
	int r = cs_tsv_open(&t, path, err);
	if (r != CS_OK)
		return r;
	while (cs_tsv_next(&t)) {
		struct cs_brand_rel b;
		memset(&b, 0, sizeof(b));
		if (t.nfields < 6) {
			r = cs_tsv_error(
				&t, err,
				"expected 7 fields (brand owner relation from to share source)");
			goto out;
		}
		if ((r = need_maker(kb, &t, cs_tsv_opt(&t, 0), &b.brand, err)) ||
		    (r = need_maker(kb, &t, cs_tsv_opt(&t, 1), &b.owner, err)))
			goto out;
		struct cs_sv rel = cs_tsv_opt(&t, 2), share = cs_tsv_opt(&t, 5);
		if (cs_sv_eq(rel, CS_SV("subsidiary")))
			b.relation = CS_REL_SUBSIDIARY;
		else if (cs_sv_eq(rel, CS_SV("oem")))
			b.relation = CS_REL_OEM;
		else if (cs_sv_eq(rel, CS_SV("former-oem")))
			b.relation = CS_REL_FORMER_OEM;
		else {
			r = cs_tsv_error(&t, err, "unknown relation '%.*s'", (int)rel.n, rel.p);
			goto out;
		}
		if (cs_sv_eq(share, CS_SV("all")) || share.n == 0)
			b.share = CS_SHARE_ALL;
		else if (cs_sv_eq(share, CS_SV("most")))
			b.share = CS_SHARE_MOST;
		else if (cs_sv_eq(share, CS_SV("some")))
			b.share = CS_SHARE_SOME;
		else {
			r = cs_tsv_error(&t, err, "unknown share '%.*s'", (int)share.n, share.p);
			goto out;
		}
		b.from = cs_kb_parse_date(cs_tsv_opt(&t, 3), false);
		b.to = cs_kb_parse_date(cs_tsv_opt(&t, 4), true);
		if (b.from < 0 || b.to < 0) {
			r = cs_tsv_error(&t, err, "dates are YYYY, YYYY-MM or YYYY-MM-DD");
			goto out;
		}
		b.from_text = kb_str(kb, t.nfields > 3 ? cs_sv_trim(t.field[3]) : CS_SV("-"));
		b.to_text = kb_str(kb, t.nfields > 4 ? cs_sv_trim(t.field[4]) : CS_SV("-"));
		b.source = kb_str(kb, cs_tsv_opt(&t, 6));
		if ((r = grow_array((void **)&kb->brands, cap, kb->nbrands, sizeof(*kb->brands))))
			goto out;
		kb->brands[kb->nbrands++] = b;
	}
	r = CS_OK;
out:
	cs_tsv_close(&t);
	return r;
}

int cs_kb_current_owner(const struct cs_kb *kb, int m)
{
	for (size_t i = 0; i < kb->nbrands; i++) {
		const struct cs_brand_rel *b = &kb->brands[i];
		if (b->brand == m && b->relation == CS_REL_SUBSIDIARY && b->to == 0)
			return b->owner;
	}
	return -1;
}

/* ---- fingerprints: the .rules files ---- */

static int compile_re(struct cs_kb *kb, struct cs_tsv *t, struct cs_sv pat, pcre2_code **out,
		      bool *jit, uint32_t extra, struct cs_err *err)
{
	int ec;
	PCRE2_SIZE eo;
	/* UTF mode so patterns can name characters such as U+00A0, but device input may be any
	 * bytes, hence MATCH_INVALID_UTF: invalid sequences simply fail to match. */
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat.p, pat.n,
				       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | extra, &ec, &eo, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		return cs_tsv_error(t, err, "bad regular expression at offset %zu: %s", (size_t)eo,
				    (char *)msg);
	}
	/* Without JIT (an unsupported CPU, or JIT disabled) matching falls back to the interpreter. */
	bool ok = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
	if (jit != NULL)
		*jit = ok;
	(void)kb;
	*out = re;
	return CS_OK;
}

static int parse_sets(struct cs_kb *kb, struct cs_tsv *t, struct cs_rule *rule, struct cs_sv sets,
		      struct cs_err *err)
{
	size_t start = 0;
	for (size_t i = 0; i <= sets.n; i++) {
		if (i < sets.n && sets.p[i] != ';')
			continue;
		struct cs_sv item = cs_sv_trim(cs_sv_make(sets.p + start, i - start));
		start = i + 1;
		if (item.n == 0)
			continue;
		const char *eq = memchr(item.p, '=', item.n);
		if (eq == NULL)
			return cs_tsv_error(t, err, "set '%.*s' is not key=value", (int)item.n,
					    item.p);
		struct cs_sv key = cs_sv_trim(cs_sv_make(item.p, (size_t)(eq - item.p)));
		struct cs_sv val =
			cs_sv_trim(cs_sv_make(eq + 1, item.n - (size_t)(eq - item.p) - 1));
		static const struct {
			const char *name;
			enum cs_set_key key;
		} keys[] = {
			{"maker", CS_SET_MAKER},       {"brand", CS_SET_BRAND},
			{"type", CS_SET_TYPE},	       {"model", CS_SET_MODEL},
			{"firmware", CS_SET_FIRMWARE}, {"serial", CS_SET_SERIAL},
			{"mac", CS_SET_MAC},	       {"hardware", CS_SET_HARDWARE},
			{"vendor", CS_SET_VENDOR},
		};
		size_t k;
		for (k = 0; k < CS_ARRAY_SIZE(keys); k++)
			if (cs_sv_eq(key, cs_sv_cstr(keys[k].name)))
				break;
		if (k == CS_ARRAY_SIZE(keys))
			return cs_tsv_error(t, err, "unknown set key '%.*s'", (int)key.n, key.p);
		if (rule->nsets == CS_RULE_MAX_SETS)
			return cs_tsv_error(t, err, "too many sets (max %d)", CS_RULE_MAX_SETS);
		struct cs_rule_set *s = &rule->sets[rule->nsets++];
		s->key = keys[k].key;
		s->tmpl = kb_str(kb, val);
		s->maker = -1;
		s->type = CS_DT_UNKNOWN;
		if (s->key == CS_SET_MAKER || s->key == CS_SET_BRAND) {
			if (memchr(val.p, '$', val.n) == NULL) {
				int r = need_maker(kb, t, val, &s->maker, err);
				if (r != CS_OK)
					return r;
			}
		} else if (s->key == CS_SET_TYPE) {
			s->type = cs_devtype_lookup(s->tmpl);
			if (s->type == CS_DT_COUNT)
				return cs_tsv_error(t, err, "unknown device type '%s'", s->tmpl);
		}
	}
	return CS_OK;
}

static int load_rules(struct cs_kb *kb, const char *path, size_t *cap, struct cs_err *err)
{
	struct cs_tsv t;
	int r = cs_tsv_open(&t, path, err);
	if (r != CS_OK)
		return r;
	while (cs_tsv_next(&t)) {
		struct cs_rule rule;
		memset(&rule, 0, sizeof(rule));
		if (t.nfields < 6) {
			r = cs_tsv_error(
				&t, err,
				"expected 7 fields (id signal op pattern weight sets note)");
			goto out;
		}
		struct cs_sv id = cs_tsv_opt(&t, 0), sig = cs_tsv_opt(&t, 1),
			     op = cs_tsv_opt(&t, 2);
		struct cs_sv pat = t.field[3]; /* not trimmed: spaces can matter in a pattern */
		struct cs_sv w = cs_tsv_opt(&t, 4);
		rule.id = kb_str(kb, id);
		rule.signal = cs_signal_lookup(sig);
		if (rule.signal == CS_SIG_COUNT) {
			r = cs_tsv_error(&t, err, "unknown signal '%.*s'", (int)sig.n, sig.p);
			goto out;
		}
		if (cs_sv_eq(op, CS_SV("eq")))
			rule.op = CS_OP_EQ;
		else if (cs_sv_eq(op, CS_SV("pre")))
			rule.op = CS_OP_PRE;
		else if (cs_sv_eq(op, CS_SV("has")))
			rule.op = CS_OP_HAS;
		else if (cs_sv_eq(op, CS_SV("re")))
			rule.op = CS_OP_RE;
		else {
			r = cs_tsv_error(&t, err, "unknown op '%.*s' (eq pre has re)", (int)op.n,
					 op.p);
			goto out;
		}
		if (pat.n == 0) {
			r = cs_tsv_error(&t, err, "empty pattern");
			goto out;
		}
		rule.pattern = kb_str(kb, pat);
		rule.pattern_len = pat.n;
		char wbuf[32];
		char *endp;
		cs_sv_copy(wbuf, sizeof(wbuf), w);
		rule.weight = strtod(wbuf, &endp);
		if (w.n == 0 || *endp != '\0' || rule.weight < 0 || rule.weight > 1) {
			r = cs_tsv_error(&t, err, "weight must be a number from 0 to 1");
			goto out;
		}
		if (rule.op == CS_OP_RE &&
		    (r = compile_re(kb, &t, pat, &rule.re, &rule.jit, 0, err)) != CS_OK)
			goto out;
		if ((r = parse_sets(kb, &t, &rule, cs_tsv_opt(&t, 5), err)) != CS_OK)
			goto out;
		rule.note = kb_str(kb, cs_tsv_opt(&t, 6));
		rule.file = kb_str(kb, cs_sv_cstr(path));
		rule.line = t.line;
		/* A later rule with the same id (a user override) replaces the earlier one. */
		for (size_t i = 0; i < kb->nrules; i++)
			if (!kb->rules[i].disabled && strcmp(kb->rules[i].id, rule.id) == 0)
				kb->rules[i].disabled = true;
		if ((r = grow_array((void **)&kb->rules, cap, kb->nrules, sizeof(*kb->rules))))
			goto out;
		kb->rules[kb->nrules++] = rule;
		rule.re = NULL;
	}
	r = CS_OK;
out:
	cs_tsv_close(&t);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load every *.rules file of dir in name order. */
static int load_rule_dir(struct cs_kb *kb, const char *dir, size_t *cap, struct cs_err *err)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return CS_OK; /* no fingerprints here: fine for a user directory */
	char *names[256];
	size_t n = 0;
	struct dirent *e;
	int r = CS_OK;
	while ((e = readdir(d)) != NULL && n < CS_ARRAY_SIZE(names)) {
		size_t l = strlen(e->d_name);
		if (l > 6 && strcmp(e->d_name + l - 6, ".rules") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		if (r == CS_OK && !join(path, sizeof(path), dir, names[i]))
			r = cs_err_set(err, CS_EDATA, "%s: path too long", dir);
		if (r == CS_OK)
			r = load_rules(kb, path, cap, err);
		free(names[i]);
	}
	return r;
}

/* ---- fields.tsv ---- */

static int load_fields(struct cs_kb *kb, const char *path, size_t *cap, struct cs_err *err)
{
	struct cs_tsv t;
	int r = cs_tsv_open(&t, path, err);
	if (r != CS_OK)
		return r;
	while (cs_tsv_next(&t)) {
		if (t.nfields < 3) {
			r = cs_tsv_error(&t, err, "expected 4 fields (doc key signal note)");
			goto out;
		}
		struct cs_field_map f;
		struct cs_sv sig = cs_tsv_opt(&t, 2), key = cs_tsv_opt(&t, 1);
		f.doc = kb_str(kb, cs_tsv_opt(&t, 0));
		f.key = kb_str(kb, key);
		f.key_len = key.n;
		f.is_path = memchr(key.p, '/', key.n) != NULL;
		f.signal = cs_signal_lookup(sig);
		if (f.signal == CS_SIG_COUNT || key.n == 0) {
			r = cs_tsv_error(&t, err, "unknown signal '%.*s' or empty key", (int)sig.n,
					 sig.p);
			goto out;
		}
		if ((r = grow_array((void **)&kb->fields, cap, kb->nfields, sizeof(*kb->fields))))
			goto out;
		kb->fields[kb->nfields++] = f;
	}
	r = CS_OK;
out:
	cs_tsv_close(&t);
	return r;
}

/* ---- oui-makers.tsv ---- */

static int load_oui_maps(struct cs_kb *kb, const char *path, size_t *cap, struct cs_err *err)
{
	struct cs_tsv t;
	int r = cs_tsv_open(&t, path, err);
	if (r != CS_OK)
		return r;
	while (cs_tsv_next(&t)) {
		struct cs_oui_map m;
		memset(&m, 0, sizeof(m));
		if (t.nfields < 2) {
			r = cs_tsv_error(&t, err, "expected 3 fields (pattern maker source)");
			goto out;
		}
		struct cs_sv pat = cs_tsv_opt(&t, 0), maker = cs_tsv_opt(&t, 1);
		m.maker = -1;
		if (maker.n > 0 && (r = need_maker(kb, &t, maker, &m.maker, err)) != CS_OK)
			goto out;
		if ((r = compile_re(kb, &t, pat, &m.re, NULL, PCRE2_CASELESS, err)) != CS_OK)
			goto out;
		m.pattern = kb_str(kb, pat);
		m.source = kb_str(kb, cs_tsv_opt(&t, 2));
		if ((r = grow_array((void **)&kb->oui_maps, cap, kb->noui_maps,
				    sizeof(*kb->oui_maps))))
			goto out;
		kb->oui_maps[kb->noui_maps++] = m;
	}
	r = CS_OK;
out:
	cs_tsv_close(&t);
	return r;
}

/* ---- locating the data ---- */

static bool has_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	return join(path, sizeof(path), dir, name) && stat(path, &st) == 0;
}

static int find_data_dir(const struct cs_kb_opts *opts, char *out, size_t cap, struct cs_err *err)
{
	const char *env = getenv("CAMSWEEP_DATA");
	if (opts != NULL && opts->data_dir != NULL) {
		snprintf(out, cap, "%s", opts->data_dir);
		if (!has_file(out, "makers.tsv"))
			return cs_err_set(err, CS_EDATA,
					  "%s: no makers.tsv: not a camsweep data directory", out);
		return CS_OK;
	}
	if (env != NULL && *env != '\0') {
		snprintf(out, cap, "%s", env);
		if (!has_file(out, "makers.tsv"))
			return cs_err_set(err, CS_EDATA, "CAMSWEEP_DATA=%s: no makers.tsv", out);
		return CS_OK;
	}
	/* Beside the executable: ./camsweep -> ./data, build/san/camsweep -> ../../data. */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			static const char *const rel[] = {"data", "../../data",
							  "../share/camsweep"};
			for (size_t i = 0; i < CS_ARRAY_SIZE(rel); i++) {
				if (join(out, cap, exe, rel[i]) && has_file(out, "makers.tsv"))
					return CS_OK;
			}
		}
	}
	snprintf(out, cap, "%s", CS_DATADIR);
	if (has_file(out, "makers.tsv"))
		return CS_OK;
	return cs_err_set(
		err, CS_EDATA,
		"cannot find camsweep's data directory (tried beside the executable and %s); "
		"use --data-dir or CAMSWEEP_DATA",
		CS_DATADIR);
}

static void user_dir(const struct cs_kb_opts *opts, char *out, size_t cap)
{
	out[0] = '\0';
	if (opts != NULL && opts->user_dir != NULL) {
		snprintf(out, cap, "%s", opts->user_dir);
		return;
	}
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg != NULL && *xdg == '/')
		snprintf(out, cap, "%s/camsweep", xdg);
	else if (home != NULL && *home != '\0')
		snprintf(out, cap, "%s/.config/camsweep", home);
}

struct caps {
	size_t makers, brands, rules, fields, oui_maps;
};

static int load_dir(struct cs_kb *kb, const char *dir, bool required, struct caps *c,
		    struct cs_err *err)
{
	char path[PATH_MAX];
	int r;
#define LOAD(name, fn, capfield)                                                                   \
	do {                                                                                       \
		if (!join(path, sizeof(path), dir, name))                                          \
			return cs_err_set(err, CS_EDATA, "%s: path too long", dir);                \
		if (has_file(dir, name)) {                                                         \
			if ((r = fn(kb, path, &c->capfield, err)) != CS_OK)                        \
				return r;                                                          \
		} else if (required) {                                                             \
			return cs_err_set(err, CS_EDATA, "%s: missing", path);                     \
		}                                                                                  \
	} while (0)
	LOAD("makers.tsv", load_makers, makers);
	LOAD("brands.tsv", load_brands, brands);
	LOAD("fields.tsv", load_fields, fields);
	LOAD("oui-makers.tsv", load_oui_maps, oui_maps);
#undef LOAD
	if (!join(path, sizeof(path), dir, "fingerprints"))
		return cs_err_set(err, CS_EDATA, "%s: path too long", dir);
	if ((r = load_rule_dir(kb, path, &c->rules, err)) != CS_OK)
		return r;
	if (!join(path, sizeof(path), dir, "policies"))
		return cs_err_set(err, CS_EDATA, "%s: path too long", dir);
	return cs_kb_load_policies(kb, path, err);
}

/*
 * Combine the signal's regular expressions into (?:p1)|(?:p2)|... Backreferences would point at
 * the wrong groups once combined, so a pattern that has any is left out and the prefilter is
 * not built (every rule then runs, as without a prefilter). Failure is never an error.
 */
static void build_prefilter(struct cs_kb *kb, enum cs_signal sig)
{
	struct cs_buf b;
	size_t count = 0;
	cs_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < kb->nby_signal[sig]; i++) {
		const struct cs_rule *r = &kb->rules[kb->by_signal[sig][i]];
		if (r->op != CS_OP_RE)
			continue;
		for (size_t k = 0; k + 1 < r->pattern_len; k++) {
			char c = r->pattern[k + 1];
			if (r->pattern[k] == '\\' &&
			    ((c >= '1' && c <= '9') || c == 'g' || c == 'k')) {
				cs_buf_free(&b);
				return;
			}
			if (r->pattern[k] == '\\')
				k++; /* skip the escaped character */
		}
		if (cs_buf_puts(&b, count++ ? "|(?:" : "(?:") != CS_OK ||
		    cs_buf_append(&b, r->pattern, r->pattern_len) != CS_OK ||
		    cs_buf_putc(&b, ')') != CS_OK) {
			cs_buf_free(&b);
			return;
		}
	}
	if (count > 1) {
		int ec;
		PCRE2_SIZE eo;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)b.data, b.len,
					       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DUPNAMES,
					       &ec, &eo, NULL);
		if (re != NULL) {
			kb->prefilter_jit[sig] = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
			kb->prefilter[sig] = re;
		}
	}
	cs_buf_free(&b);
}

static int index_rules(struct cs_kb *kb)
{
	for (size_t i = 0; i < kb->nrules; i++) {
		const struct cs_rule *r = &kb->rules[i];
		if (r->disabled)
			continue;
		if (r->signal == CS_SIG_HTTP_BODY && r->op == CS_OP_HAS) {
			if (kb->body_markers == NULL &&
			    (kb->body_markers = cs_markers_new()) == NULL)
				return CS_ENOMEM;
			int rc = cs_markers_add(kb->body_markers,
						cs_sv_make(r->pattern, r->pattern_len), (int)i);
			if (rc == CS_OK)
				continue; /* found through the marker scan, not per rule */
		}
		size_t *n = &kb->nby_signal[r->signal];
		int *p = realloc(kb->by_signal[r->signal], (*n + 1) * sizeof(int));
		if (p == NULL)
			return CS_ENOMEM;
		p[(*n)++] = (int)i;
		kb->by_signal[r->signal] = p;
	}
	for (int sig = 0; sig < CS_SIG_COUNT; sig++)
		build_prefilter(kb, (enum cs_signal)sig);
	if (kb->body_markers != NULL)
		return cs_markers_prepare(kb->body_markers);
	return CS_OK;
}

int cs_kb_load(struct cs_kb **out, const struct cs_kb_opts *opts, struct cs_err *err)
{
	struct cs_kb *kb = calloc(1, sizeof(*kb));
	struct caps c = {0};
	char dir[PATH_MAX], udir[PATH_MAX];
	int r;

	if (kb == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	cs_arena_init(&kb->strings, KB_STRINGS_CAP);
	cs_strmap_init(&kb->maker_alias);
	kb->report_threshold = 0.5;

	if ((r = find_data_dir(opts, dir, sizeof(dir), err)) != CS_OK)
		goto out;
	if (snprintf(kb->data_dirs[kb->ndata_dirs++], sizeof(kb->data_dirs[0]), "%s", dir) >=
	    (int)sizeof(kb->data_dirs[0])) {
		r = cs_err_set(err, CS_EDATA, "%s: path too long", dir);
		goto out;
	}
	if ((r = load_dir(kb, dir, true, &c, err)) != CS_OK)
		goto out;
	user_dir(opts, udir, sizeof(udir));
	if (udir[0] != '\0' && has_file(udir, ".")) {
		if (snprintf(kb->data_dirs[kb->ndata_dirs++], sizeof(kb->data_dirs[0]), "%s",
			     udir) >= (int)sizeof(kb->data_dirs[0])) {
			r = cs_err_set(err, CS_EDATA, "%s: path too long", udir);
			goto out;
		}
		if ((r = load_dir(kb, udir, false, &c, err)) != CS_OK)
			goto out;
	}
	const char *odir =
		opts != NULL && opts->oui_dir != NULL ? opts->oui_dir : getenv("CAMSWEEP_OUI_DIR");
	if (snprintf(kb->oui_dir, sizeof(kb->oui_dir), "%s",
		     odir != NULL && *odir != '\0' ? odir : "/usr/share/ieee-data") >=
	    (int)sizeof(kb->oui_dir)) {
		r = cs_err_set(err, CS_EDATA, "%s: path too long", odir);
		goto out;
	}
	if ((r = index_rules(kb)) != CS_OK) {
		cs_err_set(err, r, "indexing rules: %s", cs_strerror(r));
		goto out;
	}
	*out = kb;
	kb = NULL;
	r = CS_OK;
out:
	cs_kb_free(kb);
	return r;
}

void cs_kb_free(struct cs_kb *kb)
{
	if (kb == NULL)
		return;
	for (size_t i = 0; i < kb->nrules; i++)
		pcre2_code_free(kb->rules[i].re);
	for (size_t i = 0; i < kb->noui_maps; i++)
		pcre2_code_free(kb->oui_maps[i].re);
	for (int s = 0; s < CS_SIG_COUNT; s++) {
		free(kb->by_signal[s]);
		pcre2_code_free(kb->prefilter[s]);
	}
	for (size_t i = 0; i < kb->npolicies; i++)
		free(kb->policies[i].entities);
	free(kb->policies);
	free(kb->rules);
	free(kb->makers);
	free(kb->brands);
	free(kb->fields);
	free(kb->oui_maps);
	cs_markers_free(kb->body_markers);
	cs_oui_free(kb->oui);
	cs_strmap_free(&kb->maker_alias);
	cs_arena_free(&kb->strings);
	free(kb);
}
