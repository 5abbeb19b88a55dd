/*
 * test_store_programme.c - tests of the removal programme's record in the inventory (schema 3):
 * the v2 -> v3 migration of a file the version-2 build wrote, sites and networks, hand
 * attachment and attachment by address, workflow moves through the store, the append-only
 * audit log (refused by SQLite itself), milestones, and verification and regressions computed
 * from recorded scans. Each test uses a fresh file under /tmp.
 */
#include "test.h"

#include "programme/estate.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tmp {
	char dir[64];
	char path[128];
};

static bool tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/cs-prog-XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return false;
	snprintf(t->path, sizeof(t->path), "%s/inventory.db", t->dir);
	return true;
}

static void tmp_remove(struct tmp *t)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		cs_test_fail(__FILE__, __LINE__, "cannot remove %s", t->dir);
}

static struct cs_store *open_store(const char *path)
{
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	if (cs_store_open(&st, path, &err) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "open %s: %s", path, err.msg);
	return st;
}

static const struct cs_store_actor alice = {.who = "alice", .why = "test"};

static int64_t put_dev(struct cs_store *st, const char *maker, const char *serial,
		       const char *address, bool covered)
{
	struct cs_device d = {.manufacturer = maker,
			      .serial = serial,
			      .address = address,
			      .covered = covered,
			      .covered_status = covered ? "covered" : "not_covered"};
	int64_t id = 0;
	struct cs_err err = {0};
	if (cs_store_put_device(st, &d, "test", &id, &err) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "put: %s", err.msg);
	return id;
}

