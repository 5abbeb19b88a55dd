/*
 * cmd_findings.c - `camsweep findings` and `camsweep check`: judge every device in the
 * inventory with the findings engine (src/findings/) and print the findings, or, for cron and
 * CI, exit non-zero when any reaches a threshold.
 *
 * Devices are read through store.h; the context of each (site, network, workflow) comes from
 * cs_findings_context_for() (sites, networks and workflow, loaded once). Every string that
 * came from a device is hostile: the table goes through cs_term_safe, JSON through json.h and
 * device_out.c, CSV through report/csv.h.
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"
#include "common/arena.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "findings/findings.h"
#include "findings/findings_ctx.h"
#include "ident/kb.h"
#include "policy/policy.h"
#include "report/csv.h"
#include "report/device_out.h"
#include "store/store.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `camsweep check` exit statuses beyond cli.h's: findings at or above the threshold. */
enum { CS_EXIT_FINDINGS = 3 };

static const char findings_usage[] =
	"Usage: camsweep findings [--min-severity S] [--format table|json|csv] [--policy P]\n"
	"                         [--db PATH] [--data-dir DIR]\n"
	"\n"
	"Judge every device in the inventory and list the findings, most severe first. A finding\n"
	"has a severity (critical, high, medium, low, info), the rule that raised it and the\n"
	"evidence that triggered it. The rules (docs/findings.md):\n"
	"  covered-sensitive-site   critical  a covered device on a sensitive site\n"
	"  covered-core-network     high      a covered device on a core network\n"
	"  covered-elsewhere        medium    a covered device anywhere else\n"
	"  review-device            low       linked to a covered company only by label or OEM\n"
	"  kev-version              high      firmware in the range of a CISA KEV vulnerability\n"
	"  kev-version-approx       high      the same, from an approximate range\n"
	"  vuln-version             medium    firmware in the range of another published CVE\n"
	"  vuln-version-unknown     info      model family affected, firmware cannot tell\n"
	"  removed-reappeared       critical  a device marked removed seen again\n"
	"  disconnected-reappeared  high      a device marked disconnected seen again\n"
	"Severities are data (findings.tsv in the data directory); vulnerable ranges are kept in\n"
	"vulns.tsv. Vulnerabilities are judged from the model and firmware version only: camsweep\n"
	"never tests a device for them.\n"
	"\n"
	"Options:\n"
	"  --min-severity S  only findings of severity S or above (default: info, all)\n"
	"  --format FORMAT   table (default), json (an array of finding objects, each with its\n"
	"                    device; docs/json.md) or csv (RFC 4180, formula-safe)\n"
	"  --policy P        only coverage under these policies counts (comma-separated ids,\n"
	"                    e.g. uk-nil); default: every policy the device was judged under\n"
	"  --db PATH         the inventory (default: the global --db, $CAMSWEEP_DB, or\n"
	"                    ~/.local/share/camsweep/inventory.db)\n"
	"  --data-dir DIR    camsweep's data directory (findings.tsv, vulns.tsv)\n"
	"  -h, --help        show this help\n"
	"\n"
	"Examples:\n"
	"  camsweep findings\n"
	"  camsweep findings --min-severity high --format json\n"
	"  camsweep findings --policy uk-nil --format csv > findings.csv\n"
	"\n"
	"Exit status: 0 listed (possibly nothing), 1 the inventory or data could not be read,\n"
	"2 usage error.\n";

