/*
 * store.h - the inventory: the one interface through which camsweep persists devices.
 *
 * Identification produces a struct cs_device per observation; the store merges observations of
 * the same physical device into one inventory record (by serial, then MAC, then address), keeps
 * the evidence of every observation, the current policy coverage and a history of changed
 * identity fields. It also records each scan (its targets, options, progress and outcome) and
 * which devices each scan saw. Commands (identify, scan, devices) talk only to this header; the backend
 * (SQLite today, PostgreSQL later) is chosen by the URI given to cs_store_open() and lives
 * behind the vtable in store_int.h. No SQL leaves src/store/.
 *
 * Conventions: functions return 0 or a negative CS_E* code with detail in *err (err may be
 * NULL). Strings handed to callbacks are owned by the store and valid only during the call;
 * objects returned through an out-parameter say who frees them.
 * A struct cs_store is not thread-safe: use one per thread (each opens its own connection).
 */
#ifndef CS_STORE_H
#define CS_STORE_H

#include "common/err.h"
#include "ident/device.h"
#include "programme/programme.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * The logical schema version this build reads and writes. Every backend has exactly this many
 * migrations. A database whose version is higher was written by a newer camsweep and is
 * refused rather than misread.
 */
#define CS_STORE_SCHEMA_VERSION 3

/* Longest string the store accepts in any field (device strings are capped, not truncated). */
#define CS_STORE_MAX_FIELD (64 * 1024)
/* Most evidence or coverage entries accepted in one cs_store_put_device() call. */
#define CS_STORE_MAX_ITEMS 4096

struct cs_store;

/* Which devices cs_store_list_devices() reports; a zeroed filter means "all". */
struct cs_device_filter {
	bool covered_only;	  /* only devices whose current verdict is "covered" */
	const char *manufacturer; /* only this manufacturer (ASCII case-insensitive), or NULL */
};

/* Where and when one stored evidence entry was recorded (parallel to dev.evidence). */
struct cs_stored_origin {
	const char *seen_at; /* ISO 8601 UTC, e.g. "2024-05-01T12:00:00Z" */
	const char *source;  /* as given to cs_store_put_device(), may be NULL */
	const char *signal;  /* signal name as stored; dev.evidence[i].signal is CS_SIG_COUNT
				when this build does not know the name */
};

/* One inventory record. */
struct cs_stored_device {
	int64_t id;
	/*
	 * The merged identity and the current verdict. dev.type is CS_DT_UNKNOWN when the stored
	 * type name is unknown to this build; device_type always holds the stored name.
	 * possible_makers is not persisted (npossible is 0).
	 */
	struct cs_device dev;
	const char *device_type; /* e.g. "camera" */
	const char *first_seen;	 /* ISO 8601 UTC */
	const char *last_seen;	 /* ISO 8601 UTC */
	/* Only filled by cs_store_get_device(); NULL in list callbacks. */
	const struct cs_stored_origin *origin;
	/*
	 * Only filled in cs_store_scan_devices() callbacks (NULL elsewhere): the ports and the
	 * time of the last sighting in that scan. There dev.address is the address as seen in
	 * that scan, not the device's current one.
	 */
	const char *scan_ports;
	const char *scan_seen_at;
};

/* One change of an identity field recorded when an observation was merged. */
struct cs_device_change {
	int64_t device_id;
	const char *at;	       /* ISO 8601 UTC */
	const char *field;     /* "manufacturer", "model", "firmware", "device_type", ... */
	const char *old_value; /* never NULL: a filled field is not a change */
	const char *new_value; /* never NULL */
	const char *source;    /* the source of the observation that changed it, may be NULL */
};

/*
 * Open (creating or migrating as needed) the inventory named by uri:
 *   NULL or ""            the default path (cs_store_default_path), directories created 0700
 *   postgres://... or postgresql://...   PostgreSQL (CS_EUNSUPP until that backend is built)
 *   anything else         the path of an SQLite database file
 * A database written by a newer camsweep, or an SQLite file camsweep did not create, is refused
 * with CS_ESTORE and a message saying why. On success the caller must cs_store_close(*out).
 */
int cs_store_open(struct cs_store **out, const char *uri, struct cs_err *err);

/* Close the store and free everything it owns; NULL is a no-op. */
void cs_store_close(struct cs_store *st);

/*
 * The default inventory path: $XDG_DATA_HOME/camsweep/inventory.db when XDG_DATA_HOME is an
 * absolute path, else $HOME/.local/share/camsweep/inventory.db. Creates nothing.
 * Caller must free *path.
 */
int cs_store_default_path(char **path, struct cs_err *err);

/* Name of the backend in use: "sqlite" or "postgres". Static string. */
const char *cs_store_backend_name(const struct cs_store *st);

