/*
 * cmd_discover.c - `camsweep discover`: ask the local link who is there with the discovery
 * protocols cameras answer (ONVIF WS-Discovery, Hikvision SADP, Dahua DHIP, SSDP, mDNS), group
 * the replies into one device per address, identify, judge and record them like a scan.
 *
 * Argument parsing, output and the inventory live here; the requests and sockets are in
 * src/discover/. Output uses the keys of `camsweep scan` (docs/json.md) plus "protocols".
 */
#include "cli/cli.h"
#include "common/buf.h"
#include "common/json.h"
#include "discover/hosts.h"
#include "ident/ident.h"
#include "policy/policy.h"
#include "report/host_out.h"
#include "scan/probe_data.h"
#include "store/store.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run(int argc, char **argv);

const struct cs_cli_cmd cs_cmd_discover = {
	"discover",
	"find devices on the local link with WS-Discovery, SADP, DHIP, SSDP and mDNS",
	"usage: camsweep discover [options]\n"
	"\n"
	"Send the discovery requests cameras and recorders answer to the multicast groups (and,\n"
	"for SADP and DHIP, the broadcast address) of one interface, collect the replies, group\n"
	"them by sender into one device per address, identify each, judge it against the policy\n"
	"profiles and record it in the inventory. Only inquiries are sent: never a SADP or DHIP\n"
	"command, never credentials (data/probes/README.md lists every byte).\n"
	"\n"
	"  --interface IF       the interface to ask on (required when several are up)\n"
	"  --timeout S          seconds to collect replies (default 3; 0.5 steps allowed)\n"
	"  --repeat N           rounds of requests, spread over the first half of the timeout\n"
	"                       (default 3: multicast is lossy)\n"
	"  --protocols LIST     any of wsd,sadp,dhip,ssdp,mdns (default: all)\n"
	"  --no-broadcast       do not also send SADP and DHIP to 255.255.255.255\n"
	"  --fetch              then follow what each device advertised on its own address:\n"
	"                       ONVIF GetDeviceInformation (no credentials, as `scan` asks)\n"
	"                       to its XAddrs, GET of the UPnP description at its LOCATION\n"
	"  --policy IDS         judge against these profiles only (default: all)\n"
	"  --format FMT         table (default on a terminal), jsonl or csv\n"
	"  -o FILE              write results to FILE instead of standard output\n"
	"  --no-store           do not record anything in the inventory\n"
	"  --db PATH            the inventory (default: $XDG_DATA_HOME/camsweep/inventory.db)\n"
	"  --data-dir DIR       fingerprints, policies and request files\n"
	"\n"
	"jsonl lines carry the keys of `camsweep scan` plus protocols (docs/json.md). The run is\n"
	"recorded as a scan with targets 'discover:IF'. Exit status: 0 done, 1 failure, 2 usage.\n"
	"\n"
	"Examples:\n"
	"  camsweep discover --interface eth0\n"
	"  camsweep discover --interface eth0 --protocols sadp,dhip --format jsonl\n",
	run,
};

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

enum fmt { FMT_TABLE, FMT_JSONL, FMT_CSV };

static int on_reply(void *ctx, const struct cs_udp_reply *r)
{
	return cs_disc_hosts_add(ctx, r) == CS_OK ? 0 : 1;
}

/* The "ports" and "protocols" of a discovered host's jsonl line (host_out.h). */
static void json_hook(struct cs_json *j, enum cs_host_at at, const void *ctx)
{
	const struct cs_disc_host *h = ctx;
	if (at == CS_HOST_AT_PORTS) {
		for (int p = 0; p < CS_DISC_COUNT; p++)
			if (h->protos & (1u << p))
				cs_host_json_port(j, cs_disc_port((enum cs_disc_proto)p),
						  cs_disc_name((enum cs_disc_proto)p), false, NULL);
	} else if (at == CS_HOST_AT_PORTS_END) {
		cs_json_key(j, "protocols");
		cs_json_arr_begin(j);
		for (int p = 0; p < CS_DISC_COUNT; p++)
			if (h->protos & (1u << p))
				cs_json_str(j, cs_disc_name((enum cs_disc_proto)p));
		cs_json_arr_end(j);
	}
}

