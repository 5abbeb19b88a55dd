/*
 * cli.h - the contract between main() and each subcommand (one file per command in src/cli/).
 *
 * A command receives its own argv (argv[0] is the command name), parses it with getopt_long,
 * prints its results to stdout and diagnostics to stderr, and returns the process exit status:
 * 0 success, 1 a runtime failure (bad input, store error), 2 a usage error.
 * Commands are registered in exactly one place: the table in main.c.
 */
#ifndef CS_CLI_H
#define CS_CLI_H

#include <stdio.h>

struct cs_cli_cmd {
	const char *name;
	const char *summary; /* one line for `camsweep help` */
	const char *usage;   /* full help text for `camsweep help CMD` and `CMD --help` */
	int (*run)(int argc, char **argv);
};

/* Global options shared by commands; set by main() before dispatch. */
struct cs_cli_globals {
	const char *data_dir; /* --data-dir or CAMSWEEP_DATA; NULL: built-in search */
	const char *db;	      /* --db or CAMSWEEP_DB; NULL: XDG default */
	int verbose;
};
extern struct cs_cli_globals cs_cli_globals;

/* Print the usage of cmd to f. */
void cs_cli_usage(FILE *f, const struct cs_cli_cmd *cmd);

/* Exit statuses. */
enum { CS_EXIT_OK = 0, CS_EXIT_FAIL = 1, CS_EXIT_USAGE = 2 };

/* The commands (each defined in its own cmd_*.c). */
extern const struct cs_cli_cmd cs_cmd_identify;
extern const struct cs_cli_cmd cs_cmd_devices;
extern const struct cs_cli_cmd cs_cmd_scan;
extern const struct cs_cli_cmd cs_cmd_findings;
extern const struct cs_cli_cmd cs_cmd_check;
extern const struct cs_cli_cmd cs_cmd_diff;
extern const struct cs_cli_cmd cs_cmd_site;
extern const struct cs_cli_cmd cs_cmd_plan;
extern const struct cs_cli_cmd cs_cmd_mark;
extern const struct cs_cli_cmd cs_cmd_verify;
extern const struct cs_cli_cmd cs_cmd_milestone;
extern const struct cs_cli_cmd cs_cmd_audit;
extern const struct cs_cli_cmd cs_cmd_import;
extern const struct cs_cli_cmd cs_cmd_report;
extern const struct cs_cli_cmd cs_cmd_discover;
extern const struct cs_cli_cmd cs_cmd_pcap;
extern const struct cs_cli_cmd cs_cmd_version;
extern const struct cs_cli_cmd cs_cmd_help;

#endif
