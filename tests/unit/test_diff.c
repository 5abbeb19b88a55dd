/*
 * test_diff.c - `camsweep diff` and its engine (src/history/scandiff.c) over scans recorded
 * in a temporary inventory through the store API, and `camsweep findings` / `camsweep check`
 * run as the built binary (CS_TEST_BIN) over such an inventory: exit codes, severity
 * filtering, and output that stays safe whatever the devices said.
 */
#include "common/err.h"
#include "history/scandiff.h"
#include "store/store.h"
#include "test.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct inv {
	char dir[64];
	char path[128];
	struct cs_store *st;
};

static bool inv_open(struct inv *v)
{
	struct cs_err err = {0};
	snprintf(v->dir, sizeof(v->dir), "/tmp/cs-diff-XXXXXX");
	if (mkdtemp(v->dir) == NULL)
		return false;
	snprintf(v->path, sizeof(v->path), "%s/inventory.db", v->dir);
	if (cs_store_open(&v->st, v->path, &err) != CS_OK) {
		cs_test_fail(__FILE__, __LINE__, "cs_store_open: %s", err.msg);
		return false;
	}
	return true;
}

static void inv_remove(struct inv *v)
{
	char cmd[160];
	cs_store_close(v->st);
	v->st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", v->dir);
	if (system(cmd) != 0)
		cs_test_fail(__FILE__, __LINE__, "cannot remove %s", v->dir);
}

static int64_t put(struct inv *v, const char *maker, const char *model, const char *serial,
		   const char *firmware, const char *address)
{
	struct cs_device d = {0};
	struct cs_err err = {0};
	int64_t id = -1;
	d.manufacturer = maker;
	d.model = model;
	d.serial = serial;
	d.firmware = firmware;
	d.address = address;
	d.type = CS_DT_CAMERA;
	d.basis = "hardware";
	d.confidence = 0.9;
	if (cs_store_put_device(v->st, &d, "test", &id, &err) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "put: %s", err.msg);
	return id;
}

static int64_t scan_begin(struct inv *v, const char *targets, const char *options)
{
	struct cs_scan_record rec = {.targets = targets, .options = options, .nshards = 1};
	struct cs_err err = {0};
	if (cs_store_scan_begin(v->st, &rec, &err) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "scan_begin: %s", err.msg);
	return rec.id;
}

static void scan_end(struct inv *v, int64_t id, const char *status)
{
	struct cs_scan_record rec = {.id = id, .status = status};
	struct cs_err err = {0};
	if (cs_store_scan_update(v->st, &rec, &err) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "scan_update: %s", err.msg);
}

static void scan_link(struct inv *v, int64_t scan, int64_t dev, const char *address)
{
	struct cs_err err = {0};
	if (cs_store_scan_link(v->st, scan, dev, address, "80", &err) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "scan_link: %s", err.msg);
}

struct estate {
	int64_t a, b, moved, gone, outside, excluded, same, fresh, far;
};

/*
 * Scan A sees five devices; a second later scan B, over a different target set, sees the
 * moved-and-upgraded one, the unchanged one and two new ones. History times have one-second
 * resolution, hence the sleep.
 */
