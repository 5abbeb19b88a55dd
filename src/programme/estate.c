/*
 * estate.c - loading the estate (sites, networks, hand attachments) from the store, attaching
 * devices to sites, building the inputs of the progress maths, and the verification run. See
 * estate.h; the rules themselves are in programme.c.
 */
#include "programme/estate.h"

#include "scan/targets.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Dates and a few labels per device; generous, but capped like every buffer. */
enum { STRINGS_CAP = 256 * 1024 * 1024 };

static int grow(void **arr, size_t *alloc, size_t n, size_t size)
{
	if (n < *alloc)
		return CS_OK;
	size_t want = *alloc ? *alloc * 2 : 16;
	void *p = reallocarray(*arr, want, size);
	if (p == NULL)
		return CS_ENOMEM;
	*arr = p;
	*alloc = want;
	return CS_OK;
}

struct load {
	struct cs_estate *e;
	size_t site_alloc, net_alloc, core_alloc, netsite_alloc, att_alloc, attsite_alloc;
};

static int site_cb(void *ctx, const struct cs_site *s)
{
	struct load *l = ctx;
	struct cs_estate *e = l->e;
	int r;

	if ((r = grow((void **)&e->sites, &l->site_alloc, e->nsites, sizeof(*e->sites))) != CS_OK)
		return r;
	struct cs_estate_site *es = &e->sites[e->nsites];
	if ((es->name = strdup(s->name)) == NULL)
		return CS_ENOMEM;
	es->id = s->id;
	es->sensitive = strcmp(s->sensitivity, "sensitive") == 0;
	e->nsites++;
	for (size_t i = 0; i < s->nnetworks; i++) {
		struct cs_cidr c;
		if (cs_cidr_parse(s->networks[i].cidr, &c, NULL) != CS_OK)
			continue; /* checked on the way in; a hand-edited row is skipped */
		if ((r = grow((void **)&e->nets, &l->net_alloc, e->nnets, sizeof(*e->nets))) ||
		    (r = grow((void **)&e->net_site, &l->netsite_alloc, e->nnets,
			      sizeof(*e->net_site))) ||
		    (r = grow((void **)&e->net_core, &l->core_alloc, e->nnets,
			      sizeof(*e->net_core))))
			return r;
		e->nets[e->nnets] = c;
		e->net_site[e->nnets] = e->nsites - 1;
		e->net_core[e->nnets] = strcmp(s->networks[i].posture, "core") == 0;
		e->nnets++;
	}
	return 0;
}

static int attach_cb(void *ctx, int64_t device_id, int64_t site_id)
{
	struct load *l = ctx;
	struct cs_estate *e = l->e;
	int r;

	for (size_t k = 0; k < e->nsites; k++) {
		if (e->sites[k].id != site_id)
			continue;
		if ((r = grow((void **)&e->attach_dev, &l->att_alloc, e->nattach,
			      sizeof(*e->attach_dev))) ||
		    (r = grow((void **)&e->attach_site, &l->attsite_alloc, e->nattach,
			      sizeof(*e->attach_site))))
			return r;
		e->attach_dev[e->nattach] = device_id;
		e->attach_site[e->nattach] = k;
		e->nattach++;
		break;
	}
	return 0;
}

int cs_estate_load(struct cs_estate *e, struct cs_store *st, struct cs_err *err)
{
	struct load l = {.e = e};
	int r;

	memset(e, 0, sizeof(*e));
	if ((r = cs_store_list_sites(st, site_cb, &l, err)) != CS_OK ||
	    (r = cs_store_list_attachments(st, attach_cb, &l, err)) != CS_OK) {
		if (r == CS_ENOMEM)
			cs_err_set(err, r, "out of memory loading the sites");
		cs_estate_free(e);
	}
	return r;
}

void cs_estate_free(struct cs_estate *e)
{
	for (size_t i = 0; i < e->nsites; i++)
		free(e->sites[i].name);
	free(e->sites);
	free(e->nets);
	free(e->net_site);
	free(e->net_core);
	free(e->attach_dev);
	free(e->attach_site);
	memset(e, 0, sizeof(*e));
}

