/*
 * report_build.c - the report model from the inventory (see report_build.h).
 *
 * Kept small and isolated on purpose: it only reads store.h and writes the JSON keys of
 * docs/report-model.md, so that sites, workflow, milestones and findings slot in as new
 * sections without touching the renderers.
 */
#include "report/report_build.h"

#include "report/report_build_int.h"

#include "ident/signal.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ids {
	int64_t *v;
	size_t n, alloc;
};

static int collect_id(void *ctx, const struct cs_stored_device *d)
{
	struct ids *ids = ctx;
	if (ids->n == ids->alloc) {
		size_t want = ids->alloc != 0 ? ids->alloc * 2 : 256;
		int64_t *p = reallocarray(ids->v, want, sizeof(*p));
		if (p == NULL)
			return CS_ENOMEM;
		ids->v = p;
		ids->alloc = want;
	}
	ids->v[ids->n++] = d->id;
	return 0;
}

static json_t *device_json(const struct cs_stored_device *sd, json_t *policies, int *r)
{
	const struct cs_device *d = &sd->dev;
	json_t *o = json_object(), *cov = json_array(), *ev = json_array();

	if (o == NULL || cov == NULL || ev == NULL) {
		*r = CS_ENOMEM;
		json_decref(o), json_decref(cov), json_decref(ev);
		return NULL;
	}
	cs_rb_set(o, "id", json_integer(sd->id), r);
	cs_rb_set(o, "site", json_null(), r);
	cs_rb_set(o, "address", cs_rb_str(d->address), r);
	cs_rb_set(o, "manufacturer", cs_rb_str(d->manufacturer), r);
	cs_rb_set(o, "brand", cs_rb_str(d->brand), r);
	cs_rb_set(o, "model", cs_rb_str(d->model), r);
	cs_rb_set(o, "firmware", cs_rb_str(d->firmware), r);
	cs_rb_set(o, "serial", cs_rb_str(d->serial), r);
	cs_rb_set(o, "mac", cs_rb_str(d->mac), r);
	cs_rb_set(o, "device_type", cs_rb_str(sd->device_type), r);
	cs_rb_set(o, "covered", json_boolean(d->covered), r);
	cs_rb_set(o, "covered_status", cs_rb_str(d->covered_status), r);
	for (size_t i = 0; i < d->ncoverage; i++) {
		const struct cs_coverage *c = &d->coverage[i];
		json_t *e = json_object();
		if (e == NULL) {
			*r = CS_ENOMEM;
			break;
		}
		cs_rb_set(e, "policy", cs_rb_str(c->policy), r);
		cs_rb_set(e, "entity", cs_rb_str(c->entity), r);
		cs_rb_set(e, "via", cs_rb_str(c->via), r);
		cs_rb_set(e, "status", cs_rb_str(c->status), r);
		cs_rb_push(cov, e, r);
		/* The policies applied, once each, for the programme section. */
		bool seen = false;
		for (size_t k = 0; k < json_array_size(policies); k++)
			seen = seen || strcmp(json_string_value(json_array_get(policies, k)),
					      c->policy) == 0;
		if (!seen)
			cs_rb_push(policies, cs_rb_str(c->policy), r);
	}
	cs_rb_set(o, "covered_by", cov, r);
	/* Until the store has a removal workflow, covered means affected and not removed. */
	cs_rb_set(o, "state", json_string(d->covered ? "affected" : "not_affected"), r);
	cs_rb_set(o, "first_seen", cs_rb_str(sd->first_seen), r);
	cs_rb_set(o, "last_seen", cs_rb_str(sd->last_seen), r);
	for (size_t i = 0; i < d->nevidence; i++) {
		const struct cs_evidence *e = &d->evidence[i];
		const struct cs_stored_origin *org = sd->origin != NULL ? &sd->origin[i] : NULL;
		json_t *x = json_object();
		if (x == NULL) {
			*r = CS_ENOMEM;
			break;
		}
		cs_rb_set(x, "signal",
			  cs_rb_str(org != NULL && org->signal != NULL ? org->signal
								       : cs_signal_name(e->signal)),
			  r);
		cs_rb_set(x, "value", cs_rb_str(e->value), r);
		cs_rb_set(x, "implies", cs_rb_str(e->implies), r);
		cs_rb_set(x, "weight", json_real(e->weight), r);
		cs_rb_set(x, "rule", cs_rb_str(e->rule), r);
		cs_rb_set(x, "seen_at", cs_rb_str(org != NULL ? org->seen_at : NULL), r);
		cs_rb_set(x, "source", cs_rb_str(org != NULL ? org->source : NULL), r);
		cs_rb_push(ev, x, r);
	}
	cs_rb_set(o, "evidence", ev, r);
	return o;
}