static void build_estate(struct inv *v, struct estate *e)
{
	e->a = scan_begin(v, "192.0.2.0/24 198.51.100.0/28", "{\"exclude\":\"\"}");
	e->moved = put(v, "Hikvision", "DS-2CD2032F-I", "HIKSERIAL0001", "V5.4.0 build 160101",
		       "192.0.2.10");
	scan_link(v, e->a, e->moved, "192.0.2.10");
	e->gone = put(v, "Hikvision", "DS-2CD2132F-IS", "HIKSERIAL0002", "V5.4.0", "192.0.2.11");
	scan_link(v, e->a, e->gone, "192.0.2.11");
	e->outside = put(v, "Dahua", "IPC-HFW3541E-AS", "DAHSERIAL0003", NULL, "198.51.100.5");
	scan_link(v, e->a, e->outside, "198.51.100.5");
	e->excluded = put(v, "Dahua", "IPC-HFW2431S", "DAHSERIAL0004", NULL, "192.0.2.200");
	scan_link(v, e->a, e->excluded, "192.0.2.200");
	e->same = put(v, "Axis", "P3245-LV", "AXISSERIAL05", "9.80.1", "192.0.2.30");
	scan_link(v, e->a, e->same, "192.0.2.30");
	scan_end(v, e->a, "done");
	sleep(1);
	e->b = scan_begin(v, "192.0.2.0/24,203.0.113.0/30", "{\"exclude\":\"192.0.2.200\"}");
	int64_t again = put(v, "Hikvision", "DS-2CD2032F-I", "HIKSERIAL0001", "V5.5.0 build 191126",
			    "192.0.2.12");
	if (again != e->moved)
		cs_test_fail(__FILE__, __LINE__, "the moved camera did not merge by serial");
	scan_link(v, e->b, e->moved, "192.0.2.12");
	scan_link(v, e->b, e->same, "192.0.2.30");
	e->fresh = put(v, "Hikvision", "DS-2CD2143G2-I", "HIKSERIAL0006", "V5.7.3build 220112",
		       "192.0.2.20");
	scan_link(v, e->b, e->fresh, "192.0.2.20");
	e->far = put(v, "Dahua", "IPC-HDBW5442R-ASE", "DAHSERIAL0007", NULL, "203.0.113.1");
	scan_link(v, e->b, e->far, "203.0.113.1");
	scan_end(v, e->b, "done");
	/* A later scan still running is not a default side of the diff. */
	(void)scan_begin(v, "192.0.2.0/24", "{}");
}

static const struct cs_diff_entry *entry(const struct cs_scan_diff *d, int64_t id)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].device_id == id)
			return &d->v[i];
	return NULL;
}

static const struct cs_diff_change *change(const struct cs_diff_entry *e, const char *field)
{
	for (size_t i = 0; e != NULL && i < e->nchanges; i++)
		if (strcmp(e->changes[i].field, field) == 0)
			return &e->changes[i];
	return NULL;
}

TEST(diff_engine_new_gone_changed)
{
	struct inv v;
	struct estate e;
	struct cs_scan_diff d;
	struct cs_err err = {0};
	int64_t a = 0, b = 0;
	REQUIRE(inv_open(&v));
	build_estate(&v, &e);

	CHECK_INT(cs_scan_diff_latest_pair(v.st, &a, &b, &err), CS_OK);
	CHECK_INT(a, e.a);
	CHECK_INT(b, e.b);
	REQUIRE(cs_scan_diff(v.st, e.a, e.b, &d, &err) == CS_OK);
	CHECK_INT(d.in_a, 5);
	CHECK_INT(d.in_b, 4);
	CHECK_INT(d.unchanged, 1);
	CHECK(d.a_targets_known && d.b_targets_known);

	const struct cs_diff_entry *x = entry(&d, e.moved);
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, CS_DIFF_CHANGED);
	CHECK_INT(x->nchanges, 2);
	const struct cs_diff_change *c = change(x, "address");
	REQUIRE(c != NULL);
	CHECK_STR(c->before, "192.0.2.10");
	CHECK_STR(c->after, "192.0.2.12");
	c = change(x, "firmware");
	REQUIRE(c != NULL);
	CHECK_STR(c->before, "V5.4.0 build 160101"); /* rebuilt from history */
	CHECK_STR(c->after, "V5.5.0 build 191126");

	x = entry(&d, e.gone);
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, CS_DIFF_GONE);
	CHECK_STR(x->values[0], "192.0.2.11");
	x = entry(&d, e.outside);
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, CS_DIFF_UNSEEN);
	CHECK(strstr(x->reason, "outside") != NULL);
	x = entry(&d, e.excluded); /* inside the /24 but excluded from scan B */
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, CS_DIFF_UNSEEN);
	x = entry(&d, e.fresh);
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, CS_DIFF_NEW);
	CHECK(x->reason == NULL);
	x = entry(&d, e.far);
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, CS_DIFF_NEW);
	CHECK(x->reason != NULL && strstr(x->reason, "outside the earlier") != NULL);
	CHECK(entry(&d, e.same) == NULL);
	/* Ordered: new, gone, changed, unseen. */
	for (size_t i = 1; i < d.n; i++)
		CHECK(d.v[i - 1].kind <= d.v[i].kind);
	cs_scan_diff_free(&d);

	/* Backwards, the new devices are gone or unseen and the change is reversed. */
	REQUIRE(cs_scan_diff(v.st, e.b, e.a, &d, &err) == CS_OK);
	x = entry(&d, e.fresh);
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, CS_DIFF_GONE);
	x = entry(&d, e.far);
	REQUIRE(x != NULL);
	CHECK_INT(x->kind, CS_DIFF_UNSEEN);
	c = change(entry(&d, e.moved), "firmware");
	REQUIRE(c != NULL);
	CHECK_STR(c->before, "V5.5.0 build 191126");
	CHECK_STR(c->after, "V5.4.0 build 160101");
	cs_scan_diff_free(&d);

	CHECK_INT(cs_scan_diff(v.st, e.a, 999, &d, &err), CS_ENOTFOUND);
	inv_remove(&v);
}

