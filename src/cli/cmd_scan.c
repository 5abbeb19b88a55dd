/*
 * cmd_scan.c - `camsweep scan`: sweep address ranges, identify every device, judge and store.
 *
 * Argument parsing, the progress line, output formats and the inventory live here; the sweep
 * itself is src/scan/. A scan is recorded in the inventory as it runs (its options, targets and
 * a resume position written about once a second), so Ctrl-C or a kill keeps what was found and
 * `--resume` carries on where it stopped.
 */
#include "cli/cli.h"
#include "common/buf.h"
#include "common/json.h"
#include "ident/ident.h"
#include "report/host_out.h"
#include "scan/perm.h"
#include "scan/probe.h"
#include "scan/scan.h"
#include "store/store.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static int run(int argc, char **argv);

const struct cs_cli_cmd cs_cmd_scan = {
	"scan",
	"sweep IPv4 ranges for surveillance devices, identify, judge and record them",
	"usage: camsweep scan [options] TARGET...\n"
	"       camsweep scan --resume [SCAN_ID]\n"
	"\n"
	"Connect to the camera ports of every address in TARGET (in a randomised order, so that "
	"no\n"
	"subnet is hammered), ask each open port what an unauthenticated, polite client may ask,\n"
	"identify each device from everything it said, judge it against the policy profiles, and\n"
	"record it in the inventory.\n"
	"\n"
	"Targets (nmap's conventions):\n"
	"  TARGET               192.0.2.7, 192.0.2.0/24, 192.0.2.10-20, 192.0.2.250-192.0.3.5,\n"
	"                       192.0.2-3.1-5; several per argument, separated by commas\n"
	"  -iL FILE             read targets from FILE (one or more per line, # comments)\n"
	"  --exclude LIST       leave these out (same forms, comma-separated)\n"
	"  --exclude-file FILE  leave out the targets in FILE\n"
	"  --yes                allow sweeping more than a /16 (65,536 addresses) of public space\n"
	"\n"
	"What is asked:\n"
	"  -p, --ports LIST     ports, e.g. 80,443,554 or 8000-8010 (default: 80,554,443,8000,\n"
	"                       37777,81,8080,8443,8554: see docs/scan.md for why each; the\n"
	"                       first --per-host of them decide whether an address is in use)\n"
	"  --policy IDS         judge against these profiles only (default: all)\n"
	"\n"
	"How fast, and how politely:\n"
	"  --rate N             new connections per second (default 10000; 0: no limit)\n"
	"  --concurrency N      open connections at most (default 16384, or what the\n"
	"                       descriptor limit allows)\n"
	"  --timeout MS         to connect, and between bytes of a reply (default 1500)\n"
	"  --retries N          extra connection attempts after a timeout (default 1)\n"
	"  --per-host N         open connections to one host at most (default 3): fragile\n"
	"                       devices fall over under load\n"
	"  --shard I/N          scan only shard I of N: N scanners with the same --seed and\n"
	"                       targets split the space exactly, each address in one shard\n"
	"  --seed N             the order's seed (default: random, recorded for --resume)\n"
	"  --udp[=LIST]         UDP discovery inquiries to every live host: all of them, or\n"
	"                       LIST (wsd, ubnt, sadp, dhip, ssdp; default: wsd,ubnt)\n"
	"  --no-udp             no UDP inquiries\n"
	"  --thorough           try every port of every address, and ask every question of every\n"
	"                       port: without it an address whose first ports neither accept nor\n"
	"                       refuse is taken to be empty, and a question whose answer cannot\n"
	"                       change the verdict (the favicon of a device already named) is not\n"
	"                       asked\n"
	"\n"
	"Output and inventory:\n"
	"  --format FMT         table (default on a terminal), jsonl or csv\n"
	"  -o FILE              write results to FILE instead of standard output\n"
	"  --no-progress        no progress line on standard error\n"
	"  --no-store           do not record anything in the inventory (no --resume then)\n"
	"  --db PATH            the inventory (default: $XDG_DATA_HOME/camsweep/inventory.db)\n"
	"  --resume [ID]        continue an interrupted scan (default: the latest one)\n"
	"  --data-dir DIR       fingerprints, policies and probe payloads\n"
	"\n"
	"jsonl lines carry the keys of `camsweep identify` plus ip, ports and scan_id\n"
	"(docs/json.md). Exit status: 0 done, 1 failure, 2 usage, 130 interrupted.\n"
	"\n"
	"Examples:\n"
	"  camsweep scan 192.0.2.0/24\n"
	"  camsweep scan --exclude 192.0.2.1 -p 80,554 --format jsonl -o cams.jsonl 192.0.2.0/24\n"
	"  camsweep scan --shard 1/4 --seed 7 198.51.100.0/22     # one of four scanners\n",
	run,
};

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

