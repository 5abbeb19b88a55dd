/*
 * store_sqlite.c - the SQLite backend of the inventory: schema, migrations and row I/O.
 *
 * This file and the future store_pg.c are the only places in camsweep that contain SQL. The
 * merge rules are in store.c; this file finds, writes and reads rows inside the transaction
 * store.c opens. Every value from a device is bound as a parameter, never spliced into SQL,
 * and read back with its byte length, so arbitrary bytes round-trip unchanged.
 *
 * Scans are recorded here too (scans, scan_devices), one autocommit statement per call, and
 * the removal programme (sites, workflow, audit log, milestones: schema 3), whose statements
 * are prepared per call because none of them is on a scan's hot path.
 *
 * The schema is versioned with PRAGMA user_version and marked as camsweep's with PRAGMA
 * application_id. The migrations below are applied in order, each in its own transaction; a
 * database whose user_version is higher than this build knows is refused.
 */
#include "store/store_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

/*
 * Marks a file as a camsweep inventory ("csiv"). Persisted in every database: never change it.
 * A file with another application_id belongs to some other program and is not touched.
 */
#define CS_SQLITE_APPLICATION_ID 0x63736976

/* How long a writer waits for another process's transaction before giving up. */
enum { BUSY_TIMEOUT_MS = 5000 };

/*
 * migrations[i] takes a database from user_version i to i + 1. Append only: a released
 * migration is never edited, because databases in the field have already run it.
 */
static const char *const migrations[] = {
	/* 1: the initial schema. */
	"CREATE TABLE meta (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE devices (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  first_seen TEXT NOT NULL,\n"
	"  last_seen TEXT NOT NULL,\n"
	"  manufacturer TEXT,\n"
	"  brand TEXT,\n"
	"  model TEXT,\n"
	"  firmware TEXT,\n"
	"  serial TEXT,\n"
	"  mac TEXT,\n"
	"  hardware TEXT,\n"
	"  address TEXT,\n"
	"  device_type TEXT NOT NULL DEFAULT 'unknown',\n"
	"  confidence REAL NOT NULL DEFAULT 0,\n"
	"  basis TEXT,\n"
	"  covered INTEGER NOT NULL DEFAULT 0 CHECK (covered IN (0, 1)),\n"
	"  covered_status TEXT\n"
	");\n"
	/* The merge looks keys up ignoring case; the indexes must use the same collation. */
	"CREATE INDEX devices_serial ON devices (serial COLLATE NOCASE);\n"
	"CREATE INDEX devices_mac ON devices (mac COLLATE NOCASE);\n"
	"CREATE INDEX devices_address ON devices (address COLLATE NOCASE);\n"
	"CREATE TABLE evidence (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,\n"
	"  seen_at TEXT NOT NULL,\n"
	"  source TEXT,\n"
	"  signal TEXT NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  derived_from TEXT,\n"
	"  implies TEXT,\n"
	"  maker TEXT,\n"
	"  rule TEXT,\n"
	"  weight REAL NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX evidence_device ON evidence (device_id);\n"
	"CREATE TABLE coverage (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,\n"
	"  policy TEXT,\n"
	"  entity TEXT,\n"
	"  basis TEXT,\n"
	"  via TEXT,\n"
	"  status TEXT\n"
	");\n"
	"CREATE INDEX coverage_device ON coverage (device_id);\n"
	"CREATE TABLE device_history (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,\n"
	"  at TEXT NOT NULL,\n"
	"  field TEXT NOT NULL,\n"
	"  old TEXT,\n"
	"  new TEXT,\n"
	"  source TEXT\n"
	");\n"
	"CREATE INDEX device_history_device ON device_history (device_id);\n",
	/* 2: scans, and which devices each scan saw. */
	"CREATE TABLE scans (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  started TEXT NOT NULL,\n"
	"  ended TEXT,\n"
	"  status TEXT NOT NULL\n"
	"    CHECK (status IN ('running', 'done', 'interrupted', 'failed')),\n"
	"  targets TEXT NOT NULL,\n"
	"  options TEXT NOT NULL,\n"
	"  shard INTEGER,\n"
	"  nshards INTEGER,\n"
	"  seed INTEGER,\n"
	"  addresses INTEGER,\n"
	"  done INTEGER,\n"
	"  live INTEGER,\n"
	"  devices INTEGER,\n"
	"  covered INTEGER,\n"
	"  resume_pos INTEGER\n"
	");\n"
	"CREATE TABLE scan_devices (\n"
	"  scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,\n"
	"  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,\n"
	"  address TEXT,\n"
	"  ports TEXT,\n"
	"  seen_at TEXT NOT NULL,\n"
	"  PRIMARY KEY (scan_id, device_id)\n"
	");\n"
	/* The primary key serves "devices of a scan"; this serves "scans of a device" and the
	 * cascade when a device is deleted. */
	"CREATE INDEX scan_devices_device ON scan_devices (device_id);\n",
	/*
	 * 3: the removal programme: sites and their networks, devices attached to sites by hand,
	 * the workflow state of each device and its history, the append-only audit log, and the
	 * programme's milestones.
	 */
	"CREATE TABLE sites (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  operator TEXT,\n"
	"  sensitivity TEXT NOT NULL CHECK (sensitivity IN ('sensitive', 'standard')),\n"
	"  criterion TEXT,\n"
	"  created TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE site_networks (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,\n"
	"  cidr TEXT NOT NULL,\n"
	"  posture TEXT NOT NULL CHECK (posture IN ('core', 'segregated')),\n"
	"  UNIQUE (site_id, cidr)\n"
	");\n"
	/* One row per device attached by hand; attachment by address is computed, not stored. */
	"CREATE TABLE device_sites (\n"
	"  device_id INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,\n"
	"  site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,\n"
	"  at TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX device_sites_site ON device_sites (site_id);\n"
	"CREATE TABLE workflow (\n"
	"  device_id INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,\n"
	"  state TEXT NOT NULL CHECK (state IN ('identified', 'planned', 'disconnected', "
	"'removed', 'verified', 'exempt')),\n"
	"  date TEXT NOT NULL,\n"
	"  updated TEXT NOT NULL,\n"
	"  due TEXT,\n"
	"  cost INTEGER,\n"
	"  owner TEXT,\n"
	"  evidence TEXT,\n"
	"  approver TEXT,\n"
	"  expires TEXT,\n"
	"  justification TEXT\n"
	");\n"
	"CREATE TABLE workflow_events (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,\n"
	"  state TEXT NOT NULL,\n"
	"  date TEXT NOT NULL,\n"
	"  expires TEXT,\n"
	"  recorded TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX workflow_events_device ON workflow_events (device_id, date);\n"
	/*
	 * The audit log names its objects as text, without foreign keys: it must outlive what it
	 * describes, and a cascade would be a DELETE, which the triggers refuse.
	 */
	"CREATE TABLE audit_log (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL,\n"
	"  who TEXT NOT NULL,\n"
	"  object TEXT NOT NULL,\n"
	"  action TEXT NOT NULL,\n"
	"  detail TEXT,\n"
	"  why TEXT\n"
	");\n"
	"CREATE INDEX audit_log_object ON audit_log (object);\n"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
	"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
	"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n"
	"CREATE TABLE milestones (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  due TEXT NOT NULL,\n"
	"  percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),\n"
	"  scope TEXT NOT NULL CHECK (scope IN ('sensitive', 'all')),\n"
	"  measure TEXT NOT NULL CHECK (measure IN ('sites', 'devices')),\n"
	"  created TEXT NOT NULL\n"
	");\n",
};

_Static_assert(CS_ARRAY_SIZE(migrations) == CS_STORE_SCHEMA_VERSION,
	       "CS_STORE_SCHEMA_VERSION must equal the number of migrations");