TEST(diff_gone_needs_a_complete_scan)
{
	struct inv v;
	struct cs_scan_diff d;
	struct cs_err err = {0};
	int64_t a = 0, b = 0;
	REQUIRE(inv_open(&v));
	CHECK_INT(cs_scan_diff_latest_pair(v.st, &a, &b, &err), CS_ENOTFOUND);
	int64_t s1 = scan_begin(&v, "192.0.2.0/24", "{}");
	int64_t dev = put(&v, "Hikvision", "DS-2CD2032F-I", "HIKSERIAL0100", NULL, "192.0.2.5");
	scan_link(&v, s1, dev, "192.0.2.5");
	scan_end(&v, s1, "done");
	CHECK_INT(cs_scan_diff_latest_pair(v.st, &a, &b, &err), CS_ENOTFOUND);
	CHECK(strstr(err.msg, "1 completed scan") != NULL);

	/* Interrupted: it may not have reached the address. */
	int64_t s2 = scan_begin(&v, "192.0.2.0/24", "{}");
	scan_end(&v, s2, "interrupted");
	REQUIRE(cs_scan_diff(v.st, s1, s2, &d, &err) == CS_OK);
	REQUIRE(d.n == 1);
	CHECK_INT(d.v[0].kind, CS_DIFF_UNSEEN);
	CHECK(strstr(d.v[0].reason, "did not complete") != NULL);
	cs_scan_diff_free(&d);

	/* Targets from a file that is gone: cannot say. */
	int64_t s3 = scan_begin(&v, "-iL:/nonexistent/camsweep-targets.txt", "{}");
	scan_end(&v, s3, "done");
	REQUIRE(cs_scan_diff(v.st, s1, s3, &d, &err) == CS_OK);
	REQUIRE(d.n == 1);
	CHECK_INT(d.v[0].kind, CS_DIFF_UNSEEN);
	CHECK(!d.b_targets_known);
	cs_scan_diff_free(&d);

	/* Complete and covering: gone. */
	int64_t s4 = scan_begin(&v, "192.0.2.1-192.0.2.9", "{}");
	scan_end(&v, s4, "done");
	REQUIRE(cs_scan_diff(v.st, s1, s4, &d, &err) == CS_OK);
	REQUIRE(d.n == 1);
	CHECK_INT(d.v[0].kind, CS_DIFF_GONE);
	cs_scan_diff_free(&d);
	inv_remove(&v);
}