long cs_estate_site_of(const struct cs_estate *e, int64_t device_id, const char *address,
		       bool *by_hand, bool *core)
{
	size_t lo = 0, hi = e->nattach;
	uint32_t a;

	if (by_hand != NULL)
		*by_hand = false;
	if (core != NULL)
		*core = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->attach_dev[mid] < device_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->nattach && e->attach_dev[lo] == device_id) {
		if (by_hand != NULL)
			*by_hand = true;
		return (long)e->attach_site[lo];
	}
	if (address == NULL || cs_ipv4_parse(address, &a) != CS_OK)
		return -1;
	long best = cs_cidr_best(e->nets, e->nnets, a);
	if (best < 0)
		return -1;
	if (core != NULL)
		*core = e->net_core[best];
	return (long)e->net_site[best];
}

/* --- progress inputs ------------------------------------------------------------------------ */

struct prog_load {
	struct cs_estate_prog *p;
	const struct cs_estate *e;
	size_t dev_alloc, ev_alloc;
	int64_t *ids; /* device ids parallel to p->devs */
	size_t ids_alloc;
	size_t *first_event; /* per device: index of its first event */
	size_t fe_alloc;
};

static int prog_device_cb(void *ctx, const struct cs_stored_device *d)
{
	struct prog_load *l = ctx;
	struct cs_estate_prog *p = l->p;
	int r;

	if ((r = grow((void **)&p->devs, &l->dev_alloc, p->ndevs, sizeof(*p->devs))) ||
	    (r = grow((void **)&l->ids, &l->ids_alloc, p->ndevs, sizeof(*l->ids))))
		return r;
	struct cs_prog_device *pd = &p->devs[p->ndevs];
	memset(pd, 0, sizeof(*pd));
	pd->site = cs_estate_site_of(l->e, d->id, d->dev.address, NULL, NULL);
	pd->covered = d->dev.covered;
	pd->first_seen = cs_arena_strdup(&p->strings, cs_sv_cstr(d->first_seen));
	if (pd->first_seen == NULL)
		return CS_ENOMEM;
	l->ids[p->ndevs++] = d->id;
	return 0;
}

static long find_dev(const struct prog_load *l, int64_t id)
{
	size_t lo = 0, hi = l->p->ndevs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->p->ndevs && l->ids[lo] == id ? (long)lo : -1;
}

static int prog_event_cb(void *ctx, const struct cs_workflow *w)
{
	struct prog_load *l = ctx;
	struct cs_estate_prog *p = l->p;
	enum cs_wf_state s;
	int r;

	if (cs_wf_lookup(w->state, &s) != CS_OK || find_dev(l, w->device_id) < 0)
		return 0;
	if ((r = grow((void **)&p->events, &l->ev_alloc, p->nevents, sizeof(*p->events))) ||
	    (r = grow((void **)&l->first_event, &l->fe_alloc, p->nevents, sizeof(*l->first_event))))
		return r;
	struct cs_prog_event *ev = &p->events[p->nevents];
	ev->state = s;
	ev->date = cs_arena_strdup(&p->strings, cs_sv_cstr(w->date));
	ev->expires =
		w->expires != NULL ? cs_arena_strdup(&p->strings, cs_sv_cstr(w->expires)) : NULL;
	if (ev->date == NULL || (w->expires != NULL && ev->expires == NULL))
		return CS_ENOMEM;
	/* Remember the device of each event in first_event (reused as a device index). */
	l->first_event[p->nevents] = (size_t)find_dev(l, w->device_id);
	p->nevents++;
	return 0;
}

int cs_estate_prog_load(struct cs_estate_prog *p, struct cs_store *st, const struct cs_estate *e,
			struct cs_err *err)
{
	struct prog_load l = {.p = p, .e = e};
	int r;

