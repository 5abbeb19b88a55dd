/*
 * cmd_mark.c - `camsweep mark DEVICE_ID STATE`: record that a device was disconnected,
 * removed, exempted, or is back to identified. The store checks the move against the workflow
 * (programme.h) and records it with the audit row in one transaction.
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: camsweep mark DEVICE_ID disconnected|removed|exempt|identified --why TEXT\n"
	"                     [--date D] [--evidence REF] [--approver A --expires D]\n"
	"\n"
	"DEVICE_ID is the device's id (camsweep devices), or the IPv4 address it is recorded at.\n"
	"Move a device along the removal workflow:\n"
	"  disconnected  unplugged from the network, still installed\n"
	"  removed       taken out; needs --evidence (the disposal or sanitisation record)\n"
	"  exempt        kept, with an approver and an expiry (--approver, --expires); --why is\n"
	"                the justification. An exemption can be given from any state; once it\n"
	"                expires the device counts as not done again.\n"
	"  identified    back to the start (it was found again, or the plan was dropped)\n"
	"\"verified\" is not set by hand: `camsweep verify` sets it when later scans covering the\n"
	"device's address no longer see it. Refused moves say why (docs/programme.md).\n"
	"\n"
	"Options:\n"
	"  --why TEXT       the reason (required), recorded in the audit log\n"
	"  --date D         when it happened (YYYY-MM-DD, default today, UTC)\n"
	"  --evidence REF   removed: the disposal evidence reference\n"
	"  --approver A     exempt: who approved the exemption\n"
	"  --expires D      exempt: when it expires (after --date)\n"
	"  --db PATH        the inventory\n"
	"\n"
	"Examples:\n"
	"  camsweep mark 42 disconnected --why 'unplugged from core switch'\n"
	"  camsweep mark 42 removed --evidence WEEE-2024-118 --date 2024-05-01 --why replaced\n"
	"  camsweep mark 7 exempt --approver 'SIRO' --expires 2025-01-01 --why 'evidence hold'\n"
	"\n"
	"Exit status: 0 recorded, 1 refused (message says why), 2 usage error.\n";

static int run(int argc, char **argv)
{
	enum { O_WHY = 256, O_DATE, O_EVIDENCE, O_APPROVER, O_EXPIRES, O_DB };
	static const struct option longopts[] = {
		{"why", required_argument, NULL, O_WHY},
		{"date", required_argument, NULL, O_DATE},
		{"evidence", required_argument, NULL, O_EVIDENCE},
		{"approver", required_argument, NULL, O_APPROVER},
		{"expires", required_argument, NULL, O_EXPIRES},
		{"db", required_argument, NULL, O_DB},
		{NULL, 0, NULL, 0},
	};
	struct cs_workflow w = {0};
	const char *db = NULL, *why = NULL;
	char today[CS_DATE_LEN];
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	enum cs_wf_state to;
	int opt, r, status = CS_EXIT_USAGE;

	cs_cli_today(today);
	w.date = today;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_WHY: why = optarg; break;
		case O_DATE: w.date = optarg; break;
		case O_EVIDENCE: w.evidence = optarg; break;
		case O_APPROVER: w.approver = optarg; break;
		case O_EXPIRES: w.expires = optarg; break;
		case O_DB: db = optarg; break;
		default: fputs("Try 'camsweep mark --help'.\n", stderr); return CS_EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || !cs_cli_device_arg_ok(argv[optind])) {
		fputs("camsweep mark: give a device id and a state (see 'camsweep mark --help')\n",
		      stderr);
		return CS_EXIT_USAGE;
	}
	w.state = argv[optind + 1];
	if (cs_wf_lookup(w.state, &to) != CS_OK || to == CS_WF_PLANNED) {
		fprintf(stderr,
			"camsweep mark: unknown state '%s' (disconnected, removed, exempt or "
			"identified; use `camsweep plan` to plan)\n",
			w.state);
		return CS_EXIT_USAGE;
	}
	if (why == NULL || why[0] == '\0') {
		fputs("camsweep mark: --why is required (it goes in the audit log)\n", stderr);
		return CS_EXIT_USAGE;
	}
	if ((w.approver != NULL || w.expires != NULL) && to != CS_WF_EXEMPT) {
		fputs("camsweep mark: --approver and --expires are for exempt\n", stderr);
		return CS_EXIT_USAGE;
	}
	if (w.evidence != NULL && to != CS_WF_REMOVED) {
		fputs("camsweep mark: --evidence is for removed\n", stderr);
		return CS_EXIT_USAGE;
	}
	const struct cs_store_actor a = {.who = cs_cli_who(), .why = why};
	if ((r = cs_cli_open(&st, db, true, &err)) != CS_OK ||
	    (r = cs_cli_resolve_device(st, argv[optind], &w.device_id, &err)) != CS_OK ||
	    (r = cs_store_workflow_set(st, &w, CS_WF_BY_HAND, &a, &err)) != CS_OK) {
		fprintf(stderr, "camsweep mark: %s\n", err.msg[0] ? err.msg : cs_strerror(r));
		status = CS_EXIT_FAIL;
		goto out;
	}
	printf("device %lld is now %s (from %s)\n", (long long)w.device_id, cs_wf_name(to), w.date);
	status = CS_EXIT_OK;
out:
	cs_store_close(st);
	return status;
}

const struct cs_cli_cmd cs_cmd_mark = {
	.name = "mark",
	.summary = "record a device as disconnected, removed, exempt or identified",
	.usage = usage,
	.run = run,
};