TEST(diff_targets_contain)
{
	struct cs_scan_record r = {.targets = "192.0.2.0/24 198.51.100.7",
				   .options = "{\"exclude\":\"192.0.2.128/25\"}"};
	CHECK_INT(cs_scan_targets_contain(&r, "192.0.2.1"), 1);
	CHECK_INT(cs_scan_targets_contain(&r, "198.51.100.7"), 1);
	CHECK_INT(cs_scan_targets_contain(&r, "192.0.2.200"), 0);
	CHECK_INT(cs_scan_targets_contain(&r, "203.0.113.1"), 0);
	CHECK_INT(cs_scan_targets_contain(&r, "2001:db8::1"), -1);
	CHECK_INT(cs_scan_targets_contain(&r, "not an address"), -1);
	CHECK_INT(cs_scan_targets_contain(&r, NULL), -1);
	struct cs_scan_record bad = {.targets = "192.0.2.0/33", .options = "{}"};
	CHECK_INT(cs_scan_targets_contain(&bad, "192.0.2.1"), -1);
	struct cs_scan_record nojson = {.targets = "192.0.2.0/24", .options = "not json"};
	CHECK_INT(cs_scan_targets_contain(&nojson, "192.0.2.1"), 1);
}

/* --- the commands ---------------------------------------------------------------------------- */

static bool have_binary(void)
{
	const char *bin = getenv("CS_TEST_BIN");
	return bin != NULL && access(bin, X_OK) == 0;
}

/* Run the binary with printf-formatted arguments (a macro, so the format stays literal). */
#define run(fmt, arg, out, err)                                                                    \
	({                                                                                         \
		char cmd_[1024];                                                                   \
		snprintf(cmd_, sizeof(cmd_), fmt, arg);                                            \
		cs_test_run_cli(cmd_, NULL, out, err);                                             \
	})

TEST(diff_command)
{
	if (!have_binary())
		return;
	struct inv v;
	struct estate e;
	char *out, *err;
	REQUIRE(inv_open(&v));
	build_estate(&v, &e);
	cs_store_close(v.st);
	v.st = NULL;

	CHECK_INT(run("diff --db %s --format json", v.path, &out, &err), 0);
	json_t *j = json_loads(out, 0, NULL);
	REQUIRE(json_is_object(j));
	CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "scan_a"), "id")), e.a);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "scan_b"), "id")), e.b);
	CHECK_INT(json_array_size(json_object_get(j, "new")), 2);
	CHECK_INT(json_array_size(json_object_get(j, "gone")), 1);
	CHECK_INT(json_array_size(json_object_get(j, "changed")), 1);
	CHECK_INT(json_array_size(json_object_get(j, "unseen")), 2);
	json_t *sum = json_object_get(j, "summary");
	CHECK_INT(json_integer_value(json_object_get(sum, "unchanged")), 1);
	json_t *ch = json_array_get(json_object_get(j, "changed"), 0);
	CHECK_INT(json_integer_value(json_object_get(ch, "device_id")), e.moved);
	CHECK_STR(json_string_value(json_object_get(ch, "firmware")), "V5.5.0 build 191126");
	CHECK_INT(json_array_size(json_object_get(ch, "changes")), 2);
	json_decref(j);
	free(out);
	free(err);

	char args[512];
	snprintf(args, sizeof(args), "diff --db %s --format csv %lld %lld", v.path, (long long)e.a,
		 (long long)e.b);
	CHECK_INT(cs_test_run_cli(args, NULL, &out, &err), 0);
	CHECK(strncmp(out, "kind,device_id,address,", 23) == 0);
	CHECK(strstr(out, "changed,") != NULL);
	CHECK(strstr(out, ",firmware,V5.4.0 build 160101,V5.5.0 build 191126,") != NULL);
	CHECK(strstr(out, "gone,") != NULL);
	free(out);
	free(err);

	CHECK_INT(run("diff --db %s", v.path, &out, &err), 0);
	CHECK(strstr(out, "2 new, 1 gone, 1 changed, 1 unchanged, 2 unseen") != NULL);
	CHECK(strstr(out, "firmware: V5.4.0 build 160101 -> V5.5.0 build 191126") != NULL);
	free(out);
	free(err);

	CHECK_INT(run("diff --db %s 1", v.path, &out, &err), 2);
	free(out);
	free(err);
	CHECK_INT(run("diff --db %s one two", v.path, &out, &err), 2);
	free(out);
	free(err);
	CHECK_INT(run("diff --db %s --format xml", v.path, &out, &err), 2);
	free(out);
	free(err);
	CHECK_INT(run("diff --db %s 98 99", v.path, &out, &err), 1);
	CHECK(strstr(err, "no scan") != NULL);
	free(out);
	free(err);
	CHECK_INT(run("diff --db %s/missing.db", v.dir, &out, &err), 1);
	free(out);
	free(err);
	inv_remove(&v);
}

