/*
 * cmd_milestone.c - `camsweep milestone add|list|progress`: the programme's targets (say 50%
 * of affected sensitive sites by one date, 70% by another, 100% by a third) and the progress
 * against them, by sites and by devices, as of any dates (docs/programme.md has the maths).
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"
#include "common/json.h"
#include "programme/estate.h"
#include "report/csv.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: camsweep milestone add NAME --date D --percent P [--scope sensitive|all]\n"
	"                                   [--measure sites|devices] [--why TEXT]\n"
	"       camsweep milestone list [--format table|json|csv]\n"
	"       camsweep milestone progress [--as-of D ...] [--format table|json|csv]\n"
	"\n"
	"A milestone is a target: P%% of the affected sites (or covered devices) done by date D.\n"
	"The scope is sensitive sites (default, the UK headline) or all sites.\n"
	"\n"
	"A site is affected on a date when a device a policy covers, attached to it (by hand or\n"
	"by address), was recorded on or before that date; it is done when every such device is\n"
	"removed, verified or exempt (an unexpired exemption) on that date. Device progress\n"
	"counts those devices themselves. Workflow dates are the dates given to plan/mark.\n"
	"\n"
	"progress prints, for each --as-of date (default today, UTC; repeat it for a series to\n"
	"draw), the sites and devices done, and for each milestone its status: achieved or\n"
	"missed (its date has passed: measured on its date), ahead (target already reached) or\n"
	"open.\n"
	"\n"
	"Examples:\n"
	"  camsweep milestone add first --date 2024-04-30 --percent 50\n"
	"  camsweep milestone add second --date 2024-10-31 --percent 70\n"
	"  camsweep milestone add all-done --date 2025-04-30 --percent 100\n"
	"  camsweep milestone progress --as-of 2024-04-30 --as-of 2024-10-31 --format csv\n"
	"\n"
	"Exit status: 0 done, 1 refused or failed, 2 usage error.\n";

#define PROG "camsweep milestone"

struct ms {
	char name[257], due[CS_DATE_LEN], scope[16], measure[16];
	unsigned percent;
};

struct ms_list {
	struct ms *v;
	size_t n, alloc;
};

static int ms_cb(void *ctx, const struct cs_milestone *m)
{
	struct ms_list *l = ctx;
	if (l->n == l->alloc) {
		size_t want = l->alloc ? l->alloc * 2 : 8;
		struct ms *p = reallocarray(l->v, want, sizeof(*p));
		if (p == NULL)
			return CS_ENOMEM;
		l->v = p;
		l->alloc = want;
	}
	struct ms *x = &l->v[l->n++];
	snprintf(x->name, sizeof(x->name), "%s", m->name);
	snprintf(x->due, sizeof(x->due), "%s", m->due);
	snprintf(x->scope, sizeof(x->scope), "%s", m->scope);
	snprintf(x->measure, sizeof(x->measure), "%s", m->measure);
	x->percent = m->percent;
	return 0;
}

static void json_pct(struct cs_json *j, int pct)
{
	if (pct < 0)
		cs_json_null(j);
	else
		cs_json_int(j, pct);
}

static int do_list(const struct ms_list *l, enum cs_cli_format fmt)
{
	struct cs_buf b;
	struct cs_json j;
	int r = CS_OK;

	cs_buf_init(&b, 1 << 24);
	if (fmt == CS_FMT_TABLE)
		printf("%-24s %-10s %7s  %-9s %s\n", "NAME", "DATE", "TARGET", "SCOPE", "MEASURE");
	if (fmt == CS_FMT_CSV)
		cs_buf_puts(&b, "name,date,percent,scope,measure\r\n");
	cs_json_init(&j, &b, true);
	if (fmt == CS_FMT_JSON)
		cs_json_arr_begin(&j);
	for (size_t i = 0; i < l->n && r == CS_OK; i++) {
		const struct ms *m = &l->v[i];
		char pct[16];
		snprintf(pct, sizeof(pct), "%u", m->percent);
		if (fmt == CS_FMT_TABLE) {
			cs_cli_print_safe(stdout, m->name, 24);
			printf("  %-10s %6u%%  %-9s %s\n", m->due, m->percent, m->scope,
			       m->measure);
		} else if (fmt == CS_FMT_CSV) {
			const char *v[] = {m->name, m->due, pct, m->scope, m->measure};
			for (size_t k = 0; k < CS_ARRAY_SIZE(v) && r == CS_OK; k++)
				r = cs_csv_cell(&b, v[k], k == 0);
			if (r == CS_OK)
				r = cs_buf_puts(&b, "\r\n");
		} else {
			cs_json_obj_begin(&j);
			cs_json_key(&j, "name");
			cs_json_str(&j, m->name);
			cs_json_key(&j, "date");
			cs_json_str(&j, m->due);
			cs_json_key(&j, "percent");
			cs_json_int(&j, m->percent);
			cs_json_key(&j, "scope");
			cs_json_str(&j, m->scope);
			cs_json_key(&j, "measure");
			cs_json_str(&j, m->measure);
			cs_json_obj_end(&j);
		}
	}
	if (fmt == CS_FMT_JSON) {
		cs_json_arr_end(&j);
		r = cs_json_end(&j);
		cs_buf_putc(&b, '\n');
	}
	if (r == CS_OK && b.len > 0)
		fwrite(b.data, 1, b.len, stdout);
	cs_buf_free(&b);
	return r;
}

/* The status of milestone m on date asof; *pct its measured percent (-1: nothing affected). */
static const char *ms_status(const struct cs_estate_prog *p, size_t nsites, const struct ms *m,
			     const char *asof, int *pct)
{
	struct cs_progress g;
	const char *when = strcmp(m->due, asof) < 0 ? m->due : asof;
	bool sensitive = strcmp(m->scope, "sensitive") == 0;

	if (cs_prog_measure(p->sites, nsites, p->devs, p->ndevs, sensitive, when, &g) != CS_OK) {
		*pct = -1;
		return "error";
	}
	*pct = strcmp(m->measure, "devices") == 0 ? cs_prog_percent(g.devices_done, g.devices)
						  : cs_prog_percent(g.sites_done, g.sites_affected);
	/* Nothing affected: the target is met (the "vast majority never deployed" case). */
	bool reached = *pct < 0 || (unsigned)*pct >= m->percent;
	if (strcmp(m->due, asof) <= 0)
		return reached ? "achieved" : "missed";
	return reached ? "ahead" : "open";
}

