/*
 * test_cli.c - `camsweep identify` end to end: the built binary (CS_TEST_BIN) run on the demo
 * captures and on broken and hostile inputs, its JSON parsed back with jansson.
 */
#include "test.h"

#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static bool have_binary(void)
{
	struct stat st;
	const char *bin = getenv("CS_TEST_BIN");
	return bin != NULL && stat(bin, &st) == 0;
}

/* Run identify with args; parse stdout as one JSON object. NULL (and a failure) if it is not. */
static json_t *identify(const char *args, int *status)
{
	char cmd[4096], *out, *err;
	snprintf(cmd, sizeof(cmd), "identify --format json %s", args);
	*status = cs_test_run_cli(cmd, NULL, &out, &err);
	json_error_t je;
	json_t *j = json_loads(out, 0, &je);
	if (j == NULL)
		cs_test_fail(__FILE__, __LINE__, "not JSON (%s): %s / stderr: %s", je.text, out,
			     err);
	free(out);
	free(err);
	return j;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

TEST(cli_identifies_demo_devices)
{
	static const struct {
		const char *dir, *maker, *brand, *type;
		bool covered;
	} cases[] = {
		{"01-hikvision-camera", "Hikvision", NULL, "camera", true},
		{"02-hikvision-nvr-old", "Hikvision", NULL, "nvr", true},
		{"03-dahua-camera", "Dahua", NULL, "camera", true},
		{"04-amcrest-relabel", "Dahua", "Amcrest", NULL, true},
		{"05-axis-camera", "Axis", NULL, NULL, false},
		{"06-plain-nginx", NULL, NULL, "unknown", false},
	};
	if (!have_binary())
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char args[512];
		int st;
		snprintf(args, sizeof(args), "examples/captures/%s/*", cases[i].dir);
		json_t *j = identify(args, &st);
		CHECK_INT(st, 0);
		if (j == NULL)
			continue;
		CHECK_STR(str(j, "manufacturer"), cases[i].maker);
		CHECK_STR(str(j, "brand"), cases[i].brand);
		if (cases[i].type != NULL)
			CHECK_STR(str(j, "device_type"), cases[i].type);
		CHECK(json_is_boolean(json_object_get(j, "covered")));
		CHECK_INT(json_is_true(json_object_get(j, "covered")), cases[i].covered);
		CHECK(json_is_number(json_object_get(j, "confidence")));
		json_t *ev = json_object_get(j, "evidence");
		CHECK(json_is_array(ev));
		if (cases[i].maker != NULL) {
			CHECK(json_array_size(ev) > 0);
			json_t *e = json_array_get(ev, 0);
			CHECK(json_is_string(json_object_get(e, "signal")));
			CHECK(json_is_string(json_object_get(e, "value")));
			CHECK(json_is_string(json_object_get(e, "implies")));
			CHECK(json_is_number(json_object_get(e, "weight")));
		}
		json_t *cb = json_object_get(j, "covered_by");
		CHECK(json_is_array(cb));
		CHECK_INT(json_array_size(cb) > 0, cases[i].covered);
		for (size_t k = 0; k < json_array_size(cb); k++) {
			json_t *c = json_array_get(cb, k);
			CHECK(str(c, "policy") != NULL && str(c, "entity") != NULL &&
			      str(c, "basis") != NULL);
		}
		json_decref(j);
	}
}

TEST(cli_relabel_keeps_brand_and_names_real_maker)
{
	int st;
	if (!have_binary())
		return;
	json_t *j = identify("examples/captures/04-amcrest-relabel/*", &st);
	REQUIRE(j != NULL);
	CHECK_STR(str(j, "basis"), "hardware");
	CHECK_STR(str(j, "mac"), "9c:8e:cd:0a:1b:2c");
	bool ndaa = false;
	json_t *cb = json_object_get(j, "covered_by");
	for (size_t k = 0; k < json_array_size(cb); k++)
		ndaa |= strcmp(str(json_array_get(cb, k), "policy"), "us-ndaa889") == 0 &&
			strcmp(str(json_array_get(cb, k), "entity"), "Dahua") == 0;
	CHECK(ndaa);
	json_decref(j);
}

TEST(cli_policy_option_selects_profiles)
{
	int st;
	if (!have_binary())
		return;
	json_t *j = identify("--policy uk-nil examples/captures/03-dahua-camera/*", &st);
	REQUIRE(j != NULL);
	json_t *cb = json_object_get(j, "covered_by");
	CHECK(json_array_size(cb) >= 1);
	for (size_t k = 0; k < json_array_size(cb); k++)
		CHECK_STR(str(json_array_get(cb, k), "policy"), "uk-nil");
	json_decref(j);
	char *out, *err;
	CHECK_INT(cs_test_run_cli("identify --policy no-such -e x", NULL, &out, &err), 2);
	CHECK(strstr(err, "unknown policy") != NULL);
	free(out);
	free(err);
}

