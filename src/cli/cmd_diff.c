/*
 * cmd_diff.c - `camsweep diff [SCAN_A SCAN_B]`: devices new, gone and changed between two
 * scans of the inventory (src/history/scandiff.h does the comparing; this file parses
 * arguments and prints). Device strings are made safe for the terminal, escaped in JSON and
 * defused in CSV.
 */
#include "cli/cli.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "common/str.h"
#include "history/scandiff.h"
#include "report/csv.h"
#include "report/device_out.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"Usage: camsweep diff [--format table|json|csv] [--db PATH] [SCAN_A SCAN_B]\n"
	"\n"
	"Compare two scans recorded in the inventory: devices new in SCAN_B, gone since SCAN_A,\n"
	"and changed (address, manufacturer, brand, model, firmware, serial, MAC, hardware,\n"
	"device type) between what each scan saw. Without arguments, the two most recent\n"
	"completed scans (status done). Scan ids are those `camsweep scan` prints.\n"
	"\n"
	"A device seen by SCAN_A and not by SCAN_B is \"gone\" only when SCAN_B looked for it:\n"
	"its address lies within SCAN_B's targets (minus its exclusions), and SCAN_B completed\n"
	"unsharded. Otherwise it is \"unseen\": SCAN_B could not have seen it. A new device whose\n"
	"address was outside SCAN_A's targets is listed as new with that caveat.\n"
	"\n"
	"Options:\n"
	"  --format FORMAT   table (default), json (one object, docs/json.md) or csv (one row per\n"
	"                    device, and per changed field)\n"
	"  --db PATH         the inventory (default: the global --db, $CAMSWEEP_DB, or\n"
	"                    ~/.local/share/camsweep/inventory.db)\n"
	"  -h, --help        show this help\n"
	"\n"
	"Examples:\n"
	"  camsweep diff\n"
	"  camsweep diff 3 7 --format json\n"
	"\n"
	"Exit status: 0 compared (whatever changed), 1 a scan or the inventory could not be\n"
	"read, 2 usage error.\n";

enum format { FMT_TABLE, FMT_JSON, FMT_CSV };

enum { OUT_BUF_CAP = 64 * 1024 * 1024, F_ADDRESS = 0, F_MAKER = 1, F_MODEL = 3, F_FIRMWARE = 4 };

static const char *const field_names[CS_DIFF_NFIELDS] = {CS_DIFF_FIELDS};

static int flush(struct cs_buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
		return CS_EIO;
	cs_buf_reset(b);
	return CS_OK;
}

static void safe(struct cs_buf *b, const char *s, size_t max)
{
	cs_term_safe(b, s != NULL ? s : "-", max);
}

static int print_table(const struct cs_scan_diff *d)
{
	struct cs_buf b;
	size_t count[4] = {0};

	cs_buf_init(&b, OUT_BUF_CAP);
	cs_buf_printf(&b, "scan %lld (%s, targets ", (long long)d->a->id, d->a->started);
	safe(&b, d->a->targets, 80);
	cs_buf_printf(&b, ") -> scan %lld (%s, targets ", (long long)d->b->id, d->b->started);
	safe(&b, d->b->targets, 80);
	cs_buf_puts(&b, ")\n\n");
	cs_buf_printf(&b, "%-8s %-8s %-16s %-32s %s\n", "KIND", "DEVICE", "ADDRESS", "MAKER/MODEL",
		      "DETAIL");
	for (size_t i = 0; i < d->n; i++) {
		const struct cs_diff_entry *e = &d->v[i];
		struct cs_buf cell;
		count[e->kind]++;
		cs_buf_printf(&b, "%-8s %-8lld ", cs_diff_kind_name(e->kind),
			      (long long)e->device_id);
		/* Pad by characters shown: cs_term_safe output is printable. */
		cs_buf_init(&cell, 4096);
		safe(&cell, e->values[F_ADDRESS], 39);
		cs_buf_printf(&b, "%-16s ", cell.data != NULL ? cell.data : "");
		cs_buf_reset(&cell);
		safe(&cell, e->values[F_MAKER] != NULL ? e->values[F_MAKER] : "unknown", 20);
		cs_buf_putc(&cell, ' ');
		safe(&cell, e->values[F_MODEL], 24);
		cs_buf_printf(&b, "%-32s ", cell.data);
		cs_buf_free(&cell);
		for (size_t k = 0; k < e->nchanges; k++) {
			cs_buf_printf(&b, "%s%s: ", k != 0 ? "; " : "", e->changes[k].field);
			safe(&b, e->changes[k].before, 60);
			cs_buf_puts(&b, " -> ");
			safe(&b, e->changes[k].after, 60);
		}
		if (e->reason != NULL)
			cs_buf_puts(&b, e->reason);
		cs_buf_putc(&b, '\n');
	}
	cs_buf_printf(&b,
		      "\n%zu new, %zu gone, %zu changed, %zu unchanged, %zu unseen (not in the "
		      "later scan's reach)\n",
		      count[CS_DIFF_NEW], count[CS_DIFF_GONE], count[CS_DIFF_CHANGED], d->unchanged,
		      count[CS_DIFF_UNSEEN]);
	int r = flush(&b);
	cs_buf_free(&b);
	return r;
}

