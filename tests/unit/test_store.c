/*
 * test_store.c - tests of the inventory (src/store/) and of `camsweep devices`.
 *
 * Each test opens a fresh SQLite file in its own mkdtemp directory under /tmp. The merge rules
 * (serial, then MAC, then address), history, evidence, coverage, scans and the devices each
 * scan saw, schema versioning and migration, and the round trip of hostile strings are checked
 * through store.h; the forged databases of the refusal and migration tests are written with
 * SQLite directly. The CLI tests run the built binary
 * (CS_TEST_BIN) and are skipped until it exists and has the devices command.
 */
#include "test.h"

#include "store/store.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tmpdb {
	char dir[64];
	char path[128];
};

static bool tmpdb_make(struct tmpdb *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/cs-store-XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return false;
	snprintf(t->path, sizeof(t->path), "%s/inventory.db", t->dir);
	return true;
}

static void tmpdb_remove(struct tmpdb *t)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[160];
	for (size_t i = 0; i < CS_ARRAY_SIZE(suffixes); i++) {
		snprintf(p, sizeof(p), "%s%s", t->path, suffixes[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

static struct cs_store *open_or_fail(const char *path)
{
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	int r = cs_store_open(&st, path, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_store_open(%s): %d %s", path, r, err.msg);
	return st;
}

static int64_t put(struct cs_store *st, const struct cs_device *d, const char *source)
{
	struct cs_err err = {0};
	int64_t id = -1;
	int r = cs_store_put_device(st, d, source, &id, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_store_put_device: %d %s", r, err.msg);
	return id;
}

static struct cs_stored_device *get(struct cs_store *st, int64_t id)
{
	struct cs_stored_device *d = NULL;
	struct cs_err err = {0};
	int r = cs_store_get_device(st, id, &d, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_store_get_device(%lld): %d %s", (long long)id,
			     r, err.msg);
	return d;
}

/* Collects listed ids (and counts callbacks). */
struct ids {
	int64_t id[64];
	size_t n;
	int stop_after; /* return 1 after this many (0: never) */
};

static int collect_ids(void *ctx, const struct cs_stored_device *d)
{
	struct ids *ids = ctx;
	if (ids->n < CS_ARRAY_SIZE(ids->id))
		ids->id[ids->n] = d->id;
	ids->n++;
	return ids->stop_after != 0 && (int)ids->n >= ids->stop_after ? 1 : 0;
}

static size_t count_devices(struct cs_store *st, const struct cs_device_filter *f)
{
	struct ids ids = {0};
	struct cs_err err = {0};
	int r = cs_store_list_devices(st, f, collect_ids, &ids, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_store_list_devices: %d %s", r, err.msg);
	return ids.n;
}

struct changes {
	char field[8][32];
	char old_value[8][64];
	char new_value[8][64];
	char source[8][64];
	size_t n;
};

static int collect_change(void *ctx, const struct cs_device_change *c)
{
	struct changes *ch = ctx;
	if (ch->n < 8) {
		snprintf(ch->field[ch->n], sizeof(ch->field[0]), "%s", c->field);
		snprintf(ch->old_value[ch->n], sizeof(ch->old_value[0]), "%s", c->old_value);
		snprintf(ch->new_value[ch->n], sizeof(ch->new_value[0]), "%s", c->new_value);
		snprintf(ch->source[ch->n], sizeof(ch->source[0]), "%s",
			 c->source != NULL ? c->source : "(null)");
	}
	ch->n++;
	return 0;
}

static struct changes history(struct cs_store *st, int64_t id)
{
	struct changes ch;
	struct cs_err err = {0};
	memset(&ch, 0, sizeof(ch));
	int r = cs_store_list_history(st, id, collect_change, &ch, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_store_list_history: %d %s", r, err.msg);
	return ch;
}

TEST(store_open_creates_schema)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	int v = -1;
	CHECK_INT(cs_store_schema_version(st, &v), CS_OK);
	CHECK_INT(v, CS_STORE_SCHEMA_VERSION);
	CHECK_STR(cs_store_backend_name(st), "sqlite");
	CHECK_INT(count_devices(st, NULL), 0);
	cs_store_close(st);
	cs_store_close(NULL); /* NULL-safe */

	/* The file is in WAL mode and marked as ours. */
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	REQUIRE(sqlite3_open(t.path, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(s) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	CHECK(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'created_by'", -1, &s,
				 NULL) == SQLITE_OK);
	CHECK(sqlite3_step(s) == SQLITE_ROW);
	CHECK(strncmp((const char *)sqlite3_column_text(s, 0), "camsweep ", 9) == 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	tmpdb_remove(&t);
}

TEST(store_merge_by_serial)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_device a = {.manufacturer = "Hikvision",
			      .model = "DS-2CD2042WD-I",
			      .serial = "DS-2CD2042WD-I20160101AACH123456789",
			      .address = "192.0.2.10",
			      .type = CS_DT_CAMERA};
	int64_t id1 = put(st, &a, "identify:a.txt");

	/* Same serial, new address, model unknown this time: the same device, moved. */
	struct cs_device b = {.manufacturer = "hikvision",
			      .serial = "DS-2CD2042WD-I20160101AACH123456789",
			      .address = "192.0.2.11"};
	int64_t id2 = put(st, &b, "scan:2");
	CHECK_INT(id2, id1);
	struct cs_stored_device *d = get(st, id1);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.address, "192.0.2.11");
	CHECK_STR(d->dev.model, "DS-2CD2042WD-I");   /* a NULL does not erase */
	CHECK_STR(d->device_type, "camera");	     /* unknown type does not erase */
	CHECK_STR(d->dev.manufacturer, "hikvision"); /* case change is a change */
	cs_stored_device_free(d);
	struct changes ch = history(st, id1);
	CHECK_INT(ch.n, 2);
	CHECK_STR(ch.field[0], "manufacturer");
	CHECK_STR(ch.field[1], "address");
	CHECK_STR(ch.old_value[1], "192.0.2.10");
	CHECK_STR(ch.new_value[1], "192.0.2.11");
	CHECK_STR(ch.source[1], "scan:2");

	/* The same serial from another maker is another device. */
	struct cs_device c = {.manufacturer = "Dahua",
			      .serial = "DS-2CD2042WD-I20160101AACH123456789",
			      .address = "192.0.2.12"};
	int64_t id3 = put(st, &c, NULL);
	CHECK(id3 != id1);
	/* ... and so is the same serial on another model of the same maker. */
	struct cs_device e = {.manufacturer = "Hikvision",
			      .model = "DS-7608NI-K2",
			      .serial = "DS-2CD2042WD-I20160101AACH123456789"};
	int64_t id4 = put(st, &e, NULL);
	CHECK(id4 != id1 && id4 != id3);
	CHECK_INT(count_devices(st, NULL), 3);
	cs_store_close(st);
	tmpdb_remove(&t);
}

TEST(store_merge_by_mac)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_device a = {.mac = "44:19:b6:00:00:01", .address = "192.0.2.20"};
	int64_t id1 = put(st, &a, "scan:1");
	/* The MAC again, now with a serial and at another address: merged, serial filled. */
	struct cs_device b = {.manufacturer = "Hikvision",
			      .mac = "44:19:B6:00:00:01",
			      .serial = "SERIAL-A-0001",
			      .address = "192.0.2.21"};
	CHECK_INT(put(st, &b, "scan:2"), id1);
	struct cs_stored_device *d = get(st, id1);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.serial, "SERIAL-A-0001");
	CHECK_STR(d->dev.manufacturer, "Hikvision");
	CHECK_STR(d->dev.mac, "44:19:B6:00:00:01");
	cs_stored_device_free(d);
	/* Filling a NULL field is not a change; the address and MAC case are. */
	struct changes ch = history(st, id1);
	CHECK_INT(ch.n, 2);
	CHECK_STR(ch.field[0], "mac");
	CHECK_STR(ch.field[1], "address");

	/* Same MAC, different serial: a cloned MAC, another device. */
	struct cs_device c = {.mac = "44:19:b6:00:00:01", .serial = "SERIAL-B-0002"};
	int64_t id3 = put(st, &c, NULL);
	CHECK(id3 != id1);
	CHECK_INT(count_devices(st, NULL), 2);
	cs_store_close(st);
	tmpdb_remove(&t);
}

TEST(store_merge_by_address)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_device a = {.address = "192.0.2.30", .brand = "Lorex"};
	int64_t id1 = put(st, &a, NULL);
	struct cs_device b = {.address = "192.0.2.30",
			      .manufacturer = "Dahua",
			      .model = "IPC-HDW1230S",
			      .serial = "SN-30-AAAA"};
	CHECK_INT(put(st, &b, NULL), id1);
	struct cs_stored_device *d = get(st, id1);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.brand, "Lorex");
	CHECK_STR(d->dev.manufacturer, "Dahua");
	CHECK_STR(d->dev.serial, "SN-30-AAAA");
	cs_stored_device_free(d);

	/* No merge when the serials differ, even at the same address. */
	struct cs_device c = {.address = "192.0.2.30", .serial = "SN-30-BBBB"};
	int64_t id2 = put(st, &c, NULL);
	CHECK(id2 != id1);
	/* Nor when the MACs differ. */
	struct cs_device e = {.address = "192.0.2.31", .mac = "00:11:22:33:44:01"};
	struct cs_device f = {.address = "192.0.2.31", .mac = "00:11:22:33:44:02"};
	int64_t id3 = put(st, &e, NULL);
	int64_t id4 = put(st, &f, NULL);
	CHECK(id3 != id4);
	/* Nor when another maker's device now answers at the address (a replacement). */
	struct cs_device g = {.address = "192.0.2.32", .manufacturer = "Hikvision"};
	struct cs_device h = {.address = "192.0.2.32", .manufacturer = "Axis"};
	int64_t id5 = put(st, &g, NULL);
	int64_t id6 = put(st, &h, NULL);
	CHECK(id5 != id6);
	/* An address-only sighting merges with the most recently seen record there. */
	struct cs_device i = {.address = "192.0.2.32"};
	CHECK_INT(put(st, &i, NULL), id6);
	cs_store_close(st);
	tmpdb_remove(&t);
}

TEST(store_merge_order)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_device x = {.serial = "ORDER-SERIAL-1", .address = "192.0.2.40"};
	struct cs_device y = {.mac = "00:11:22:33:44:55", .address = "192.0.2.41"};
	int64_t idx = put(st, &x, NULL);
	int64_t idy = put(st, &y, NULL);
	CHECK(idx != idy);
	/* MAC beats address: 192.0.2.40 is x's address, but the MAC is y's. */
	struct cs_device m = {.mac = "00:11:22:33:44:55", .address = "192.0.2.40"};
	CHECK_INT(put(st, &m, NULL), idy);
	/* Serial beats MAC: the MAC is y's, the serial x's; this joins x. */
	struct cs_device s = {.serial = "ORDER-SERIAL-1", .mac = "00:11:22:33:44:55"};
	CHECK_INT(put(st, &s, NULL), idx);
	struct cs_stored_device *d = get(st, idx);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.mac, "00:11:22:33:44:55");
	cs_stored_device_free(d);
	cs_store_close(st);
	tmpdb_remove(&t);
}

