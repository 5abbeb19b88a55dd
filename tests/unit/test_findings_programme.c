/*
 * test_findings_programme.c - findings judged in the programme's context, end to end through
 * the built binary: the same covered devices raise critical on a sensitive site, high on a core
 * network, medium elsewhere; an exemption lowers them; a device marked removed that is seen
 * again is a regression; `check` exits 3 on them. Skipped until the binary exists.
 */
#include "test.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[64];

static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
	char args[2048], full[2200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "--db %s/i.db %s", dir, args);
	char *o = NULL, *e = NULL;
	int st = cs_test_run_cli(full, NULL, &o, &e);
	if (out != NULL)
		*out = o;
	else
		free(o);
	free(e);
	return st;
}

/* A fresh inventory directory for one test, with the audit user set; false: no binary. */
static bool begin(const char *tag)
{
	struct stat sb;
	const char *bin = getenv("CS_TEST_BIN");
	if (bin == NULL || stat(bin, &sb) != 0)
		return false;
	snprintf(dir, sizeof(dir), "/tmp/cs-%s-XXXXXX", tag);
	if (mkdtemp(dir) == NULL)
		return false;
	setenv("CAMSWEEP_USER", "tester", 1);
	return true;
}

static void end(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	unsetenv("CAMSWEEP_USER");
}

/* The rules raised for device id, as "rule/severity" joined by spaces. */
static void rules_of(json_t *arr, int id, char *buf, size_t cap)
{
	size_t i, o = 0;
	json_t *f;
	buf[0] = '\0';
	json_array_foreach(arr, i, f)
	{
		if (json_integer_value(json_object_get(f, "device_id")) != id)
			continue;
		o += (size_t)snprintf(buf + o, cap - o, "%s%s/%s", o ? " " : "",
				      json_string_value(json_object_get(f, "rule")),
				      json_string_value(json_object_get(f, "severity")));
		if (o >= cap)
			break;
	}
}

static json_t *findings(void)
{
	char *out = NULL;
	int st = run(&out, "findings --format json");
	json_t *j = json_loads(out != NULL ? out : "", 0, NULL);
	if (st != 0 || !json_is_array(j))
		cs_test_fail(__FILE__, __LINE__, "findings: status %d: %.200s", st, out);
	free(out);
	return j;
}

TEST(findings_follow_sites_networks_and_workflow)
{
	if (!begin("findprog"))
		return;
	/* Three covered devices: 1 on a sensitive site's core network, 2 on a standard site's
	 * core network, 3 on a segregated network. */
	REQUIRE(run(NULL, "identify --store --address 192.0.2.7 "
			  "examples/captures/01-hikvision-camera/*") == 0);
	REQUIRE(run(NULL, "identify --store --address 198.51.100.20 "
			  "examples/captures/03-dahua-camera/*") == 0);
	REQUIRE(run(NULL, "identify --store --address 203.0.113.9 "
			  "examples/captures/04-amcrest-relabel/*") == 0);
	json_t *j = findings();
	char got[512];
	rules_of(j, 1, got, sizeof(got));
	CHECK(strstr(got, "covered-elsewhere/medium") != NULL);
	json_decref(j);

	REQUIRE(run(NULL,
		    "site add 'Police HQ' --operator 'Met Police' "
		    "--sensitivity sensitive:secret-material --network 192.0.2.0/24:core") == 0);
	REQUIRE(run(NULL,
		    "site add 'Depot' --operator Council --sensitivity standard "
		    "--network 198.51.100.0/24:core --network 203.0.113.0/24:segregated") == 0);
	j = findings();
	rules_of(j, 1, got, sizeof(got));
	CHECK(strstr(got, "covered-sensitive-site/critical") != NULL);
	CHECK(strstr(got, "covered-elsewhere") == NULL);
	rules_of(j, 2, got, sizeof(got));
	CHECK(strstr(got, "covered-core-network/high") != NULL);
	CHECK(strstr(got, "covered-sensitive-site") == NULL);
	rules_of(j, 3, got, sizeof(got));
	CHECK(strstr(got, "covered-elsewhere/medium") != NULL);
	CHECK(strstr(got, "covered-core-network") == NULL);
	json_decref(j);
	CHECK_INT(run(NULL, "check --threshold critical --quiet"), 3);

	/* Exempt the sensitive-site camera until far ahead: no longer critical. */
	REQUIRE(run(NULL, "mark 1 exempt --why 'evidence camera, court order' --approver "
			  "'Chief Constable' --date 2026-01-01 --expires 2099-01-01") == 0);
	j = findings();
	rules_of(j, 1, got, sizeof(got));
	CHECK(strstr(got, "covered-sensitive-site/info") != NULL);
	json_decref(j);
	CHECK_INT(run(NULL, "check --threshold critical --quiet"), 0);

	/* Device 2 was removed last year, yet it was identified today: it is back. */
	REQUIRE(run(NULL, "mark 2 removed --why replaced --evidence WEEE-1 --date 2025-01-01") ==
		0);
	j = findings();
	rules_of(j, 2, got, sizeof(got));
	CHECK(strstr(got, "removed-reappeared/critical") != NULL);
	json_decref(j);
	CHECK_INT(run(NULL, "check --threshold critical --quiet"), 3);

	end();
}

/* The report built from the inventory carries the programme: sites with their states,
 * milestones, progress, findings and the audit excerpt; devices with site, state and due. */