static int do_progress(struct cs_store *st, const struct ms_list *l, char **dates, size_t ndates,
		       enum cs_cli_format fmt, struct cs_err *err)
{
	struct cs_estate e;
	struct cs_estate_prog p;
	struct cs_buf b;
	struct cs_json j;
	int r;

	cs_buf_init(&b, 1 << 24);
	cs_json_init(&j, &b, true);
	if ((r = cs_estate_load(&e, st, err)) != CS_OK)
		goto done;
	if ((r = cs_estate_prog_load(&p, st, &e, err)) != CS_OK)
		goto out_e;
	if (fmt == CS_FMT_JSON)
		cs_json_arr_begin(&j);
	if (fmt == CS_FMT_CSV)
		cs_buf_puts(&b, "as_of,scope,sites_affected,sites_done,sites_unaffected,"
				"sites_percent,devices,devices_done,devices_percent\r\n");
	if (fmt == CS_FMT_TABLE)
		printf("%-10s %-9s %8s %6s %10s %6s %8s %6s %6s\n", "AS OF", "SCOPE", "AFFECTED",
		       "DONE", "UNAFFECTED", "SITES%", "DEVICES", "DONE", "DEV%");
	for (size_t d = 0; d < ndates; d++) {
		if (fmt == CS_FMT_JSON) {
			cs_json_obj_begin(&j);
			cs_json_key(&j, "as_of");
			cs_json_str(&j, dates[d]);
		}
		for (int sens = 1; sens >= 0; sens--) {
			struct cs_progress g;
			const char *scope = sens ? "sensitive" : "all";
			if ((r = cs_prog_measure(p.sites, e.nsites, p.devs, p.ndevs, sens, dates[d],
						 &g)) != CS_OK) {
				cs_err_set(err, r, "cannot measure progress on %s", dates[d]);
				goto out;
			}
			int sp = cs_prog_percent(g.sites_done, g.sites_affected);
			int dp = cs_prog_percent(g.devices_done, g.devices);
			char sps[16] = "-", dps[16] = "-";
			if (sp >= 0)
				snprintf(sps, sizeof(sps), "%d", sp);
			if (dp >= 0)
				snprintf(dps, sizeof(dps), "%d", dp);
			if (fmt == CS_FMT_TABLE) {
				printf("%-10s %-9s %8u %6u %10u %6s %8u %6u %6s\n", dates[d], scope,
				       g.sites_affected, g.sites_done, g.sites_unaffected, sps,
				       g.devices, g.devices_done, dps);
			} else if (fmt == CS_FMT_CSV) {
				cs_buf_printf(&b, "%s,%s,%u,%u,%u,%s,%u,%u,%s\r\n", dates[d], scope,
					      g.sites_affected, g.sites_done, g.sites_unaffected,
					      sp >= 0 ? sps : "", g.devices, g.devices_done,
					      dp >= 0 ? dps : "");
			} else {
				cs_json_key(&j, scope);
				cs_json_obj_begin(&j);
				cs_json_key(&j, "sites_affected");
				cs_json_int(&j, g.sites_affected);
				cs_json_key(&j, "sites_done");
				cs_json_int(&j, g.sites_done);
				cs_json_key(&j, "sites_unaffected");
				cs_json_int(&j, g.sites_unaffected);
				cs_json_key(&j, "sites_percent");
				json_pct(&j, sp);
				cs_json_key(&j, "devices");
				cs_json_int(&j, g.devices);
				cs_json_key(&j, "devices_done");
				cs_json_int(&j, g.devices_done);
				cs_json_key(&j, "devices_percent");
				json_pct(&j, dp);
				cs_json_obj_end(&j);
			}
		}
		if (fmt == CS_FMT_JSON) {
			cs_json_key(&j, "milestones");
			cs_json_arr_begin(&j);
		}
		for (size_t i = 0; i < l->n; i++) {
			int pct;
			const char *status = ms_status(&p, e.nsites, &l->v[i], dates[d], &pct);
			if (fmt == CS_FMT_JSON) {
				cs_json_obj_begin(&j);
				cs_json_key(&j, "name");
				cs_json_str(&j, l->v[i].name);
				cs_json_key(&j, "date");
				cs_json_str(&j, l->v[i].due);
				cs_json_key(&j, "target");
				cs_json_int(&j, l->v[i].percent);
				cs_json_key(&j, "percent");
				json_pct(&j, pct);
				cs_json_key(&j, "status");
				cs_json_str(&j, status);
				cs_json_obj_end(&j);
			} else if (fmt == CS_FMT_TABLE) {
				printf("  milestone ");
				cs_cli_print_safe(stdout, l->v[i].name, 40);
				printf(" (%u%% of %s %s by %s): ", l->v[i].percent, l->v[i].scope,
				       l->v[i].measure, l->v[i].due);
				if (pct < 0)
					printf("%s (nothing affected)\n", status);
				else
					printf("%s at %d%%\n", status, pct);
			}
		}
		if (fmt == CS_FMT_JSON) {
			cs_json_arr_end(&j);
			cs_json_obj_end(&j);
		}
	}
	if (fmt == CS_FMT_JSON) {
		cs_json_arr_end(&j);
		if ((r = cs_json_end(&j)) != CS_OK)
			goto out;
		cs_buf_putc(&b, '\n');
	}
	if (b.len > 0)
		fwrite(b.data, 1, b.len, stdout);
	r = CS_OK;
out:
	cs_estate_prog_free(&p);
out_e:
	cs_estate_free(&e);
done:
	cs_buf_free(&b);
	return r;
}