TEST(store_placeholder_serials_do_not_merge)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	static const char *const junk[] = {"0", "unknown", "00000000", "", "N/A"};
	int64_t ids[CS_ARRAY_SIZE(junk) * 2];
	size_t n = 0;
	for (size_t i = 0; i < CS_ARRAY_SIZE(junk); i++) {
		struct cs_device a = {.manufacturer = "Generic", .serial = junk[i]};
		ids[n++] = put(st, &a, NULL);
		ids[n++] = put(st, &a, NULL);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			CHECK(ids[i] != ids[j]);
	struct cs_device z1 = {.mac = "00:00:00:00:00:00"};
	CHECK(put(st, &z1, NULL) != put(st, &z1, NULL));

	/* A placeholder does not overwrite a real serial, and does not block a MAC merge. */
	struct cs_device real = {.serial = "REAL-SERIAL-9", .mac = "00:11:22:33:44:66"};
	int64_t id = put(st, &real, NULL);
	struct cs_device later = {.serial = "0", .mac = "00:11:22:33:44:66"};
	CHECK_INT(put(st, &later, NULL), id);
	struct cs_stored_device *d = get(st, id);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.serial, "REAL-SERIAL-9");
	cs_stored_device_free(d);
	cs_store_close(st);
	tmpdb_remove(&t);
}

TEST(store_history_on_firmware_change)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_device a = {.manufacturer = "Hikvision", .serial = "FW-SERIAL-1"};
	int64_t id = put(st, &a, "scan:1");
	a.firmware = "V5.4.0 build 160530"; /* filled: no history */
	CHECK_INT(put(st, &a, "scan:2"), id);
	CHECK_INT(history(st, id).n, 0);
	a.firmware = "V5.5.0 build 170725";
	a.type = CS_DT_CAMERA; /* filled from unknown: no history */
	CHECK_INT(put(st, &a, "scan:3"), id);
	a.type = CS_DT_NVR;
	CHECK_INT(put(st, &a, "scan:4"), id);
	struct changes ch = history(st, id);
	CHECK_INT(ch.n, 2);
	CHECK_STR(ch.field[0], "firmware");
	CHECK_STR(ch.old_value[0], "V5.4.0 build 160530");
	CHECK_STR(ch.new_value[0], "V5.5.0 build 170725");
	CHECK_STR(ch.source[0], "scan:3");
	CHECK_STR(ch.field[1], "device_type");
	CHECK_STR(ch.old_value[1], "camera");
	CHECK_STR(ch.new_value[1], "nvr");
	struct cs_stored_device *d = get(st, id);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.firmware, "V5.5.0 build 170725");
	CHECK_INT(d->dev.type, CS_DT_NVR);
	CHECK(strcmp(d->first_seen, d->last_seen) <= 0);
	CHECK_INT(strlen(d->last_seen), 20);
	CHECK(d->last_seen[10] == 'T' && d->last_seen[19] == 'Z');
	cs_stored_device_free(d);
	cs_store_close(st);
	tmpdb_remove(&t);
}