	memset(p, 0, sizeof(*p));
	cs_arena_init(&p->strings, STRINGS_CAP);
	if (e->nsites > 0 && (p->sites = calloc(e->nsites, sizeof(*p->sites))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < e->nsites; i++)
		p->sites[i].sensitive = e->sites[i].sensitive;
	if ((r = cs_store_list_devices(st, NULL, prog_device_cb, &l, err)) != CS_OK ||
	    (r = cs_store_list_workflow_events(st, prog_event_cb, &l, err)) != CS_OK)
		goto out;
	/* Events arrive grouped by device (ordered by device id, then date): point each device
	 * at its run. */
	for (size_t i = 0; i < p->nevents;) {
		size_t dev = l.first_event[i], j = i;
		while (j < p->nevents && l.first_event[j] == dev)
			j++;
		p->devs[dev].events = &p->events[i];
		p->devs[dev].nevents = j - i;
		i = j;
	}
	r = CS_OK;
out:
	if (r == CS_ENOMEM)
		cs_err_set(err, r, "out of memory loading the programme");
	if (r != CS_OK)
		cs_estate_prog_free(p);
	free(l.ids);
	free(l.first_event);
	return r;
}

void cs_estate_prog_free(struct cs_estate_prog *p)
{
	free(p->sites);
	free(p->devs);
	free(p->events);
	cs_arena_free(&p->strings);
	memset(p, 0, sizeof(*p));
}

/* --- verification run ----------------------------------------------------------------------- */

struct vscan {
	int64_t id;
	char *started, *status, *targets, *excludes;
	struct cs_targets parsed; /* targets minus excludes, parsed once */
	bool parse_failed;
	int64_t *seen; /* device ids the scan linked, ascending */
	size_t nseen, seen_alloc;
};

struct vrun {
	struct vscan *scans;
	size_t n, alloc;
	struct cs_workflow_copy {
		int64_t device_id;
		char date[CS_DATE_LEN];
	} * removed;
	size_t nremoved, removed_alloc;
};

static char *dup_or_null(const char *s, bool *oom)
{
	if (s == NULL)
		return NULL;
	char *d = strdup(s);
	if (d == NULL)
		*oom = true;
	return d;
}

/* The exclusions a scan recorded in its options ({"exclude": "..."}); caller frees. */
static char *scan_excludes(const char *options, bool *oom)
{
	json_t *j = json_loads(options != NULL ? options : "", 0, NULL);
	char *ex = dup_or_null(json_string_value(json_object_get(j, "exclude")), oom);
	json_decref(j);
	return ex;
}

static int vscan_cb(void *ctx, const struct cs_scan_record *rec)
{
	struct vrun *v = ctx;
	bool oom = false;
	int r;

	if ((r = grow((void **)&v->scans, &v->alloc, v->n, sizeof(*v->scans))) != CS_OK)
		return r;
	struct vscan *s = &v->scans[v->n++];
	memset(s, 0, sizeof(*s));
	s->id = rec->id;
	s->started = dup_or_null(rec->started, &oom);
	s->status = dup_or_null(rec->status, &oom);
	s->targets = dup_or_null(rec->targets, &oom);
	s->excludes = scan_excludes(rec->options, &oom);
	if (oom)
		return CS_ENOMEM;
	const struct cs_verify_scan vs = {.targets = s->targets, .excludes = s->excludes};
	int r2 = cs_verify_scan_parse(&vs, &s->parsed);
	if (r2 == CS_ENOMEM)
		return r2;
	s->parse_failed = r2 != CS_OK;
	return 0;
}

static int vseen_cb(void *ctx, const struct cs_stored_device *d)
{
	struct vscan *s = ctx;
	int r = grow((void **)&s->seen, &s->seen_alloc, s->nseen, sizeof(*s->seen));
	if (r == CS_OK)
		s->seen[s->nseen++] = d->id;
	return r;
}

static int vremoved_cb(void *ctx, const struct cs_workflow *w)
{
	struct vrun *v = ctx;
	int r;
	if (strcmp(w->state, "removed") != 0)
		return 0;
	if ((r = grow((void **)&v->removed, &v->removed_alloc, v->nremoved, sizeof(*v->removed))) !=
	    CS_OK)
		return r;
	v->removed[v->nremoved].device_id = w->device_id;
	snprintf(v->removed[v->nremoved].date, CS_DATE_LEN, "%s", w->date);
	v->nremoved++;
	return 0;
}

/* Whether scan s linked device id (s->seen is ascending: scan_devices is in device id order). */
static bool saw(const struct vscan *s, int64_t id)
{
	size_t lo = 0, hi = s->nseen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->seen[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nseen && s->seen[lo] == id;
}

static void vrun_free(struct vrun *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->scans[i].started);
		free(v->scans[i].status);
		free(v->scans[i].targets);
		free(v->scans[i].excludes);
		free(v->scans[i].seen);
		cs_targets_free(&v->scans[i].parsed);
	}
	free(v->scans);
	free(v->removed);
}

