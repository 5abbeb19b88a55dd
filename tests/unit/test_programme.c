/*
 * test_programme.c - tests of the removal programme's rules (src/programme/programme.h) with no
 * store: every workflow transition allowed and refused, dates, CIDR parsing and longest-prefix
 * attachment, verification by later scans, and the milestone maths with dates.
 */
#include "test.h"

#include "programme/programme.h"
#include "scan/targets.h"

#include <string.h>

/* The moves a person may make, written out independently of the table in programme.c. */
static bool expected_by_hand(enum cs_wf_state from, enum cs_wf_state to)
{
	if (to == CS_WF_VERIFIED)
		return false;
	switch (from) {
	case CS_WF_IDENTIFIED: return to != CS_WF_IDENTIFIED;
	case CS_WF_PLANNED: return true;
	case CS_WF_DISCONNECTED: return to != CS_WF_DISCONNECTED;
	case CS_WF_REMOVED:
	case CS_WF_VERIFIED: return to == CS_WF_IDENTIFIED || to == CS_WF_EXEMPT;
	case CS_WF_EXEMPT: return true;
	default: return false;
	}
}

TEST(programme_every_transition)
{
	unsigned allowed = 0;
	for (int f = 0; f < CS_WF_COUNT; f++) {
		for (int t = 0; t < CS_WF_COUNT; t++) {
			struct cs_err err = {0};
			int r = cs_wf_check(f, t, CS_WF_BY_HAND, &err);
			bool want = expected_by_hand(f, t);
			if ((r == CS_OK) != want)
				cs_test_fail(__FILE__, __LINE__, "by hand %s -> %s: got %d",
					     cs_wf_name(f), cs_wf_name(t), r);
			if (r != CS_OK) {
				CHECK_INT(r, CS_EINVAL);
				CHECK(err.msg[0] != '\0');
			}
			allowed += r == CS_OK;
			/* The scans may only verify a removed device. */
			r = cs_wf_check(f, t, CS_WF_BY_SCANS, NULL);
			CHECK_INT(r == CS_OK, f == CS_WF_REMOVED && t == CS_WF_VERIFIED);
		}
	}
	CHECK_INT(allowed, 4 + 5 + 4 + 2 + 2 + 5);
	/* Exempt is reachable from every state, with an expiry checked elsewhere. */
	for (int f = 0; f < CS_WF_COUNT; f++)
		CHECK_INT(cs_wf_check(f, CS_WF_EXEMPT, CS_WF_BY_HAND, NULL), CS_OK);
	struct cs_err err = {0};
	CHECK_INT(cs_wf_check(CS_WF_REMOVED, CS_WF_DISCONNECTED, CS_WF_BY_HAND, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "removed cannot become disconnected") != NULL);
	CHECK_INT(cs_wf_check(CS_WF_PLANNED, CS_WF_VERIFIED, CS_WF_BY_HAND, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "scans") != NULL);
	CHECK_INT(cs_wf_check(CS_WF_COUNT, CS_WF_PLANNED, CS_WF_BY_HAND, NULL), CS_EINVAL);
}

TEST(programme_state_names)
{
	for (int s = 0; s < CS_WF_COUNT; s++) {
		enum cs_wf_state back;
		CHECK_INT(cs_wf_lookup(cs_wf_name(s), &back), CS_OK);
		CHECK_INT(back, s);
	}
	enum cs_wf_state x;
	CHECK_INT(cs_wf_lookup("Removed", &x), CS_EINVAL);
	CHECK_INT(cs_wf_lookup("", &x), CS_EINVAL);
	CHECK_INT(cs_wf_lookup(NULL, &x), CS_EINVAL);
	CHECK_STR(cs_wf_name(CS_WF_COUNT), "?");
}

TEST(programme_done_and_expiry)
{
	CHECK(cs_wf_done(CS_WF_REMOVED, NULL, "2024-01-01"));
	CHECK(cs_wf_done(CS_WF_VERIFIED, NULL, "2024-01-01"));
	CHECK(!cs_wf_done(CS_WF_PLANNED, NULL, "2024-01-01"));
	CHECK(!cs_wf_done(CS_WF_DISCONNECTED, NULL, "2024-01-01"));
	CHECK(!cs_wf_done(CS_WF_IDENTIFIED, NULL, "2024-01-01"));
	/* An exemption holds until the start of its expiry date. */
	CHECK(cs_wf_done(CS_WF_EXEMPT, "2024-06-01", "2024-05-31"));
	CHECK(!cs_wf_done(CS_WF_EXEMPT, "2024-06-01", "2024-06-01"));
	CHECK(!cs_wf_done(CS_WF_EXEMPT, "2024-06-01", "2025-01-01"));
	CHECK(!cs_wf_done(CS_WF_EXEMPT, NULL, "2024-01-01"));
}