static void print_json(FILE *out, const struct cs_disc_host *h, const struct cs_device *d,
		       int64_t scan_id)
{
	struct cs_host_json hj = {h->ip, scan_id > 0 ? &scan_id : NULL, json_hook, h};
	cs_host_json_print(out, &hj, d);
}

static void print_row(FILE *out, enum fmt fmt, const struct cs_disc_host *h,
		      const struct cs_device *d, const char *ports)
{
	if (fmt == FMT_CSV) {
		cs_host_csv_device(out, h->ip, ports, d);
		return;
	}
	const char *cols[] = {h->ip,
			      d->manufacturer ? d->manufacturer : "-",
			      d->brand ? d->brand : "-",
			      d->model ? d->model : "-",
			      d->serial ? d->serial : "-",
			      d->covered_status,
			      ports};
	static const size_t w[] = {15, 14, 10, 20, 24, 11, 40};
	struct cs_buf line;
	cs_buf_init(&line, 4096);
	cs_host_table_row(&line, cols, w, CS_ARRAY_SIZE(cols), true);
	if (line.data != NULL)
		fprintf(out, "%s\n", line.data);
	cs_buf_free(&line);
}

static bool parse_secs(const char *s, unsigned *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v >= 0.1 && v <= 600))
		return false;
	*ms = (unsigned)(v * 1000.0 + 0.5);
	return true;
}

static char *options_json(const struct cs_disc_opts *o, bool fetch)
{
	struct cs_buf b;
	struct cs_json j;
	cs_buf_init(&b, 4096);
	cs_json_init(&j, &b, false);
	cs_json_obj_begin(&j);
	cs_json_key(&j, "kind");
	cs_json_str(&j, "discover");
	cs_json_key(&j, "interface");
	cs_json_str(&j, o->iface->name);
	cs_json_key(&j, "protocols");
	cs_json_arr_begin(&j);
	for (int p = 0; p < CS_DISC_COUNT; p++)
		if (o->protos & (1u << p))
			cs_json_str(&j, cs_disc_name((enum cs_disc_proto)p));
	cs_json_arr_end(&j);
	cs_json_key(&j, "timeout_ms");
	cs_json_int(&j, o->timeout_ms);
	cs_json_key(&j, "repeat");
	cs_json_int(&j, o->repeat);
	cs_json_key(&j, "broadcast");
	cs_json_bool(&j, o->broadcast);
	cs_json_key(&j, "fetch");
	cs_json_bool(&j, fetch);
	cs_json_obj_end(&j);
	if (cs_json_end(&j) != CS_OK) {
		cs_buf_free(&b);
		return NULL;
	}
	return cs_buf_steal(&b);
}

