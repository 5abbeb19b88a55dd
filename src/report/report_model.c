/*
 * report_model.c - checking a report model document (docs/report-model.md) and turning it into
 * a struct cs_report (see report.h).
 *
 * The document may come from anywhere (--model renders a file produced elsewhere), so every
 * value is type-checked and every error names its JSON path. Strings are borrowed from the
 * jansson tree, which the report keeps a reference to.
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
#define X(id, name, label) name,
	CS_RPT_STATES(X)
#undef X
};
static const char *const state_labels[] = {
#define X(id, name, label) label,
	CS_RPT_STATES(X)
#undef X
};
static const char *const severity_names[] = {
#define X(id, name) name,
	CS_RPT_SEVERITIES(X)
#undef X
};

const char *cs_rpt_state_name(enum cs_rpt_state s)
{
	return (unsigned)s < CS_RPT_NSTATES ? state_names[s] : "unknown";
}

const char *cs_rpt_state_label(enum cs_rpt_state s)
{
	return (unsigned)s < CS_RPT_NSTATES ? state_labels[s] : "Unknown";
}

enum cs_rpt_state cs_rpt_state_lookup(const char *name)
{
	for (int i = 0; i < CS_RPT_NSTATES; i++)
		if (strcmp(state_names[i], name) == 0)
			return (enum cs_rpt_state)i;
	return CS_RPT_NSTATES;
}

bool cs_rpt_state_affected(enum cs_rpt_state s)
{
	return s != CS_RPT_ST_NOT_AFFECTED && s < CS_RPT_NSTATES;
}

bool cs_rpt_state_done(enum cs_rpt_state s)
{
	return s == CS_RPT_ST_REMOVED || s == CS_RPT_ST_VERIFIED;
}

const char *cs_rpt_measure_name(enum cs_rpt_measure m)
{
	return m == CS_RPT_SITES ? "sites" : "devices";
}

const char *cs_rpt_severity_name(enum cs_rpt_severity s)
{
	return (unsigned)s < CS_RPT_NSEVERITIES ? severity_names[s] : "info";
}

/* --- typed access with the path in every error ------------------------------------------------ */

struct ctx {
	struct cs_err *err;
	char path[128]; /* e.g. "devices[3]" */
};

static int bad(struct ctx *c, const char *key, const char *what)
{
	return cs_err_set(c->err, CS_EDATA, "%s%s%s: %s", c->path, c->path[0] != '\0' ? "." : "",
			  key, what);
}

/* A string member: NULL when absent or null (CS_EDATA when required or of another type). */
static int get_str(struct ctx *c, json_t *obj, const char *key, bool required, const char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return required ? bad(c, key, "missing") : CS_OK;
	if (!json_is_string(v))
		return bad(c, key, "expected a string");
	*out = json_string_value(v);
	return CS_OK;
}

/* An integer member; def when absent or null. */
static int get_int(struct ctx *c, json_t *obj, const char *key, int64_t def, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	*out = def;
	if (v == NULL || json_is_null(v))
		return CS_OK;
	if (!json_is_integer(v))
		return bad(c, key, "expected an integer");
	*out = (int64_t)json_integer_value(v);
	return CS_OK;
}

/* Counts beyond this are not counts of cameras, and would overflow chart arithmetic. */
#define MAX_COUNT ((int64_t)1 << 40)

static int get_count(struct ctx *c, json_t *obj, const char *key, int64_t *out)
{
	int r = get_int(c, obj, key, -1, out);
	if (r == CS_OK && *out < -1)
		return bad(c, key, "must not be negative");
	if (r == CS_OK && *out > MAX_COUNT)
		return bad(c, key, "too large");
	return r;
}

static int get_day(struct ctx *c, json_t *obj, const char *key, bool required, const char **s,
		   cs_rpt_day *day)
{
	int r = get_str(c, obj, key, required, s);
	if (r != CS_OK || *s == NULL)
		return r;
	if (cs_rpt_parse_day(*s, day) != CS_OK)
		return bad(c, key, "not a date (YYYY-MM-DD)");
	return CS_OK;
}

static int get_state(struct ctx *c, json_t *obj, const char *key, enum cs_rpt_state def,
		     enum cs_rpt_state *out)
{
	const char *s;
	int r = get_str(c, obj, key, false, &s);
	*out = def;
	if (r != CS_OK || s == NULL)
		return r;
	if ((*out = cs_rpt_state_lookup(s)) == CS_RPT_NSTATES)
		return bad(c, key, "unknown state");
	return CS_OK;
}