TEST(store_evidence_appended_and_coverage_replaced)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_evidence ev1[] = {
		{.signal = CS_SIG_HTTP_SERVER,
		 .value = "App-webs/",
		 .implies = "manufacturer=Hikvision",
		 .maker = "Hikvision",
		 .rule = "hik-http-server-webs",
		 .weight = 0.6},
		{.signal = CS_SIG_MODEL,
		 .value = "DS-2CD2042WD-I",
		 .from = "wsd.scope",
		 .rule = "hik-model",
		 .weight = 0.9},
	};
	struct cs_coverage cov1[] = {
		{.policy = "us-ndaa889",
		 .entity = "Hikvision",
		 .basis = "NDAA FY2019 s.889(f)(3)(B)",
		 .status = "covered"},
		{.policy = "uk-psa", .entity = "Hikvision", .status = "covered"},
	};
	struct cs_device a = {.manufacturer = "Hikvision",
			      .serial = "EV-SERIAL-1",
			      .basis = "hardware",
			      .confidence = 0.95,
			      .evidence = ev1,
			      .nevidence = CS_ARRAY_SIZE(ev1),
			      .coverage = cov1,
			      .ncoverage = CS_ARRAY_SIZE(cov1),
			      .covered = true,
			      .covered_status = "covered"};
	int64_t id = put(st, &a, "identify:one.txt");

	struct cs_evidence ev2[] = {
		{.signal = CS_SIG_RTSP_REALM, .value = "IP Camera", .weight = 0.2},
	};
	struct cs_coverage cov2[] = {
		{.policy = "eu-review", .via = "brand EZVIZ", .status = "review"},
	};
	struct cs_device b = {.manufacturer = "Hikvision",
			      .serial = "EV-SERIAL-1",
			      .basis = "label",
			      .confidence = 0.5,
			      .evidence = ev2,
			      .nevidence = 1,
			      .coverage = cov2,
			      .ncoverage = 1,
			      .covered = false,
			      .covered_status = "review"};
	CHECK_INT(put(st, &b, "identify:two.txt"), id);

	struct cs_stored_device *d = get(st, id);
	REQUIRE(d != NULL);
	REQUIRE(d->dev.nevidence == 3);
	REQUIRE(d->origin != NULL);
	CHECK_INT(d->dev.evidence[0].signal, CS_SIG_HTTP_SERVER);
	CHECK_STR(d->dev.evidence[0].value, "App-webs/");
	CHECK_STR(d->dev.evidence[0].implies, "manufacturer=Hikvision");
	CHECK_STR(d->dev.evidence[0].maker, "Hikvision");
	CHECK_STR(d->dev.evidence[0].rule, "hik-http-server-webs");
	CHECK(d->dev.evidence[0].from == NULL);
	CHECK(d->dev.evidence[0].weight > 0.59 && d->dev.evidence[0].weight < 0.61);
	CHECK_STR(d->dev.evidence[1].from, "wsd.scope");
	CHECK_STR(d->origin[1].source, "identify:one.txt");
	CHECK_STR(d->origin[1].signal, "model");
	CHECK_INT(d->dev.evidence[2].signal, CS_SIG_RTSP_REALM);
	CHECK_STR(d->origin[2].source, "identify:two.txt");
	CHECK(d->origin[2].seen_at != NULL && d->origin[2].seen_at[19] == 'Z');
	REQUIRE(d->dev.ncoverage == 1);
	CHECK_STR(d->dev.coverage[0].policy, "eu-review");
	CHECK_STR(d->dev.coverage[0].via, "brand EZVIZ");
	CHECK(d->dev.coverage[0].entity == NULL);
	CHECK_STR(d->dev.coverage[0].status, "review");
	CHECK(!d->dev.covered);
	CHECK_STR(d->dev.covered_status, "review");
	CHECK_STR(d->dev.basis, "label");
	cs_stored_device_free(d);

	/* A sighting with no verdict about the maker (a MAC from ARP) keeps the coverage. */
	b.coverage = cov1;
	b.ncoverage = 2;
	b.covered = true;
	b.covered_status = "covered";
	b.basis = "hardware";
	CHECK_INT(put(st, &b, NULL), id);
	struct cs_device arp = {.serial = "EV-SERIAL-1", .mac = "44:19:b6:00:00:02"};
	CHECK_INT(put(st, &arp, "scan:arp"), id);
	d = get(st, id);
	REQUIRE(d != NULL);
	CHECK_INT(d->dev.ncoverage, 2);
	CHECK(d->dev.covered);
	CHECK_STR(d->dev.covered_status, "covered");
	CHECK_STR(d->dev.mac, "44:19:b6:00:00:02");
	CHECK_INT(d->dev.nevidence, 4);
	cs_stored_device_free(d);

	/* An observation with a verdict and no coverage clears it. */
	b.coverage = NULL;
	b.ncoverage = 0;
	b.covered = false;
	b.covered_status = "not_covered";
	CHECK_INT(put(st, &b, NULL), id);
	d = get(st, id);
	REQUIRE(d != NULL);
	CHECK_INT(d->dev.ncoverage, 0);
	CHECK(d->dev.coverage == NULL);
	CHECK_STR(d->dev.covered_status, "not_covered");
	cs_stored_device_free(d);
	cs_store_close(st);
	tmpdb_remove(&t);
}

TEST(store_list_filters)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_device hik = {.manufacturer = "Hikvision",
				.address = "192.0.2.50",
				.covered = true,
				.covered_status = "covered"};
	struct cs_device dahua = {.manufacturer = "Dahua",
				  .address = "192.0.2.51",
				  .covered = true,
				  .covered_status = "covered"};
	struct cs_device axis = {
		.manufacturer = "Axis", .address = "192.0.2.52", .covered_status = "not_covered"};
	struct cs_device anon = {.address = "192.0.2.53"};
	int64_t ih = put(st, &hik, NULL), id = put(st, &dahua, NULL);
	put(st, &axis, NULL);
	put(st, &anon, NULL);

	CHECK_INT(count_devices(st, NULL), 4);
	struct cs_device_filter f = {.covered_only = true};
	struct ids ids = {0};
	CHECK_INT(cs_store_list_devices(st, &f, collect_ids, &ids, NULL), CS_OK);
	CHECK_INT(ids.n, 2);
	CHECK_INT(ids.id[0], ih);
	CHECK_INT(ids.id[1], id);
	f = (struct cs_device_filter){.manufacturer = "HIKVISION"};
	CHECK_INT(count_devices(st, &f), 1);
	f = (struct cs_device_filter){.covered_only = true, .manufacturer = "axis"};
	CHECK_INT(count_devices(st, &f), 0);
	f = (struct cs_device_filter){.manufacturer = "' OR 1=1 --"};
	CHECK_INT(count_devices(st, &f), 0);

	/* A positive return stops early without an error; a negative one is returned. */
	ids = (struct ids){.stop_after = 2};
	CHECK_INT(cs_store_list_devices(st, NULL, collect_ids, &ids, NULL), CS_OK);
	CHECK_INT(ids.n, 2);
	CHECK_INT(cs_store_get_device(st, 9999, &(struct cs_stored_device *){NULL}, NULL),
		  CS_ENOTFOUND);
	cs_store_close(st);
	tmpdb_remove(&t);
}

static int fail_cb(void *ctx, const struct cs_stored_device *d)
{
	(void)ctx, (void)d;
	return CS_EDATA;
}

TEST(store_list_callback_error)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	struct cs_device a = {.address = "192.0.2.60"};
	put(st, &a, NULL);
	CHECK_INT(cs_store_list_devices(st, NULL, fail_cb, NULL, NULL), CS_EDATA);
	cs_store_close(st);
	tmpdb_remove(&t);
}

/* A list callback may read the store it is listing. */
static int get_inside_list(void *ctx, const struct cs_stored_device *d)
{
	struct cs_store *st = ctx;
	struct cs_stored_device *full = NULL;
	int r = cs_store_get_device(st, d->id, &full, NULL);
	if (r != CS_OK)
		return r;
	r = strcmp(full->dev.address, d->dev.address) == 0 ? 0 : CS_EDATA;
	cs_stored_device_free(full);
	return r;
}

TEST(store_two_connections)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *a = open_or_fail(t.path), *b = open_or_fail(t.path);
	REQUIRE(a != NULL && b != NULL);
	struct cs_device d1 = {.mac = "00:11:22:33:44:77", .address = "192.0.2.90"};
	struct cs_device d2 = {.mac = "00:11:22:33:44:77", .firmware = "2.0"};
	int64_t id = put(a, &d1, "scanner-a");
	/* The second writer (another scanner) sees the first one's record and merges into it. */
	CHECK_INT(put(b, &d2, "scanner-b"), id);
	CHECK_INT(count_devices(a, NULL), 1);
	CHECK_INT(cs_store_list_devices(b, NULL, get_inside_list, b, NULL), CS_OK);
	cs_store_close(a);
	cs_store_close(b);
	tmpdb_remove(&t);
}

TEST(store_reopen_keeps_data)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	struct cs_device a = {.manufacturer = "Uniview", .serial = "REOPEN-1", .type = CS_DT_NVR};
	int64_t id = put(st, &a, "identify:x");
	cs_store_close(st);

	st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	int v = 0;
	CHECK_INT(cs_store_schema_version(st, &v), CS_OK);
	CHECK_INT(v, CS_STORE_SCHEMA_VERSION);
	struct cs_stored_device *d = get(st, id);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.manufacturer, "Uniview");
	CHECK_STR(d->device_type, "nvr");
	CHECK_INT(d->dev.type, CS_DT_NVR);
	cs_stored_device_free(d);
	/* And merging still finds it. */
	CHECK_INT(put(st, &a, NULL), id);
	cs_store_close(st);
	tmpdb_remove(&t);
}

