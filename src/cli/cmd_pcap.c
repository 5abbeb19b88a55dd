/*
 * cmd_pcap.c - `camsweep pcap`: identify devices from packet captures (or a live interface)
 * without sending anything, judge and record them like a scan.
 *
 * Argument parsing, printing and the inventory live here; reading frames is src/pcap/capture.c
 * and what is made of them src/pcap/passive.c.
 */
#include "cli/cli.h"
#include "common/buf.h"
#include "common/json.h"
#include "ident/ident.h"
#include "pcap/capture.h"
#include "pcap/cloud.h"
#include "pcap/passive.h"
#include "policy/policy.h"
#include "report/host_out.h"
#include "store/store.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int run(int argc, char **argv);

const struct cs_cli_cmd cs_cmd_pcap = {
	"pcap",
	"identify devices passively from packet captures or a live interface",
	"usage: camsweep pcap [options] FILE...\n"
	"       camsweep pcap --live IF [--count N] [--duration S] [options]\n"
	"\n"
	"Read pcap or pcapng captures (or listen on an interface) and identify every host from\n"
	"what it says on the wire: SADP, DHIP, WS-Discovery and SSDP announcements, HTTP and RTSP\n"
	"headers, TLS certificates, DHCP hostname and vendor class, its MAC address; and flag "
	"hosts\n"
	"that contact a vendor cloud or P2P service (data/cloud-domains.tsv). Nothing is sent.\n"
	"\n"
	"  --live IF            capture on interface IF instead of reading files (needs root)\n"
	"  --count N            with --live: stop after N frames\n"
	"  --duration S         with --live: stop after S seconds (default: until Ctrl-C)\n"
	"  --promisc            with --live: promiscuous mode (a SPAN port or a hub)\n"
	"  --all                report every host that said anything, not only identified ones\n"
	"  --policy IDS         judge against these profiles only (default: all)\n"
	"  --max-hosts N        hosts tracked at most (default 65536; later ones are counted)\n"
	"  --max-flows N        TCP flows tracked at once (default 8192; the oldest is evicted)\n"
	"  --format FMT         table (default on a terminal), jsonl or csv\n"
	"  -o FILE              write results to FILE instead of standard output\n"
	"  --no-store           do not record anything in the inventory\n"
	"  --db PATH            the inventory (default: $XDG_DATA_HOME/camsweep/inventory.db)\n"
	"\n"
	"jsonl lines carry the keys of `camsweep scan` plus ips and contacts_vendor_cloud\n"
	"(docs/pcap.md). Exit status: 0 done (also for a capture cut short: a warning is\n"
	"printed), 1 failure, 2 usage, 130 interrupted while reading files.\n"
	"\n"
	"Examples:\n"
	"  camsweep pcap --no-store site-a.pcapng\n"
	"  camsweep pcap --format jsonl -o found.jsonl span-*.pcap\n"
	"  camsweep pcap --live eth1 --duration 600\n",
	run,
};

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

enum fmt { FMT_TABLE, FMT_JSONL, FMT_CSV };

struct state {
	enum fmt fmt;
	FILE *out;
	struct cs_store *st;
	struct cs_scan_record rec;
	const struct cs_kb *kb;
	struct cs_ident *id; /* the verdict's coverage records live in its arena */
	const char *policy;
	bool all;
	uint64_t shown, covered;
	int failed;
	char err[512];
};

static void ports_text(const struct cs_passive_host *h, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < h->nports && o + 32 < cap; i++) {
		const struct cs_passive_port *p = &h->ports[i];
		o += (size_t)snprintf(
			buf + o, cap - o, "%s%u/%s%s", i ? "," : "", p->port,
			p->proto != NULL ? p->proto
			: p->udp	 ? "udp"
					 : "tcp",
			p->tls && (p->proto == NULL || strcmp(p->proto, "tls") != 0) ? "+tls" : "");
	}
}

static void cloud_text(const struct cs_passive_host *h, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < h->ncontacts && o + 8 < cap; i++) {
		int w = snprintf(buf + o, cap - o, "%s%s", i ? "," : "",
				 h->contacts[i].entry->service);
		if (w < 0 || (size_t)w >= cap - o)
			break;
		o += (size_t)w;
	}
}

