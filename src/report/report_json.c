/*
 * report_json.c - the report as JSON: the model itself (docs/report-model.md), normalised, plus
 * a "computed" object with the figures the HTML shows (projection, milestone status, totals).
 *
 * A full report can be read back with `camsweep report --model` ("computed" is ignored on
 * input). A summary for publication keeps the programme, milestones, progress series and scans
 * without their targets, and leaves out sites, devices, findings' details and the audit trail;
 * its "computed" object carries the aggregate counts instead.
 */
#include "report/report.h"

#include "common/json.h"

#include <stdlib.h>

static void str_or_skip(struct cs_json *j, const char *key, const char *v)
{
	if (v == NULL)
		return;
	cs_json_key(j, key);
	cs_json_str(j, v);
}

static void count_or_skip(struct cs_json *j, const char *key, int64_t v)
{
	if (v < 0)
		return;
	cs_json_key(j, key);
	cs_json_int(j, v);
}

static void programme(struct cs_json *j, const struct cs_rpt_programme *p)
{
	cs_json_key(j, "programme");
	cs_json_obj_begin(j);
	cs_json_key(j, "name");
	cs_json_str(j, p->name);
	str_or_skip(j, "generated_at", p->generated_at);
	cs_json_key(j, "as_of");
	cs_json_str(j, p->as_of);
	str_or_skip(j, "generator", p->generator);
	str_or_skip(j, "methodology", p->methodology);
	cs_json_key(j, "policies");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < p->npolicies; i++)
		cs_json_str(j, p->policies[i]);
	cs_json_arr_end(j);
	cs_json_key(j, "provenance");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < p->nprovenance; i++)
		cs_json_str(j, p->provenance[i]);
	cs_json_arr_end(j);
	cs_json_obj_end(j);
}

static void series(struct cs_json *j, const struct cs_report *r)
{
	cs_json_key(j, "milestones");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < r->nmilestones; i++) {
		const struct cs_rpt_milestone *m = &r->milestones[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "label");
		cs_json_str(j, m->label);
		cs_json_key(j, "target");
		cs_json_num(j, m->target, 4);
		cs_json_key(j, "due");
		cs_json_str(j, m->due);
		cs_json_key(j, "measure");
		cs_json_str(j, cs_rpt_measure_name(m->measure));
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
	cs_json_key(j, "progress");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < r->nprogress; i++) {
		const struct cs_rpt_point *p = &r->progress[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "date");
		cs_json_str(j, p->date);
		count_or_skip(j, "sites_affected", p->affected[CS_RPT_SITES]);
		count_or_skip(j, "sites_removed", p->removed[CS_RPT_SITES]);
		count_or_skip(j, "devices_affected", p->affected[CS_RPT_DEVICES]);
		count_or_skip(j, "devices_removed", p->removed[CS_RPT_DEVICES]);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
}

static void sites(struct cs_json *j, const struct cs_report *r)
{
	cs_json_key(j, "sites");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < r->nsites; i++) {
		const struct cs_rpt_site *s = &r->sites[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "id");
		cs_json_str(j, s->id);
		cs_json_key(j, "name");
		cs_json_str(j, s->name);
		cs_json_key(j, "operator");
		cs_json_str(j, s->operator_);
		cs_json_key(j, "sensitivity");
		cs_json_str(j, s->sensitivity);
		cs_json_key(j, "criterion");
		cs_json_str(j, s->criterion);
		cs_json_key(j, "state");
		cs_json_str(j, cs_rpt_state_name(s->state));
		cs_json_key(j, "due");
		cs_json_str(j, s->due);
		cs_json_key(j, "counts");
		cs_json_obj_begin(j);
		for (int k = 0; k < CS_RPT_NSTATES; k++) {
			cs_json_key(j, cs_rpt_state_name((enum cs_rpt_state)k));
			cs_json_int(j, s->counts[k]);
		}
		cs_json_obj_end(j);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
}

