/*
 * cmd_report.c - `camsweep report`: the removal report as one self-contained HTML file, CSV or
 * JSON (docs/report.md).
 *
 * The report is rendered from a report model (docs/report-model.md): one built from the
 * inventory, or one read from a file with --model (a model produced elsewhere, or saved with
 * --format json). This file only parses arguments, picks the model and writes the output.
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/str.h"
#include "findings/findings_ctx.h"
#include "ident/kb.h"
#include "report/report.h"
#include "report/report_build.h"
#include "store/store.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: camsweep report [--format html|csv|json] [-o FILE] [--summary-only]\n"
	"                       [--model FILE.json | --db PATH] [--as-of YYYY-MM-DD]\n"
	"                       [--window DAYS] [--name TEXT]\n"
	"\n"
	"Write the removal report: where the programme stands against its milestones, a\n"
	"burn-down with the completion date projected from the recent removal rate, totals by\n"
	"site, operator and manufacturer, the findings, and each device with its evidence.\n"
	"\n"
	"Options:\n"
	"  --format FORMAT   html  one self-contained file (inline CSS and SVG charts, no\n"
	"                          scripts, nothing loaded from anywhere; prints on A4) (default)\n"
	"                    csv   one row per device with its state and finding counts\n"
	"                    json  the report model, with the computed figures added\n"
	"  -o, --output FILE write to FILE instead of standard output\n"
	"  --summary-only    for publication: counts and percentages only; no site names,\n"
	"                    addresses, serial numbers, MAC addresses or per-device sections\n"
	"  --model FILE      render this report model (JSON, docs/report-model.md; '-' reads\n"
	"                    standard input) instead of building one from the inventory\n"
	"  --db PATH         the inventory to build the model from (default: as for `devices`)\n"
	"  --as-of DATE      the date the figures describe (inventory only; default today)\n"
	"  --window DAYS     days of progress the recent removal rate is measured over\n"
	"                    (default 90)\n"
	"  --name TEXT       the programme's name (inventory only)\n"
	"\n"
	"Exit status: 0 written, 1 bad model, store or output error, 2 usage error.\n";

enum format { FMT_HTML, FMT_CSV, FMT_JSON };

static int load_model(const char *model, const char *db, const struct cs_rpt_build_options *bo,
		      struct cs_report **rep, struct cs_err *err)
{
	struct cs_store *st = NULL;
	json_t *root = NULL;
	int r;

	if (model != NULL)
		return cs_rpt_load_file(model, rep, err);
	if ((r = cs_cli_check_exists(
		     db, "record devices with `camsweep identify --store`, or give --model",
		     err)) != CS_OK ||
	    (r = cs_store_open(&st, db, err)) != CS_OK ||
	    (r = cs_rpt_build_from_store(st, bo, &root, err)) != CS_OK)
		goto out;
	r = cs_rpt_load(root, rep, err);
out:
	json_decref(root);
	cs_store_close(st);
	return r;
}

static int write_out(const char *path, const struct cs_buf *b, struct cs_err *err)
{
	FILE *f = stdout;

	if (path != NULL && strcmp(path, "-") != 0 && (f = fopen(path, "w")) == NULL)
		return cs_err_set(err, CS_EIO, "cannot create %s", path);
	size_t n = b->len;
	bool ok = (n == 0 || fwrite(b->data, 1, n, f) == n) && fflush(f) == 0 && !ferror(f);
	if (f != stdout && fclose(f) != 0)
		ok = false;
	if (!ok)
		return cs_err_set(err, CS_EIO, "cannot write %s",
				  f != stdout ? path : "the output");
	return CS_OK;
}

static int run(int argc, char **argv)
{
	enum { OPT_FORMAT = 256, OPT_SUMMARY, OPT_MODEL, OPT_DB, OPT_ASOF, OPT_WINDOW, OPT_NAME };
	static const struct option longopts[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"summary-only", no_argument, NULL, OPT_SUMMARY},
		{"model", required_argument, NULL, OPT_MODEL},
		{"db", required_argument, NULL, OPT_DB},
		{"as-of", required_argument, NULL, OPT_ASOF},
		{"window", required_argument, NULL, OPT_WINDOW},
		{"name", required_argument, NULL, OPT_NAME},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cs_rpt_options ro = {0};
	struct cs_rpt_build_options bo = {0};
	struct cs_report *rep = NULL;
	struct cs_kb *kb = NULL;
	struct cs_findings_db *fdb = NULL;
	struct cs_err err = {0};
	struct cs_buf out;
	enum format format = FMT_HTML;
	const char *db = cs_cli_globals.db, *model = NULL, *output = NULL;
	cs_rpt_day day;
	uint64_t window;
	int c, r, status = CS_EXIT_USAGE;

	cs_buf_init(&out, CS_RPT_MAX_OUTPUT);
	optind = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (strcmp(optarg, "html") == 0)
				format = FMT_HTML;
			else if (strcmp(optarg, "csv") == 0)
				format = FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				format = FMT_JSON;
			else {
				fprintf(stderr, "camsweep report: unknown format (html, csv or "
						"json)\n");
				goto out;
			}
			break;
		case 'o': output = optarg; break;
		case OPT_SUMMARY: ro.summary_only = true; break;
		case OPT_MODEL: model = optarg; break;
		case OPT_DB: db = optarg; break;
		case OPT_ASOF:
			if (cs_rpt_parse_day(optarg, &day) != CS_OK) {
				fprintf(stderr, "camsweep report: --as-of wants YYYY-MM-DD\n");
				goto out;
			}
			bo.as_of = optarg;
			break;
		case OPT_WINDOW:
			if (cs_parse_u64(cs_sv_cstr(optarg), 36600, &window) != CS_OK ||
			    window == 0) {
				fprintf(stderr, "camsweep report: --window wants 1..36600 days\n");
				goto out;
			}
			ro.window = (int)window;
			break;
		case OPT_NAME: bo.name = optarg; break;
		case 'h':
			fputs(usage, stdout);
			status = CS_EXIT_OK;
			goto out;
		default: fputs("Try 'camsweep report --help'.\n", stderr); goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "camsweep report: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if (model != NULL && (bo.as_of != NULL || bo.name != NULL)) {
		fprintf(stderr, "camsweep report: --as-of and --name apply to the inventory, "
				"not to --model\n");
		goto out;
	}
	if (model == NULL) {
		/* The findings of the inventory's devices go in the report: load their rules. */
		struct cs_kb_opts kopts = {cs_cli_globals.data_dir, NULL, NULL};
		const char *dirs[2];
		size_t ndirs = 0;
		if ((r = cs_kb_load(&kb, &kopts, &err)) != CS_OK)
			goto fail;
		for (int i = 0; i < kb->ndata_dirs && i < 2; i++)
			dirs[ndirs++] = kb->data_dirs[i];
		if ((r = cs_findings_db_load(&fdb, dirs, ndirs, &err)) != CS_OK)
			goto fail;
		bo.findings = fdb;
		bo.today = cs_findings_today();
	}
	if ((r = load_model(model, db, &bo, &rep, &err)) != CS_OK)
		goto fail;
	switch (format) {
	case FMT_HTML: r = cs_rpt_render_html(rep, &ro, &out); break;
	case FMT_CSV: r = cs_rpt_render_csv(rep, &ro, &out); break;
	case FMT_JSON: r = cs_rpt_render_json(rep, &ro, &out); break;
	}
	if (r != CS_OK) {
		cs_err_set(&err, r, "cannot render the report: %s", cs_strerror(r));
		goto fail;
	}
	if ((r = write_out(output, &out, &err)) != CS_OK)
		goto fail;
	status = CS_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "camsweep report: %s\n", err.msg[0] != '\0' ? err.msg : cs_strerror(r));
	status = CS_EXIT_FAIL;
out:
	cs_rpt_free(rep);
	cs_buf_free(&out);
	cs_findings_db_free(fdb);
	cs_kb_free(kb);
	return status;
}

const struct cs_cli_cmd cs_cmd_report = {
	.name = "report",
	.summary = "write the removal report (HTML with charts, CSV or JSON)",
	.usage = usage,
	.run = run,
};