static void set_pragma(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		cs_test_fail(__FILE__, __LINE__, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

TEST(store_refuses_newer_schema)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	struct cs_device a = {.serial = "NEWER-1"};
	put(st, &a, NULL);
	cs_store_close(st);

	set_pragma(t.path, "PRAGMA user_version = 99");
	struct cs_err err = {0};
	st = NULL;
	CHECK_INT(cs_store_open(&st, t.path, &err), CS_ESTORE);
	CHECK(st == NULL);
	CHECK(strstr(err.msg, "newer camsweep") != NULL);
	CHECK(strstr(err.msg, "99") != NULL);
	tmpdb_remove(&t);
}

TEST(store_refuses_foreign_files)
{
	struct tmpdb t;
	struct cs_err err = {0};
	struct cs_store *st = NULL;
	REQUIRE(tmpdb_make(&t));

	/* Another program's SQLite database. */
	set_pragma(t.path, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY)");
	CHECK_INT(cs_store_open(&st, t.path, &err), CS_ESTORE);
	CHECK(strstr(err.msg, "did not create") != NULL);
	unlink(t.path);
	set_pragma(t.path, "PRAGMA application_id = 1234");
	CHECK_INT(cs_store_open(&st, t.path, &err), CS_ESTORE);
	CHECK(strstr(err.msg, "not a camsweep inventory") != NULL);
	unlink(t.path);

	/* Not a database at all. */
	FILE *f = fopen(t.path, "w");
	REQUIRE(f != NULL);
	for (int i = 0; i < 64; i++)
		fputs("this is not a database ", f);
	fclose(f);
	CHECK_INT(cs_store_open(&st, t.path, &err), CS_ESTORE);
	CHECK(strstr(err.msg, "not an SQLite database") != NULL);
	CHECK(st == NULL);
	tmpdb_remove(&t);
}

TEST(store_postgres_not_built)
{
	struct cs_err err = {0};
	struct cs_store *st = NULL;
	CHECK_INT(cs_store_open(&st, "postgres://inventory.example/camsweep", &err), CS_EUNSUPP);
	CHECK_STR(err.msg, "PostgreSQL backend not built");
	CHECK_INT(cs_store_open(&st, "postgresql://u@192.0.2.5/db", &err), CS_EUNSUPP);
	CHECK(st == NULL);
}

TEST(store_default_path)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	char *old_xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char want[256], dir[256];
	char *path = NULL;

	setenv("XDG_DATA_HOME", t.dir, 1);
	CHECK_INT(cs_store_default_path(&path, NULL), CS_OK);
	snprintf(want, sizeof(want), "%s/camsweep/inventory.db", t.dir);
	CHECK_STR(path, want);
	free(path);
	struct cs_store *st = open_or_fail("");
	CHECK(st != NULL);
	cs_store_close(st);
	struct stat sb;
	snprintf(dir, sizeof(dir), "%s/camsweep", t.dir);
	CHECK(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && (sb.st_mode & 0777) == 0700);
	CHECK(stat(want, &sb) == 0);

	/* A relative XDG_DATA_HOME is ignored (XDG spec); HOME is used instead. */
	setenv("XDG_DATA_HOME", "relative/dir", 1);
	setenv("HOME", t.dir, 1);
	CHECK_INT(cs_store_default_path(&path, NULL), CS_OK);
	snprintf(want, sizeof(want), "%s/.local/share/camsweep/inventory.db", t.dir);
	CHECK_STR(path, want);
	free(path);
	st = open_or_fail(NULL);
	CHECK(st != NULL);
	cs_store_close(st);
	CHECK(stat(want, &sb) == 0);

	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	struct cs_err err = {0};
	CHECK_INT(cs_store_default_path(&path, &err), CS_EINVAL);
	CHECK(path == NULL);

	if (old_xdg != NULL)
		setenv("XDG_DATA_HOME", old_xdg, 1);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);

	/* Clean up both trees. */
	static const char *const files[] = {"camsweep/inventory.db",
					    "camsweep/inventory.db-wal",
					    "camsweep/inventory.db-shm",
					    ".local/share/camsweep/inventory.db",
					    ".local/share/camsweep/inventory.db-wal",
					    ".local/share/camsweep/inventory.db-shm"};
	static const char *const dirs[] = {"camsweep", ".local/share/camsweep", ".local/share",
					   ".local"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		snprintf(want, sizeof(want), "%s/%s", t.dir, files[i]);
		unlink(want);
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(dirs); i++) {
		snprintf(want, sizeof(want), "%s/%s", t.dir, dirs[i]);
		rmdir(want);
	}
	tmpdb_remove(&t);
}

/* Bytes 1..255 (no NUL), quotes and SQL, invalid UTF-8: must come back byte for byte. */
static char *junk_string(size_t n, unsigned seed)
{
	char *s = malloc(n + 1);
	static const char sql[] = "'; DROP TABLE devices; -- \"\\ %s %n ";
	for (size_t i = 0; i < n; i++) {
		if (i < sizeof(sql) - 1)
			s[i] = sql[i];
		else {
			seed = seed * 1103515245u + 12345u;
			s[i] = (char)(1 + (seed >> 16) % 255);
		}
	}
	s[n] = '\0';
	return s;
}

TEST(store_hostile_strings_round_trip)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	char *big = junk_string(10 * 1024, 1);
	char *model = junk_string(300, 2);
	char *serial = junk_string(64, 3);
	char *ev_value = junk_string(10 * 1024, 4);
	char *cov_via = junk_string(200, 5);
	char *source = junk_string(100, 6);
	struct cs_evidence ev = {.signal = CS_SIG_HTTP_TITLE, .value = ev_value, .rule = big};
	struct cs_coverage cov = {.policy = "p'\"", .via = cov_via, .status = "covered"};
	struct cs_device a = {.manufacturer = "Hik'vision\"; --",
			      .brand = "\xff\xfe\x1b[2J\x9b"
				       "31m",
			      .model = model,
			      .firmware = big,
			      .serial = serial,
			      .hardware = "\xe2\x80\xae reversed",
			      .address = "192.0.2.70",
			      .evidence = &ev,
			      .nevidence = 1,
			      .coverage = &cov,
			      .ncoverage = 1};
	int64_t id = put(st, &a, source);
	struct cs_stored_device *d = get(st, id);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.manufacturer, a.manufacturer);
	CHECK_STR(d->dev.brand, a.brand);
	CHECK(strcmp(d->dev.model, model) == 0);
	CHECK(strcmp(d->dev.firmware, big) == 0);
	CHECK(strcmp(d->dev.serial, serial) == 0);
	CHECK_STR(d->dev.hardware, a.hardware);
	REQUIRE(d->dev.nevidence == 1 && d->dev.ncoverage == 1);
	CHECK(strcmp(d->dev.evidence[0].value, ev_value) == 0);
	CHECK(strcmp(d->dev.evidence[0].rule, big) == 0);
	CHECK(strcmp(d->origin[0].source, source) == 0);
	CHECK(strcmp(d->dev.coverage[0].via, cov_via) == 0);
	CHECK_STR(d->dev.coverage[0].policy, "p'\"");
	cs_stored_device_free(d);
	/* The junk serial is a usable key: the same junk merges. */
	struct cs_device again = {.serial = serial, .firmware = "1.0"};
	CHECK_INT(put(st, &again, NULL), id);
	struct changes ch = history(st, id);
	CHECK_INT(ch.n, 1);
	CHECK_STR(ch.field[0], "firmware");
	/* The tables survived the SQL in the strings. */
	CHECK_INT(count_devices(st, NULL), 1);

	/* Over the cap: refused, nothing written. */
	char *huge = junk_string(CS_STORE_MAX_FIELD + 1, 7);
	struct cs_device h = {.model = huge};
	struct cs_err err = {0};
	CHECK_INT(cs_store_put_device(st, &h, NULL, NULL, &err), CS_ETOOBIG);
	CHECK(strstr(err.msg, "model") != NULL);
	CHECK_INT(count_devices(st, NULL), 1);
	struct cs_evidence bad = {.signal = CS_SIG_BANNER, .value = NULL};
	struct cs_device hb = {.evidence = &bad, .nevidence = 1};
	CHECK_INT(cs_store_put_device(st, &hb, NULL, NULL, NULL), CS_EINVAL);
	CHECK_INT(cs_store_put_device(st, NULL, NULL, NULL, NULL), CS_EINVAL);
	CHECK_INT(count_devices(st, NULL), 1);

	free(big), free(model), free(serial), free(ev_value), free(cov_via), free(source);
	free(huge);
	cs_store_close(st);
	tmpdb_remove(&t);
}

TEST(store_null_fields)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	struct cs_device empty = {0};
	int64_t id1 = put(st, &empty, NULL);
	int64_t id2 = put(st, &empty, NULL);
	CHECK(id1 != id2); /* nothing to merge on */
	struct cs_stored_device *d = get(st, id1);
	REQUIRE(d != NULL);
	CHECK(d->dev.manufacturer == NULL && d->dev.brand == NULL && d->dev.model == NULL);
	CHECK(d->dev.firmware == NULL && d->dev.serial == NULL && d->dev.mac == NULL);
	CHECK(d->dev.hardware == NULL && d->dev.address == NULL && d->dev.basis == NULL);
	CHECK(d->dev.covered_status == NULL);
	CHECK(!d->dev.covered);
	CHECK_STR(d->device_type, "unknown");
	CHECK_INT(d->dev.type, CS_DT_UNKNOWN);
	CHECK_INT(d->dev.nevidence, 0);
	CHECK_INT(d->dev.ncoverage, 0);
	CHECK(d->first_seen != NULL && d->last_seen != NULL);
	cs_stored_device_free(d);
	cs_stored_device_free(NULL);
	/* Empty strings are kept as empty strings, not turned into NULL. */
	struct cs_device blank = {.model = "", .firmware = ""};
	int64_t id3 = put(st, &blank, NULL);
	d = get(st, id3);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.model, "");
	CHECK_STR(d->dev.firmware, "");
	cs_stored_device_free(d);
	cs_store_close(st);
	tmpdb_remove(&t);
}