#define DEVICE_COLUMNS                                                                             \
	"id, first_seen, last_seen, manufacturer, brand, model, firmware, serial, mac, "           \
	"hardware, address, device_type, confidence, basis, covered, covered_status"

/* Column positions in DEVICE_COLUMNS. */
enum {
	COL_ID,
	COL_FIRST_SEEN,
	COL_LAST_SEEN,
	COL_MANUFACTURER,
	COL_BRAND,
	COL_MODEL,
	COL_FIRMWARE,
	COL_SERIAL,
	COL_MAC,
	COL_HARDWARE,
	COL_ADDRESS,
	COL_DEVICE_TYPE,
	COL_CONFIDENCE,
	COL_BASIS,
	COL_COVERED,
	COL_COVERED_STATUS,
};

/* Statements prepared once per connection, on first use. */
enum stmt_id {
	ST_FIND_SERIAL,
	ST_FIND_MAC,
	ST_FIND_ADDRESS,
	ST_INSERT,
	ST_UPDATE,
	ST_CHANGE,
	ST_EVIDENCE,
	ST_COVERAGE_DELETE,
	ST_COVERAGE_INSERT,
	ST_GET,
	ST_GET_EVIDENCE,
	ST_GET_COVERAGE,
	ST_SCAN_INSERT,
	ST_SCAN_UPDATE,
	ST_SCAN_LINK,
	ST_SCAN_GET,
	ST_COUNT
};

#define SCAN_COLUMNS                                                                               \
	"id, started, ended, status, targets, options, shard, nshards, seed, addresses, done, "    \
	"live, devices, covered, resume_pos"

/* Column positions in SCAN_COLUMNS. */
enum {
	SCOL_ID,
	SCOL_STARTED,
	SCOL_ENDED,
	SCOL_STATUS,
	SCOL_TARGETS,
	SCOL_OPTIONS,
	SCOL_SHARD,
	SCOL_NSHARDS,
	SCOL_SEED,
	SCOL_ADDRESSES,
	SCOL_DONE,
	SCOL_LIVE,
	SCOL_DEVICES,
	SCOL_COVERED,
	SCOL_RESUME_POS,
};

/* Parameters ?2..?15 of ST_INSERT and ST_UPDATE are the same columns in the same order. */
static const char *const stmt_sql[ST_COUNT] = {
	[ST_FIND_SERIAL] = "SELECT " DEVICE_COLUMNS " FROM devices WHERE serial = ?1 COLLATE "
			   "NOCASE ORDER BY last_seen DESC, id DESC",
	[ST_FIND_MAC] = "SELECT " DEVICE_COLUMNS " FROM devices WHERE mac = ?1 COLLATE NOCASE "
			"ORDER BY last_seen DESC, id DESC",
	[ST_FIND_ADDRESS] = "SELECT " DEVICE_COLUMNS " FROM devices WHERE address = ?1 COLLATE "
			    "NOCASE ORDER BY last_seen DESC, id DESC",
	[ST_INSERT] = "INSERT INTO devices (first_seen, last_seen, manufacturer, brand, model, "
		      "firmware, serial, mac, hardware, address, device_type, confidence, basis, "
		      "covered, covered_status) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		      "?10, ?11, ?12, ?13, ?14)",
	[ST_UPDATE] = "UPDATE devices SET last_seen = ?1, manufacturer = ?2, brand = ?3, "
		      "model = ?4, firmware = ?5, serial = ?6, mac = ?7, hardware = ?8, "
		      "address = ?9, device_type = ?10, confidence = ?11, basis = ?12, "
		      "covered = ?13, covered_status = ?14 WHERE id = ?15",
	[ST_CHANGE] = "INSERT INTO device_history (device_id, at, field, old, new, source) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_EVIDENCE] = "INSERT INTO evidence (device_id, seen_at, source, signal, value, "
			"derived_from, implies, maker, rule, weight) VALUES (?1, ?2, ?3, ?4, ?5, "
			"?6, ?7, ?8, ?9, ?10)",
	[ST_COVERAGE_DELETE] = "DELETE FROM coverage WHERE device_id = ?1",
	[ST_COVERAGE_INSERT] = "INSERT INTO coverage (device_id, policy, entity, basis, via, "
			       "status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_GET] = "SELECT " DEVICE_COLUMNS " FROM devices WHERE id = ?1",
	[ST_GET_EVIDENCE] = "SELECT seen_at, source, signal, value, derived_from, implies, maker, "
			    "rule, weight FROM evidence WHERE device_id = ?1 ORDER BY id",
	[ST_GET_COVERAGE] = "SELECT policy, entity, basis, via, status FROM coverage WHERE "
			    "device_id = ?1 ORDER BY id",
	[ST_SCAN_INSERT] = "INSERT INTO scans (started, ended, status, targets, options, shard, "
			   "nshards, seed, addresses, done, live, devices, covered, resume_pos) "
			   "VALUES (?1, NULL, 'running', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
			   "?12)",
	[ST_SCAN_UPDATE] = "UPDATE scans SET ended = ?1, status = ?2, addresses = ?3, done = ?4, "
			   "live = ?5, devices = ?6, covered = ?7, resume_pos = ?8 WHERE id = ?9",
	/* A NULL address or ports in a later sighting keeps what the earlier one saw. */
	[ST_SCAN_LINK] = "INSERT INTO scan_devices (scan_id, device_id, address, ports, seen_at) "
			 "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (scan_id, device_id) DO UPDATE "
			 "SET address = coalesce(excluded.address, address), "
			 "ports = coalesce(excluded.ports, ports), seen_at = excluded.seen_at",
	[ST_SCAN_GET] = "SELECT " SCAN_COLUMNS " FROM scans WHERE id = ?1",
};

/*
 * Listing and history are prepared per call rather than cached, so that a callback may call
 * cs_store_get_device() (or even list again) without resetting the statement it is inside.
 */
static const char list_sql[] =
	"SELECT " DEVICE_COLUMNS " FROM devices WHERE (?1 = 0 OR covered = 1) AND "
	"(?2 IS NULL OR manufacturer = ?2 COLLATE NOCASE) ORDER BY id";
static const char history_sql[] = "SELECT device_id, at, field, old, new, source FROM "
				  "device_history WHERE device_id = ?1 ORDER BY id";
static const char scan_list_sql[] = "SELECT " SCAN_COLUMNS " FROM scans ORDER BY id DESC";
/*
 * The columns of DEVICE_COLUMNS in the same positions, except that the address is the one seen
 * in the scan; then the link's ports and seen_at.
 */
static const char scan_devices_sql[] =
	"SELECT d.id, d.first_seen, d.last_seen, d.manufacturer, d.brand, d.model, d.firmware, "
	"d.serial, d.mac, d.hardware, sd.address, d.device_type, d.confidence, d.basis, "
	"d.covered, d.covered_status, sd.ports, sd.seen_at FROM scan_devices sd "
	"JOIN devices d ON d.id = sd.device_id WHERE sd.scan_id = ?1 ORDER BY sd.device_id";
enum { COL_SCAN_PORTS = COL_COVERED_STATUS + 1, COL_SCAN_SEEN_AT };

struct sq {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[ST_COUNT];
};

static struct sq *impl(struct cs_store *st)
{
	return st->impl;
}

/* Record the connection's last error as CS_ESTORE, prefixed by what was being done. */
static int db_error(struct sq *sq, struct cs_err *err, const char *what)
{
	return cs_err_set(err, CS_ESTORE, "%s: %s: %s", sq->path, what, sqlite3_errmsg(sq->db));
}

