/*
 * test_findings.c - firmware version parsing and comparison with real version strings, the
 * vulnerability data and model patterns, and every findings rule (src/findings/).
 */
#include "common/arena.h"
#include "common/err.h"
#include "findings/findings.h"
#include "findings/version.h"
#include "findings/vulndb.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- versions -------------------------------------------------------------------------------- */

struct vcase {
	const char *s;
	enum cs_ver_scheme scheme;
	int nnum;
	uint32_t num[4];
	int build;
};

/* Real strings: captures in examples/ and tests/fixtures, advisories, fingerprinting-signals.md. */
static const struct vcase good[] = {
	{"V5.4.5 build 170124", CS_VER_HIKVISION, 3, {5, 4, 5}, 20170124},
	{"V5.5.0", CS_VER_HIKVISION, 3, {5, 5, 0}, 0},
	{"V5.5.82 build 190909", CS_VER_HIKVISION, 3, {5, 5, 82}, 20190909},
	{"V5.5.0 build 191126", CS_VER_HIKVISION, 3, {5, 5, 0}, 20191126},
	{"V5.7.3build 220112", CS_VER_HIKVISION, 3, {5, 7, 3}, 20220112},
	{"V5.2.0 build 140721", CS_VER_HIKVISION, 3, {5, 2, 0}, 20140721},
	{"V5.5.82", CS_VER_HIKVISION, 3, {5, 5, 82}, 0},
	{"  V5.0.9 build 140305  ", CS_VER_HIKVISION, 3, {5, 0, 9}, 20140305},
	{"build 190909", CS_VER_HIKVISION, 0, {0}, 20190909},
	{"2.800.0000000.9.R, Build Date: 2020-05-19", CS_VER_DAHUA, 4, {2, 800, 0, 9}, 20200519},
	{"V2.622.0000000.31.R", CS_VER_DAHUA, 4, {2, 622, 0, 31}, 0},
	{"2.420.Dahua 00.14.R, build: 2016-06-18", CS_VER_DAHUA, 4, {2, 420, 0, 14}, 20160618},
	{"2.811.0000013.0.R, Build Date 2023-12-20", CS_VER_DAHUA, 4, {2, 811, 13, 0}, 20231220},
	{"2.800.0000018.0.R, Build Date 2021-04-15", CS_VER_DAHUA, 4, {2, 800, 18, 0}, 20210415},
	{"2.800.0000016.0.R", CS_VER_DAHUA, 4, {2, 800, 16, 0}, 0},
	{"2.800.0000018.0.R", CS_VER_DAHUA, 4, {2, 800, 18, 0}, 0},
	{"V5.00.R02.00030747.10010.349f17.0000000", CS_VER_DOTTED, 2, {5, 0}, 0},
	{"1.3.14 Build 240513 Rel.43631n(5553)", CS_VER_DOTTED, 3, {1, 3, 14}, 20240513},
	{"1.3.2 Build 20240424 rel.75425", CS_VER_DOTTED, 3, {1, 3, 2}, 20240424},
	{"v3.0.0.59_20080734", CS_VER_DOTTED, 4, {3, 0, 0, 59}, 0},
	{"9.80.1", CS_VER_DOTTED, 3, {9, 80, 1}, 0},
	{"4.47.15", CS_VER_DOTTED, 3, {4, 47, 15}, 0},
	{"10.12.182", CS_VER_DOTTED, 3, {10, 12, 182}, 0},
	{"V5.5.0 build 170725", CS_VER_HIKVISION, 3, {5, 5, 0}, 20170725},
	{"V5.3.5 build 160106", CS_VER_HIKVISION, 3, {5, 3, 5}, 20160106},
	{"V4.0.1 build 20240424", CS_VER_HIKVISION, 3, {4, 0, 1}, 20240424},
	{"5.34.0.12180", CS_VER_DOTTED, 4, {5, 34, 0, 12180}, 0},
	{"v4.3.20.1129", CS_VER_DOTTED, 4, {4, 3, 20, 1129}, 0},
	{"1.84.1", CS_VER_DOTTED, 3, {1, 84, 1}, 0},
	{"5.20.5", CS_VER_DOTTED, 3, {5, 20, 5}, 0},
	{"1.00", CS_VER_DOTTED, 2, {1, 0}, 0},
	{"4.001.0000000.3.R, Build Date: 2019-06-10", CS_VER_DAHUA, 4, {4, 1, 0, 3}, 20190610},
	{"V4.001.0000000.0.R,Build:2019-12-20", CS_VER_DAHUA, 4, {4, 1, 0, 0}, 20191220},
};

static const char *const bad[] = {
	"",	 "unknown", "5", "2019",	   "build",	   "build 999999",	 "V",
	"V5",	 "abc 1.2", "-", "\x1b[31mV5.4.0", "1.1234567890", "build 190909 extra", ".5.4",
	"V.5.4",
};