static const char check_usage[] =
	"Usage: camsweep check [--threshold S] [--policy P] [--format table|json|csv] [--quiet]\n"
	"                      [--db PATH] [--data-dir DIR]\n"
	"\n"
	"For cron and CI: judge the inventory like `camsweep findings` and exit non-zero when a\n"
	"finding of severity S or above exists. The findings at or above S are printed (unless\n"
	"--quiet), then one summary line.\n"
	"\n"
	"Options:\n"
	"  --threshold S     critical, high (default), medium, low or info\n"
	"  --policy P        as for `camsweep findings`\n"
	"  --format FORMAT   how to print the findings: table (default), json or csv\n"
	"  -q, --quiet       print nothing; the exit status says it all\n"
	"  --db PATH         the inventory (as for `camsweep findings`)\n"
	"  --data-dir DIR    camsweep's data directory\n"
	"  -h, --help        show this help\n"
	"\n"
	"Examples:\n"
	"  camsweep check --threshold critical || mail -s 'camsweep: critical findings' "
	"sec@example.org\n"
	"  camsweep check --policy us-ndaa889 --quiet\n"
	"\n"
	"Exit status: 0 no finding at or above the threshold, 3 at least one, 1 the inventory\n"
	"or data could not be read, 2 usage error.\n";

enum format { FMT_TABLE, FMT_JSON, FMT_CSV };

/* One finding's output, and the findings of one device, are far below these. */
enum { OUT_BUF_CAP = 64 * 1024 * 1024, ARENA_CAP = 64 * 1024 * 1024 };

/*
 * Memory stays bounded by one device: a first pass judges each device and keeps only a small
 * key per finding (severity, device, position); after sorting, a second pass loads each device
 * again (at most once per severity it has findings of) and prints. Judging is deterministic,
 * so the positions still hold.
 */
struct key {
	int64_t id;
	uint32_t k; /* index in the device's list of findings */
	enum cs_severity sev;
};

struct run {
	struct cs_store *st;
	struct cs_findings_source *src; /* sites, networks, workflow: loaded once */
	struct cs_findings_db *db;
	const char *policy;
	int today;
	struct cs_arena arena;	      /* strings of the current device's findings */
	struct cs_findings_list list; /* the current device's findings */
	struct cs_stored_device *cur; /* the current device */
	int64_t *ids;
	size_t nids, aids;
	struct key *keys;
	size_t nkeys, akeys;
	size_t count[CS_SEV_CRITICAL + 1];
};

static int collect_id(void *ctx, const struct cs_stored_device *d)
{
	struct run *rn = ctx;
	if (rn->nids == rn->aids) {
		size_t want = rn->aids != 0 ? rn->aids * 2 : 64;
		void *p = reallocarray(rn->ids, want, sizeof(*rn->ids));
		if (p == NULL)
			return CS_ENOMEM;
		rn->ids = p;
		rn->aids = want;
	}
	rn->ids[rn->nids++] = d->id;
	return 0;
}

/* Make device id the current one, judged; the previous one is freed. */
static int judge(struct run *rn, int64_t id, struct cs_err *err)
{
	struct cs_findings_context ctx;
	int r;

	if (rn->cur != NULL && rn->cur->id == id)
		return CS_OK;
	cs_stored_device_free(rn->cur);
	rn->cur = NULL;
	rn->list.n = 0;
	cs_arena_reset(&rn->arena);
	if ((r = cs_store_get_device(rn->st, id, &rn->cur, err)) != CS_OK ||
	    (r = cs_findings_context_for(rn->src, rn->cur, rn->today, &ctx, err)) != CS_OK)
		return r;
	return cs_findings_eval(rn->db, &rn->cur->dev, &ctx, rn->policy, &rn->arena, &rn->list,
				err);
}

/* First pass: judge every device, keep a key per finding at or above min. */
static int judge_all(struct run *rn, enum cs_severity min, struct cs_err *err)
{
	int r;

	if ((r = cs_store_list_devices(rn->st, NULL, collect_id, rn, err)) != CS_OK)
		return r;
	for (size_t i = 0; i < rn->nids; i++) {
		if ((r = judge(rn, rn->ids[i], err)) != CS_OK)
			return r;
		for (size_t k = 0; k < rn->list.n; k++) {
			const struct cs_finding *f = &rn->list.v[k];
			if (f->severity < min)
				continue;
			if (rn->nkeys == rn->akeys) {
				size_t want = rn->akeys != 0 ? rn->akeys * 2 : 64;
				void *p = reallocarray(rn->keys, want, sizeof(*rn->keys));
				if (p == NULL)
					return cs_err_set(err, CS_ENOMEM, "out of memory");
				rn->keys = p;
				rn->akeys = want;
			}
			rn->keys[rn->nkeys++] = (struct key){rn->ids[i], (uint32_t)k, f->severity};
			rn->count[f->severity]++;
		}
	}
	return CS_OK;
}