static struct cs_coverage cov = {"uk-nil", "Hikvision", "WMS", "", "", "covered"};

/* A covered camera in CVE-2017-7921's range, with hostile strings, and a harmless one. */
static void build_findings_estate(struct inv *v, const char *serial)
{
	struct cs_device d = {0};
	struct cs_err err = {0};
	d.manufacturer = "Hikvision";
	d.brand = "Evil\" <b>&\x1b]0;x\x07";
	d.model = "DS-2CD2032F-I";
	d.firmware = "V5.3.0 build 150101";
	d.serial = serial;
	d.address = "192.0.2.10";
	d.type = CS_DT_CAMERA;
	d.basis = "hardware";
	d.covered = true;
	d.covered_status = "covered";
	d.coverage = &cov;
	d.ncoverage = 1;
	if (cs_store_put_device(v->st, &d, "test", NULL, &err) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "put: %s", err.msg);
	struct cs_device a = {0};
	a.manufacturer = "Axis";
	a.model = "P3245-LV";
	a.serial = "ACCC8EF0A1B2";
	a.firmware = "9.80.1";
	a.covered_status = "not_covered";
	if (cs_store_put_device(v->st, &a, "test", NULL, &err) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "put: %s", err.msg);
	cs_store_close(v->st);
	v->st = NULL;
}