TEST(version_parses_real_strings)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(good); i++) {
		const struct vcase *c = &good[i];
		struct cs_version v;
		/* NUL-terminated input ending on a guard page: no read past the NUL. */
		const char *s = cs_test_guarded(c->s, strlen(c->s) + 1);
		if (cs_version_parse(s, &v) != CS_OK) {
			cs_test_fail(__FILE__, __LINE__, "'%s' did not parse", c->s);
			continue;
		}
		if ((int)v.scheme != (int)c->scheme || v.nnum != c->nnum || v.build != c->build)
			cs_test_fail(__FILE__, __LINE__, "'%s': scheme %s nnum %d build %d", c->s,
				     cs_version_scheme_name(v.scheme), v.nnum, v.build);
		for (int k = 0; k < c->nnum && k < 4; k++)
			if (v.num[k] != c->num[k])
				cs_test_fail(__FILE__, __LINE__, "'%s': component %d is %u", c->s,
					     k, v.num[k]);
	}
}

TEST(version_refuses_what_it_cannot_read)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_version v;
		const char *s = cs_test_guarded(bad[i], strlen(bad[i]) + 1);
		if (cs_version_parse(s, &v) == CS_OK)
			cs_test_fail(__FILE__, __LINE__, "'%s' parsed (scheme %s)", bad[i],
				     cs_version_scheme_name(v.scheme));
	}
	struct cs_version v;
	CHECK_INT(cs_version_parse(NULL, &v), CS_EPARSE);
	/* Every truncation of a real string either parses or is refused, without overreading. */
	const char *full = "2.800.0000000.9.R, Build Date: 2020-05-19";
	for (size_t n = 0; n <= strlen(full); n++) {
		char tmp[64];
		memcpy(tmp, full, n);
		tmp[n] = '\0';
		(void)cs_version_parse(cs_test_guarded(tmp, n + 1), &v);
	}
}

static struct cs_version ver(const char *s)
{
	struct cs_version v;
	if (cs_version_parse(s, &v) != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "'%s' did not parse", s);
	return v;
}

static enum cs_tri in(const char *s, const char *lo, const char *hi)
{
	struct cs_version v = ver(s), l = ver(lo), h = ver(hi);
	return cs_version_in_range(&v, &l, &h);
}

TEST(version_compare_and_range)
{
	const char *lo = "V5.2.0 build 140721", *hi = "V5.4.0 build 160530";
	CHECK_INT(in("V5.3.0 build 150101", lo, hi), CS_TRI_YES);
	CHECK_INT(in("V5.3.0", lo, hi), CS_TRI_YES); /* strictly between: no build needed */
	CHECK_INT(in("V5.2.0 build 140721", lo, hi), CS_TRI_YES); /* bounds are inclusive */
	CHECK_INT(in("V5.4.0 build 160530", lo, hi), CS_TRI_YES);
	CHECK_INT(in("V5.4.0 build 160601", lo, hi), CS_TRI_NO);
	CHECK_INT(in("V5.2.0 build 140720", lo, hi), CS_TRI_NO);
	CHECK_INT(in("V5.4.0", lo, hi), CS_TRI_UNKNOWN); /* on a bound, no build date */
	CHECK_INT(in("V5.4.5 build 170124", lo, hi), CS_TRI_NO);
	CHECK_INT(in("V5.5.0", lo, hi), CS_TRI_NO);
	CHECK_INT(in("V5.1.7 build 150101", lo, hi), CS_TRI_NO);
	CHECK_INT(in("build 150101", lo, hi), CS_TRI_UNKNOWN);
	CHECK_INT(in("2.800.0000000.9.R", lo, hi), CS_TRI_UNKNOWN); /* Dahua vs Hikvision */
	CHECK_INT(in("5.3.0", lo, hi), CS_TRI_YES);		    /* dotted compares with both */
	CHECK_INT(in("V5.5", "V5.5.0", "V5.5.0"), CS_TRI_YES);	    /* missing parts are 0 */

	struct cs_version a = ver("V5.5.82 build 190909"), b = ver("V5.5.82 build 200101");
	int order = 9;
	CHECK_INT(cs_version_cmp(&a, &b, &order), CS_TRI_YES);
	CHECK_INT(order, -1);
	CHECK_INT(cs_version_cmp(&b, &a, &order), CS_TRI_YES);
	CHECK_INT(order, 1);
	CHECK_INT(cs_version_cmp(&a, &a, &order), CS_TRI_YES);
	CHECK_INT(order, 0);
	struct cs_version x = ver("build 190909"), y = ver("build 200101");
	CHECK_INT(cs_version_cmp(&x, &y, &order), CS_TRI_YES);
	CHECK_INT(order, -1);

	struct cs_version d1 = ver("2.800.0000000.9.R, Build Date: 2020-05-19");
	CHECK_INT(cs_version_built_before(&d1, 20210601), CS_TRI_YES);
	CHECK_INT(cs_version_built_before(&d1, 20200501), CS_TRI_NO);
	CHECK_INT(cs_version_built_before(&d1, 20200519), CS_TRI_NO); /* "before" is strict */
	struct cs_version d2 = ver("V2.622.0000000.31.R");
	CHECK_INT(cs_version_built_before(&d2, 20210601), CS_TRI_UNKNOWN);
}

