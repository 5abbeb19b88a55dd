/*
 * context.c - the inventory's view of a device's site, network and workflow state
 * (findings_ctx.h): loaded once per run, then one lookup per device.
 */
#include "findings/findings_ctx.h"

#include "programme/estate.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct site_info {
	int64_t id;
	const char *name, *criterion;
	bool sensitive;
};

struct wf_info {
	int64_t device_id;
	enum cs_wf_state state;
	const char *date, *expires;
};

struct cs_findings_source {
	struct cs_estate estate;
	struct site_info *sites; /* parallel to estate.sites */
	struct wf_info *wf;	 /* device id order (the store lists them so) */
	size_t nwf, awf;
	struct cs_arena strings;
};

static int on_site(void *ctx, const struct cs_site *s)
{
	struct cs_findings_source *src = ctx;
	for (size_t i = 0; i < src->estate.nsites; i++) {
		if (src->estate.sites[i].id != s->id)
			continue;
		struct site_info *si = &src->sites[i];
		si->id = s->id;
		si->name = cs_arena_strdup(&src->strings, cs_sv_cstr(s->name));
		si->sensitive = s->sensitivity != NULL && strcmp(s->sensitivity, "sensitive") == 0;
		si->criterion = s->criterion != NULL
					? cs_arena_strdup(&src->strings, cs_sv_cstr(s->criterion))
					: NULL;
		if (si->name == NULL || (s->criterion != NULL && si->criterion == NULL))
			return CS_ENOMEM;
	}
	return 0;
}

static int on_workflow(void *ctx, const struct cs_workflow *w)
{
	struct cs_findings_source *src = ctx;
	enum cs_wf_state state;
	if (cs_wf_lookup(w->state, &state) != CS_OK)
		return 0; /* a state this build does not know: judged as identified */
	if (src->nwf == src->awf) {
		size_t want = src->awf != 0 ? src->awf * 2 : 64;
		void *p = reallocarray(src->wf, want, sizeof(*src->wf));
		if (p == NULL)
			return CS_ENOMEM;
		src->wf = p;
		src->awf = want;
	}
	struct wf_info *wi = &src->wf[src->nwf++];
	wi->device_id = w->device_id;
	wi->state = state;
	wi->date = w->date != NULL ? cs_arena_strdup(&src->strings, cs_sv_cstr(w->date)) : NULL;
	wi->expires =
		w->expires != NULL ? cs_arena_strdup(&src->strings, cs_sv_cstr(w->expires)) : NULL;
	return (w->date != NULL && wi->date == NULL) || (w->expires != NULL && wi->expires == NULL)
		       ? CS_ENOMEM
		       : 0;
}

static int cmp_wf(const void *a, const void *b)
{
	int64_t x = ((const struct wf_info *)a)->device_id,
		y = ((const struct wf_info *)b)->device_id;
	return (x > y) - (x < y);
}

int cs_findings_source_open(struct cs_findings_source **out, struct cs_store *st,
			    struct cs_err *err)
{
	struct cs_findings_source *src = calloc(1, sizeof(*src));
	int r;
	if (src == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	cs_arena_init(&src->strings, 64 << 20);
	if ((r = cs_estate_load(&src->estate, st, err)) != CS_OK)
		goto out;
	if (src->estate.nsites > 0 &&
	    (src->sites = calloc(src->estate.nsites, sizeof(*src->sites))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = cs_store_list_sites(st, on_site, src, err)) != CS_OK ||
	    (r = cs_store_list_workflow(st, on_workflow, src, err)) != CS_OK) {
		if (r == CS_ENOMEM)
			cs_err_set(err, r, "out of memory");
		goto out;
	}
	if (src->nwf > 1)
		qsort(src->wf, src->nwf, sizeof(*src->wf), cmp_wf);
	*out = src;
	src = NULL; /* transferred */
	r = CS_OK;
out:
	cs_findings_source_free(src);
	return r;
}

void cs_findings_source_free(struct cs_findings_source *src)
{
	if (src == NULL)
		return;
	cs_estate_free(&src->estate);
	free(src->sites);
	free(src->wf);
	cs_arena_free(&src->strings);
	free(src);
}

static const struct wf_info *find_wf(const struct cs_findings_source *src, int64_t id)
{
	size_t lo = 0, hi = src->nwf;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (src->wf[mid].device_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < src->nwf && src->wf[lo].device_id == id ? &src->wf[lo] : NULL;
}

int cs_findings_context_for(struct cs_findings_source *src, const struct cs_stored_device *d,
			    int today, struct cs_findings_context *ctx, struct cs_err *err)
{
	(void)err;
	memset(ctx, 0, sizeof(*ctx));
	ctx->net_class = CS_NET_UNKNOWN;
	ctx->state = CS_WF_IDENTIFIED;
	ctx->last_seen = d->last_seen;
	ctx->today = today;

	bool by_hand = false, core = false;
	long si = cs_estate_site_of(&src->estate, d->id, d->dev.address, &by_hand, &core);
	if (si >= 0 && (size_t)si < src->estate.nsites) {
		const struct site_info *s = &src->sites[si];
		ctx->site = s->name;
		ctx->site_sensitive = s->sensitive;
		ctx->site_criterion = s->criterion;
		/* A hand attachment says where the device is, not which network it is on. */
		if (!by_hand)
			ctx->net_class = core ? CS_NET_CORE : CS_NET_SEGREGATED;
	}
	const struct wf_info *w = find_wf(src, d->id);
	if (w != NULL) {
		ctx->state = w->state;
		ctx->state_since = w->date;
		if (w->state == CS_WF_EXEMPT)
			ctx->exempt_until = w->expires;
		/* Seen on a later day than the state took effect (dates compare as text). */
		ctx->seen_after_state = w->date != NULL && d->last_seen != NULL &&
					strlen(d->last_seen) >= 10 &&
					strncmp(d->last_seen, w->date, 10) > 0;
	}
	return CS_OK;
}

int cs_findings_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