static int run(int argc, char **argv)
{
	enum { O_DATE = 256, O_PERCENT, O_SCOPE, O_MEASURE, O_ASOF, O_FORMAT, O_WHY, O_DB };
	static const struct option longopts[] = {
		{"date", required_argument, NULL, O_DATE},
		{"percent", required_argument, NULL, O_PERCENT},
		{"scope", required_argument, NULL, O_SCOPE},
		{"measure", required_argument, NULL, O_MEASURE},
		{"as-of", required_argument, NULL, O_ASOF},
		{"format", required_argument, NULL, O_FORMAT},
		{"why", required_argument, NULL, O_WHY},
		{"db", required_argument, NULL, O_DB},
		{NULL, 0, NULL, 0},
	};
	struct cs_milestone m = {.scope = "sensitive", .measure = "sites", .percent = 101};
	struct ms_list l = {0};
	char **dates = NULL, today[CS_DATE_LEN];
	size_t ndates = 0;
	const char *db = NULL, *why = NULL;
	enum cs_cli_format fmt = CS_FMT_TABLE;
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	uint64_t v;
	int opt, r, status = CS_EXIT_USAGE;

	cs_cli_today(today);
	if ((dates = calloc((size_t)argc + 1, sizeof(*dates))) == NULL)
		return CS_EXIT_FAIL;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_DATE: m.due = optarg; break;
		case O_PERCENT:
			if (cs_parse_u64(cs_sv_cstr(optarg), 100, &v) != CS_OK) {
				fputs(PROG ": --percent must be 0-100\n", stderr);
				goto out;
			}
			m.percent = (unsigned)v;
			break;
		case O_SCOPE: m.scope = optarg; break;
		case O_MEASURE: m.measure = optarg; break;
		case O_ASOF:
			if (!cs_date_valid(optarg)) {
				fprintf(stderr, PROG ": --as-of '%s' is not a date YYYY-MM-DD\n",
					optarg);
				goto out;
			}
			dates[ndates++] = optarg;
			break;
		case O_FORMAT:
			if (cs_cli_parse_format(optarg, &fmt) != CS_OK) {
				fprintf(stderr, PROG ": unknown format '%s'\n", optarg);
				goto out;
			}
			break;
		case O_WHY: why = optarg; break;
		case O_DB: db = optarg; break;
		default: fputs("Try 'camsweep milestone --help'.\n", stderr); goto out;
		}
	}
	char **args = argv + optind;
	int nargs = argc - optind;
	const char *sub = nargs > 0 ? args[0] : "";
	if (strcmp(sub, "add") == 0) {
		if (nargs != 2 || m.due == NULL || m.percent > 100) {
			fputs(PROG " add: give NAME, --date and --percent\n", stderr);
			goto out;
		}
		m.name = args[1];
		const struct cs_store_actor a = {.who = cs_cli_who(), .why = why};
		if ((r = cs_cli_open(&st, db, false, &err)) != CS_OK ||
		    (r = cs_store_milestone_add(st, &m, &a, NULL, &err)) != CS_OK)
			goto fail;
	} else if (strcmp(sub, "list") == 0 || strcmp(sub, "progress") == 0) {
		if (nargs != 1) {
			fprintf(stderr, PROG " %s: unexpected argument '%s'\n", sub, args[1]);
			goto out;
		}
		if ((r = cs_cli_open(&st, db, true, &err)) != CS_OK ||
		    (r = cs_store_list_milestones(st, ms_cb, &l, &err)) != CS_OK)
			goto fail;
		if (ndates == 0)
			dates[ndates++] = today;
		r = strcmp(sub, "list") == 0 ? do_list(&l, fmt)
					     : do_progress(st, &l, dates, ndates, fmt, &err);
		if (r != CS_OK)
			goto fail;
	} else {
		fprintf(stderr, PROG ": which subcommand? (add, list or progress)\n");
		goto out;
	}
	status = CS_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, PROG ": %s\n", err.msg[0] ? err.msg : cs_strerror(r));
	status = CS_EXIT_FAIL;
out:
	free(l.v);
	free(dates);
	cs_store_close(st);
	return status;
}

const struct cs_cli_cmd cs_cmd_milestone = {
	.name = "milestone",
	.summary = "programme targets and progress by sites and devices",
	.usage = usage,
	.run = run,
};
