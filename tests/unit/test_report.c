/*
 * test_report.c - the report: dates, the burn-down projection, milestone status and aggregation
 * against hand-computed figures; model checking; HTML escaping; the three renderers (hostile
 * device strings, --summary-only leaving out every identifying string, CSV formula defusing,
 * JSON read back); and `camsweep report` end to end, from a model file and from an inventory.
 */
#include "test.h"

#include "report/htmlesc.h"
#include "report/report.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const fixture = "report/estate.json";

static struct cs_report *load_str(const char *text, struct cs_err *err)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	struct cs_report *r = NULL;
	if (root == NULL) {
		cs_test_fail(__FILE__, __LINE__, "test model is not JSON: %s", jerr.text);
		return NULL;
	}
	if (cs_rpt_load(root, &r, err) != CS_OK)
		r = NULL;
	json_decref(root);
	return r;
}

static struct cs_report *load_fixture(void)
{
	struct cs_report *r = NULL;
	struct cs_err err = {0};
	if (cs_rpt_load_file(cs_test_fixture(fixture), &r, &err) != CS_OK) {
		cs_test_fail(__FILE__, __LINE__, "fixture: %s", err.msg);
		return NULL;
	}
	return r;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static char *render(const struct cs_report *r, int format, bool summary)
{
	struct cs_rpt_options o = {.summary_only = summary};
	struct cs_buf b;
	int rc;
	cs_buf_init(&b, CS_RPT_MAX_OUTPUT);
	rc = format == 0   ? cs_rpt_render_html(r, &o, &b)
	     : format == 1 ? cs_rpt_render_csv(r, &o, &b)
			   : cs_rpt_render_json(r, &o, &b);
	if (rc != CS_OK) {
		cs_test_fail(__FILE__, __LINE__, "render %d: %s", format, cs_strerror(rc));
		cs_buf_free(&b);
		return NULL;
	}
	return cs_buf_steal(&b);
}

/* --- dates ---------------------------------------------------------------------------------- */

TEST(report_dates)
{
	cs_rpt_day d;
	char s[48];

	CHECK_INT(cs_rpt_parse_day("1970-01-01", &d), CS_OK);
	CHECK_INT(d, 0);
	CHECK_INT(cs_rpt_parse_day("2024-02-29", &d), CS_OK);
	CHECK_INT(d, 19782);
	CHECK_INT(cs_rpt_parse_day("2024-03-01T12:00:00Z", &d), CS_OK);
	CHECK_INT(d, 19783);
	cs_rpt_format_day(19782, s, sizeof(s));
	CHECK_STR(s, "2024-02-29");
	cs_rpt_format_day_long(19783, s, sizeof(s));
	CHECK_STR(s, "1 March 2024");
	cs_rpt_format_day(-1, s, sizeof(s));
	CHECK_STR(s, "1969-12-31");
	/* Every day of a few years round-trips. */
	for (cs_rpt_day x = 10950; x < 10950 + 3 * 366; x++) {
		cs_rpt_format_day(x, s, sizeof(s));
		REQUIRE(cs_rpt_parse_day(s, &d) == CS_OK);
		CHECK_INT(d, x);
	}
	static const char *const bad[] = {"2023-02-29", "1900-02-29", "2024-13-01",  "2024-00-10",
					  "2024-04-31", "2024-4-01",  "2024-04-01x", "",
					  "20240401",	"2024/04/01", "0000-01-01",  "1969-12-31"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++)
		CHECK_INT(cs_rpt_parse_day(bad[i], &d), CS_EPARSE);
	CHECK_INT(cs_rpt_parse_day("2000-02-29", &d), CS_OK);
}

/* --- projection --------------------------------------------------------------------------- */

static struct cs_rpt_point pt(cs_rpt_day day, int64_t aff, int64_t rem)
{
	struct cs_rpt_point p = {.day = day};
	p.affected[CS_RPT_SITES] = aff;
	p.removed[CS_RPT_SITES] = rem;
	p.affected[CS_RPT_DEVICES] = -1;
	p.removed[CS_RPT_DEVICES] = -1;
	return p;
}

TEST(report_projection)
{
	struct cs_rpt_projection p;
	/* Remaining 10, 8, 6 over days 100..120: 0.2 a day; 6 left -> 30 more days. */
	struct cs_rpt_point a[] = {pt(100, 10, 0), pt(110, 10, 2), pt(120, 10, 4)};
	cs_rpt_project(a, 3, CS_RPT_SITES, 200, 90, &p);
	CHECK(p.have_data && p.have_rate && p.converging && !p.done);
	CHECK(fabs(p.rate_per_day - 0.2) < 1e-9);
	CHECK_INT(p.remaining, 6);
	CHECK_INT(p.completion_day, 150);
	CHECK_INT(p.window_points, 3);

	/* as_of cuts the series: only the first two points count. */
	cs_rpt_project(a, 3, CS_RPT_SITES, 115, 90, &p);
	CHECK_INT(p.remaining, 8);
	CHECK_INT(p.last_day, 110);
	CHECK_INT(p.completion_day, 110 + 40);

	/* The window leaves the old fast removals out: day 0..10 removed 9 of 100, then days
	 * 200..220 removed 1 more; a 30-day window sees only the slow part. */
	struct cs_rpt_point w[] = {pt(0, 100, 0), pt(10, 100, 9), pt(200, 100, 9),
				   pt(220, 100, 10)};
	cs_rpt_project(w, 4, CS_RPT_SITES, 220, 30, &p);
	CHECK_INT(p.window_points, 2);
	CHECK(fabs(p.rate_per_day - 0.05) < 1e-9);
	CHECK_INT(p.completion_day, 220 + 1800);

	/* Flat: not converging. Affected growing faster than removals: not converging. */
	struct cs_rpt_point f[] = {pt(0, 10, 3), pt(30, 10, 3)};
	cs_rpt_project(f, 2, CS_RPT_SITES, 30, 90, &p);
	CHECK(p.have_rate && !p.converging);
	CHECK_INT(p.completion_day, -1);
	struct cs_rpt_point g[] = {pt(0, 10, 3), pt(30, 14, 5)};
	cs_rpt_project(g, 2, CS_RPT_SITES, 30, 90, &p);
	CHECK(!p.converging);
	CHECK(p.rate_per_day < 0);

	/* So slow it is past the horizon: not converging either. */
	struct cs_rpt_point s[] = {pt(0, 1000000, 0), pt(1000, 1000000, 1)};
	cs_rpt_project(s, 2, CS_RPT_SITES, 1000, 2000, &p);
	CHECK(p.have_rate && !p.converging);

	/* One point: data, no rate. None measured: nothing. Done: converged on its day. */
	cs_rpt_project(a, 1, CS_RPT_SITES, 200, 90, &p);
	CHECK(p.have_data && !p.have_rate && !p.converging);
	cs_rpt_project(a, 3, CS_RPT_DEVICES, 200, 90, &p);
	CHECK(!p.have_data);
	struct cs_rpt_point d[] = {pt(0, 5, 1), pt(10, 5, 5)};
	cs_rpt_project(d, 2, CS_RPT_SITES, 10, 90, &p);
	CHECK(p.done && p.converging);
	CHECK_INT(p.completion_day, 10);
}

/* --- milestones ------------------------------------------------------------------------------ */

TEST(report_milestones)
{
	struct cs_rpt_point a[] = {pt(0, 10, 0), pt(10, 10, 2), pt(20, 10, 4), pt(30, 10, 6)};
	struct cs_rpt_milestone ms = {.label = "m", .measure = CS_RPT_SITES};
	struct cs_rpt_projection p;
	struct cs_rpt_ms_eval e;

	cs_rpt_project(a, 4, CS_RPT_SITES, 30, 90, &p); /* 0.2 a day, 4 left */

	/* 50% by day 25: first reached on day 30 (4/10 on day 20): met late. */
	ms.target = 0.5, ms.due_day = 25;
	cs_rpt_milestone_eval(&ms, a, 4, &p, 30, &e);
	CHECK_INT(e.status, CS_RPT_MS_MET);
	CHECK_INT(e.met_day, 30);
	CHECK(e.met_late);
	/* 40% by day 25: met on day 20, on time. */
	ms.target = 0.4;
	cs_rpt_milestone_eval(&ms, a, 4, &p, 30, &e);
	CHECK_INT(e.status, CS_RPT_MS_MET);
	CHECK_INT(e.met_day, 20);
	CHECK(!e.met_late);
	/* 80% by day 40: 2 more at 0.2 a day is day 40: on track. */
	ms.target = 0.8, ms.due_day = 40;
	cs_rpt_milestone_eval(&ms, a, 4, &p, 30, &e);
	CHECK_INT(e.status, CS_RPT_MS_ON_TRACK);
	CHECK_INT(e.target_day, 40);
	CHECK(fabs(e.projected - 0.8) < 1e-9);
	/* 80% by day 39: at risk, reached a day late. */
	ms.due_day = 39;
	cs_rpt_milestone_eval(&ms, a, 4, &p, 30, &e);
	CHECK_INT(e.status, CS_RPT_MS_AT_RISK);
	CHECK_INT(e.target_day, 40);
	/* 80% by day 29, judged on day 30: missed. */
	ms.due_day = 29;
	cs_rpt_milestone_eval(&ms, a, 4, &p, 30, &e);
	CHECK_INT(e.status, CS_RPT_MS_MISSED);
	CHECK(fabs(e.fraction - 0.6) < 1e-9);
	/* Not converging: at risk with no date. */
	struct cs_rpt_point f[] = {pt(0, 10, 3), pt(30, 10, 3)};
	cs_rpt_project(f, 2, CS_RPT_SITES, 30, 90, &p);
	ms.target = 0.5, ms.due_day = 100;
	cs_rpt_milestone_eval(&ms, f, 2, &p, 30, &e);
	CHECK_INT(e.status, CS_RPT_MS_AT_RISK);
	CHECK_INT(e.target_day, -1);
	/* Nothing measured. */
	cs_rpt_project(f, 0, CS_RPT_SITES, 30, 90, &p);
	cs_rpt_milestone_eval(&ms, f, 0, &p, 30, &e);
	CHECK_INT(e.status, CS_RPT_MS_UNKNOWN);
	/* 7 of 10 meets 70% exactly. */
	struct cs_rpt_point s[] = {pt(0, 10, 7)};
	cs_rpt_project(s, 1, CS_RPT_SITES, 0, 90, &p);
	ms.target = 0.7;
	cs_rpt_milestone_eval(&ms, s, 1, &p, 0, &e);
	CHECK_INT(e.status, CS_RPT_MS_MET);
}

/* --- the model -------------------------------------------------------------------------------- */

static const char small_model[] =
	"{\"report_model\":1,\"programme\":{\"name\":\"P\",\"as_of\":\"2024-06-01\"},"
	"\"sites\":[{\"id\":\"a\",\"name\":\"Alpha\",\"operator\":\"Org1\"},"
	"{\"id\":\"b\",\"name\":\"Beta\",\"operator\":\"Org2\"},"
	"{\"id\":\"c\",\"name\":\"Gamma\",\"operator\":\"Org1\"}],"
	"\"devices\":["
	"{\"id\":1,\"site\":\"a\",\"manufacturer\":\"Hikvision\",\"state\":\"removed\"},"
	"{\"id\":2,\"site\":\"a\",\"manufacturer\":\"Hikvision\",\"state\":\"planned\"},"
	"{\"id\":3,\"site\":\"b\",\"manufacturer\":\"Dahua\",\"state\":\"verified\"},"
	"{\"id\":4,\"site\":\"c\",\"manufacturer\":\"Axis\",\"covered\":false},"
	"{\"id\":5,\"site\":\"c\",\"manufacturer\":\"Dahua\",\"covered\":true},"
	"{\"id\":6,\"manufacturer\":null,\"state\":\"exception\"}]}";

TEST(report_aggregate)
{
	struct cs_err err = {0};
	struct cs_report *r = load_str(small_model, &err);
	struct cs_rpt_group *g, t;
	size_t n;

	REQUIRE(r != NULL);
	CHECK_INT(r->devices[3].state, CS_RPT_ST_NOT_AFFECTED); /* covered false, no state */
	CHECK_INT(r->devices[4].state, CS_RPT_ST_AFFECTED);	/* covered, no state */

	REQUIRE(cs_rpt_aggregate(r, CS_RPT_BY_SITE, &g, &n) == CS_OK);
	REQUIRE(n == 4);
	/* Most remaining first: Alpha 1 (of 2), Gamma 1, (no site) 1 (exception), Beta 0. */
	CHECK_STR(g[0].key, "Alpha");
	CHECK_INT(g[0].total, 2);
	CHECK_INT(g[0].done, 1);
	CHECK_INT(g[0].remaining, 1);
	CHECK_STR(g[3].key, "Beta");
	CHECK_INT(g[3].done, 1);
	CHECK_INT(g[3].remaining, 0);
	free(g);

	REQUIRE(cs_rpt_aggregate(r, CS_RPT_BY_OPERATOR, &g, &n) == CS_OK);
	REQUIRE(n == 3);
	CHECK_STR(g[0].key, "Org1");
	CHECK_INT(g[0].total, 4);
	CHECK_INT(g[0].affected, 3);
	CHECK_INT(g[0].done, 1);
	CHECK_INT(g[0].remaining, 2);
	CHECK_INT(g[0].by_state[CS_RPT_ST_NOT_AFFECTED], 1);
	free(g);

	REQUIRE(cs_rpt_aggregate(r, CS_RPT_BY_MAKER, &g, &n) == CS_OK);
	REQUIRE(n == 4);
	CHECK_STR(g[0].key, "Dahua"); /* 1 remaining, 2 affected */
	CHECK_INT(g[0].affected, 2);
	CHECK_STR(g[1].key, "Hikvision");
	CHECK_STR(g[2].key, "(unknown maker)");
	CHECK_STR(g[3].key, "Axis");
	free(g);

	cs_rpt_totals(r, &t);
	CHECK_INT(t.total, 6);
	CHECK_INT(t.affected, 5);
	CHECK_INT(t.done, 2);
	CHECK_INT(t.remaining, 3);
	cs_rpt_free(r);
}

TEST(report_model_errors)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{"[]", "not a JSON object"},
		{"{\"programme\":{}}", "report_model"},
		{"{\"report_model\":2,\"programme\":{}}", "version 2"},
		{"{\"report_model\":1}", "programme"},
		{"{\"report_model\":1,\"programme\":{\"as_of\":\"2024-01-01\"}}", "programme.name"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-02-30\"}}",
		 "programme.as_of: not a date"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"devices\":[{\"id\":1},{\"id\":2,\"state\":\"gone\"}]}",
		 "devices[1].state: unknown state"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"devices\":[{\"id\":1,\"model\":7}]}",
		 "devices[0].model: expected a string"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"devices\":[{\"id\":1,\"evidence\":[{\"signal\":\"oui\"}]}]}",
		 "devices[0].evidence[0].value: missing"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"milestones\":[{\"label\":\"m\",\"due\":\"2024-01-01\",\"target\":70}]}",
		 "milestones[0].target"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"progress\":[{\"date\":\"2024-01-01\",\"sites_affected\":3,\"sites_removed\":4}]"
		 "}",
		 "progress[0].sites_removed: more removed"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"progress\":[{\"date\":\"2024-01-01\",\"devices_affected\":"
		 "9223372036854775807,\"devices_removed\":0}]}",
		 "progress[0].devices_affected: too large"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"findings\":[{\"severity\":\"urgent\",\"title\":\"t\"}]}",
		 "findings[0].severity"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"sites\":{}}",
		 "sites: expected an array"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"sites\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"a\"}]}",
		 "sites[2].id: duplicate"},
		{"{\"report_model\":1,\"programme\":{\"name\":\"x\",\"as_of\":\"2024-01-01\"},"
		 "\"devices\":[{\"id\":7},{\"id\":3},{\"id\":7}]}",
		 "devices[2].id: duplicate"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		struct cs_err err = {0};
		struct cs_report *r = load_str(cases[i].json, &err);
		CHECK(r == NULL);
		cs_rpt_free(r);
		if (strstr(err.msg, cases[i].msg) == NULL)
			cs_test_fail(__FILE__, __LINE__, "case %zu: \"%s\" lacks \"%s\"", i,
				     err.msg, cases[i].msg);
	}
}