/* The array member key (absent or null: empty), with *n elements of size elem allocated. */
static int get_array(struct ctx *c, json_t *obj, const char *key, size_t elem, json_t **arr,
		     void **items, size_t *n)
{
	json_t *v = json_object_get(obj, key);
	*arr = NULL;
	*items = NULL;
	*n = 0;
	if (v == NULL || json_is_null(v))
		return CS_OK;
	if (!json_is_array(v))
		return bad(c, key, "expected an array");
	*arr = v;
	*n = json_array_size(v);
	if (*n == 0)
		return CS_OK;
	if ((*items = calloc(*n, elem)) == NULL)
		return CS_ENOMEM;
	return CS_OK;
}

/* Make element i of array key the current object; CS_EDATA when it is not an object. */
static int enter(struct ctx *c, const char *prefix, const char *key, size_t i, json_t *arr,
		 json_t **obj)
{
	snprintf(c->path, sizeof(c->path), "%s%s%s[%zu]", prefix, prefix[0] != '\0' ? "." : "", key,
		 i);
	*obj = json_array_get(arr, i);
	if (!json_is_object(*obj))
		return cs_err_set(c->err, CS_EDATA, "%s: expected an object", c->path);
	return CS_OK;
}

/* An array of strings (absent: empty). The pointer array is allocated. */
static int get_strings(struct ctx *c, json_t *obj, const char *key, const char ***out, size_t *n)
{
	json_t *arr;
	void *items;
	int r = get_array(c, obj, key, sizeof(char *), &arr, &items, n);
	*out = items;
	if (r != CS_OK)
		return r;
	for (size_t i = 0; i < *n; i++) {
		json_t *v = json_array_get(arr, i);
		if (!json_is_string(v))
			return bad(c, key, "expected an array of strings");
		(*out)[i] = json_string_value(v);
	}
	return CS_OK;
}

/* --- sections ------------------------------------------------------------------------------- */

static int load_programme(struct ctx *c, json_t *root, struct cs_rpt_programme *p)
{
	json_t *o = json_object_get(root, "programme");
	int r;

	if (!json_is_object(o))
		return cs_err_set(c->err, CS_EDATA, "programme: missing or not an object");
	snprintf(c->path, sizeof(c->path), "programme");
	if ((r = get_str(c, o, "name", true, &p->name)) != CS_OK ||
	    (r = get_str(c, o, "generated_at", false, &p->generated_at)) != CS_OK ||
	    (r = get_day(c, o, "as_of", true, &p->as_of, &p->as_of_day)) != CS_OK ||
	    (r = get_str(c, o, "generator", false, &p->generator)) != CS_OK ||
	    (r = get_str(c, o, "methodology", false, &p->methodology)) != CS_OK ||
	    (r = get_strings(c, o, "policies", &p->policies, &p->npolicies)) != CS_OK ||
	    (r = get_strings(c, o, "provenance", &p->provenance, &p->nprovenance)) != CS_OK)
		return r;
	return CS_OK;
}

static int load_milestones(struct ctx *c, json_t *root, struct cs_report *rep)
{
	json_t *arr, *o;
	void *items;
	int r;

	c->path[0] = '\0';
	r = get_array(c, root, "milestones", sizeof(*rep->milestones), &arr, &items,
		      &rep->nmilestones);
	rep->milestones = items;
	for (size_t i = 0; r == CS_OK && i < rep->nmilestones; i++) {
		struct cs_rpt_milestone *m = &rep->milestones[i];
		const char *measure;
		if ((r = enter(c, "", "milestones", i, arr, &o)) != CS_OK ||
		    (r = get_str(c, o, "label", true, &m->label)) != CS_OK ||
		    (r = get_day(c, o, "due", true, &m->due, &m->due_day)) != CS_OK ||
		    (r = get_str(c, o, "measure", false, &measure)) != CS_OK)
			return r;
		json_t *t = json_object_get(o, "target");
		if (!json_is_number(t) || json_number_value(t) <= 0 || json_number_value(t) > 1)
			return bad(c, "target", "expected a fraction in (0, 1]");
		m->target = json_number_value(t);
		if (measure == NULL || strcmp(measure, "sites") == 0)
			m->measure = CS_RPT_SITES;
		else if (strcmp(measure, "devices") == 0)
			m->measure = CS_RPT_DEVICES;
		else
			return bad(c, "measure", "expected \"sites\" or \"devices\"");
	}
	return r;
}