/* --- scans ------------------------------------------------------------------------------ */

static int64_t scan_begin(struct cs_store *st, struct cs_scan_record *rec)
{
	struct cs_err err = {0};
	int r = cs_store_scan_begin(st, rec, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_store_scan_begin: %d %s", r, err.msg);
	return rec->id;
}

static struct cs_scan_record *scan_get(struct cs_store *st, int64_t id)
{
	struct cs_scan_record *r = NULL;
	struct cs_err err = {0};
	int rc = cs_store_scan_get(st, id, &r, &err);
	if (rc != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_store_scan_get(%lld): %d %s", (long long)id,
			     rc, err.msg);
	return r;
}

static bool iso_utc(const char *s)
{
	return s != NULL && strlen(s) == 20 && s[4] == '-' && s[10] == 'T' && s[19] == 'Z';
}

/* Collects listed scan ids and statuses. */
struct scan_ids {
	int64_t id[16];
	char status[16][16];
	size_t n;
	int stop_after;
};

static int collect_scans(void *ctx, const struct cs_scan_record *r)
{
	struct scan_ids *ids = ctx;
	if (ids->n < CS_ARRAY_SIZE(ids->id)) {
		ids->id[ids->n] = r->id;
		snprintf(ids->status[ids->n], sizeof(ids->status[0]), "%s", r->status);
	}
	ids->n++;
	return ids->stop_after != 0 && (int)ids->n >= ids->stop_after ? 1 : 0;
}

static int fail_scan_cb(void *ctx, const struct cs_scan_record *r)
{
	(void)ctx, (void)r;
	return CS_EDATA;
}

TEST(store_scan_begin_update_get_list)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_scan_record a = {.status = "done", /* ignored by begin */
				   .ended = "1999-01-01T00:00:00Z",
				   .targets = "192.0.2.0/24,198.51.100.7",
				   .options = "{\"ports\":[80,554],\"rate\":1000}",
				   .shard = 2,
				   .nshards = 4,
				   .seed = UINT64_MAX,
				   .addresses = 64};
	int64_t ia = scan_begin(st, &a);
	CHECK(ia > 0);
	struct cs_scan_record *r = scan_get(st, ia);
	REQUIRE(r != NULL);
	CHECK_INT(r->id, ia);
	CHECK_STR(r->status, "running");
	CHECK(iso_utc(r->started));
	CHECK(r->ended == NULL);
	CHECK_STR(r->targets, a.targets);
	CHECK_STR(r->options, a.options);
	CHECK_INT(r->shard, 2);
	CHECK_INT(r->nshards, 4);
	CHECK(r->seed == UINT64_MAX); /* every bit of a uint64_t survives */
	CHECK(r->addresses == 64 && r->done == 0 && r->live == 0 && r->resume_pos == 0);
	cs_scan_record_free(r);
	cs_scan_record_free(NULL); /* NULL-safe */

	/* Progress while running: counts written, still no end. */
	a.status = "running";
	a.done = 10;
	a.live = 3;
	a.devices = 2;
	a.covered = 1;
	a.resume_pos = 11;
	a.seed = 7;	     /* fixed at begin: not rewritten */
	a.targets = "other"; /* likewise */
	CHECK_INT(cs_store_scan_update(st, &a, NULL), CS_OK);
	r = scan_get(st, ia);
	REQUIRE(r != NULL);
	CHECK_STR(r->status, "running");
	CHECK(r->ended == NULL);
	CHECK(r->done == 10 && r->live == 3 && r->devices == 2 && r->covered == 1);
	CHECK(r->resume_pos == 11);
	CHECK(r->seed == UINT64_MAX);
	CHECK_STR(r->targets, "192.0.2.0/24,198.51.100.7");
	cs_scan_record_free(r);

	/* Interrupted: ended is set; resumed: running again, ended cleared; then done. */
	a.status = "interrupted";
	CHECK_INT(cs_store_scan_update(st, &a, NULL), CS_OK);
	r = scan_get(st, ia);
	REQUIRE(r != NULL);
	CHECK_STR(r->status, "interrupted");
	CHECK(iso_utc(r->ended));
	CHECK(strcmp(r->started, r->ended) <= 0);
	cs_scan_record_free(r);
	a.status = "running";
	CHECK_INT(cs_store_scan_update(st, &a, NULL), CS_OK);
	r = scan_get(st, ia);
	REQUIRE(r != NULL);
	CHECK(r->ended == NULL);
	cs_scan_record_free(r);
	a.status = "done";
	a.done = 64;
	a.resume_pos = 64;
	CHECK_INT(cs_store_scan_update(st, &a, NULL), CS_OK);
	r = scan_get(st, ia);
	REQUIRE(r != NULL);
	CHECK_STR(r->status, "done");
	CHECK(iso_utc(r->ended));
	CHECK(r->done == 64 && r->resume_pos == 64);
	cs_scan_record_free(r);

	/* Two more scans; the list is newest first. */
	struct cs_scan_record b = {.targets = "203.0.113.0/28", .options = "{}"};
	struct cs_scan_record c = {.targets = "cams.txt", .options = "{\"file\":true}"};
	int64_t ib = scan_begin(st, &b), ic = scan_begin(st, &c);
	CHECK(ia < ib && ib < ic);
	b.status = "failed";
	CHECK_INT(cs_store_scan_update(st, &b, NULL), CS_OK);
	struct scan_ids ids = {0};
	CHECK_INT(cs_store_list_scans(st, collect_scans, &ids, NULL), CS_OK);
	REQUIRE(ids.n == 3);
	CHECK_INT(ids.id[0], ic);
	CHECK_INT(ids.id[1], ib);
	CHECK_INT(ids.id[2], ia);
	CHECK_STR(ids.status[0], "running");
	CHECK_STR(ids.status[1], "failed");
	CHECK_STR(ids.status[2], "done");
	ids = (struct scan_ids){.stop_after = 1};
	CHECK_INT(cs_store_list_scans(st, collect_scans, &ids, NULL), CS_OK);
	CHECK_INT(ids.n, 1);
	CHECK_INT(cs_store_list_scans(st, fail_scan_cb, NULL, NULL), CS_EDATA);

	/* Errors: nothing is written. */
	struct cs_err err = {0};
	struct cs_scan_record bad = a;
	bad.status = "paused";
	CHECK_INT(cs_store_scan_update(st, &bad, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "status") != NULL);
	bad.status = NULL;
	CHECK_INT(cs_store_scan_update(st, &bad, NULL), CS_EINVAL);
	bad.status = "RUNNING"; /* statuses are exact */
	CHECK_INT(cs_store_scan_update(st, &bad, NULL), CS_EINVAL);
	bad.status = "done";
	bad.id = 9999;
	CHECK_INT(cs_store_scan_update(st, &bad, &err), CS_ENOTFOUND);
	CHECK_INT(cs_store_scan_update(st, NULL, NULL), CS_EINVAL);
	struct cs_scan_record dummy = {0}, *none = &dummy;
	CHECK_INT(cs_store_scan_get(st, 9999, &none, &err), CS_ENOTFOUND);
	CHECK(none == NULL);
	struct cs_scan_record nt = {.options = "{}"}, no = {.targets = "x"};
	nt.id = no.id = -5;
	CHECK_INT(cs_store_scan_begin(st, &nt, NULL), CS_EINVAL);
	CHECK_INT(cs_store_scan_begin(st, &no, NULL), CS_EINVAL);
	CHECK_INT(cs_store_scan_begin(st, NULL, NULL), CS_EINVAL);
	CHECK(nt.id == -5 && no.id == -5);
	ids = (struct scan_ids){0};
	CHECK_INT(cs_store_list_scans(st, collect_scans, &ids, NULL), CS_OK);
	CHECK_INT(ids.n, 3);
	cs_store_close(st);
	tmpdb_remove(&t);
}