/* --- escaping --------------------------------------------------------------------------------- */

TEST(report_html_escape)
{
	struct cs_buf b;
	cs_buf_init(&b, 1024);
	static const char in[] = "a<b>&\"c'\x01\x7f\xff\xc2\x85\xc3\xa9\t\n";
	REQUIRE(cs_html_escape(&b, in, sizeof(in) - 1) == CS_OK);
	CHECK_STR(b.data, "a&lt;b&gt;&amp;&quot;c&#39;\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			  "\xef\xbf\xbd\xc3\xa9\t\n");
	/* A sequence cut at the end of the input is replaced, not over-read. */
	cs_buf_reset(&b);
	const char *g = cs_test_guarded("ok\xe2\x82", 4);
	REQUIRE(cs_html_escape(&b, g, 4) == CS_OK);
	CHECK_STR(b.data, "ok\xef\xbf\xbd\xef\xbf\xbd");
	cs_buf_reset(&b);
	CHECK_INT(cs_html_puts(&b, NULL), CS_OK);
	CHECK_INT(b.len, 0);
	cs_buf_free(&b);
}

/* --- renderers ---------------------------------------------------------------------------------- */

TEST(report_html_hostile)
{
	struct cs_report *r = load_fixture();
	REQUIRE(r != NULL);
	char *html = render(r, 0, false);
	REQUIRE(html != NULL);
	/* Nothing a browser would run or load. */
	CHECK(strstr(html, "<script") == NULL);
	CHECK(strstr(html, "<img") == NULL);
	CHECK(strstr(html, "<svg onload") == NULL);
	CHECK(strstr(html, "script-src 'none'") != NULL);
	CHECK(strstr(html, "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;") != NULL);
	CHECK(strstr(html, "&lt;img src=x onerror=&quot;document.title=&#39;pwned-img&#39;&quot;"
			   "&gt;") != NULL);
	CHECK(strstr(html, "&quot;&gt;&lt;svg onload=") != NULL);
	/* Charts: milestones, two burn-downs (sites and devices), by site, operator, maker. */
	CHECK_INT(count_of(html, "<svg "), 6);
	CHECK_INT(count_of(html, "<svg "), count_of(html, "</svg>"));
	CHECK_INT(count_of(html, "<title id=\"svg"), 6);
	CHECK_INT(count_of(html, "<desc id=\"svg"), 6);
	/* Every device has its evidence section, every milestone its row. */
	for (size_t i = 0; i < r->ndevices; i++) {
		char id[48];
		snprintf(id, sizeof(id), "id=\"dev-%lld\"", (long long)r->devices[i].id);
		CHECK(strstr(html, id) != NULL);
	}
	CHECK(strstr(html, "Met late") != NULL);
	CHECK(strstr(html, "At risk") != NULL);
	CHECK(strstr(html, "@media print") != NULL);
	free(html);
	cs_rpt_free(r);
}

/* Every identifying string of the fixture, raw and HTML-escaped, must be absent. */
static void check_absent(const char *out, const char *s, const char *what)
{
	struct cs_buf b;
	if (s == NULL || s[0] == '\0')
		return;
	if (strstr(out, s) != NULL)
		cs_test_fail(__FILE__, __LINE__, "%s: summary shows \"%s\"", what, s);
	cs_buf_init(&b, 4096);
	if (cs_html_puts(&b, s) == CS_OK && b.data != NULL && strstr(out, b.data) != NULL)
		cs_test_fail(__FILE__, __LINE__, "%s: summary shows escaped \"%s\"", what, s);
	cs_buf_free(&b);
}

TEST(report_summary_only)
{
	struct cs_report *r = load_fixture();
	REQUIRE(r != NULL);
	REQUIRE(r->nsites > 0 && r->ndevices > 0);
	for (int f = 0; f < 3; f++) {
		char *out = render(r, f, true);
		REQUIRE(out != NULL);
		for (size_t i = 0; i < r->nsites; i++) {
			check_absent(out, r->sites[i].name, "site name");
			check_absent(out, r->sites[i].criterion, "site criterion");
		}
		for (size_t i = 0; i < r->ndevices; i++) {
			const struct cs_rpt_device *d = &r->devices[i];
			check_absent(out, d->address, "address");
			check_absent(out, d->serial, "serial");
			check_absent(out, d->mac, "mac");
			check_absent(out, d->model, "model"); /* per-device sections are gone */
		}
		for (size_t i = 0; i < r->nscans; i++)
			check_absent(out, r->scans[i].targets, "scan targets");
		for (size_t i = 0; i < r->naudit; i++)
			check_absent(out, r->audit[i].actor, "audit actor");
		/* ...while the counts are there. */
		if (f == 0) {
			CHECK(strstr(out, "9 of 12") != NULL);
			CHECK(strstr(out, "Summary for publication") != NULL);
			CHECK_INT(count_of(out, "<svg "), 5); /* no by-site chart */
		} else if (f == 1) {
			CHECK(strncmp(out, "group,key,devices,", 18) == 0);
			CHECK(strstr(out, "\r\nmaker,Hikvision,20,20,15,5,75.0\r\n") != NULL);
		} else {
			json_t *j = json_loads(out, 0, NULL);
			REQUIRE(j != NULL);
			CHECK(json_object_get(j, "devices") == NULL);
			CHECK(json_object_get(j, "sites") == NULL);
			CHECK(json_is_true(json_object_get(j, "summary_only")));
			json_t *c = json_object_get(j, "computed");
			CHECK(json_object_get(c, "by_site") == NULL);
			CHECK_INT(json_array_size(json_object_get(c, "by_maker")), 3);
			json_decref(j);
		}
		free(out);
	}
	cs_rpt_free(r);
}

TEST(report_csv)
{
	static const char model[] =
		"{\"report_model\":1,\"programme\":{\"name\":\"P\",\"as_of\":\"2024-06-01\"},"
		"\"devices\":[{\"id\":1,\"model\":\"=cmd|' /C calc'!A0\",\"firmware\":\"+1\","
		"\"serial\":\"-2\",\"mac\":\"@SUM(A1)\",\"address\":\"a,b\","
		"\"manufacturer\":\"say "
		"\\\"hi\\\"\",\"brand\":\"x\\u001by\\u0085z\",\"covered\":true,"
		"\"covered_by\":[{\"policy\":\"uk-nil\"},{\"policy\":\"us-ndaa889\"}]}],"
		"\"findings\":[{\"severity\":\"high\",\"title\":\"t\",\"device\":1},"
		"{\"severity\":\"low\",\"title\":\"t\",\"device\":1},"
		"{\"severity\":\"low\",\"title\":\"t\",\"device\":2}]}";
	struct cs_err err = {0};
	struct cs_report *r = load_str(model, &err);
	REQUIRE(r != NULL);
	char *csv = render(r, 1, false);
	REQUIRE(csv != NULL);
	const char *row = strstr(csv, "\r\n");
	REQUIRE(row != NULL);
	CHECK_STR(row + 2, "1,,,\"a,b\",\"say \"\"hi\"\"\",x?y?z,'=cmd|' /C calc'!A0,'+1,'-2,"
			   "'@SUM(A1),,true,,uk-nil;us-ndaa889,affected,,,,0,2,0,1,0,1,0\r\n");
	free(csv);
	cs_rpt_free(r);
}

TEST(report_json_round_trip)
{
	struct cs_report *r = load_fixture(), *back = NULL;
	struct cs_err err = {0};
	REQUIRE(r != NULL);
	char *json = render(r, 2, false);
	REQUIRE(json != NULL);
	json_t *root = json_loads(json, 0, NULL);
	REQUIRE(root != NULL);
	json_t *cms = json_object_get(json_object_get(root, "computed"), "milestones");
	CHECK_STR(json_string_value(json_object_get(json_array_get(cms, 2), "status")), "at_risk");
	CHECK_STR(json_string_value(json_object_get(json_array_get(cms, 1), "status")), "met");
	CHECK(json_is_true(json_object_get(json_array_get(cms, 1), "met_late")));
	CHECK_STR(json_string_value(json_object_get(json_array_get(cms, 1), "met_on")),
		  "2024-11-30");
	CHECK_INT(cs_rpt_load(root, &back, &err), CS_OK);
	json_decref(root);
	REQUIRE(back != NULL);
	/* The model written as JSON renders exactly as the original. */
	char *a = render(r, 0, false), *b = render(back, 0, false);
	REQUIRE(a != NULL && b != NULL);
	CHECK(strcmp(a, b) == 0);
	free(a);
	free(b);
	free(json);
	cs_rpt_free(back);
	cs_rpt_free(r);
}

/* --- the command ---------------------------------------------------------------------------- */

static bool have_binary(void)
{
	const char *bin = getenv("CS_TEST_BIN");
	return bin != NULL && access(bin, X_OK) == 0;
}

TEST(report_cli)
{
	char cmd[512], *out, *err;
	if (!have_binary())
		return;
	snprintf(cmd, sizeof(cmd), "report --model %s --format csv", cs_test_fixture(fixture));
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	CHECK(strncmp(out, "id,site,operator,address,", 25) == 0);
	CHECK_INT(count_of(out, "\r\n"), 27); /* header and 26 devices */
	free(out);
	free(err);

	char dir[] = "/tmp/cs-report-XXXXXX";
	REQUIRE(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd), "report --model %s -o %s/r.html --summary-only",
		 cs_test_fixture(fixture), dir);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	CHECK_STR(out, "");
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "%s/r.html", dir);
	FILE *f = fopen(cmd, "r");
	REQUIRE(f != NULL);
	char head[64] = "";
	CHECK(fgets(head, sizeof(head), f) != NULL);
	CHECK_STR(head, "<!DOCTYPE html>\n");
	fclose(f);

	static const struct {
		const char *args;
		int status;
		const char *err;
	} bad[] = {
		{"report --format pdf", 2, "unknown format"},
		{"report --window 0", 2, "--window"},
		{"report --as-of 2024-02-30", 2, "--as-of"},
		{"report --model /nonexistent/m.json", 1, "cannot read"},
		{"report --db /nonexistent/i.db", 1, "no inventory"},
		{"report --model - --format json", 1, "not a JSON object"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		CHECK_INT(cs_test_run_cli(bad[i].args, "[1]", &out, &err), bad[i].status);
		if (strstr(err, bad[i].err) == NULL)
			cs_test_fail(__FILE__, __LINE__, "%s: stderr \"%s\"", bad[i].args, err);
		free(out);
		free(err);
	}

	/* From an inventory: one identified camera, covered, affected, nothing removed. */
	snprintf(cmd, sizeof(cmd),
		 "identify --store --db %s/i.db --address 192.0.2.7 "
		 "examples/captures/01-hikvision-camera/*",
		 dir);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	free(out);
	free(err);
	/* As of a day after it was first recorded (a device is counted from then on). */
	snprintf(cmd, sizeof(cmd), "report --db %s/i.db --format json --as-of 2099-05-01", dir);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	json_t *j = json_loads(out, 0, NULL);
	REQUIRE(j != NULL);
	json_t *devs = json_object_get(j, "devices");
	CHECK_INT(json_array_size(devs), 1);
	json_t *d = json_array_get(devs, 0);
	CHECK_STR(json_string_value(json_object_get(d, "manufacturer")), "Hikvision");
	CHECK_STR(json_string_value(json_object_get(d, "address")), "192.0.2.7");
	CHECK(json_array_size(json_object_get(d, "evidence")) > 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "programme"), "as_of")),
		  "2099-05-01");
	json_t *p = json_object_get(json_object_get(j, "computed"), "projection");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(p, "devices"), "affected")),
		  json_is_true(json_object_get(d, "covered")) ? 1 : 0);
	json_decref(j);
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "report --db %s/i.db", dir);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	CHECK(strstr(out, "DS-2CD2143G2-I") != NULL);
	CHECK_INT(count_of(out, "<svg "), 2); /* device burn-down and by maker */
	/* One measurement: no trend, so no projection line and no verdict on convergence. */
	CHECK(strstr(out, "not yet enough measurements") != NULL);
	CHECK(strstr(out, "not converging") == NULL);
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