TEST(vuln_model_patterns)
{
	CHECK(cs_vuln_model_match("DS-2CD2##2F-I*", "DS-2CD2032F-I"));
	CHECK(cs_vuln_model_match("DS-2CD2##2F-I*", "DS-2CD2132F-IS"));
	CHECK(cs_vuln_model_match("DS-2CD2##2F-I*", "ds-2cd2032f-i"));
	CHECK(!cs_vuln_model_match("DS-2CD2##2F-I*", "DS-2CD2142FWD-I"));
	CHECK(!cs_vuln_model_match("DS-2CD2##2F-I*", "DS-2CD2X32F-I"));
	CHECK(cs_vuln_model_match("DS-2CD2##2FWD*", "DS-2CD2142FWD-I"));
	CHECK(cs_vuln_model_match("IPC-H?W3###*|IPC-H??W3###*", "IPC-HFW3541E-AS"));
	CHECK(cs_vuln_model_match("IPC-H?W5###*|IPC-H??W5###*", "IPC-HDBW5442R-ASE"));
	CHECK(!cs_vuln_model_match("IPC-H?W3###*|IPC-H??W3###*", "IPC-HFW2431S-S-S2"));
	CHECK(cs_vuln_model_match("a*b*c", "aXXbYYc"));
	CHECK(!cs_vuln_model_match("a*b*c", "aXXbYYcd"));
	CHECK(cs_vuln_model_match("*", "anything"));
	CHECK(!cs_vuln_model_match("DS-2CD*", NULL));
	CHECK(!cs_vuln_model_match("DS-2CD*", ""));
	CHECK(!cs_vuln_model_match(" | ", "x"));
}

/* --- data ------------------------------------------------------------------------------------ */

static const char *data_dir(void)
{
	const char *d = getenv("CS_DATA_DIR");
	return d != NULL ? d : "data";
}

static struct cs_findings_db *load_db(const char *user_dir)
{
	const char *dirs[2] = {data_dir(), user_dir};
	struct cs_findings_db *db = NULL;
	struct cs_err err = {0};
	int r = cs_findings_db_load(&db, dirs, user_dir != NULL ? 2 : 1, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_findings_db_load: %d %s", r, err.msg);
	return db;
}

TEST(findings_data_loads)
{
	struct cs_findings_db *db = load_db(NULL);
	REQUIRE(db != NULL);
	CHECK_INT(db->rules[CS_FR_COVERED_SENSITIVE].severity, CS_SEV_CRITICAL);
	CHECK_INT(db->rules[CS_FR_COVERED_CORE].severity, CS_SEV_HIGH);
	CHECK_INT(db->rules[CS_FR_COVERED_ELSEWHERE].severity, CS_SEV_MEDIUM);
	CHECK_INT(db->rules[CS_FR_KEV_VERSION].severity, CS_SEV_HIGH);
	CHECK_INT(db->rules[CS_FR_REMOVED_REAPPEARED].severity, CS_SEV_CRITICAL);
	/* The four CVEs the issue names are there, each with its KEV date. */
	static const struct {
		const char *cve, *kev;
	} want[] = {{"CVE-2017-7921", "2026-03-05"},
		    {"CVE-2021-36260", "2022-01-10"},
		    {"CVE-2021-33044", "2024-08-21"},
		    {"CVE-2021-33045", "2024-08-21"}};
	for (size_t i = 0; i < CS_ARRAY_SIZE(want); i++) {
		size_t rows = 0;
		for (size_t k = 0; k < db->vulns.n; k++) {
			if (strcmp(db->vulns.v[k].cve, want[i].cve) != 0)
				continue;
			rows++;
			CHECK_STR(db->vulns.v[k].kev_added, want[i].kev);
			CHECK(db->vulns.v[k].source != NULL);
		}
		if (rows == 0)
			cs_test_fail(__FILE__, __LINE__, "%s missing", want[i].cve);
	}
	cs_findings_db_free(db);
}

struct tmpdir {
	char path[64];
};

static bool tmpdir_make(struct tmpdir *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/cs-findings-XXXXXX");
	return mkdtemp(t->path) != NULL;
}

static void tmpdir_write(const struct tmpdir *t, const char *name, const char *text)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/%s", t->path, name);
	FILE *f = fopen(p, "w");
	if (f == NULL) {
		cs_test_fail(__FILE__, __LINE__, "cannot write %s", p);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void tmpdir_remove(const struct tmpdir *t)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->path);
	if (system(cmd) != 0)
		cs_test_fail(__FILE__, __LINE__, "cannot remove %s", t->path);
}

