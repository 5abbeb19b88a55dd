/*
 * cmd_verify.c - `camsweep verify`: mark removed devices "verified" once enough later scans
 * that covered their address no longer saw them, and report regressions (removed or verified
 * devices that a later scan saw). The rule is cs_verify_removed() in programme.h.
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"
#include "common/json.h"
#include "programme/estate.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: camsweep verify [--scans N] [--dry-run] [--format table|json]\n"
	"\n"
	"A removed device is verified when N scans (default 2) that started after its removal\n"
	"date, finished, and covered its last known address (the address is in the scan's\n"
	"targets and not excluded) did not see it. Scans on the removal day itself do not\n"
	"count. verify moves such devices to \"verified\" (audited) and lists every removed\n"
	"device with its count; it also lists regressions: removed or verified devices that a\n"
	"scan saw after their removal date.\n"
	"\n"
	"Options:\n"
	"  --scans N     how many covering scans without the device verify it (default 2)\n"
	"  --dry-run     report only; change nothing\n"
	"  --format F    table (default) or json\n"
	"  --db PATH     the inventory\n"
	"\n"
	"Exit status: 0 done (regressions are reported, not errors), 1 failure, 2 usage error.\n";

struct ctx {
	enum cs_cli_format fmt;
	struct cs_json *j;
	unsigned need;
	bool apply;
};

static const char *result_name(enum cs_verify_result r)
{
	switch (r) {
	case CS_VERIFY_VERIFIED: return "verified";
	case CS_VERIFY_REGRESSED: return "regressed";
	default: return "pending";
	}
}

static int report_cb(void *vctx, const struct cs_verify_report *v)
{
	struct ctx *c = vctx;
	if (c->fmt == CS_FMT_JSON) {
		cs_json_obj_begin(c->j);
		cs_json_key(c->j, "device_id");
		cs_json_int(c->j, v->device_id);
		cs_json_key(c->j, "address");
		cs_json_str(c->j, v->address);
		cs_json_key(c->j, "removed_on");
		cs_json_str(c->j, v->removed_on);
		cs_json_key(c->j, "result");
		cs_json_str(c->j, result_name(v->outcome.result));
		cs_json_key(c->j, "absent_from_scans");
		cs_json_int(c->j, v->outcome.absent);
		cs_json_key(c->j, "scan_id");
		if (v->outcome.evidence_id != 0)
			cs_json_int(c->j, v->outcome.evidence_id);
		else
			cs_json_null(c->j);
		cs_json_obj_end(c->j);
		return c->j->err;
	}
	printf("device %-6lld removed %s  ", (long long)v->device_id, v->removed_on);
	cs_cli_print_safe(stdout, v->address, 40);
	printf("  %s (absent from %u of %u scans needed)", result_name(v->outcome.result),
	       v->outcome.absent, c->need);
	if (v->outcome.result == CS_VERIFY_VERIFIED)
		printf("%s", c->apply ? ": marked verified" : ": would be marked verified");
	if (v->outcome.result == CS_VERIFY_REGRESSED)
		printf(": seen again by scan %lld", (long long)v->outcome.evidence_id);
	putchar('\n');
	return 0;
}

static int regression_cb(void *vctx, const struct cs_regression *g)
{
	struct ctx *c = vctx;
	if (c->fmt == CS_FMT_JSON) {
		cs_json_obj_begin(c->j);
		cs_json_key(c->j, "device_id");
		cs_json_int(c->j, g->device_id);
		cs_json_key(c->j, "state");
		cs_json_str(c->j, g->state);
		cs_json_key(c->j, "removed_on");
		cs_json_str(c->j, g->date);
		cs_json_key(c->j, "scan_id");
		cs_json_int(c->j, g->scan_id);
		cs_json_key(c->j, "seen_at");
		cs_json_str(c->j, g->seen_at);
		cs_json_key(c->j, "address");
		cs_json_str(c->j, g->address);
		cs_json_obj_end(c->j);
		return c->j->err;
	}
	printf("REGRESSION device %lld (%s on %s) seen by scan %lld at %s, address ",
	       (long long)g->device_id, g->state, g->date, (long long)g->scan_id, g->seen_at);
	cs_cli_print_safe(stdout, g->address, 40);
	putchar('\n');
	return 0;
}

static int run(int argc, char **argv)
{
	enum { O_SCANS = 256, O_DRY, O_FORMAT, O_DB };
	static const struct option longopts[] = {
		{"scans", required_argument, NULL, O_SCANS},
		{"dry-run", no_argument, NULL, O_DRY},
		{"format", required_argument, NULL, O_FORMAT},
		{"db", required_argument, NULL, O_DB},
		{NULL, 0, NULL, 0},
	};
	struct ctx c = {.fmt = CS_FMT_TABLE, .need = 2, .apply = true};
	struct cs_buf buf;
	struct cs_json j;
	const char *db = NULL;
	char today[CS_DATE_LEN];
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	uint64_t v;
	int opt, r, status = CS_EXIT_USAGE;

	cs_buf_init(&buf, 1 << 26);
	cs_json_init(&j, &buf, true);
	c.j = &j;
	cs_cli_today(today);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_SCANS:
			if (cs_parse_u64(cs_sv_cstr(optarg), 1000, &v) != CS_OK || v == 0) {
				fprintf(stderr, "camsweep verify: --scans must be 1-1000\n");
				goto out;
			}
			c.need = (unsigned)v;
			break;
		case O_DRY: c.apply = false; break;
		case O_FORMAT:
			if (cs_cli_parse_format(optarg, &c.fmt) != CS_OK || c.fmt == CS_FMT_CSV) {
				fprintf(stderr, "camsweep verify: format is table or json\n");
				goto out;
			}
			break;
		case O_DB: db = optarg; break;
		default: fputs("Try 'camsweep verify --help'.\n", stderr); goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "camsweep verify: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	const struct cs_store_actor a = {.who = cs_cli_who(), .why = NULL};
	if ((r = cs_cli_open(&st, db, true, &err)) != CS_OK)
		goto fail;
	if (c.fmt == CS_FMT_JSON) {
		cs_json_obj_begin(&j);
		cs_json_key(&j, "scans_needed");
		cs_json_int(&j, c.need);
		cs_json_key(&j, "removed");
		cs_json_arr_begin(&j);
	}
	if ((r = cs_programme_verify(st, c.need, c.apply, &a, report_cb, &c, today, &err)) != CS_OK)
		goto fail;
	if (c.fmt == CS_FMT_JSON) {
		cs_json_arr_end(&j);
		cs_json_key(&j, "regressions");
		cs_json_arr_begin(&j);
	}
	if ((r = cs_store_list_regressions(st, regression_cb, &c, &err)) != CS_OK)
		goto fail;
	if (c.fmt == CS_FMT_JSON) {
		cs_json_arr_end(&j);
		cs_json_obj_end(&j);
		if ((r = cs_json_end(&j)) != CS_OK)
			goto fail;
		fwrite(buf.data, 1, buf.len, stdout);
		putchar('\n');
	}
	status = CS_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "camsweep verify: %s\n", err.msg[0] ? err.msg : cs_strerror(r));
	status = CS_EXIT_FAIL;
out:
	cs_buf_free(&buf);
	cs_store_close(st);
	return status;
}

const struct cs_cli_cmd cs_cmd_verify = {
	.name = "verify",
	.summary = "verify removed devices from later scans; list regressions",
	.usage = usage,
	.run = run,
};