TEST(programme_dates)
{
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"2024-02-29", true},  {"2023-02-29", false},  {"2000-02-29", true},
		{"1900-02-29", false}, {"2024-04-31", false},  {"2024-12-31", true},
		{"2024-13-01", false}, {"2024-00-10", false},  {"2024-01-00", false},
		{"2024-1-01", false},  {"2024-01-01x", false}, {"24-01-01", false},
		{"", false},	       {"1969-12-31", false},  {"2024/01/01", false},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++)
		if (cs_date_valid(cases[i].s) != cases[i].ok)
			cs_test_fail(__FILE__, __LINE__, "cs_date_valid(%s)", cases[i].s);
	char d[CS_DATE_LEN];
	CHECK_INT(cs_date_of("2024-05-01T12:00:00Z", d), CS_OK);
	CHECK_STR(d, "2024-05-01");
	CHECK_INT(cs_date_of("2024-05-32T12:00:00Z", d), CS_EINVAL);
	CHECK_INT(cs_date_of("2024", d), CS_EINVAL);
	CHECK_INT(cs_date_of(NULL, d), CS_EINVAL);
}

TEST(programme_cidr)
{
	struct cs_cidr c;
	struct cs_err err = {0};
	char buf[20];
	CHECK_INT(cs_cidr_parse("192.0.2.0/24", &c, NULL), CS_OK);
	CHECK_INT(c.net, 0xc0000200u);
	CHECK_INT(c.len, 24);
	CHECK_STR(cs_cidr_format(c, buf), "192.0.2.0/24");
	CHECK_INT(cs_cidr_parse("192.0.2.9", &c, NULL), CS_OK);
	CHECK_INT(c.len, 32);
	CHECK_INT(cs_cidr_parse("0.0.0.0/0", &c, NULL), CS_OK);
	CHECK(cs_cidr_contains(c, 0xffffffffu));
	CHECK_INT(cs_cidr_parse("192.0.2.1/24", &c, &err), CS_EPARSE);
	CHECK(strstr(err.msg, "did you mean 192.0.2.0/24") != NULL);
	static const char *const bad[] = {
		"192.0.2.0/33",	  "192.0.2.0/",	  "192.0.2/24",
		"192.0.2.0.1/32", "256.0.0.0/8",  "192.0.2.0/08",
		"01.2.3.4",	  "192.0.2.0/2a", "",
		"a.b.c.d/1",	  " 192.0.2.0",	  "192.0.2.0/-1",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++)
		if (cs_cidr_parse(bad[i], &c, NULL) != CS_EPARSE)
			cs_test_fail(__FILE__, __LINE__, "accepted '%s'", bad[i]);
	CHECK_INT(cs_cidr_parse(NULL, &c, NULL), CS_EPARSE);
	uint32_t a;
	CHECK_INT(cs_ipv4_parse("198.51.100.255", &a), CS_OK);
	CHECK_INT(a, 0xc63364ffu);
	CHECK_INT(cs_ipv4_parse("198.51.100", &a), CS_EPARSE);
}

TEST(programme_longest_prefix)
{
	struct cs_cidr nets[4];
	REQUIRE(cs_cidr_parse("192.0.2.0/24", &nets[0], NULL) == CS_OK);
	REQUIRE(cs_cidr_parse("192.0.2.0/26", &nets[1], NULL) == CS_OK);
	REQUIRE(cs_cidr_parse("192.0.2.7", &nets[2], NULL) == CS_OK);
	REQUIRE(cs_cidr_parse("192.0.2.0/26", &nets[3], NULL) == CS_OK); /* same, later site */
	uint32_t a;
	REQUIRE(cs_ipv4_parse("192.0.2.7", &a) == CS_OK);
	CHECK_INT(cs_cidr_best(nets, 4, a), 2);
	CHECK_INT(cs_cidr_best(nets, 2, a), 1);
	REQUIRE(cs_ipv4_parse("192.0.2.100", &a) == CS_OK);
	CHECK_INT(cs_cidr_best(nets, 4, a), 0);
	REQUIRE(cs_ipv4_parse("192.0.2.8", &a) == CS_OK);
	CHECK_INT(cs_cidr_best(nets + 1, 3, a), 0); /* ties: the first (older) site */
	REQUIRE(cs_ipv4_parse("198.51.100.1", &a) == CS_OK);
	CHECK_INT(cs_cidr_best(nets, 4, a), -1);
	CHECK_INT(cs_cidr_best(nets, 0, a), -1);
}

