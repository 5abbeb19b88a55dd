/*
 * store.c - the backend-independent half of the inventory: choosing a backend, the default
 * path, input caps, timestamps, the merge rules of cs_store_put_device() and the checks of the
 * scan records.
 *
 * The rules live here, not in the backends, so that an inventory merges the same way whether it
 * is a file on a laptop or a PostgreSQL server fed by several scanners. A backend only finds
 * and writes rows inside the transaction opened here (see store_int.h and
 * docs/internals/store.md).
 */
#include "store/store_int.h"

#include "common/buf.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* The backends, tried in order; the first whose accepts() says yes opens the URI. */
static const struct cs_store_backend *const backends[] = {
#ifdef CS_HAVE_LIBPQ
	&cs_store_backend_postgres,
#endif
	&cs_store_backend_sqlite,
};

/* A record loaded by cs_store_get_device() may not use more memory than this. */
enum { OWNED_ARENA_CAP = 256 * 1024 * 1024 };
/* A scan record holds two capped strings and three timestamps; a little slack on top. */
enum { SCAN_ARENA_CAP = 4 * CS_STORE_MAX_FIELD };

const char *cs_store_key_column(enum cs_store_key key)
{
	switch (key) {
	case CS_STORE_KEY_SERIAL: return "serial";
	case CS_STORE_KEY_MAC: return "mac";
	case CS_STORE_KEY_ADDRESS: return "address";
	}
	return "?";
}

static bool is_postgres_uri(const char *uri)
{
	return strncmp(uri, "postgres://", 11) == 0 || strncmp(uri, "postgresql://", 13) == 0;
}