static void device(struct cs_json *j, const struct cs_rpt_device *d)
{
	cs_json_obj_begin(j);
	cs_json_key(j, "id");
	cs_json_int(j, d->id);
	static const char *const keys[] = {"site",   "address", "manufacturer",
					   "brand",  "model",	"firmware",
					   "serial", "mac",	"device_type"};
	const char *vals[] = {d->site,	   d->address, d->manufacturer, d->brand,      d->model,
			      d->firmware, d->serial,  d->mac,		d->device_type};
	_Static_assert(CS_ARRAY_SIZE(keys) == CS_ARRAY_SIZE(vals), "one value per key");
	for (size_t i = 0; i < CS_ARRAY_SIZE(keys); i++) {
		cs_json_key(j, keys[i]);
		cs_json_str(j, vals[i]);
	}
	cs_json_key(j, "covered");
	cs_json_bool(j, d->covered);
	cs_json_key(j, "covered_status");
	cs_json_str(j, d->covered_status);
	cs_json_key(j, "covered_by");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < d->ncovered_by; i++) {
		const struct cs_rpt_cover *c = &d->covered_by[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "policy");
		cs_json_str(j, c->policy);
		cs_json_key(j, "entity");
		cs_json_str(j, c->entity);
		cs_json_key(j, "via");
		cs_json_str(j, c->via);
		cs_json_key(j, "status");
		cs_json_str(j, c->status);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
	cs_json_key(j, "state");
	cs_json_str(j, cs_rpt_state_name(d->state));
	cs_json_key(j, "due");
	cs_json_str(j, d->due);
	cs_json_key(j, "first_seen");
	cs_json_str(j, d->first_seen);
	cs_json_key(j, "last_seen");
	cs_json_str(j, d->last_seen);
	cs_json_key(j, "evidence");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < d->nevidence; i++) {
		const struct cs_rpt_evidence *e = &d->evidence[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "signal");
		cs_json_str(j, e->signal);
		cs_json_key(j, "value");
		cs_json_str(j, e->value);
		cs_json_key(j, "implies");
		cs_json_str(j, e->implies);
		cs_json_key(j, "weight");
		cs_json_num(j, e->weight, 3);
		cs_json_key(j, "rule");
		cs_json_str(j, e->rule);
		str_or_skip(j, "seen_at", e->seen_at);
		str_or_skip(j, "source", e->source);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
	cs_json_obj_end(j);
}

static void findings(struct cs_json *j, const struct cs_report *r)
{
	cs_json_key(j, "findings");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct cs_rpt_finding *f = &r->findings[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "severity");
		cs_json_str(j, cs_rpt_severity_name(f->severity));
		cs_json_key(j, "rule");
		cs_json_str(j, f->rule);
		cs_json_key(j, "device");
		if (f->device >= 0)
			cs_json_int(j, f->device);
		else
			cs_json_null(j);
		cs_json_key(j, "site");
		cs_json_str(j, f->site);
		cs_json_key(j, "title");
		cs_json_str(j, f->title);
		cs_json_key(j, "detail");
		cs_json_str(j, f->detail);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
}

static void scans(struct cs_json *j, const struct cs_report *r, bool summary)
{
	cs_json_key(j, "scans");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < r->nscans; i++) {
		const struct cs_rpt_scan *s = &r->scans[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "id");
		cs_json_int(j, s->id);
		if (!summary)
			str_or_skip(j, "targets", s->targets); /* addresses: not published */
		str_or_skip(j, "started", s->started);
		str_or_skip(j, "ended", s->ended);
		str_or_skip(j, "status", s->status);
		count_or_skip(j, "addresses", s->addresses);
		count_or_skip(j, "live", s->live);
		count_or_skip(j, "devices", s->devices);
		count_or_skip(j, "covered", s->covered);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
}

static void audit(struct cs_json *j, const struct cs_report *r)
{
	cs_json_key(j, "audit");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < r->naudit; i++) {
		const struct cs_rpt_audit *a = &r->audit[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "at");
		cs_json_str(j, a->at);
		cs_json_key(j, "actor");
		cs_json_str(j, a->actor);
		cs_json_key(j, "action");
		cs_json_str(j, a->action);
		cs_json_key(j, "object");
		cs_json_str(j, a->object);
		cs_json_key(j, "detail");
		cs_json_str(j, a->detail);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
}

static void day_or_null(struct cs_json *j, const char *key, bool have, cs_rpt_day d)
{
	char s[16];
	cs_json_key(j, key);
	if (!have) {
		cs_json_null(j);
		return;
	}
	cs_rpt_format_day(d, s, sizeof(s));
	cs_json_str(j, s);
}

static void group(struct cs_json *j, const struct cs_rpt_group *g)
{
	cs_json_obj_begin(j);
	cs_json_key(j, "key");
	cs_json_str(j, g->key);
	cs_json_key(j, "devices");
	cs_json_int(j, g->total);
	cs_json_key(j, "affected");
	cs_json_int(j, g->affected);
	cs_json_key(j, "cleared");
	cs_json_int(j, g->done);
	cs_json_key(j, "remaining");
	cs_json_int(j, g->remaining);
	cs_json_key(j, "by_state");
	cs_json_obj_begin(j);
	for (int k = 0; k < CS_RPT_NSTATES; k++) {
		cs_json_key(j, cs_rpt_state_name((enum cs_rpt_state)k));
		cs_json_int(j, g->by_state[k]);
	}
	cs_json_obj_end(j);
	cs_json_obj_end(j);
}

