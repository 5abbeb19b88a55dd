/*
 * report_build_prog.c - the programme's sections of the report model, from the inventory's
 * programme record (schema v3): sites, each device's site, state and due date, milestones,
 * progress snapshots over time, findings, and an excerpt of the audit log. Called by
 * cs_rpt_build_from_store() after it has written the devices and scans (report_build.h).
 *
 * States: the model's workflow (docs/report-model.md) is the programme's under other names:
 * identified -> affected (covered) or not_affected, planned -> planned, disconnected ->
 * in_progress, removed, verified, exempt -> exception.
 */
#include "report/report_build.h"

#include "report/report_build_int.h"

#include "findings/findings_ctx.h"
#include "programme/estate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	AUDIT_EXCERPT = 50,   /* the most recent audit rows shown */
	PROGRESS_POINTS = 60, /* snapshots at most; more event dates are thinned evenly */
};

static const char *model_state(const char *wf, bool covered)
{
	if (wf == NULL || strcmp(wf, "identified") == 0)
		return covered ? "affected" : "not_affected";
	if (strcmp(wf, "disconnected") == 0)
		return "in_progress";
	if (strcmp(wf, "exempt") == 0)
		return "exception";
	return wf; /* planned, removed, verified: the same names */
}

struct sites_ctx {
	json_t *arr;
	int r;
};

static int on_site(void *ctx, const struct cs_site *s)
{
	struct sites_ctx *c = ctx;
	json_t *o = json_object();
	cs_rb_set(o, "id", cs_rb_str(s->name), &c->r);
	cs_rb_set(o, "name", cs_rb_str(s->name), &c->r);
	cs_rb_set(o, "operator", cs_rb_str(s->operator_name), &c->r);
	cs_rb_set(o, "sensitivity", cs_rb_str(s->sensitivity), &c->r);
	cs_rb_set(o, "criterion", cs_rb_str(s->criterion), &c->r);
	cs_rb_push(c->arr, o, &c->r);
	return c->r;
}

struct wf_row {
	int64_t id;
	char state[16], due[16];
};

struct wf_ctx {
	struct wf_row *v;
	size_t n, alloc;
};

static int on_wf(void *ctx, const struct cs_workflow *w)
{
	struct wf_ctx *c = ctx;
	if (c->n == c->alloc) {
		size_t want = c->alloc ? c->alloc * 2 : 64;
		void *p = reallocarray(c->v, want, sizeof(*c->v));
		if (p == NULL)
			return CS_ENOMEM;
		c->v = p;
		c->alloc = want;
	}
	struct wf_row *row = &c->v[c->n++];
	row->id = w->device_id;
	snprintf(row->state, sizeof(row->state), "%s", w->state != NULL ? w->state : "");
	snprintf(row->due, sizeof(row->due), "%s", w->due != NULL ? w->due : "");
	return 0;
}