int cs_store_default_path(char **path, struct cs_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	struct cs_buf b;
	int r = CS_EINVAL;

	*path = NULL;
	cs_buf_init(&b, 4096);
	/* The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		r = cs_buf_printf(&b, "%s/camsweep/inventory.db", xdg);
	else if (home != NULL && home[0] != '\0')
		r = cs_buf_printf(&b, "%s/.local/share/camsweep/inventory.db", home);
	else {
		r = cs_err_set(err, CS_EINVAL,
			       "neither XDG_DATA_HOME nor HOME is set: name the inventory with "
			       "--db");
		goto out;
	}
	if (r != CS_OK) {
		r = cs_err_set(err, r, "inventory path too long");
		goto out;
	}
	*path = cs_buf_steal(&b);
	r = *path != NULL ? CS_OK : cs_err_set(err, CS_ENOMEM, "out of memory");
out:
	cs_buf_free(&b);
	return r;
}

/* mkdir -p of the directory part of path; missing directories are created 0700 (XDG). */
static int make_parent_dirs(const char *path, struct cs_err *err)
{
	char *dir = NULL;
	int r = CS_ENOMEM;

	if ((dir = strdup(path)) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir) {
		r = CS_OK;
		goto out;
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			r = cs_err_set(err, CS_EIO, "cannot create %s: %s", dir, strerror(errno));
			goto out;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	r = CS_OK;
out:
	free(dir);
	return r;
}

int cs_store_open(struct cs_store **out, const char *uri, struct cs_err *err)
{
	struct cs_store *st = NULL;
	char *default_path = NULL;
	int r = CS_EINVAL;

	*out = NULL;
	if (uri == NULL || uri[0] == '\0') {
		if ((r = cs_store_default_path(&default_path, err)) != CS_OK)
			goto out;
		if ((r = make_parent_dirs(default_path, err)) != CS_OK)
			goto out;
		uri = default_path;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(backends); i++) {
		if (backends[i]->accepts(uri)) {
			st->backend = backends[i];
			break;
		}
	}
	if (st->backend == NULL) {
		r = is_postgres_uri(uri)
			    ? cs_err_set(err, CS_EUNSUPP, "PostgreSQL backend not built")
			    : cs_err_set(err, CS_EINVAL, "no storage backend accepts this URI");
		goto out;
	}
	if ((r = st->backend->open(st, uri, err)) != CS_OK)
		goto out;
	*out = st;
	st = NULL; /* transferred */
	r = CS_OK;
out:
	free(st); /* a failed open leaves no impl behind */
	free(default_path);
	return r;
}

void cs_store_close(struct cs_store *st)
{
	if (st == NULL)
		return;
	if (st->impl != NULL)
		st->backend->close(st);
	free(st);
}

const char *cs_store_backend_name(const struct cs_store *st)
{
	return st->backend->name;
}

int cs_store_schema_version(struct cs_store *st, int *v)
{
	return st->backend->schema_version(st, v);
}

/* --- records owned by the caller ------------------------------------------------------- */

static void owned_init(struct cs_stored_device_owned *o)
{
	memset(o, 0, sizeof(*o));
	cs_arena_init(&o->arena, OWNED_ARENA_CAP);
}

static void owned_release(struct cs_stored_device_owned *o)
{
	cs_arena_free(&o->arena);
	free(o->evidence);
	free(o->origin);
	free(o->coverage);
}

int cs_store_owned_strdup(struct cs_stored_device_owned *o, const char *s, size_t n,
			  const char **dst)
{
	*dst = NULL;
	if (s == NULL)
		return CS_OK;
	if ((*dst = cs_arena_strdup(&o->arena, cs_sv_make(s, n))) == NULL)
		return CS_ENOMEM;
	return CS_OK;
}

/* Grow a malloc'd array of size-byte elements so that one more fits. */
static int grow(void **arr, size_t *alloc, size_t n, size_t size)
{
	if (n < *alloc)
		return CS_OK;
	size_t want = *alloc != 0 ? *alloc * 2 : 16;
	if (want > SIZE_MAX / size)
		return CS_ENOMEM;
	void *p = realloc(*arr, want * size);
	if (p == NULL)
		return CS_ENOMEM;
	*arr = p;
	*alloc = want;
	return CS_OK;
}

int cs_store_owned_add_evidence(struct cs_stored_device_owned *o, struct cs_evidence **ev,
				struct cs_stored_origin **origin)
{
	size_t alloc = o->evidence_alloc;
	int r;

	/* Both arrays share one capacity; grow them together. */
	if ((r = grow((void **)&o->evidence, &alloc, o->nevidence, sizeof(*o->evidence))) != CS_OK)
		return r;
	if (alloc != o->evidence_alloc) {
		struct cs_stored_origin *p = realloc(o->origin, alloc * sizeof(*o->origin));
		if (p == NULL)
			return CS_ENOMEM; /* evidence grew; harmless, the count is unchanged */
		o->origin = p;
		o->evidence_alloc = alloc;
	}
	*ev = &o->evidence[o->nevidence];
	*origin = &o->origin[o->nevidence];
	memset(*ev, 0, sizeof(**ev));
	memset(*origin, 0, sizeof(**origin));
	o->nevidence++;
	return CS_OK;
}

int cs_store_owned_add_coverage(struct cs_stored_device_owned *o, struct cs_coverage **cov)
{
	int r = grow((void **)&o->coverage, &o->coverage_alloc, o->ncoverage, sizeof(*o->coverage));
	if (r != CS_OK)
		return r;
	*cov = &o->coverage[o->ncoverage++];
	memset(*cov, 0, sizeof(**cov));
	return CS_OK;
}

int cs_store_get_device(struct cs_store *st, int64_t id, struct cs_stored_device **out,
			struct cs_err *err)
{
	struct cs_stored_device_owned *o = NULL;
	int r = CS_ENOMEM;

	*out = NULL;
	if ((o = malloc(sizeof(*o))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	owned_init(o);
	if ((r = st->backend->get(st, id, o, err)) != CS_OK)
		goto out;
	/* The arrays were grown while reading; point the public view at their final place. */
	o->pub.dev.evidence = o->evidence;
	o->pub.dev.nevidence = o->nevidence;
	o->pub.origin = o->origin;
	o->pub.dev.coverage = o->coverage;
	o->pub.dev.ncoverage = o->ncoverage;
	*out = &o->pub;
	o = NULL; /* transferred */
	r = CS_OK;
out:
	if (o != NULL) {
		owned_release(o);
		free(o);
	}
	return r;
}

void cs_stored_device_free(struct cs_stored_device *d)
{
	if (d == NULL)
		return;
	/* pub is the first member, so d is the owned record itself. */
	struct cs_stored_device_owned *o = (struct cs_stored_device_owned *)d;
	owned_release(o);
	free(o);
}

int cs_store_list_devices(struct cs_store *st, const struct cs_device_filter *f,
			  int (*cb)(void *ctx, const struct cs_stored_device *d), void *ctx,
			  struct cs_err *err)
{
	static const struct cs_device_filter all;
	return st->backend->list(st, f != NULL ? f : &all, cb, ctx, err);
}

int cs_store_list_history(struct cs_store *st, int64_t id,
			  int (*cb)(void *ctx, const struct cs_device_change *c), void *ctx,
			  struct cs_err *err)
{
	return st->backend->list_history(st, id, cb, ctx, err);
}

/* --- merging an observation ------------------------------------------------------------ */

static bool known(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/*
 * Serials some devices report when they have none, or that whole product lines share. Merging
 * on them would fold distinct cameras into one record, so they never serve as a merge key.
 */
static bool placeholder_serial(const char *s)
{
	static const char *const junk[] = {
		"unknown",
		"none",
		"null",
		"n/a",
		"default",
		"serial",
		"serialnumber",
		"0123456789",
		"123456789",
		"1234567890",
		"to be filled by o.e.m.",
	};
	size_t n = strlen(s);
	bool all_same = true;

	if (n < 4)
		return true;
	for (size_t i = 1; i < n && all_same; i++)
		all_same = s[i] == s[0];
	if (all_same)
		return true;
	for (size_t i = 0; i < CS_ARRAY_SIZE(junk); i++)
		if (strcasecmp(s, junk[i]) == 0)
			return true;
	return false;
}

static bool placeholder_mac(const char *m)
{
	return strcasecmp(m, "00:00:00:00:00:00") == 0 || strcasecmp(m, "ff:ff:ff:ff:ff:ff") == 0;
}

/* True when s can identify a device by key. */
static bool usable_key(enum cs_store_key key, const char *s)
{
	if (!known(s))
		return false;
	switch (key) {
	case CS_STORE_KEY_SERIAL: return !placeholder_serial(s);
	case CS_STORE_KEY_MAC: return !placeholder_mac(s);
	case CS_STORE_KEY_ADDRESS: return true;
	}
	return false;
}

/* Two values agree when either is unknown or they are equal ignoring ASCII case. */
static bool agree(const char *a, const char *b)
{
	return !known(a) || !known(b) || strcasecmp(a, b) == 0;
}

/* Like agree(), for merge keys: a placeholder is as good as unknown. */
static bool key_agrees(enum cs_store_key key, const char *a, const char *b)
{
	return !usable_key(key, a) || !usable_key(key, b) || strcasecmp(a, b) == 0;
}

static const char *key_value(enum cs_store_key key, const struct cs_device *d)
{
	switch (key) {
	case CS_STORE_KEY_SERIAL: return d->serial;
	case CS_STORE_KEY_MAC: return d->mac;
	case CS_STORE_KEY_ADDRESS: return d->address;
	}
	return NULL;
}

/* Whether record old may be the device that obs observed, found by key. */
static bool compatible(enum cs_store_key key, const struct cs_device *old,
		       const struct cs_device *obs)
{
	switch (key) {
	case CS_STORE_KEY_SERIAL:
		/* Serials are unique per maker and model, not across makers. */
		return agree(old->manufacturer, obs->manufacturer) && agree(old->model, obs->model);
	case CS_STORE_KEY_MAC: return key_agrees(CS_STORE_KEY_SERIAL, old->serial, obs->serial);
	case CS_STORE_KEY_ADDRESS:
		return key_agrees(CS_STORE_KEY_SERIAL, old->serial, obs->serial) &&
		       key_agrees(CS_STORE_KEY_MAC, old->mac, obs->mac) &&
		       agree(old->manufacturer, obs->manufacturer);
	}
	return false;
}

/* State of one candidate search: the first compatible record is copied into found. */
struct match {
	const struct cs_device *obs;
	enum cs_store_key key;
	struct cs_stored_device_owned *found;
	bool hit;
};

static int copy_record(struct cs_stored_device_owned *o, const struct cs_stored_device *d)
{
	struct {
		const char *src;
		const char **dst;
	} strs[] = {
		{d->dev.manufacturer, &o->pub.dev.manufacturer},
		{d->dev.brand, &o->pub.dev.brand},
		{d->dev.model, &o->pub.dev.model},
		{d->dev.firmware, &o->pub.dev.firmware},
		{d->dev.serial, &o->pub.dev.serial},
		{d->dev.mac, &o->pub.dev.mac},
		{d->dev.hardware, &o->pub.dev.hardware},
		{d->dev.address, &o->pub.dev.address},
		{d->dev.basis, &o->pub.dev.basis},
		{d->dev.covered_status, &o->pub.dev.covered_status},
		{d->device_type, &o->pub.device_type},
		{d->first_seen, &o->pub.first_seen},
		{d->last_seen, &o->pub.last_seen},
	};
	o->pub.id = d->id;
	o->pub.dev.type = d->dev.type;
	o->pub.dev.confidence = d->dev.confidence;
	o->pub.dev.covered = d->dev.covered;
	for (size_t i = 0; i < CS_ARRAY_SIZE(strs); i++) {
		const char *s = strs[i].src;
		int r = cs_store_owned_strdup(o, s, s != NULL ? strlen(s) : 0, strs[i].dst);
		if (r != CS_OK)
			return r;
	}
	return CS_OK;
}

static int match_cb(void *ctx, const struct cs_stored_device *d)
{
	struct match *m = ctx;
	int r;

	if (!compatible(m->key, &d->dev, m->obs))
		return 0;
	if ((r = copy_record(m->found, d)) != CS_OK)
		return r;
	m->hit = true;
	return 1;
}

/* The identity fields whose changes are kept in device_history. */
static const struct {
	const char *name;
	size_t off;
} identity_fields[] = {
	{"manufacturer", offsetof(struct cs_device, manufacturer)},
	{"brand", offsetof(struct cs_device, brand)},
	{"model", offsetof(struct cs_device, model)},
	{"firmware", offsetof(struct cs_device, firmware)},
	{"serial", offsetof(struct cs_device, serial)},
	{"mac", offsetof(struct cs_device, mac)},
	{"hardware", offsetof(struct cs_device, hardware)},
	{"address", offsetof(struct cs_device, address)},
};

static const char **field_at(struct cs_device *d, size_t off)
{
	return (const char **)(void *)((char *)d + off);
}

static const char *field_of(const struct cs_device *d, size_t off)
{
	return *(const char *const *)(const void *)((const char *)d + off);
}

/*
 * An observation carries a verdict about the maker when it names one; only then may it replace
 * the stored verdict and coverage.
 */
static bool has_verdict(const struct cs_device *d)
{
	return known(d->manufacturer) || known(d->brand) || known(d->basis);
}

struct put {
	struct cs_store *st;
	const struct cs_device *obs;
	const char *source;
	const char *now;
	struct cs_err *err;
};

static int record_change(struct put *p, int64_t id, const char *field, const char *old,
			 const char *new_value)
{
	const struct cs_device_change c = {
		.device_id = id,
		.at = p->now,
		.field = field,
		.old_value = old,
		.new_value = new_value,
		.source = p->source,
	};
	return p->st->backend->add_change(p->st, &c, p->err);
}

/* Fold the observation into the stored record rec and write it back. */
static int merge_into(struct put *p, struct cs_stored_device_owned *rec)
{
	struct cs_stored_device row = rec->pub;
	const struct cs_device *obs = p->obs;
	int r;

	for (size_t i = 0; i < CS_ARRAY_SIZE(identity_fields); i++) {
		size_t off = identity_fields[i].off;
		const char *nv = field_of(obs, off);
		const char **ov = field_at(&row.dev, off);
		if (!known(nv) || (*ov != NULL && strcmp(*ov, nv) == 0))
			continue; /* nothing new: a NULL never erases what is known */
		if (off == offsetof(struct cs_device, serial) &&
		    !usable_key(CS_STORE_KEY_SERIAL, nv) && usable_key(CS_STORE_KEY_SERIAL, *ov))
			continue; /* a placeholder does not replace a real serial */
		if (off == offsetof(struct cs_device, mac) && !usable_key(CS_STORE_KEY_MAC, nv) &&
		    usable_key(CS_STORE_KEY_MAC, *ov))
			continue;
		if (known(*ov) &&
		    (r = record_change(p, row.id, identity_fields[i].name, *ov, nv)) != CS_OK)
			return r;
		*ov = nv;
	}
	if (obs->type != CS_DT_UNKNOWN && obs->type < CS_DT_COUNT) {
		const char *nt = cs_devtype_name(obs->type);
		const char *ot = row.device_type;
		if (ot == NULL || strcmp(ot, nt) != 0) {
			if (known(ot) && strcmp(ot, cs_devtype_name(CS_DT_UNKNOWN)) != 0 &&
			    (r = record_change(p, row.id, "device_type", ot, nt)) != CS_OK)
				return r;
			row.device_type = nt;
			row.dev.type = obs->type;
		}
	}
	if (has_verdict(obs)) {
		row.dev.confidence = obs->confidence;
		row.dev.basis = obs->basis;
		row.dev.covered = obs->covered;
		row.dev.covered_status = obs->covered_status;
	}
	if ((r = p->st->backend->update_device(p->st, &row, p->now, p->err)) != CS_OK)
		return r;
	if (has_verdict(obs))
		r = p->st->backend->replace_coverage(p->st, row.id, obs->coverage, obs->ncoverage,
						     p->err);
	return r;
}

static int insert_new(struct put *p, int64_t *id)
{
	struct cs_stored_device row;
	int r;

	memset(&row, 0, sizeof(row));
	row.dev = *p->obs;
	row.device_type = cs_devtype_name(p->obs->type);
	if ((r = p->st->backend->insert_device(p->st, &row, p->now, id, p->err)) != CS_OK)
		return r;
	return p->st->backend->replace_coverage(p->st, *id, p->obs->coverage, p->obs->ncoverage,
						p->err);
}

static int check_field(const char *what, const char *s, struct cs_err *err)
{
	if (s != NULL && strnlen(s, CS_STORE_MAX_FIELD + 1) > CS_STORE_MAX_FIELD)
		return cs_err_set(err, CS_ETOOBIG, "%s longer than %d bytes", what,
				  CS_STORE_MAX_FIELD);
	return CS_OK;
}

/* Enforce the caps and the few non-NULL fields before anything is written. */
static int check_input(const struct cs_device *d, const char *source, struct cs_err *err)
{
	int r;

	if (d->nevidence > CS_STORE_MAX_ITEMS || d->ncoverage > CS_STORE_MAX_ITEMS)
		return cs_err_set(err, CS_ETOOBIG, "more than %d evidence or coverage entries",
				  CS_STORE_MAX_ITEMS);
	if ((d->nevidence > 0 && d->evidence == NULL) || (d->ncoverage > 0 && d->coverage == NULL))
		return cs_err_set(err, CS_EINVAL, "evidence or coverage count without entries");
	if ((r = check_field("source", source, err)) != CS_OK)
		return r;
	for (size_t i = 0; i < CS_ARRAY_SIZE(identity_fields); i++)
		if ((r = check_field(identity_fields[i].name, field_of(d, identity_fields[i].off),
				     err)) != CS_OK)
			return r;
	if ((r = check_field("basis", d->basis, err)) != CS_OK ||
	    (r = check_field("covered_status", d->covered_status, err)) != CS_OK)
		return r;
	for (size_t i = 0; i < d->nevidence; i++) {
		const struct cs_evidence *e = &d->evidence[i];
		if (e->value == NULL)
			return cs_err_set(err, CS_EINVAL, "evidence %zu has no value", i);
		if ((r = check_field("evidence value", e->value, err)) != CS_OK ||
		    (r = check_field("evidence source", e->from, err)) != CS_OK ||
		    (r = check_field("evidence implication", e->implies, err)) != CS_OK ||
		    (r = check_field("evidence maker", e->maker, err)) != CS_OK ||
		    (r = check_field("evidence rule", e->rule, err)) != CS_OK)
			return r;
	}
	for (size_t i = 0; i < d->ncoverage; i++) {
		const struct cs_coverage *c = &d->coverage[i];
		if ((r = check_field("coverage policy", c->policy, err)) != CS_OK ||
		    (r = check_field("coverage entity", c->entity, err)) != CS_OK ||
		    (r = check_field("coverage basis", c->basis, err)) != CS_OK ||
		    (r = check_field("coverage via", c->via, err)) != CS_OK ||
		    (r = check_field("coverage status", c->status, err)) != CS_OK)
			return r;
	}
	return CS_OK;
}

/* The current time as ISO 8601 UTC with seconds, e.g. "2024-05-01T12:00:00Z". */
static int now_iso(char *buf, size_t cap, struct cs_err *err)
{
	struct timespec ts;
	struct tm tm;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return cs_err_set(err, CS_EIO, "cannot read the clock");
	return CS_OK;
}

/* The two helpers above, for the programme's half of the store (store_prog.c). */
int cs_store_check_field(const char *what, const char *s, struct cs_err *err)
{
	return check_field(what, s, err);
}

int cs_store_now(char *buf, size_t cap, struct cs_err *err)
{
	return now_iso(buf, cap, err);
}

int cs_store_put_device(struct cs_store *st, const struct cs_device *dev, const char *source,
			int64_t *device_id, struct cs_err *err)
{
	static const enum cs_store_key order[] = {
		CS_STORE_KEY_SERIAL,
		CS_STORE_KEY_MAC,
		CS_STORE_KEY_ADDRESS,
	};
	struct cs_stored_device_owned cand;
	char now[32];
	struct put p = {.st = st, .obs = dev, .source = source, .now = now, .err = err};
	struct match m = {.obs = dev, .found = &cand};
	bool in_tx = false;
	int64_t id = 0;
	int r = CS_EINVAL;

	owned_init(&cand);
	if (dev == NULL) {
		r = cs_err_set(err, CS_EINVAL, "no device");
		goto out;
	}
	if ((r = check_input(dev, source, err)) != CS_OK || (r = now_iso(now, sizeof(now), err)))
		goto out;
	if ((r = st->backend->begin(st, err)) != CS_OK)
		goto out;
	in_tx = true;
	if (st->backend->lock_identity != NULL &&
	    (r = st->backend->lock_identity(st, dev, err)) != CS_OK)
		goto out;
	for (size_t i = 0; i < CS_ARRAY_SIZE(order) && !m.hit; i++) {
		const char *v = key_value(order[i], dev);
		if (!usable_key(order[i], v))
			continue;
		m.key = order[i];
		r = st->backend->find(st, order[i], v, match_cb, &m, err);
		if (r != CS_OK) {
			if (r == CS_ENOMEM)
				cs_err_set(err, r, "out of memory reading a stored device");
			goto out;
		}
	}
	if (m.hit) {
		id = cand.pub.id;
		r = merge_into(&p, &cand);
	} else {
		r = insert_new(&p, &id);
	}
	if (r != CS_OK)
		goto out;
	for (size_t i = 0; i < dev->nevidence; i++)
		if ((r = st->backend->add_evidence(st, id, now, source, &dev->evidence[i], err)) !=
		    CS_OK)
			goto out;
	if ((r = st->backend->commit(st, err)) != CS_OK)
		goto out;
	in_tx = false;
	if (device_id != NULL)
		*device_id = id;
	r = CS_OK;
out:
	if (in_tx)
		st->backend->rollback(st);
	owned_release(&cand);
	return r;
}

/* --- scans ------------------------------------------------------------------------------ */

/* The statuses a scan may have; the same list is a CHECK constraint in every backend. */
static const char *const scan_statuses[] = {"running", "done", "interrupted", "failed"};

static bool scan_status_known(const char *status)
{
	if (status == NULL)
		return false;
	for (size_t i = 0; i < CS_ARRAY_SIZE(scan_statuses); i++)
		if (strcmp(status, scan_statuses[i]) == 0)
			return true;
	return false;
}

int cs_store_scan_begin(struct cs_store *st, struct cs_scan_record *rec, struct cs_err *err)
{
	char now[32];
	int64_t id = 0;
	int r = CS_EINVAL;

	if (rec == NULL || rec->targets == NULL || rec->options == NULL) {
		r = cs_err_set(err, CS_EINVAL, "a scan record needs targets and options");
		goto out;
	}
	if ((r = check_field("scan targets", rec->targets, err)) != CS_OK ||
	    (r = check_field("scan options", rec->options, err)) != CS_OK ||
	    (r = now_iso(now, sizeof(now), err)) != CS_OK)
		goto out;
	if ((r = st->backend->scan_insert(st, rec, now, &id, err)) != CS_OK)
		goto out;
	rec->id = id;
	r = CS_OK;
out:
	return r;
}

int cs_store_scan_update(struct cs_store *st, const struct cs_scan_record *rec, struct cs_err *err)
{
	char now[32];
	bool running;
	int r = CS_EINVAL;

	if (rec == NULL) {
		r = cs_err_set(err, CS_EINVAL, "no scan record");
		goto out;
	}
	if (!scan_status_known(rec->status)) {
		r = cs_err_set(err, CS_EINVAL,
			       "scan status must be running, done, interrupted or failed");
		goto out;
	}
	running = strcmp(rec->status, "running") == 0;
	if ((r = now_iso(now, sizeof(now), err)) != CS_OK)
		goto out;
	r = st->backend->scan_update(st, rec, running ? NULL : now, err);
out:
	return r;
}

int cs_store_scan_link(struct cs_store *st, int64_t scan_id, int64_t device_id, const char *address,
		       const char *ports, struct cs_err *err)
{
	char now[32];
	int r = CS_EINVAL;

	if ((r = check_field("scan address", address, err)) != CS_OK ||
	    (r = check_field("scan ports", ports, err)) != CS_OK ||
	    (r = now_iso(now, sizeof(now), err)) != CS_OK)
		goto out;
	r = st->backend->scan_link(st, scan_id, device_id, address, ports, now, err);
out:
	return r;
}

int cs_store_scan_strdup(struct cs_scan_record_owned *o, const char *s, size_t n, const char **dst)
{
	*dst = NULL;
	if (s == NULL)
		return CS_OK;
	if ((*dst = cs_arena_strdup(&o->arena, cs_sv_make(s, n))) == NULL)
		return CS_ENOMEM;
	return CS_OK;
}

int cs_store_scan_get(struct cs_store *st, int64_t id, struct cs_scan_record **out,
		      struct cs_err *err)
{
	struct cs_scan_record_owned *o = NULL;
	int r = CS_ENOMEM;

	*out = NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	cs_arena_init(&o->arena, SCAN_ARENA_CAP);
	if ((r = st->backend->scan_get(st, id, o, err)) != CS_OK)
		goto out;
	*out = &o->pub;
	o = NULL; /* transferred */
	r = CS_OK;
out:
	cs_scan_record_free(o != NULL ? &o->pub : NULL);
	return r;
}

void cs_scan_record_free(struct cs_scan_record *r)
{
	if (r == NULL)
		return;
	/* pub is the first member, so r is the owned record itself. */
	struct cs_scan_record_owned *o = (struct cs_scan_record_owned *)r;
	cs_arena_free(&o->arena);
	free(o);
}

int cs_store_list_scans(struct cs_store *st, int (*cb)(void *ctx, const struct cs_scan_record *r),
			void *ctx, struct cs_err *err)
{
	return st->backend->scan_list(st, cb, ctx, err);
}

int cs_store_scan_devices(struct cs_store *st, int64_t scan_id,
			  int (*cb)(void *ctx, const struct cs_stored_device *d), void *ctx,
			  struct cs_err *err)
{
	return st->backend->scan_devices(st, scan_id, cb, ctx, err);
}