TEST(cli_inline_kinds_stdin_and_prefixes)
{
	int st;
	if (!have_binary())
		return;
	json_t *j = identify("--as mac -e 58:50:ed:1f:e3:85 --as banner -e 'DNVRS-Webs'", &st);
	REQUIRE(j != NULL);
	CHECK_STR(str(j, "manufacturer"), "Hikvision");
	CHECK_STR(str(j, "mac"), "58:50:ed:1f:e3:85");
	json_decref(j);
	char *out, *err;
	st = cs_test_run_cli("identify --format json --as model -", "Hikvision DS-7608NI-K2", &out,
			     &err);
	CHECK_INT(st, 0);
	json_t *k = json_loads(out, 0, NULL);
	REQUIRE(k != NULL);
	CHECK_STR(str(k, "manufacturer"), "Hikvision");
	CHECK_STR(str(k, "model"), "DS-7608NI-K2");
	CHECK_STR(str(k, "device_type"), "nvr");
	json_decref(k);
	free(out);
	free(err);
	j = identify("rtsp:examples/captures/03-dahua-camera/rtsp-options.txt", &st);
	REQUIRE(j != NULL);
	CHECK_STR(str(j, "manufacturer"), "Dahua");
	json_decref(j);
}

TEST(cli_malformed_input_is_a_clear_error)
{
	static const struct {
		const char *args, *stdin_data, *msg;
		int status;
	} cases[] = {
		{"--as sadp -", "\x01\x02garbage\xff", "", 1},
		{"--as http -", "\x16\x03\x01 not http", "not an http message", 1},
		{"--as mac -e zz:zz", NULL, "not a MAC", 1},
		{"--as dhip -", "DHIP", "DHIP", 1},
		{"--as tls -", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "",
		 1},
		{"--as toaster -e x", NULL, "unknown kind", 2},
		{"", NULL, "no input", 2},
		{"/nonexistent/file", NULL, "cannot read", 1},
		{"--format yaml -e x", NULL, "--format", 2},
	};
	if (!have_binary())
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[256], *out, *err;
		snprintf(cmd, sizeof(cmd), "identify %s", cases[i].args);
		int st = cs_test_run_cli(cmd, cases[i].stdin_data, &out, &err);
		CHECK_INT(st, cases[i].status);
		CHECK(strstr(err, cases[i].msg) != NULL);
		CHECK(strlen(out) == 0);
		if (cs_test_failed_now())
			printf("  case %zu: %s -> %d, stderr: %s\n", i, cases[i].args, st, err);
		free(out);
		free(err);
	}
}

TEST(cli_oversized_input_is_refused)
{
	if (!have_binary())
		return;
	char path[] = "/tmp/cs-big-XXXXXX";
	int fd = mkstemp(path);
	REQUIRE(fd >= 0);
	REQUIRE(ftruncate(fd, 17 * 1024 * 1024) == 0);
	close(fd);
	char cmd[128], *out, *err;
	snprintf(cmd, sizeof(cmd), "identify --as banner %s", path);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 1);
	CHECK(strstr(err, "larger than") != NULL);
	free(out);
	free(err);
	unlink(path);
}

TEST(cli_hostile_strings_are_escaped)
{
	if (!have_binary())
		return;
	char *out, *err;
	int st = cs_test_run_cli("identify --format json examples/captures/07-hostile-device/*",
				 NULL, &out, &err);
	CHECK_INT(st, 0);
	CHECK(strchr(out, '\x1b') == NULL);
	CHECK(strchr(out, '\x07') == NULL);
	CHECK(strstr(out, "<script>") == NULL);
	json_t *parsed = json_loads(out, 0, NULL);
	CHECK(parsed != NULL);
	json_decref(parsed);
	free(out);
	free(err);
	st = cs_test_run_cli("identify --format text examples/captures/07-hostile-device/*", NULL,
			     &out, &err);
	CHECK_INT(st, 0);
	CHECK(strchr(out, '\x1b') == NULL);
	CHECK(strchr(out, '\x07') == NULL);
	free(out);
	free(err);
}

TEST(cli_store_then_devices)
{
	if (!have_binary())
		return;
	char dir[] = "/tmp/cs-cli-XXXXXX";
	REQUIRE(mkdtemp(dir) != NULL);
	char cmd[512], *out, *err;
	snprintf(cmd, sizeof(cmd),
		 "identify --store --db %s/i.db --address 192.0.2.7 "
		 "examples/captures/01-hikvision-camera/*",
		 dir);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	free(out);
	free(err);
	/* The same camera seen again merges by serial. */
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "devices --db %s/i.db --format json", dir);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	json_t *j = json_loads(out, 0, NULL);
	REQUIRE(json_is_array(j));
	CHECK_INT(json_array_size(j), 1);
	json_t *d = json_array_get(j, 0);
	CHECK_STR(str(d, "manufacturer"), "Hikvision");
	CHECK_STR(str(d, "address"), "192.0.2.7");
	CHECK_STR(str(d, "serial"), "DS-2CD2143G2-I20220123AAWRD12345678");
	json_decref(j);
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST(cli_help_and_version)
{
	if (!have_binary())
		return;
	static const char *cmds[] = {"help identify", "identify --help",
				     "help devices",  "devices --help",
				     "help",	      "version"};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *out, *err;
		CHECK_INT(cs_test_run_cli(cmds[i], NULL, &out, &err), 0);
		CHECK(strlen(out) > 10);
		free(out);
		free(err);
	}
	char *out, *err;
	CHECK_INT(cs_test_run_cli("frobnicate", NULL, &out, &err), 2);
	free(out);
	free(err);
}