/* A user file that breaks the data must be refused with file:line. */
static void expect_bad(const char *file, const char *text, const char *msg_part)
{
	struct tmpdir t;
	if (!tmpdir_make(&t))
		return;
	tmpdir_write(&t, file, text);
	const char *dirs[2] = {data_dir(), t.path};
	struct cs_findings_db *db = NULL;
	struct cs_err err = {0};
	int r = cs_findings_db_load(&db, dirs, 2, &err);
	if (r != CS_EDATA || strstr(err.msg, msg_part) == NULL || strstr(err.msg, ":1:") == NULL)
		cs_test_fail(__FILE__, __LINE__, "%s: got %d '%s', wanted '%s'", text, r, err.msg,
			     msg_part);
	cs_findings_db_free(db);
	tmpdir_remove(&t);
}

TEST(findings_data_errors)
{
	expect_bad("findings.tsv", "no-such-rule\thigh\tkeep\tt\te\n", "unknown rule");
	expect_bad("findings.tsv", "kev-version\tsevere\tkeep\tt\te\n", "severity");
	expect_bad("findings.tsv", "kev-version\thigh\tmaybe\tt\te\n", "exempt");
	expect_bad("findings.tsv", "kev-version\thigh\tkeep\n", "expected 5 fields");
	expect_bad("vulns.tsv",
		   "CVE-1\tHikvision\tDS*\tnot a version\t-\t-\t-\t-\t-\t-\tadvisory\tt\ts\n",
		   "not a version");
	expect_bad("vulns.tsv", "CVE-1\tHikvision\tDS*\t-\t-\t-\t-\t-\t-\t-\tadvisory\tt\ts\n",
		   "version or build-date condition");
	expect_bad("vulns.tsv",
		   "CVE-1\tHikvision\tDS*\t-\t-\t-\t-\t2021-13-01\t-\t-\tadvisory\tt\ts\n",
		   "YYYY-MM-DD");
	expect_bad("vulns.tsv", "CVE-1\tHikvision\tDS*\t-\t-\t-\t-\t2021-01-01\t-\t-\tsure\tt\ts\n",
		   "certainty");
	expect_bad("vulns.tsv", "CVE-1\tHikvision\n", "expected 13 fields");

	/* A rule missing from the built-in data is an error too. */
	struct tmpdir t;
	REQUIRE(tmpdir_make(&t));
	tmpdir_write(&t, "findings.tsv", "kev-version\thigh\tkeep\tt\te\n");
	tmpdir_write(&t, "vulns.tsv", "");
	const char *dirs[1] = {t.path};
	struct cs_findings_db *db = NULL;
	struct cs_err err = {0};
	CHECK_INT(cs_findings_db_load(&db, dirs, 1, &err), CS_EDATA);
	CHECK(strstr(err.msg, "is not defined") != NULL);
	CHECK(db == NULL);
	tmpdir_remove(&t);
}

/* --- rules ----------------------------------------------------------------------------------- */

static struct cs_coverage cov_uk = {"uk-nil", "Hikvision", "WMS 24 Nov 2022", "", "", "covered"};
static struct cs_coverage cov_us = {"us-ndaa889", "Hikvision", "s.889", "", "", "covered"};
static struct cs_coverage cov_review = {"uk-nil", "Dahua", "WMS", "", "brand Amcrest (OEM)",
					"review"};

static struct cs_device hik(const char *model, const char *firmware)
{
	struct cs_device d = {0};
	d.manufacturer = "Hikvision";
	d.model = model;
	d.firmware = firmware;
	d.address = "192.0.2.10";
	d.type = CS_DT_CAMERA;
	d.coverage = &cov_uk;
	d.ncoverage = 1;
	d.covered = true;
	d.covered_status = "covered";
	return d;
}

struct result {
	struct cs_arena arena;
	struct cs_findings_list list;
};

static void eval(struct result *res, const struct cs_findings_db *db, const struct cs_device *d,
		 const struct cs_findings_context *ctx, const char *policy)
{
	struct cs_err err = {0};
	memset(res, 0, sizeof(*res));
	cs_arena_init(&res->arena, 1 << 20);
	int r = cs_findings_eval(db, d, ctx, policy, &res->arena, &res->list, &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "cs_findings_eval: %d %s", r, err.msg);
}

static void result_free(struct result *res)
{
	cs_findings_list_free(&res->list);
	cs_arena_free(&res->arena);
}

/* The finding of rule (and cve, when not NULL), or NULL. */
static const struct cs_finding *find(const struct result *res, enum cs_finding_rule_id rule,
				     const char *cve)
{
	for (size_t i = 0; i < res->list.n; i++) {
		const struct cs_finding *f = &res->list.v[i];
		if (f->rule == rule &&
		    (cve == NULL || (f->cve != NULL && strcmp(f->cve, cve) == 0)))
			return f;
	}
	return NULL;
}

static const char *evidence(const struct cs_finding *f, const char *name)
{
	for (size_t i = 0; f != NULL && i < f->nevidence; i++)
		if (strcmp(f->evidence[i].name, name) == 0)
			return f->evidence[i].value;
	return NULL;
}

static bool has_cve(const struct result *res, const char *cve)
{
	for (size_t i = 0; i < res->list.n; i++)
		if (res->list.v[i].cve != NULL && strcmp(res->list.v[i].cve, cve) == 0)
			return true;
	return false;
}

