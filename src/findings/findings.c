/*
 * findings.c - the rule engine (findings.h): which findings a device raises, and why.
 *
 * The order of evaluation, and the decisions that are not data (docs/findings.md):
 *   1. Workflow. A device marked removed or verified raises nothing more unless a scan saw it
 *      after it was so marked (removed-reappeared). A disconnected device seen again raises
 *      disconnected-reappeared; one not seen again is not judged on its network (it is off it).
 *   2. Policy. A device covered by a policy (status "covered", the policies filtered by
 *      --policy) raises covered-sensitive-site on a sensitive site and covered-core-network on a
 *      core network, both when both hold, and covered-elsewhere when neither does. A device only
 *      marked "review" raises review-device.
 *   3. Versions. For each CVE in vulns.tsv whose maker is the device's evidenced manufacturer:
 *      kev-version / kev-version-approx / vuln-version when model and firmware are in range;
 *      vuln-version-unknown when the model family is affected but the version cannot say.
 *   4. Exemption. An unexpired exemption lowers the rules marked "downgrade" to info with a
 *      note; an expired one leaves them and says so. Vulnerabilities and reappearances are
 *      never exempted: an exemption is a decision to keep a device, not to ignore its risk.
 */
#include "findings/findings.h"

#include "common/str.h"
#include "common/tsv.h"
#include "ident/kb.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const rule_names[CS_FR_COUNT] = {
#define X(id, name) [CS_FR_##id] = name,
	CS_FINDING_RULES(X)
#undef X
};

static const char *const sev_names[] = {
	[CS_SEV_INFO] = "info", [CS_SEV_LOW] = "low",		[CS_SEV_MEDIUM] = "medium",
	[CS_SEV_HIGH] = "high", [CS_SEV_CRITICAL] = "critical",
};

const char *cs_severity_name(enum cs_severity s)
{
	return (size_t)s < CS_ARRAY_SIZE(sev_names) ? sev_names[s] : "info";
}

int cs_severity_parse(const char *s, enum cs_severity *out)
{
	for (size_t i = 0; s != NULL && i < CS_ARRAY_SIZE(sev_names); i++) {
		if (strcasecmp(s, sev_names[i]) == 0) {
			*out = (enum cs_severity)i;
			return CS_OK;
		}
	}
	return CS_EINVAL;
}

const char *cs_net_class_name(enum cs_net_class c)
{
	switch (c) {
	case CS_NET_CORE: return "core";
	case CS_NET_SEGREGATED: return "segregated";
	case CS_NET_UNKNOWN: break;
	}
	return "unknown";
}

const char *cs_wf_state_name(enum cs_wf_state s)
{
	return (size_t)s < CS_WF_COUNT ? cs_wf_name(s) : "identified";
}

/* --- loading --------------------------------------------------------------------------------- */

enum { FINDINGS_STRINGS_CAP = 4 * 1024 * 1024 };