/* Collects the devices of a scan (copies, since the strings die with the callback). */
struct seen {
	int64_t id[8];
	char address[8][64];
	char ports[8][64];
	char manufacturer[8][64];
	bool seen_at_ok[8];
	size_t n;
};

static int collect_seen(void *ctx, const struct cs_stored_device *d)
{
	struct seen *s = ctx;
	if (s->n < CS_ARRAY_SIZE(s->id)) {
		s->id[s->n] = d->id;
		snprintf(s->address[s->n], sizeof(s->address[0]), "%s",
			 d->dev.address != NULL ? d->dev.address : "(null)");
		snprintf(s->ports[s->n], sizeof(s->ports[0]), "%s",
			 d->scan_ports != NULL ? d->scan_ports : "(null)");
		snprintf(s->manufacturer[s->n], sizeof(s->manufacturer[0]), "%s",
			 d->dev.manufacturer != NULL ? d->dev.manufacturer : "(null)");
		s->seen_at_ok[s->n] = iso_utc(d->scan_seen_at) && d->origin == NULL;
	}
	s->n++;
	return 0;
}

static struct seen scan_devices(struct cs_store *st, int64_t scan_id)
{
	struct seen s;
	struct cs_err err = {0};
	memset(&s, 0, sizeof(s));
	int r = cs_store_scan_devices(st, scan_id, collect_seen, &s, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_store_scan_devices: %d %s", r, err.msg);
	return s;
}

static int scan_devices_stop(void *ctx, const struct cs_stored_device *d)
{
	(void)d;
	++*(int *)ctx;
	return 1;
}

TEST(store_scan_link_and_devices)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	struct cs_scan_record s1 = {.targets = "192.0.2.0/24", .options = "{}"};
	struct cs_scan_record s2 = {.targets = "192.0.2.0/24", .options = "{}"};
	int64_t i1 = scan_begin(st, &s1), i2 = scan_begin(st, &s2);
	struct cs_device hik = {
		.manufacturer = "Hikvision", .mac = "44:19:b6:00:00:20", .address = "192.0.2.100"};
	struct cs_device axis = {
		.manufacturer = "Axis", .serial = "ACCC8E000001", .address = "192.0.2.101"};
	int64_t dh = put(st, &hik, "scan:1"), da = put(st, &axis, "scan:1");
	CHECK_INT(cs_store_scan_link(st, i1, da, "192.0.2.101", "80,443", NULL), CS_OK);
	CHECK_INT(cs_store_scan_link(st, i1, dh, "192.0.2.100", "554", NULL), CS_OK);
	/* Seen again in the same scan: one link, updated; a NULL keeps what was seen. */
	CHECK_INT(cs_store_scan_link(st, i1, dh, "192.0.2.100", "80,554", NULL), CS_OK);
	CHECK_INT(cs_store_scan_link(st, i1, da, NULL, NULL, NULL), CS_OK);

	struct seen s = scan_devices(st, i1);
	REQUIRE(s.n == 2);
	CHECK_INT(s.id[0], dh); /* device id order */
	CHECK_INT(s.id[1], da);
	CHECK_STR(s.ports[0], "80,554");
	CHECK_STR(s.address[1], "192.0.2.101");
	CHECK_STR(s.ports[1], "80,443");
	CHECK_STR(s.manufacturer[0], "Hikvision");
	CHECK(s.seen_at_ok[0] && s.seen_at_ok[1]);

	/* The Hikvision moved before the second scan: each scan keeps the address it saw. */
	hik.address = "192.0.2.150";
	CHECK_INT(put(st, &hik, "scan:2"), dh);
	CHECK_INT(cs_store_scan_link(st, i2, dh, "192.0.2.150", NULL, NULL), CS_OK);
	s = scan_devices(st, i1);
	REQUIRE(s.n == 2);
	CHECK_STR(s.address[0], "192.0.2.100");
	s = scan_devices(st, i2);
	REQUIRE(s.n == 1);
	CHECK_STR(s.address[0], "192.0.2.150");
	CHECK_STR(s.ports[0], "(null)");

	/* Device lists and gets never carry scan fields. */
	struct cs_stored_device *d = get(st, dh);
	REQUIRE(d != NULL);
	CHECK(d->scan_ports == NULL && d->scan_seen_at == NULL);
	CHECK_STR(d->dev.address, "192.0.2.150");
	cs_stored_device_free(d);

	/* Unknown scan: no devices. Early stop and errors as for device lists. */
	CHECK_INT(scan_devices(st, 9999).n, 0);
	int calls = 0;
	CHECK_INT(cs_store_scan_devices(st, i1, scan_devices_stop, &calls, NULL), CS_OK);
	CHECK_INT(calls, 1);
	CHECK_INT(cs_store_scan_devices(st, i1, fail_cb, NULL, NULL), CS_EDATA);

	/* Links to a scan or device that does not exist are refused. */
	struct cs_err err = {0};
	CHECK_INT(cs_store_scan_link(st, 9999, dh, NULL, NULL, &err), CS_ENOTFOUND);
	CHECK(strstr(err.msg, "9999") != NULL);
	CHECK_INT(cs_store_scan_link(st, i1, 9999, NULL, NULL, &err), CS_ENOTFOUND);
	char *huge = malloc(CS_STORE_MAX_FIELD + 2);
	REQUIRE(huge != NULL);
	memset(huge, 'p', CS_STORE_MAX_FIELD + 1);
	huge[CS_STORE_MAX_FIELD + 1] = '\0';
	CHECK_INT(cs_store_scan_link(st, i1, dh, NULL, huge, &err), CS_ETOOBIG);
	CHECK(strstr(err.msg, "ports") != NULL);
	s = scan_devices(st, i1);
	CHECK_STR(s.ports[0], "80,554");
	free(huge);
	cs_store_close(st);

	/* The link table really cascades (foreign keys are on in every connection). */
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	REQUIRE(sqlite3_open(t.path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM scans WHERE id = 1", NULL,
			   NULL, NULL) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM scan_devices", -1, &q, NULL) ==
	      SQLITE_OK);
	CHECK(sqlite3_step(q) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(q, 0), 1);
	sqlite3_finalize(q);
	sqlite3_close(db);
	tmpdb_remove(&t);
}

struct exact {
	const char *address, *ports, *manufacturer;
	int matched;
};

static int exact_cb(void *ctx, const struct cs_stored_device *d)
{
	struct exact *e = ctx;
	if (d->dev.address == NULL || d->scan_ports == NULL || d->dev.manufacturer == NULL)
		return CS_EDATA;
	if (strcmp(d->dev.address, e->address) == 0 && strcmp(d->scan_ports, e->ports) == 0 &&
	    strcmp(d->dev.manufacturer, e->manufacturer) == 0)
		e->matched++;
	return 0;
}

TEST(store_scan_hostile_strings_round_trip)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);

	char *targets = junk_string(CS_STORE_MAX_FIELD, 11); /* exactly at the cap */
	char *options = junk_string(5000, 12);
	char *address = junk_string(200, 13);
	char *ports = junk_string(300, 14);
	struct cs_scan_record a = {.targets = targets, .options = options};
	int64_t id = scan_begin(st, &a);
	struct cs_scan_record *r = scan_get(st, id);
	REQUIRE(r != NULL);
	CHECK(strcmp(r->targets, targets) == 0);
	CHECK(strcmp(r->options, options) == 0);
	cs_scan_record_free(r);
	struct cs_device d = {.manufacturer = "Hik'vision\"; --", .address = address};
	int64_t dev = put(st, &d, options);
	CHECK_INT(cs_store_scan_link(st, id, dev, address, ports, NULL), CS_OK);
	/* Compared inside the callback, byte for byte (collect_seen truncates). */
	struct exact want = {
		.address = address, .ports = ports, .manufacturer = "Hik'vision\"; --"};
	CHECK_INT(cs_store_scan_devices(st, id, exact_cb, &want, NULL), CS_OK);
	CHECK_INT(want.matched, 1);

	/* The tables survived the SQL in the strings, and the cap holds. */
	struct scan_ids ids = {0};
	CHECK_INT(cs_store_list_scans(st, collect_scans, &ids, NULL), CS_OK);
	CHECK_INT(ids.n, 1);
	char *huge = junk_string(CS_STORE_MAX_FIELD + 1, 15);
	struct cs_scan_record h = {.targets = "x", .options = huge};
	struct cs_err err = {0};
	CHECK_INT(cs_store_scan_begin(st, &h, &err), CS_ETOOBIG);
	CHECK(strstr(err.msg, "options") != NULL);
	h = (struct cs_scan_record){.targets = huge, .options = "{}"};
	CHECK_INT(cs_store_scan_begin(st, &h, &err), CS_ETOOBIG);
	ids = (struct scan_ids){0};
	CHECK_INT(cs_store_list_scans(st, collect_scans, &ids, NULL), CS_OK);
	CHECK_INT(ids.n, 1);
	free(targets), free(options), free(address), free(ports), free(huge);
	cs_store_close(st);
	tmpdb_remove(&t);
}