TEST(programme_verify_by_later_scans)
{
	/* Removed on 05-01; scans: same day (ignored), one that saw nothing of it but did not
	 * cover it, one excluded, one unfinished, then two covering ones. */
	struct cs_verify_scan scans[] = {
		{1, "2024-04-30T10:00:00Z", "done", "192.0.2.0/24", NULL, true, NULL, false},
		{2, "2024-05-01T23:00:00Z", "done", "192.0.2.0/24", NULL, false, NULL, false},
		{3, "2024-05-02T10:00:00Z", "done", "198.51.100.0/24", NULL, false, NULL, false},
		{4, "2024-05-03T10:00:00Z", "done", "192.0.2.0/24", "192.0.2.7", false, NULL,
		 false},
		{5, "2024-05-04T10:00:00Z", "interrupted", "192.0.2.0/24", NULL, false, NULL,
		 false},
		{6, "2024-05-05T10:00:00Z", "done", "-iL:/nonexistent 192.0.2.1-10", NULL, false,
		 NULL, false},
		{7, "2024-05-06T10:00:00Z", "done", "192.0.2.0/25 203.0.113.0/24", "192.0.2.200",
		 false, NULL, false},
		{8, "2024-05-07T10:00:00Z", "done", "192.0.2.0/24", NULL, false, NULL, false},
	};
	struct cs_verify_outcome o;
	struct cs_err err = {0};
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.7", scans, 6, 2, &o, &err), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_PENDING);
	CHECK_INT(o.absent, 1); /* scan 6 only */
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.7", scans, 7, 2, &o, &err), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_VERIFIED);
	CHECK_INT(o.absent, 2);
	CHECK_INT(o.evidence_id, 7);
	/* N is configurable. */
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.7", scans, 8, 3, &o, &err), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_VERIFIED);
	CHECK_INT(o.evidence_id, 8);
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.7", scans, 8, 4, &o, &err), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_PENDING);
	CHECK_INT(o.absent, 3);
	/* Seen again after removal (by any scan, even an unfinished one): a regression. */
	scans[4].saw_device = true;
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.7", scans, 8, 2, &o, &err), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_REGRESSED);
	CHECK_INT(o.evidence_id, 5);
	/* Seen before the removal date: not a regression. */
	CHECK_INT(cs_verify_removed("2024-05-05", "192.0.2.7", scans, 8, 2, &o, &err), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_VERIFIED);
	/* No usable address: never verified. */
	scans[4].saw_device = false;
	CHECK_INT(cs_verify_removed("2024-05-01", NULL, scans, 8, 1, &o, &err), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_PENDING);
	CHECK_INT(cs_verify_removed("2024-05-01", "cam.example", scans, 8, 1, &o, &err), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_PENDING);
	CHECK_INT(cs_verify_removed("2024-13-01", "192.0.2.7", scans, 8, 1, &o, &err), CS_EINVAL);
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.7", scans, 8, 0, &o, &err), CS_EINVAL);
}