TEST(findings_policy_site_network)
{
	struct cs_findings_db *db = load_db(NULL);
	REQUIRE(db != NULL);
	struct cs_device d = hik("DS-2CD2143G2-I", "V5.7.3build 220112");
	struct result res;

	struct cs_findings_context ctx = {.site = "Whitehall 1",
					  .site_sensitive = true,
					  .site_criterion = "routinely used by Ministers",
					  .network = "corp-lan",
					  .net_class = CS_NET_SEGREGATED};
	eval(&res, db, &d, &ctx, NULL);
	const struct cs_finding *f = find(&res, CS_FR_COVERED_SENSITIVE, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_CRITICAL);
	CHECK_STR(f->rule_id, "covered-sensitive-site");
	CHECK_STR(evidence(f, "coverage"), "uk-nil: Hikvision");
	CHECK_STR(evidence(f, "site"), "Whitehall 1");
	CHECK_STR(evidence(f, "site_criterion"), "routinely used by Ministers");
	CHECK_STR(evidence(f, "network_class"), "segregated");
	CHECK(find(&res, CS_FR_COVERED_CORE, NULL) == NULL);
	CHECK(find(&res, CS_FR_COVERED_ELSEWHERE, NULL) == NULL);
	result_free(&res);

	/* Sensitive and core: both findings. */
	ctx.net_class = CS_NET_CORE;
	eval(&res, db, &d, &ctx, NULL);
	CHECK(find(&res, CS_FR_COVERED_SENSITIVE, NULL) != NULL);
	f = find(&res, CS_FR_COVERED_CORE, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_HIGH);
	CHECK_STR(evidence(f, "network_class"), "core");
	result_free(&res);

	/* Core only. */
	ctx.site_sensitive = false;
	eval(&res, db, &d, &ctx, NULL);
	CHECK(find(&res, CS_FR_COVERED_SENSITIVE, NULL) == NULL);
	CHECK(find(&res, CS_FR_COVERED_CORE, NULL) != NULL);
	CHECK(find(&res, CS_FR_COVERED_ELSEWHERE, NULL) == NULL);
	result_free(&res);

	/* Neither (and the zeroed context: no site, network unknown). */
	eval(&res, db, &d, NULL, NULL);
	f = find(&res, CS_FR_COVERED_ELSEWHERE, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_MEDIUM);
	CHECK_STR(evidence(f, "network_class"), "unknown");
	CHECK(evidence(f, "site") == NULL);
	/* A modern firmware on a model outside every range: no version finding. */
	CHECK(!has_cve(&res, "CVE-2017-7921"));
	CHECK_INT(res.list.n, 1);
	result_free(&res);

	/* --policy: coverage under other policies does not count. */
	struct cs_device u = d;
	u.coverage = &cov_us;
	eval(&res, db, &u, NULL, "uk-nil");
	CHECK(find(&res, CS_FR_COVERED_ELSEWHERE, NULL) == NULL);
	result_free(&res);
	eval(&res, db, &u, NULL, "uk-nil, us-ndaa889");
	f = find(&res, CS_FR_COVERED_ELSEWHERE, NULL);
	CHECK(f != NULL);
	CHECK_STR(evidence(f, "coverage"), "us-ndaa889: Hikvision");
	result_free(&res);

	/* Review only: review-device, low. */
	struct cs_device a = {0};
	a.manufacturer = NULL;
	a.brand = "Amcrest";
	a.coverage = &cov_review;
	a.ncoverage = 1;
	a.covered_status = "review";
	eval(&res, db, &a, NULL, NULL);
	f = find(&res, CS_FR_REVIEW, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_LOW);
	CHECK_STR(evidence(f, "coverage"), "uk-nil: Dahua via brand Amcrest (OEM)");
	CHECK_INT(res.list.n, 1);
	result_free(&res);

	/* Not covered: nothing. */
	struct cs_device axis = {0};
	axis.manufacturer = "Axis";
	axis.model = "P3245-LV";
	axis.firmware = "9.80.1";
	axis.covered_status = "not_covered";
	eval(&res, db, &axis, &ctx, NULL);
	CHECK_INT(res.list.n, 0);
	result_free(&res);
	cs_findings_db_free(db);
}