/* The "ips", "ports", contacts and packets of a passive host's jsonl line (host_out.h). */
static void json_hook(struct cs_json *j, enum cs_host_at at, const void *ctx)
{
	const struct cs_passive_host *h = ctx;
	if (at == CS_HOST_AT_IP) {
		cs_json_key(j, "ips");
		cs_json_arr_begin(j);
		for (size_t i = 0; i < h->nips; i++)
			cs_json_str(j, h->ips[i]);
		cs_json_arr_end(j);
	} else if (at == CS_HOST_AT_PORTS) {
		for (size_t i = 0; i < h->nports; i++)
			cs_host_json_port(j, h->ports[i].port, h->ports[i].proto, h->ports[i].tls,
					  h->ports[i].udp ? "udp" : "tcp");
	} else if (at == CS_HOST_AT_SCAN_ID) {
		cs_json_key(j, "contacts_vendor_cloud");
		cs_json_arr_begin(j);
		for (size_t i = 0; i < h->ncontacts; i++) {
			const struct cs_passive_contact *c = &h->contacts[i];
			cs_json_obj_begin(j);
			cs_json_key(j, "service");
			cs_json_str(j, c->entry->service);
			cs_json_key(j, "vendor");
			cs_json_str(j, c->entry->vendor[0] != '\0' ? c->entry->vendor : NULL);
			cs_json_key(j, "domain");
			cs_json_str(j, c->entry->domain);
			cs_json_key(j, "name");
			cs_json_str(j, c->name);
			cs_json_key(j, "seen_in");
			cs_json_str(j, c->how);
			cs_json_key(j, "verified");
			cs_json_bool(j, c->entry->verified);
			cs_json_obj_end(j);
		}
		cs_json_arr_end(j);
		cs_json_key(j, "packets");
		cs_json_int(j, (int64_t)h->packets);
	}
}

static void print_json(struct state *st, const struct cs_passive_host *h, const struct cs_device *d)
{
	struct cs_host_json hj = {h->ip, st->st != NULL ? &st->rec.id : NULL, json_hook, h};
	cs_host_json_print(st->out, &hj, d);
}

static int on_host(void *ctx, const struct cs_passive_host *h, struct cs_device *d)
{
	struct state *st = ctx;
	struct cs_err err = {0, ""};
	char ports[512], cloud[512];

	if (!st->all && d->manufacturer == NULL && d->brand == NULL && d->type == CS_DT_UNKNOWN &&
	    h->ncontacts == 0)
		return 0;
	cs_policy_judge(st->kb, d, st->policy, cs_ident_arena(st->id), &err);
	st->shown++;
	if (d->covered)
		st->covered++;
	ports_text(h, ports, sizeof(ports));
	cloud_text(h, cloud, sizeof(cloud));
	if (st->st != NULL) {
		int64_t id;
		char source[64];
		snprintf(source, sizeof(source), "pcap:%lld", (long long)st->rec.id);
		if (cs_store_put_device(st->st, d, source, &id, &err) != CS_OK ||
		    cs_store_scan_link(st->st, st->rec.id, id, h->ip, ports, &err) != CS_OK) {
			snprintf(st->err, sizeof(st->err), "%s", err.msg);
			st->failed = 1;
			return 1;
		}
	}
	if (st->fmt == FMT_JSONL) {
		print_json(st, h, d);
	} else if (st->fmt == FMT_CSV) {
		const char *cells[] = {h->ip,
				       d->mac,
				       ports,
				       d->manufacturer,
				       d->brand,
				       d->model,
				       cs_devtype_name(d->type),
				       d->firmware,
				       d->serial,
				       d->covered_status,
				       cloud};
		cs_host_csv_row(st->out, cells, CS_ARRAY_SIZE(cells));
	} else {
		const char *cols[] = {h->ip ? h->ip : "-",
				      d->mac ? d->mac : "-",
				      d->manufacturer ? d->manufacturer : "-",
				      d->brand ? d->brand : "-",
				      d->model ? d->model : "-",
				      cs_devtype_name(d->type),
				      d->covered_status,
				      cloud[0] ? cloud : "-"};
		static const size_t w[] = {15, 17, 14, 10, 20, 8, 11, 30};
		struct cs_buf line;
		cs_buf_init(&line, 4096);
		cs_host_table_row(&line, cols, w, CS_ARRAY_SIZE(cols), false);
		if (line.data != NULL) {
			fputs(line.data, st->out);
			fputc('\n', st->out);
		}
		cs_buf_free(&line);
	}
	return 0;
}

static bool parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v > max || s[0] == '-')
		return false;
	*out = v;
	return true;
}