TEST(programme_milestone_maths)
{
	/* Sites: 0 and 1 sensitive, 2 standard, 3 sensitive and never affected. */
	const struct cs_prog_site sites[] = {{true}, {true}, {false}, {true}};
	const struct cs_prog_event a_ev[] = {
		{"2024-03-01", CS_WF_PLANNED, NULL},
		{"2024-04-10", CS_WF_REMOVED, NULL},
	};
	const struct cs_prog_event b_ev[] = {{"2024-09-01", CS_WF_REMOVED, NULL}};
	const struct cs_prog_event c_ev[] = {{"2024-02-01", CS_WF_EXEMPT, "2024-08-01"}};
	const struct cs_prog_event e_ev[] = {{"2024-01-15", CS_WF_REMOVED, NULL}};
	const struct cs_prog_device devs[] = {
		/* site 0: one device removed in April */
		{0, true, "2024-01-01T00:00:00Z", a_ev, 2},
		/* site 1: two devices, one removed in September, one exempt until August */
		{1, true, "2024-01-01T00:00:00Z", b_ev, 1},
		{1, true, "2024-01-01T00:00:00Z", c_ev, 1},
		/* site 1: not covered (an Axis camera): never counts */
		{1, false, "2024-01-01T00:00:00Z", NULL, 0},
		/* site 2 (standard): open */
		{2, true, "2024-01-01T00:00:00Z", NULL, 0},
		/* no site: recorded in 2026 but removed (backdated) in January 2024 */
		{-1, true, "2026-01-01T00:00:00Z", e_ev, 1},
		/* site 0: recorded only in November: affects the site from then */
		{0, true, "2024-11-05T00:00:00Z", NULL, 0},
	};
	struct cs_progress g;

	CHECK_INT(cs_prog_measure(sites, 4, devs, 7, true, "2023-12-31", &g), CS_OK);
	CHECK_INT(g.sites_affected, 0);
	CHECK_INT(g.sites_unaffected, 3);
	CHECK_INT(g.devices, 0);
	CHECK_INT(cs_prog_percent(g.sites_done, g.sites_affected), -1);

	CHECK_INT(cs_prog_measure(sites, 4, devs, 7, true, "2024-04-30", &g), CS_OK);
	CHECK_INT(g.sites_affected, 2);
	CHECK_INT(g.sites_done, 1); /* site 0; site 1 waits for b (c is exempt) */
	CHECK_INT(g.devices, 3);
	CHECK_INT(g.devices_done, 2);
	CHECK_INT(g.sites_unaffected, 1);

	/* August: the exemption expired, b still in place: site 1 open. */
	CHECK_INT(cs_prog_measure(sites, 4, devs, 7, true, "2024-08-01", &g), CS_OK);
	CHECK_INT(g.sites_affected, 2);
	CHECK_INT(g.sites_done, 1);
	CHECK_INT(cs_prog_percent(g.sites_done, g.sites_affected), 50);
	CHECK_INT(g.devices_done, 1);

	/* October: b removed, c's exemption lapsed: still 50%. */
	CHECK_INT(cs_prog_measure(sites, 4, devs, 7, true, "2024-10-31", &g), CS_OK);
	CHECK_INT(g.sites_done, 1);
	CHECK_INT(g.devices_done, 2);
	CHECK_INT(cs_prog_percent(g.devices_done, g.devices), 66);

	/* December: a new covered device at site 0 reopens it. */
	CHECK_INT(cs_prog_measure(sites, 4, devs, 7, true, "2024-12-01", &g), CS_OK);
	CHECK_INT(g.sites_done, 0);
	CHECK_INT(g.devices, 4);

	/* All sites: site 2 and the unattached device count (the latter among devices only). */
	CHECK_INT(cs_prog_measure(sites, 4, devs, 7, false, "2024-04-30", &g), CS_OK);
	CHECK_INT(g.sites_affected, 3);
	CHECK_INT(g.sites_done, 1);
	CHECK_INT(g.devices, 5);
	CHECK_INT(g.devices_done, 3);

	CHECK_INT(cs_prog_measure(sites, 4, devs, 7, true, "2024-4-30", &g), CS_EINVAL);

	const char *exp;
	CHECK_INT(cs_prog_state_at(&devs[0], "2024-03-31", &exp), CS_WF_PLANNED);
	CHECK_INT(cs_prog_state_at(&devs[0], "2024-04-10", &exp), CS_WF_REMOVED);
	CHECK_INT(cs_prog_state_at(&devs[0], "2024-01-01", &exp), CS_WF_IDENTIFIED);
	CHECK_INT(cs_prog_state_at(&devs[2], "2024-03-01", &exp), CS_WF_EXEMPT);
	CHECK_STR(exp, "2024-08-01");
	CHECK_INT(cs_prog_percent(7, 10), 70);
	CHECK_INT(cs_prog_percent(0, 0), -1);
	CHECK_INT(cs_prog_percent(3, 3), 100);
}

TEST(programme_verify_with_parsed_scans)
{
	struct cs_verify_scan s = {.id = 1,
				   .started = "2024-05-02T00:00:00Z",
				   .status = "done",
				   .targets = "-iL:/none 192.0.2.0/24",
				   .excludes = "192.0.2.7"};
	struct cs_targets t;
	uint32_t a7, a8;
	REQUIRE(cs_ipv4_parse("192.0.2.7", &a7) == CS_OK &&
		cs_ipv4_parse("192.0.2.8", &a8) == CS_OK);
	REQUIRE(cs_verify_scan_parse(&s, &t) == CS_OK);
	CHECK(!cs_targets_contains(&t, a7));
	CHECK(cs_targets_contains(&t, a8));
	CHECK_INT(cs_targets_count(&t), 255);
	/* The parsed set is what counts: here it says .7 is covered, the strings say it is not. */
	struct cs_targets all;
	struct cs_verify_scan p = s;
	REQUIRE(cs_verify_scan_parse(&(struct cs_verify_scan){.targets = "192.0.2.0/24"}, &all) ==
		CS_OK);
	p.parsed = &all;
	struct cs_verify_outcome o;
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.7", &p, 1, 1, &o, NULL), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_VERIFIED);
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.7", &s, 1, 1, &o, NULL), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_PENDING);
	p.parsed = NULL;
	p.parse_failed = true;
	CHECK_INT(cs_verify_removed("2024-05-01", "192.0.2.8", &p, 1, 1, &o, NULL), CS_OK);
	CHECK_INT(o.result, CS_VERIFY_PENDING);
	cs_targets_free(&all);
	cs_targets_free(&t);
	struct cs_verify_scan bad = {.targets = "192.0.2.0/24 cam.example"};
	CHECK_INT(cs_verify_scan_parse(&bad, &t), CS_EPARSE);
	cs_targets_free(&t);
}
