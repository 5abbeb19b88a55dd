/*
 * cmd_plan.c - `camsweep plan DEVICE_ID`: plan the replacement of a device (due date,
 * replacement cost, owner). Moves the device to "planned" through the store, which checks the
 * transition and writes the audit log (docs/programme.md).
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: camsweep plan DEVICE_ID --due DATE --owner O [--cost N] [--date D] [--why TEXT]\n"
	"\n"
	"DEVICE_ID is the device's id (camsweep devices), or the IPv4 address it is recorded at.\n"
	"Plan the removal and replacement of a device: it becomes \"planned\", with the date it\n"
	"is due, who owns the work and the replacement cost (whole currency units). Planning\n"
	"again replaces the plan. The change is recorded in the audit log with who made it\n"
	"($CAMSWEEP_USER or the login name).\n"
	"\n"
	"Options:\n"
	"  --due DATE     when the device is due to be removed (YYYY-MM-DD)\n"
	"  --owner O      who is responsible\n"
	"  --cost N       replacement cost, whole currency units\n"
	"  --date D       when the plan was made (default today, UTC)\n"
	"  --why TEXT     the reason, recorded in the audit log\n"
	"  --db PATH      the inventory\n"
	"\n"
	"Example:\n"
	"  camsweep plan 42 --due 2025-04-01 --owner 'Estates team' --cost 850\n"
	"\n"
	"Exit status: 0 planned, 1 refused (message says why), 2 usage error.\n";

static int run(int argc, char **argv)
{
	enum { O_DUE = 256, O_OWNER, O_COST, O_DATE, O_WHY, O_DB };
	static const struct option longopts[] = {
		{"due", required_argument, NULL, O_DUE},
		{"owner", required_argument, NULL, O_OWNER},
		{"cost", required_argument, NULL, O_COST},
		{"date", required_argument, NULL, O_DATE},
		{"why", required_argument, NULL, O_WHY},
		{"db", required_argument, NULL, O_DB},
		{NULL, 0, NULL, 0},
	};
	struct cs_workflow w = {.state = "planned"};
	const char *db = NULL, *why = NULL;
	char today[CS_DATE_LEN];
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	int opt, r, status = CS_EXIT_USAGE;

	cs_cli_today(today);
	w.date = today;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_DUE: w.due = optarg; break;
		case O_OWNER: w.owner = optarg; break;
		case O_COST:
			if (cs_parse_u64(cs_sv_cstr(optarg), UINT64_MAX / 2, &w.cost) != CS_OK) {
				fprintf(stderr,
					"camsweep plan: --cost '%s' is not a whole number\n",
					optarg);
				return CS_EXIT_USAGE;
			}
			w.has_cost = true;
			break;
		case O_DATE: w.date = optarg; break;
		case O_WHY: why = optarg; break;
		case O_DB: db = optarg; break;
		default: fputs("Try 'camsweep plan --help'.\n", stderr); return CS_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || !cs_cli_device_arg_ok(argv[optind])) {
		fputs("camsweep plan: give one device id (see 'camsweep devices')\n", stderr);
		return CS_EXIT_USAGE;
	}
	const struct cs_store_actor a = {.who = cs_cli_who(), .why = why};
	if ((r = cs_cli_open(&st, db, true, &err)) != CS_OK ||
	    (r = cs_cli_resolve_device(st, argv[optind], &w.device_id, &err)) != CS_OK ||
	    (r = cs_store_workflow_set(st, &w, CS_WF_BY_HAND, &a, &err)) != CS_OK) {
		fprintf(stderr, "camsweep plan: %s\n", err.msg[0] ? err.msg : cs_strerror(r));
		status = CS_EXIT_FAIL;
		goto out;
	}
	printf("device %lld planned: due %s, owner ", (long long)w.device_id, w.due);
	cs_cli_print_safe(stdout, w.owner, 100);
	putchar('\n');
	status = CS_EXIT_OK;
out:
	cs_store_close(st);
	return status;
}

const struct cs_cli_cmd cs_cmd_plan = {
	.name = "plan",
	.summary = "plan a device's removal (due date, cost, owner)",
	.usage = usage,
	.run = run,
};