TEST(findings_command_outputs)
{
	if (!have_binary())
		return;
	struct inv v;
	char *out, *err;
	const char *serial = "SER\x1b[2J=1+2,\"x\"\xe2\x80\xae";
	REQUIRE(inv_open(&v));
	build_findings_estate(&v, serial);

	CHECK_INT(run("findings --db %s --format json", v.path, &out, &err), 0);
	CHECK(strchr(out, '\x1b') == NULL);
	CHECK(strchr(out, '<') == NULL); /* written as \u003c */
	json_t *j = json_loads(out, 0, NULL);
	REQUIRE(json_is_array(j));
	CHECK(json_array_size(j) >= 3); /* kev-version, covered-elsewhere, vuln-version */
	const char *prev = "critical";
	static const char *const order[] = {"info", "low", "medium", "high", "critical"};
	bool kev = false;
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *f = json_array_get(j, i);
		const char *sev = json_string_value(json_object_get(f, "severity"));
		int rank = -1, prank = -1;
		for (int k = 0; k < 5; k++) {
			rank = sev != NULL && strcmp(sev, order[k]) == 0 ? k : rank;
			prank = strcmp(prev, order[k]) == 0 ? k : prank;
		}
		CHECK(rank >= 0 && rank <= prank); /* most severe first */
		prev = sev != NULL ? sev : prev;
		const char *rule = json_string_value(json_object_get(f, "rule"));
		if (rule != NULL && strcmp(rule, "kev-version") == 0) {
			kev = true;
			CHECK_STR(json_string_value(json_object_get(f, "cve")), "CVE-2017-7921");
			json_t *dev = json_object_get(f, "device");
			CHECK_STR(json_string_value(json_object_get(dev, "serial")), serial);
			CHECK_STR(json_string_value(json_object_get(dev, "brand")),
				  "Evil\" <b>&\x1b]0;x\x07");
			CHECK(json_array_size(json_object_get(f, "evidence")) > 3);
		}
		/* The Axis camera raises nothing. */
		CHECK(strcmp(json_string_value(
				     json_object_get(json_object_get(f, "device"), "manufacturer")),
			     "Axis") != 0);
	}
	CHECK(kev);
	json_decref(j);
	free(out);
	free(err);

	CHECK_INT(run("findings --db %s --min-severity high --format json", v.path, &out, &err), 0);
	j = json_loads(out, 0, NULL);
	REQUIRE(json_is_array(j));
	CHECK(json_array_size(j) >= 1);
	for (size_t i = 0; i < json_array_size(j); i++) {
		const char *sev =
			json_string_value(json_object_get(json_array_get(j, i), "severity"));
		CHECK(sev != NULL && (strcmp(sev, "high") == 0 || strcmp(sev, "critical") == 0));
	}
	json_decref(j);
	free(out);
	free(err);

	CHECK_INT(run("findings --db %s", v.path, &out, &err), 0);
	CHECK(strchr(out, '\x1b') == NULL);
	CHECK(strchr(out, '\x07') == NULL);
	CHECK(strstr(out, "kev-version") != NULL);
	CHECK(strstr(out, "covered-elsewhere") != NULL);
	free(out);
	free(err);

	CHECK_INT(run("findings --db %s --format csv", v.path, &out, &err), 0);
	CHECK(strncmp(out, "severity,rule,device_id,address,", 32) == 0);
	CHECK(strstr(out, "high,kev-version,") != NULL);
	CHECK(strchr(out, '\x1b') == NULL);
	free(out);
	free(err);

	/* --policy: the camera is covered only under uk-nil. */
	CHECK_INT(run("findings --db %s --policy us-ndaa889 --format csv", v.path, &out, &err), 0);
	CHECK(strstr(out, "covered-elsewhere") == NULL);
	CHECK(strstr(out, "kev-version") != NULL); /* versions do not depend on policy */
	free(out);
	free(err);

	CHECK_INT(run("findings --db %s --min-severity urgent", v.path, &out, &err), 2);
	free(out);
	free(err);
	CHECK_INT(run("findings --db %s --policy no-such-policy", v.path, &out, &err), 2);
	free(out);
	free(err);
	CHECK_INT(run("findings --db %s extra", v.path, &out, &err), 2);
	free(out);
	free(err);
	inv_remove(&v);
}

TEST(check_command_exit_codes)
{
	if (!have_binary())
		return;
	struct inv v;
	char *out, *err;
	REQUIRE(inv_open(&v));
	build_findings_estate(&v, "HIKSERIAL9999");

	/* A KEV finding (high) is there: the default threshold (high) trips. */
	CHECK_INT(run("check --db %s", v.path, &out, &err), 3);
	CHECK(strstr(out, "kev-version") != NULL);
	CHECK(strstr(out, "covered-elsewhere") == NULL); /* medium: below the threshold */
	CHECK(strstr(out, "at or above high") != NULL);
	free(out);
	free(err);
	CHECK_INT(run("check --db %s --threshold critical", v.path, &out, &err), 0);
	CHECK(strstr(out, "0 findings at or above critical") != NULL);
	free(out);
	free(err);
	CHECK_INT(run("check --db %s --threshold medium --quiet", v.path, &out, &err), 3);
	CHECK_STR(out, "");
	free(out);
	free(err);
	CHECK_INT(run("check --db %s --threshold info -q", v.path, &out, &err), 3);
	free(out);
	free(err);
	CHECK_INT(run("check --db %s --threshold severe", v.path, &out, &err), 2);
	free(out);
	free(err);
	CHECK_INT(run("check --db %s/missing.db", v.dir, &out, &err), 1);
	CHECK(strstr(err, "no inventory") != NULL);
	free(out);
	free(err);
	CHECK_INT(run("check --db %s --data-dir /nonexistent", v.path, &out, &err), 1);
	free(out);
	free(err);
	inv_remove(&v);

	/* Only an unaffected, uncovered device: nothing to report at any threshold. */
	REQUIRE(inv_open(&v));
	struct cs_device a = {0};
	struct cs_err e = {0};
	a.manufacturer = "Axis";
	a.serial = "ACCC8EF0A1B3";
	a.covered_status = "not_covered";
	CHECK_INT(cs_store_put_device(v.st, &a, "test", NULL, &e), CS_OK);
	cs_store_close(v.st);
	v.st = NULL;
	CHECK_INT(run("check --db %s --threshold info", v.path, &out, &err), 0);
	free(out);
	free(err);
	inv_remove(&v);
}