enum fmt { FMT_TABLE, FMT_JSONL, FMT_CSV };

struct row {
	uint32_t addr;
	char *text;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct state {
	enum fmt fmt;
	FILE *out;
	struct cs_store *st;
	struct cs_scan_record rec;
	bool progress, tty;
	struct row *rows; /* table rows, printed at the end in address order */
	size_t nrows, caprows;
	uint64_t last_saved;
	struct cs_scan_stats last;
	int failed;
	char err[512];
};

static int parse_ports(const char *s, struct cs_scan_opts *o)
{
	o->nports = 0;
	const char *p = s;
	while (*p != '\0') {
		char *end;
		errno = 0;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || errno != 0 || a < 1 || a > 65535)
			return -1;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a || b > 65535)
				return -1;
			p = end;
		}
		for (long v = a; v <= b; v++) {
			if (o->nports == CS_SCAN_MAX_PORTS)
				return -2;
			bool dup = false;
			for (size_t i = 0; i < o->nports; i++)
				dup |= o->ports[i] == v;
			if (!dup)
				o->ports[o->nports++] = (uint16_t)v;
		}
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return -1;
	}
	return o->nports > 0 ? 0 : -1;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v > max || s[0] == '-')
		return false;
	*out = v;
	return true;
}

static void fmt_eta(char *buf, size_t cap, double s)
{
	if (s < 0 || s > 359999)
		snprintf(buf, cap, "--");
	else if (s >= 3600)
		snprintf(buf, cap, "%dh%02dm", (int)s / 3600, (int)s / 60 % 60);
	else
		snprintf(buf, cap, "%dm%02ds", (int)s / 60, (int)s % 60);
}

static void on_progress(void *ctx, const struct cs_scan_stats *s)
{
	struct state *st = ctx;
	st->last = *s;
	double rate = s->elapsed > 0 ? (double)s->done / s->elapsed : 0;
	if (st->progress) {
		char eta[32];
		fmt_eta(eta, sizeof(eta), rate > 0 ? (double)(s->total - s->done) / rate : -1);
		fprintf(stderr,
			"\r%llu/%llu addresses  %.0f/s  ETA %s  live %llu  devices %llu  "
			"covered %llu   ",
			(unsigned long long)s->done, (unsigned long long)s->total, rate, eta,
			(unsigned long long)s->live, (unsigned long long)s->devices,
			(unsigned long long)s->covered);
		if (!st->tty)
			fputc('\n', stderr);
	}
	/* The inventory learns how far we got about once a second, for --resume. */
	uint64_t now = (uint64_t)time(NULL);
	if (st->st != NULL && now != st->last_saved) {
		struct cs_err err;
		st->last_saved = now;
		st->rec.done = s->done;
		st->rec.live = s->live;
		st->rec.devices = s->devices;
		st->rec.covered = s->covered;
		st->rec.resume_pos = s->resume_pos;
		cs_store_scan_update(st->st, &st->rec, &err);
	}
}

static void ports_text(const struct cs_scan_host *h, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < h->nports && o + 24 < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%u/%s%s", i ? "," : "", h->ports[i].port,
				      h->ports[i].proto != NULL ? h->ports[i].proto : "tcp",
				      h->ports[i].udp	? "+udp"
				      : h->ports[i].tls ? "+tls"
							: "");
}

/* The "ports" of a scan host's jsonl line (host_out.h). */
static void json_hook(struct cs_json *j, enum cs_host_at at, const void *ctx)
{
	const struct cs_scan_host *h = ctx;
	if (at != CS_HOST_AT_PORTS)
		return;
	for (size_t i = 0; i < h->nports; i++)
		cs_host_json_port(j, h->ports[i].port, h->ports[i].proto, h->ports[i].tls,
				  h->ports[i].udp ? "udp" : "tcp");
}

