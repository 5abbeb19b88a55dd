/*
 * test_scan.c - whole sweeps of the simulated estate (sim/demo.estate: one device of each
 * persona, hostile ones included) inside a network namespace made for the test: identification
 * of each persona, exact shards, interrupt and resume, and the inventory. Needs root (unshare);
 * without it the test says so and checks nothing.
 */
#include "test.h"

#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char outdir[64];

static bool run_sweeps(void)
{
	static int done = -1;
	if (done >= 0)
		return done == 1;
	const char *sim = getenv("CS_SIM_BIN");
	struct stat st;
	if (geteuid() != 0 || sim == NULL || stat(sim, &st) != 0 ||
	    system("unshare -n true 2>/dev/null") != 0) {
		printf("SKIP scan tests: need root, unshare and CS_SIM_BIN\n");
		done = 0;
		return false;
	}
	snprintf(outdir, sizeof(outdir), "/tmp/cs-scan-XXXXXX");
	if (mkdtemp(outdir) == NULL)
		return false;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "unshare -n bash tests/scan/sweep.sh %s", outdir);
	done = system(cmd) == 0;
	return done == 1;
}

/* ip -> parsed line, for one jsonl file. Returns the number of lines. */
static size_t load(const char *name, json_t **by_ip, size_t cap)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	FILE *f = fopen(path, "r");
	size_t n = 0;
	char line[1 << 16];
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL && n < cap) {
		json_t *j = json_loads(line, 0, NULL);
		if (j == NULL) {
			cs_test_fail(__FILE__, __LINE__, "%s: not JSON: %.80s", name, line);
			continue;
		}
		by_ip[n++] = j;
	}
	fclose(f);
	return n;
}

static json_t *find(json_t **v, size_t n, const char *ip)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(json_string_value(json_object_get(v[i], "ip")), ip) == 0)
			return v[i];
	return NULL;
}

static void free_all(json_t **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(v[i]);
}

static const char *s(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

TEST(scan_identifies_the_simulated_estate)
{
	json_t *v[300];
	if (!run_sweeps())
		return;
	size_t n = load("full.jsonl", v, 300);
	/* 25 devices, all answering something on some port. */
	CHECK_INT(n, 25);
	static const struct {
		const char *ip, *maker, *brand;
		bool covered;
	} want[] = {
		{"127.55.0.1", "Hikvision", NULL, true},  {"127.55.0.2", "Hikvision", NULL, true},
		{"127.55.0.3", "Hikvision", NULL, true},  {"127.55.0.4", "Hikvision", "LTS", true},
		{"127.55.0.5", "Dahua", NULL, true},	  {"127.55.0.6", "Dahua", NULL, true},
		{"127.55.0.7", "Dahua", "Amcrest", true}, {"127.55.0.8", "Dahua", "Lorex", true},
		{"127.55.0.10", "Axis", NULL, false},	  {"127.55.0.11", "Hanwha", NULL, false},
		{"127.55.0.12", "Bosch", NULL, false},	  {"127.55.0.13", "Vivotek", NULL, false},
		{"127.55.0.15", "Ubiquiti", NULL, false}, {"127.55.0.17", NULL, NULL, false},
		{"127.55.0.18", NULL, NULL, false},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		json_t *d = find(v, n, want[i].ip);
		if (d == NULL) {
			cs_test_fail(__FILE__, __LINE__, "%s missing", want[i].ip);
			continue;
		}
		CHECK_STR(s(d, "manufacturer"), want[i].maker);
		CHECK_STR(s(d, "brand"), want[i].brand);
		CHECK_INT(json_is_true(json_object_get(d, "covered")), want[i].covered);
		CHECK(json_array_size(json_object_get(d, "ports")) > 0);
		if (cs_test_failed_now())
			printf("  at %s\n", want[i].ip);
	}
	/* The UniFi camera's web port only redirects: its UDP discovery answer names it. */
	json_t *ubnt = find(v, n, "127.55.0.15");
	if (ubnt != NULL) {
		CHECK_STR(s(ubnt, "model"), "UVC G4 Bullet");
		CHECK(s(ubnt, "mac") != NULL);
		bool udp = false;
		size_t i;
		json_t *port;
		json_array_foreach(json_object_get(ubnt, "ports"), i, port)
		{
			if (json_integer_value(json_object_get(port, "port")) == 10001)
				udp = strcmp(s(port, "transport"), "udp") == 0 &&
				      strcmp(s(port, "proto"), "ubnt") == 0;
		}
		CHECK(udp);
	}
	/* Hostile devices are reported (they answered) and never said to be anything. */
	for (int k = 19; k <= 25; k++) {
		char ip[16];
		snprintf(ip, sizeof(ip), "127.55.0.%d", k);
		json_t *d = find(v, n, ip);
		CHECK(d != NULL);
		if (d != NULL)
			CHECK(s(d, "manufacturer") == NULL);
	}
	free_all(v, n);
	char path[128], *text;
	snprintf(path, sizeof(path), "%s/full.rc", outdir);
	FILE *f = fopen(path, "r");
	int rc = -1;
	if (f != NULL && fscanf(f, "%d", &rc) != 1) /* banned-ok: test reads its own file */
		rc = -1;
	if (f != NULL)
		fclose(f);
	CHECK_INT(rc, 0);
	(void)text;
}

TEST(scan_shards_cover_the_space_exactly_once)
{
	json_t *full[300], *sh[3][300];
	size_t nf, ns[3], total = 0;
	if (!run_sweeps())
		return;
	nf = load("full.jsonl", full, 300);
	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "shard-%d.jsonl", i + 1);
		ns[i] = load(name, sh[i], 300);
		total += ns[i];
		CHECK(ns[i] > 0);
	}
	CHECK_INT(total, nf);
	for (size_t k = 0; k < nf; k++) {
		const char *ip = s(full[k], "ip");
		int seen = 0;
		for (int i = 0; i < 3; i++)
			seen += find(sh[i], ns[i], ip) != NULL;
		CHECK_INT(seen, 1);
	}
	free_all(full, nf);
	for (int i = 0; i < 3; i++)
		free_all(sh[i], ns[i]);
}