/*
 * Migration 1 exactly as released (a copy, frozen on purpose: databases in the field were made
 * by this text, so the test must not follow later edits of store_sqlite.c).
 */
static const char migration1_sql[] =
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
	"CREATE INDEX device_history_device ON device_history (device_id);\n";

/* Rows a version-1 inventory might hold: one device with evidence, coverage and history. */
static const char v1_data_sql[] =
	"INSERT INTO meta VALUES ('created_by', 'camsweep 0.1.0'),"
	" ('created_at', '2024-01-02T03:04:05Z');"
	"INSERT INTO devices (id, first_seen, last_seen, manufacturer, model, serial, address,"
	" device_type, confidence, covered, covered_status)"
	" VALUES (7, '2024-01-02T03:04:05Z', '2024-02-03T04:05:06Z', 'Hikvision',"
	" 'DS-2CD2042WD-I', 'MIGRATE-SERIAL-1', '192.0.2.200', 'camera', 0.9, 1, 'covered');"
	"INSERT INTO evidence (device_id, seen_at, source, signal, value, weight)"
	" VALUES (7, '2024-01-02T03:04:05Z', 'identify:old', 'http.server', 'App-webs/', 0.6);"
	"INSERT INTO coverage (device_id, policy, status) VALUES (7, 'us-ndaa889', 'covered');"
	"INSERT INTO device_history (device_id, at, field, old, new, source)"
	" VALUES (7, '2024-02-03T04:05:06Z', 'firmware', 'V5.4', 'V5.5', 'scan:old');";

static void exec_or_fail(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		cs_test_fail(__FILE__, __LINE__, "%.40s...: %s", sql, msg != NULL ? msg : "?");
	sqlite3_free(msg);
}

/* The schema of a database as one string: "type name sql\n" per object, in name order. */
static char *schema_dump(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	size_t len = 0, cap = 1 << 16;
	char *out = calloc(1, cap);

	if (out == NULL || sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM "
			       "sqlite_master ORDER BY name",
			       -1, &s, NULL) != SQLITE_OK) {
		cs_test_fail(__FILE__, __LINE__, "schema of %s: %s", path, sqlite3_errmsg(db));
		free(out);
		out = NULL;
		goto out;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s\n",
					(const char *)sqlite3_column_text(s, 0));
	if (len >= cap)
		cs_test_fail(__FILE__, __LINE__, "schema of %s longer than %zu", path, cap);
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

TEST(store_migrates_version_1)
{
	struct tmpdb t, fresh;
	REQUIRE(tmpdb_make(&t));
	REQUIRE(tmpdb_make(&fresh));

	/* A version-1 inventory as camsweep 1 left it, with a device, evidence and history. */
	sqlite3 *db = NULL;
	REQUIRE(sqlite3_open(t.path, &db) == SQLITE_OK);
	/* As camsweep 1 left it; journal_mode cannot change inside a transaction. */
	exec_or_fail(db, "PRAGMA journal_mode = WAL");
	exec_or_fail(db, "BEGIN");
	exec_or_fail(db, "PRAGMA application_id = 1668508022"); /* 0x63736976, "csiv" */
	exec_or_fail(db, "PRAGMA user_version = 1");
	exec_or_fail(db, migration1_sql);
	exec_or_fail(db, v1_data_sql);
	exec_or_fail(db, "COMMIT");
	sqlite3_close(db);

	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	int v = 0;
	CHECK_INT(cs_store_schema_version(st, &v), CS_OK);
	CHECK_INT(v, CS_STORE_SCHEMA_VERSION);
	CHECK_INT(CS_STORE_SCHEMA_VERSION, 3);
	/* The old data is intact and still merges. */
	struct cs_stored_device *d = get(st, 7);
	REQUIRE(d != NULL);
	CHECK_STR(d->dev.manufacturer, "Hikvision");
	CHECK_STR(d->dev.serial, "MIGRATE-SERIAL-1");
	CHECK_STR(d->first_seen, "2024-01-02T03:04:05Z");
	CHECK(d->dev.covered);
	CHECK_INT(d->dev.type, CS_DT_CAMERA);
	REQUIRE(d->dev.nevidence == 1 && d->dev.ncoverage == 1);
	CHECK_STR(d->dev.evidence[0].value, "App-webs/");
	CHECK_STR(d->origin[0].source, "identify:old");
	CHECK_STR(d->dev.coverage[0].policy, "us-ndaa889");
	cs_stored_device_free(d);
	struct changes ch = history(st, 7);
	CHECK_INT(ch.n, 1);
	CHECK_STR(ch.new_value[0], "V5.5");
	struct cs_device again = {.manufacturer = "Hikvision", .serial = "MIGRATE-SERIAL-1"};
	CHECK_INT(put(st, &again, NULL), 7);
	/* And the new tables work. */
	struct cs_scan_record sc = {.targets = "192.0.2.200", .options = "{}"};
	int64_t sid = scan_begin(st, &sc);
	CHECK_INT(cs_store_scan_link(st, sid, 7, "192.0.2.200", "80", NULL), CS_OK);
	CHECK_INT(scan_devices(st, sid).n, 1);
	cs_store_close(st);

	/* Reopening a migrated file changes nothing; meta still says who created it. */
	st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	CHECK_INT(cs_store_schema_version(st, &v), CS_OK);
	CHECK_INT(v, CS_STORE_SCHEMA_VERSION);
	cs_store_close(st);
	REQUIRE(sqlite3_open(t.path, &db) == SQLITE_OK);
	sqlite3_stmt *s = NULL;
	CHECK(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'created_by'", -1, &s,
				 NULL) == SQLITE_OK);
	CHECK(sqlite3_step(s) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(s, 0), "camsweep 0.1.0");
	sqlite3_finalize(s);
	sqlite3_close(db);

	/* A migrated inventory has exactly the schema of a new one. */
	st = open_or_fail(fresh.path);
	REQUIRE(st != NULL);
	cs_store_close(st);
	char *a = schema_dump(t.path), *b = schema_dump(fresh.path);
	REQUIRE(a != NULL && b != NULL);
	CHECK_STR(a, b);
	CHECK(strstr(a, "table scans ") != NULL && strstr(a, "table scan_devices ") != NULL);
	free(a), free(b);
	tmpdb_remove(&t);
	tmpdb_remove(&fresh);
}