TEST(findings_hikvision_versions)
{
	struct cs_findings_db *db = load_db(NULL);
	REQUIRE(db != NULL);
	struct result res;

	/* In CVE-2017-7921's range for DS-2CD2xx2F-I: known exploited, high. */
	struct cs_device d = hik("DS-2CD2032F-I", "V5.3.0 build 150101");
	eval(&res, db, &d, NULL, NULL);
	const struct cs_finding *f = find(&res, CS_FR_KEV_VERSION, "CVE-2017-7921");
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_HIGH);
	CHECK_STR(evidence(f, "firmware"), "V5.3.0 build 150101");
	CHECK_STR(evidence(f, "affected_models"), "DS-2CD2##2F-I*");
	CHECK_STR(evidence(f, "affected_range"), "V5.2.0 build 140721 .. V5.4.0 build 160530");
	CHECK_STR(evidence(f, "kev_added"), "2026-03-05");
	CHECK_STR(evidence(f, "version_format"), "hikvision");
	CHECK(strstr(evidence(f, "data"), "vulns.tsv:") != NULL);
	/* Its companion CVE-2017-7923 is not in KEV: vuln-version, medium. */
	f = find(&res, CS_FR_VULN_VERSION, "CVE-2017-7923");
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_MEDIUM);
	/* The approximate CVE-2021-36260 range (built 2016-01-01 .. 2021-06-23). */
	CHECK(!has_cve(&res, "CVE-2021-36260")); /* built 2015: before the range */
	result_free(&res);

	/* Another family of CVE-2017-7921 with its own upper bound. */
	d = hik("DS-2CD2142FWD-I", "V5.4.4 build 161125");
	eval(&res, db, &d, NULL, NULL);
	CHECK(find(&res, CS_FR_KEV_VERSION, "CVE-2017-7921") != NULL);
	result_free(&res);
	d = hik("DS-2CD2142FWD-I", "V5.4.5 build 170124");
	eval(&res, db, &d, NULL, NULL);
	CHECK(!has_cve(&res, "CVE-2017-7921"));
	/* ... but 2017 is in 36260's approximate range. */
	f = find(&res, CS_FR_KEV_VERSION_APPROX, "CVE-2021-36260");
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_HIGH);
	CHECK_STR(evidence(f, "certainty"), "approximate");
	result_free(&res);

	/* On a bound without a build date: cannot tell, info. */
	d = hik("DS-2CD2032F-I", "V5.4.0");
	eval(&res, db, &d, NULL, NULL);
	f = find(&res, CS_FR_VULN_UNKNOWN, "CVE-2017-7921");
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_INFO);
	CHECK(strstr(evidence(f, "undecided"), "build date") != NULL);
	CHECK(find(&res, CS_FR_KEV_VERSION, NULL) == NULL);
	result_free(&res);

	/* No firmware at all, or one camsweep cannot read. */
	d = hik("DS-2CD2032F-I", NULL);
	eval(&res, db, &d, NULL, NULL);
	f = find(&res, CS_FR_VULN_UNKNOWN, "CVE-2017-7921");
	REQUIRE(f != NULL);
	CHECK(strstr(evidence(f, "undecided"), "no firmware") != NULL);
	result_free(&res);
	d = hik("DS-2CD2032F-I", "firmware \x1b[2J?");
	eval(&res, db, &d, NULL, NULL);
	f = find(&res, CS_FR_VULN_UNKNOWN, "CVE-2017-7921");
	REQUIRE(f != NULL);
	CHECK(strstr(evidence(f, "undecided"), "format") != NULL);
	result_free(&res);

	/* Patched: no finding for 7921, and the model is unknown: nothing known, nothing said. */
	d = hik("DS-2CD2032F-I", "V5.5.0 build 191126");
	eval(&res, db, &d, NULL, NULL);
	CHECK(!has_cve(&res, "CVE-2017-7921"));
	result_free(&res);
	d = hik(NULL, NULL);
	eval(&res, db, &d, NULL, NULL);
	CHECK_INT(res.list.n, 1); /* only covered-elsewhere */
	result_free(&res);
	/* Model unknown but firmware in a range: said, as undecided. */
	d = hik(NULL, "V5.3.0 build 150101");
	eval(&res, db, &d, NULL, NULL);
	f = find(&res, CS_FR_VULN_UNKNOWN, "CVE-2017-7921");
	REQUIRE(f != NULL);
	CHECK(strstr(evidence(f, "undecided"), "model") != NULL);
	result_free(&res);

	/* The maker must be the evidenced manufacturer: a Dahua with a Hikvision-like model. */
	d = hik("DS-2CD2032F-I", "V5.3.0 build 150101");
	d.manufacturer = "Dahua";
	eval(&res, db, &d, NULL, NULL);
	CHECK(!has_cve(&res, "CVE-2017-7921"));
	result_free(&res);
	cs_findings_db_free(db);
}