static void run_free(struct run *rn)
{
	cs_stored_device_free(rn->cur);
	cs_findings_source_free(rn->src);
	free(rn->ids);
	free(rn->keys);
	cs_findings_list_free(&rn->list);
	cs_arena_free(&rn->arena);
	cs_findings_db_free(rn->db);
	cs_store_close(rn->st);
}

/* Most severe first, then by device, then in the order the engine raised them. */
static int cmp_keys(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* --- output ---------------------------------------------------------------------------------- */

static int flush(struct cs_buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
		return CS_EIO;
	cs_buf_reset(b);
	return CS_OK;
}

/* Characters (not bytes) in a UTF-8 string already made safe. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s != '\0'; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

enum { T_SEV, T_RULE, T_ID, T_ADDR, T_DEVICE, T_CVE, T_TITLE, T_NCOLS };

static const char *const table_titles[T_NCOLS] = {"SEVERITY",	 "RULE", "DEVICE", "ADDRESS",
						  "MAKER/MODEL", "CVE",	 "TITLE"};

struct out {
	enum format format;
	struct cs_buf b, tmp;
	struct cs_json j;
	char **cells; /* table: T_NCOLS per row, sanitised, owned */
	size_t nrows, arows;
	size_t w[T_NCOLS];
};

static int table_add(struct out *o, const struct cs_stored_device *d, const struct cs_finding *f)
{
	static const size_t max[T_NCOLS] = {8, 24, 20, 39, 40, 16, 200};
	char id[32], maker[512];
	int r = CS_OK;

	if (o->nrows == o->arows) {
		size_t want = o->arows != 0 ? o->arows * 2 : 64;
		void *p = reallocarray(o->cells, want * T_NCOLS, sizeof(*o->cells));
		if (p == NULL)
			return CS_ENOMEM;
		o->cells = p;
		o->arows = want;
	}
	char **row = &o->cells[o->nrows * T_NCOLS];
	memset(row, 0, T_NCOLS * sizeof(*row));
	o->nrows++; /* counted now so that a partly filled row is still freed */
	snprintf(id, sizeof(id), "%lld", (long long)d->id);
	snprintf(maker, sizeof(maker), "%s%s%s",
		 d->dev.manufacturer != NULL ? d->dev.manufacturer : "unknown",
		 d->dev.model != NULL ? " " : "", d->dev.model != NULL ? d->dev.model : "");
	const char *vals[T_NCOLS] = {cs_severity_name(f->severity),
				     f->rule_id,
				     id,
				     d->dev.address != NULL ? d->dev.address : "-",
				     maker,
				     f->cve != NULL ? f->cve : "-",
				     f->title};
	for (int c = 0; c < T_NCOLS && r == CS_OK; c++) {
		cs_buf_reset(&o->tmp);
		if ((r = cs_term_safe(&o->tmp, vals[c], max[c])) != CS_OK ||
		    (r = cs_buf_append(&o->tmp, "", 0)) != CS_OK)
			break;
		if (f->note != NULL && c == T_TITLE)
			r = cs_buf_printf(&o->tmp, " (%s)", f->note);
		if (r == CS_OK && (row[c] = strdup(o->tmp.data)) == NULL)
			r = CS_ENOMEM;
		if (r == CS_OK && width(row[c]) > o->w[c])
			o->w[c] = width(row[c]);
	}
	return r;
}

static void table_print(const struct out *o)
{
	if (o->nrows == 0)
		return;
	for (int c = 0; c < T_NCOLS; c++)
		printf("%s%*s", table_titles[c],
		       c == T_NCOLS - 1 ? 0 : (int)(o->w[c] - strlen(table_titles[c]) + 2), "");
	putchar('\n');
	for (size_t i = 0; i < o->nrows; i++) {
		for (int c = 0; c < T_NCOLS; c++) {
			const char *s = o->cells[i * T_NCOLS + c];
			fputs(s, stdout);
			if (c != T_NCOLS - 1)
				printf("%*s", (int)(o->w[c] - width(s) + 2), "");
		}
		putchar('\n');
	}
}

