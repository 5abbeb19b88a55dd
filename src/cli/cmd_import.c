/*
 * cmd_import.c - `camsweep import`: asset registers, nmap XML and masscan JSON into the
 * inventory (src/import/ reads them; this file parses arguments, stores and prints).
 *
 * Each file is recorded like a scan (targets "import:NAME", options {"kind":"import",...}),
 * and each device it yields is put into the inventory with source "import:NAME:ROW", where
 * the store merges it with what scans and identify already know (by serial, then MAC, then
 * address).
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"
#include "common/buf.h"
#include "common/json.h"
#include "import/import.h"
#include "policy/policy.h"
#include "report/device_out.h"
#include "store/store.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SKIPS_SHOWN = 20 };

static int run(int argc, char **argv);

const struct cs_cli_cmd cs_cmd_import = {
	"import",
	"import asset registers (CSV), nmap XML or masscan JSON",
	"usage: camsweep import [--format FMT] [--map COLUMN=FIELD,...] [--source NAME]\n"
	"                       [--dry-run] [--policy IDS] [--output summary|table|jsonl]\n"
	"                       [--db PATH] FILE...\n"
	"\n"
	"Read lists of devices that other people and tools made, identify each device from what\n"
	"the list says, judge it against the policy profiles and record it in the inventory,\n"
	"where it merges with what scans already found (by serial, then MAC, then address).\n"
	"Nothing is sent on the network.\n"
	"\n"
	"  asset register (CSV)  columns are recognised by name (data/import-columns.tsv: Make,\n"
	"                        Manufacturer, Model No, S/N, MAC Address, IP, Site, ...).\n"
	"                        The make is taken as a label, not as proof of who built the\n"
	"                        hardware; model, serial and MAC go through the fingerprints.\n"
	"  nmap XML (-oX)        per host: addresses, MAC, service names and fingerprints,\n"
	"                        script outputs (http-title, http-headers, ssl-cert, ...).\n"
	"  masscan JSON (-oJ)    per address: open ports and banners (--banners).\n"
	"\n"
	"Options:\n"
	"  --format FMT     auto (default: from the content), csv, nmap-xml, masscan-json\n"
	"  --map SPEC       register columns: COLUMN=FIELD,... where COLUMN is a header name or\n"
	"                   a column number (1 = first) and FIELD one of make model serial mac\n"
	"                   ip hostname firmware type location asset ignore\n"
	"  --source NAME    name the file as NAME in the inventory's sources (default: its path)\n"
	"  --dry-run        identify and print, record nothing\n"
	"  --policy IDS     judge against these profiles only (comma-separated; default: all)\n"
	"  --output OUT     summary (default), table (the devices, then the summary) or jsonl\n"
	"                   (one JSON object per device on stdout, with identify's keys; the\n"
	"                   summary goes to stderr)\n"
	"  --db PATH        the inventory (default: $XDG_DATA_HOME/camsweep/inventory.db)\n"
	"  --data-dir DIR   fingerprints, makers, policies, column names (default: built in)\n"
	"  --oui-dir DIR    the IEEE registry CSVs (default: /usr/share/ieee-data)\n"
	"\n"
	"Exit status: 0 when every file was read (rows that could not be used are listed in\n"
	"the summary), 1 when a file is unreadable or not of its format, 2 on a usage error.\n"
	"\n"
	"Examples:\n"
	"  camsweep import register.csv\n"
	"  camsweep import --map 'Kit=model,Tag=asset' --source estates-2024 register.csv\n"
	"  nmap -sV -oX scan.xml 192.0.2.0/24 && camsweep import scan.xml\n"
	"  camsweep import --dry-run --output jsonl masscan.json\n",
	run,
};

enum output { OUT_SUMMARY, OUT_TABLE, OUT_JSONL };

struct state {
	struct cs_store *st;
	int64_t scan_id;
	const char *name;
	enum output out;
	FILE *summary; /* stdout, or stderr when stdout carries JSON lines */
	struct cs_buf skips;
	size_t nskips_shown;
	bool csv; /* the file being read is a register: skips name rows */
	bool table_header;
};

static void table_cell(struct cs_buf *line, const char *s, size_t width)
{
	struct cs_buf cell;
	cs_buf_init(&cell, 4096);
	cs_term_safe(&cell, s != NULL ? s : "-", width);
	cs_buf_append(line, cell.data != NULL ? cell.data : "", cell.len);
	/* Pad by bytes; cs_term_safe kept the cell within width bytes. */
	for (size_t k = cell.len; k < width + 1; k++)
		cs_buf_putc(line, ' ');
	cs_buf_free(&cell);
}