/* Every table, index and trigger of a file, as SQL text, sorted by name. */
static char *schema_of(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);
	if (out == NULL || sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM "
			       "sqlite_master ORDER BY type, name",
			       -1, &s, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		free(out);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW && len < cap)
		len += (size_t)snprintf(out + len, cap - len, "%s\n",
					(const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

TEST(store_prog_migrates_v2_file)
{
	struct tmp t, fresh;
	char cmd[512];
	const char *fixture = cs_test_fixture("store/inventory-v2.db");
	if (access(fixture, R_OK) != 0) {
		cs_test_fail(__FILE__, __LINE__, "missing fixture %s", fixture);
		return;
	}
	REQUIRE(tmp_make(&t) && tmp_make(&fresh));
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", fixture, t.path);
	REQUIRE(system(cmd) == 0);

	struct cs_store *st = open_store(t.path);
	REQUIRE(st != NULL);
	int v = 0;
	CHECK_INT(cs_store_schema_version(st, &v), CS_OK);
	CHECK_INT(v, 3);
	/* The version-2 data is intact. */
	struct cs_stored_device *d = NULL;
	REQUIRE(cs_store_get_device(st, 1, &d, NULL) == CS_OK);
	CHECK_STR(d->dev.manufacturer, "Hikvision");
	CHECK_STR(d->dev.address, "192.0.2.7");
	CHECK(d->dev.covered);
	CHECK(d->dev.nevidence > 0);
	cs_stored_device_free(d);
	struct cs_scan_record *sc = NULL;
	REQUIRE(cs_store_scan_get(st, 1, &sc, NULL) == CS_OK);
	CHECK_STR(sc->status, "done");
	CHECK_STR(sc->targets, "127.0.0.1-4");
	cs_scan_record_free(sc);
	/* The new tables work on the migrated file. */
	struct cs_site_network nets[] = {{"192.0.2.0/24", "core"}};
	struct cs_site s = {.name = "HQ",
			    .sensitivity = "sensitive",
			    .criterion = "ministerial",
			    .networks = nets,
			    .nnetworks = 1};
	CHECK_INT(cs_store_site_add(st, &s, &alice, NULL, NULL), CS_OK);
	struct cs_workflow w = {.device_id = 1,
				.state = "planned",
				.date = "2024-03-01",
				.due = "2024-06-01",
				.owner = "estates"};
	CHECK_INT(cs_store_workflow_set(st, &w, CS_WF_BY_HAND, &alice, NULL), CS_OK);
	cs_store_close(st);

	/* A migrated inventory has exactly the schema of a new one. */
	st = open_store(fresh.path);
	REQUIRE(st != NULL);
	cs_store_close(st);
	char *a = schema_of(t.path), *b = schema_of(fresh.path);
	REQUIRE(a != NULL && b != NULL);
	CHECK_STR(a, b);
	CHECK(strstr(a, "trigger audit_log_no_update") != NULL);
	CHECK(strstr(a, "table workflow_events") != NULL);
	free(a);
	free(b);
	tmp_remove(&t);
	tmp_remove(&fresh);
}

struct site_rec {
	int n;
	char name[64], crit[64], nets[256];
};

static int site_rec_cb(void *ctx, const struct cs_site *s)
{
	struct site_rec *r = ctx;
	r->n++;
	snprintf(r->name, sizeof(r->name), "%s", s->name);
	snprintf(r->crit, sizeof(r->crit), "%s", s->criterion != NULL ? s->criterion : "-");
	r->nets[0] = '\0';
	for (size_t i = 0; i < s->nnetworks; i++) {
		size_t l = strlen(r->nets);
		snprintf(r->nets + l, sizeof(r->nets) - l, "%s%s:%s", i ? " " : "",
			 s->networks[i].cidr, s->networks[i].posture);
	}
	return 0;
}

struct audit_rec {
	int n;
	char last_action[32], last_detail[512], last_who[32], last_object[64];
};

static int audit_rec_cb(void *ctx, const struct cs_audit_entry *e)
{
	struct audit_rec *r = ctx;
	r->n++;
	snprintf(r->last_action, sizeof(r->last_action), "%s", e->action);
	snprintf(r->last_detail, sizeof(r->last_detail), "%s", e->detail ? e->detail : "");
	snprintf(r->last_who, sizeof(r->last_who), "%s", e->who);
	snprintf(r->last_object, sizeof(r->last_object), "%s", e->object);
	return 0;
}

static struct audit_rec audit_of(struct cs_store *st, const char *object)
{
	struct audit_rec r = {0};
	if (cs_store_list_audit(st, object, audit_rec_cb, &r, NULL) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "audit list failed");
	return r;
}

TEST(store_prog_sites)
{
	struct tmp t;
	REQUIRE(tmp_make(&t));
	struct cs_store *st = open_store(t.path);
	REQUIRE(st != NULL);
	struct cs_err err = {0};
	struct cs_site_network nets[] = {{"192.0.2.0/24", "core"},
					 {"198.51.100.0/25", "segregated"}};
	struct cs_site s = {.name = "HQ London",
			    .operator_name = "Cabinet Office",
			    .sensitivity = "sensitive",
			    .criterion = "ministerial",
			    .networks = nets,
			    .nnetworks = 2};
	int64_t id = 0;
	CHECK_INT(cs_store_site_add(st, &s, &alice, &id, &err), CS_OK);
	CHECK(id > 0);
	/* Names are unique ignoring case. */
	s.name = "hq LONDON";
	CHECK_INT(cs_store_site_add(st, &s, &alice, NULL, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "taken") != NULL);
	/* Bad fields are refused before anything is written. */
	static const struct {
		const char *sens, *crit, *cidr, *posture, *msg;
	} bad[] = {
		{"sensitive", NULL, "192.0.2.0/24", "core", "criterion"},
		{"standard", "ministerial", "192.0.2.0/24", "core", "no criterion"},
		{"secret", NULL, "192.0.2.0/24", "core", "sensitivity"},
		{"standard", NULL, "192.0.2.1/24", "core", "host bits"},
		{"standard", NULL, "192.0.2.0/24", "dmz", "posture"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_site_network n = {bad[i].cidr, bad[i].posture};
		struct cs_site b = {.name = "Other",
				    .sensitivity = bad[i].sens,
				    .criterion = bad[i].crit,
				    .networks = &n,
				    .nnetworks = 1};
		err.msg[0] = '\0';
		if (cs_store_site_add(st, &b, &alice, NULL, &err) == CS_OK ||
		    strstr(err.msg, bad[i].msg) == NULL)
			cs_test_fail(__FILE__, __LINE__, "case %zu: '%s'", i, err.msg);
	}
	struct cs_site_network twice[] = {{"192.0.2.0/24", "core"}, {"192.0.2.0/24", "core"}};
	struct cs_site b = {
		.name = "Twice", .sensitivity = "standard", .networks = twice, .nnetworks = 2};
	CHECK_INT(cs_store_site_add(st, &b, &alice, NULL, &err), CS_EINVAL);
	struct cs_site nowho = {.name = "x", .sensitivity = "standard"};
	const struct cs_store_actor anon = {0};
	CHECK_INT(cs_store_site_add(st, &nowho, &anon, NULL, &err), CS_EINVAL);

	struct site_rec r = {0};
	CHECK_INT(cs_store_site_find(st, "hq london", site_rec_cb, &r, &err), CS_OK);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.name, "HQ London");
	CHECK_STR(r.nets, "192.0.2.0/24:core 198.51.100.0/25:segregated");
	CHECK_INT(cs_store_site_find(st, "nowhere", site_rec_cb, &r, &err), CS_ENOTFOUND);

	/* Edit: rename, make standard, replace the networks. */
	struct cs_site_network nets2[] = {{"203.0.113.0/24", "segregated"}};
	struct cs_site e = {.id = id,
			    .name = "HQ",
			    .sensitivity = "standard",
			    .networks = nets2,
			    .nnetworks = 1};
	CHECK_INT(cs_store_site_edit(st, &e, &alice, &err), CS_OK);
	memset(&r, 0, sizeof(r));
	CHECK_INT(cs_store_list_sites(st, site_rec_cb, &r, &err), CS_OK);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.name, "HQ");
	CHECK_STR(r.crit, "-");
	CHECK_STR(r.nets, "203.0.113.0/24:segregated");
	e.id = 999;
	CHECK_INT(cs_store_site_edit(st, &e, &alice, &err), CS_ENOTFOUND);

	struct audit_rec a = audit_of(st, NULL);
	CHECK_INT(a.n, 2); /* add and edit; refused changes leave no trace */
	CHECK_STR(a.last_action, "site.edit");
	CHECK_STR(a.last_who, "alice");
	CHECK(strstr(a.last_detail, "sensitivity=sensitive:ministerial") != NULL);
	CHECK(strstr(a.last_detail, "-> operator= sensitivity=standard") != NULL);
	cs_store_close(st);
	tmp_remove(&t);
}

TEST(store_prog_audit_is_append_only)
{
	struct tmp t;
	REQUIRE(tmp_make(&t));
	struct cs_store *st = open_store(t.path);
	REQUIRE(st != NULL);
	struct cs_site s = {.name = "Depot", .sensitivity = "standard"};
	CHECK_INT(cs_store_site_add(st, &s, &alice, NULL, NULL), CS_OK);
	cs_store_close(st);

	sqlite3 *db = NULL;
	char *msg = NULL;
	REQUIRE(sqlite3_open(t.path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "UPDATE audit_log SET who = 'mallory'", NULL, NULL, &msg) !=
	      SQLITE_OK);
	CHECK(msg != NULL && strstr(msg, "append-only") != NULL);
	sqlite3_free(msg);
	msg = NULL;
	CHECK(sqlite3_exec(db, "DELETE FROM audit_log", NULL, NULL, &msg) != SQLITE_OK);
	CHECK(msg != NULL && strstr(msg, "append-only") != NULL);
	sqlite3_free(msg);
	sqlite3_close(db);

	st = open_store(t.path);
	REQUIRE(st != NULL);
	struct audit_rec a = audit_of(st, "site:Depot");
	CHECK_INT(a.n, 1);
	CHECK_STR(a.last_who, "alice");
	CHECK_INT(audit_of(st, "site:Other").n, 0);
	cs_store_close(st);
	tmp_remove(&t);
}

struct wf_rec {
	int n;
	char state[16], date[16], due[16], owner[32], evidence[64], expires[16];
	bool has_cost;
	uint64_t cost;
};

static int wf_rec_cb(void *ctx, const struct cs_workflow *w)
{
	struct wf_rec *r = ctx;
	r->n++;
	snprintf(r->state, sizeof(r->state), "%s", w->state);
	snprintf(r->date, sizeof(r->date), "%s", w->date);
	snprintf(r->due, sizeof(r->due), "%s", w->due ? w->due : "-");
	snprintf(r->owner, sizeof(r->owner), "%s", w->owner ? w->owner : "-");
	snprintf(r->evidence, sizeof(r->evidence), "%s", w->evidence ? w->evidence : "-");
	snprintf(r->expires, sizeof(r->expires), "%s", w->expires ? w->expires : "-");
	r->has_cost = w->has_cost;
	r->cost = w->cost;
	return 0;
}

static struct wf_rec wf_of(struct cs_store *st, int64_t id)
{
	struct wf_rec r = {0};
	(void)cs_store_workflow_get(st, id, wf_rec_cb, &r, NULL);
	return r;
}

TEST(store_prog_workflow)
{
	struct tmp t;
	REQUIRE(tmp_make(&t));
	struct cs_store *st = open_store(t.path);
	REQUIRE(st != NULL);
	struct cs_err err = {0};
	int64_t id = put_dev(st, "Hikvision", "DS-1-SERIAL", "192.0.2.7", true);
	CHECK_INT(cs_store_workflow_get(st, id, wf_rec_cb, NULL, &err), CS_ENOTFOUND);

	/* A plan needs a due date and an owner; the date must be real. */
	struct cs_workflow w = {.device_id = id, .state = "planned", .date = "2024-03-01"};
	CHECK_INT(cs_store_workflow_set(st, &w, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "due") != NULL);
	w.due = "2024-06-31";
	w.owner = "estates";
	CHECK_INT(cs_store_workflow_set(st, &w, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	w.due = "2024-06-30";
	w.has_cost = true;
	w.cost = 850;
	CHECK_INT(cs_store_workflow_set(st, &w, CS_WF_BY_HAND, &alice, &err), CS_OK);
	struct wf_rec r = wf_of(st, id);
	CHECK_STR(r.state, "planned");
	CHECK_STR(r.due, "2024-06-30");
	CHECK(r.has_cost && r.cost == 850);

	/* Not by hand to verified; removed needs evidence; the plan is kept. */
	struct cs_workflow v = {.device_id = id, .state = "verified", .date = "2024-05-01"};
	CHECK_INT(cs_store_workflow_set(st, &v, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	struct cs_workflow rm = {.device_id = id, .state = "removed", .date = "2024-05-01"};
	CHECK_INT(cs_store_workflow_set(st, &rm, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "evidence") != NULL);
	rm.evidence = "WEEE-2024-118";
	const struct cs_store_actor nowhy = {.who = "bob"};
	CHECK_INT(cs_store_workflow_set(st, &rm, CS_WF_BY_HAND, &nowhy, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "why") != NULL);
	CHECK_INT(cs_store_workflow_set(st, &rm, CS_WF_BY_HAND, &alice, &err), CS_OK);
	r = wf_of(st, id);
	CHECK_STR(r.state, "removed");
	CHECK_STR(r.evidence, "WEEE-2024-118");
	CHECK_STR(r.owner, "estates");
	/* A removed device cannot be disconnected, nor removed again. */
	struct cs_workflow dc = {.device_id = id, .state = "disconnected", .date = "2024-05-02"};
	CHECK_INT(cs_store_workflow_set(st, &dc, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	CHECK_INT(cs_store_workflow_set(st, &rm, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	/* The scans may verify it. */
	CHECK_INT(cs_store_workflow_set(st, &v, CS_WF_BY_SCANS, &nowhy, &err), CS_OK);
	CHECK_STR(wf_of(st, id).state, "verified");
	CHECK_STR(wf_of(st, id).evidence, "-");

	/* Exempt from any state: approver, expiry after the date, justification. */
	struct cs_workflow ex = {.device_id = id,
				 .state = "exempt",
				 .date = "2024-07-01",
				 .approver = "SIRO",
				 .expires = "2024-07-01"};
	CHECK_INT(cs_store_workflow_set(st, &ex, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "expire after") != NULL);
	ex.expires = "2025-01-01";
	ex.approver = NULL;
	CHECK_INT(cs_store_workflow_set(st, &ex, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	ex.approver = "SIRO";
	CHECK_INT(cs_store_workflow_set(st, &ex, CS_WF_BY_HAND, &alice, &err), CS_OK);
	CHECK_STR(wf_of(st, id).expires, "2025-01-01");
	/* Leaving exempt clears the exemption fields. */
	struct cs_workflow back = {.device_id = id, .state = "identified", .date = "2024-08-01"};
	CHECK_INT(cs_store_workflow_set(st, &back, CS_WF_BY_HAND, &alice, &err), CS_OK);
	CHECK_STR(wf_of(st, id).expires, "-");
	CHECK_INT(cs_store_workflow_set(st, &back, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	/* A move cannot be dated before the current state's date. */
	struct cs_workflow early = {.device_id = id, .state = "disconnected", .date = "2024-07-31"};
	CHECK_INT(cs_store_workflow_set(st, &early, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "since 2024-08-01") != NULL);

	/* Unknown device and unknown state. */
	struct cs_workflow ghost = {
		.device_id = 999, .state = "disconnected", .date = "2024-01-01"};
	CHECK_INT(cs_store_workflow_set(st, &ghost, CS_WF_BY_HAND, &alice, &err), CS_ENOTFOUND);
	ghost.state = "gone";
	CHECK_INT(cs_store_workflow_set(st, &ghost, CS_WF_BY_HAND, &alice, &err), CS_EINVAL);

	/* Every accepted move is one event and one audit row. */
	struct wf_rec evs = {0};
	CHECK_INT(cs_store_list_workflow_events(st, wf_rec_cb, &evs, &err), CS_OK);
	CHECK_INT(evs.n, 5);
	struct audit_rec a = audit_of(st, NULL);
	CHECK_INT(a.n, 5);
	CHECK_STR(a.last_detail, "exempt -> identified on 2024-08-01");
	char obj[32];
	snprintf(obj, sizeof(obj), "device:%lld", (long long)id);
	CHECK_STR(a.last_object, obj);
	cs_store_close(st);
	tmp_remove(&t);
}

TEST(store_prog_attach_and_estate)
{
	struct tmp t;
	REQUIRE(tmp_make(&t));
	struct cs_store *st = open_store(t.path);
	REQUIRE(st != NULL);
	struct cs_err err = {0};
	struct cs_site_network wide[] = {{"192.0.2.0/24", "core"}};
	struct cs_site_network narrow[] = {{"192.0.2.0/26", "segregated"}};
	struct cs_site a = {.name = "Campus",
			    .sensitivity = "sensitive",
			    .criterion = "socpa",
			    .networks = wide,
			    .nnetworks = 1};
	struct cs_site b = {
		.name = "Gatehouse", .sensitivity = "standard", .networks = narrow, .nnetworks = 1};
	CHECK_INT(cs_store_site_add(st, &a, &alice, NULL, &err), CS_OK);
	CHECK_INT(cs_store_site_add(st, &b, &alice, NULL, &err), CS_OK);
	int64_t d1 = put_dev(st, "Hikvision", "SERIAL-AAA1", "192.0.2.7", true);
	int64_t d2 = put_dev(st, "Dahua", "SERIAL-BBB2", "192.0.2.130", true);
	int64_t d3 = put_dev(st, "Dahua", "SERIAL-CCC3", "203.0.113.9", true);

	struct cs_estate e;
	REQUIRE(cs_estate_load(&e, st, &err) == CS_OK);
	bool hand, core;
	CHECK_INT(cs_estate_site_of(&e, d1, "192.0.2.7", &hand, &core), 1); /* /26 wins */
	CHECK(!hand && !core);
	CHECK_INT(cs_estate_site_of(&e, d2, "192.0.2.130", &hand, &core), 0);
	CHECK(core);
	CHECK_INT(cs_estate_site_of(&e, d3, "203.0.113.9", &hand, &core), -1);
	cs_estate_free(&e);

	/* By hand overrides the address; detaching goes back to it. */
	CHECK_INT(cs_store_site_attach(st, d1, "campus", &alice, &err), CS_OK);
	CHECK_INT(cs_store_site_attach(st, d3, "Gatehouse", &alice, &err), CS_OK);
	CHECK_INT(cs_store_site_attach(st, 999, "Gatehouse", &alice, &err), CS_ENOTFOUND);
	CHECK_INT(cs_store_site_attach(st, d1, "Nowhere", &alice, &err), CS_ENOTFOUND);
	REQUIRE(cs_estate_load(&e, st, &err) == CS_OK);
	CHECK_INT(cs_estate_site_of(&e, d1, "192.0.2.7", &hand, &core), 0);
	CHECK(hand);
	CHECK_INT(cs_estate_site_of(&e, d3, "203.0.113.9", &hand, NULL), 1);
	cs_estate_free(&e);
	CHECK_INT(cs_store_site_attach(st, d1, NULL, &alice, &err), CS_OK);
	REQUIRE(cs_estate_load(&e, st, &err) == CS_OK);
	CHECK_INT(cs_estate_site_of(&e, d1, "192.0.2.7", &hand, NULL), 1);
	CHECK(!hand);

	/* Progress through the store: Campus is affected by d2 only (d1 is the Gatehouse's). */
	struct cs_workflow pl = {.device_id = d2,
				 .state = "planned",
				 .date = "2024-03-01",
				 .due = "2024-05-01",
				 .owner = "estates"};
	CHECK_INT(cs_store_workflow_set(st, &pl, CS_WF_BY_HAND, &alice, &err), CS_OK);
	struct cs_workflow w = {
		.device_id = d2, .state = "removed", .date = "2024-05-01", .evidence = "cert-1"};
	CHECK_INT(cs_store_workflow_set(st, &w, CS_WF_BY_HAND, &alice, &err), CS_OK);
	struct cs_progress g;
	struct cs_estate_prog p;
	REQUIRE(cs_estate_prog_load(&p, st, &e, &err) == CS_OK);
	CHECK_INT(p.ndevs, 3);
	CHECK_INT(cs_prog_measure(p.sites, e.nsites, p.devs, p.ndevs, true, "2024-02-28", &g),
		  CS_OK);
	CHECK_INT(g.sites_affected, 0); /* recorded today, known from its first event */
	CHECK_INT(cs_prog_measure(p.sites, e.nsites, p.devs, p.ndevs, true, "2024-04-30", &g),
		  CS_OK);
	CHECK_INT(g.sites_affected, 1);
	CHECK_INT(g.sites_done, 0);
	CHECK_INT(cs_prog_measure(p.sites, e.nsites, p.devs, p.ndevs, true, "2024-05-01", &g),
		  CS_OK);
	CHECK_INT(g.sites_done, 1);
	CHECK_INT(g.devices, 1);
	cs_estate_prog_free(&p);
	cs_estate_free(&e);
	cs_store_close(st);
	tmp_remove(&t);
}

struct ms_rec {
	int n;
	char names[128];
};

static int ms_rec_cb(void *ctx, const struct cs_milestone *m)
{
	struct ms_rec *r = ctx;
	size_t l = strlen(r->names);
	snprintf(r->names + l, sizeof(r->names) - l, "%s%s=%u", r->n++ ? " " : "", m->name,
		 m->percent);
	return 0;
}

TEST(store_prog_milestones)
{
	struct tmp t;
	REQUIRE(tmp_make(&t));
	struct cs_store *st = open_store(t.path);
	REQUIRE(st != NULL);
	struct cs_err err = {0};
	struct cs_milestone m = {.name = "all",
				 .due = "2025-04-30",
				 .percent = 100,
				 .scope = "sensitive",
				 .measure = "sites"};
	CHECK_INT(cs_store_milestone_add(st, &m, &alice, NULL, &err), CS_OK);
	m.name = "half";
	m.due = "2024-04-30";
	m.percent = 50;
	CHECK_INT(cs_store_milestone_add(st, &m, &alice, NULL, &err), CS_OK);
	CHECK_INT(cs_store_milestone_add(st, &m, &alice, NULL, &err), CS_EINVAL);
	m.name = "bad";
	m.percent = 101;
	CHECK_INT(cs_store_milestone_add(st, &m, &alice, NULL, &err), CS_EINVAL);
	m.percent = 70;
	m.scope = "some";
	CHECK_INT(cs_store_milestone_add(st, &m, &alice, NULL, &err), CS_EINVAL);
	m.scope = "all";
	m.measure = "cameras";
	CHECK_INT(cs_store_milestone_add(st, &m, &alice, NULL, &err), CS_EINVAL);
	m.measure = "devices";
	m.due = "2024-02-30";
	CHECK_INT(cs_store_milestone_add(st, &m, &alice, NULL, &err), CS_EINVAL);
	struct ms_rec r = {0};
	CHECK_INT(cs_store_list_milestones(st, ms_rec_cb, &r, &err), CS_OK);
	CHECK_STR(r.names, "half=50 all=100"); /* by date */
	CHECK_INT(audit_of(st, NULL).n, 2);
	cs_store_close(st);
	tmp_remove(&t);
}

struct verify_rec {
	int n;
	enum cs_verify_result result;
	unsigned absent;
};

static int verify_rec_cb(void *ctx, const struct cs_verify_report *v)
{
	struct verify_rec *r = ctx;
	r->n++;
	r->result = v->outcome.result;
	r->absent = v->outcome.absent;
	return 0;
}

static int64_t done_scan(struct cs_store *st, const char *targets, const char *options)
{
	struct cs_scan_record rec = {.targets = targets, .options = options};
	if (cs_store_scan_begin(st, &rec, NULL) != CS_OK)
		return 0;
	rec.status = "done";
	if (cs_store_scan_update(st, &rec, NULL) != CS_OK)
		return 0;
	return rec.id;
}

static int regression_count_cb(void *ctx, const struct cs_regression *g)
{
	int64_t *scan = ctx;
	*scan = g->scan_id;
	return 0;
}

TEST(store_prog_verify_and_regressions)
{
	struct tmp t;
	REQUIRE(tmp_make(&t));
	struct cs_store *st = open_store(t.path);
	REQUIRE(st != NULL);
	struct cs_err err = {0};
	int64_t id = put_dev(st, "Hikvision", "SERIAL-VVV1", "192.0.2.7", true);
	struct cs_workflow w = {
		.device_id = id, .state = "removed", .date = "2020-01-01", .evidence = "cert-9"};
	REQUIRE(cs_store_workflow_set(st, &w, CS_WF_BY_HAND, &alice, &err) == CS_OK);
	const struct cs_store_actor verifier = {.who = "verifier"};
	struct verify_rec r = {0};

	/* One covering scan, one that excluded the address: pending. */
	REQUIRE(done_scan(st, "192.0.2.0/24", "{}") > 0);
	REQUIRE(done_scan(st, "192.0.2.0/24", "{\"exclude\":\"192.0.2.7\"}") > 0);
	CHECK_INT(
		cs_programme_verify(st, 2, true, &verifier, verify_rec_cb, &r, "2030-01-01", &err),
		CS_OK);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.result, CS_VERIFY_PENDING);
	CHECK_INT(r.absent, 1);
	CHECK_STR(wf_of(st, id).state, "removed");
	/* A second covering scan: verified, and recorded (dry run first). */
	REQUIRE(done_scan(st, "192.0.2.1-10", "{\"exclude\":\"\"}") > 0);
	CHECK_INT(
		cs_programme_verify(st, 2, false, &verifier, verify_rec_cb, &r, "2030-01-01", &err),
		CS_OK);
	CHECK_INT(r.result, CS_VERIFY_VERIFIED);
	CHECK_STR(wf_of(st, id).state, "removed");
	CHECK_INT(
		cs_programme_verify(st, 2, true, &verifier, verify_rec_cb, &r, "2030-01-01", &err),
		CS_OK);
	CHECK_STR(wf_of(st, id).state, "verified");
	CHECK(strstr(wf_of(st, id).evidence, "absent from 2 scans") != NULL);
	CHECK_STR(audit_of(st, NULL).last_who, "verifier");

	/* No regression yet; then a scan sees it again. */
	int64_t seen = 0;
	CHECK_INT(cs_store_list_regressions(st, regression_count_cb, &seen, &err), CS_OK);
	CHECK_INT(seen, 0);
	int64_t again = done_scan(st, "192.0.2.0/24", "{}");
	REQUIRE(again > 0);
	CHECK_INT(cs_store_scan_link(st, again, id, "192.0.2.7", "80", &err), CS_OK);
	CHECK_INT(cs_store_list_regressions(st, regression_count_cb, &seen, &err), CS_OK);
	CHECK_INT(seen, again);
	cs_store_close(st);
	tmp_remove(&t);
}