/*
 * Record one identification of a device, observed now, in one transaction.
 *
 * The observation is merged into an existing record, trying in this order:
 *   1. the same serial, when manufacturer and model are equal or unknown on either side;
 *   2. the same MAC, when the serials do not conflict;
 *   3. the same address, when neither serial nor MAC conflicts and the manufacturers are
 *      equal or unknown (a different maker at an old address is a replacement, not an update).
 * Placeholder serials and MACs ("0", "unknown", 00:00:00:00:00:00, ...) are stored but never
 * used to merge. On a merge, last_seen is updated, fields that were NULL are filled, identity
 * fields that changed are updated with a device_history row each, and a NULL in the new
 * observation never erases a known value. The verdict (confidence, basis, covered,
 * covered_status and the coverage set, which is replaced as a whole) is taken from the new
 * observation only when it names a manufacturer or brand, so a sighting that only saw a MAC
 * never un-covers a device. The observation's evidence is always appended.
 *
 * source is free text saying where the observation came from ("identify:capture.txt",
 * "scan:42"); it may be NULL. *device_id (if device_id is not NULL) receives the record's id.
 */
int cs_store_put_device(struct cs_store *st, const struct cs_device *dev, const char *source,
			int64_t *device_id, struct cs_err *err);

/*
 * Call cb for each device matching f (NULL: all), in id order. dev.evidence and dev.coverage are
 * not loaded (use cs_store_get_device). The record and its strings are valid only during the
 * call. cb returns 0 to go on, a positive value to stop early (the function then returns 0), or
 * a negative CS_E* code to abort (returned as is). cb must not modify the store.
 * When this function fails before the first row, cb is never called.
 */
int cs_store_list_devices(struct cs_store *st, const struct cs_device_filter *f,
			  int (*cb)(void *ctx, const struct cs_stored_device *d), void *ctx,
			  struct cs_err *err);

/*
 * Load one record with all its evidence (oldest first, with origin) and its current coverage.
 * CS_ENOTFOUND when there is no such id. Caller must free *out with cs_stored_device_free().
 */
int cs_store_get_device(struct cs_store *st, int64_t id, struct cs_stored_device **out,
			struct cs_err *err);

/* Free a record returned by cs_store_get_device(); NULL is a no-op. */
void cs_stored_device_free(struct cs_stored_device *d);

/*
 * Call cb for each recorded change of device id, oldest first (same callback rules as
 * cs_store_list_devices).
 */
int cs_store_list_history(struct cs_store *st, int64_t id,
			  int (*cb)(void *ctx, const struct cs_device_change *c), void *ctx,
			  struct cs_err *err);

/* --- scans ------------------------------------------------------------------------------ */

/*
 * One scan: what was asked for and how far it got. A scan that stops early (signal, crash) can
 * be resumed from resume_pos. Counts are whatever the scanner reports; the store does not
 * interpret them. uint64_t values round-trip exactly (backends with signed 64-bit integers
 * store the bit pattern, so values >= 2^63 look negative to someone reading the SQL directly).
 */
struct cs_scan_record {
	int64_t id;
	const char *started, *ended; /* ISO 8601 UTC, set by the store; ended NULL while running */
	const char *status;	     /* "running", "done", "interrupted", "failed" */
	const char *targets;	     /* the target specification as the user gave it */
	const char *options;	     /* the options, as a JSON object (caller-made, stored as is) */
	unsigned shard, nshards;     /* as the scanner numbers them (camsweep: 1-based) */
	uint64_t seed, addresses, done, live, devices, covered, resume_pos;
};

/*
 * Record the start of a scan: inserts rec with status "running", started = now, ended NULL;
 * rec->status, rec->started and rec->ended are ignored. targets and options must not be NULL
 * (CS_EINVAL) and are capped at CS_STORE_MAX_FIELD (CS_ETOOBIG). On success only rec->id is
 * written.
 */
int cs_store_scan_begin(struct cs_store *st, struct cs_scan_record *rec, struct cs_err *err);

/*
 * Write the progress of scan rec->id: status, addresses, done, live, devices, covered and
 * resume_pos (started, targets, options, shard, nshards and seed are fixed at begin and not
 * rewritten). ended becomes now when status is not "running", and NULL when it is (a resumed
 * scan is running again). CS_EINVAL for an unknown status, CS_ENOTFOUND for an unknown id.
 */
int cs_store_scan_update(struct cs_store *st, const struct cs_scan_record *rec, struct cs_err *err);

/*
 * Record that scan scan_id saw device device_id (from cs_store_put_device) at address with
 * ports (free text, e.g. "80,554"; both may be NULL), now. Seeing the device again in the same
 * scan updates address, ports and seen_at; a NULL address or ports keeps the earlier value.
 * CS_ENOTFOUND when the scan or the device does not exist.
 */