TEST(report_from_the_programme_record)
{
	if (!begin("rptprog"))
		return;
	REQUIRE(run(NULL, "identify --store --address 192.0.2.7 "
			  "examples/captures/01-hikvision-camera/*") == 0);
	REQUIRE(run(NULL, "identify --store --address 198.51.100.20 "
			  "examples/captures/03-dahua-camera/*") == 0);
	REQUIRE(run(NULL,
		    "site add 'Police HQ' --operator 'Met Police' "
		    "--sensitivity sensitive:secret-material --network 192.0.2.0/24:core") == 0);
	REQUIRE(run(NULL, "site add Depot --operator Council --sensitivity standard "
			  "--network 198.51.100.0/24:segregated") == 0);
	/* A device by its address, as an engineer on site knows it. */
	REQUIRE(run(NULL, "plan 192.0.2.7 --due 2027-03-01 --owner Estates --cost 900") == 0);
	CHECK_INT(run(NULL, "plan 192.0.2.99 --due 2027-03-01 --owner Estates"), 1);
	CHECK_INT(run(NULL, "plan not-a-device --due 2027-03-01 --owner Estates"), 2);
	REQUIRE(run(NULL, "mark 2 removed --why replaced --evidence WEEE-7 --date 2026-01-10") ==
		0);
	REQUIRE(run(NULL, "milestone add half --date 2027-01-31 --percent 50 --scope sensitive") ==
		0);

	char *out = NULL;
	REQUIRE(run(&out, "report --format json") == 0);
	json_t *j = json_loads(out != NULL ? out : "", 0, NULL);
	free(out);
	REQUIRE(j != NULL);
	json_t *sites = json_object_get(j, "sites"), *devs = json_object_get(j, "devices");
	CHECK_INT(json_array_size(sites), 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(sites, 0), "state")),
		  "affected");
	CHECK_STR(json_string_value(json_object_get(json_array_get(sites, 1), "state")), "removed");
	CHECK_STR(json_string_value(json_object_get(json_array_get(devs, 0), "site")), "Police HQ");
	CHECK_STR(json_string_value(json_object_get(json_array_get(devs, 0), "state")), "planned");
	CHECK_STR(json_string_value(json_object_get(json_array_get(devs, 0), "due")), "2027-03-01");
	CHECK_STR(json_string_value(json_object_get(json_array_get(devs, 1), "state")), "removed");
	CHECK_INT(json_array_size(json_object_get(j, "milestones")), 1);
	/* Progress: a snapshot on the removal date, when only the removed device was known,
	 * and one today. */
	json_t *prog = json_object_get(j, "progress");
	CHECK_INT(json_array_size(prog), 2);
	json_t *first = json_array_get(prog, 0), *last = json_array_get(prog, 1);
	CHECK_STR(json_string_value(json_object_get(first, "date")), "2026-01-10");
	CHECK_INT(json_integer_value(json_object_get(first, "devices_affected")), 1);
	CHECK_INT(json_integer_value(json_object_get(first, "devices_removed")), 1);
	CHECK_INT(json_integer_value(json_object_get(last, "devices_affected")), 2);
	CHECK_INT(json_integer_value(json_object_get(last, "devices_removed")), 1);
	CHECK_INT(json_integer_value(json_object_get(last, "sites_affected")), 1);
	CHECK_INT(json_integer_value(json_object_get(last, "sites_removed")), 0);
	bool critical = false;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(j, "findings"), i, f)
	{
		critical |= strcmp(json_string_value(json_object_get(f, "rule")),
				   "covered-sensitive-site") == 0 &&
			    json_integer_value(json_object_get(f, "device")) == 1;
	}
	CHECK(critical);
	CHECK(json_array_size(json_object_get(j, "audit")) >= 4);
	json_decref(j);

	/* The HTML names the sites and the milestone; the summary names neither site. */
	REQUIRE(run(&out, "report") == 0);
	CHECK(out != NULL && strstr(out, "Police HQ") != NULL && strstr(out, "half") != NULL);
	free(out);
	REQUIRE(run(&out, "report --summary-only") == 0);
	CHECK(out != NULL && strstr(out, "Police HQ") == NULL && strstr(out, "Depot") == NULL);
	free(out);

	end();
}

/* A register's location that names a site attaches the device to it (audited). */
TEST(import_attaches_devices_to_the_site_their_location_names)
{
	if (!begin("impsite"))
		return;
	char path[128];
	snprintf(path, sizeof(path), "%s/register.csv", dir);
	FILE *f = fopen(path, "w");
	REQUIRE(f != NULL);
	fputs("Make,Model,Serial No,Location\r\n"
	      "Hikvision,DS-2CD2143G2-I,DS-2CD2143G2-I20220123AAWRD12345678,Police HQ / Room 2\r\n"
	      "Dahua,IPC-HFW2431S-S-S2,4J0186FPAG00123,Somewhere else\r\n",
	      f);
	fclose(f);
	REQUIRE(run(NULL, "site add 'Police HQ' --operator 'Met Police' --sensitivity standard") ==
		0);
	REQUIRE(run(NULL, "import %s", path) == 0);
	char *out = NULL;
	REQUIRE(run(&out, "devices --format json") == 0);
	json_t *j = json_loads(out != NULL ? out : "", 0, NULL);
	free(out);
	REQUIRE(json_array_size(j) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(j, 0), "site")), "Police HQ");
	CHECK(json_is_null(json_object_get(json_array_get(j, 1), "site")));
	json_decref(j);
	REQUIRE(run(&out, "audit --format json") == 0);
	CHECK(out != NULL && strstr(out, "site.attach") != NULL && strstr(out, "register") != NULL);
	free(out);
	end();
}