/* A site exists with this name (ASCII case-insensitive)? */
static int site_found(void *ctx, const struct cs_site *site)
{
	(void)site;
	*(bool *)ctx = true;
	return 0;
}

/*
 * A register's location names where a device is: when it, or the first of its " / " parts
 * that does ("Police HQ / Room 2"), is the name of a site, the device is attached to that site
 * by hand, with the register row as the reason in the audit log. Locations that name no site
 * change nothing.
 */
static int attach_by_location(struct state *s, int64_t id, const char *location, const char *source,
			      struct cs_err *err)
{
	char part[256];
	const char *p = location;
	while (p != NULL && *p != '\0') {
		const char *sep = strstr(p, " / ");
		size_t n = sep != NULL ? (size_t)(sep - p) : strlen(p);
		if (n > 0 && n < sizeof(part)) {
			bool found = false;
			memcpy(part, p, n);
			part[n] = '\0';
			int r = cs_store_site_find(s->st, part, site_found, &found, err);
			if (r != CS_OK && r != CS_ENOTFOUND)
				return r;
			if (found) {
				const struct cs_store_actor a = {cs_cli_who(), source};
				return cs_store_site_attach(s->st, id, part, &a, err);
			}
		}
		p = sep != NULL ? sep + 3 : NULL;
	}
	return CS_OK;
}

static int on_device(void *ctx, const struct cs_import_dev *d)
{
	struct state *s = ctx;
	struct cs_err err = {0, ""};
	int64_t id = 0;
	char *source = NULL;
	int r = CS_OK;
	struct cs_buf src;
	cs_buf_init(&src, CS_STORE_MAX_FIELD);
	cs_buf_printf(&src, "import:%s:%s", s->name, d->where);
	if (d->note != NULL)
		cs_buf_printf(&src, " (%s)", d->note);
	source = src.data;
	if (s->st != NULL) {
		if ((r = cs_store_put_device(s->st, d->dev, source, &id, &err)) != CS_OK ||
		    (r = cs_store_scan_link(s->st, s->scan_id, id, d->dev->address, d->ports,
					    &err)) != CS_OK ||
		    (d->location != NULL &&
		     (r = attach_by_location(s, id, d->location, source, &err)) != CS_OK)) {
			fprintf(stderr, "camsweep import: inventory: %s\n", err.msg);
			goto out;
		}
	}
	if (s->out == OUT_JSONL) {
		struct cs_buf b;
		struct cs_json j;
		cs_buf_init(&b, 8 << 20);
		cs_json_init(&j, &b, false);
		cs_json_obj_begin(&j);
		cs_json_key(&j, "source");
		cs_json_str(&j, source);
		cs_json_key(&j, "note");
		cs_json_str(&j, d->note);
		cs_json_key(&j, "ports");
		cs_json_str(&j, d->ports);
		cs_json_key(&j, "device_id");
		if (s->st != NULL)
			cs_json_int(&j, id);
		else
			cs_json_null(&j);
		cs_device_json_fields(&j, d->dev);
		cs_json_obj_end(&j);
		if (cs_json_end(&j) == CS_OK) {
			fwrite(b.data, 1, b.len, stdout);
			fputc('\n', stdout);
		}
		cs_buf_free(&b);
	} else if (s->out == OUT_TABLE) {
		struct cs_buf line;
		cs_buf_init(&line, 64 * 1024);
		if (!s->table_header) {
			s->table_header = true;
			printf("%-10s %-39s %-14s %-12s %-20s %-24s %-17s %s\n", "WHERE", "ADDRESS",
			       "MANUFACTURER", "BRAND", "MODEL", "SERIAL", "MAC", "STATUS");
		}
		table_cell(&line, d->where, 10);
		table_cell(&line, d->dev->address, 39);
		table_cell(&line, d->dev->manufacturer, 14);
		table_cell(&line, d->dev->brand, 12);
		table_cell(&line, d->dev->model, 20);
		table_cell(&line, d->dev->serial, 24);
		table_cell(&line, d->dev->mac, 17);
		cs_term_safe(&line, d->dev->covered_status, 16);
		printf("%s\n", line.data != NULL ? line.data : "");
		cs_buf_free(&line);
	}
out:
	cs_buf_free(&src);
	return r;
}

static void on_skip(void *ctx, const char *where, const char *reason)
{
	struct state *s = ctx;
	if (s->nskips_shown++ < MAX_SKIPS_SHOWN) {
		cs_buf_puts(&s->skips, s->csv ? "  skipped row " : "  skipped ");
		cs_term_safe(&s->skips, where, 64);
		cs_buf_puts(&s->skips, ": ");
		cs_term_safe(&s->skips, reason, 200);
		cs_buf_putc(&s->skips, '\n');
	}
}

