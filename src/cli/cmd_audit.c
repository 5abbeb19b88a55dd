/*
 * cmd_audit.c - `camsweep audit`: print the programme's append-only audit log (who changed
 * what, when and why) as a table, JSON or CSV.
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"
#include "common/json.h"
#include "report/csv.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: camsweep audit [--object OBJECT] [--format table|json|csv]\n"
	"\n"
	"List the audit log, oldest first: every change to sites, device workflow states,\n"
	"attachments and milestones, with who made it ($CAMSWEEP_USER or the login name), when\n"
	"(UTC), what changed and why. The log is append-only: the inventory refuses to change\n"
	"or delete its rows.\n"
	"\n"
	"Options:\n"
	"  --object OBJECT   only this object: device:ID, site:NAME or milestone:NAME\n"
	"  --format FORMAT   table (default), json or csv\n"
	"  --db PATH         the inventory\n"
	"\n"
	"Example:\n"
	"  camsweep audit --object device:42\n"
	"\n"
	"Exit status: 0 listed, 1 the inventory could not be read, 2 usage error.\n";

struct ctx {
	enum cs_cli_format fmt;
	struct cs_buf buf;
	struct cs_json j;
};

static int audit_cb(void *vctx, const struct cs_audit_entry *e)
{
	struct ctx *c = vctx;
	char id[24];
	int r = CS_OK;

	snprintf(id, sizeof(id), "%lld", (long long)e->id);
	switch (c->fmt) {
	case CS_FMT_JSON:
		cs_json_obj_begin(&c->j);
		cs_json_key(&c->j, "id");
		cs_json_int(&c->j, e->id);
		cs_json_key(&c->j, "at");
		cs_json_str(&c->j, e->at);
		cs_json_key(&c->j, "who");
		cs_json_str(&c->j, e->who);
		cs_json_key(&c->j, "object");
		cs_json_str(&c->j, e->object);
		cs_json_key(&c->j, "action");
		cs_json_str(&c->j, e->action);
		cs_json_key(&c->j, "detail");
		cs_json_str(&c->j, e->detail);
		cs_json_key(&c->j, "why");
		cs_json_str(&c->j, e->why);
		cs_json_obj_end(&c->j);
		r = c->j.err;
		break;
	case CS_FMT_CSV: {
		const char *v[] = {id, e->at, e->who, e->object, e->action, e->detail, e->why};
		for (size_t i = 0; i < CS_ARRAY_SIZE(v) && r == CS_OK; i++)
			r = cs_csv_cell(&c->buf, v[i], i == 0);
		if (r == CS_OK)
			r = cs_buf_puts(&c->buf, "\r\n");
		break;
	}
	case CS_FMT_TABLE:
		printf("%-5s %s  ", id, e->at);
		cs_cli_print_safe(stdout, e->who, 24);
		fputs("  ", stdout);
		cs_cli_print_safe(stdout, e->object, 40);
		printf("  %s  ", e->action);
		cs_cli_print_safe(stdout, e->detail, 200);
		if (e->why != NULL) {
			fputs("  why: ", stdout);
			cs_cli_print_safe(stdout, e->why, 200);
		}
		putchar('\n');
		break;
	}
	if (r == CS_OK && c->fmt != CS_FMT_TABLE && c->buf.len > 0) {
		fwrite(c->buf.data, 1, c->buf.len, stdout);
		cs_buf_reset(&c->buf);
	}
	return r;
}

static int run(int argc, char **argv)
{
	enum { O_OBJECT = 256, O_FORMAT, O_DB };
	static const struct option longopts[] = {
		{"object", required_argument, NULL, O_OBJECT},
		{"format", required_argument, NULL, O_FORMAT},
		{"db", required_argument, NULL, O_DB},
		{NULL, 0, NULL, 0},
	};
	struct ctx c = {.fmt = CS_FMT_TABLE};
	const char *db = NULL, *object = NULL;
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	int opt, r, status = CS_EXIT_USAGE;

	cs_buf_init(&c.buf, 1 << 24);
	cs_json_init(&c.j, &c.buf, true);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_OBJECT: object = optarg; break;
		case O_FORMAT:
			if (cs_cli_parse_format(optarg, &c.fmt) != CS_OK) {
				fprintf(stderr, "camsweep audit: unknown format '%s'\n", optarg);
				goto out;
			}
			break;
		case O_DB: db = optarg; break;
		default: fputs("Try 'camsweep audit --help'.\n", stderr); goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "camsweep audit: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if ((r = cs_cli_open(&st, db, true, &err)) != CS_OK)
		goto fail;
	if (c.fmt == CS_FMT_JSON)
		cs_json_arr_begin(&c.j);
	if (c.fmt == CS_FMT_CSV)
		cs_buf_puts(&c.buf, "id,at,who,object,action,detail,why\r\n");
	if ((r = cs_store_list_audit(st, object, audit_cb, &c, &err)) != CS_OK)
		goto fail;
	if (c.fmt == CS_FMT_JSON) {
		cs_json_arr_end(&c.j);
		if ((r = cs_json_end(&c.j)) != CS_OK)
			goto fail;
		cs_buf_putc(&c.buf, '\n');
	}
	fwrite(c.buf.data != NULL ? c.buf.data : "", 1, c.buf.len, stdout);
	status = CS_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "camsweep audit: %s\n", err.msg[0] ? err.msg : cs_strerror(r));
	status = CS_EXIT_FAIL;
out:
	cs_buf_free(&c.buf);
	cs_store_close(st);
	return status;
}

const struct cs_cli_cmd cs_cmd_audit = {
	.name = "audit",
	.summary = "list the programme's audit log (who, when, what, why)",
	.usage = usage,
	.run = run,
};