/* --- end to end: three sweeps of the simulated estate ---------------------------------------- */

static json_t *load_json(const char *dir, const char *name)
{
	char path[160];
	json_error_t je;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return json_load_file(path, 0, &je);
}

static long summary(json_t *d, const char *key)
{
	return (long)json_integer_value(json_object_get(json_object_get(d, "summary"), key));
}

/*
 * tests/scan/findings.sh sweeps sim/demo.estate (127.55.0.0/27, 25 devices) three times inside
 * a network namespace: the /27, then only the /28, then the /27 again. Needs root (unshare);
 * without it the test says so and checks nothing.
 */
TEST(diff_and_findings_over_real_sweeps)
{
	const char *sim = getenv("CS_SIM_BIN");
	if (!have_binary() || geteuid() != 0 || sim == NULL || access(sim, X_OK) != 0 ||
	    system("unshare -n true 2>/dev/null") != 0) {
		printf("SKIP diff sweep test: need root, unshare and CS_SIM_BIN\n");
		return;
	}
	char dir[] = "/tmp/cs-diffscan-XXXXXX", cmd[256];
	REQUIRE(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd), "unshare -n bash tests/scan/findings.sh %s", dir);
	REQUIRE(system(cmd) == 0);

	/* The second sweep looked at half the space: the other devices are unseen, not gone. */
	json_t *d = load_json(dir, "diff-12.json");
	REQUIRE(json_is_object(d));
	CHECK_INT(summary(d, "in_a"), 25);
	CHECK_INT(summary(d, "in_b"), 15);
	CHECK_INT(summary(d, "gone"), 0);
	CHECK_INT(summary(d, "new"), 0);
	CHECK_INT(summary(d, "unseen"), 10);
	CHECK_INT(summary(d, "unchanged"), 15);
	json_t *u = json_object_get(d, "unseen");
	for (size_t i = 0; i < json_array_size(u); i++) {
		const char *addr =
			json_string_value(json_object_get(json_array_get(u, i), "address"));
		CHECK(addr != NULL && strncmp(addr, "127.55.0.", 9) == 0 &&
		      strtol(addr + 9, NULL, 10) >= 16);
	}
	json_decref(d);
	/* The same space swept again: the same devices, unchanged. */
	d = load_json(dir, "diff-13.json");
	REQUIRE(json_is_object(d));
	CHECK_INT(summary(d, "unchanged"), 25);
	CHECK_INT(summary(d, "new") + summary(d, "gone") + summary(d, "changed"), 0);
	json_decref(d);

	/* Findings: every covered device of the estate, and check trips at medium. */
	json_t *f = load_json(dir, "findings.json");
	REQUIRE(json_is_array(f));
	size_t covered = 0;
	for (size_t i = 0; i < json_array_size(f); i++) {
		const char *rule = json_string_value(json_object_get(json_array_get(f, i), "rule"));
		covered += rule != NULL && strncmp(rule, "covered-", 8) == 0;
	}
	CHECK(covered >= 9);
	json_decref(f);
	snprintf(cmd, sizeof(cmd), "%s/check.rc", dir);
	FILE *rc = fopen(cmd, "r");
	REQUIRE(rc != NULL);
	char line[16] = "";
	CHECK(fgets(line, sizeof(line), rc) != NULL);
	fclose(rc);
	CHECK_INT(strtol(line, NULL, 10), 3);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}