int cs_store_scan_link(struct cs_store *st, int64_t scan_id, int64_t device_id, const char *address,
		       const char *ports, struct cs_err *err);

/*
 * Load scan id. CS_ENOTFOUND when there is no such scan. Caller must free *out with
 * cs_scan_record_free(); its strings are owned by the record.
 */
int cs_store_scan_get(struct cs_store *st, int64_t id, struct cs_scan_record **out,
		      struct cs_err *err);

/* Free a record returned by cs_store_scan_get(); NULL is a no-op. */
void cs_scan_record_free(struct cs_scan_record *r);

/*
 * Call cb for each scan, newest first (highest id first: the order in which scans began in
 * this inventory). Same callback rules as cs_store_list_devices.
 */
int cs_store_list_scans(struct cs_store *st, int (*cb)(void *ctx, const struct cs_scan_record *r),
			void *ctx, struct cs_err *err);

/*
 * Call cb for each device seen in scan scan_id, in device id order, with dev.address, scan_ports
 * and scan_seen_at as seen in that scan (the rest of the record is its current state; evidence
 * and coverage are not loaded). An unknown scan has no devices (cb is not called, returns 0).
 * Same callback rules as cs_store_list_devices.
 */
int cs_store_scan_devices(struct cs_store *st, int64_t scan_id,
			  int (*cb)(void *ctx, const struct cs_stored_device *d), void *ctx,
			  struct cs_err *err);

/* --- the removal programme (schema 3): sites, workflow, audit log, milestones ------------- */

/*
 * Who makes a change and why. Every programme write records one audit_log row in the same
 * transaction as the change. who is required (the CLI uses $CAMSWEEP_USER or the login name);
 * why may be NULL for changes that need no justification (adding a site).
 */
struct cs_store_actor {
	const char *who;
	const char *why;
};

/* One network of a site. */
struct cs_site_network {
	const char *cidr;    /* "a.b.c.d/len", no host bits (cs_cidr_parse) */
	const char *posture; /* "core" (a departmental core network) or "segregated" */
};

/*
 * A site. sensitivity is "sensitive" (criterion then says which limb of the definition applies,
 * e.g. "secret-material") or "standard" (criterion NULL). In callbacks every pointer is owned by
 * the store and valid only during the call.
 */
struct cs_site {
	int64_t id;
	const char *name;	   /* unique, ignoring ASCII case */
	const char *operator_name; /* department, force, landlord or contractor; may be NULL */
	const char *sensitivity;
	const char *criterion;
	const char *created; /* ISO 8601 UTC, set by the store */
	const struct cs_site_network *networks;
	size_t nnetworks;
};

typedef int (*cs_store_site_cb)(void *ctx, const struct cs_site *s);

/*
 * Add site s (s->id and s->created are ignored); *id gets its id. CS_EINVAL for a bad field
 * (message says which), a duplicate name or a network listed twice.
 */
int cs_store_site_add(struct cs_store *st, const struct cs_site *s, const struct cs_store_actor *a,
		      int64_t *id, struct cs_err *err);

/*
 * Replace every field and the networks of site s->id with those in s (s->created ignored); the
 * audit row lists what changed. CS_ENOTFOUND for an unknown id; CS_EINVAL as for add.
 */
int cs_store_site_edit(struct cs_store *st, const struct cs_site *s, const struct cs_store_actor *a,
		       struct cs_err *err);

/* Call cb once with the site called name (ASCII case-insensitive); CS_ENOTFOUND if none. */
int cs_store_site_find(struct cs_store *st, const char *name, cs_store_site_cb cb, void *ctx,
		       struct cs_err *err);

/* Call cb for each site in id order. Same callback rules as cs_store_list_devices. */
int cs_store_list_sites(struct cs_store *st, cs_store_site_cb cb, void *ctx, struct cs_err *err);

/*
 * Attach device_id to site site_name by hand (this overrides attachment by address), or detach
 * it (site_name NULL: back to attachment by address). CS_ENOTFOUND for an unknown device or site.
 */
int cs_store_site_attach(struct cs_store *st, int64_t device_id, const char *site_name,
			 const struct cs_store_actor *a, struct cs_err *err);

/* Call cb(ctx, device_id, site_id) for each attachment by hand, in device id order. */
int cs_store_list_attachments(struct cs_store *st,
			      int (*cb)(void *ctx, int64_t device_id, int64_t site_id), void *ctx,
			      struct cs_err *err);

/*
 * A device's place in the workflow (docs/programme.md). Fields not used by the state are NULL;
 * the plan (due, cost, owner) is kept through later states until a new plan replaces it.
 */