static void json_scan(struct cs_json *j, const struct cs_scan_record *s, bool known)
{
	cs_json_obj_begin(j);
	cs_json_key(j, "id");
	cs_json_int(j, s->id);
	cs_json_key(j, "started");
	cs_json_str(j, s->started);
	cs_json_key(j, "ended");
	cs_json_str(j, s->ended);
	cs_json_key(j, "status");
	cs_json_str(j, s->status);
	cs_json_key(j, "targets");
	cs_json_str(j, s->targets);
	cs_json_key(j, "targets_readable");
	cs_json_bool(j, known);
	cs_json_obj_end(j);
}

static int print_json(const struct cs_scan_diff *d)
{
	struct cs_buf b;
	struct cs_json j;
	size_t count[4] = {0};

	cs_buf_init(&b, OUT_BUF_CAP);
	cs_json_init(&j, &b, true);
	cs_json_obj_begin(&j);
	cs_json_key(&j, "scan_a");
	json_scan(&j, d->a, d->a_targets_known);
	cs_json_key(&j, "scan_b");
	json_scan(&j, d->b, d->b_targets_known);
	for (int kind = CS_DIFF_NEW; kind <= CS_DIFF_UNSEEN; kind++) {
		cs_json_key(&j, cs_diff_kind_name((enum cs_diff_kind)kind));
		cs_json_arr_begin(&j);
		for (size_t i = 0; i < d->n; i++) {
			const struct cs_diff_entry *e = &d->v[i];
			if ((int)e->kind != kind)
				continue;
			count[kind]++;
			cs_json_obj_begin(&j);
			cs_json_key(&j, "device_id");
			cs_json_int(&j, e->device_id);
			for (size_t f = 0; f < CS_DIFF_NFIELDS; f++) {
				cs_json_key(&j, field_names[f]);
				cs_json_str(&j, e->values[f]);
			}
			if (kind == CS_DIFF_CHANGED) {
				cs_json_key(&j, "changes");
				cs_json_arr_begin(&j);
				for (size_t k = 0; k < e->nchanges; k++) {
					cs_json_obj_begin(&j);
					cs_json_key(&j, "field");
					cs_json_str(&j, e->changes[k].field);
					cs_json_key(&j, "before");
					cs_json_str(&j, e->changes[k].before);
					cs_json_key(&j, "after");
					cs_json_str(&j, e->changes[k].after);
					cs_json_obj_end(&j);
				}
				cs_json_arr_end(&j);
			}
			cs_json_key(&j, "reason");
			cs_json_str(&j, e->reason);
			cs_json_obj_end(&j);
		}
		cs_json_arr_end(&j);
	}
	cs_json_key(&j, "summary");
	cs_json_obj_begin(&j);
	for (int kind = CS_DIFF_NEW; kind <= CS_DIFF_UNSEEN; kind++) {
		cs_json_key(&j, cs_diff_kind_name((enum cs_diff_kind)kind));
		cs_json_int(&j, (int64_t)count[kind]);
	}
	cs_json_key(&j, "unchanged");
	cs_json_int(&j, (int64_t)d->unchanged);
	cs_json_key(&j, "in_a");
	cs_json_int(&j, (int64_t)d->in_a);
	cs_json_key(&j, "in_b");
	cs_json_int(&j, (int64_t)d->in_b);
	cs_json_obj_end(&j);
	cs_json_obj_end(&j);
	int r = cs_json_end(&j);
	if (r == CS_OK && (r = cs_buf_putc(&b, '\n')) == CS_OK)
		r = flush(&b);
	cs_buf_free(&b);
	return r;
}