static int cmp_point(const void *a, const void *b)
{
	const struct cs_rpt_point *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

static int load_progress(struct ctx *c, json_t *root, struct cs_report *rep)
{
	static const char *const keys[CS_RPT_NMEASURES][2] = {
		[CS_RPT_SITES] = {"sites_affected", "sites_removed"},
		[CS_RPT_DEVICES] = {"devices_affected", "devices_removed"},
	};
	json_t *arr, *o;
	void *items;
	int r;

	c->path[0] = '\0';
	r = get_array(c, root, "progress", sizeof(*rep->progress), &arr, &items, &rep->nprogress);
	rep->progress = items;
	for (size_t i = 0; r == CS_OK && i < rep->nprogress; i++) {
		struct cs_rpt_point *p = &rep->progress[i];
		if ((r = enter(c, "", "progress", i, arr, &o)) != CS_OK ||
		    (r = get_day(c, o, "date", true, &p->date, &p->day)) != CS_OK)
			return r;
		for (int m = 0; m < CS_RPT_NMEASURES; m++) {
			if ((r = get_count(c, o, keys[m][0], &p->affected[m])) != CS_OK ||
			    (r = get_count(c, o, keys[m][1], &p->removed[m])) != CS_OK)
				return r;
			if ((p->affected[m] < 0) != (p->removed[m] < 0))
				return bad(c, keys[m][0],
					   "give both affected and removed, or neither");
			if (p->removed[m] > p->affected[m])
				return bad(c, keys[m][1], "more removed than affected");
		}
	}
	if (r == CS_OK && rep->nprogress > 1)
		qsort(rep->progress, rep->nprogress, sizeof(*rep->progress), cmp_point);
	return r;
}

static int load_sites(struct ctx *c, json_t *root, struct cs_report *rep)
{
	json_t *arr, *o;
	void *items;
	int r;

	c->path[0] = '\0';
	r = get_array(c, root, "sites", sizeof(*rep->sites), &arr, &items, &rep->nsites);
	rep->sites = items;
	for (size_t i = 0; r == CS_OK && i < rep->nsites; i++) {
		struct cs_rpt_site *s = &rep->sites[i];
		cs_rpt_day day;
		if ((r = enter(c, "", "sites", i, arr, &o)) != CS_OK ||
		    (r = get_str(c, o, "id", true, &s->id)) != CS_OK ||
		    (r = get_str(c, o, "name", false, &s->name)) != CS_OK ||
		    (r = get_str(c, o, "operator", false, &s->operator_)) != CS_OK ||
		    (r = get_str(c, o, "sensitivity", false, &s->sensitivity)) != CS_OK ||
		    (r = get_str(c, o, "criterion", false, &s->criterion)) != CS_OK ||
		    (r = get_state(c, o, "state", CS_RPT_ST_AFFECTED, &s->state)) != CS_OK ||
		    (r = get_day(c, o, "due", false, &s->due, &day)) != CS_OK)
			return r;
		if (s->name == NULL)
			s->name = s->id;
		json_t *counts = json_object_get(o, "counts");
		if (counts != NULL && !json_is_object(counts))
			return bad(c, "counts", "expected an object");
		for (int k = 0; k < CS_RPT_NSTATES; k++) {
			snprintf(c->path, sizeof(c->path), "sites[%zu].counts", i);
			if ((r = get_int(c, counts, state_names[k], 0, &s->counts[k])) != CS_OK)
				return r;
			if (s->counts[k] < 0 || s->counts[k] > MAX_COUNT)
				return bad(c, state_names[k], "must be 0 to 2^40");
		}
	}
	return r;
}

static int load_device(struct ctx *c, json_t *o, struct cs_rpt_device *d, size_t i)
{
	json_t *arr, *e;
	void *items;
	cs_rpt_day day;
	int r;

	if ((r = get_int(c, o, "id", -1, &d->id)) != CS_OK)
		return r;
	if (d->id < 0)
		return bad(c, "id", "missing or negative");
	if ((r = get_str(c, o, "site", false, &d->site)) != CS_OK ||
	    (r = get_str(c, o, "address", false, &d->address)) != CS_OK ||
	    (r = get_str(c, o, "manufacturer", false, &d->manufacturer)) != CS_OK ||
	    (r = get_str(c, o, "brand", false, &d->brand)) != CS_OK ||
	    (r = get_str(c, o, "model", false, &d->model)) != CS_OK ||
	    (r = get_str(c, o, "firmware", false, &d->firmware)) != CS_OK ||
	    (r = get_str(c, o, "serial", false, &d->serial)) != CS_OK ||
	    (r = get_str(c, o, "mac", false, &d->mac)) != CS_OK ||
	    (r = get_str(c, o, "device_type", false, &d->device_type)) != CS_OK ||
	    (r = get_str(c, o, "covered_status", false, &d->covered_status)) != CS_OK ||
	    (r = get_day(c, o, "due", false, &d->due, &day)) != CS_OK ||
	    (r = get_str(c, o, "first_seen", false, &d->first_seen)) != CS_OK ||
	    (r = get_str(c, o, "last_seen", false, &d->last_seen)) != CS_OK)
		return r;
	json_t *cov = json_object_get(o, "covered");
	if (cov != NULL && !json_is_null(cov) && !json_is_boolean(cov))
		return bad(c, "covered", "expected true or false");
	d->covered = json_is_true(cov);
	if ((r = get_state(c, o, "state", d->covered ? CS_RPT_ST_AFFECTED : CS_RPT_ST_NOT_AFFECTED,
			   &d->state)) != CS_OK)
		return r;

	char prefix[64];
	snprintf(prefix, sizeof(prefix), "devices[%zu]", i);
	if ((r = get_array(c, o, "covered_by", sizeof(*d->covered_by), &arr, &items,
			   &d->ncovered_by)) != CS_OK)
		return r;
	d->covered_by = items;
	for (size_t k = 0; k < d->ncovered_by; k++) {
		struct cs_rpt_cover *cv = &d->covered_by[k];
		if ((r = enter(c, prefix, "covered_by", k, arr, &e)) != CS_OK ||
		    (r = get_str(c, e, "policy", true, &cv->policy)) != CS_OK ||
		    (r = get_str(c, e, "entity", false, &cv->entity)) != CS_OK ||
		    (r = get_str(c, e, "via", false, &cv->via)) != CS_OK ||
		    (r = get_str(c, e, "status", false, &cv->status)) != CS_OK)
			return r;
	}
	snprintf(c->path, sizeof(c->path), "%s", prefix);
	if ((r = get_array(c, o, "evidence", sizeof(*d->evidence), &arr, &items, &d->nevidence)) !=
	    CS_OK)
		return r;
	d->evidence = items;
	for (size_t k = 0; k < d->nevidence; k++) {
		struct cs_rpt_evidence *ev = &d->evidence[k];
		if ((r = enter(c, prefix, "evidence", k, arr, &e)) != CS_OK ||
		    (r = get_str(c, e, "signal", true, &ev->signal)) != CS_OK ||
		    (r = get_str(c, e, "value", true, &ev->value)) != CS_OK ||
		    (r = get_str(c, e, "implies", false, &ev->implies)) != CS_OK ||
		    (r = get_str(c, e, "rule", false, &ev->rule)) != CS_OK ||
		    (r = get_str(c, e, "seen_at", false, &ev->seen_at)) != CS_OK ||
		    (r = get_str(c, e, "source", false, &ev->source)) != CS_OK)
			return r;
		if (ev->implies == NULL)
			ev->implies = "";
		json_t *w = json_object_get(e, "weight");
		ev->weight = json_is_number(w) ? json_number_value(w) : 0;
	}
	return CS_OK;
}

static int load_devices(struct ctx *c, json_t *root, struct cs_report *rep)
{
	json_t *arr, *o;
	void *items;
	int r;

	c->path[0] = '\0';
	r = get_array(c, root, "devices", sizeof(*rep->devices), &arr, &items, &rep->ndevices);
	rep->devices = items;
	for (size_t i = 0; r == CS_OK && i < rep->ndevices; i++)
		if ((r = enter(c, "", "devices", i, arr, &o)) == CS_OK)
			r = load_device(c, o, &rep->devices[i], i);
	return r;
}

static int load_findings(struct ctx *c, json_t *root, struct cs_report *rep)
{
	json_t *arr, *o;
	void *items;
	int r;

	c->path[0] = '\0';
	r = get_array(c, root, "findings", sizeof(*rep->findings), &arr, &items, &rep->nfindings);
	rep->findings = items;
	for (size_t i = 0; r == CS_OK && i < rep->nfindings; i++) {
		struct cs_rpt_finding *f = &rep->findings[i];
		const char *sev;
		if ((r = enter(c, "", "findings", i, arr, &o)) != CS_OK ||
		    (r = get_str(c, o, "severity", true, &sev)) != CS_OK ||
		    (r = get_str(c, o, "rule", false, &f->rule)) != CS_OK ||
		    (r = get_str(c, o, "title", true, &f->title)) != CS_OK ||
		    (r = get_str(c, o, "detail", false, &f->detail)) != CS_OK ||
		    (r = get_int(c, o, "device", -1, &f->device)) != CS_OK ||
		    (r = get_str(c, o, "site", false, &f->site)) != CS_OK)
			return r;
		f->severity = CS_RPT_NSEVERITIES;
		for (int k = 0; k < CS_RPT_NSEVERITIES; k++)
			if (strcmp(sev, severity_names[k]) == 0)
				f->severity = (enum cs_rpt_severity)k;
		if (f->severity == CS_RPT_NSEVERITIES)
			return bad(c, "severity", "unknown severity");
	}
	return r;
}

static int load_scans(struct ctx *c, json_t *root, struct cs_report *rep)
{
	json_t *arr, *o;
	void *items;
	int r;

	c->path[0] = '\0';
	r = get_array(c, root, "scans", sizeof(*rep->scans), &arr, &items, &rep->nscans);
	rep->scans = items;
	for (size_t i = 0; r == CS_OK && i < rep->nscans; i++) {
		struct cs_rpt_scan *s = &rep->scans[i];
		if ((r = enter(c, "", "scans", i, arr, &o)) != CS_OK ||
		    (r = get_int(c, o, "id", -1, &s->id)) != CS_OK ||
		    (r = get_str(c, o, "targets", false, &s->targets)) != CS_OK ||
		    (r = get_str(c, o, "started", false, &s->started)) != CS_OK ||
		    (r = get_str(c, o, "ended", false, &s->ended)) != CS_OK ||
		    (r = get_str(c, o, "status", false, &s->status)) != CS_OK ||
		    (r = get_count(c, o, "addresses", &s->addresses)) != CS_OK ||
		    (r = get_count(c, o, "live", &s->live)) != CS_OK ||
		    (r = get_count(c, o, "devices", &s->devices)) != CS_OK ||
		    (r = get_count(c, o, "covered", &s->covered)) != CS_OK)
			return r;
	}
	return r;
}

static int load_audit(struct ctx *c, json_t *root, struct cs_report *rep)
{
	json_t *arr, *o;
	void *items;
	int r;

	c->path[0] = '\0';
	r = get_array(c, root, "audit", sizeof(*rep->audit), &arr, &items, &rep->naudit);
	rep->audit = items;
	for (size_t i = 0; r == CS_OK && i < rep->naudit; i++) {
		struct cs_rpt_audit *a = &rep->audit[i];
		if ((r = enter(c, "", "audit", i, arr, &o)) != CS_OK ||
		    (r = get_str(c, o, "at", true, &a->at)) != CS_OK ||
		    (r = get_str(c, o, "actor", false, &a->actor)) != CS_OK ||
		    (r = get_str(c, o, "action", true, &a->action)) != CS_OK ||
		    (r = get_str(c, o, "object", false, &a->object)) != CS_OK ||
		    (r = get_str(c, o, "detail", false, &a->detail)) != CS_OK)
			return r;
	}
	return r;
}

/* --- indexes ---------------------------------------------------------------------------------- */

static int cmp_site_pos(const void *a, const void *b, void *ctx)
{
	const struct cs_rpt_site *sites = ctx;
	return strcmp(sites[*(const size_t *)a].id, sites[*(const size_t *)b].id);
}

static int cmp_device_pos(const void *a, const void *b, void *ctx)
{
	const struct cs_rpt_device *devices = ctx;
	int64_t x = devices[*(const size_t *)a].id, y = devices[*(const size_t *)b].id;
	return (x > y) - (x < y);
}

static int make_order(size_t n, size_t **out)
{
	*out = NULL;
	if (n == 0)
		return CS_OK;
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return CS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		(*out)[i] = i;
	return CS_OK;
}

/* Sort the id indexes and refuse duplicate ids, which would make every lookup ambiguous. */
static int build_indexes(struct cs_report *rep, struct cs_err *err)
{
	int r;

	if ((r = make_order(rep->nsites, &rep->site_order)) != CS_OK ||
	    (r = make_order(rep->ndevices, &rep->device_order)) != CS_OK)
		return r;
	if (rep->nsites > 1)
		qsort_r(rep->site_order, rep->nsites, sizeof(size_t), cmp_site_pos, rep->sites);
	for (size_t i = 1; i < rep->nsites; i++)
		if (cmp_site_pos(&rep->site_order[i - 1], &rep->site_order[i], rep->sites) == 0)
			return cs_err_set(err, CS_EDATA, "sites[%zu].id: duplicate id",
					  rep->site_order[i]);
	if (rep->ndevices > 1)
		qsort_r(rep->device_order, rep->ndevices, sizeof(size_t), cmp_device_pos,
			rep->devices);
	for (size_t i = 1; i < rep->ndevices; i++)
		if (cmp_device_pos(&rep->device_order[i - 1], &rep->device_order[i],
				   rep->devices) == 0)
			return cs_err_set(err, CS_EDATA, "devices[%zu].id: duplicate id",
					  rep->device_order[i]);
	return CS_OK;
}

int cs_rpt_load(json_t *root, struct cs_report **out, struct cs_err *err)
{
	struct cs_report *rep = NULL;
	struct ctx c = {.err = err};
	int r;

	if (!json_is_object(root))
		return cs_err_set(err, CS_EDATA, "the report model is not a JSON object");
	json_t *v = json_object_get(root, "report_model");
	if (!json_is_integer(v))
		return cs_err_set(err, CS_EDATA, "report_model: missing (not a report model?)");
	if (json_integer_value(v) != CS_RPT_MODEL_VERSION)
		return cs_err_set(err, CS_EDATA,
				  "report_model: version %lld, this camsweep reads version %d",
				  (long long)json_integer_value(v), CS_RPT_MODEL_VERSION);
	if ((rep = calloc(1, sizeof(*rep))) == NULL)
		return CS_ENOMEM;
	rep->root = json_incref(root);
	if ((r = load_programme(&c, root, &rep->programme)) != CS_OK ||
	    (r = load_milestones(&c, root, rep)) != CS_OK ||
	    (r = load_progress(&c, root, rep)) != CS_OK ||
	    (r = load_sites(&c, root, rep)) != CS_OK ||
	    (r = load_devices(&c, root, rep)) != CS_OK ||
	    (r = load_findings(&c, root, rep)) != CS_OK ||
	    (r = load_scans(&c, root, rep)) != CS_OK || (r = load_audit(&c, root, rep)) != CS_OK ||
	    (r = build_indexes(rep, err)) != CS_OK)
		goto out;
	*out = rep;
	rep = NULL; /* transferred */
	r = CS_OK;
out:
	if (r == CS_ENOMEM)
		cs_err_set(err, r, "out of memory loading the report model");
	cs_rpt_free(rep);
	return r;
}

int cs_rpt_load_file(const char *path, struct cs_report **out, struct cs_err *err)
{
	struct cs_buf b;
	json_t *root = NULL;
	json_error_t jerr;
	int r;

	cs_buf_init(&b, CS_RPT_MAX_MODEL);
	if ((r = cs_buf_read_file(&b, path)) != CS_OK) {
		r = cs_err_set(err, r, "cannot read %s: %s", path, cs_strerror(r));
		goto out;
	}
	if ((root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		r = cs_err_set(err, CS_EDATA, "%s:%d: %s", path, jerr.line, jerr.text);
		goto out;
	}
	r = cs_rpt_load(root, out, err);
out:
	json_decref(root);
	cs_buf_free(&b);
	return r;
}

void cs_rpt_free(struct cs_report *r)
{
	if (r == NULL)
		return;
	free(r->programme.policies);
	free(r->programme.provenance);
	free(r->milestones);
	free(r->progress);
	free(r->sites);
	for (size_t i = 0; i < r->ndevices; i++) {
		free(r->devices[i].covered_by);
		free(r->devices[i].evidence);
	}
	free(r->devices);
	free(r->findings);
	free(r->scans);
	free(r->audit);
	free(r->site_order);
	free(r->device_order);
	json_decref(r->root);
	free(r);
}

const struct cs_rpt_site *cs_rpt_find_site(const struct cs_report *r, const char *id)
{
	size_t lo = 0, hi = r->nsites;
	if (id == NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cs_rpt_site *s = &r->sites[r->site_order[mid]];
		int c = strcmp(s->id, id);
		if (c == 0)
			return s;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct cs_rpt_device *cs_rpt_find_device(const struct cs_report *r, int64_t id)
{
	size_t lo = 0, hi = r->ndevices;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cs_rpt_device *d = &r->devices[r->device_order[mid]];
		if (d->id == id)
			return d;
		if (d->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