static const struct wf_row *find_wf(const struct wf_ctx *c, int64_t id)
{
	for (size_t lo = 0, hi = c->n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid].id == id)
			return &c->v[mid];
		if (c->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct ms_ctx {
	json_t *arr;
	bool any_sensitive_scope;
	int r;
};

static int on_milestone(void *ctx, const struct cs_milestone *m)
{
	struct ms_ctx *c = ctx;
	char label[256];
	bool sens = m->scope != NULL && strcmp(m->scope, "sensitive") == 0;
	bool dev = m->measure != NULL && strcmp(m->measure, "devices") == 0;
	c->any_sensitive_scope |= sens;
	/* The renderers say the target and what is measured; the label names the milestone. */
	snprintf(label, sizeof(label), "%s%s", m->name, sens ? " (sensitive sites)" : "");
	json_t *o = json_object();
	cs_rb_set(o, "label", json_string(label), &c->r);
	cs_rb_set(o, "target", json_real(m->percent > 0 ? m->percent / 100.0 : 0.01), &c->r);
	cs_rb_set(o, "due", cs_rb_str(m->due), &c->r);
	cs_rb_set(o, "measure", json_string(dev ? "devices" : "sites"), &c->r);
	cs_rb_push(c->arr, o, &c->r);
	return c->r;
}

static int on_audit(void *ctx, const struct cs_audit_entry *e)
{
	json_t *arr = ctx, *o = json_object();
	int r = CS_OK;
	cs_rb_set(o, "at", cs_rb_str(e->at), &r);
	cs_rb_set(o, "actor", cs_rb_str(e->who), &r);
	cs_rb_set(o, "action", cs_rb_str(e->action), &r);
	cs_rb_set(o, "object", cs_rb_str(e->object), &r);
	cs_rb_set(o, "detail",
		  e->why != NULL ? json_sprintf("%s (%s)", e->detail ? e->detail : "", e->why)
				 : cs_rb_str(e->detail),
		  &r);
	cs_rb_push(arr, o, &r);
	/* Keep only the newest rows: the log is listed oldest first. */
	while (r == CS_OK && json_array_size(arr) > AUDIT_EXCERPT)
		json_array_remove(arr, 0);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Progress snapshots: at each date something changed (thinned to PROGRESS_POINTS), and as_of. */
static int progress(json_t *root, const struct cs_estate *e, const struct cs_estate_prog *p,
		    bool sensitive_sites, const char *as_of)
{
	size_t cap = p->nevents + p->ndevs + 1, n = 0;
	const char **dates = calloc(cap, sizeof(*dates));
	json_t *arr = json_array();
	int r = CS_OK;
	if (dates == NULL || arr == NULL) {
		free(dates);
		json_decref(arr);
		return CS_ENOMEM;
	}
	for (size_t i = 0; i < p->ndevs; i++) {
		for (size_t k = 0; k < p->devs[i].nevents; k++)
			if (strcmp(p->devs[i].events[k].date, as_of) <= 0)
				dates[n++] = p->devs[i].events[k].date;
	}
	dates[n++] = as_of;
	qsort(dates, n, sizeof(*dates), cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(dates[u - 1], dates[i]) != 0)
			dates[u++] = dates[i];
	size_t step = u > PROGRESS_POINTS ? (u + PROGRESS_POINTS - 1) / PROGRESS_POINTS : 1;
	for (size_t i = 0; i < u && r == CS_OK; i++) {
		if (i % step != 0 && i + 1 != u)
			continue; /* thinned; the last (as_of) is always kept */
		struct cs_progress gs, gd;
		if (cs_prog_measure(p->sites, e->nsites, p->devs, p->ndevs, sensitive_sites,
				    dates[i], &gs) != CS_OK ||
		    cs_prog_measure(p->sites, e->nsites, p->devs, p->ndevs, false, dates[i], &gd) !=
			    CS_OK)
			continue;
		json_t *o = json_object();
		cs_rb_set(o, "date", json_string(dates[i]), &r);
		if (e->nsites > 0) { /* no sites: the model leaves the measure out */
			cs_rb_set(o, "sites_affected", json_integer(gs.sites_affected), &r);
			cs_rb_set(o, "sites_removed", json_integer(gs.sites_done), &r);
		}
		cs_rb_set(o, "devices_affected", json_integer(gd.devices), &r);
		cs_rb_set(o, "devices_removed", json_integer(gd.devices_done), &r);
		cs_rb_push(arr, o, &r);
	}
	free(dates);
	cs_rb_set(root, "progress", arr, &r);
	return r;
}

int cs_rpt_build_programme(struct cs_store *st, json_t *root, const struct cs_rpt_build_options *o,
			   const char *as_of, struct cs_err *err)
{
	struct cs_estate e = {0};
	struct cs_estate_prog p = {0};
	struct cs_findings_source *src = NULL;
	struct wf_ctx wf = {0};
	struct sites_ctx sc = {json_array(), CS_OK};
	struct ms_ctx mc = {json_array(), false, CS_OK};
	json_t *audit = json_array(), *findings = json_array();
	struct cs_findings_list fl = {0};
	struct cs_arena arena;
	struct cs_stored_device *sd = NULL;
	int r;

	cs_arena_init(&arena, 16 << 20);
	if (sc.arr == NULL || mc.arr == NULL || audit == NULL || findings == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = cs_estate_load(&e, st, err)) != CS_OK ||
	    (r = cs_estate_prog_load(&p, st, &e, err)) != CS_OK ||
	    (r = cs_store_list_sites(st, on_site, &sc, err)) != CS_OK ||
	    (r = cs_store_list_workflow(st, on_wf, &wf, err)) != CS_OK ||
	    (r = cs_store_list_milestones(st, on_milestone, &mc, err)) != CS_OK ||
	    (r = cs_store_list_audit(st, NULL, on_audit, audit, err)) != CS_OK)
		goto out;
	if (o != NULL && o->findings != NULL &&
	    (r = cs_findings_source_open(&src, st, err)) != CS_OK)
		goto out;

	/* Each device: its site, its state in the model's words, its due date, its findings. */
	json_t *devices = json_object_get(root, "devices"), *d;
	size_t i;
	json_array_foreach(devices, i, d)
	{
		int64_t id = json_integer_value(json_object_get(d, "id"));
		const char *addr = json_string_value(json_object_get(d, "address"));
		bool covered = json_is_true(json_object_get(d, "covered"));
		long si = cs_estate_site_of(&e, id, addr, NULL, NULL);
		const struct wf_row *w = find_wf(&wf, id);
		r = CS_OK;
		cs_rb_set(d, "site", si >= 0 ? cs_rb_str(e.sites[si].name) : json_null(), &r);
		cs_rb_set(d, "state",
			  json_string(model_state(w != NULL ? w->state : NULL, covered)), &r);
		if (w != NULL && w->due[0] != '\0')
			cs_rb_set(d, "due", json_string(w->due), &r);
		if (r != CS_OK)
			goto nomem;
		if (src == NULL)
			continue;
		struct cs_findings_context fc;
		if ((r = cs_store_get_device(st, id, &sd, err)) != CS_OK ||
		    (r = cs_findings_context_for(src, sd, o->today, &fc, err)) != CS_OK ||
		    (r = cs_findings_eval(o->findings, &sd->dev, &fc, o->policy, &arena, &fl,
					  err)) != CS_OK)
			goto out;
		for (size_t k = 0; k < fl.n; k++) {
			const struct cs_finding *f = &fl.v[k];
			json_t *x = json_object();
			cs_rb_set(x, "severity", json_string(cs_severity_name(f->severity)), &r);
			cs_rb_set(x, "title", cs_rb_str(f->title), &r);
			cs_rb_set(x, "rule", cs_rb_str(f->rule_id), &r);
			cs_rb_set(x, "device", json_integer(id), &r);
			cs_rb_set(x, "site", si >= 0 ? cs_rb_str(e.sites[si].name) : json_null(),
				  &r);
			cs_rb_set(x, "detail",
				  f->note != NULL ? json_sprintf("%s %s", f->explanation, f->note)
						  : cs_rb_str(f->explanation),
				  &r);
			cs_rb_push(findings, x, &r);
		}
		fl.n = 0;
		cs_arena_reset(&arena);
		cs_stored_device_free(sd);
		sd = NULL;
		if (r != CS_OK)
			goto nomem;
	}
	/* Each site's devices by state, and the site's own state from them. */
	json_t *site;
	json_array_foreach(sc.arr, i, site)
	{
		const char *name = json_string_value(json_object_get(site, "id"));
		json_t *counts = json_object();
		size_t k, affected = 0, cleared = 0, verified = 0;
		r = CS_OK;
		json_array_foreach(devices, k, d)
		{
			const char *ds = json_string_value(json_object_get(d, "site"));
			const char *st8 = json_string_value(json_object_get(d, "state"));
			if (ds == NULL || name == NULL || strcmp(ds, name) != 0 || st8 == NULL)
				continue;
			json_int_t n = json_integer_value(json_object_get(counts, st8));
			cs_rb_set(counts, st8, json_integer(n + 1), &r);
			if (strcmp(st8, "not_affected") == 0)
				continue;
			affected++;
			cleared += strcmp(st8, "removed") == 0 || strcmp(st8, "verified") == 0;
			verified += strcmp(st8, "verified") == 0;
		}
		const char *state = affected == 0	   ? "not_affected"
				    : verified == affected ? "verified"
				    : cleared == affected  ? "removed"
							   : "affected";
		cs_rb_set(site, "counts", counts, &r);
		cs_rb_set(site, "state", json_string(state), &r);
		if (r != CS_OK)
			goto nomem;
	}
	/* The UK headline counts sensitive sites; without a sensitive-scope milestone, all. */
	if ((r = progress(root, &e, &p, mc.any_sensitive_scope, as_of)) != CS_OK)
		goto nomem;
	r = CS_OK;
	cs_rb_set(root, "sites", sc.arr, &r);
	sc.arr = NULL;
	cs_rb_set(root, "milestones", mc.arr, &r);
	mc.arr = NULL;
	cs_rb_set(root, "audit", audit, &r);
	audit = NULL;
	if (src != NULL) {
		cs_rb_set(root, "findings", findings, &r);
		findings = NULL;
	}
	if (r == CS_OK)
		goto out;
nomem:
	r = cs_err_set(err, CS_ENOMEM, "out of memory building the report model");
out:
	cs_stored_device_free(sd);
	cs_findings_source_free(src);
	cs_findings_list_free(&fl);
	cs_arena_free(&arena);
	free(wf.v);
	cs_estate_prog_free(&p);
	cs_estate_free(&e);
	json_decref(sc.arr), json_decref(mc.arr), json_decref(audit), json_decref(findings);
	return r;
}
