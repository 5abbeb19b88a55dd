/*
 * scandiff.c - comparing two scans of the inventory (scandiff.h).
 *
 * Each scan's devices are copied out of the store callbacks (their strings die with the
 * callback), merged by device id, and for devices in both scans each field is rebuilt as of
 * each sighting from the device's history: the value of a field at time T is the old value of
 * the first change made after T, or the current value when none was.
 */
#include "history/scandiff.h"

#include "scan/targets.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const fields[CS_DIFF_NFIELDS] = {CS_DIFF_FIELDS};

enum { DIFF_STRINGS_CAP = 512 * 1024 * 1024 };

const char *cs_diff_kind_name(enum cs_diff_kind k)
{
	switch (k) {
	case CS_DIFF_NEW: return "new";
	case CS_DIFF_GONE: return "gone";
	case CS_DIFF_CHANGED: return "changed";
	case CS_DIFF_UNSEEN: break;
	}
	return "unseen";
}

/* One device as one scan saw it. */
struct sighting {
	int64_t id;
	const char *seen_at;
	const char *values[CS_DIFF_NFIELDS];
};

struct side {
	struct cs_arena *arena;
	struct sighting *v;
	size_t n, alloc;
	int r;
};

static const char *dup(struct cs_arena *a, const char *s, int *r)
{
	if (s == NULL)
		return NULL;
	char *p = cs_arena_strdup(a, cs_sv_cstr(s));
	if (p == NULL)
		*r = CS_ENOMEM;
	return p;
}

static int collect(void *ctx, const struct cs_stored_device *d)
{
	struct side *s = ctx;
	int r = CS_OK;
	if (s->n == s->alloc) {
		size_t want = s->alloc != 0 ? s->alloc * 2 : 64;
		void *p = reallocarray(s->v, want, sizeof(*s->v));
		if (p == NULL)
			return CS_ENOMEM;
		s->v = p;
		s->alloc = want;
	}
	struct sighting *g = &s->v[s->n];
	const char *cur[CS_DIFF_NFIELDS] = {
		d->dev.address, d->dev.manufacturer, d->dev.brand,
		d->dev.model,	d->dev.firmware,     d->dev.serial,
		d->dev.mac,	d->dev.hardware,     d->device_type,
	};
	g->id = d->id;
	g->seen_at = dup(s->arena, d->scan_seen_at, &r);
	for (size_t i = 0; i < CS_DIFF_NFIELDS; i++)
		g->values[i] =
			dup(s->arena, cur[i] != NULL && cur[i][0] != '\0' ? cur[i] : NULL, &r);
	if (r != CS_OK)
		return r;
	s->n++;
	return 0;
}

/* History of one device, to rebuild its fields as of a time. */
struct hist {
	struct cs_arena *arena;
	struct {
		const char *at, *field, *old;
	} * v;
	size_t n, alloc;
};

static int collect_change(void *ctx, const struct cs_device_change *c)
{
	struct hist *h = ctx;
	int r = CS_OK;
	if (h->n == h->alloc) {
		size_t want = h->alloc != 0 ? h->alloc * 2 : 16;
		void *p = reallocarray(h->v, want, sizeof(*h->v));
		if (p == NULL)
			return CS_ENOMEM;
		h->v = p;
		h->alloc = want;
	}
	h->v[h->n].at = dup(h->arena, c->at, &r);
	h->v[h->n].field = dup(h->arena, c->field, &r);
	h->v[h->n].old = dup(h->arena, c->old_value, &r);
	if (r != CS_OK)
		return r;
	h->n++;
	return 0;
}

/* The value of field i as of time t (ISO 8601 UTC text sorts as time). */
static const char *as_of(const struct hist *h, size_t i, const char *current, const char *t)
{
	if (t == NULL)
		return current;
	for (size_t k = 0; k < h->n; k++) /* oldest first: the first change after t */
		if (strcmp(h->v[k].field, fields[i]) == 0 && strcmp(h->v[k].at, t) > 0)
			return h->v[k].old;
	return current;
}

