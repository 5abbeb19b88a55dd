/*
 * test_programme_cli.c - end-to-end tests of the programme commands (site, plan, mark,
 * verify, milestone, audit) through the built binary (CS_TEST_BIN): a small estate recorded
 * with `identify --store`, sites added, exported and imported back, devices moved along the
 * workflow, refused moves and usage errors with their exit codes, the audit log with the user
 * from $CAMSWEEP_USER, and milestone progress as JSON. Skipped until the binary exists.
 */
#include "test.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool have_binary(void)
{
	struct stat st;
	const char *bin = getenv("CS_TEST_BIN");
	return bin != NULL && stat(bin, &st) == 0;
}

static char dir[64];

/* Run "--db DIR/i.db ARGS" with CAMSWEEP_USER=tester; *out (may be NULL) gets stdout. */
static int cli(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int cli(char **out, char **err, const char *fmt, ...)
{
	char args[4096], full[4600];
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
	if (err != NULL)
		*err = e;
	else
		free(e);
	return st;
}

static json_t *cli_json(const char *args)
{
	char *out = NULL, *err = NULL;
	int st = cli(&out, &err, "%s", args);
	json_t *j = json_loads(out != NULL ? out : "", 0, NULL);
	if (st != 0 || j == NULL)
		cs_test_fail(__FILE__, __LINE__, "%s: status %d, not JSON: %s / %s", args, st, out,
			     err);
	free(out);
	free(err);
	return j;
}

static bool setup(void)
{
	char cmd[512];
	if (!have_binary())
		return false;
	snprintf(dir, sizeof(dir), "/tmp/cs-progcli-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return false;
	setenv("CAMSWEEP_USER", "tester", 1);
	/* Device 1: Hikvision at 192.0.2.7; device 2: Dahua at 198.51.100.20. */
	snprintf(cmd, sizeof(cmd),
		 "identify --store --db %s/i.db --address 192.0.2.7 "
		 "examples/captures/01-hikvision-camera/*",
		 dir);
	if (cs_test_run_cli(cmd, NULL, NULL, NULL) != 0)
		return false;
	snprintf(cmd, sizeof(cmd),
		 "identify --store --db %s/i.db --address 198.51.100.20 "
		 "examples/captures/03-dahua-camera/*",
		 dir);
	return cs_test_run_cli(cmd, NULL, NULL, NULL) == 0;
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cs_test_fail(__FILE__, __LINE__, "cannot remove %s", dir);
	unsetenv("CAMSWEEP_USER");
}

TEST(cli_programme_sites_round_trip)
{
	char *out = NULL, *err = NULL;
	if (!setup())
		return;
	CHECK_INT(cli(NULL, NULL,
		      "site add 'HQ, London' --operator 'Cabinet \"CO\" Office' --sensitivity "
		      "sensitive:ministerial --network 192.0.2.0/24:core --network "
		      "198.51.100.0/25:segregated"),
		  0);
	CHECK_INT(cli(NULL, NULL,
		      "site add Depot --sensitivity standard --operator =cmd "
		      "--network 198.51.100.0/27:segregated"),
		  0);
	/* Refusals: duplicate name (1), bad network and missing sensitivity (2). */
	CHECK_INT(cli(NULL, &err, "site add depot --sensitivity standard"), 1);
	CHECK(strstr(err, "taken") != NULL);
	free(err);
	CHECK_INT(cli(NULL, &err, "site add X --sensitivity standard --network 192.0.2.1/24:core"),
		  2);
	CHECK(strstr(err, "did you mean 192.0.2.0/24") != NULL);
	free(err);
	CHECK_INT(cli(NULL, NULL, "site add X --network 192.0.2.0/24:core"), 2);
	CHECK_INT(cli(NULL, NULL, "site add X --sensitivity sensitive"), 2);
	CHECK_INT(cli(NULL, NULL, "site frobnicate"), 2);

	/* Export, edit, import the export: the sites are as exported. */
	CHECK_INT(cli(&out, NULL, "site export"), 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/sites.csv", dir);
	FILE *f = fopen(path, "w");
	REQUIRE(f != NULL);
	fputs(out, f);
	fclose(f);
	CHECK(strstr(out, "\"HQ, London\",\"Cabinet \"\"CO\"\" Office\",sensitive,ministerial,"
			  "192.0.2.0/24:core 198.51.100.0/25:segregated\r\n") != NULL);
	CHECK(strstr(out, "Depot,'=cmd,standard,,198.51.100.0/27:segregated") != NULL);
	char *before = out;
	CHECK_INT(cli(NULL, NULL,
		      "site edit Depot --operator Landlord --add-network "
		      "203.0.113.0/24:core --remove-network 198.51.100.0/27"),
		  0);
	CHECK_INT(cli(NULL, NULL, "site edit Depot --remove-network 10.0.0.0/8"), 1);
	CHECK_INT(cli(&out, NULL, "site import %s", path), 0);
	CHECK(strstr(out, "0 added, 1 updated, 1 unchanged") != NULL);
	free(out);
	CHECK_INT(cli(&out, NULL, "site export"), 0);
	CHECK_STR(out, before);
	free(out);
	/* Importing into a new inventory adds both. */
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "--db %s/j.db site import %s", dir, path);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, NULL), 0);
	CHECK(strstr(out, "2 added") != NULL);
	free(out);
	snprintf(cmd, sizeof(cmd), "--db %s/j.db site export", dir);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, NULL), 0);
	CHECK_STR(out, before);
	free(out);
	free(before);

	json_t *j = cli_json("site list --format json");
	REQUIRE(json_is_array(j));
	CHECK_INT(json_array_size(j), 2);
	json_t *s0 = json_array_get(j, 0);
	CHECK_STR(json_string_value(json_object_get(s0, "name")), "HQ, London");
	CHECK_STR(json_string_value(json_object_get(s0, "criterion")), "ministerial");
	CHECK_INT(json_array_size(json_object_get(s0, "networks")), 2);
	json_decref(j);

	/* Device 2 (198.51.100.20) is in Depot's /27 and HQ's /25: the /27 wins. */
	j = cli_json("site show Depot --format json");
	json_t *devs = json_object_get(j, "devices");
	REQUIRE(json_array_size(devs) == 1);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(devs, 0), "id")), 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(devs, 0), "attached")),
		  "by_address");
	json_decref(j);
	CHECK_INT(cli(NULL, NULL, "site attach 'HQ, London' 2 --why 'cabled to HQ'"), 0);
	j = cli_json("site show 'HQ, London' --format json");
	CHECK_INT(json_array_size(json_object_get(j, "devices")), 2);
	json_decref(j);
	CHECK_INT(cli(NULL, NULL, "site attach Nowhere 2"), 1);
	CHECK_INT(cli(NULL, NULL, "site attach Depot 99"), 1);
	CHECK_INT(cli(NULL, NULL, "site attach Depot x"), 2);
	CHECK_INT(cli(NULL, NULL, "site show Nowhere"), 1);
	teardown();
}