static void json_finding(struct cs_json *j, const struct cs_stored_device *d,
			 const struct cs_finding *f)
{
	cs_json_obj_begin(j);
	cs_json_key(j, "severity");
	cs_json_str(j, cs_severity_name(f->severity));
	cs_json_key(j, "rule");
	cs_json_str(j, f->rule_id);
	cs_json_key(j, "rule_severity");
	cs_json_str(j, cs_severity_name(f->rule_severity));
	cs_json_key(j, "title");
	cs_json_str(j, f->title);
	cs_json_key(j, "explanation");
	cs_json_str(j, f->explanation);
	cs_json_key(j, "cve");
	cs_json_str(j, f->cve);
	cs_json_key(j, "note");
	cs_json_str(j, f->note);
	cs_json_key(j, "evidence");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < f->nevidence; i++) {
		cs_json_obj_begin(j);
		cs_json_key(j, "name");
		cs_json_str(j, f->evidence[i].name);
		cs_json_key(j, "value");
		cs_json_str(j, f->evidence[i].value);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
	cs_json_key(j, "device_id");
	cs_json_int(j, d->id);
	cs_json_key(j, "device");
	cs_json_obj_begin(j);
	cs_json_key(j, "id");
	cs_json_int(j, d->id);
	cs_json_key(j, "first_seen");
	cs_json_str(j, d->first_seen);
	cs_json_key(j, "last_seen");
	cs_json_str(j, d->last_seen);
	cs_device_json_fields(j, &d->dev);
	cs_json_obj_end(j);
	cs_json_obj_end(j);
}

static const char *const csv_header[] = {
	"severity", "rule", "device_id", "address", "manufacturer", "model",
	"firmware", "cve",  "title",	 "note",    "evidence",
};

static int csv_finding(struct out *o, const struct cs_stored_device *d, const struct cs_finding *f)
{
	char id[32];
	int r;

	snprintf(id, sizeof(id), "%lld", (long long)d->id);
	cs_buf_reset(&o->tmp);
	r = cs_buf_append(&o->tmp, "", 0);
	/* e.g. "coverage=uk-nil: Hikvision; site=HQ" */
	for (size_t k = 0; k < f->nevidence && r == CS_OK; k++)
		r = cs_buf_printf(&o->tmp, "%s%s=%s", k != 0 ? "; " : "", f->evidence[k].name,
				  f->evidence[k].value);
	if (r != CS_OK)
		return r;
	const char *vals[] = {cs_severity_name(f->severity),
			      f->rule_id,
			      id,
			      d->dev.address,
			      d->dev.manufacturer,
			      d->dev.model,
			      d->dev.firmware,
			      f->cve,
			      f->title,
			      f->note,
			      o->tmp.data};
	_Static_assert(CS_ARRAY_SIZE(vals) == CS_ARRAY_SIZE(csv_header), "one per column");
	return cs_csv_row(&o->b, vals, CS_ARRAY_SIZE(vals));
}

static int out_begin(struct out *o)
{
	for (int c = 0; c < T_NCOLS; c++)
		o->w[c] = strlen(table_titles[c]);
	switch (o->format) {
	case FMT_TABLE: return CS_OK;
	case FMT_JSON:
		cs_json_init(&o->j, &o->b, true);
		cs_json_arr_begin(&o->j);
		return CS_OK;
	case FMT_CSV: return cs_csv_row(&o->b, csv_header, CS_ARRAY_SIZE(csv_header));
	}
	return CS_OK;
}

static int out_finding(struct out *o, const struct cs_stored_device *d, const struct cs_finding *f)
{
	int r = CS_OK;
	switch (o->format) {
	case FMT_TABLE: return table_add(o, d, f);
	case FMT_JSON:
		json_finding(&o->j, d, f);
		r = o->j.err;
		break;
	case FMT_CSV: r = csv_finding(o, d, f); break;
	}
	return r == CS_OK ? flush(&o->b) : r;
}