static int load_rules(struct cs_findings_db *db, const char *path, struct cs_err *err)
{
	struct cs_tsv t;
	int r;

	if ((r = cs_tsv_open(&t, path, err)) != CS_OK)
		return r;
	while (cs_tsv_next(&t)) {
		if (t.nfields != 5) {
			r = cs_tsv_error(&t, err, "expected 5 fields, found %d", t.nfields);
			goto out;
		}
		struct cs_sv id = cs_sv_trim(t.field[0]), sev = cs_sv_trim(t.field[1]);
		struct cs_sv ex = cs_sv_trim(t.field[2]);
		int which = -1;
		for (int i = 0; i < CS_FR_COUNT; i++)
			if (cs_sv_eq(id, cs_sv_cstr(rule_names[i])))
				which = i;
		if (which < 0) {
			r = cs_tsv_error(&t, err, "unknown rule '%.*s'", (int)id.n, id.p);
			goto out;
		}
		struct cs_finding_rule fr = {.id = rule_names[which]};
		char word[16];
		cs_sv_copy(word, sizeof(word), sev);
		if (cs_sv_eq(sev, CS_SV("off")))
			fr.off = true;
		else if (sev.n >= sizeof(word) || cs_severity_parse(word, &fr.severity) != CS_OK) {
			r = cs_tsv_error(&t, err,
					 "severity is critical, high, medium, low, info or off");
			goto out;
		}
		if (cs_sv_eq(ex, CS_SV("downgrade")))
			fr.exempt_downgrade = true;
		else if (!cs_sv_eq(ex, CS_SV("keep"))) {
			r = cs_tsv_error(&t, err, "exempt is 'downgrade' or 'keep'");
			goto out;
		}
		fr.title = cs_arena_strdup(&db->strings, cs_sv_trim(t.field[3]));
		fr.explanation = cs_arena_strdup(&db->strings, cs_sv_trim(t.field[4]));
		if (fr.title == NULL || fr.explanation == NULL) {
			r = cs_err_set(err, CS_ENOMEM, "%s: out of memory", path);
			goto out;
		}
		db->rules[which] = fr;
	}
	r = CS_OK;
out:
	cs_tsv_close(&t);
	return r;
}

static bool file_exists(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	fclose(f);
	return true;
}

int cs_findings_db_load(struct cs_findings_db **out, const char *const *dirs, size_t ndirs,
			struct cs_err *err)
{
	struct cs_findings_db *db = calloc(1, sizeof(*db));
	char path[PATH_MAX];
	int r;