static int prepare(struct sq *sq, const char *sql, unsigned flags, sqlite3_stmt **out,
		   struct cs_err *err)
{
	if (sqlite3_prepare_v3(sq->db, sql, -1, flags, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return db_error(sq, err, "preparing a statement");
	}
	return CS_OK;
}

/* The cached statement id, ready to bind (reset when the last user finished with it). */
static int stmt(struct sq *sq, enum stmt_id id, sqlite3_stmt **out, struct cs_err *err)
{
	int r;

	if (sq->stmt[id] == NULL &&
	    (r = prepare(sq, stmt_sql[id], SQLITE_PREPARE_PERSISTENT, &sq->stmt[id], err)) != CS_OK)
		return r;
	*out = sq->stmt[id];
	return CS_OK;
}

/* Make a cached statement reusable; every user calls this on the way out. */
static void done(sqlite3_stmt *s)
{
	if (s != NULL) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
}

/*
 * Bind text; NULL binds SQL NULL. SQLITE_STATIC is right because every caller steps the
 * statement while the string is alive. A bind only fails for an out-of-range index or a value
 * over SQLITE_MAX_LENGTH, which the caps in store.c rule out; the step reports it anyway.
 */
static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Run a statement that returns no rows. */
static int step_done(struct sq *sq, sqlite3_stmt *s, const char *what, struct cs_err *err)
{
	int rc = sqlite3_step(s);
	return rc == SQLITE_DONE ? CS_OK : db_error(sq, err, what);
}

static int exec(struct sq *sq, const char *sql, const char *what, struct cs_err *err)
{
	if (sqlite3_exec(sq->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(sq, err, what);
	return CS_OK;
}

/* Read an integer PRAGMA (or any one-integer query). */
static int query_int(struct sq *sq, const char *sql, int *v, struct cs_err *err)
{
	sqlite3_stmt *s = NULL;
	int r;

	if (sqlite3_prepare_v2(sq->db, sql, -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		r = db_error(sq, err, "reading the schema");
		goto out;
	}
	*v = sqlite3_column_int(s, 0);
	r = CS_OK;
out:
	sqlite3_finalize(s);
	return r;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* View of the current row of a DEVICE_COLUMNS query; valid until the next step. */
static void row_to_device(sqlite3_stmt *s, struct cs_stored_device *d)
{
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(s, COL_ID);
	d->first_seen = col_text(s, COL_FIRST_SEEN);
	d->last_seen = col_text(s, COL_LAST_SEEN);
	d->dev.manufacturer = col_text(s, COL_MANUFACTURER);
	d->dev.brand = col_text(s, COL_BRAND);
	d->dev.model = col_text(s, COL_MODEL);
	d->dev.firmware = col_text(s, COL_FIRMWARE);
	d->dev.serial = col_text(s, COL_SERIAL);
	d->dev.mac = col_text(s, COL_MAC);
	d->dev.hardware = col_text(s, COL_HARDWARE);
	d->dev.address = col_text(s, COL_ADDRESS);
	d->device_type = col_text(s, COL_DEVICE_TYPE);
	enum cs_devtype t = cs_devtype_lookup(d->device_type);
	d->dev.type = t < CS_DT_COUNT ? t : CS_DT_UNKNOWN;
	d->dev.confidence = sqlite3_column_double(s, COL_CONFIDENCE);
	d->dev.basis = col_text(s, COL_BASIS);
	d->dev.covered = sqlite3_column_int(s, COL_COVERED) != 0;
	d->dev.covered_status = col_text(s, COL_COVERED_STATUS);
}

/* Step a DEVICE_COLUMNS query, calling cb per row (callback rules: see store.h). */
static int each_device(struct sq *sq, sqlite3_stmt *s, cs_store_device_cb cb, void *ctx,
		       struct cs_err *err)
{
	struct cs_stored_device d;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_to_device(s, &d);
		int r = cb(ctx, &d);
		if (r < 0)
			return r;
		if (r > 0)
			return CS_OK;
	}
	return rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading devices");
}

/* --- opening and migrating ------------------------------------------------------------- */

static bool sq_accepts(const char *uri)
{
	/* Everything that is not a network URI is a file path. */
	return strstr(uri, "://") == NULL;
}

/* Record who created the file, in the transaction of the first migration. */
static int write_meta(struct sq *sq, struct cs_err *err)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = prepare(sq,
			 "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_by', "
			 "?1), ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
			 0, &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, "camsweep " CS_VERSION);
	r = step_done(sq, s, "writing meta", err);
out:
	sqlite3_finalize(s);
	return r;
}

/* Apply the migrations this database lacks, each in its own transaction. */
static int migrate(struct sq *sq, struct cs_err *err)
{
	char sql[128];
	int v = 0, r = CS_ESTORE;
	bool in_tx = false;

	for (;;) {
		if ((r = exec(sq, "BEGIN IMMEDIATE", "starting a migration", err)) != CS_OK)
			goto out;
		in_tx = true;
		/* Read inside the transaction: another process may have migrated meanwhile. */
		if ((r = query_int(sq, "PRAGMA user_version", &v, err)) != CS_OK)
			goto out;
		if (v > CS_STORE_SCHEMA_VERSION) {
			r = cs_err_set(err, CS_ESTORE,
				       "%s: inventory schema version %d was written by a newer "
				       "camsweep (this one supports up to %d); upgrade camsweep",
				       sq->path, v, CS_STORE_SCHEMA_VERSION);
			goto out;
		}
		if (v == CS_STORE_SCHEMA_VERSION)
			break;
		if ((r = exec(sq, migrations[v], "migrating the schema", err)) != CS_OK)
			goto out;
		if (v == 0) {
			snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
				 CS_SQLITE_APPLICATION_ID);
			if ((r = exec(sq, sql, "marking the database", err)) != CS_OK ||
			    (r = write_meta(sq, err)) != CS_OK)
				goto out;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((r = exec(sq, sql, "recording the schema version", err)) != CS_OK)
			goto out;
		if ((r = exec(sq, "COMMIT", "committing a migration", err)) != CS_OK)
			goto out;
		in_tx = false;
	}
	r = exec(sq, "COMMIT", "finishing the migrations", err);
	in_tx = false;
out:
	if (in_tx)
		sqlite3_exec(sq->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

/*
 * Refuse files that are not ours before writing anything: another program's database (another
 * application_id, or tables without our mark) or one written by a newer camsweep.
 */
static int check_ownership(struct sq *sq, int *schema_version, struct cs_err *err)
{
	int app = 0, version = 0, objects = 0, r;

	/* The first read of a file that is not SQLite fails here. */
	if (query_int(sq, "SELECT count(*) FROM sqlite_master", &objects, NULL) != CS_OK)
		return cs_err_set(err, CS_ESTORE, "%s: not an SQLite database: %s", sq->path,
				  sqlite3_errmsg(sq->db));
	if ((r = query_int(sq, "PRAGMA application_id", &app, err)) != CS_OK ||
	    (r = query_int(sq, "PRAGMA user_version", &version, err)) != CS_OK)
		return r;
	if (app != 0 && app != CS_SQLITE_APPLICATION_ID)
		return cs_err_set(err, CS_ESTORE,
				  "%s: not a camsweep inventory (SQLite application_id %d)",
				  sq->path, app);
	if (app == 0 && (objects > 0 || version != 0))
		return cs_err_set(err, CS_ESTORE,
				  "%s: an SQLite database that camsweep did not create; "
				  "refusing to modify it",
				  sq->path);
	if (version > CS_STORE_SCHEMA_VERSION)
		return cs_err_set(err, CS_ESTORE,
				  "%s: inventory schema version %d was written by a newer camsweep "
				  "(this one supports up to %d); upgrade camsweep",
				  sq->path, version, CS_STORE_SCHEMA_VERSION);
	*schema_version = version;
	return CS_OK;
}

static void sq_free(struct sq *sq)
{
	if (sq == NULL)
		return;
	for (size_t i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(sq->stmt[i]);
	sqlite3_close(sq->db); /* NULL-safe; every statement is finalized */
	free(sq->path);
	free(sq);
}

static int sq_open(struct cs_store *st, const char *uri, struct cs_err *err)
{
	struct sq *sq = NULL;
	int version = 0, r = CS_ENOMEM;

	if ((sq = calloc(1, sizeof(*sq))) == NULL || (sq->path = strdup(uri)) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	/* No SQLITE_OPEN_URI: a path is a path, even if it starts with "file:". */
	if (sqlite3_open_v2(uri, &sq->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		r = sq->db != NULL ? db_error(sq, err, "cannot open the inventory")
				   : cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(sq->db, 1);
	/* Several scanners may write one file; wait for their transactions instead of failing. */
	sqlite3_busy_timeout(sq->db, BUSY_TIMEOUT_MS);
	/* Off by default in SQLite, and per connection: without it ON DELETE CASCADE is inert. */
	if ((r = exec(sq, "PRAGMA foreign_keys = ON", "enabling foreign keys", err)) != CS_OK)
		goto out;
	if ((r = check_ownership(sq, &version, err)) != CS_OK)
		goto out;
	/*
	 * WAL lets `camsweep devices` read while a scan writes. It is a property of the file, so
	 * it is set once here; on file systems without shared memory SQLite keeps its old mode,
	 * which is slower but correct, so the answer is not checked.
	 */
	if ((r = exec(sq, "PRAGMA journal_mode = WAL", "enabling WAL", err)) != CS_OK)
		goto out;
	/* Durable at each checkpoint, not each commit: losing the last scan on power loss is ok. */
	if ((r = exec(sq, "PRAGMA synchronous = NORMAL", "setting synchronous", err)) != CS_OK)
		goto out;
	if (version < CS_STORE_SCHEMA_VERSION && (r = migrate(sq, err)) != CS_OK)
		goto out;
	st->impl = sq;
	sq = NULL; /* transferred */
	r = CS_OK;
out:
	sq_free(sq);
	return r;
}

static void sq_close(struct cs_store *st)
{
	sq_free(impl(st));
	st->impl = NULL;
}

static int sq_schema_version(struct cs_store *st, int *v)
{
	return query_int(impl(st), "PRAGMA user_version", v, NULL);
}

/* --- writing ----------------------------------------------------------------------------- */

static int sq_begin(struct cs_store *st, struct cs_err *err)
{
	/* IMMEDIATE takes the write lock now, so no other writer can insert the same device
	 * between our lookup and our insert. */
	return exec(impl(st), "BEGIN IMMEDIATE", "starting a transaction", err);
}

static int sq_commit(struct cs_store *st, struct cs_err *err)
{
	return exec(impl(st), "COMMIT", "committing", err);
}

static void sq_rollback(struct cs_store *st)
{
	sqlite3_exec(impl(st)->db, "ROLLBACK", NULL, NULL, NULL);
}

static int sq_find(struct cs_store *st, enum cs_store_key key, const char *value,
		   cs_store_device_cb cb, void *ctx, struct cs_err *err)
{
	static const enum stmt_id by_key[] = {
		[CS_STORE_KEY_SERIAL] = ST_FIND_SERIAL,
		[CS_STORE_KEY_MAC] = ST_FIND_MAC,
		[CS_STORE_KEY_ADDRESS] = ST_FIND_ADDRESS,
	};
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((unsigned)key >= CS_ARRAY_SIZE(by_key))
		return cs_err_set(err, CS_EINVAL, "bad lookup key");
	if ((r = stmt(sq, by_key[key], &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, value);
	r = each_device(sq, s, cb, ctx, err);
out:
	done(s);
	return r;
}

/* Bind the identity and verdict columns, parameters first..first+12, in ST_INSERT order. */
static void bind_row(sqlite3_stmt *s, int first, const struct cs_stored_device *row)
{
	const struct cs_device *d = &row->dev;
	const char *type = row->device_type != NULL ? row->device_type : cs_devtype_name(d->type);
	int i = first;

	bind_text(s, i++, d->manufacturer);
	bind_text(s, i++, d->brand);
	bind_text(s, i++, d->model);
	bind_text(s, i++, d->firmware);
	bind_text(s, i++, d->serial);
	bind_text(s, i++, d->mac);
	bind_text(s, i++, d->hardware);
	bind_text(s, i++, d->address);
	bind_text(s, i++, type);
	sqlite3_bind_double(s, i++, d->confidence);
	bind_text(s, i++, d->basis);
	sqlite3_bind_int(s, i++, d->covered ? 1 : 0);
	bind_text(s, i, d->covered_status);
}

static int sq_insert_device(struct cs_store *st, const struct cs_stored_device *row,
			    const char *now, int64_t *id, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = stmt(sq, ST_INSERT, &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, now);
	bind_row(s, 2, row);
	if ((r = step_done(sq, s, "inserting a device", err)) != CS_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(sq->db);
out:
	done(s);
	return r;
}

static int sq_update_device(struct cs_store *st, const struct cs_stored_device *row,
			    const char *now, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = stmt(sq, ST_UPDATE, &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, now);
	bind_row(s, 2, row);
	sqlite3_bind_int64(s, 15, row->id);
	r = step_done(sq, s, "updating a device", err);
out:
	done(s);
	return r;
}

static int sq_add_change(struct cs_store *st, const struct cs_device_change *c, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = stmt(sq, ST_CHANGE, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, c->device_id);
	bind_text(s, 2, c->at);
	bind_text(s, 3, c->field);
	bind_text(s, 4, c->old_value);
	bind_text(s, 5, c->new_value);
	bind_text(s, 6, c->source);
	r = step_done(sq, s, "recording history", err);
out:
	done(s);
	return r;
}

static int sq_add_evidence(struct cs_store *st, int64_t id, const char *now, const char *source,
			   const struct cs_evidence *ev, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = stmt(sq, ST_EVIDENCE, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, now);
	bind_text(s, 3, source);
	bind_text(s, 4, cs_signal_name(ev->signal));
	bind_text(s, 5, ev->value);
	bind_text(s, 6, ev->from);
	bind_text(s, 7, ev->implies);
	bind_text(s, 8, ev->maker);
	bind_text(s, 9, ev->rule);
	sqlite3_bind_double(s, 10, ev->weight);
	r = step_done(sq, s, "recording evidence", err);
out:
	done(s);
	return r;
}

static int sq_replace_coverage(struct cs_store *st, int64_t id, const struct cs_coverage *cov,
			       size_t n, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = stmt(sq, ST_COVERAGE_DELETE, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if ((r = step_done(sq, s, "clearing coverage", err)) != CS_OK)
		goto out;
	done(s);
	s = NULL;
	if ((r = stmt(sq, ST_COVERAGE_INSERT, &s, err)) != CS_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, cov[i].policy);
		bind_text(s, 3, cov[i].entity);
		bind_text(s, 4, cov[i].basis);
		bind_text(s, 5, cov[i].via);
		bind_text(s, 6, cov[i].status);
		if ((r = step_done(sq, s, "recording coverage", err)) != CS_OK)
			goto out;
		done(s);
	}
	r = CS_OK;
out:
	done(s);
	return r;
}

/* --- reading ----------------------------------------------------------------------------- */

static int sq_list(struct cs_store *st, const struct cs_device_filter *f, cs_store_device_cb cb,
		   void *ctx, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = prepare(sq, list_sql, 0, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int(s, 1, f->covered_only ? 1 : 0);
	bind_text(s, 2, f->manufacturer);
	r = each_device(sq, s, cb, ctx, err);
out:
	sqlite3_finalize(s);
	return r;
}

static int dup_col(struct cs_stored_device_owned *o, sqlite3_stmt *s, int i, const char **dst)
{
	const char *p = col_text(s, i);
	return cs_store_owned_strdup(o, p, p != NULL ? (size_t)sqlite3_column_bytes(s, i) : 0, dst);
}

static int read_evidence(struct sq *sq, int64_t id, struct cs_stored_device_owned *o,
			 struct cs_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((r = stmt(sq, ST_GET_EVIDENCE, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct cs_evidence *ev;
		struct cs_stored_origin *origin;
		if ((r = cs_store_owned_add_evidence(o, &ev, &origin)) != CS_OK ||
		    (r = dup_col(o, s, 0, &origin->seen_at)) != CS_OK ||
		    (r = dup_col(o, s, 1, &origin->source)) != CS_OK ||
		    (r = dup_col(o, s, 2, &origin->signal)) != CS_OK ||
		    (r = dup_col(o, s, 3, &ev->value)) != CS_OK ||
		    (r = dup_col(o, s, 4, &ev->from)) != CS_OK ||
		    (r = dup_col(o, s, 5, &ev->implies)) != CS_OK ||
		    (r = dup_col(o, s, 6, &ev->maker)) != CS_OK ||
		    (r = dup_col(o, s, 7, &ev->rule)) != CS_OK) {
			r = cs_err_set(err, r, "device %lld: too much evidence to load",
				       (long long)id);
			goto out;
		}
		ev->signal = cs_signal_lookup(cs_sv_cstr(origin->signal));
		ev->weight = sqlite3_column_double(s, 8);
		if (ev->value == NULL)
			ev->value = ""; /* NOT NULL in the schema; keep the contract anyway */
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading evidence");
out:
	done(s);
	return r;
}

static int read_coverage(struct sq *sq, int64_t id, struct cs_stored_device_owned *o,
			 struct cs_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((r = stmt(sq, ST_GET_COVERAGE, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct cs_coverage *c;
		if ((r = cs_store_owned_add_coverage(o, &c)) != CS_OK ||
		    (r = dup_col(o, s, 0, &c->policy)) != CS_OK ||
		    (r = dup_col(o, s, 1, &c->entity)) != CS_OK ||
		    (r = dup_col(o, s, 2, &c->basis)) != CS_OK ||
		    (r = dup_col(o, s, 3, &c->via)) != CS_OK ||
		    (r = dup_col(o, s, 4, &c->status)) != CS_OK) {
			r = cs_err_set(err, r, "device %lld: too much coverage to load",
				       (long long)id);
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading coverage");
out:
	done(s);
	return r;
}

static int sq_get(struct cs_store *st, int64_t id, struct cs_stored_device_owned *o,
		  struct cs_err *err)
{
	static const struct {
		int col;
		size_t off; /* of a const char * in struct cs_stored_device */
	} cols[] = {
		{COL_FIRST_SEEN, offsetof(struct cs_stored_device, first_seen)},
		{COL_LAST_SEEN, offsetof(struct cs_stored_device, last_seen)},
		{COL_MANUFACTURER, offsetof(struct cs_stored_device, dev.manufacturer)},
		{COL_BRAND, offsetof(struct cs_stored_device, dev.brand)},
		{COL_MODEL, offsetof(struct cs_stored_device, dev.model)},
		{COL_FIRMWARE, offsetof(struct cs_stored_device, dev.firmware)},
		{COL_SERIAL, offsetof(struct cs_stored_device, dev.serial)},
		{COL_MAC, offsetof(struct cs_stored_device, dev.mac)},
		{COL_HARDWARE, offsetof(struct cs_stored_device, dev.hardware)},
		{COL_ADDRESS, offsetof(struct cs_stored_device, dev.address)},
		{COL_DEVICE_TYPE, offsetof(struct cs_stored_device, device_type)},
		{COL_BASIS, offsetof(struct cs_stored_device, dev.basis)},
		{COL_COVERED_STATUS, offsetof(struct cs_stored_device, dev.covered_status)},
	};
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((r = stmt(sq, ST_GET, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? cs_err_set(err, CS_ENOTFOUND,
						   "no device %lld in the inventory", (long long)id)
				      : db_error(sq, err, "reading a device");
		goto out;
	}
	/* Scalars from the row view, then every string copied into the record's arena. */
	row_to_device(s, &o->pub);
	for (size_t i = 0; i < CS_ARRAY_SIZE(cols); i++) {
		const char **dst = (const char **)(void *)((char *)&o->pub + cols[i].off);
		if ((r = dup_col(o, s, cols[i].col, dst)) != CS_OK) {
			r = cs_err_set(err, r, "out of memory");
			goto out;
		}
	}
	done(s);
	s = NULL;
	if ((r = read_evidence(sq, id, o, err)) != CS_OK ||
	    (r = read_coverage(sq, id, o, err)) != CS_OK)
		goto out;
	r = CS_OK;
out:
	done(s);
	return r;
}

static int sq_list_history(struct cs_store *st, int64_t id, cs_store_change_cb cb, void *ctx,
			   struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((r = prepare(sq, history_sql, 0, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const struct cs_device_change c = {
			.device_id = sqlite3_column_int64(s, 0),
			.at = col_text(s, 1),
			.field = col_text(s, 2),
			.old_value = col_text(s, 3),
			.new_value = col_text(s, 4),
			.source = col_text(s, 5),
		};
		if ((r = cb(ctx, &c)) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading history");
out:
	sqlite3_finalize(s);
	return r;
}

/* --- scans ------------------------------------------------------------------------------ */

/*
 * SQLite integers are signed 64-bit; a uint64_t is stored as its bit pattern so that every
 * value round-trips (memcpy: the conversion of values >= 2^63 is otherwise
 * implementation-defined).
 */
static sqlite3_int64 u64_to_db(uint64_t v)
{
	sqlite3_int64 i;
	memcpy(&i, &v, sizeof(i));
	return i;
}

static uint64_t u64_from_db(sqlite3_stmt *s, int col)
{
	sqlite3_int64 i = sqlite3_column_int64(s, col);
	uint64_t v;
	memcpy(&v, &i, sizeof(v));
	return v;
}

/* Bind the progress columns (addresses, done, live, devices, covered, resume_pos) from first. */
static void bind_progress(sqlite3_stmt *s, int first, const struct cs_scan_record *rec)
{
	const uint64_t v[] = {rec->addresses, rec->done,    rec->live,
			      rec->devices,   rec->covered, rec->resume_pos};
	for (size_t i = 0; i < CS_ARRAY_SIZE(v); i++)
		sqlite3_bind_int64(s, first + (int)i, u64_to_db(v[i]));
}

static int sq_scan_insert(struct cs_store *st, const struct cs_scan_record *rec, const char *now,
			  int64_t *id, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = stmt(sq, ST_SCAN_INSERT, &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, now);
	bind_text(s, 2, rec->targets);
	bind_text(s, 3, rec->options);
	sqlite3_bind_int64(s, 4, rec->shard);
	sqlite3_bind_int64(s, 5, rec->nshards);
	sqlite3_bind_int64(s, 6, u64_to_db(rec->seed));
	bind_progress(s, 7, rec);
	if ((r = step_done(sq, s, "recording a scan", err)) != CS_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(sq->db);
out:
	done(s);
	return r;
}

static int sq_scan_update(struct cs_store *st, const struct cs_scan_record *rec, const char *ended,
			  struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = stmt(sq, ST_SCAN_UPDATE, &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, ended);
	bind_text(s, 2, rec->status);
	bind_progress(s, 3, rec);
	sqlite3_bind_int64(s, 9, rec->id);
	if ((r = step_done(sq, s, "updating a scan", err)) != CS_OK)
		goto out;
	if (sqlite3_changes(sq->db) == 0)
		r = cs_err_set(err, CS_ENOTFOUND, "no scan %lld in the inventory",
			       (long long)rec->id);
out:
	done(s);
	return r;
}

static int sq_scan_link(struct cs_store *st, int64_t scan_id, int64_t device_id,
			const char *address, const char *ports, const char *now, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = stmt(sq, ST_SCAN_LINK, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, scan_id);
	sqlite3_bind_int64(s, 2, device_id);
	bind_text(s, 3, address);
	bind_text(s, 4, ports);
	bind_text(s, 5, now);
	if (sqlite3_step(s) == SQLITE_DONE) {
		r = CS_OK;
		goto out;
	}
	/* foreign_keys is on, so a link to a missing scan or device fails here. */
	if (sqlite3_extended_errcode(sq->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
		r = cs_err_set(err, CS_ENOTFOUND, "no scan %lld or no device %lld in the inventory",
			       (long long)scan_id, (long long)device_id);
	else
		r = db_error(sq, err, "linking a device to a scan");
out:
	done(s);
	return r;
}

/* View of the current row of a SCAN_COLUMNS query; valid until the next step. */
static void row_to_scan(sqlite3_stmt *s, struct cs_scan_record *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, SCOL_ID);
	r->started = col_text(s, SCOL_STARTED);
	r->ended = col_text(s, SCOL_ENDED);
	r->status = col_text(s, SCOL_STATUS);
	r->targets = col_text(s, SCOL_TARGETS);
	r->options = col_text(s, SCOL_OPTIONS);
	r->shard = (unsigned)sqlite3_column_int64(s, SCOL_SHARD);
	r->nshards = (unsigned)sqlite3_column_int64(s, SCOL_NSHARDS);
	r->seed = u64_from_db(s, SCOL_SEED);
	r->addresses = u64_from_db(s, SCOL_ADDRESSES);
	r->done = u64_from_db(s, SCOL_DONE);
	r->live = u64_from_db(s, SCOL_LIVE);
	r->devices = u64_from_db(s, SCOL_DEVICES);
	r->covered = u64_from_db(s, SCOL_COVERED);
	r->resume_pos = u64_from_db(s, SCOL_RESUME_POS);
}

static int sq_scan_get(struct cs_store *st, int64_t id, struct cs_scan_record_owned *o,
		       struct cs_err *err)
{
	static const struct {
		int col;
		size_t off; /* of a const char * in struct cs_scan_record */
	} cols[] = {
		{SCOL_STARTED, offsetof(struct cs_scan_record, started)},
		{SCOL_ENDED, offsetof(struct cs_scan_record, ended)},
		{SCOL_STATUS, offsetof(struct cs_scan_record, status)},
		{SCOL_TARGETS, offsetof(struct cs_scan_record, targets)},
		{SCOL_OPTIONS, offsetof(struct cs_scan_record, options)},
	};
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((r = stmt(sq, ST_SCAN_GET, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? cs_err_set(err, CS_ENOTFOUND,
						   "no scan %lld in the inventory", (long long)id)
				      : db_error(sq, err, "reading a scan");
		goto out;
	}
	/* Scalars from the row view, then every string copied into the record's arena. */
	row_to_scan(s, &o->pub);
	for (size_t i = 0; i < CS_ARRAY_SIZE(cols); i++) {
		const char **dst = (const char **)(void *)((char *)&o->pub + cols[i].off);
		const char *p = col_text(s, cols[i].col);
		size_t n = p != NULL ? (size_t)sqlite3_column_bytes(s, cols[i].col) : 0;
		if ((r = cs_store_scan_strdup(o, p, n, dst)) != CS_OK) {
			r = cs_err_set(err, r, "scan %lld: too big to load", (long long)id);
			goto out;
		}
	}
	r = CS_OK;
out:
	done(s);
	return r;
}

static int sq_scan_list(struct cs_store *st, cs_store_scan_cb cb, void *ctx, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	struct cs_scan_record rec;
	int rc, r;

	if ((r = prepare(sq, scan_list_sql, 0, &s, err)) != CS_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_to_scan(s, &rec);
		if ((r = cb(ctx, &rec)) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading scans");
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_scan_devices(struct cs_store *st, int64_t scan_id, cs_store_device_cb cb, void *ctx,
			   struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	struct cs_stored_device d;
	int rc, r;

	if ((r = prepare(sq, scan_devices_sql, 0, &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, scan_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_to_device(s, &d);
		d.scan_ports = col_text(s, COL_SCAN_PORTS);
		d.scan_seen_at = col_text(s, COL_SCAN_SEEN_AT);
		if ((r = cb(ctx, &d)) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading the devices of a scan");
out:
	sqlite3_finalize(s);
	return r;
}

/* --- the removal programme (schema 3) ---------------------------------------------------- */

/* Map a constraint failure of a programme write to a message a user can act on. */
static int constraint_error(struct sq *sq, struct cs_err *err, const char *what)
{
	int x = sqlite3_extended_errcode(sq->db);
	if (x == SQLITE_CONSTRAINT_UNIQUE || x == SQLITE_CONSTRAINT_PRIMARYKEY)
		return cs_err_set(err, CS_EINVAL, "%s: the name is already taken", what);
	if (x == SQLITE_CONSTRAINT_FOREIGNKEY)
		return cs_err_set(err, CS_ENOTFOUND, "%s: no such device or site", what);
	return db_error(sq, err, what);
}

/* Prepare sql for one call; the caller finalizes. */
static int once(struct sq *sq, const char *sql, sqlite3_stmt **s, struct cs_err *err)
{
	return prepare(sq, sql, 0, s, err);
}

static int run_write(struct sq *sq, sqlite3_stmt *s, const char *what, struct cs_err *err)
{
	return sqlite3_step(s) == SQLITE_DONE ? CS_OK : constraint_error(sq, err, what);
}

static int sq_site_insert(struct cs_store *st, const struct cs_site *site, const char *now,
			  int64_t *id, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = once(sq,
		      "INSERT INTO sites (name, operator, sensitivity, criterion, created) "
		      "VALUES (?1, ?2, ?3, ?4, ?5)",
		      &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, site->name);
	bind_text(s, 2, site->operator_name);
	bind_text(s, 3, site->sensitivity);
	bind_text(s, 4, site->criterion);
	bind_text(s, 5, now);
	if ((r = run_write(sq, s, "adding a site", err)) != CS_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(sq->db);
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_site_update(struct cs_store *st, const struct cs_site *site, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = once(sq,
		      "UPDATE sites SET name = ?1, operator = ?2, sensitivity = ?3, "
		      "criterion = ?4 WHERE id = ?5",
		      &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, site->name);
	bind_text(s, 2, site->operator_name);
	bind_text(s, 3, site->sensitivity);
	bind_text(s, 4, site->criterion);
	sqlite3_bind_int64(s, 5, site->id);
	if ((r = run_write(sq, s, "editing a site", err)) != CS_OK)
		goto out;
	if (sqlite3_changes(sq->db) == 0)
		r = cs_err_set(err, CS_ENOTFOUND, "no site %lld", (long long)site->id);
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_site_set_networks(struct cs_store *st, int64_t site_id,
				const struct cs_site_network *n, size_t nn, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = once(sq, "DELETE FROM site_networks WHERE site_id = ?1", &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, site_id);
	if ((r = run_write(sq, s, "replacing networks", err)) != CS_OK)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if ((r = once(sq, "INSERT INTO site_networks (site_id, cidr, posture) VALUES (?1, ?2, ?3)",
		      &s, err)) != CS_OK)
		goto out;
	for (size_t i = 0; i < nn; i++) {
		sqlite3_bind_int64(s, 1, site_id);
		bind_text(s, 2, n[i].cidr);
		bind_text(s, 3, n[i].posture);
		if ((r = run_write(sq, s, "adding a network", err)) != CS_OK)
			goto out;
		sqlite3_reset(s);
	}
out:
	sqlite3_finalize(s);
	return r;
}

/* Networks of one site into a malloc'd array of views into the statement (valid until reset). */
struct net_rows {
	struct cs_site_network *v;
	char **text; /* owned copies, two per network */
	size_t n, alloc;
};

static void net_rows_clear(struct net_rows *nr)
{
	for (size_t i = 0; i < 2 * nr->n; i++)
		free(nr->text[i]);
	nr->n = 0;
}

static void net_rows_free(struct net_rows *nr)
{
	net_rows_clear(nr);
	free(nr->v);
	free(nr->text);
}

static int net_rows_add(struct net_rows *nr, const char *cidr, const char *posture)
{
	if (nr->n == nr->alloc) {
		size_t want = nr->alloc ? nr->alloc * 2 : 8;
		struct cs_site_network *v = reallocarray(nr->v, want, sizeof(*v));
		if (v == NULL)
			return CS_ENOMEM;
		nr->v = v;
		char **t = reallocarray(nr->text, 2 * want, sizeof(*t));
		if (t == NULL)
			return CS_ENOMEM;
		nr->text = t;
		nr->alloc = want;
	}
	char *c = strdup(cidr != NULL ? cidr : ""), *p = strdup(posture != NULL ? posture : "");
	if (c == NULL || p == NULL) {
		free(c);
		free(p);
		return CS_ENOMEM;
	}
	nr->text[2 * nr->n] = c;
	nr->text[2 * nr->n + 1] = p;
	nr->v[nr->n].cidr = c;
	nr->v[nr->n].posture = p;
	nr->n++;
	return CS_OK;
}

static int sq_site_list(struct cs_store *st, const char *name, cs_store_site_cb cb, void *ctx,
			struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL, *ns = NULL;
	struct net_rows nr = {0};
	int rc, r;

	if ((r = once(sq,
		      "SELECT id, name, operator, sensitivity, criterion, created FROM sites "
		      "WHERE ?1 IS NULL OR name = ?1 COLLATE NOCASE ORDER BY id",
		      &s, err)) != CS_OK ||
	    (r = once(sq, "SELECT cidr, posture FROM site_networks WHERE site_id = ?1 ORDER BY id",
		      &ns, err)) != CS_OK)
		goto out;
	bind_text(s, 1, name);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct cs_site site = {
			.id = sqlite3_column_int64(s, 0),
			.name = col_text(s, 1),
			.operator_name = col_text(s, 2),
			.sensitivity = col_text(s, 3),
			.criterion = col_text(s, 4),
			.created = col_text(s, 5),
		};
		int nrc;
		net_rows_clear(&nr);
		sqlite3_reset(ns);
		sqlite3_bind_int64(ns, 1, site.id);
		while ((nrc = sqlite3_step(ns)) == SQLITE_ROW)
			if ((r = net_rows_add(&nr, col_text(ns, 0), col_text(ns, 1))) != CS_OK) {
				r = cs_err_set(err, r, "out of memory");
				goto out;
			}
		if (nrc != SQLITE_DONE) {
			r = db_error(sq, err, "reading networks");
			goto out;
		}
		site.networks = nr.v;
		site.nnetworks = nr.n;
		if ((r = cb(ctx, &site)) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading sites");
out:
	net_rows_free(&nr);
	sqlite3_finalize(ns);
	sqlite3_finalize(s);
	return r;
}

static int sq_attach(struct cs_store *st, int64_t device_id, int64_t site_id, const char *now,
		     struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if (site_id == 0) {
		r = once(sq, "DELETE FROM device_sites WHERE device_id = ?1", &s, err);
	} else {
		r = once(sq,
			 "INSERT INTO device_sites (device_id, site_id, at) VALUES (?1, ?2, ?3) "
			 "ON CONFLICT (device_id) DO UPDATE SET site_id = excluded.site_id, "
			 "at = excluded.at",
			 &s, err);
	}
	if (r != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, device_id);
	if (site_id != 0) {
		sqlite3_bind_int64(s, 2, site_id);
		bind_text(s, 3, now);
	}
	if ((r = run_write(sq, s, "attaching a device", err)) == CS_ENOTFOUND)
		r = cs_err_set(err, CS_ENOTFOUND, "no device %lld in the inventory",
			       (long long)device_id);
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_attach_list(struct cs_store *st,
			  int (*cb)(void *ctx, int64_t device_id, int64_t site_id), void *ctx,
			  struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((r = once(sq, "SELECT device_id, site_id FROM device_sites ORDER BY device_id", &s,
		      err)) != CS_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((r = cb(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1))) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading attachments");
out:
	sqlite3_finalize(s);
	return r;
}

#define WORKFLOW_COLUMNS                                                                           \
	"device_id, state, date, updated, due, cost, owner, evidence, approver, expires, "         \
	"justification"

static void row_to_workflow(sqlite3_stmt *s, struct cs_workflow *w)
{
	memset(w, 0, sizeof(*w));
	w->device_id = sqlite3_column_int64(s, 0);
	w->state = col_text(s, 1);
	w->date = col_text(s, 2);
	w->updated = col_text(s, 3);
	w->due = col_text(s, 4);
	w->has_cost = sqlite3_column_type(s, 5) != SQLITE_NULL;
	w->cost = w->has_cost ? u64_from_db(s, 5) : 0;
	w->owner = col_text(s, 6);
	w->evidence = col_text(s, 7);
	w->approver = col_text(s, 8);
	w->expires = col_text(s, 9);
	w->justification = col_text(s, 10);
}

/* Run a WORKFLOW_COLUMNS query, calling cb per row. */
static int each_workflow(struct sq *sq, sqlite3_stmt *s, cs_store_workflow_cb cb, void *ctx,
			 struct cs_err *err)
{
	struct cs_workflow w;
	int rc, r;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_to_workflow(s, &w);
		if ((r = cb(ctx, &w)) != 0)
			return r < 0 ? r : CS_OK;
	}
	return rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading workflow");
}

static int sq_workflow_get(struct cs_store *st, int64_t device_id, cs_store_workflow_cb cb,
			   void *ctx, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = once(sq, "SELECT " WORKFLOW_COLUMNS " FROM workflow WHERE device_id = ?1", &s,
		      err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, device_id);
	r = each_workflow(sq, s, cb, ctx, err);
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_workflow_put(struct cs_store *st, const struct cs_workflow *w, const char *now,
			   struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = once(sq,
		      "INSERT OR REPLACE INTO workflow (" WORKFLOW_COLUMNS ") VALUES (?1, ?2, "
		      "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		      &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, w->device_id);
	bind_text(s, 2, w->state);
	bind_text(s, 3, w->date);
	bind_text(s, 4, now);
	bind_text(s, 5, w->due);
	if (w->has_cost)
		sqlite3_bind_int64(s, 6, u64_to_db(w->cost));
	bind_text(s, 7, w->owner);
	bind_text(s, 8, w->evidence);
	bind_text(s, 9, w->approver);
	bind_text(s, 10, w->expires);
	bind_text(s, 11, w->justification);
	if ((r = run_write(sq, s, "recording a workflow state", err)) != CS_OK)
		goto fail;
	sqlite3_finalize(s);
	s = NULL;
	if ((r = once(sq,
		      "INSERT INTO workflow_events (device_id, state, date, expires, recorded) "
		      "VALUES (?1, ?2, ?3, ?4, ?5)",
		      &s, err)) != CS_OK)
		goto out;
	sqlite3_bind_int64(s, 1, w->device_id);
	bind_text(s, 2, w->state);
	bind_text(s, 3, w->date);
	bind_text(s, 4, w->expires);
	bind_text(s, 5, now);
	if ((r = run_write(sq, s, "recording a workflow event", err)) != CS_OK)
		goto fail;
	goto out;
fail:
	if (r == CS_ENOTFOUND)
		r = cs_err_set(err, CS_ENOTFOUND, "no device %lld in the inventory",
			       (long long)w->device_id);
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_workflow_list(struct cs_store *st, cs_store_workflow_cb cb, void *ctx,
			    struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = once(sq, "SELECT " WORKFLOW_COLUMNS " FROM workflow ORDER BY device_id", &s,
		      err)) == CS_OK)
		r = each_workflow(sq, s, cb, ctx, err);
	sqlite3_finalize(s);
	return r;
}

static int sq_workflow_events(struct cs_store *st, cs_store_workflow_cb cb, void *ctx,
			      struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	/* The same column positions as WORKFLOW_COLUMNS, with the fields events lack as NULL. */
	if ((r = once(sq,
		      "SELECT device_id, state, date, recorded, NULL, NULL, NULL, NULL, NULL, "
		      "expires, NULL FROM workflow_events ORDER BY device_id, date, id",
		      &s, err)) == CS_OK)
		r = each_workflow(sq, s, cb, ctx, err);
	sqlite3_finalize(s);
	return r;
}

static int sq_audit_add(struct cs_store *st, const struct cs_audit_entry *e, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = once(sq,
		      "INSERT INTO audit_log (at, who, object, action, detail, why) VALUES (?1, "
		      "?2, ?3, ?4, ?5, ?6)",
		      &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, e->at);
	bind_text(s, 2, e->who);
	bind_text(s, 3, e->object);
	bind_text(s, 4, e->action);
	bind_text(s, 5, e->detail);
	bind_text(s, 6, e->why);
	r = step_done(sq, s, "writing the audit log", err);
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_audit_list(struct cs_store *st, const char *object,
			 int (*cb)(void *ctx, const struct cs_audit_entry *e), void *ctx,
			 struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((r = once(sq,
		      "SELECT id, at, who, object, action, detail, why FROM audit_log WHERE ?1 IS "
		      "NULL OR object = ?1 ORDER BY id",
		      &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, object);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const struct cs_audit_entry e = {
			.id = sqlite3_column_int64(s, 0),
			.at = col_text(s, 1),
			.who = col_text(s, 2),
			.object = col_text(s, 3),
			.action = col_text(s, 4),
			.detail = col_text(s, 5),
			.why = col_text(s, 6),
		};
		if ((r = cb(ctx, &e)) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading the audit log");
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_milestone_insert(struct cs_store *st, const struct cs_milestone *m, const char *now,
			       int64_t *id, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = once(sq,
		      "INSERT INTO milestones (name, due, percent, scope, measure, created) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		      &s, err)) != CS_OK)
		goto out;
	bind_text(s, 1, m->name);
	bind_text(s, 2, m->due);
	sqlite3_bind_int(s, 3, (int)m->percent);
	bind_text(s, 4, m->scope);
	bind_text(s, 5, m->measure);
	bind_text(s, 6, now);
	if ((r = run_write(sq, s, "adding a milestone", err)) != CS_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(sq->db);
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_milestone_list(struct cs_store *st,
			     int (*cb)(void *ctx, const struct cs_milestone *m), void *ctx,
			     struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((r = once(sq,
		      "SELECT id, name, due, percent, scope, measure, created FROM milestones "
		      "ORDER BY due, id",
		      &s, err)) != CS_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const struct cs_milestone m = {
			.id = sqlite3_column_int64(s, 0),
			.name = col_text(s, 1),
			.due = col_text(s, 2),
			.percent = (unsigned)sqlite3_column_int(s, 3),
			.scope = col_text(s, 4),
			.measure = col_text(s, 5),
			.created = col_text(s, 6),
		};
		if ((r = cb(ctx, &m)) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading milestones");
out:
	sqlite3_finalize(s);
	return r;
}

static int sq_regressions(struct cs_store *st, int (*cb)(void *ctx, const struct cs_regression *g),
			  void *ctx, struct cs_err *err)
{
	struct sq *sq = impl(st);
	sqlite3_stmt *s = NULL;
	int rc, r;

	/*
	 * Seen on a later day than the removal date (the removal day itself is ambiguous). The
	 * removal date is that of the last "removed" event: a verified device's own date is the
	 * day it was verified.
	 */
	if ((r = once(sq,
		      "SELECT device_id, state, removed_on, scan_id, seen_at, address FROM ("
		      "SELECT w.device_id, w.state, sd.scan_id, sd.seen_at, sd.address, "
		      "(SELECT max(e.date) FROM workflow_events e WHERE e.device_id = w.device_id "
		      "AND e.state = 'removed') AS removed_on "
		      "FROM workflow w JOIN scan_devices sd ON sd.device_id = w.device_id "
		      "WHERE w.state IN ('removed', 'verified')) "
		      "WHERE substr(seen_at, 1, 10) > removed_on ORDER BY device_id, scan_id",
		      &s, err)) != CS_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const struct cs_regression g = {
			.device_id = sqlite3_column_int64(s, 0),
			.state = col_text(s, 1),
			.date = col_text(s, 2),
			.scan_id = sqlite3_column_int64(s, 3),
			.seen_at = col_text(s, 4),
			.address = col_text(s, 5),
		};
		if ((r = cb(ctx, &g)) != 0) {
			r = r < 0 ? r : CS_OK;
			goto out;
		}
	}
	r = rc == SQLITE_DONE ? CS_OK : db_error(sq, err, "reading regressions");
out:
	sqlite3_finalize(s);
	return r;
}

const struct cs_store_backend cs_store_backend_sqlite = {
	.name = "sqlite",
	.accepts = sq_accepts,
	.open = sq_open,
	.close = sq_close,
	.schema_version = sq_schema_version,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.lock_identity = NULL, /* BEGIN IMMEDIATE already serialises writers */
	.find = sq_find,
	.insert_device = sq_insert_device,
	.update_device = sq_update_device,
	.add_change = sq_add_change,
	.add_evidence = sq_add_evidence,
	.replace_coverage = sq_replace_coverage,
	.list = sq_list,
	.get = sq_get,
	.list_history = sq_list_history,
	.scan_insert = sq_scan_insert,
	.scan_update = sq_scan_update,
	.scan_link = sq_scan_link,
	.scan_get = sq_scan_get,
	.scan_list = sq_scan_list,
	.scan_devices = sq_scan_devices,
	.site_insert = sq_site_insert,
	.site_update = sq_site_update,
	.site_set_networks = sq_site_set_networks,
	.site_list = sq_site_list,
	.attach = sq_attach,
	.attach_list = sq_attach_list,
	.workflow_get = sq_workflow_get,
	.workflow_put = sq_workflow_put,
	.workflow_list = sq_workflow_list,
	.workflow_events = sq_workflow_events,
	.audit_add = sq_audit_add,
	.audit_list = sq_audit_list,
	.milestone_insert = sq_milestone_insert,
	.milestone_list = sq_milestone_list,
	.regressions = sq_regressions,
};