static int scan_cb(void *ctx, const struct cs_scan_record *s)
{
	json_t *a = ctx, *o = json_object();
	int r = CS_OK;
	if (o == NULL)
		return CS_ENOMEM;
	cs_rb_set(o, "id", json_integer(s->id), &r);
	cs_rb_set(o, "targets", cs_rb_str(s->targets), &r);
	cs_rb_set(o, "started", cs_rb_str(s->started), &r);
	cs_rb_set(o, "ended", cs_rb_str(s->ended), &r);
	cs_rb_set(o, "status", cs_rb_str(s->status), &r);
	cs_rb_set(o, "addresses", json_integer((json_int_t)s->addresses), &r);
	cs_rb_set(o, "live", json_integer((json_int_t)s->live), &r);
	cs_rb_set(o, "devices", json_integer((json_int_t)s->devices), &r);
	cs_rb_set(o, "covered", json_integer((json_int_t)s->covered), &r);
	cs_rb_push(a, o, &r);
	return r;
}

int cs_rpt_build_from_store(struct cs_store *st, const struct cs_rpt_build_options *o, json_t **out,
			    struct cs_err *err)
{
	struct ids ids = {0};
	struct cs_stored_device *sd = NULL;
	json_t *root = json_object(), *prog = json_object(), *devices = json_array();
	json_t *scans = json_array(), *policies = json_array(), *progress = json_array();
	json_t *prov = json_array(), *point = json_object();
	char now[32], today[16], line[256];
	int64_t affected = 0;
	int r = CS_OK;
	time_t t = time(NULL);
	struct tm tm;

	if (root == NULL || prog == NULL || devices == NULL || scans == NULL || policies == NULL ||
	    progress == NULL || prov == NULL || point == NULL || gmtime_r(&t, &tm) == NULL) {
		r = CS_ENOMEM;
		goto out;
	}
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if ((r = cs_store_list_devices(st, NULL, collect_id, &ids, err)) != CS_OK)
		goto out;
	for (size_t i = 0; i < ids.n; i++) {
		if ((r = cs_store_get_device(st, ids.v[i], &sd, err)) != CS_OK)
			goto out;
		affected += sd->dev.covered;
		cs_rb_push(devices, device_json(sd, policies, &r), &r);
		cs_stored_device_free(sd);
		sd = NULL;
		if (r != CS_OK)
			goto out;
	}
	if ((r = cs_store_list_scans(st, scan_cb, scans, err)) != CS_OK)
		goto out;

	const char *as_of = o != NULL && o->as_of != NULL ? o->as_of : today;
	cs_rb_set(point, "date", json_string(as_of), &r);
	cs_rb_set(point, "devices_affected", json_integer(affected), &r);
	cs_rb_set(point, "devices_removed", json_integer(0), &r);
	cs_rb_push(progress, point, &r);
	point = NULL; /* transferred */

	snprintf(line, sizeof(line), "camsweep inventory (%s backend): %zu devices, %zu scans",
		 cs_store_backend_name(st), ids.n, json_array_size(scans));
	cs_rb_push(prov, json_string(line), &r);
	cs_rb_push(
		prov,
		json_string(
			"Sites, networks, the removal workflow, milestones and the audit log come "
			"from the programme record of the same inventory (camsweep site, plan, "
			"mark, verify, milestone). Site progress counts sensitive sites only when "
			"a "
			"milestone is scoped to them; device progress counts every covered device. "
			"Progress counts an unexpired exemption as dealt with (docs/programme.md); "
			"the breakdowns count only removed and verified devices as cleared."),
		&r);
	cs_rb_set(prog, "name",
		  json_string(o != NULL && o->name != NULL ? o->name
							   : "Surveillance equipment removal"),
		  &r);
	cs_rb_set(prog, "generated_at", json_string(now), &r);
	cs_rb_set(prog, "as_of", json_string(as_of), &r);
	cs_rb_set(prog, "generator", json_string("camsweep " CS_VERSION " (" CS_GITREV ")"), &r);
	cs_rb_set(prog, "methodology",
		  json_string(
			  "Devices were found by camsweep scans and identifications; the "
			  "manufacturer of each is inferred from the evidence listed with it, and "
			  "each is judged against the policies named above."),
		  &r);
	cs_rb_set(prog, "policies", policies, &r);
	policies = NULL;
	cs_rb_set(prog, "provenance", prov, &r);
	prov = NULL;
	cs_rb_set(root, "report_model", json_integer(CS_RPT_MODEL_VERSION), &r);
	cs_rb_set(root, "programme", prog, &r);
	prog = NULL;
	cs_rb_set(root, "milestones", json_array(), &r);
	cs_rb_set(root, "progress", progress, &r);
	progress = NULL;
	cs_rb_set(root, "sites", json_array(), &r);
	cs_rb_set(root, "devices", devices, &r);
	devices = NULL;
	cs_rb_set(root, "findings", json_array(), &r);
	cs_rb_set(root, "scans", scans, &r);
	scans = NULL;
	cs_rb_set(root, "audit", json_array(), &r);
	if (r != CS_OK)
		goto out;
	if ((r = cs_rpt_build_programme(st, root, o, as_of, err)) != CS_OK)
		goto out;
	*out = root;
	root = NULL; /* transferred */
out:
	if (r == CS_ENOMEM)
		cs_err_set(err, r, "out of memory building the report model");
	cs_stored_device_free(sd);
	free(ids.v);
	json_decref(root), json_decref(prog), json_decref(devices), json_decref(scans);
	json_decref(policies), json_decref(progress), json_decref(prov), json_decref(point);
	return r;
}