TEST(store_refuses_version_4)
{
	struct tmpdb t;
	REQUIRE(tmpdb_make(&t));
	struct cs_store *st = open_or_fail(t.path);
	REQUIRE(st != NULL);
	struct cs_scan_record sc = {.targets = "192.0.2.1", .options = "{}"};
	scan_begin(st, &sc);
	cs_store_close(st);

	set_pragma(t.path, "PRAGMA user_version = 4");
	struct cs_err err = {0};
	st = NULL;
	CHECK_INT(cs_store_open(&st, t.path, &err), CS_ESTORE);
	CHECK(st == NULL);
	CHECK(strstr(err.msg, "schema version 4") != NULL);
	CHECK(strstr(err.msg, "up to 3") != NULL);
	/* Refused before anything was written: the version is still 4. */
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	REQUIRE(sqlite3_open(t.path, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(s) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(s, 0), 4);
	sqlite3_finalize(s);
	sqlite3_close(db);
	tmpdb_remove(&t);
}

/* --- `camsweep devices` ------------------------------------------------------------------ */

/* The CLI tests need the built binary with the devices command; until then they are skipped. */
static bool cli_available(void)
{
	const char *bin = getenv("CS_TEST_BIN");
	if (bin == NULL || access(bin, X_OK) != 0)
		return false;
	if (cs_test_run_cli("devices --help", NULL, NULL, NULL) != 0) {
		fprintf(stderr, "skip: %s has no devices command yet\n", bin);
		return false;
	}
	return true;
}

/* A small inventory with a hostile device in it; returns false on failure. */
static bool fill_cli_inventory(struct tmpdb *t)
{
	struct cs_store *st = NULL;
	if (!tmpdb_make(t) || (st = open_or_fail(t->path)) == NULL)
		return false;
	struct cs_coverage cov = {
		.policy = "us-ndaa889", .entity = "Hikvision", .status = "covered"};
	struct cs_device hik = {.manufacturer = "Hikvision",
				.brand = "EZVIZ",
				.model = "CS-C6N",
				.firmware = "V5.3.0",
				.serial = "CLI-SERIAL-1",
				.mac = "44:19:b6:00:00:10",
				.address = "192.0.2.80",
				.type = CS_DT_CAMERA,
				.confidence = 0.9,
				.basis = "hardware",
				.coverage = &cov,
				.ncoverage = 1,
				.covered = true,
				.covered_status = "covered"};
	struct cs_device evil = {.manufacturer = "=HYPERLINK(\"http://192.0.2.99\",\"x\")",
				 .model = "\x1b]0;pwned\x07\x1b[31mRED\x1b[0m\r\nfake row",
				 .firmware = "a,\"b\"\nc <script>&",
				 .serial = "@SUM(1+1)",
				 .address = "192.0.2.81",
				 .confidence = 0.25,
				 .covered_status = "not_covered"};
	bool ok = put(st, &hik, "test") > 0 && put(st, &evil, "test") > 0;
	cs_store_close(st);
	return ok;
}

TEST(store_cli_devices_table)
{
	struct tmpdb t;
	char args[256], *out = NULL, *err = NULL;
	if (!cli_available())
		return;
	REQUIRE(fill_cli_inventory(&t));
	snprintf(args, sizeof(args), "devices --db %s", t.path);
	CHECK_INT(cs_test_run_cli(args, NULL, &out, &err), 0);
	REQUIRE(out != NULL);
	CHECK(strncmp(out, "ID", 2) == 0);
	CHECK(strstr(out, "MANUFACTURER") != NULL && strstr(out, "LAST SEEN") != NULL);
	CHECK(strstr(out, "Hikvision") != NULL);
	CHECK(strstr(out, "192.0.2.80") != NULL);
	CHECK(strstr(out, "covered") != NULL);
	/* No escape, BEL or CR from the device reaches the terminal; a header and two rows. */
	CHECK(strchr(out, '\x1b') == NULL);
	CHECK(strchr(out, '\x07') == NULL);
	CHECK(strchr(out, '\r') == NULL);
	int lines = 0;
	for (const char *p = out; *p != '\0'; p++)
		lines += *p == '\n';
	CHECK_INT(lines, 3);
	CHECK(strstr(out, "?]0;pwned") != NULL);
	free(out), free(err);

	/* Filters. */
	snprintf(args, sizeof(args), "devices --covered --db %s", t.path);
	CHECK_INT(cs_test_run_cli(args, NULL, &out, &err), 0);
	CHECK(strstr(out, "192.0.2.80") != NULL && strstr(out, "192.0.2.81") == NULL);
	free(out), free(err);
	snprintf(args, sizeof(args), "devices --maker hikvision --db %s", t.path);
	CHECK_INT(cs_test_run_cli(args, NULL, &out, &err), 0);
	CHECK(strstr(out, "192.0.2.80") != NULL && strstr(out, "192.0.2.81") == NULL);
	free(out), free(err);
	tmpdb_remove(&t);
}

TEST(store_cli_devices_json)
{
	struct tmpdb t;
	char args[256], *out = NULL, *err = NULL;
	if (!cli_available())
		return;
	REQUIRE(fill_cli_inventory(&t));
	snprintf(args, sizeof(args), "devices --format json --db %s", t.path);
	CHECK_INT(cs_test_run_cli(args, NULL, &out, &err), 0);
	json_error_t jerr;
	json_t *root = json_loads(out, 0, &jerr);
	REQUIRE(root != NULL);
	CHECK(json_is_array(root));
	CHECK_INT(json_array_size(root), 2);
	json_t *a = json_array_get(root, 0), *b = json_array_get(root, 1);
	static const char *const keys[] = {
		"id",	    "manufacturer", "brand",	      "model",	     "firmware",
		"serial",   "mac",	    "hardware",	      "device_type", "confidence",
		"basis",    "covered",	    "covered_status", "address",     "first_seen",
		"last_seen"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(keys); i++)
		CHECK(json_object_get(a, keys[i]) != NULL);
	CHECK_STR(json_string_value(json_object_get(a, "manufacturer")), "Hikvision");
	CHECK_STR(json_string_value(json_object_get(a, "device_type")), "camera");
	CHECK(json_is_true(json_object_get(a, "covered")));
	CHECK(json_is_integer(json_object_get(a, "id")));
	/* Valid UTF-8 hostile strings come back exactly; raw '<' never appears. */
	CHECK_STR(json_string_value(json_object_get(b, "firmware")), "a,\"b\"\nc <script>&");
	CHECK_STR(json_string_value(json_object_get(b, "model")),
		  "\x1b]0;pwned\x07\x1b[31mRED\x1b[0m\r\nfake row");
	CHECK(json_is_null(json_object_get(b, "mac")));
	CHECK(json_is_false(json_object_get(b, "covered")));
	CHECK(strchr(out, '<') == NULL && strchr(out, '\x1b') == NULL);
	json_decref(root);
	free(out), free(err);

	/* An empty selection is an empty array. */
	snprintf(args, sizeof(args), "devices --format json --maker Nobody --db %s", t.path);
	CHECK_INT(cs_test_run_cli(args, NULL, &out, &err), 0);
	root = json_loads(out, 0, &jerr);
	CHECK(root != NULL && json_is_array(root) && json_array_size(root) == 0);
	json_decref(root);
	free(out), free(err);
	tmpdb_remove(&t);
}

TEST(store_cli_devices_csv)
{
	struct tmpdb t;
	char args[256], *out = NULL, *err = NULL;
	if (!cli_available())
		return;
	REQUIRE(fill_cli_inventory(&t));
	snprintf(args, sizeof(args), "devices --format csv --db %s", t.path);
	CHECK_INT(cs_test_run_cli(args, NULL, &out, &err), 0);
	static const char header[] =
		"id,manufacturer,brand,model,firmware,serial,mac,hardware,device_type,confidence,"
		"basis,covered,covered_status,address,first_seen,last_seen,site,workflow_state\r\n";
	CHECK(strncmp(out, header, sizeof(header) - 1) == 0);
	CHECK(strstr(out, ",Hikvision,EZVIZ,CS-C6N,V5.3.0,CLI-SERIAL-1,44:19:b6:00:00:10,,camera,"
			  "0.900,hardware,true,covered,192.0.2.80,") != NULL);
	/* Formula cells defused, quoting per RFC 4180. */
	CHECK(strstr(out, ",\"'=HYPERLINK(\"\"http://192.0.2.99\"\",\"\"x\"\")\",") != NULL);
	CHECK(strstr(out, ",'@SUM(1+1),") != NULL);
	CHECK(strstr(out, ",\"a,\"\"b\"\"\nc <script>&\",") != NULL);
	/* Escape sequences do not survive (CSV is often cat'ed), line breaks in quotes do. */
	CHECK(strchr(out, '\x1b') == NULL && strchr(out, '\x07') == NULL);
	CHECK(strstr(out, ",\"?]0;pwned??[31mRED?[0m\r\nfake row\",") != NULL);
	free(out), free(err);
	tmpdb_remove(&t);
}

TEST(store_cli_devices_errors)
{
	char *out = NULL, *err = NULL;
	if (!cli_available())
		return;
	CHECK_INT(cs_test_run_cli("devices --help", NULL, &out, &err), 0);
	CHECK(strstr(out, "--covered") != NULL && strstr(out, "--format") != NULL);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("devices --format xml --db /nonexistent", NULL, &out, &err), 2);
	CHECK(strstr(err, "xml") != NULL);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("devices --bogus", NULL, NULL, NULL), 2);
	CHECK_INT(cs_test_run_cli("devices stray", NULL, NULL, NULL), 2);
	/* A missing inventory is reported, not created. */
	CHECK_INT(cs_test_run_cli("devices --db /tmp/cs-store-does-not-exist.db", NULL, &out, &err),
		  1);
	CHECK(strstr(err, "no inventory") != NULL);
	CHECK(access("/tmp/cs-store-does-not-exist.db", F_OK) != 0);
	free(out), free(err);
}