TEST(findings_dahua_versions)
{
	struct cs_findings_db *db = load_db(NULL);
	REQUIRE(db != NULL);
	struct result res;
	struct cs_device d = {0};
	d.manufacturer = "Dahua";
	d.model = "IPC-HFW3541E-AS";
	d.firmware = "2.800.0000000.9.R, Build Date: 2020-05-19";

	/* Built 2020-05-19: before June 2021 (33044) but not before May 2020 (33045). */
	eval(&res, db, &d, NULL, NULL);
	const struct cs_finding *f = find(&res, CS_FR_KEV_VERSION, "CVE-2021-33044");
	REQUIRE(f != NULL);
	CHECK_STR(evidence(f, "affected_range"), "built before 2021-06-01");
	CHECK_STR(evidence(f, "version_format"), "dahua");
	CHECK(!has_cve(&res, "CVE-2021-33045"));
	CHECK(find(&res, CS_FR_COVERED_ELSEWHERE, NULL) == NULL); /* no coverage recorded */
	result_free(&res);

	d.firmware = "2.800.0000000.9.R, Build Date: 2019-08-01";
	eval(&res, db, &d, NULL, NULL);
	CHECK(find(&res, CS_FR_KEV_VERSION, "CVE-2021-33044") != NULL);
	CHECK(find(&res, CS_FR_KEV_VERSION, "CVE-2021-33045") != NULL);
	result_free(&res);

	d.firmware = "2.800.0000016.0.R, Build Date 2021-07-02";
	eval(&res, db, &d, NULL, NULL);
	CHECK_INT(res.list.n, 0);
	result_free(&res);

	/* No build date: both undecided. */
	d.firmware = "V2.622.0000000.31.R";
	eval(&res, db, &d, NULL, NULL);
	CHECK(find(&res, CS_FR_VULN_UNKNOWN, "CVE-2021-33044") != NULL);
	CHECK(find(&res, CS_FR_VULN_UNKNOWN, "CVE-2021-33045") != NULL);
	CHECK(find(&res, CS_FR_KEV_VERSION, NULL) == NULL);
	result_free(&res);

	/* A model outside every family: nothing, whatever the firmware. */
	d.model = "IPC-HFW2431S-S-S2";
	d.firmware = "2.800.0000000.9.R, Build Date: 2019-08-01";
	eval(&res, db, &d, NULL, NULL);
	CHECK_INT(res.list.n, 0);
	result_free(&res);

	/* An NVR: 33045 only (before December 2019), with the DH- prefix. */
	d.model = "DH-NVR5216-4KS2";
	d.firmware = "4.001.0000000.3.R, Build Date: 2019-06-10";
	eval(&res, db, &d, NULL, NULL);
	CHECK(find(&res, CS_FR_KEV_VERSION, "CVE-2021-33045") != NULL);
	CHECK(!has_cve(&res, "CVE-2021-33044"));
	result_free(&res);
	cs_findings_db_free(db);
}

TEST(findings_workflow_and_exemption)
{
	struct cs_findings_db *db = load_db(NULL);
	REQUIRE(db != NULL);
	struct result res;
	struct cs_device d = hik("DS-2CD2032F-I", "V5.3.0 build 150101");
	struct cs_findings_context ctx = {.site = "HQ",
					  .site_sensitive = true,
					  .net_class = CS_NET_CORE,
					  .state = CS_WF_REMOVED,
					  .state_since = "2026-01-10T09:00:00Z",
					  .last_seen = "2026-02-01T09:00:00Z",
					  .today = 20260301};

	/* Removed and not seen since: gone, nothing to find. */
	eval(&res, db, &d, &ctx, NULL);
	CHECK_INT(res.list.n, 0);
	result_free(&res);

	/* Removed (or verified) and seen again: critical, plus its vulnerabilities. */
	ctx.seen_after_state = true;
	for (int s = CS_WF_REMOVED; s <= CS_WF_VERIFIED; s++) {
		ctx.state = (enum cs_wf_state)s;
		eval(&res, db, &d, &ctx, NULL);
		const struct cs_finding *f = find(&res, CS_FR_REMOVED_REAPPEARED, NULL);
		REQUIRE(f != NULL);
		CHECK_INT(f->severity, CS_SEV_CRITICAL);
		CHECK_STR(evidence(f, "workflow"), cs_wf_state_name(ctx.state));
		CHECK_STR(evidence(f, "marked_at"), "2026-01-10T09:00:00Z");
		CHECK_STR(evidence(f, "last_seen"), "2026-02-01T09:00:00Z");
		CHECK(find(&res, CS_FR_KEV_VERSION, "CVE-2017-7921") != NULL);
		CHECK(find(&res, CS_FR_COVERED_SENSITIVE, NULL) == NULL);
		result_free(&res);
	}

	/* Disconnected, not seen since: judged on its site, not its network. */
	ctx.state = CS_WF_DISCONNECTED;
	ctx.seen_after_state = false;
	eval(&res, db, &d, &ctx, NULL);
	CHECK(find(&res, CS_FR_COVERED_SENSITIVE, NULL) != NULL);
	CHECK(find(&res, CS_FR_COVERED_CORE, NULL) == NULL);
	CHECK(find(&res, CS_FR_DISCONNECTED_REAPPEARED, NULL) == NULL);
	result_free(&res);
	ctx.site_sensitive = false;
	eval(&res, db, &d, &ctx, NULL);
	CHECK(find(&res, CS_FR_COVERED_ELSEWHERE, NULL) != NULL);
	CHECK(find(&res, CS_FR_COVERED_CORE, NULL) == NULL);
	result_free(&res);
	/* ... seen again: reconnected. */
	ctx.seen_after_state = true;
	eval(&res, db, &d, &ctx, NULL);
	const struct cs_finding *f = find(&res, CS_FR_DISCONNECTED_REAPPEARED, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_HIGH);
	CHECK(find(&res, CS_FR_COVERED_CORE, NULL) != NULL);
	result_free(&res);

	/* Exempt until a later date: policy findings become info with a note; KEV stays. */
	ctx = (struct cs_findings_context){.site = "HQ",
					   .site_sensitive = true,
					   .state = CS_WF_EXEMPT,
					   .exempt_until = "2026-12-31",
					   .today = 20260301};
	eval(&res, db, &d, &ctx, NULL);
	f = find(&res, CS_FR_COVERED_SENSITIVE, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_INFO);
	CHECK_INT(f->rule_severity, CS_SEV_CRITICAL);
	CHECK_STR(f->note, "exempt until 2026-12-31: severity critical lowered to info");
	f = find(&res, CS_FR_KEV_VERSION, "CVE-2017-7921");
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_HIGH);
	CHECK(f->note == NULL);
	result_free(&res);

	/* The last day of an exemption still counts; the day after it does not. */
	ctx.today = 20261231;
	eval(&res, db, &d, &ctx, NULL);
	CHECK_INT(find(&res, CS_FR_COVERED_SENSITIVE, NULL)->severity, CS_SEV_INFO);
	result_free(&res);
	ctx.today = 20270101;
	eval(&res, db, &d, &ctx, NULL);
	f = find(&res, CS_FR_COVERED_SENSITIVE, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_CRITICAL);
	CHECK_STR(f->note, "exemption expired on 2026-12-31");
	result_free(&res);

	/* No expiry recorded: honoured, and said so. */
	ctx.exempt_until = NULL;
	eval(&res, db, &d, &ctx, NULL);
	f = find(&res, CS_FR_COVERED_SENSITIVE, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_INFO);
	CHECK(strstr(f->note, "no expiry") != NULL);
	result_free(&res);
	cs_findings_db_free(db);
}

