/*
 * store_int.h - what a storage backend implements; private to src/store/.
 *
 * store.c owns everything that must behave the same whatever the database: the merge rules,
 * field-by-field updates and history, input caps, timestamps and the default path. A backend
 * (store_sqlite.c, later store_pg.c) only moves rows: it finds candidates, writes rows and reads
 * them back, inside the write transaction store.c opens. Adding a backend means one file that
 * defines one struct cs_store_backend and one line in the table in store.c.
 */
#ifndef CS_STORE_INT_H
#define CS_STORE_INT_H

#include "common/arena.h"
#include "store/store.h"

#include <stdbool.h>

/* How cs_store_put_device() looks for an existing record, in merge order. */
enum cs_store_key {
	CS_STORE_KEY_SERIAL,
	CS_STORE_KEY_MAC,
	CS_STORE_KEY_ADDRESS,
};

struct cs_stored_device_owned;
struct cs_scan_record_owned;

typedef int (*cs_store_device_cb)(void *ctx, const struct cs_stored_device *d);
typedef int (*cs_store_change_cb)(void *ctx, const struct cs_device_change *c);
typedef int (*cs_store_scan_cb)(void *ctx, const struct cs_scan_record *r);

struct cs_store_backend {
	const char *name;
	/* True when this backend handles uri (already resolved: never NULL or ""). */
	bool (*accepts)(const char *uri);
	/* Connect, check and migrate the schema; set st->impl. On failure st->impl stays NULL. */
	int (*open)(struct cs_store *st, const char *uri, struct cs_err *err);
	void (*close)(struct cs_store *st); /* frees st->impl */
	int (*schema_version)(struct cs_store *st, int *v);

	/*
	 * One write transaction per put. begin must exclude other writers that could create the
	 * same device between find and insert: SQLite takes the database write lock (BEGIN
	 * IMMEDIATE); PostgreSQL takes advisory locks on the identity keys in lock_identity.
	 */
	int (*begin)(struct cs_store *st, struct cs_err *err);
	int (*commit)(struct cs_store *st, struct cs_err *err);
	void (*rollback)(struct cs_store *st);
	/* Optional (NULL: nothing to do): lock what dev's serial, MAC and address may match. */
	int (*lock_identity)(struct cs_store *st, const struct cs_device *dev, struct cs_err *err);

	/*
	 * Call cb with each record whose key equals value (ASCII case-insensitive), most recently
	 * seen first; evidence and coverage are not loaded. Same callback rules as list.
	 */
	int (*find)(struct cs_store *st, enum cs_store_key key, const char *value,
		    cs_store_device_cb cb, void *ctx, struct cs_err *err);
	/* Insert row (id, first_seen and last_seen ignored) seen at now; *id gets the new id. */
	int (*insert_device)(struct cs_store *st, const struct cs_stored_device *row,
			     const char *now, int64_t *id, struct cs_err *err);
	/* Overwrite every identity and verdict column of row->id and set last_seen = now. */
	int (*update_device)(struct cs_store *st, const struct cs_stored_device *row,
			     const char *now, struct cs_err *err);
	int (*add_change)(struct cs_store *st, const struct cs_device_change *c,
			  struct cs_err *err);
	int (*add_evidence)(struct cs_store *st, int64_t id, const char *now, const char *source,
			    const struct cs_evidence *ev, struct cs_err *err);
	/* Delete the coverage of id and insert cov[0..n). */
	int (*replace_coverage)(struct cs_store *st, int64_t id, const struct cs_coverage *cov,
				size_t n, struct cs_err *err);

	int (*list)(struct cs_store *st, const struct cs_device_filter *f, cs_store_device_cb cb,
		    void *ctx, struct cs_err *err);
	/* Fill out (see cs_store_owned_*) with record id; CS_ENOTFOUND when absent. */
	int (*get)(struct cs_store *st, int64_t id, struct cs_stored_device_owned *out,
		   struct cs_err *err);
	int (*list_history)(struct cs_store *st, int64_t id, cs_store_change_cb cb, void *ctx,
			    struct cs_err *err);