static bool same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Parse rec's targets and exclusions into t; false when they cannot be read. */
static bool load_targets(const struct cs_scan_record *rec, struct cs_targets *t)
{
	struct cs_err err;
	bool ok = true;
	cs_targets_init(t);
	if (rec->targets == NULL)
		return false;
	for (const char *p = rec->targets; ok && *p != '\0';) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		const char *sp = strchr(p, ' ');
		size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p);
		char *spec = strndup(p, n);
		if (spec == NULL)
			return false;
		int r = strncmp(spec, "-iL:", 4) == 0 ? cs_targets_add_file(t, spec + 4, &err)
						      : cs_targets_add(t, spec, &err);
		free(spec);
		ok = r == CS_OK;
		p += n;
	}
	if (ok && rec->options != NULL) {
		json_error_t je;
		json_t *j = json_loads(rec->options, 0, &je);
		const char *ex =
			j != NULL ? json_string_value(json_object_get(j, "exclude")) : NULL;
		if (ex != NULL && ex[0] != '\0')
			ok = cs_targets_exclude(t, ex, &err) == CS_OK;
		json_decref(j);
	}
	return ok;
}

/* 1 in, 0 out, -1 cannot say. */
static int contains(const struct cs_targets *t, bool known, const char *addr)
{
	struct in_addr in;
	if (!known || addr == NULL || inet_pton(AF_INET, addr, &in) != 1)
		return -1;
	return cs_targets_contains(t, ntohl(in.s_addr)) ? 1 : 0;
}

int cs_scan_targets_contain(const struct cs_scan_record *rec, const char *addr)
{
	struct cs_targets t;
	bool known = load_targets(rec, &t);
	int r = contains(&t, known, addr);
	cs_targets_free(&t);
	return r;
}