static int on_host(void *ctx, const struct cs_scan_host *h)
{
	struct state *st = ctx;
	const struct cs_device *d = h->device;
	char ports[512];
	struct cs_err err;
	ports_text(h, ports, sizeof(ports));
	if (st->st != NULL) {
		int64_t id;
		char source[64];
		snprintf(source, sizeof(source), "scan:%lld", (long long)st->rec.id);
		if (cs_store_put_device(st->st, d, source, &id, &err) != CS_OK ||
		    cs_store_scan_link(st->st, st->rec.id, id, h->ip, ports, &err) != CS_OK) {
			snprintf(st->err, sizeof(st->err), "%s", err.msg);
			st->failed = 1;
			return 1;
		}
	}
	if (st->fmt == FMT_JSONL) {
		struct cs_host_json hj = {h->ip, st->st != NULL ? &st->rec.id : NULL, json_hook, h};
		cs_host_json_print(st->out, &hj, d);
	} else if (st->fmt == FMT_CSV) {
		cs_host_csv_device(st->out, h->ip, ports, d);
	} else {
		/* Table rows wait for the end; keep them compact and terminal-safe. */
		struct cs_buf line;
		struct cs_buf *r = &line;
		cs_buf_init(&line, 4096);
		const char *cols[] = {h->ip,
				      d->manufacturer ? d->manufacturer : "-",
				      d->brand ? d->brand : "-",
				      d->model ? d->model : "-",
				      cs_devtype_name(d->type),
				      d->covered_status,
				      ports};
		static const size_t w[] = {15, 14, 10, 20, 8, 11, 40};
		cs_host_table_row(r, cols, w, CS_ARRAY_SIZE(cols), true);
		cs_buf_putc(r, '\n');
		if (st->nrows == st->caprows) {
			size_t cap = st->caprows ? st->caprows * 2 : 256;
			struct row *rows = realloc(st->rows, cap * sizeof(*rows));
			if (rows == NULL) {
				cs_buf_free(&line);
				return 0;
			}
			st->rows = rows;
			st->caprows = cap;
		}
		st->rows[st->nrows].addr = h->addr;
		st->rows[st->nrows++].text = cs_buf_steal(&line);
	}
	return 0;
}

static const struct cs_probe *udp_probe_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < cs_nudp_probes; i++)
		if (strcmp(cs_udp_probes[i]->name, name) == 0)
			return cs_udp_probes[i];
	return NULL;
}

/* --udp LIST: the UDP probes by name ("all": every one). -1 naming nothing known. */
static int parse_udp(const char *s, struct cs_scan_opts *o, struct cs_err *err)
{
	o->nudp = 0;
	if (strcmp(s, "all") == 0) {
		for (size_t i = 0; i < cs_nudp_probes && i < CS_SCAN_MAX_UDP; i++)
			o->udp[o->nudp++] = cs_udp_probes[i];
		return 0;
	}
	while (*s != '\0') {
		size_t n = strcspn(s, ",");
		char name[32];
		const struct cs_probe *p = NULL;
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, s, n);
			name[n] = '\0';
			p = udp_probe_find(name);
		}
		if (p == NULL)
			return cs_err_set(err, CS_EINVAL, "--udp: no UDP probe '%.*s'",
					  (int)(n > 31 ? 31 : n), s);
		bool dup = false;
		for (size_t i = 0; i < o->nudp; i++)
			dup |= o->udp[i] == p;
		if (!dup && o->nudp < CS_SCAN_MAX_UDP)
			o->udp[o->nudp++] = p;
		s += n + (s[n] == ',');
	}
	return 0;
}