TEST(scan_interrupted_then_resumed_finds_everything_once)
{
	json_t *a[300], *b[300];
	if (!run_sweeps())
		return;
	size_t na = load("resumed-1.jsonl", a, 300), nb = load("resumed-2.jsonl", b, 300);
	/* The first run was stopped part-way; the resumed one did the rest. Hosts in flight at the
	 * interruption are redone, so a few may appear twice; none may be missing. */
	CHECK(na < 25);
	CHECK(nb > 0);
	for (int k = 1; k <= 25; k++) {
		char ip[16];
		snprintf(ip, sizeof(ip), "127.55.0.%d", k);
		CHECK(find(a, na, ip) != NULL || find(b, nb, ip) != NULL);
	}
	free_all(a, na);
	free_all(b, nb);
}

TEST(scan_records_devices_in_the_inventory)
{
	if (!run_sweeps())
		return;
	char path[128];
	snprintf(path, sizeof(path), "%s/devices.json", outdir);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	REQUIRE(json_is_array(j));
	CHECK_INT(json_array_size(j), 25);
	size_t covered = 0;
	for (size_t i = 0; i < json_array_size(j); i++)
		covered += json_is_true(json_object_get(json_array_get(j, i), "covered"));
	CHECK(covered >= 9);
	json_decref(j);
}

static long read_number(const char *name)
{
	char path[128], buf[32];
	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	FILE *f = fopen(path, "r");
	if (f == NULL || fgets(buf, sizeof(buf), f) == NULL) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	return strtol(buf, NULL, 10);
}

TEST(scan_rate_limit_is_respected)
{
	if (!run_sweeps())
		return;
	long ms = read_number("rate.ms");
	/* A lower bound only: the limit must hold; how fast the machine is does not matter. */
	CHECK(ms >= 4500);
}

TEST(scan_hostile_devices_cannot_hold_the_sweep)
{
	json_t *v[16];
	if (!run_sweeps())
		return;
	long ms = read_number("hostile.ms");
	CHECK(ms >= 0 && ms < 20000);
	size_t n = load("hostile.jsonl", v, 16);
	CHECK_INT(n, 7);
	free_all(v, n);
}

/* "... N connections (M questions skipped) ..." from a sweep's last line on stderr. */
static bool summary_counts(const char *name, long *conns, long *skipped)
{
	char path[128], line[512];
	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	FILE *f = fopen(path, "r");
	bool ok = false;
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *c = strstr(line, " connections (");
		if (c == NULL)
			continue;
		const char *p = c;
		while (p > line && p[-1] >= '0' && p[-1] <= '9')
			p--;
		*conns = strtol(p, NULL, 10);
		*skipped = strtol(c + strlen(" connections ("), NULL, 10);
		ok = p < c;
	}
	fclose(f);
	return ok;
}