static int run(int argc, char **argv)
{
	enum {
		O_IF = 256,
		O_TIMEOUT,
		O_REPEAT,
		O_PROTOS,
		O_NOBCAST,
		O_POLICY,
		O_FORMAT,
		O_NOSTORE,
		O_DB,
		O_DATADIR,
		O_FETCH
	};
	static const struct option opts[] = {
		{"interface", required_argument, NULL, O_IF},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"repeat", required_argument, NULL, O_REPEAT},
		{"protocols", required_argument, NULL, O_PROTOS},
		{"no-broadcast", no_argument, NULL, O_NOBCAST},
		{"policy", required_argument, NULL, O_POLICY},
		{"format", required_argument, NULL, O_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"no-store", no_argument, NULL, O_NOSTORE},
		{"db", required_argument, NULL, O_DB},
		{"data-dir", required_argument, NULL, O_DATADIR},
		{"fetch", no_argument, NULL, O_FETCH},
		{NULL, 0, NULL, 0},
	};
	struct cs_disc_iface iface;
	struct cs_disc_opts o = {&iface, CS_DISC_ALL, 3000, 3, &stop_flag, true};
	struct cs_kb_opts kopts = {cs_cli_globals.data_dir, NULL, NULL};
	struct cs_kb *kb = NULL;
	struct cs_ident *id = NULL;
	struct cs_store *st = NULL;
	struct cs_scan_record rec;
	struct cs_disc_hosts hosts;
	struct cs_err err = {0, ""};
	const char *ifname = NULL, *format = NULL, *outpath = NULL, *db = cs_cli_globals.db;
	const char *policy = NULL;
	char *optjson = NULL, targets[64];
	FILE *out = stdout;
	bool nostore = false, loaded = false, fetch = false, probes_loaded = false;
	enum fmt fmt;
	int c, rc = CS_EXIT_USAGE;

	memset(&rec, 0, sizeof(rec));
	cs_disc_hosts_init(&hosts);
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case O_IF: ifname = optarg; break;
		case O_TIMEOUT:
			if (!parse_secs(optarg, &o.timeout_ms)) {
				fprintf(stderr,
					"camsweep discover: --timeout is 0.1 to 600 seconds\n");
				goto out;
			}
			break;
		case O_REPEAT: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v < 1 || v > 10) {
				fprintf(stderr, "camsweep discover: --repeat is 1 to 10\n");
				goto out;
			}
			o.repeat = (unsigned)v;
			break;
		}
		case O_PROTOS:
			if (cs_disc_parse_list(optarg, &o.protos, &err) != CS_OK) {
				fprintf(stderr, "camsweep discover: --protocols: %s\n", err.msg);
				goto out;
			}
			break;
		case O_NOBCAST: o.broadcast = false; break;
		case O_POLICY: policy = optarg; break;
		case O_FORMAT: format = optarg; break;
		case 'o': outpath = optarg; break;
		case O_NOSTORE: nostore = true; break;
		case O_DB: db = optarg; break;
		case O_DATADIR: kopts.data_dir = optarg; break;
		case O_FETCH: fetch = true; break;
		default: goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"camsweep discover: unexpected argument '%s' (discover takes no "
			"targets: it asks the link)\n",
			argv[optind]);
		goto out;
	}
	if (format == NULL)
		format = isatty(STDOUT_FILENO) && outpath == NULL ? "table" : "jsonl";
	if (strcmp(format, "table") == 0)
		fmt = FMT_TABLE;
	else if (strcmp(format, "jsonl") == 0)
		fmt = FMT_JSONL;
	else if (strcmp(format, "csv") == 0)
		fmt = FMT_CSV;
	else {
		fprintf(stderr, "camsweep discover: --format is table, jsonl or csv\n");
		goto out;
	}
	if (cs_disc_pick_interface(ifname, &iface, &err) != CS_OK) {
		fprintf(stderr, "camsweep discover: %s\n", err.msg);
		goto out;
	}
	rc = CS_EXIT_FAIL;
	if (cs_kb_load(&kb, &kopts, &err) != CS_OK) {
		fprintf(stderr, "camsweep: %s\n", err.msg);
		goto out;
	}
	if (cs_policy_check_ids(kb, policy, &err) != CS_OK) {
		fprintf(stderr, "camsweep discover: %s\n", err.msg);
		rc = CS_EXIT_USAGE;
		goto out;
	}
	if (cs_disc_load(kb->data_dirs[0], &err) != CS_OK) {
		fprintf(stderr, "camsweep discover: %s\n", err.msg);
		goto out;
	}
	loaded = true;
	if (fetch) {
		if (cs_probe_data_load(kb->data_dirs[0], &err) != CS_OK) {
			fprintf(stderr, "camsweep discover: %s\n", err.msg);
			goto out;
		}
		probes_loaded = true;
	}
	if (cs_ident_new(&id, kb) != CS_OK) {
		fprintf(stderr, "camsweep discover: out of memory\n");
		goto out;
	}
	if (!nostore && cs_store_open(&st, db, &err) != CS_OK) {
		fprintf(stderr, "camsweep discover: inventory: %s\n", err.msg);
		goto out;
	}
	if (outpath != NULL && (out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "camsweep discover: %s: %s\n", outpath, strerror(errno));
		out = stdout;
		goto out;
	}
	snprintf(targets, sizeof(targets), "discover:%s", iface.name);
	if (st != NULL) {
		optjson = options_json(&o, fetch);
		rec.status = "running";
		rec.targets = targets;
		rec.options = optjson != NULL ? optjson : "{\"kind\":\"discover\"}";
		rec.shard = rec.nshards = 1;
		if (cs_store_scan_begin(st, &rec, &err) != CS_OK) {
			fprintf(stderr, "camsweep discover: inventory: %s\n", err.msg);
			goto out;
		}
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int r = cs_disc_multicast(&o, on_reply, &hosts, &err);
	if (r < 0) {
		fprintf(stderr, "camsweep discover: %s\n", err.msg);
		if (st != NULL) {
			rec.status = "failed";
			cs_store_scan_update(st, &rec, &err);
		}
		goto out;
	}
	cs_disc_hosts_sort(&hosts);
	if (fetch && !stop_flag && cs_disc_hosts_fetch(&hosts, 2000, &stop_flag, &err) != CS_OK)
		fprintf(stderr, "camsweep discover: --fetch: %s\n", err.msg);
	if (fmt == FMT_TABLE)
		fprintf(out, "%-15s %-14s %-10s %-20s %-24s %-11s %s\n", "ADDRESS", "MANUFACTURER",
			"BRAND", "MODEL", "SERIAL", "POLICY", "PROTOCOLS");
	else if (fmt == FMT_CSV)
		fputs("ip,ports,manufacturer,brand,model,device_type,firmware,serial,mac,"
		      "covered_status\r\n",
		      out);
	bool failed = false;
	for (size_t i = 0; i < hosts.n && !failed; i++) {
		const struct cs_disc_host *h = &hosts.v[i];
		struct cs_device d;
		char ports[256];
		cs_ident_reset(id);
		hosts.bad += cs_disc_host_observe(h, id);
		cs_ident_finish(id, &d);
		cs_policy_judge(kb, &d, policy, cs_ident_arena(id), &err);
		cs_disc_host_ports(h, ports, sizeof(ports));
		rec.live++;
		if (d.manufacturer != NULL || d.brand != NULL || d.type != CS_DT_UNKNOWN)
			rec.devices++;
		rec.covered += d.covered;
		if (st != NULL) {
			int64_t dev_id;
			char source[64];
			snprintf(source, sizeof(source), "scan:%lld", (long long)rec.id);
			if (cs_store_put_device(st, &d, source, &dev_id, &err) != CS_OK ||
			    cs_store_scan_link(st, rec.id, dev_id, h->ip, ports, &err) != CS_OK) {
				fprintf(stderr, "camsweep discover: inventory: %s\n", err.msg);
				failed = true;
				break;
			}
		}
		if (fmt == FMT_JSONL)
			print_json(out, h, &d, rec.id);
		else
			print_row(out, fmt, h, &d, ports);
	}
	if (st != NULL) {
		rec.status = failed ? "failed" : stop_flag ? "interrupted" : "done";
		rec.addresses = rec.done = hosts.n;
		struct cs_err uerr;
		cs_store_scan_update(st, &rec, &uerr);
	}
	char scan_name[32] = "";
	if (st != NULL)
		snprintf(scan_name, sizeof(scan_name), " (scan %lld)", (long long)rec.id);
	fprintf(stderr,
		"camsweep discover%s: %s, %zu replies from %zu addresses, %llu devices, %llu "
		"covered%s%s\n",
		scan_name, iface.name, hosts.replies, hosts.n, (unsigned long long)rec.devices,
		(unsigned long long)rec.covered,
		hosts.dropped ? ", some replies dropped (caps)" : "",
		hosts.bad ? ", some replies did not parse" : "");
	rc = failed ? CS_EXIT_FAIL : stop_flag ? 130 : CS_EXIT_OK;
out:
	if (out != stdout)
		fclose(out);
	else
		fflush(stdout);
	cs_store_close(st);
	cs_ident_free(id);
	if (loaded)
		cs_disc_free();
	if (probes_loaded)
		cs_probe_data_free();
	cs_kb_free(kb);
	cs_disc_hosts_free(&hosts);
	free(optjson);
	return rc;
}
