/*
 * test_import_cli.c - `camsweep import` end to end: the built binary (CS_TEST_BIN) with a
 * fresh inventory per test. An imported register row and an identified device of the same
 * camera become one record (by serial; by MAC), a different camera does not; so do register
 * rows and the devices a real scan of the simulated estate recorded (as root, in a network
 * namespace of the test's own: skipped otherwise); each file is
 * recorded as a scan-like record; --dry-run writes nothing; jsonl parses back; usage errors.
 */
#include "store/store.h"
#include "test.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct tmp {
	char dir[64], db[128], csv[128];
};

static bool have_binary(void)
{
	struct stat st;
	const char *bin = getenv("CS_TEST_BIN");
	return bin != NULL && stat(bin, &st) == 0;
}

static bool tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/cs-import-XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return false;
	snprintf(t->db, sizeof(t->db), "%s/inventory.db", t->dir);
	snprintf(t->csv, sizeof(t->csv), "%s/register.csv", t->dir);
	return true;
}

static void tmp_remove(struct tmp *t)
{
	static const char *const files[] = {"inventory.db", "inventory.db-wal", "inventory.db-shm",
					    "register.csv"};
	char p[160];
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, files[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

/* Run camsweep with args (printf-style); returns the exit status, frees the output. */
static int cli(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cli(char **out, const char *fmt, ...)
{
	char args[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	char *o = NULL, *e = NULL;
	int st = cs_test_run_cli(args, NULL, &o, &e);
	if (st != 0 && st != 2)
		printf("  (camsweep %s: status %d, stderr: %s)\n", args, st, e);
	if (out != NULL)
		*out = o;
	else
		free(o);
	free(e);
	return st;
}

static int count_cb(void *ctx, const struct cs_stored_device *d)
{
	(void)d;
	(*(size_t *)ctx)++;
	return 0;
}

static size_t count_devices(const char *db)
{
	struct cs_store *st = NULL;
	struct cs_err err;
	size_t n = 0;
	if (cs_store_open(&st, db, &err) != CS_OK)
		return (size_t)-1;
	cs_store_list_devices(st, NULL, count_cb, &n, &err);
	cs_store_close(st);
	return n;
}

/* The one device's record, with its evidence origins. Caller frees. */
static struct cs_stored_device *only_device(const char *db, struct cs_store **st)
{
	struct cs_err err;
	struct cs_stored_device *d = NULL;
	if (cs_store_open(st, db, &err) != CS_OK)
		return NULL;
	for (int64_t id = 1; id < 10 && d == NULL; id++)
		if (cs_store_get_device(*st, id, &d, &err) != CS_OK)
			d = NULL;
	return d;
}

static bool has_source(const struct cs_stored_device *d, const char *prefix)
{
	for (size_t i = 0; i < d->dev.nevidence; i++)
		if (d->origin[i].source != NULL &&
		    strncmp(d->origin[i].source, prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

TEST(import_cli_merges_with_identified_by_serial)
{
	struct tmp t;
	if (!have_binary() || !tmp_make(&t))
		return;
	/* The camera as identify saw it (ISAPI deviceInfo: model, serial, MAC). */
	REQUIRE(cli(NULL,
		    "identify --store --db %s --address 192.0.2.10 --format json "
		    "tests/fixtures/isapi/deviceinfo.xml",
		    t.db) == 0);
	CHECK_INT(count_devices(t.db), 1);
	/* The same camera in the register, by serial only (no MAC, no address). */
	REQUIRE(write_file(t.csv, "Manufacturer,Model No,Serial Number,Site\n"
				  "Hikvision,DS-2CD2143G2-I,DS-2CD2143G2-I20220123AAWRD12345678,"
				  "Gatehouse\n"));
	char *out = NULL;
	CHECK_INT(cli(&out, "import --db %s --source reg-2024 %s", t.db, t.csv), 0);
	CHECK(out != NULL && strstr(out, "1 row read, 1 devices (1 identified, 1 covered") != NULL);
	free(out);
	CHECK_INT(count_devices(t.db), 1);
	struct cs_store *st = NULL;
	struct cs_stored_device *d = only_device(t.db, &st);
	REQUIRE(d != NULL);
	CHECK(has_source(d, "identify:"));
	CHECK(has_source(d, "import:reg-2024:2 (location: Gatehouse)"));
	CHECK_STR(d->dev.address, "192.0.2.10"); /* kept: the register has none */
	cs_stored_device_free(d);
	cs_store_close(st);
	/* A different serial of the same model is another camera. */
	REQUIRE(write_file(t.csv, "Make,Model,S/N\nHikvision,DS-2CD2143G2-I,"
				  "DS-2CD2143G2-I20220123AAWRD99999999\n"));
	CHECK_INT(cli(NULL, "import --db %s %s", t.db, t.csv), 0);
	CHECK_INT(count_devices(t.db), 2);
	tmp_remove(&t);
}

TEST(import_cli_merges_with_identified_by_mac)
{
	struct tmp t;
	if (!have_binary() || !tmp_make(&t))
		return;
	REQUIRE(cli(NULL,
		    "identify --store --db %s --address 192.0.2.20 --format json --as mac "
		    "-e 44:19:b6:12:34:56",
		    t.db) == 0);
	/* The register writes the MAC its own way and adds what it knows. */
	REQUIRE(write_file(t.csv, "Asset tag;Hardware address;Model\n"
				  "A-7;4419.B612.3456;DS-2CD2143G2-I\n"
				  "A-8;44-19-B6-65-43-21;DS-2CD2143G2-I\n"));
	CHECK_INT(cli(NULL, "import --db %s %s", t.db, t.csv), 0);
	CHECK_INT(count_devices(t.db), 2); /* A-7 merged, A-8 is new */
	struct cs_store *st = NULL;
	struct cs_err err;
	struct cs_stored_device *d = NULL;
	REQUIRE(cs_store_open(&st, t.db, &err) == CS_OK);
	REQUIRE(cs_store_get_device(st, 1, &d, &err) == CS_OK);
	CHECK_STR(d->dev.mac, "44:19:b6:12:34:56");
	CHECK_STR(d->dev.model, "DS-2CD2143G2-I"); /* filled from the register */
	CHECK_STR(d->dev.address, "192.0.2.20");
	CHECK(has_source(d, "import:"));
	cs_stored_device_free(d);
	cs_store_close(st);
	tmp_remove(&t);
}

static int scan_cb(void *ctx, const struct cs_scan_record *r)
{
	struct cs_scan_record *copy = ctx;
	if (copy->id != 0)
		return 1; /* newest first: keep the first */
	copy->id = r->id;
	copy->status = strdup(r->status);
	copy->targets = strdup(r->targets);
	copy->options = strdup(r->options);
	copy->devices = r->devices;
	copy->covered = r->covered;
	copy->addresses = r->addresses;
	return 0;
}

static int scan_dev_cb(void *ctx, const struct cs_stored_device *d)
{
	char *addr = ctx;
	snprintf(addr, 64, "%s", d->dev.address != NULL ? d->dev.address : "");
	return 0;
}

TEST(import_cli_records_a_scan_and_dry_run_writes_nothing)
{
	struct tmp t;
	if (!have_binary() || !tmp_make(&t))
		return;
	REQUIRE(write_file(t.csv, "IP,Make,Model\n192.0.2.30,Dahua,IPC-HFW2431S\n,,\nTotal,,\n"));
	char *out = NULL;
	CHECK_INT(cli(&out, "import --dry-run --db %s %s", t.db, t.csv), 0);
	CHECK(out != NULL && strstr(out, "dry run, nothing recorded") != NULL);
	CHECK(out != NULL && strstr(out, "skipped row 4: no make") != NULL);
	free(out);
	struct stat sb;
	CHECK(stat(t.db, &sb) != 0); /* not even created */

	CHECK_INT(cli(NULL, "import --db %s --policy us-ndaa889 %s", t.db, t.csv), 0);
	struct cs_store *st = NULL;
	struct cs_err err;
	struct cs_scan_record rec;
	memset(&rec, 0, sizeof(rec));
	REQUIRE(cs_store_open(&st, t.db, &err) == CS_OK);
	REQUIRE(cs_store_list_scans(st, scan_cb, &rec, &err) == CS_OK);
	REQUIRE(rec.id != 0);
	CHECK_STR(rec.status, "done");
	CHECK(strncmp(rec.targets, "import:", 7) == 0);
	json_error_t je;
	json_t *o = json_loads(rec.options, 0, &je);
	REQUIRE(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "kind")), "import");
	CHECK_STR(json_string_value(json_object_get(o, "format")), "csv");
	CHECK_STR(json_string_value(json_object_get(o, "policy")), "us-ndaa889");
	json_decref(o);
	CHECK_INT(rec.addresses, 2); /* rows read; the blank one is not a row */
	CHECK_INT(rec.devices, 1);
	CHECK_INT(rec.covered, 1);
	char addr[64] = "";
	CHECK(cs_store_scan_devices(st, rec.id, scan_dev_cb, addr, &err) == CS_OK);
	CHECK_STR(addr, "192.0.2.30");
	free((char *)rec.status);
	free((char *)rec.targets);
	free((char *)rec.options);
	cs_store_close(st);
	tmp_remove(&t);
}

TEST(import_cli_jsonl_and_errors)
{
	struct tmp t;
	if (!have_binary() || !tmp_make(&t))
		return;
	REQUIRE(write_file(t.csv, "Make,Model,MAC\nHikvision,DS-7608NI-K2,44:19:b6:00:00:01\n"
				  "\x1b[31mAxis,M3045-V,\n"));
	char *out = NULL;
	CHECK_INT(cli(&out, "import --dry-run --output jsonl %s", t.csv), 0);
	REQUIRE(out != NULL);
	size_t lines = 0;
	for (char *line = out, *nl; line != NULL && *line != '\0'; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);
		CHECK(j != NULL);
		if (j == NULL)
			continue;
		lines++;
		CHECK(json_object_get(j, "manufacturer") != NULL);
		CHECK(json_object_get(j, "evidence") != NULL);
		CHECK(json_is_null(json_object_get(j, "device_id")));
		CHECK(strstr(json_string_value(json_object_get(j, "source")), "import:") != NULL);
		json_decref(j);
	}
	CHECK_INT(lines, 2);
	free(out);
	/* The table never passes an escape sequence to the terminal. */
	CHECK_INT(cli(&out, "import --dry-run --output table %s", t.csv), 0);
	CHECK(out != NULL && strchr(out, '\x1b') == NULL);
	CHECK(out != NULL && strstr(out, "DS-7608NI-K2") != NULL);
	free(out);

	CHECK_INT(cli(NULL, "import --dry-run --format yaml %s", t.csv), 2);
	CHECK_INT(cli(NULL, "import --dry-run --map Kit %s", t.csv), 2);
	CHECK_INT(cli(NULL, "import --dry-run --output pdf %s", t.csv), 2);
	CHECK_INT(cli(NULL, "import --dry-run --policy no-such %s", t.csv), 2);
	CHECK_INT(cli(NULL, "import --dry-run"), 2);
	CHECK_INT(cli(NULL, "import --dry-run %s/missing.csv", t.dir), 1);
	CHECK_INT(cli(NULL, "import --dry-run --format nmap-xml %s", t.csv), 1);
	tmp_remove(&t);
}

/* The first scanned device (scan jsonl) with a serial and a model, and another with a MAC. */
static bool pick(const char *jsonl, json_t **with_serial, json_t **with_mac)
{
	FILE *f = fopen(jsonl, "r");
	char line[1 << 16];
	*with_serial = *with_mac = NULL;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		json_t *j = json_loads(line, 0, NULL);
		const char *serial = json_string_value(json_object_get(j, "serial"));
		const char *model = json_string_value(json_object_get(j, "model"));
		const char *mac = json_string_value(json_object_get(j, "mac"));
		if (*with_serial == NULL && serial != NULL && model != NULL && mac != NULL) {
			*with_serial = j;
		} else if (*with_mac == NULL && mac != NULL) {
			*with_mac = j;
		} else {
			json_decref(j);
		}
	}
	if (f != NULL)
		fclose(f);
	return *with_serial != NULL && *with_mac != NULL;
}

TEST(import_cli_merges_with_scanned)
{
	/* A real scan of the simulated estate, in a network namespace of its own. */
	const char *sim = getenv("CS_SIM_BIN"), *bin = getenv("CS_TEST_BIN");
	struct stat sb;
	struct tmp t;
	if (!have_binary() || geteuid() != 0 || sim == NULL || stat(sim, &sb) != 0 ||
	    system("unshare -n true 2>/dev/null") != 0) {
		printf("SKIP import_cli_merges_with_scanned: need root, unshare and CS_SIM_BIN\n");
		return;
	}
	REQUIRE(tmp_make(&t));
	char script[256], jsonl[256], cmd[2048];
	snprintf(script, sizeof(script), "%s/sweep.sh", t.dir);
	snprintf(jsonl, sizeof(jsonl), "%s/scan.jsonl", t.dir);
	snprintf(cmd, sizeof(cmd),
		 "ip link set lo up\n"
		 "%s --estate sim/demo.estate --quiet --hold 5 &\n"
		 "simpid=$!\n"
		 "for _ in $(seq 50); do (exec 3<>/dev/tcp/127.55.0.1/80) 2>/dev/null && break; "
		 "sleep 0.1; done\n"
		 "%s scan --no-progress --format jsonl --timeout 600 --db %s 127.55.0.1-10 >%s "
		 "2>/dev/null\n"
		 "kill $simpid; wait $simpid 2>/dev/null\nexit 0\n",
		 sim, bin, t.db, jsonl);
	REQUIRE(write_file(script, cmd));
	snprintf(cmd, sizeof(cmd), "unshare -n bash %s", script);
	REQUIRE(system(cmd) == 0);
	size_t before = count_devices(t.db);
	json_t *a = NULL, *b = NULL;
	REQUIRE(before >= 5 && before != (size_t)-1);
	if (!pick(jsonl, &a, &b)) {
		cs_test_fail(__FILE__, __LINE__,
			     "the scan found no device with serial, model, MAC");
		json_decref(a);
		json_decref(b);
		tmp_remove(&t);
		return;
	}
	/* Row 2: the first device by serial and model only. Row 3: the second by its MAC only,
	 * written the register's way. Row 4: a camera the scan never saw. */
	char mac[32];
	snprintf(mac, sizeof(mac), "%s", json_string_value(json_object_get(b, "mac")));
	for (char *c = mac; *c != '\0'; c++)
		*c = *c == ':' ? '-' : (char)(*c >= 'a' && *c <= 'f' ? *c - 32 : *c);
	snprintf(cmd, sizeof(cmd),
		 "Model,Serial Number,MAC Address,Site\n%s,%s,,Depot\n,,%s,Depot\n"
		 "DS-2CD2143G2-I,,44:19:b6:77:77:77,Depot\n",
		 json_string_value(json_object_get(a, "model")),
		 json_string_value(json_object_get(a, "serial")), mac);
	REQUIRE(write_file(t.csv, cmd));
	CHECK_INT(cli(NULL, "import --db %s %s", t.db, t.csv), 0);
	CHECK_INT(count_devices(t.db), before + 1);

	/* The scanned records now carry the register's rows in their evidence. */
	struct cs_store *st = NULL;
	struct cs_err err;
	REQUIRE(cs_store_open(&st, t.db, &err) == CS_OK);
	size_t merged = 0;
	for (int64_t id = 1; id <= (int64_t)before; id++) {
		struct cs_stored_device *d = NULL;
		if (cs_store_get_device(st, id, &d, &err) != CS_OK)
			continue;
		if (has_source(d, "scan:") && has_source(d, "import:")) {
			merged++;
			const char *addr = d->dev.address;
			CHECK(addr != NULL &&
			      (strcmp(addr, json_string_value(json_object_get(a, "ip"))) == 0 ||
			       strcmp(addr, json_string_value(json_object_get(b, "ip"))) == 0));
		}
		cs_stored_device_free(d);
	}
	CHECK_INT(merged, 2);
	cs_store_close(st);
	json_decref(a);
	json_decref(b);
	snprintf(cmd, sizeof(cmd), "%s/sweep.sh", t.dir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/scan.jsonl", t.dir);
	unlink(cmd);
	tmp_remove(&t);
}