/* Skipping questions whose answers cannot change the verdict changes the cost, not the verdict. */
TEST(scan_skipped_questions_change_no_verdict)
{
	json_t *a[300], *b[300];
	long ca = 0, sa = 0, cb = 0, sb = 0;
	if (!run_sweeps())
		return;
	REQUIRE(summary_counts("full.err", &ca, &sa));
	REQUIRE(summary_counts("thorough.err", &cb, &sb));
	CHECK(sa > 0);
	CHECK_INT(sb, 0);
	CHECK(cb > ca);
	size_t na = load("full.jsonl", a, 300), nb = load("thorough.jsonl", b, 300);
	CHECK_INT(na, nb);
	static const char *const keys[] = {"manufacturer", "brand", "model",	     "firmware",
					   "serial",	   "mac",   "covered_status"};
	for (size_t i = 0; i < na; i++) {
		const char *ip = s(a[i], "ip");
		json_t *o = find(b, nb, ip);
		if (o == NULL) {
			cs_test_fail(__FILE__, __LINE__, "%s missing from the thorough sweep", ip);
			continue;
		}
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *x = s(a[i], keys[k]), *y = s(o, keys[k]);
			if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0))
				cs_test_fail(__FILE__, __LINE__, "%s %s: %s vs %s (thorough)", ip,
					     keys[k], x ? x : "null", y ? y : "null");
		}
	}
	free_all(a, na);
	free_all(b, nb);
}

/*
 * The simulator's answers during one sweep (full-sim.log, thorough-sim.log): lines of the form
 * "127.0.0.1:40112 -> 127.55.0.1:554 hikvision-camera OPTIONS / 200". Counts the answers from
 * device:port whose method starts with `method` (NULL: any); the client ports of the first two
 * go to client[0..1].
 */
static int answers(const char *log, const char *device, const char *method, unsigned client[2])
{
	char path[128], line[512];
	snprintf(path, sizeof(path), "%s/%s", outdir, log);
	FILE *f = fopen(path, "r");
	int n = 0;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* words: from, "->", to, persona, method, ... */
		char *w[5], *save = NULL, *p = line;
		size_t nw = 0;
		while (nw < 5 && (w[nw] = strtok_r(p, " \n", &save)) != NULL) {
			nw++;
			p = NULL;
		}
		if (nw < 5 || strcmp(w[2], device) != 0 ||
		    (method != NULL && strcmp(w[4], method) != 0))
			continue;
		const char *colon = strrchr(w[0], ':');
		if (client != NULL && n < 2 && colon != NULL)
			client[n] = (unsigned)strtoul(colon + 1, NULL, 10);
		n++;
	}
	fclose(f);
	return n;
}

/* RTSP's control connection carries OPTIONS and then DESCRIBE, as every RTSP client sends
 * them; a device that closes it after each answer is asked DESCRIBE on a fresh one. */
TEST(scan_rtsp_asks_both_questions_on_one_connection)
{
	unsigned opt[2] = {0, 0}, desc[2] = {0, 0};
	if (!run_sweeps())
		return;
	CHECK_INT(answers("full-sim.log", "127.55.0.1:554", "OPTIONS", opt), 1);
	CHECK_INT(answers("full-sim.log", "127.55.0.1:554", "DESCRIBE", desc), 1);
	CHECK(opt[0] != 0 && opt[0] == desc[0]);
	/* byte-at-a-time trickles each answer, then closes the connection. */
	CHECK_INT(answers("closer-sim.log", "127.55.0.19:554", "OPTIONS", opt), 1);
	CHECK_INT(answers("closer-sim.log", "127.55.0.19:554", "DESCRIBE", desc), 1);
	CHECK(opt[0] != 0 && desc[0] != 0 && opt[0] != desc[0]);
}

/* A device serving the same web interface on 80 and 443 is asked its later questions on 80:
 * one handshake for the certificate and the root page, not one per question. --thorough asks
 * everything everywhere. */
TEST(scan_https_port_leaves_later_questions_to_plain_http)
{
	if (!run_sweeps())
		return;
	static const char *const both[] = {"127.55.0.1", "127.55.0.5"}; /* Hikvision, Dahua */
	for (size_t i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		char https[32], http[32];
		snprintf(https, sizeof(https), "%s:443", both[i]);
		snprintf(http, sizeof(http), "%s:80", both[i]);
		CHECK_INT(answers("full-sim.log", https, NULL, NULL), 1);
		CHECK_INT(answers("full-sim.log", https, "GET", NULL), 1);
		CHECK(answers("full-sim.log", http, "POST", NULL) >= 1);
		CHECK(answers("thorough-sim.log", https, NULL, NULL) > 1);
		if (cs_test_failed_now())
			printf("  at %s\n", both[i]);
	}
}