TEST(findings_severities_are_data)
{
	struct tmpdir t;
	REQUIRE(tmpdir_make(&t));
	tmpdir_write(&t, "findings.tsv",
		     "# an organisation's own view\n"
		     "covered-elsewhere\tlow\tkeep\tCamera to replace\tOur own words.\n"
		     "kev-version\toff\tkeep\tt\te\n");
	/* Replaces every CVE-2017-7921 row: now only a narrow range of one model. */
	tmpdir_write(&t, "vulns.tsv",
		     "CVE-2017-7921\tHikvision\tDS-2CD2032F-I\tV5.3.0\tV5.3.9\t-\t-\t-\t-\t-\t"
		     "advisory\tnarrowed\tlocal\n");
	struct cs_findings_db *db = load_db(t.path);
	REQUIRE(db != NULL);
	struct result res;
	struct cs_findings_context ctx = {.state = CS_WF_EXEMPT, .exempt_until = "2000-01-01"};
	struct cs_device d = hik("DS-2CD2032F-I", "V5.3.5 build 150101");
	eval(&res, db, &d, &ctx, NULL);
	const struct cs_finding *f = find(&res, CS_FR_COVERED_ELSEWHERE, NULL);
	REQUIRE(f != NULL);
	CHECK_INT(f->severity, CS_SEV_LOW);
	CHECK_STR(f->title, "Camera to replace");
	CHECK(f->note == NULL); /* "keep": an exemption does not touch it */
	/* kev-version is off; the replaced row is not in KEV any more: vuln-version. */
	CHECK(find(&res, CS_FR_KEV_VERSION, NULL) == NULL);
	f = find(&res, CS_FR_VULN_VERSION, "CVE-2017-7921");
	REQUIRE(f != NULL);
	CHECK_STR(evidence(f, "affected_range"), "V5.3.0 .. V5.3.9");
	result_free(&res);
	/* Other models of the replaced CVE no longer match. */
	d = hik("DS-2CD2132F-I", "V5.3.5 build 150101");
	eval(&res, db, &d, NULL, NULL);
	CHECK(!has_cve(&res, "CVE-2017-7921"));
	result_free(&res);
	cs_findings_db_free(db);
	tmpdir_remove(&t);
}

TEST(findings_severity_names)
{
	enum cs_severity s;
	static const char *const names[] = {"info", "low", "medium", "high", "critical"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++) {
		CHECK_INT(cs_severity_parse(names[i], &s), CS_OK);
		CHECK_INT(s, (int)i);
		CHECK_STR(cs_severity_name(s), names[i]);
	}
	CHECK_INT(cs_severity_parse("HIGH", &s), CS_OK);
	CHECK_INT(s, CS_SEV_HIGH);
	CHECK_INT(cs_severity_parse("severe", &s), CS_EINVAL);
	CHECK_INT(cs_severity_parse("", &s), CS_EINVAL);
	CHECK_INT(cs_severity_parse(NULL, &s), CS_EINVAL);
	CHECK_STR(cs_wf_state_name(CS_WF_EXEMPT), "exempt");
	CHECK_STR(cs_net_class_name(CS_NET_CORE), "core");
}
