/*
 * main.c - camsweep-sim's command line: serve an estate, print one, make one, or check itself.
 *
 *   camsweep-sim --estate FILE [--bind ADDR] [--ports LIST] [--port-offset N] [--seed N] ...
 *   camsweep-sim --estate FILE --dump
 *   camsweep-sim --make-estate CIDR [--live PERCENT] [--seed N]
 *   camsweep-sim --list-personas | --selftest | --help | --version
 *
 * Everything about the estate format, the personas and the network rule is in docs/sim.md.
 */
#include "sim.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

static struct sim_opts opts = {
	.seed = 1,
	.idle_ms = 30000,
	.hold_ms = 120000,
	.max_conns = 8192,
};

static void usage(FILE *f)
{
	fputs("usage: camsweep-sim --estate FILE [options]     serve a simulated estate\n"
	      "       camsweep-sim --estate FILE --dump        print every device and exit\n"
	      "       camsweep-sim --make-estate CIDR [--live PERCENT] [--seed N]\n"
	      "       camsweep-sim --list-personas | --selftest | --help | --version\n"
	      "\n"
	      "Serves cameras, recorders and hostile devices on loopback addresses (127.0.0.0/8\n"
	      "only) for testing and benchmarking camsweep. See docs/sim.md.\n"
	      "\n"
	      "options:\n"
	      "  --bind ADDR         0.0.0.0: one listener per port (only inside a network\n"
	      "                      namespace whose only interface is lo); an address of the\n"
	      "                      estate: only that device. Default: one listener per\n"
	      "                      (address, port) of the estate.\n"
	      "  --mcast-if IF       answer UDP discovery by multicast, broadcast and unicast on\n"
	      "                      IF instead (only in a namespace of virtual interfaces;\n"
	      "                      IF's address with host part h plays 127.0.0.h)\n"
	      "  --ports LIST        only these persona ports, e.g. 80,554,3702\n"
	      "  --port-offset N     add N to every port (to run without root)\n"
	      "  --seed N            varies every device's MAC, serial and model (default 1)\n"
	      "  --idle-timeout SEC  close a connection idle this long (default 30)\n"
	      "  --hold SEC          how long hostile devices hold a connection (default 120)\n"
	      "  --max-conns N       concurrent connections (default 8192)\n"
	      "  --epoch SECONDS     the clock the devices show starts here (default: now)\n"
	      "  --log               one line per answer on stderr\n"
	      "  --quiet             no statistics at exit\n"
	      "  --live PERCENT      --make-estate: share of live addresses (default 6%)\n",
	      f);
}

static int parse_uint(const char *opt, const char *s, uint64_t max, uint64_t *v)
{
	if (cs_parse_u64(cs_sv_cstr(s), max, v) != CS_OK) {
		fprintf(stderr, "camsweep-sim: %s: '%s' is not a number from 0 to %llu\n", opt, s,
			(unsigned long long)max);
		return -1;
	}
	return 0;
}

static int parse_ports(const char *s)
{
	struct cs_sv rest = cs_sv_cstr(s);
	while (rest.n > 0) {
		long comma = cs_sv_find(rest, CS_SV(","));
		size_t len = comma >= 0 ? (size_t)comma : rest.n;
		uint64_t v;
		if (cs_parse_u64(cs_sv_trim(cs_sv_make(rest.p, len)), 65535, &v) != CS_OK ||
		    v == 0) {
			fprintf(stderr, "camsweep-sim: --ports: bad port list '%s'\n", s);
			return -1;
		}
		opts.ports_filter[v] = true;
		opts.any_port_filter = true;
		rest = comma >= 0 ? cs_sv_make(rest.p + comma + 1, rest.n - (size_t)comma - 1)
				  : cs_sv_make(rest.p + rest.n, 0);
	}
	return 0;
}

static void ports_of(const struct sim_persona *p, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t k = 0; k < p->nsvcs && o < cap; k++) {
		int n = snprintf(out + o, cap - o, "%s%u%s", k > 0 ? "," : "", p->svcs[k].port,
				 sim_kind_is_udp(p->svcs[k].kind) ? "/udp" : "");
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static void list_personas(void)
{
	char ports[256];
	printf("# persona\tmaker\tlabel\ttype\tmix-weight\tports\tnote\n");
	for (size_t i = 0; i < sim_npersonas; i++) {
		const struct sim_persona *p = sim_personas[i];
		ports_of(p, ports, sizeof(ports));
		printf("%s\t%s\t%s\t%s\t%u\t%s\t%s\n", p->name, p->maker, p->label, p->type,
		       p->weight, ports, p->note);
	}
}

/* The ground truth: one line per live device, with what it will say about itself. */
static void dump(const struct sim_estate *es)
{
	char ports[256], mac[18];
	printf("# address\tpersona\tmaker\tlabel\ttype\tmac\tserial\tmodel\tports\n");
	if (es->empty)
		return;
	for (uint32_t a = es->lo; a <= es->hi; a++) {
		uint32_t addr = 0x7f000000u | a;
		const struct sim_persona *p = sim_estate_lookup(es, addr);
		struct sim_device d;
		if (p == NULL)
			continue;
		sim_device_init(&d, addr, p, opts.seed);
		ports_of(p, ports, sizeof(ports));
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", d.mac[0], d.mac[1],
			 d.mac[2], d.mac[3], d.mac[4], d.mac[5]);
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ip, p->name, p->maker, p->label,
		       p->type, mac, d.serial[0] ? d.serial : "-", d.model[0] ? d.model : "-",
		       ports);
	}
}