static int print_csv(const struct cs_scan_diff *d)
{
	static const char *const header[] = {
		"kind",	       "device_id", "address", "manufacturer", "brand",
		"model",       "firmware",  "serial",  "mac",	       "hardware",
		"device_type", "field",	    "before",  "after",	       "reason",
	};
	struct cs_buf b;
	int r;

	cs_buf_init(&b, OUT_BUF_CAP);
	r = cs_csv_row(&b, header, CS_ARRAY_SIZE(header));
	for (size_t i = 0; i < d->n && r == CS_OK; i++) {
		const struct cs_diff_entry *e = &d->v[i];
		char id[32];
		snprintf(id, sizeof(id), "%lld", (long long)e->device_id);
		size_t rows = e->nchanges > 0 ? e->nchanges : 1;
		for (size_t k = 0; k < rows && r == CS_OK; k++) {
			const char *vals[CS_ARRAY_SIZE(header)] = {cs_diff_kind_name(e->kind), id};
			for (size_t f = 0; f < CS_DIFF_NFIELDS; f++)
				vals[2 + f] = e->values[f];
			if (e->nchanges > 0) {
				vals[11] = e->changes[k].field;
				vals[12] = e->changes[k].before;
				vals[13] = e->changes[k].after;
			}
			vals[14] = e->reason;
			r = cs_csv_row(&b, vals, CS_ARRAY_SIZE(vals));
		}
		if (r == CS_OK)
			r = flush(&b);
	}
	if (r == CS_OK)
		r = flush(&b);
	cs_buf_free(&b);
	return r;
}

static int parse_id(const char *s, int64_t *id)
{
	uint64_t v;
	if (cs_parse_u64(cs_sv_cstr(s), (uint64_t)INT64_MAX, &v) != CS_OK || v == 0)
		return CS_EINVAL;
	*id = (int64_t)v;
	return CS_OK;
}

static int run(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_DB };
	static const struct option longopts[] = {
		{"format", required_argument, NULL, O_FORMAT},
		{"db", required_argument, NULL, O_DB},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cs_store *st = NULL;
	struct cs_scan_diff d = {0};
	struct cs_err err = {0};
	enum format format = FMT_TABLE;
	const char *db = cs_cli_globals.db;
	int64_t a = 0, b = 0;
	struct stat sb;
	int c, r = CS_OK, status = CS_EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			if (strcmp(optarg, "table") == 0)
				format = FMT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				format = FMT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				format = FMT_CSV;
			else {
				fprintf(stderr,
					"camsweep diff: unknown format '%s' (table, json or csv)\n",
					optarg);
				return CS_EXIT_USAGE;
			}
			break;
		case O_DB: db = optarg; break;
		case 'h': fputs(usage, stdout); return CS_EXIT_OK;
		default: fputs("Try 'camsweep diff --help'.\n", stderr); return CS_EXIT_USAGE;
		}
	}
	int npos = argc - optind;
	if (npos != 0 && npos != 2) {
		fputs("camsweep diff: give two scan ids, or none for the two latest\n", stderr);
		return CS_EXIT_USAGE;
	}
	if (npos == 2 &&
	    (parse_id(argv[optind], &a) != CS_OK || parse_id(argv[optind + 1], &b) != CS_OK)) {
		fputs("camsweep diff: a scan id is a positive number\n", stderr);
		return CS_EXIT_USAGE;
	}
	if (db != NULL && db[0] != '\0' && strstr(db, "://") == NULL && stat(db, &sb) != 0) {
		fprintf(stderr, "camsweep diff: no inventory at %s\n", db);
		return CS_EXIT_FAIL;
	}
	if ((r = cs_store_open(&st, db, &err)) != CS_OK)
		goto fail;
	if (npos == 0 && (r = cs_scan_diff_latest_pair(st, &a, &b, &err)) != CS_OK)
		goto fail;
	if ((r = cs_scan_diff(st, a, b, &d, &err)) != CS_OK) {
		if (r == CS_ENOTFOUND)
			cs_err_set(&err, r, "no scan %lld or %lld in the inventory", (long long)a,
				   (long long)b);
		goto fail;
	}
	switch (format) {
	case FMT_TABLE: r = print_table(&d); break;
	case FMT_JSON: r = print_json(&d); break;
	case FMT_CSV: r = print_csv(&d); break;
	}
	if (r != CS_OK || fflush(stdout) != 0 || ferror(stdout)) {
		r = cs_err_set(&err, CS_EIO, "cannot write the output");
		goto fail;
	}
	status = CS_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "camsweep diff: %s\n", err.msg[0] != '\0' ? err.msg : cs_strerror(r));
	status = CS_EXIT_FAIL;
out:
	cs_scan_diff_free(&d);
	cs_store_close(st);
	return status;
}

const struct cs_cli_cmd cs_cmd_diff = {
	.name = "diff",
	.summary = "compare two scans: devices new, gone and changed",
	.usage = usage,
	.run = run,
};