	if (db == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	cs_arena_init(&db->strings, FINDINGS_STRINGS_CAP);
	cs_vulndb_init(&db->vulns);
	if (ndirs == 0) {
		r = cs_err_set(err, CS_EINVAL, "no data directory");
		goto out;
	}
	for (size_t i = 0; i < ndirs; i++) {
		static const char *const files[] = {"findings.tsv", "vulns.tsv"};
		for (size_t f = 0; f < CS_ARRAY_SIZE(files); f++) {
			if (snprintf(path, sizeof(path), "%s/%s", dirs[i], files[f]) >=
			    (int)sizeof(path)) {
				r = cs_err_set(err, CS_EDATA, "%s: path too long", dirs[i]);
				goto out;
			}
			if (i > 0 && !file_exists(path))
				continue;
			r = f == 0 ? load_rules(db, path, err)
				   : cs_vulndb_load(&db->vulns, path, err);
			if (r != CS_OK)
				goto out;
		}
	}
	for (int i = 0; i < CS_FR_COUNT; i++) {
		if (db->rules[i].id == NULL) {
			r = cs_err_set(err, CS_EDATA, "%s/findings.tsv: rule '%s' is not defined",
				       dirs[0], rule_names[i]);
			goto out;
		}
	}
	*out = db;
	db = NULL; /* transferred */
	r = CS_OK;
out:
	cs_findings_db_free(db);
	return r;
}

void cs_findings_db_free(struct cs_findings_db *db)
{
	if (db == NULL)
		return;
	cs_vulndb_free(&db->vulns);
	cs_arena_free(&db->strings);
	free(db);
}

void cs_findings_list_free(struct cs_findings_list *l)
{
	if (l == NULL)
		return;
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* --- evaluation ------------------------------------------------------------------------------ */

struct eval {
	const struct cs_findings_db *db;
	const struct cs_device *dev;
	const struct cs_findings_context *ctx;
	struct cs_arena *arena;
	struct cs_findings_list *out;
	bool exempt_active; /* state exempt and not expired */
	int r;		    /* first error */
};

/* Start a finding of rule id; NULL when the rule is off or on error. */
static struct cs_finding *raise(struct eval *e, enum cs_finding_rule_id id)
{
	const struct cs_finding_rule *fr = &e->db->rules[id];
	if (fr->off || e->r != CS_OK)
		return NULL;
	struct cs_findings_list *l = e->out;
	if (l->n == l->alloc) {
		size_t want = l->alloc != 0 ? l->alloc * 2 : 8;
		void *p = reallocarray(l->v, want, sizeof(*l->v));
		if (p == NULL) {
			e->r = CS_ENOMEM;
			return NULL;
		}
		l->v = p;
		l->alloc = want;
	}
	struct cs_finding *f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	f->rule = id;
	f->rule_id = fr->id;
	f->severity = f->rule_severity = fr->severity;
	f->title = fr->title;
	f->explanation = fr->explanation;
	return f;
}

/* Add evidence; a NULL or empty value is left out (the evidence says what was seen). */
static void ev(struct cs_finding *f, const char *name, const char *value)
{
	if (f == NULL || value == NULL || value[0] == '\0' ||
	    f->nevidence == CS_FINDING_MAX_EVIDENCE)
		return;
	f->evidence[f->nevidence].name = name;
	f->evidence[f->nevidence].value = value;
	f->nevidence++;
}

static void ev_printf(struct eval *e, struct cs_finding *f, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void ev_printf(struct eval *e, struct cs_finding *f, const char *name, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	if (f == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	char *s = cs_arena_strdup(e->arena, cs_sv_cstr(tmp));
	if (s == NULL) {
		e->r = CS_ENOMEM;
		return;
	}
	ev(f, name, s);
}

static void ev_device(struct cs_finding *f, const struct cs_device *d)
{
	ev(f, "manufacturer", d->manufacturer);
	ev(f, "model", d->model);
	ev(f, "address", d->address);
}

static bool policy_selected(const char *list, const char *id)
{
	if (list == NULL)
		return true;
	if (id == NULL)
		return false;
	size_t n = strlen(id);
	for (const char *p = list; *p != '\0';) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		struct cs_sv one = cs_sv_trim(cs_sv_make(p, len));
		if (one.n == n && strncasecmp(one.p, id, n) == 0)
			return true;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return false;
}

/* The coverage entries that count, as evidence "policy" = "uk-nil: Hikvision (via ...)". */
static void ev_coverage(struct eval *e, struct cs_finding *f, const char *policy,
			const char *status)
{
	const struct cs_device *d = e->dev;
	for (size_t i = 0; i < d->ncoverage; i++) {
		const struct cs_coverage *c = &d->coverage[i];
		if (!policy_selected(policy, c->policy) || c->status == NULL ||
		    strcmp(c->status, status) != 0)
			continue;
		ev_printf(e, f, "coverage", "%s: %s%s%s", c->policy != NULL ? c->policy : "?",
			  c->entity != NULL ? c->entity : "?",
			  c->via != NULL && c->via[0] != '\0' ? " via " : "",
			  c->via != NULL ? c->via : "");
	}
}

static bool has_status(const struct cs_device *d, const char *policy, const char *status)
{
	for (size_t i = 0; i < d->ncoverage; i++)
		if (policy_selected(policy, d->coverage[i].policy) &&
		    d->coverage[i].status != NULL && strcmp(d->coverage[i].status, status) == 0)
			return true;
	return false;
}

static void ev_place(struct cs_finding *f, const struct cs_findings_context *ctx)
{
	ev(f, "site", ctx->site);
	ev(f, "site_sensitive", ctx->site != NULL ? (ctx->site_sensitive ? "yes" : "no") : NULL);
	ev(f, "site_criterion", ctx->site_criterion);
	ev(f, "network", ctx->network);
	ev(f, "network_class", cs_net_class_name(ctx->net_class));
}

static void eval_policy(struct eval *e, const char *policy, bool connected)
{
	const struct cs_device *d = e->dev;
	const struct cs_findings_context *ctx = e->ctx;
	bool covered = d->ncoverage > 0 ? has_status(d, policy, "covered")
					: (policy == NULL && d->covered);
	if (covered) {
		bool sensitive = ctx->site != NULL && ctx->site_sensitive;
		bool core = connected && ctx->net_class == CS_NET_CORE;
		enum cs_finding_rule_id ids[3];
		size_t n = 0;
		if (sensitive)
			ids[n++] = CS_FR_COVERED_SENSITIVE;
		if (core)
			ids[n++] = CS_FR_COVERED_CORE;
		if (n == 0)
			ids[n++] = CS_FR_COVERED_ELSEWHERE;
		for (size_t i = 0; i < n; i++) {
			struct cs_finding *f = raise(e, ids[i]);
			ev_device(f, d);
			ev_coverage(e, f, policy, "covered");
			ev_place(f, ctx);
			if (!connected)
				ev(f, "workflow", "disconnected (network not judged)");
		}
		return;
	}
	if (has_status(d, policy, "review")) {
		struct cs_finding *f = raise(e, CS_FR_REVIEW);
		ev_device(f, d);
		ev(f, "brand", d->brand);
		ev_coverage(e, f, policy, "review");
		ev_place(f, ctx);
	}
}

/* Why a version rule could not decide. */
static const char *unknown_reason(const struct cs_device *d, bool parsed, enum cs_tri model)
{
	if (model == CS_TRI_UNKNOWN)
		return "the model is not known";
	if (d->firmware == NULL || d->firmware[0] == '\0')
		return "no firmware version was seen";
	if (!parsed)
		return "the firmware version is not in a format camsweep can compare";
	return "the firmware version lacks what the range needs (a build date, or the same "
	       "vendor format)";
}

static void eval_vulns(struct eval *e)
{
	const struct cs_device *d = e->dev;
	const struct cs_vulndb *vdb = &e->db->vulns;
	struct cs_version ver;
	bool parsed = d->firmware != NULL && cs_version_parse(d->firmware, &ver) == CS_OK;
	bool has_model = d->model != NULL && d->model[0] != '\0';

	if (d->manufacturer == NULL || d->manufacturer[0] == '\0')
		return;
	for (size_t i = 0; i < vdb->n; i++) {
		const struct cs_vuln *first = &vdb->v[i];
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcasecmp(vdb->v[j].cve, first->cve) == 0;
		if (seen)
			continue;
		const struct cs_vuln *hit = NULL, *maybe = NULL;
		enum cs_tri maybe_model = CS_TRI_UNKNOWN;
		for (size_t j = i; j < vdb->n && hit == NULL; j++) {
			const struct cs_vuln *vu = &vdb->v[j];
			if (strcasecmp(vu->cve, first->cve) != 0 ||
			    strcasecmp(vu->maker, d->manufacturer) != 0)
				continue;
			enum cs_tri model = !has_model ? CS_TRI_UNKNOWN
					    : cs_vuln_model_match(vu->models, d->model) ? CS_TRI_YES
											: CS_TRI_NO;
			enum cs_tri version = cs_vuln_version_match(vu, parsed ? &ver : NULL);
			if (model == CS_TRI_NO || version == CS_TRI_NO)
				continue;
			if (model == CS_TRI_YES && version == CS_TRI_YES)
				hit = vu;
			else if (maybe == NULL && (model == CS_TRI_YES || version == CS_TRI_YES))
				maybe = vu, maybe_model = model;
		}
		const struct cs_vuln *vu = hit != NULL ? hit : maybe;
		if (vu == NULL)
			continue;
		enum cs_finding_rule_id id = CS_FR_VULN_UNKNOWN;
		if (hit != NULL)
			id = vu->kev_added == NULL ? CS_FR_VULN_VERSION
			     : vu->approximate	   ? CS_FR_KEV_VERSION_APPROX
						   : CS_FR_KEV_VERSION;
		struct cs_finding *f = raise(e, id);
		if (f == NULL)
			continue;
		f->cve = vu->cve;
		ev(f, "cve", vu->cve);
		ev(f, "vulnerability", vu->title);
		ev_device(f, d);
		ev(f, "firmware", d->firmware);
		if (parsed && hit != NULL)
			ev(f, "version_format", cs_version_scheme_name(ver.scheme));
		ev(f, "affected_models", vu->models);
		ev(f, "affected_range", vu->range);
		ev(f, "certainty", vu->approximate ? "approximate" : "advisory");
		ev(f, "kev_added", vu->kev_added);
		ev(f, "cvss", vu->cvss);
		ev(f, "source", vu->source);
		if (hit == NULL)
			ev(f, "undecided", unknown_reason(d, parsed, maybe_model));
		ev_printf(e, f, "data", "%s:%d", vu->file, vu->line);
	}
}

/* Is exempt_until (YYYY-MM-DD) on or after today? An unparsable date counts as expired. */
static bool exemption_active(const struct cs_findings_context *ctx)
{
	if (ctx->state != CS_WF_EXEMPT)
		return false;
	if (ctx->exempt_until == NULL || ctx->exempt_until[0] == '\0')
		return true;
	int until = cs_kb_parse_date(cs_sv_cstr(ctx->exempt_until), true);
	return until > 0 && until >= ctx->today;
}

static void apply_exemption(struct eval *e, size_t from)
{
	const struct cs_findings_context *ctx = e->ctx;
	if (ctx->state != CS_WF_EXEMPT)
		return;
	for (size_t i = from; i < e->out->n; i++) {
		struct cs_finding *f = &e->out->v[i];
		if (!e->db->rules[f->rule].exempt_downgrade)
			continue;
		const char *until = ctx->exempt_until != NULL && ctx->exempt_until[0] != '\0'
					    ? ctx->exempt_until
					    : NULL;
		char tmp[256];
		if (e->exempt_active) {
			f->severity = CS_SEV_INFO;
			snprintf(tmp, sizeof(tmp), "exempt %s%s: severity %s lowered to info",
				 until != NULL ? "until " : "(no expiry recorded)",
				 until != NULL ? until : "", cs_severity_name(f->rule_severity));
		} else {
			snprintf(tmp, sizeof(tmp), "exemption expired on %s", until);
		}
		if ((f->note = cs_arena_strdup(e->arena, cs_sv_cstr(tmp))) == NULL)
			e->r = CS_ENOMEM;
	}
}

int cs_findings_eval(const struct cs_findings_db *db, const struct cs_device *dev,
		     const struct cs_findings_context *ctx, const char *policy,
		     struct cs_arena *arena, struct cs_findings_list *out, struct cs_err *err)
{
	static const struct cs_findings_context none;
	struct eval e = {db, dev, ctx != NULL ? ctx : &none, arena, out, false, CS_OK};
	size_t from = out->n;

	e.exempt_active = exemption_active(e.ctx);
	switch (e.ctx->state) {
	case CS_WF_REMOVED:
	case CS_WF_VERIFIED:
		/* Gone, as far as the programme knows: nothing to find unless it came back. */
		if (!e.ctx->seen_after_state)
			break;
		struct cs_finding *f = raise(&e, CS_FR_REMOVED_REAPPEARED);
		ev_device(f, dev);
		ev(f, "serial", dev->serial);
		ev(f, "mac", dev->mac);
		ev(f, "workflow", cs_wf_state_name(e.ctx->state));
		ev(f, "marked_at", e.ctx->state_since);
		ev(f, "last_seen", e.ctx->last_seen);
		ev_place(f, e.ctx);
		eval_vulns(&e);
		break;
	case CS_WF_DISCONNECTED:
		if (e.ctx->seen_after_state) {
			struct cs_finding *g = raise(&e, CS_FR_DISCONNECTED_REAPPEARED);
			ev_device(g, dev);
			ev(g, "workflow", "disconnected");
			ev(g, "marked_at", e.ctx->state_since);
			ev(g, "last_seen", e.ctx->last_seen);
			ev_place(g, e.ctx);
		}
		eval_policy(&e, policy, e.ctx->seen_after_state);
		eval_vulns(&e);
		break;
	default:
		eval_policy(&e, policy, true);
		eval_vulns(&e);
		break;
	}
	apply_exemption(&e, from);
	if (e.r != CS_OK)
		return cs_err_set(err, e.r, "findings: %s", cs_strerror(e.r));
	return CS_OK;
}