int cs_programme_verify(struct cs_store *st, unsigned need, bool apply,
			const struct cs_store_actor *a,
			int (*cb)(void *ctx, const struct cs_verify_report *v), void *ctx,
			const char *today, struct cs_err *err)
{
	struct vrun v = {0};
	struct cs_verify_scan *vs = NULL;
	struct cs_stored_device *dev = NULL;
	int r;

	if ((r = cs_store_list_scans(st, vscan_cb, &v, err)) != CS_OK)
		goto out;
	/* Listed newest first; the verifier wants the oldest first. */
	for (size_t i = 0; i < v.n / 2; i++) {
		struct vscan t = v.scans[i];
		v.scans[i] = v.scans[v.n - 1 - i];
		v.scans[v.n - 1 - i] = t;
	}
	for (size_t i = 0; i < v.n; i++)
		if ((r = cs_store_scan_devices(st, v.scans[i].id, vseen_cb, &v.scans[i], err)) !=
		    CS_OK)
			goto out;
	if ((r = cs_store_list_workflow(st, vremoved_cb, &v, err)) != CS_OK)
		goto out;
	if (v.n > 0 && (vs = calloc(v.n, sizeof(*vs))) == NULL) {
		r = CS_ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < v.nremoved; k++) {
		struct cs_verify_report rep = {.device_id = v.removed[k].device_id,
					       .removed_on = v.removed[k].date};
		if ((r = cs_store_get_device(st, rep.device_id, &dev, err)) != CS_OK)
			goto out;
		rep.address = dev->dev.address;
		for (size_t i = 0; i < v.n; i++)
			vs[i] = (struct cs_verify_scan){
				.id = v.scans[i].id,
				.started = v.scans[i].started,
				.status = v.scans[i].status,
				.targets = v.scans[i].targets,
				.excludes = v.scans[i].excludes,
				.saw_device = saw(&v.scans[i], rep.device_id),
				.parsed = v.scans[i].parse_failed ? NULL : &v.scans[i].parsed,
				.parse_failed = v.scans[i].parse_failed,
			};
		if ((r = cs_verify_removed(rep.removed_on, rep.address, vs, v.n, need, &rep.outcome,
					   err)) != CS_OK)
			goto out;
		if (apply && rep.outcome.result == CS_VERIFY_VERIFIED) {
			char evidence[96];
			snprintf(evidence, sizeof(evidence),
				 "absent from %u scans, the last scan %lld", rep.outcome.absent,
				 (long long)rep.outcome.evidence_id);
			const struct cs_workflow w = {
				.device_id = rep.device_id,
				.state = "verified",
				.date = today,
				.evidence = evidence,
			};
			if ((r = cs_store_workflow_set(st, &w, CS_WF_BY_SCANS, a, err)) != CS_OK)
				goto out;
		}
		if (cb != NULL && (r = cb(ctx, &rep)) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
		cs_stored_device_free(dev);
		dev = NULL;
	}
	r = CS_OK;
out:
	if (r == CS_ENOMEM)
		cs_err_set(err, r, "out of memory");
	cs_stored_device_free(dev);
	free(vs);
	vrun_free(&v);
	return r;
}