static int out_end(struct out *o)
{
	int r = CS_OK;
	switch (o->format) {
	case FMT_TABLE: table_print(o); return CS_OK;
	case FMT_JSON:
		cs_json_arr_end(&o->j);
		if ((r = cs_json_end(&o->j)) == CS_OK)
			r = cs_buf_putc(&o->b, '\n');
		break;
	case FMT_CSV: break;
	}
	return r == CS_OK ? flush(&o->b) : r;
}

static void out_free(struct out *o)
{
	for (size_t i = 0; i < o->nrows * T_NCOLS; i++)
		free(o->cells[i]);
	free(o->cells);
	cs_buf_free(&o->b);
	cs_buf_free(&o->tmp);
}

/* Second pass: print the findings in key order. */
static int print_all(struct run *rn, struct out *o, struct cs_err *err)
{
	int r;

	if ((r = out_begin(o)) != CS_OK)
		return cs_err_set(err, r, "output: %s", cs_strerror(r));
	for (size_t i = 0; i < rn->nkeys; i++) {
		if ((r = judge(rn, rn->keys[i].id, err)) != CS_OK)
			return r;
		if (rn->keys[i].k >= rn->list.n)
			return cs_err_set(err, CS_ESTORE,
					  "device %lld changed while it was being reported",
					  (long long)rn->keys[i].id);
		if ((r = out_finding(o, rn->cur, &rn->list.v[rn->keys[i].k])) != CS_OK)
			return cs_err_set(err, r, "cannot write the output: %s", cs_strerror(r));
	}
	if ((r = out_end(o)) != CS_OK)
		return cs_err_set(err, r, "cannot write the output: %s", cs_strerror(r));
	return CS_OK;
}

/* --- the commands ---------------------------------------------------------------------------- */

static int parse_format(const char *s, enum format *f)
{
	if (strcmp(s, "table") == 0)
		*f = FMT_TABLE;
	else if (strcmp(s, "json") == 0)
		*f = FMT_JSON;
	else if (strcmp(s, "csv") == 0)
		*f = FMT_CSV;
	else
		return CS_EINVAL;
	return CS_OK;
}

