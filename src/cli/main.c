/*
 * main.c - camsweep's entry point: global options, then dispatch to one subcommand.
 *
 * This table is the only place a command is registered.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct cs_cli_globals cs_cli_globals;

static const struct cs_cli_cmd *const commands[] = {
	&cs_cmd_scan,	   &cs_cmd_discover, &cs_cmd_pcap,     &cs_cmd_identify, &cs_cmd_import,
	&cs_cmd_devices,   &cs_cmd_site,     &cs_cmd_plan,     &cs_cmd_mark,	 &cs_cmd_verify,
	&cs_cmd_milestone, &cs_cmd_audit,    &cs_cmd_findings, &cs_cmd_check,	 &cs_cmd_diff,
	&cs_cmd_report,	   &cs_cmd_help,     &cs_cmd_version,
};

static const struct cs_cli_cmd *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

void cs_cli_usage(FILE *f, const struct cs_cli_cmd *cmd)
{
	fputs(cmd->usage, f);
}

static void overview(FILE *f)
{
	fputs("usage: camsweep [--data-dir DIR] [--db PATH] COMMAND [ARGS]\n\n"
	      "camsweep finds networked surveillance devices, tells who really made them,\n"
	      "applies the security policy that governs them, and tracks their removal.\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n'camsweep help COMMAND' or 'camsweep COMMAND --help' describes a command.\n", f);
}

static int help_run(int argc, char **argv)
{
	if (argc < 2) {
		overview(stdout);
		return CS_EXIT_OK;
	}
	const struct cs_cli_cmd *c = find(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "camsweep: no command '%s'\n", argv[1]);
		return CS_EXIT_USAGE;
	}
	cs_cli_usage(stdout, c);
	return CS_EXIT_OK;
}

const struct cs_cli_cmd cs_cmd_help = {
	"help",
	"describe a command",
	"usage: camsweep help [COMMAND]\n\n"
	"Without COMMAND, list the commands; with it, describe that command.\n",
	help_run,
};

static int version_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("camsweep %s (%s)\n", CS_VERSION, CS_GITREV);
	return CS_EXIT_OK;
}

const struct cs_cli_cmd cs_cmd_version = {
	"version",
	"print the version",
	"usage: camsweep version\n\nPrint camsweep's version and the commit it was built from.\n",
	version_run,
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data-dir", required_argument, NULL, 'D'},
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	cs_cli_globals.data_dir = getenv("CAMSWEEP_DATA");
	cs_cli_globals.db = getenv("CAMSWEEP_DB");
	/* '+': stop at the first non-option, which is the command. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'D': cs_cli_globals.data_dir = optarg; break;
		case 'd': cs_cli_globals.db = optarg; break;
		case 'h': overview(stdout); return CS_EXIT_OK;
		case 'V': return version_run(0, NULL);
		default: overview(stderr); return CS_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		overview(stderr);
		return CS_EXIT_USAGE;
	}
	const struct cs_cli_cmd *cmd = find(argv[optind]);
	if (cmd == NULL) {
		fprintf(stderr, "camsweep: no command '%s' (see 'camsweep help')\n", argv[optind]);
		return CS_EXIT_USAGE;
	}
	char **sub = argv + optind;
	int subc = argc - optind;
	/* Every command answers --help the same way. */
	for (int i = 1; i < subc; i++) {
		if (strcmp(sub[i], "--") == 0)
			break;
		if (strcmp(sub[i], "--help") == 0 || strcmp(sub[i], "-h") == 0) {
			cs_cli_usage(stdout, cmd);
			return CS_EXIT_OK;
		}
	}
	optind = 0; /* reset getopt for the command (glibc: 0 reinitialises) */
	return cmd->run(subc, sub);
}