/* --- mutated models -------------------------------------------------------------------------- */

struct slot {
	json_t *container;
	const char *key; /* object member, or NULL: array element index */
	size_t index;
};

static size_t collect_slots(json_t *v, struct slot *s, size_t n, size_t cap)
{
	const char *key;
	json_t *m;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, m)
		{
			if (n < cap)
				s[n++] = (struct slot){v, key, 0};
			n = collect_slots(m, s, n, cap);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m)
		{
			if (n < cap)
				s[n++] = (struct slot){v, NULL, i};
			n = collect_slots(m, s, n, cap);
		}
	}
	return n;
}

static uint64_t fuzz_rng = 0x9E3779B97F4A7C15ull;

static uint32_t fuzz_next(void)
{
	fuzz_rng ^= fuzz_rng << 13;
	fuzz_rng ^= fuzz_rng >> 7;
	fuzz_rng ^= fuzz_rng << 17;
	return (uint32_t)fuzz_rng;
}

static json_t *hostile_value(void)
{
	static const char *const strs[] = {"<script>alert(1)</script>",
					   "\"><img src=x onerror=alert(1)>",
					   "=1+1",
					   "",
					   "2024-02-30",
					   "2024-02-29",
					   "\xff\xfe\xc2\x85",
					   "</svg></figure><script>x</script>",
					   "removed",
					   "verified",
					   "high",
					   "sites",
					   "devices",
					   "S01",
					   "1970-01-01",
					   "9999-12-31"};
	char big[8192];
	switch (fuzz_next() % 10) {
	case 0: return json_null();
	case 1: return json_integer(-1);
	case 2: return json_integer(INT64_MAX);
	case 3: return json_real(0.5);
	case 4: return json_array();
	case 5: return json_object();
	case 6: return json_true();
	case 7:
		memset(big, '<', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		return json_string(big);
	default: return json_string_nocheck(strs[fuzz_next() % CS_ARRAY_SIZE(strs)]);
	}
}

/*
 * Replace random values of the fixture with hostile ones, many times: the model is either
 * refused with a message, or every renderer, in both modes, succeeds, emits no live markup and
 * (for JSON) valid JSON. ASan and UBSan watch the rest.
 */
TEST(report_mutated_models)
{
	json_error_t jerr;
	json_t *base = json_load_file(cs_test_fixture(fixture), 0, &jerr);
	enum { SLOTS = 4096 };
	struct slot *slots = calloc(SLOTS, sizeof(*slots));
	int loaded = 0, refused = 0;

	REQUIRE(base != NULL && slots != NULL);
	for (int iter = 0; iter < 400; iter++) {
		json_t *m = json_deep_copy(base);
		size_t n = collect_slots(m, slots, 0, SLOTS);
		int edits = 1 + (int)(fuzz_next() % 4);
		for (int e = 0; e < edits && n > 0; e++) {
			struct slot *s = &slots[fuzz_next() % n];
			if (s->key != NULL)
				json_object_set_new(s->container, s->key, hostile_value());
			else
				json_array_set_new(s->container, s->index, hostile_value());
			n = collect_slots(m, slots, 0, SLOTS); /* the edit may drop subtrees */
		}
		struct cs_report *r = NULL;
		struct cs_err err = {0};
		if (cs_rpt_load(m, &r, &err) != CS_OK) {
			refused++;
			CHECK(err.msg[0] != '\0');
			json_decref(m);
			continue;
		}
		loaded++;
		for (int summary = 0; summary < 2; summary++) {
			for (int f = 0; f < 3; f++) {
				char *out = render(r, f, summary != 0);
				REQUIRE(out != NULL);
				if (f == 0) {
					CHECK(strstr(out, "<script") == NULL);
					CHECK(strstr(out, "<img") == NULL);
				} else if (f == 2) {
					json_t *j = json_loads(out, 0, &jerr);
					CHECK(j != NULL);
					json_decref(j);
				}
				free(out);
			}
		}
		cs_rpt_free(r);
		json_decref(m);
	}
	/* Both paths must have been exercised for the test to mean anything. */
	CHECK(loaded > 50);
	CHECK(refused > 50);
	free(slots);
	json_decref(base);
}