/* A scanner starved of CPU (stopped longer than its timeout while thousands of answers arrive)
 * reads the answers waiting in its sockets rather than calling the devices silent. */
TEST(scan_starved_of_cpu_still_reads_waiting_answers)
{
	static json_t *a[1100], *b[1100];
	if (!run_sweeps())
		return;
	size_t na = load("late-calm.jsonl", a, 1100), nb = load("late-stopped.jsonl", b, 1100);
	CHECK(na > 300);
	CHECK_INT(na, nb);
	size_t makers = 0, differ = 0;
	for (size_t i = 0; i < na; i++) {
		const char *ip = s(a[i], "ip"), *x = s(a[i], "manufacturer");
		json_t *o = find(b, nb, ip);
		const char *y = o != NULL ? s(o, "manufacturer") : NULL;
		makers += x != NULL;
		if (o == NULL || (x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0)) {
			if (differ++ < 5)
				printf("  %s: %s calm, %s stopped\n", ip, x ? x : "null",
				       y ? y : "null");
		}
	}
	CHECK(makers > 200);
	CHECK_INT(differ, 0);
	char path[128], line[512];
	bool said = false;
	snprintf(path, sizeof(path), "%s/late-stopped.err", outdir);
	FILE *f = fopen(path, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		said = said ||
		       strstr(line, "answers were waiting when their deadline came") != NULL;
	if (f != NULL)
		fclose(f);
	CHECK(said);
	free_all(a, na);
	free_all(b, nb);
}

/* Does device d list a UDP port that answered as proto? */
static bool has_udp(json_t *d, const char *proto)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(d, "ports"), i, p)
	{
		if (strcmp(s(p, "transport"), "udp") == 0 && strcmp(s(p, "proto"), proto) == 0)
			return true;
	}
	return false;
}

/* UDP inquiries: WS-Discovery by default; with --udp, SADP and DHIP, which carry serials. */
TEST(scan_udp_inquiries_answered)
{
	json_t *v[300], *u[32];
	if (!run_sweeps())
		return;
	size_t n = load("full.jsonl", v, 300), nu = load("udp.jsonl", u, 32);
	json_t *hik = find(v, n, "127.55.0.1"), *axis = find(v, n, "127.55.0.10");
	REQUIRE(hik != NULL && axis != NULL);
	CHECK(has_udp(hik, "wsd"));
	CHECK(has_udp(axis, "wsd"));
	CHECK(!has_udp(hik, "sadp")); /* not a default inquiry */
	CHECK_INT(nu, 8);
	for (int k = 1; k <= 8; k++) {
		char ip[16];
		snprintf(ip, sizeof(ip), "127.55.0.%d", k);
		json_t *d = find(u, nu, ip);
		if (d == NULL) {
			cs_test_fail(__FILE__, __LINE__, "%s missing from the --udp sweep", ip);
			continue;
		}
		bool hikvision = strcmp(s(d, "manufacturer"), "Hikvision") == 0;
		CHECK(has_udp(d, hikvision ? "sadp" : "dhip"));
		CHECK(s(d, "serial") != NULL);
		if (cs_test_failed_now())
			printf("  at %s\n", ip);
	}
	free_all(v, n);
	free_all(u, nu);
}

/* HTTPS: the Hikvision and Dahua devices serve 443 with their makers' default certificates;
 * the sweep speaks TLS there and the certificate is evidence. */
TEST(scan_reads_the_tls_certificate)
{
	json_t *v[300];
	if (!run_sweeps())
		return;
	size_t n = load("full.jsonl", v, 300);
	static const char *const ips[] = {"127.55.0.1", "127.55.0.5"};
	for (size_t k = 0; k < 2; k++) {
		json_t *d = find(v, n, ips[k]), *p, *e;
		bool tls_port = false, tls_evidence = false;
		size_t i;
		REQUIRE(d != NULL);
		json_array_foreach(json_object_get(d, "ports"), i, p)
		{
			tls_port |= json_integer_value(json_object_get(p, "port")) == 443 &&
				    json_is_true(json_object_get(p, "tls"));
		}
		json_array_foreach(json_object_get(d, "evidence"), i, e)
		{
			tls_evidence |=
				strncmp(s(e, "signal"), "tls.", 4) == 0 &&
				strstr(s(e, "implies"), k == 0 ? "Hikvision" : "Dahua") != NULL;
		}
		CHECK(tls_port);
		CHECK(tls_evidence);
		if (cs_test_failed_now())
			printf("  at %s\n", ips[k]);
	}
	free_all(v, n);
}