static int computed(struct cs_json *j, const struct cs_report *r, const struct cs_rpt_options *o)
{
	int window = o->window > 0 ? o->window : CS_RPT_DEFAULT_WINDOW;
	struct cs_rpt_projection proj[CS_RPT_NMEASURES];
	struct cs_rpt_group total;
	int rc = CS_OK;

	cs_json_key(j, "computed");
	cs_json_obj_begin(j);
	cs_json_key(j, "window_days");
	cs_json_int(j, window);
	cs_json_key(j, "projection");
	cs_json_obj_begin(j);
	for (int m = 0; m < CS_RPT_NMEASURES; m++) {
		struct cs_rpt_projection *p = &proj[m];
		cs_rpt_project(r->progress, r->nprogress, (enum cs_rpt_measure)m,
			       r->programme.as_of_day, window, p);
		cs_json_key(j, cs_rpt_measure_name((enum cs_rpt_measure)m));
		if (!p->have_data) {
			cs_json_null(j);
			continue;
		}
		cs_json_obj_begin(j);
		cs_json_key(j, "affected");
		cs_json_int(j, p->affected);
		cs_json_key(j, "removed");
		cs_json_int(j, p->removed);
		cs_json_key(j, "remaining");
		cs_json_int(j, p->remaining);
		cs_json_key(j, "rate_per_day");
		if (p->have_rate)
			cs_json_num(j, p->rate_per_day, 4);
		else
			cs_json_null(j);
		cs_json_key(j, "window_points");
		cs_json_int(j, (int64_t)p->window_points);
		cs_json_key(j, "converging");
		cs_json_bool(j, p->converging);
		day_or_null(j, "completion", p->converging, p->completion_day);
		cs_json_obj_end(j);
	}
	cs_json_obj_end(j);
	cs_json_key(j, "milestones");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < r->nmilestones; i++) {
		const struct cs_rpt_milestone *m = &r->milestones[i];
		struct cs_rpt_ms_eval e;
		cs_rpt_milestone_eval(m, r->progress, r->nprogress, &proj[m->measure],
				      r->programme.as_of_day, &e);
		cs_json_obj_begin(j);
		cs_json_key(j, "label");
		cs_json_str(j, m->label);
		cs_json_key(j, "status");
		cs_json_str(j, cs_rpt_ms_status_name(e.status));
		cs_json_key(j, "fraction");
		cs_json_num(j, e.fraction, 4);
		cs_json_key(j, "projected_at_due");
		if (e.projected >= 0)
			cs_json_num(j, e.projected, 4);
		else
			cs_json_null(j);
		day_or_null(j, "met_on", e.met_day >= 0, e.met_day);
		cs_json_key(j, "met_late");
		cs_json_bool(j, e.met_late);
		day_or_null(j, "reached_on", e.target_day >= 0, e.target_day);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
	cs_rpt_totals(r, &total);
	cs_json_key(j, "totals");
	group(j, &total);
	for (int by = 0; by < CS_RPT_NGROUPBY && rc == CS_OK; by++) {
		struct cs_rpt_group *g;
		size_t n;
		char key[32];
		if (by == CS_RPT_BY_SITE && o->summary_only)
			continue;
		if ((rc = cs_rpt_aggregate(r, (enum cs_rpt_groupby)by, &g, &n)) != CS_OK)
			break;
		snprintf(key, sizeof(key), "by_%s", cs_rpt_groupby_name((enum cs_rpt_groupby)by));
		cs_json_key(j, key);
		cs_json_arr_begin(j);
		for (size_t i = 0; i < n; i++)
			group(j, &g[i]);
		cs_json_arr_end(j);
		free(g);
	}
	int64_t sev[CS_RPT_NSEVERITIES] = {0}, st[CS_RPT_NSTATES] = {0};
	for (size_t i = 0; i < r->nfindings; i++)
		sev[r->findings[i].severity]++;
	for (size_t i = 0; i < r->nsites; i++)
		st[r->sites[i].state]++;
	cs_json_key(j, "findings_by_severity");
	cs_json_obj_begin(j);
	for (int k = 0; k < CS_RPT_NSEVERITIES; k++) {
		cs_json_key(j, cs_rpt_severity_name((enum cs_rpt_severity)k));
		cs_json_int(j, sev[k]);
	}
	cs_json_obj_end(j);
	cs_json_key(j, "sites_by_state");
	cs_json_obj_begin(j);
	for (int k = 0; k < CS_RPT_NSTATES; k++) {
		cs_json_key(j, cs_rpt_state_name((enum cs_rpt_state)k));
		cs_json_int(j, st[k]);
	}
	cs_json_obj_end(j);
	cs_json_obj_end(j);
	return rc;
}

int cs_rpt_render_json(const struct cs_report *r, const struct cs_rpt_options *o,
		       struct cs_buf *out)
{
	struct cs_json j;
	int rc;

	cs_json_init(&j, out, true);
	cs_json_obj_begin(&j);
	cs_json_key(&j, "report_model");
	cs_json_int(&j, CS_RPT_MODEL_VERSION);
	cs_json_key(&j, "summary_only");
	cs_json_bool(&j, o->summary_only);
	programme(&j, &r->programme);
	series(&j, r);
	if (!o->summary_only) {
		sites(&j, r);
		cs_json_key(&j, "devices");
		cs_json_arr_begin(&j);
		for (size_t i = 0; i < r->ndevices; i++)
			device(&j, &r->devices[i]);
		cs_json_arr_end(&j);
		findings(&j, r);
	}
	scans(&j, r, o->summary_only);
	if (!o->summary_only)
		audit(&j, r);
	rc = computed(&j, r, o);
	cs_json_obj_end(&j);
	if (rc != CS_OK)
		return rc;
	if ((rc = cs_json_end(&j)) != CS_OK)
		return rc;
	return cs_buf_putc(out, '\n');
}