static int common(const char *name, bool check, int argc, char **argv)
{
	enum { O_MIN = 256, O_FORMAT, O_POLICY, O_DB, O_DATADIR };
	static const struct option longopts[] = {
		{"min-severity", required_argument, NULL, O_MIN},
		{"threshold", required_argument, NULL, O_MIN},
		{"format", required_argument, NULL, O_FORMAT},
		{"policy", required_argument, NULL, O_POLICY},
		{"db", required_argument, NULL, O_DB},
		{"data-dir", required_argument, NULL, O_DATADIR},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cs_kb_opts kopts = {cs_cli_globals.data_dir, NULL, NULL};
	struct cs_kb *kb = NULL;
	struct run rn = {0};
	struct out o = {0};
	struct cs_err err = {0};
	enum format format = FMT_TABLE;
	enum cs_severity min = check ? CS_SEV_HIGH : CS_SEV_INFO;
	const char *db = cs_cli_globals.db, *policy = NULL;
	bool quiet = false;
	int c, r = CS_OK, status = CS_EXIT_FAIL;

	cs_arena_init(&rn.arena, ARENA_CAP);
	optind = 0;
	while ((c = getopt_long(argc, argv, check ? "hq" : "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_MIN:
			/* --min-severity and --threshold are one option with two names. */
			if (cs_severity_parse(optarg, &min) != CS_OK) {
				fprintf(stderr,
					"camsweep %s: unknown severity '%s' (critical, high, "
					"medium, "
					"low or info)\n",
					name, optarg);
				status = CS_EXIT_USAGE;
				goto out;
			}
			break;
		case O_FORMAT:
			if (parse_format(optarg, &format) != CS_OK) {
				fprintf(stderr,
					"camsweep %s: unknown format '%s' (table, json or csv)\n",
					name, optarg);
				status = CS_EXIT_USAGE;
				goto out;
			}
			break;
		case O_POLICY: policy = optarg; break;
		case O_DB: db = optarg; break;
		case O_DATADIR: kopts.data_dir = optarg; break;
		case 'q': quiet = true; break;
		case 'h':
			fputs(check ? check_usage : findings_usage, stdout);
			status = CS_EXIT_OK;
			goto out;
		default:
			fprintf(stderr, "Try 'camsweep %s --help'.\n", name);
			status = CS_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "camsweep %s: unexpected argument '%s'\n", name, argv[optind]);
		status = CS_EXIT_USAGE;
		goto out;
	}
	if ((r = cs_kb_load(&kb, &kopts, &err)) != CS_OK)
		goto fail;
	if (policy != NULL && cs_policy_check_ids(kb, policy, &err) != CS_OK) {
		fprintf(stderr, "camsweep %s: %s\n", name, err.msg);
		status = CS_EXIT_USAGE;
		goto out;
	}
	const char *dirs[2];
	size_t ndirs = 0;
	for (int i = 0; i < kb->ndata_dirs && i < 2; i++)
		dirs[ndirs++] = kb->data_dirs[i];
	if ((r = cs_findings_db_load(&rn.db, dirs, ndirs, &err)) != CS_OK)
		goto fail;
	if ((r = cs_cli_check_exists(db, NULL, &err)) != CS_OK ||
	    (r = cs_store_open(&rn.st, db, &err)) != CS_OK ||
	    (r = cs_findings_source_open(&rn.src, rn.st, &err)) != CS_OK)
		goto fail;
	rn.policy = policy;
	rn.today = cs_findings_today();
	if ((r = judge_all(&rn, min, &err)) != CS_OK)
		goto fail;
	if (rn.nkeys > 1)
		qsort(rn.keys, rn.nkeys, sizeof(*rn.keys), cmp_keys);
	size_t n = rn.nkeys;
	if (!quiet) {
		o.format = format;
		cs_buf_init(&o.b, OUT_BUF_CAP);
		cs_buf_init(&o.tmp, OUT_BUF_CAP);
		if ((r = print_all(&rn, &o, &err)) != CS_OK)
			goto fail;
		/* The summary goes where it does not spoil machine-readable output. */
		FILE *sum = format == FMT_TABLE ? stdout : stderr;
		if (check || format == FMT_TABLE)
			fprintf(sum,
				"%s%zu finding%s at or above %s (critical %zu, high %zu, medium "
				"%zu, low %zu, info %zu) on %zu device%s\n",
				format == FMT_TABLE && n > 0 ? "\n" : "", n, n == 1 ? "" : "s",
				cs_severity_name(min), rn.count[CS_SEV_CRITICAL],
				rn.count[CS_SEV_HIGH], rn.count[CS_SEV_MEDIUM],
				rn.count[CS_SEV_LOW], rn.count[CS_SEV_INFO], rn.nids,
				rn.nids == 1 ? "" : "s");
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		r = cs_err_set(&err, CS_EIO, "cannot write the output");
		goto fail;
	}
	status = check && n > 0 ? CS_EXIT_FINDINGS : CS_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "camsweep %s: %s\n", name, err.msg[0] != '\0' ? err.msg : cs_strerror(r));
	status = CS_EXIT_FAIL;
out:
	out_free(&o);
	run_free(&rn);
	cs_kb_free(kb);
	return status;
}

static int findings_run(int argc, char **argv)
{
	return common("findings", false, argc, argv);
}

static int check_run(int argc, char **argv)
{
	return common("check", true, argc, argv);
}

const struct cs_cli_cmd cs_cmd_findings = {
	.name = "findings",
	.summary = "list findings: covered devices by site and network, vulnerable firmware",
	.usage = findings_usage,
	.run = findings_run,
};

const struct cs_cli_cmd cs_cmd_check = {
	.name = "check",
	.summary = "exit non-zero when findings reach a severity (for cron and CI)",
	.usage = check_usage,
	.run = check_run,
};