static char *options_json(enum cs_import_format fmt, const char *path, const char *name,
			  const char *map, const char *policy)
{
	struct cs_buf b;
	struct cs_json j;
	cs_buf_init(&b, CS_STORE_MAX_FIELD);
	cs_json_init(&j, &b, false);
	cs_json_obj_begin(&j);
	cs_json_key(&j, "kind");
	cs_json_str(&j, "import");
	cs_json_key(&j, "format");
	cs_json_str(&j, cs_import_format_name(fmt));
	cs_json_key(&j, "file");
	cs_json_str(&j, path);
	cs_json_key(&j, "source");
	cs_json_str(&j, name);
	cs_json_key(&j, "map");
	cs_json_str(&j, map);
	cs_json_key(&j, "policy");
	cs_json_str(&j, policy);
	cs_json_obj_end(&j);
	if (cs_json_end(&j) != CS_OK) {
		cs_buf_free(&b);
		return NULL;
	}
	return cs_buf_steal(&b);
}

static void summary(struct state *s, const char *path, enum cs_import_format fmt,
		    const struct cs_import_stats *t, bool csv)
{
	const char *unit = csv ? "rows" : "hosts", *unit1 = csv ? "row" : "host";
	struct cs_buf safe;
	cs_buf_init(&safe, 4096);
	cs_term_safe(&safe, path, 200);
	fprintf(s->summary,
		"%s (%s): %zu %s read, %zu devices (%zu identified, %zu covered, %zu to review), "
		"%zu %s skipped",
		safe.data != NULL ? safe.data : "", cs_import_format_name(fmt), t->records,
		t->records == 1 ? unit1 : unit, t->devices, t->identified, t->covered, t->review,
		t->skipped, t->skipped == 1 ? unit1 : unit);
	if (t->blank > 0)
		fprintf(s->summary, ", %zu blank", t->blank);
	if (t->capped > 0)
		fprintf(s->summary, ", %zu fields cut to %d bytes", t->capped, 4096);
	if (s->st != NULL)
		fprintf(s->summary, "; recorded as scan %lld", (long long)s->scan_id);
	else
		fputs("; dry run, nothing recorded", s->summary);
	fputc('\n', s->summary);
	if (s->skips.len > 0)
		fputs(s->skips.data, s->summary);
	if (s->nskips_shown > MAX_SKIPS_SHOWN)
		fprintf(s->summary, "  ... and %zu more skipped\n",
			s->nskips_shown - MAX_SKIPS_SHOWN);
	cs_buf_free(&safe);
}