static int run(int argc, char **argv)
{
	enum {
		O_LIVE = 256,
		O_COUNT,
		O_DURATION,
		O_PROMISC,
		O_ALL,
		O_POLICY,
		O_MAXHOSTS,
		O_MAXFLOWS,
		O_FORMAT,
		O_NOSTORE,
		O_DB,
	};
	static const struct option opts[] = {
		{"live", required_argument, NULL, O_LIVE},
		{"count", required_argument, NULL, O_COUNT},
		{"duration", required_argument, NULL, O_DURATION},
		{"promisc", no_argument, NULL, O_PROMISC},
		{"all", no_argument, NULL, O_ALL},
		{"policy", required_argument, NULL, O_POLICY},
		{"max-hosts", required_argument, NULL, O_MAXHOSTS},
		{"max-flows", required_argument, NULL, O_MAXFLOWS},
		{"format", required_argument, NULL, O_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"no-store", no_argument, NULL, O_NOSTORE},
		{"db", required_argument, NULL, O_DB},
		{NULL, 0, NULL, 0},
	};
	struct cs_kb_opts kopts = {cs_cli_globals.data_dir, NULL, NULL};
	struct cs_passive_opts popts = {0, 0, 0};
	struct cs_kb *kb = NULL;
	struct cs_ident *id = NULL;
	struct cs_passive *pa = NULL;
	struct cs_cloud cloud = {NULL, 0};
	struct cs_err err = {0, ""};
	struct state st;
	struct cs_buf targets;
	const char *format = NULL, *outpath = NULL, *db = cs_cli_globals.db, *live = NULL;
	bool nostore = false, promisc = false;
	unsigned long v, count = 0;
	double duration = 0;
	char *optjson = NULL;
	int c, rc = CS_EXIT_USAGE;

	memset(&st, 0, sizeof(st));
	cs_buf_init(&targets, 1 << 20);
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case O_LIVE: live = optarg; break;
		case O_COUNT:
			if (!parse_num(optarg, ULONG_MAX, &count))
				goto badnum;
			break;
		case O_DURATION:
			if (!parse_num(optarg, 31 * 86400, &v))
				goto badnum;
			duration = (double)v;
			break;
		case O_PROMISC: promisc = true; break;
		case O_ALL: st.all = true; break;
		case O_POLICY: st.policy = optarg; break;
		case O_MAXHOSTS:
			if (!parse_num(optarg, 1u << 24, &v) || v == 0)
				goto badnum;
			popts.max_hosts = v;
			break;
		case O_MAXFLOWS:
			if (!parse_num(optarg, 1u << 24, &v) || v == 0)
				goto badnum;
			popts.max_flows = v;
			break;
		case O_FORMAT: format = optarg; break;
		case 'o': outpath = optarg; break;
		case O_NOSTORE: nostore = true; break;
		case O_DB: db = optarg; break;
		default: goto out;
		}
	}
	if ((live == NULL) == (optind >= argc)) {
		fprintf(stderr, "camsweep pcap: give capture files, or --live IF (not both)\n");
		goto out;
	}
	if (live == NULL && (count != 0 || duration != 0)) {
		fprintf(stderr, "camsweep pcap: --count and --duration go with --live\n");
		goto out;
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
		fprintf(stderr, "camsweep pcap: --format is table, jsonl or csv\n");
		goto out;
	}
	if (live != NULL)
		cs_buf_printf(&targets, "live:%s", live);
	for (int i = optind; i < argc; i++)
		cs_buf_printf(&targets, "%spcap:%s", targets.len ? " " : "", argv[i]);

	rc = CS_EXIT_FAIL;
	if (cs_kb_load(&kb, &kopts, &err) != CS_OK) {
		fprintf(stderr, "camsweep: %s\n", err.msg);
		goto out;
	}
	if (st.policy != NULL && cs_policy_check_ids(kb, st.policy, &err) != CS_OK) {
		fprintf(stderr, "camsweep pcap: %s\n", err.msg);
		rc = CS_EXIT_USAGE;
		goto out;
	}
	st.kb = kb;
	const char *dirs[2] = {kb->data_dirs[0], kb->ndata_dirs > 1 ? kb->data_dirs[1] : NULL};
	if (cs_cloud_load(&cloud, dirs, 2, &err) != CS_OK) {
		fprintf(stderr, "camsweep: %s\n", err.msg);
		goto out;
	}
	if (cs_ident_new(&id, kb) != CS_OK || cs_passive_new(&pa, &popts, &cloud, &err) != CS_OK) {
		fprintf(stderr, "camsweep pcap: %s\n", err.msg[0] ? err.msg : "out of memory");
		goto out;
	}
	st.id = id;
	if (!nostore && cs_store_open(&st.st, db, &err) != CS_OK) {
		fprintf(stderr, "camsweep pcap: inventory: %s\n", err.msg);
		goto out;
	}
	st.out = stdout;
	if (outpath != NULL && (st.out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "camsweep pcap: %s: %s\n", outpath, strerror(errno));
		goto out;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t frames = 0;
	int readable = 0;
	if (live != NULL) {
		struct cs_capture_result res;
		if (cs_capture_live(pa, live, count, duration, promisc, &stop_flag, &res, &err) !=
		    CS_OK) {
			fprintf(stderr, "camsweep pcap: %s\n", err.msg);
			goto out;
		}
		frames += res.frames;
		readable++;
		if (res.cut)
			fprintf(stderr, "camsweep pcap: warning: %s: %s\n", live, res.warning);
	} else {
		for (int i = optind; i < argc && !stop_flag; i++) {
			struct cs_capture_result res;
			if (cs_capture_file(pa, argv[i], &stop_flag, &res, &err) != CS_OK) {
				fprintf(stderr, "camsweep pcap: %s\n", err.msg);
				continue;
			}
			readable++;
			frames += res.frames;
			if (res.cut)
				fprintf(stderr,
					"camsweep pcap: warning: %s: cut short after %llu "
					"frames (%s); what was read is used\n",
					argv[i], (unsigned long long)res.frames, res.warning);
		}
	}
	if (readable == 0)
		goto out;

	if (st.st != NULL) {
		optjson = NULL;
		struct cs_buf oj;
		cs_buf_init(&oj, 4096);
		cs_buf_printf(&oj, "{\"kind\":\"pcap\",\"live\":%s,\"all\":%s,\"policy\":",
			      live != NULL ? "true" : "false", st.all ? "true" : "false");
		if (st.policy != NULL) {
			cs_buf_putc(&oj, '"');
			cs_json_escape(&oj, st.policy, strlen(st.policy));
			cs_buf_putc(&oj, '"');
		} else {
			cs_buf_puts(&oj, "null");
		}
		cs_buf_putc(&oj, '}');
		optjson = cs_buf_steal(&oj);
		st.rec.status = "running";
		st.rec.targets = targets.data;
		st.rec.options = optjson != NULL ? optjson : "{}";
		st.rec.shard = 1;
		st.rec.nshards = 1;
		if (cs_store_scan_begin(st.st, &st.rec, &err) != CS_OK) {
			fprintf(stderr, "camsweep pcap: inventory: %s\n", err.msg);
			goto out;
		}
	}
	if (st.fmt == FMT_CSV)
		fputs("ip,mac,ports,manufacturer,brand,model,device_type,firmware,serial,"
		      "covered_status,contacts_vendor_cloud\r\n",
		      st.out);
	else if (st.fmt == FMT_TABLE)
		fprintf(st.out, "%-15s %-17s %-14s %-10s %-20s %-8s %-11s %s\n", "ADDRESS", "MAC",
			"MANUFACTURER", "BRAND", "MODEL", "TYPE", "POLICY", "VENDOR CLOUD");
	int r = cs_passive_finish(pa, id, on_host, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	const struct cs_passive_stats *ps = cs_passive_stats(pa);
	if (st.st != NULL) {
		struct cs_err uerr;
		st.rec.status = r != 0 || st.failed  ? "failed"
				: stop_flag && !live ? "interrupted"
						     : "done";
		st.rec.addresses = ps->hosts;
		st.rec.done = ps->hosts;
		st.rec.live = ps->hosts;
		st.rec.devices = st.shown;
		st.rec.covered = st.covered;
		cs_store_scan_update(st.st, &st.rec, &uerr);
	}
	if (st.failed) {
		fprintf(stderr, "camsweep pcap: %s\n", st.err);
		goto out;
	}
	double el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	char name[32] = "";
	if (st.st != NULL)
		snprintf(name, sizeof(name), " %lld", (long long)st.rec.id);
	fprintf(stderr,
		"camsweep pcap%s: %llu frames in %.2fs (%.0f/s), %llu hosts, %llu reported, %llu "
		"covered",
		name, (unsigned long long)frames, el, el > 0 ? (double)frames / el : 0,
		(unsigned long long)ps->hosts, (unsigned long long)st.shown,
		(unsigned long long)st.covered);
	if (ps->hosts_dropped || ps->flows_evicted || ps->truncated || ps->flows_gave_up)
		fprintf(stderr,
			"; %llu frames truncated, %llu flows evicted, %llu gave up on a gap, "
			"%llu hosts over --max-hosts",
			(unsigned long long)ps->truncated, (unsigned long long)ps->flows_evicted,
			(unsigned long long)ps->flows_gave_up,
			(unsigned long long)ps->hosts_dropped);
	fputc('\n', stderr);
	/* Ctrl-C ends a live capture normally; it interrupts the reading of files. */
	rc = stop_flag && live == NULL			     ? 130
	     : readable < (live != NULL ? 1 : argc - optind) ? CS_EXIT_FAIL
							     : CS_EXIT_OK;
	goto out;
badnum:
	fprintf(stderr, "camsweep pcap: bad number '%s'\n", optarg);
out:
	if (st.out != NULL && st.out != stdout)
		fclose(st.out);
	else
		fflush(stdout);
	cs_store_close(st.st);
	cs_passive_free(pa);
	cs_ident_free(id);
	cs_cloud_free(&cloud);
	cs_kb_free(kb);
	cs_buf_free(&targets);
	free(optjson);
	return rc;
}