TEST(cli_programme_workflow_audit_milestones)
{
	char *out = NULL, *err = NULL;
	if (!setup())
		return;
	CHECK_INT(cli(NULL, NULL,
		      "site add HQ --sensitivity sensitive:secret-material "
		      "--network 192.0.2.0/24:core --network 198.51.100.0/24:core"),
		  0);
	CHECK_INT(cli(NULL, NULL,
		      "plan 1 --due 2024-06-01 --owner Estates --cost 850 "
		      "--date 2024-03-01"),
		  0);
	CHECK_INT(cli(NULL, &err, "plan 1 --owner Estates"), 1);
	CHECK(strstr(err, "due date") != NULL);
	free(err);
	CHECK_INT(cli(NULL, NULL, "plan 1 --due 2024-06-01 --owner E --cost lots"), 2);
	CHECK_INT(cli(NULL, NULL, "plan"), 2);
	CHECK_INT(cli(NULL, &err, "mark 1 removed --why replaced --date 2024-05-01"), 1);
	CHECK(strstr(err, "--evidence") != NULL);
	free(err);
	CHECK_INT(cli(NULL, NULL, "mark 1 removed --date 2024-05-01 --evidence WEEE-118"), 2);
	CHECK_INT(cli(NULL, NULL, "mark 1 gone --why x"), 2);
	CHECK_INT(cli(NULL, NULL, "mark 1 planned --why x"), 2);
	CHECK_INT(cli(NULL, &err, "mark 1 verified --why x"), 1);
	CHECK(strstr(err, "scans") != NULL);
	free(err);
	CHECK_INT(cli(NULL, NULL,
		      "mark 1 removed --why replaced --date 2024-05-01 --evidence "
		      "WEEE-118"),
		  0);
	CHECK_INT(cli(NULL, &err, "mark 1 disconnected --why x"), 1);
	CHECK(strstr(err, "removed cannot become disconnected") != NULL);
	free(err);
	CHECK_INT(cli(NULL, NULL,
		      "mark 2 exempt --why 'evidence hold' --approver SIRO --expires "
		      "2024-02-01 --date 2024-03-01"),
		  1);
	CHECK_INT(cli(NULL, NULL,
		      "mark 2 exempt --why 'evidence hold' --approver SIRO --expires "
		      "2024-09-01 --date 2024-03-01"),
		  0);
	CHECK_INT(cli(NULL, NULL, "mark 99 disconnected --why x"), 1);

	/* `devices` shows the site and the workflow state. */
	json_t *d = cli_json("devices --format json");
	REQUIRE(json_array_size(d) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(d, 0), "site")), "HQ");
	CHECK_STR(json_string_value(json_object_get(json_array_get(d, 0), "workflow_state")),
		  "removed");
	CHECK_STR(json_string_value(json_object_get(json_array_get(d, 1), "workflow_state")),
		  "exempt");
	json_decref(d);
	CHECK_INT(cli(&out, NULL, "devices --format csv"), 0);
	CHECK(strstr(out, ",site,workflow_state\r\n") != NULL);
	CHECK(strstr(out, ",HQ,removed\r\n") != NULL);
	free(out);

	/* The audit log: who from $CAMSWEEP_USER, what and why. */
	json_t *j = cli_json("audit --object device:1 --format json");
	REQUIRE(json_array_size(j) == 2);
	json_t *last = json_array_get(j, 1);
	CHECK_STR(json_string_value(json_object_get(last, "who")), "tester");
	CHECK_STR(json_string_value(json_object_get(last, "why")), "replaced");
	CHECK_STR(json_string_value(json_object_get(last, "detail")),
		  "planned -> removed on 2024-05-01 evidence=WEEE-118");
	json_decref(j);
	/* A reason with an escape sequence never reaches the terminal. */
	CHECK_INT(cli(NULL, NULL, "mark 1 identified --why \"$(printf 'back\\033[2J\\007')\""), 0);
	CHECK_INT(cli(&out, NULL, "audit"), 0);
	CHECK(strstr(out, "why: back?[2J?") != NULL);
	CHECK(strchr(out, '\x1b') == NULL && strchr(out, '\a') == NULL);
	free(out);
	j = cli_json("audit --object device:1 --format json");
	CHECK_STR(json_string_value(json_object_get(json_array_get(j, 2), "why")), "back\x1b[2J\a");
	json_decref(j);
	/* History is in date order: the removal cannot be dated before the return. */
	CHECK_INT(cli(NULL, &err, "mark 1 removed --why again --date 2024-05-01 --evidence W-1"),
		  1);
	CHECK(strstr(err, "cannot take effect earlier") != NULL);
	free(err);
	CHECK_INT(cli(NULL, NULL, "mark 1 removed --why again --evidence W-1"), 0);
	CHECK_INT(cli(&out, NULL, "audit --format csv"), 0);
	CHECK(strncmp(out, "id,at,who,object,action,detail,why\r\n", 36) == 0);
	free(out);

	/* Milestones: 50% by 2024-04-30 (missed: nothing removed yet), 70% by 2024-10-31. */
	CHECK_INT(cli(NULL, NULL, "milestone add first --date 2024-04-30 --percent 50"), 0);
	CHECK_INT(cli(NULL, NULL,
		      "milestone add second --date 2024-10-31 --percent 70 "
		      "--measure devices"),
		  0);
	CHECK_INT(cli(NULL, NULL, "milestone add third --date 2024-10-31 --percent 170"), 2);
	j = cli_json("milestone progress --as-of 2024-04-30 --as-of 2024-08-15 --as-of "
		     "2024-12-01 --format json");
	REQUIRE(json_array_size(j) == 3);
	json_t *apr = json_array_get(j, 0), *aug = json_array_get(j, 1),
	       *dec = json_array_get(j, 2);
	json_t *sens = json_object_get(apr, "sensitive");
	CHECK_INT(json_integer_value(json_object_get(sens, "sites_affected")), 1);
	CHECK_INT(json_integer_value(json_object_get(sens, "sites_done")), 0);
	CHECK_INT(json_integer_value(json_object_get(sens, "devices")), 2);
	CHECK_INT(json_integer_value(json_object_get(sens, "devices_done")), 1); /* exempt */
	CHECK_STR(json_string_value(json_object_get(
			  json_array_get(json_object_get(apr, "milestones"), 0), "status")),
		  "missed");
	/* August: device 1 removed, device 2 still exempt: the site is done. */
	sens = json_object_get(aug, "sensitive");
	CHECK_INT(json_integer_value(json_object_get(sens, "sites_done")), 1);
	CHECK_INT(json_integer_value(json_object_get(sens, "sites_percent")), 100);
	CHECK_STR(json_string_value(json_object_get(
			  json_array_get(json_object_get(aug, "milestones"), 1), "status")),
		  "ahead");
	/* December: the exemption has expired. */
	sens = json_object_get(dec, "sensitive");
	CHECK_INT(json_integer_value(json_object_get(sens, "sites_done")), 0);
	CHECK_INT(json_integer_value(json_object_get(sens, "devices_percent")), 50);
	json_t *second = json_array_get(json_object_get(dec, "milestones"), 1);
	CHECK_STR(json_string_value(json_object_get(second, "status")), "missed");
	/* Measured on its date, when the exemption had already expired. */
	CHECK_INT(json_integer_value(json_object_get(second, "percent")), 50);
	json_decref(j);
	CHECK_INT(cli(NULL, NULL, "milestone progress --as-of 2024-13-01"), 2);

	/* verify: no scans yet, so device 1 is pending and nothing regressed. */
	j = cli_json("verify --format json");
	json_t *rem = json_object_get(j, "removed");
	REQUIRE(json_array_size(rem) == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(rem, 0), "result")), "pending");
	CHECK_INT(json_array_size(json_object_get(j, "regressions")), 0);
	json_decref(j);
	CHECK_INT(cli(NULL, NULL, "verify --scans 0"), 2);
	teardown();
}

TEST(cli_programme_needs_an_inventory)
{
	char *err = NULL;
	if (!have_binary())
		return;
	CHECK_INT(cs_test_run_cli("--db /tmp/cs-no-such-dir/x.db audit", NULL, NULL, &err), 1);
	CHECK(strstr(err, "no inventory") != NULL);
	free(err);
	CHECK_INT(cs_test_run_cli("--db /tmp/cs-no-such-dir/x.db mark 1 removed --why x "
				  "--evidence e",
				  NULL, NULL, NULL),
		  1);
}