static int cmp_sighting(const void *a, const void *b)
{
	const struct sighting *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static struct cs_diff_entry *add_entry(struct cs_scan_diff *d, size_t *alloc, int *r)
{
	if (d->n == *alloc) {
		size_t want = *alloc != 0 ? *alloc * 2 : 64;
		void *p = reallocarray(d->v, want, sizeof(*d->v));
		if (p == NULL) {
			*r = CS_ENOMEM;
			return NULL;
		}
		d->v = p;
		*alloc = want;
	}
	struct cs_diff_entry *e = &d->v[d->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* Why scan b cannot be expected to have seen an address, or NULL when it covered it. */
static const char *not_covered(const struct cs_scan_record *b, int in)
{
	if (strcmp(b->status, "done") != 0)
		return "the later scan did not complete";
	if (b->nshards > 1)
		return "the later scan was one shard of several";
	if (in < 0)
		return "the later scan's targets cannot be read, or the address is not IPv4";
	if (in == 0)
		return "the address is outside the later scan's targets";
	return NULL;
}

static int kind_order(const void *a, const void *b)
{
	const struct cs_diff_entry *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->device_id < y->device_id ? -1 : x->device_id > y->device_id;
}

int cs_scan_diff(struct cs_store *st, int64_t a, int64_t b, struct cs_scan_diff *out,
		 struct cs_err *err)
{
	struct side sa = {0}, sb = {0};
	struct hist h = {0};
	struct cs_targets ta, tb;
	size_t alloc = 0;
	int r;

	memset(out, 0, sizeof(*out));
	cs_arena_init(&out->strings, DIFF_STRINGS_CAP);
	cs_targets_init(&ta);
	cs_targets_init(&tb);
	sa.arena = sb.arena = h.arena = &out->strings;
	if ((r = cs_store_scan_get(st, a, &out->a, err)) != CS_OK ||
	    (r = cs_store_scan_get(st, b, &out->b, err)) != CS_OK)
		goto out;
	if ((r = cs_store_scan_devices(st, a, collect, &sa, err)) != CS_OK ||
	    (r = cs_store_scan_devices(st, b, collect, &sb, err)) != CS_OK)
		goto out;
	if (sa.n > 1)
		qsort(sa.v, sa.n, sizeof(*sa.v), cmp_sighting);
	if (sb.n > 1)
		qsort(sb.v, sb.n, sizeof(*sb.v), cmp_sighting);
	out->in_a = sa.n;
	out->in_b = sb.n;
	out->a_targets_known = load_targets(out->a, &ta);
	out->b_targets_known = load_targets(out->b, &tb);

	size_t i = 0, j = 0;
	r = CS_OK;
	while ((i < sa.n || j < sb.n) && r == CS_OK) {
		const struct sighting *x = i < sa.n ? &sa.v[i] : NULL;
		const struct sighting *y = j < sb.n ? &sb.v[j] : NULL;
		struct cs_diff_entry *e;
		if (y == NULL || (x != NULL && x->id < y->id)) {
			/* Seen before, not after. */
			int in = contains(&tb, out->b_targets_known, x->values[0]);
			const char *why = not_covered(out->b, in);
			if ((e = add_entry(out, &alloc, &r)) == NULL)
				break;
			e->kind = why == NULL ? CS_DIFF_GONE : CS_DIFF_UNSEEN;
			e->device_id = x->id;
			memcpy(e->values, x->values, sizeof(e->values));
			e->reason = why != NULL
					    ? why
					    : "not seen by the later scan, whose targets include "
					      "its address";
			i++;
			continue;
		}
		if (x == NULL || y->id < x->id) {
			int in = contains(&ta, out->a_targets_known, y->values[0]);
			if ((e = add_entry(out, &alloc, &r)) == NULL)
				break;
			e->kind = CS_DIFF_NEW;
			e->device_id = y->id;
			memcpy(e->values, y->values, sizeof(e->values));
			if (in != 1)
				e->reason = in == 0 ? "the address was outside the earlier scan's "
						      "targets"
						    : "the earlier scan's targets cannot be read";
			j++;
			continue;
		}
		/* In both: rebuild each field as of each sighting. */
		h.n = 0;
		if ((r = cs_store_list_history(st, x->id, collect_change, &h, err)) != CS_OK)
			break;
		const char *before[CS_DIFF_NFIELDS], *after[CS_DIFF_NFIELDS];
		size_t nch = 0;
		for (size_t f = 0; f < CS_DIFF_NFIELDS; f++) {
			/* The address is the one each scan recorded, not history's. */
			before[f] = f == 0 ? x->values[0] : as_of(&h, f, y->values[f], x->seen_at);
			after[f] = f == 0 ? y->values[0] : as_of(&h, f, y->values[f], y->seen_at);
			nch += !same(before[f], after[f]);
		}
		if (nch == 0) {
			out->unchanged++;
		} else if ((e = add_entry(out, &alloc, &r)) != NULL) {
			e->kind = CS_DIFF_CHANGED;
			e->device_id = y->id;
			memcpy(e->values, after, sizeof(e->values));
			for (size_t f = 0; f < CS_DIFF_NFIELDS; f++) {
				if (same(before[f], after[f]))
					continue;
				e->changes[e->nchanges].field = fields[f];
				e->changes[e->nchanges].before = before[f];
				e->changes[e->nchanges].after = after[f];
				e->nchanges++;
			}
		}
		i++, j++;
	}
	if (r != CS_OK) {
		if (err != NULL && err->msg[0] == '\0')
			cs_err_set(err, r, "diff: %s", cs_strerror(r));
		goto out;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), kind_order);
out:
	free(sa.v);
	free(sb.v);
	free(h.v);
	cs_targets_free(&ta);
	cs_targets_free(&tb);
	if (r != CS_OK)
		cs_scan_diff_free(out);
	return r;
}

void cs_scan_diff_free(struct cs_scan_diff *d)
{
	if (d == NULL)
		return;
	cs_scan_record_free(d->a);
	cs_scan_record_free(d->b);
	free(d->v);
	cs_arena_free(&d->strings);
	memset(d, 0, sizeof(*d));
}

struct latest {
	int64_t ids[2];
	int n;
};

static int pick_done(void *ctx, const struct cs_scan_record *rec)
{
	struct latest *l = ctx;
	if (strcmp(rec->status, "done") != 0)
		return 0;
	l->ids[l->n++] = rec->id;
	return l->n == 2;
}

int cs_scan_diff_latest_pair(struct cs_store *st, int64_t *a, int64_t *b, struct cs_err *err)
{
	struct latest l = {{0, 0}, 0};
	int r = cs_store_list_scans(st, pick_done, &l, err);
	if (r != CS_OK)
		return r;
	if (l.n < 2)
		return cs_err_set(err, CS_ENOTFOUND,
				  "the inventory has %d completed scan%s; diff needs two (or give "
				  "two scan ids)",
				  l.n, l.n == 1 ? "" : "s");
	*a = l.ids[1]; /* newest first: the second is the older */
	*b = l.ids[0];
	return CS_OK;
}