struct cs_workflow {
	int64_t device_id;
	const char *state;   /* cs_wf_name() */
	const char *date;    /* the date the state took effect, YYYY-MM-DD */
	const char *updated; /* ISO 8601 UTC when recorded, set by the store */
	const char *due;     /* planned: due date */
	bool has_cost;
	uint64_t cost;		   /* planned: replacement cost, whole currency units */
	const char *owner;	   /* planned: who is responsible */
	const char *evidence;	   /* removed: disposal evidence reference; verified: the scans */
	const char *approver;	   /* exempt */
	const char *expires;	   /* exempt: YYYY-MM-DD, after date */
	const char *justification; /* exempt: why (also in the audit log) */
};

typedef int (*cs_store_workflow_cb)(void *ctx, const struct cs_workflow *w);

/*
 * Move device w->device_id to w->state as of w->date, when cs_wf_check() allows the move from
 * its current state (a device with no recorded state is identified) for `by`. Required: date
 * (valid, not before the current state's date, before the exemption's expiry); planned: due
 * and owner; removed: evidence;
 * exempt: approver, expires (after date) and a->why. A plan field left NULL keeps the stored
 * one. Records the state, one workflow event (for progress over time) and one audit row.
 * CS_ENOTFOUND for an unknown device; CS_EINVAL (message says why) for a refused move.
 */
int cs_store_workflow_set(struct cs_store *st, const struct cs_workflow *w, enum cs_wf_actor by,
			  const struct cs_store_actor *a, struct cs_err *err);

/* Call cb once with the recorded state of device_id; CS_ENOTFOUND when it has none. */
int cs_store_workflow_get(struct cs_store *st, int64_t device_id, cs_store_workflow_cb cb,
			  void *ctx, struct cs_err *err);

/* Call cb for each device with a recorded state, in device id order. */
int cs_store_list_workflow(struct cs_store *st, cs_store_workflow_cb cb, void *ctx,
			   struct cs_err *err);

/*
 * Call cb for every workflow event (state, date, expires, updated; other fields NULL), ordered
 * by device id, then date, then recording order: the history the progress maths replays.
 */
int cs_store_list_workflow_events(struct cs_store *st, cs_store_workflow_cb cb, void *ctx,
				  struct cs_err *err);

/* One audit log row. The log is append-only: the schema refuses UPDATE and DELETE. */
struct cs_audit_entry {
	int64_t id;
	const char *at;	    /* ISO 8601 UTC */
	const char *who;    /* never NULL */
	const char *object; /* "site:NAME", "device:ID", "milestone:NAME" */
	const char *action; /* "site.add", "site.edit", "site.attach", "workflow", ... */
	const char *detail; /* what changed, e.g. "planned -> removed on 2024-05-01" */
	const char *why;    /* may be NULL */
};

/* Call cb for each audit row, oldest first; object non-NULL keeps only that object's rows. */
int cs_store_list_audit(struct cs_store *st, const char *object,
			int (*cb)(void *ctx, const struct cs_audit_entry *e), void *ctx,
			struct cs_err *err);

/* A programme target: `percent` of the scope done by `due`, measured by sites or devices. */
struct cs_milestone {
	int64_t id;
	const char *name;
	const char *due;     /* YYYY-MM-DD */
	unsigned percent;    /* 0-100 */
	const char *scope;   /* "sensitive" (sensitive sites only) or "all" */
	const char *measure; /* "sites" or "devices" */
	const char *created; /* set by the store */
};

/* Add m (id, created ignored); *id gets its id. CS_EINVAL for bad fields or a duplicate name. */
int cs_store_milestone_add(struct cs_store *st, const struct cs_milestone *m,
			   const struct cs_store_actor *a, int64_t *id, struct cs_err *err);

/* Call cb for each milestone, by due date then id. */
int cs_store_list_milestones(struct cs_store *st,
			     int (*cb)(void *ctx, const struct cs_milestone *m), void *ctx,
			     struct cs_err *err);

/* A device marked removed or verified that a scan saw after its removal date. */
struct cs_regression {
	int64_t device_id;
	const char *state;   /* "removed" or "verified" */
	const char *date;    /* the removal date (of the last move to removed) */
	int64_t scan_id;     /* the scan that saw it */
	const char *seen_at; /* ISO 8601 UTC */
	const char *address; /* where that scan saw it */
};

/*
 * Call cb for each (device, scan) where a device whose state is removed or verified was seen by
 * a scan on a day after its removal date, by device id then scan id. The findings module reports
 * these as regressions.
 */
int cs_store_list_regressions(struct cs_store *st,
			      int (*cb)(void *ctx, const struct cs_regression *g), void *ctx,
			      struct cs_err *err);

/* The schema version of the open database (CS_STORE_SCHEMA_VERSION once opened). */
int cs_store_schema_version(struct cs_store *st, int *v);

#endif