	/*
	 * Scans. Each call is one atomic statement run outside begin/commit (store.c has already
	 * checked the input and made the timestamps), so a scan's bookkeeping never holds the
	 * write lock that device puts need.
	 */
	/* Insert rec with status "running", started = now, ended NULL; *id gets the new id. */
	int (*scan_insert)(struct cs_store *st, const struct cs_scan_record *rec, const char *now,
			   int64_t *id, struct cs_err *err);
	/* Write status, the counts and resume_pos of rec->id, and ended (NULL: none);
	 * CS_ENOTFOUND when there is no such scan. */
	int (*scan_update)(struct cs_store *st, const struct cs_scan_record *rec, const char *ended,
			   struct cs_err *err);
	/* Upsert the (scan_id, device_id) link; a NULL address or ports keeps the stored value.
	 * CS_ENOTFOUND when the scan or the device does not exist. */
	int (*scan_link)(struct cs_store *st, int64_t scan_id, int64_t device_id,
			 const char *address, const char *ports, const char *now,
			 struct cs_err *err);
	/* Fill out (strings via cs_store_scan_strdup) with scan id; CS_ENOTFOUND when absent. */
	int (*scan_get)(struct cs_store *st, int64_t id, struct cs_scan_record_owned *out,
			struct cs_err *err);
	/* Newest (highest id) first. Same callback rules as list. */
	int (*scan_list)(struct cs_store *st, cs_store_scan_cb cb, void *ctx, struct cs_err *err);
	/* Devices linked to scan_id in id order, with address, scan_ports and scan_seen_at from
	 * the link. Same callback rules as list. */
	int (*scan_devices)(struct cs_store *st, int64_t scan_id, cs_store_device_cb cb, void *ctx,
			    struct cs_err *err);
	/*
	 * The removal programme (schema 3). Writes run inside begin/commit, opened by
	 * store_prog.c, which also checks every field, the workflow transitions and writes the
	 * audit rows; the backend only moves rows.
	 */
	/* Insert s (no networks); *id gets the id. CS_EINVAL when the name is taken. */
	int (*site_insert)(struct cs_store *st, const struct cs_site *s, const char *now,
			   int64_t *id, struct cs_err *err);
	/* Overwrite name, operator, sensitivity and criterion of s->id. CS_EINVAL: name taken. */
	int (*site_update)(struct cs_store *st, const struct cs_site *s, struct cs_err *err);
	/* Replace the networks of site_id with n[0..nn). */
	int (*site_set_networks)(struct cs_store *st, int64_t site_id,
				 const struct cs_site_network *n, size_t nn, struct cs_err *err);
	/* Sites (with their networks) in id order; name non-NULL: only that one (NOCASE). */
	int (*site_list)(struct cs_store *st, const char *name, cs_store_site_cb cb, void *ctx,
			 struct cs_err *err);
	/* Attach device_id to site_id by hand, or detach (site_id 0). CS_ENOTFOUND: no device. */
	int (*attach)(struct cs_store *st, int64_t device_id, int64_t site_id, const char *now,
		      struct cs_err *err);
	int (*attach_list)(struct cs_store *st,
			   int (*cb)(void *ctx, int64_t device_id, int64_t site_id), void *ctx,
			   struct cs_err *err);
	/* cb once with the current state of device_id; not called when there is none. */
	int (*workflow_get)(struct cs_store *st, int64_t device_id, cs_store_workflow_cb cb,
			    void *ctx, struct cs_err *err);
	/* Upsert the current state of w->device_id (updated = now) and append one event.
	 * CS_ENOTFOUND when the device does not exist. */
	int (*workflow_put)(struct cs_store *st, const struct cs_workflow *w, const char *now,
			    struct cs_err *err);
	int (*workflow_list)(struct cs_store *st, cs_store_workflow_cb cb, void *ctx,
			     struct cs_err *err);
	int (*workflow_events)(struct cs_store *st, cs_store_workflow_cb cb, void *ctx,
			       struct cs_err *err);
	int (*audit_add)(struct cs_store *st, const struct cs_audit_entry *e, struct cs_err *err);
	int (*audit_list)(struct cs_store *st, const char *object,
			  int (*cb)(void *ctx, const struct cs_audit_entry *e), void *ctx,
			  struct cs_err *err);
	/* CS_EINVAL when the name is taken. */
	int (*milestone_insert)(struct cs_store *st, const struct cs_milestone *m, const char *now,
				int64_t *id, struct cs_err *err);
	int (*milestone_list)(struct cs_store *st,
			      int (*cb)(void *ctx, const struct cs_milestone *m), void *ctx,
			      struct cs_err *err);
	int (*regressions)(struct cs_store *st, int (*cb)(void *ctx, const struct cs_regression *g),
			   void *ctx, struct cs_err *err);
};

struct cs_store {
	const struct cs_store_backend *backend;
	void *impl; /* the backend's connection state */
};

/*
 * A record returned by cs_store_get_device(): strings live in the arena, the arrays are
 * malloc'd and grown by the helpers below. pub comes first so that a pointer to it is a pointer
 * to the whole.
 */
struct cs_stored_device_owned {
	struct cs_stored_device pub;
	struct cs_arena arena;
	struct cs_evidence *evidence;
	struct cs_stored_origin *origin;
	size_t nevidence, evidence_alloc;
	struct cs_coverage *coverage;
	size_t ncoverage, coverage_alloc;
};

/* Copy of s (n bytes) in o's arena; *dst is NULL when s is NULL. CS_ENOMEM over the cap. */
int cs_store_owned_strdup(struct cs_stored_device_owned *o, const char *s, size_t n,
			  const char **dst);
/* Append a zeroed entry; *ev and *origin point at it (valid until the next append). */
int cs_store_owned_add_evidence(struct cs_stored_device_owned *o, struct cs_evidence **ev,
				struct cs_stored_origin **origin);
int cs_store_owned_add_coverage(struct cs_stored_device_owned *o, struct cs_coverage **cov);

/* A scan returned by cs_store_scan_get(): strings live in the arena; pub comes first. */
struct cs_scan_record_owned {
	struct cs_scan_record pub;
	struct cs_arena arena;
};

/* Copy of s (n bytes) in o's arena; *dst is NULL when s is NULL. CS_ENOMEM over the cap. */
int cs_store_scan_strdup(struct cs_scan_record_owned *o, const char *s, size_t n, const char **dst);

/* The current time as ISO 8601 UTC with seconds into buf (at least 21 bytes). */
int cs_store_now(char *buf, size_t cap, struct cs_err *err);
/* CS_ETOOBIG (naming what) when s is longer than CS_STORE_MAX_FIELD; NULL is fine. */
int cs_store_check_field(const char *what, const char *s, struct cs_err *err);

/* Column names of the keys (also the history field names). */
const char *cs_store_key_column(enum cs_store_key key);

extern const struct cs_store_backend cs_store_backend_sqlite;
#ifdef CS_HAVE_LIBPQ
extern const struct cs_store_backend cs_store_backend_postgres;
#endif

#endif