static int import_file(struct state *s, struct cs_import *im, enum cs_import_format fmt,
		       const char *path, const char *name, const char *map, const char *policy)
{
	struct cs_buf in;
	struct cs_err err = {0, ""};
	struct cs_import_stats t;
	struct cs_scan_record rec;
	char *opts = NULL, *targets = NULL;
	int rc = CS_EXIT_FAIL, r;
	memset(&t, 0, sizeof(t));
	memset(&rec, 0, sizeof(rec));
	cs_buf_init(&in, CS_IMPORT_MAX_INPUT);
	cs_buf_reset(&s->skips);
	s->nskips_shown = 0;
	s->name = name;
	if ((r = cs_buf_read_file(&in, path)) != CS_OK) {
		fprintf(stderr, "camsweep import: %s: %s\n", path,
			r == CS_ETOOBIG ? "larger than 256 MiB" : "cannot read");
		goto out;
	}
	if (fmt == CS_IMPORT_AUTO)
		fmt = cs_import_detect(in.data != NULL ? in.data : "", in.len);
	s->csv = fmt == CS_IMPORT_CSV;
	if (s->st != NULL) {
		struct cs_buf tb;
		cs_buf_init(&tb, CS_STORE_MAX_FIELD);
		cs_buf_printf(&tb, "import:%s", name);
		targets = cs_buf_steal(&tb);
		opts = options_json(fmt, path, name, map, policy);
		rec.targets = targets != NULL ? targets : "import";
		rec.options = opts != NULL ? opts : "{\"kind\":\"import\"}";
		rec.shard = rec.nshards = 1;
		if (cs_store_scan_begin(s->st, &rec, &err) != CS_OK) {
			fprintf(stderr, "camsweep import: inventory: %s\n", err.msg);
			goto out;
		}
		s->scan_id = rec.id;
	}
	struct cs_import_sink sink = {on_device, on_skip, s};
	r = cs_import_run(im, fmt, name, in.data != NULL ? in.data : "", in.len, &sink, &t, &err);
	if (r != CS_OK && err.msg[0] != '\0')
		fprintf(stderr, "camsweep import: %s\n", err.msg);
	if (s->st != NULL) {
		struct cs_err uerr;
		rec.status = r == CS_OK ? "done" : "failed";
		rec.addresses = rec.done = t.records;
		rec.live = rec.devices = t.devices;
		rec.covered = t.covered;
		cs_store_scan_update(s->st, &rec, &uerr);
	}
	summary(s, path, fmt, &t, fmt == CS_IMPORT_CSV);
	rc = r == CS_OK ? CS_EXIT_OK : CS_EXIT_FAIL;
out:
	free(opts);
	free(targets);
	cs_buf_free(&in);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"map", required_argument, NULL, 'm'},
		{"source", required_argument, NULL, 'S'},
		{"dry-run", no_argument, NULL, 'n'},
		{"policy", required_argument, NULL, 'p'},
		{"output", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'd'},
		{"data-dir", required_argument, NULL, 'D'},
		{"oui-dir", required_argument, NULL, 'O'},
		{NULL, 0, NULL, 0},
	};
	enum cs_import_format fmt = CS_IMPORT_AUTO;
	const char *map = NULL, *source = NULL, *policy = NULL, *db = cs_cli_globals.db;
	struct cs_kb_opts kopts = {cs_cli_globals.data_dir, NULL, NULL};
	struct state s;
	bool dry = false;
	struct cs_kb *kb = NULL;
	struct cs_import *im = NULL;
	struct cs_err err = {0, ""};
	int c, rc = CS_EXIT_USAGE;

	memset(&s, 0, sizeof(s));
	s.summary = stdout;
	cs_buf_init(&s.skips, 64 * 1024);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = cs_import_format_lookup(optarg);
			if (fmt == CS_IMPORT_FORMAT_COUNT) {
				fprintf(stderr,
					"camsweep import: --format is auto, csv, nmap-xml or "
					"masscan-json\n");
				goto out;
			}
			break;
		case 'm': map = optarg; break;
		case 'S': source = optarg; break;
		case 'n': dry = true; break;
		case 'p': policy = optarg; break;
		case 'o':
			if (strcmp(optarg, "summary") == 0)
				s.out = OUT_SUMMARY;
			else if (strcmp(optarg, "table") == 0)
				s.out = OUT_TABLE;
			else if (strcmp(optarg, "jsonl") == 0)
				s.out = OUT_JSONL, s.summary = stderr;
			else {
				fprintf(stderr, "camsweep import: --output is summary, table or "
						"jsonl\n");
				goto out;
			}
			break;
		case 'd': db = optarg; break;
		case 'D': kopts.data_dir = optarg; break;
		case 'O': kopts.oui_dir = optarg; break;
		default: goto out;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "camsweep import: no file (give a register, nmap XML or masscan "
				"JSON file, or - for standard input)\n");
		goto out;
	}
	if (source != NULL && argc - optind > 1) {
		fprintf(stderr,
			"camsweep import: --source names one file; give one file with it\n");
		goto out;
	}
	rc = CS_EXIT_FAIL;
	if (cs_kb_load(&kb, &kopts, &err) != CS_OK || cs_import_new(&im, kb, &err) != CS_OK) {
		fprintf(stderr, "camsweep: %s\n", err.msg);
		goto out;
	}
	if (cs_policy_check_ids(kb, policy, &err) != CS_OK ||
	    (map != NULL && cs_import_set_map(im, map, &err) != CS_OK)) {
		fprintf(stderr, "camsweep import: %s\n", err.msg);
		rc = CS_EXIT_USAGE;
		goto out;
	}
	cs_import_set_policy(im, policy);
	if (!dry && cs_store_open(&s.st, db, &err) != CS_OK) {
		fprintf(stderr, "camsweep import: inventory: %s\n", err.msg);
		goto out;
	}
	rc = CS_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		const char *name = source != NULL ? source : argv[i];
		if (import_file(&s, im, fmt, argv[i], name, map, policy) != CS_EXIT_OK)
			rc = CS_EXIT_FAIL;
	}
	if (fflush(stdout) != 0)
		rc = CS_EXIT_FAIL;
out:
	cs_store_close(s.st);
	cs_import_free(im);
	cs_kb_free(kb);
	cs_buf_free(&s.skips);
	return rc;
}