int main(int argc, char **argv)
{
	enum {
		O_ESTATE = 256,
		O_BIND,
		O_PORTS,
		O_OFFSET,
		O_SEED,
		O_IDLE,
		O_HOLD,
		O_MAXC,
		O_EPOCH,
		O_LOG,
		O_QUIET,
		O_DUMP,
		O_LIST,
		O_MAKE,
		O_MCAST,
		O_LIVE,
		O_SELFTEST,
		O_HELP,
		O_VERSION,
	};
	static const struct option longopts[] = {
		{"estate", required_argument, NULL, O_ESTATE},
		{"bind", required_argument, NULL, O_BIND},
		{"mcast-if", required_argument, NULL, O_MCAST},
		{"ports", required_argument, NULL, O_PORTS},
		{"port-offset", required_argument, NULL, O_OFFSET},
		{"seed", required_argument, NULL, O_SEED},
		{"idle-timeout", required_argument, NULL, O_IDLE},
		{"hold", required_argument, NULL, O_HOLD},
		{"max-conns", required_argument, NULL, O_MAXC},
		{"epoch", required_argument, NULL, O_EPOCH},
		{"log", no_argument, NULL, O_LOG},
		{"quiet", no_argument, NULL, O_QUIET},
		{"dump", no_argument, NULL, O_DUMP},
		{"list-personas", no_argument, NULL, O_LIST},
		{"make-estate", required_argument, NULL, O_MAKE},
		{"live", required_argument, NULL, O_LIVE},
		{"selftest", no_argument, NULL, O_SELFTEST},
		{"help", no_argument, NULL, O_HELP},
		{"version", no_argument, NULL, O_VERSION},
		{NULL, 0, NULL, 0},
	};
	const char *make = NULL;
	unsigned live_bp = 600;
	bool do_dump = false, do_list = false, do_selftest = false;
	struct sim_estate es = {.empty = true};
	struct cs_err e = {0};
	uint64_t v;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_ESTATE: opts.estate_path = optarg; break;
		case O_BIND: opts.bind = optarg; break;
		case O_MCAST: opts.mcast_if = optarg; break;
		case O_PORTS:
			if (parse_ports(optarg) != 0)
				return 2;
			break;
		case O_OFFSET:
			if (parse_uint("--port-offset", optarg, 65000, &v) != 0)
				return 2;
			opts.port_offset = (int)v;
			break;
		case O_SEED:
			if (parse_uint("--seed", optarg, UINT64_MAX, &v) != 0)
				return 2;
			opts.seed = v;
			break;
		case O_IDLE:
			if (parse_uint("--idle-timeout", optarg, 86400, &v) != 0 || v == 0)
				return 2;
			opts.idle_ms = (unsigned)v * 1000u;
			break;
		case O_HOLD:
			if (parse_uint("--hold", optarg, 86400, &v) != 0 || v == 0)
				return 2;
			opts.hold_ms = (unsigned)v * 1000u;
			break;
		case O_MAXC:
			if (parse_uint("--max-conns", optarg, 4000000, &v) != 0 || v == 0)
				return 2;
			opts.max_conns = (unsigned)v;
			break;
		case O_EPOCH:
			if (parse_uint("--epoch", optarg, 4102444800u, &v) != 0)
				return 2;
			opts.epoch = (time_t)v;
			break;
		case O_LOG: opts.log = true; break;
		case O_QUIET: opts.quiet = true; break;
		case O_DUMP: do_dump = true; break;
		case O_LIST: do_list = true; break;
		case O_MAKE: make = optarg; break;
		case O_LIVE:
			if (sim_parse_percent(cs_sv_cstr(optarg), &live_bp) != CS_OK) {
				fprintf(stderr, "camsweep-sim: --live: bad percentage '%s'\n",
					optarg);
				return 2;
			}
			break;
		case O_SELFTEST: do_selftest = true; break;
		case 'h':
		case O_HELP: usage(stdout); return 0;
		case O_VERSION: printf("camsweep-sim %s\n", CS_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "camsweep-sim: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (do_selftest)
		return sim_selftest(stdout);
	if (do_list) {
		list_personas();
		return 0;
	}
	if (make != NULL) {
		if (sim_make_estate(stdout, make, live_bp, opts.seed, &e) != CS_OK) {
			fprintf(stderr, "camsweep-sim: --make-estate: %s\n", e.msg);
			return 2;
		}
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (opts.estate_path == NULL) {
		fprintf(stderr, "camsweep-sim: --estate FILE is required\n");
		usage(stderr);
		return 2;
	}
	if (sim_estate_load(&es, opts.estate_path, &e) != CS_OK) {
		fprintf(stderr, "camsweep-sim: %s\n", e.msg);
		return 2;
	}
	if (do_dump) {
		dump(&es);
		rc = fflush(stdout) == 0 ? 0 : 1;
		goto out;
	}
	if ((opts.mcast_if != NULL ? sim_mcast_serve(&opts, &es, &e) : sim_serve(&opts, &es, &e)) !=
	    CS_OK) {
		fprintf(stderr, "camsweep-sim: %s\n", e.msg);
		goto out;
	}
	rc = 0;
out:
	sim_estate_free(&es);
	return rc;
}