/* The options a resumed scan needs, as a JSON object. */
static char *options_json(const struct cs_scan_opts *o, const char *excludes)
{
	json_t *j = json_object(), *ports = json_array();
	for (size_t i = 0; i < o->nports; i++)
		json_array_append_new(ports, json_integer(o->ports[i]));
	json_object_set_new(j, "ports", ports);
	json_object_set_new(j, "rate", json_integer(o->rate));
	json_object_set_new(j, "concurrency", json_integer(o->concurrency));
	json_object_set_new(j, "timeout_ms", json_integer(o->timeout_ms));
	json_object_set_new(j, "retries", json_integer(o->retries));
	json_object_set_new(j, "per_host", json_integer(o->per_host));
	json_object_set_new(j, "thorough", json_boolean(o->thorough));
	json_t *udp = json_array();
	for (size_t i = 0; i < o->nudp; i++)
		json_array_append_new(udp, json_string(o->udp[i]->name));
	json_object_set_new(j, "udp", udp);
	json_object_set_new(j, "exclude", json_string(excludes != NULL ? excludes : ""));
	json_object_set_new(j, "policy", o->policy != NULL ? json_string(o->policy) : json_null());
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static int apply_options_json(const char *s, struct cs_scan_opts *o, struct cs_targets *t,
			      char **policy, struct cs_err *err)
{
	json_error_t je;
	json_t *j = json_loads(s, 0, &je), *v;
	size_t i;
	if (j == NULL)
		return cs_err_set(err, CS_EPARSE, "the scan's recorded options are not JSON");
	o->nports = 0;
	json_array_foreach(json_object_get(j, "ports"), i, v)
	{
		if (o->nports < CS_SCAN_MAX_PORTS && json_integer_value(v) > 0 &&
		    json_integer_value(v) < 65536)
			o->ports[o->nports++] = (uint16_t)json_integer_value(v);
	}
	o->rate = (unsigned)json_integer_value(json_object_get(j, "rate"));
	o->concurrency = (unsigned)json_integer_value(json_object_get(j, "concurrency"));
	o->timeout_ms = (unsigned)json_integer_value(json_object_get(j, "timeout_ms"));
	o->retries = (unsigned)json_integer_value(json_object_get(j, "retries"));
	o->per_host = (unsigned)json_integer_value(json_object_get(j, "per_host"));
	o->thorough = json_is_true(json_object_get(j, "thorough"));
	if (json_is_array(json_object_get(j, "udp"))) {
		o->nudp = 0;
		json_array_foreach(json_object_get(j, "udp"), i, v)
		{
			const struct cs_probe *p = udp_probe_find(json_string_value(v));
			if (p != NULL && o->nudp < CS_SCAN_MAX_UDP)
				o->udp[o->nudp++] = p;
		}
	}
	const char *ex = json_string_value(json_object_get(j, "exclude"));
	const char *pol = json_string_value(json_object_get(j, "policy"));
	int r = CS_OK;
	if (ex != NULL && *ex != '\0')
		r = cs_targets_exclude(t, ex, err);
	if (pol != NULL)
		*policy = strdup(pol);
	json_decref(j);
	return r;
}

struct latest {
	int64_t id;
};

static int pick_latest(void *ctx, const struct cs_scan_record *r)
{
	struct latest *l = ctx;
	if (strcmp(r->status, "done") != 0) {
		l->id = r->id;
		return 1;
	}
	return 0;
}

static int run(int argc, char **argv)
{
	enum {
		O_EXCLUDE = 256,
		O_EXCLUDE_FILE,
		O_YES,
		O_POLICY,
		O_RATE,
		O_CONC,
		O_TIMEOUT,
		O_RETRIES,
		O_PERHOST,
		O_SHARD,
		O_SEED,
		O_FORMAT,
		O_NOPROGRESS,
		O_NOSTORE,
		O_DB,
		O_RESUME,
		O_DATADIR,
		O_IL,
		O_THOROUGH,
		O_UDP,
		O_NOUDP,
	};
	static const struct option opts[] = {
		{"iL", required_argument, NULL, O_IL},
		{"exclude", required_argument, NULL, O_EXCLUDE},
		{"exclude-file", required_argument, NULL, O_EXCLUDE_FILE},
		{"yes", no_argument, NULL, O_YES},
		{"ports", required_argument, NULL, 'p'},
		{"policy", required_argument, NULL, O_POLICY},
		{"rate", required_argument, NULL, O_RATE},
		{"concurrency", required_argument, NULL, O_CONC},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"retries", required_argument, NULL, O_RETRIES},
		{"per-host", required_argument, NULL, O_PERHOST},
		{"shard", required_argument, NULL, O_SHARD},
		{"seed", required_argument, NULL, O_SEED},
		{"format", required_argument, NULL, O_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"no-progress", no_argument, NULL, O_NOPROGRESS},
		{"no-store", no_argument, NULL, O_NOSTORE},
		{"db", required_argument, NULL, O_DB},
		{"resume", optional_argument, NULL, O_RESUME},
		{"data-dir", required_argument, NULL, O_DATADIR},
		{"thorough", no_argument, NULL, O_THOROUGH},
		{"udp", optional_argument, NULL, O_UDP},
		{"no-udp", no_argument, NULL, O_NOUDP},
		{NULL, 0, NULL, 0},
	};
	struct cs_scan_opts o;
	struct cs_targets t;
	struct cs_kb *kb = NULL;
	struct cs_kb_opts kopts = {cs_cli_globals.data_dir, NULL, NULL};
	struct cs_err err = {0, ""};
	struct state st;
	struct cs_buf specs, excludes;
	struct cs_scan_stats stats;
	const char *format = NULL, *outpath = NULL, *db = cs_cli_globals.db;
	char *policy = NULL, *optjson = NULL;
	bool yes = false, nostore = false, resume = false, seeded = false;
	int64_t resume_id = 0;
	unsigned long v;
	int c, rc = CS_EXIT_USAGE;

	cs_scan_opts_defaults(&o);
	cs_targets_init(&t);
	memset(&st, 0, sizeof(st));
	cs_buf_init(&specs, 16 << 20);
	cs_buf_init(&excludes, 1 << 20);
	/* nmap spells it -iL: turn it into --iL before getopt sees it. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-iL") == 0)
			argv[i] = "--iL";
	while ((c = getopt_long(argc, argv, "p:o:", opts, NULL)) != -1) {
		switch (c) {
		case O_IL:
			if (cs_targets_add_file(&t, optarg, &err) != CS_OK)
				goto bad;
			cs_buf_printf(&specs, "%s-iL:%s", specs.len ? " " : "", optarg);
			break;
		case O_EXCLUDE:
			if (cs_targets_exclude(&t, optarg, &err) != CS_OK)
				goto bad;
			cs_buf_printf(&excludes, "%s%s", excludes.len ? "," : "", optarg);
			break;
		case O_EXCLUDE_FILE:
			if (cs_targets_exclude_file(&t, optarg, &err) != CS_OK)
				goto bad;
			break;
		case O_YES: yes = true; break;
		case 'p':
			if (parse_ports(optarg, &o) != 0) {
				fprintf(stderr,
					"camsweep scan: bad port list '%s' (1-65535, at most %d)\n",
					optarg, CS_SCAN_MAX_PORTS);
				goto out;
			}
			break;
		case O_POLICY: policy = strdup(optarg); break;
		case O_RATE:
			if (!parse_uint(optarg, 10000000, &v))
				goto badnum;
			o.rate = (unsigned)v;
			break;
		case O_CONC:
			if (!parse_uint(optarg, 1000000, &v) || v == 0)
				goto badnum;
			o.concurrency = (unsigned)v;
			break;
		case O_TIMEOUT:
			if (!parse_uint(optarg, 600000, &v) || v == 0)
				goto badnum;
			o.timeout_ms = (unsigned)v;
			break;
		case O_RETRIES:
			if (!parse_uint(optarg, 10, &v))
				goto badnum;
			o.retries = (unsigned)v;
			break;
		case O_PERHOST:
			if (!parse_uint(optarg, 64, &v) || v == 0)
				goto badnum;
			o.per_host = (unsigned)v;
			break;
		case O_SHARD:
			if (cs_shard_parse(optarg, &o.shard, &o.nshards, &err) != CS_OK)
				goto bad;
			break;
		case O_SEED:
			if (!parse_uint(optarg, ULONG_MAX, &v))
				goto badnum;
			o.seed = v;
			seeded = true;
			break;
		case O_FORMAT: format = optarg; break;
		case 'o': outpath = optarg; break;
		case O_NOPROGRESS: st.progress = false, st.tty = false, format = format; break;
		case O_NOSTORE: nostore = true; break;
		case O_DB: db = optarg; break;
		case O_RESUME:
			resume = true;
			if (optarg != NULL) {
				if (!parse_uint(optarg, INT64_MAX, &v))
					goto badnum;
				resume_id = (int64_t)v;
			}
			break;
		case O_DATADIR: kopts.data_dir = optarg; break;
		case O_THOROUGH: o.thorough = true; break;
		case O_UDP:
			if (parse_udp(optarg != NULL ? optarg : "all", &o, &err) != CS_OK) {
				fprintf(stderr, "camsweep scan: %s\n", err.msg);
				goto out;
			}
			break;
		case O_NOUDP: o.nudp = 0; break;
		default: goto out;
		}
	}
	bool want_progress = isatty(STDERR_FILENO);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--no-progress") == 0)
			want_progress = false;
	for (int i = optind; i < argc; i++) {
		if (cs_targets_add(&t, argv[i], &err) != CS_OK)
			goto bad;
		cs_buf_printf(&specs, "%s%s", specs.len ? " " : "", argv[i]);
	}
	if (format == NULL)
		format = isatty(STDOUT_FILENO) && outpath == NULL ? "table" : "jsonl";
	if (strcmp(format, "table") == 0)
		st.fmt = FMT_TABLE;
	else if (strcmp(format, "jsonl") == 0)
		st.fmt = FMT_JSONL;
	else if (strcmp(format, "csv") == 0)
		st.fmt = FMT_CSV;
	else {
		fprintf(stderr, "camsweep scan: --format is table, jsonl or csv\n");
		goto out;
	}
	if (resume && nostore) {
		fprintf(stderr,
			"camsweep scan: --resume needs the inventory (not with --no-store)\n");
		goto out;
	}

	rc = CS_EXIT_FAIL;
	if (!nostore && cs_store_open(&st.st, db, &err) != CS_OK) {
		fprintf(stderr, "camsweep scan: inventory: %s\n", err.msg);
		goto out;
	}
	if (resume) {
		struct cs_scan_record *prev = NULL;
		if (specs.len > 0) {
			fprintf(stderr,
				"camsweep scan: --resume takes its targets from the scan\n");
			rc = CS_EXIT_USAGE;
			goto out;
		}
		if (resume_id == 0) {
			struct latest l = {0};
			cs_store_list_scans(st.st, pick_latest, &l, &err);
			resume_id = l.id;
		}
		if (resume_id == 0 || cs_store_scan_get(st.st, resume_id, &prev, &err) != CS_OK) {
			fprintf(stderr, "camsweep scan: no interrupted scan to resume\n");
			goto out;
		}
		if (strcmp(prev->status, "done") == 0) {
			fprintf(stderr, "camsweep scan: scan %lld is already done\n",
				(long long)resume_id);
			cs_scan_record_free(prev);
			goto out;
		}
		/* Same targets, options, seed and shard: the same order, from where it stopped. */
		const char *p = prev->targets;
		while (*p != '\0') {
			const char *sp = strchr(p, ' ');
			size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p);
			char spec[4096];
			if (n >= sizeof(spec))
				n = sizeof(spec) - 1;
			memcpy(spec, p, n);
			spec[n] = '\0';
			int r = strncmp(spec, "-iL:", 4) == 0
					? cs_targets_add_file(&t, spec + 4, &err)
					: cs_targets_add(&t, spec, &err);
			if (r != CS_OK) {
				cs_scan_record_free(prev);
				goto bad;
			}
			p += n;
			while (*p == ' ')
				p++;
		}
		free(policy);
		policy = NULL;
		if (apply_options_json(prev->options, &o, &t, &policy, &err) != CS_OK) {
			cs_scan_record_free(prev);
			goto bad;
		}
		o.seed = prev->seed;
		o.shard = prev->shard;
		o.nshards = prev->nshards;
		o.start_pos = prev->resume_pos;
		st.rec.id = prev->id;
		cs_buf_puts(&specs, prev->targets);
		cs_scan_record_free(prev);
		fprintf(stderr, "camsweep scan: resuming scan %lld at position %llu\n",
			(long long)resume_id, (unsigned long long)o.start_pos);
	}
	if (specs.len == 0 || cs_targets_count(&t) == 0) {
		fprintf(stderr,
			"camsweep scan: no targets%s (camsweep never picks targets for you)\n",
			specs.len ? " left after exclusions" : "");
		rc = CS_EXIT_USAGE;
		goto out;
	}
	if (cs_targets_public_count(&t) > 65536 && !yes) {
		fprintf(stderr,
			"camsweep scan: the targets hold %llu public addresses (more than a /16); "
			"make sure you may scan them, then add --yes\n",
			(unsigned long long)cs_targets_public_count(&t));
		rc = CS_EXIT_USAGE;
		goto out;
	}
	if (!seeded && !resume && getrandom(&o.seed, sizeof(o.seed), 0) != sizeof(o.seed))
		o.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid();
	o.policy = policy;
	if (cs_kb_load(&kb, &kopts, &err) != CS_OK) {
		fprintf(stderr, "camsweep: %s\n", err.msg);
		goto out;
	}
	o.data_dir = kb->data_dirs[0];
	st.out = stdout;
	if (outpath != NULL && (st.out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "camsweep scan: %s: %s\n", outpath, strerror(errno));
		goto out;
	}
	st.progress = want_progress;
	st.tty = isatty(STDERR_FILENO);
	if (st.st != NULL && !resume) {
		optjson = options_json(&o, excludes.data);
		st.rec.status = "running";
		st.rec.targets = specs.data;
		st.rec.options = optjson != NULL ? optjson : "{}";
		st.rec.shard = o.shard;
		st.rec.nshards = o.nshards;
		st.rec.seed = o.seed;
		st.rec.addresses = cs_targets_count(&t);
		if (cs_store_scan_begin(st.st, &st.rec, &err) != CS_OK) {
			fprintf(stderr, "camsweep scan: inventory: %s\n", err.msg);
			goto out;
		}
	} else if (st.st != NULL) {
		st.rec.status = "running";
		st.rec.targets = specs.data;
		st.rec.shard = o.shard;
		st.rec.nshards = o.nshards;
		st.rec.seed = o.seed;
		st.rec.addresses = cs_targets_count(&t);
	}
	if (st.fmt == FMT_CSV)
		fputs("ip,ports,manufacturer,brand,model,device_type,firmware,serial,mac,"
		      "covered_status\r\n",
		      st.out);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	o.on_host = on_host;
	o.on_progress = on_progress;
	o.ctx = &st;
	o.stop = &stop_flag;
	int r = cs_scan_run(&t, &o, kb, &stats, &err);
	if (st.progress)
		fputc('\n', stderr);
	if (st.st != NULL) {
		st.rec.status = r != CS_OK || st.failed ? "failed"
				: stop_flag		? "interrupted"
							: "done";
		st.rec.done = stats.done;
		st.rec.live = stats.live;
		st.rec.devices = stats.devices;
		st.rec.covered = stats.covered;
		st.rec.resume_pos = stats.resume_pos;
		struct cs_err uerr;
		cs_store_scan_update(st.st, &st.rec, &uerr);
	}
	if (r != CS_OK || st.failed) {
		fprintf(stderr, "camsweep scan: %s\n", r != CS_OK ? err.msg : st.err);
		goto out;
	}
	if (st.fmt == FMT_TABLE) {
		fprintf(st.out, "%-15s %-14s %-10s %-20s %-8s %-11s %s\n", "ADDRESS",
			"MANUFACTURER", "BRAND", "MODEL", "TYPE", "POLICY", "PORTS");
		qsort(st.rows, st.nrows, sizeof(*st.rows), cmp_row);
		for (size_t i = 0; i < st.nrows; i++)
			fputs(st.rows[i].text, st.out);
	}
	char scan_name[32] = "";
	if (st.st != NULL)
		snprintf(scan_name, sizeof(scan_name), " %lld", (long long)st.rec.id);
	fprintf(stderr,
		"camsweep scan%s: %llu addresses in %.1fs, %llu connections (%llu questions "
		"skipped), %llu live, %llu devices, %llu covered%s\n",
		scan_name, (unsigned long long)stats.done, stats.elapsed,
		(unsigned long long)stats.connects, (unsigned long long)stats.skipped_steps,
		(unsigned long long)stats.live, (unsigned long long)stats.devices,
		(unsigned long long)stats.covered,
		stop_flag ? " (interrupted: camsweep scan --resume continues)" : "");
	if (stats.late_ready > 0)
		fprintf(stderr,
			"camsweep scan: %llu answers were waiting when their deadline came: this "
			"machine is short of CPU for this --rate and --concurrency\n",
			(unsigned long long)stats.late_ready);
	rc = stop_flag ? 130 : CS_EXIT_OK;
	goto out;
badnum:
	fprintf(stderr, "camsweep scan: bad number '%s'\n", optarg);
	goto out;
bad:
	fprintf(stderr, "camsweep scan: %s\n", err.msg);
out:
	if (st.out != NULL && st.out != stdout)
		fclose(st.out);
	else
		fflush(stdout);
	cs_store_close(st.st);
	cs_kb_free(kb);
	cs_targets_free(&t);
	for (size_t i = 0; i < st.nrows; i++)
		free(st.rows[i].text);
	free(st.rows);
	cs_buf_free(&specs);
	cs_buf_free(&excludes);
	free(policy);
	free(optjson);
	return rc;
}
