/*
 * cmd_devices.c - `camsweep devices`: print the inventory as a table, JSON or CSV.
 *
 * The inventory is read through store.h only. Every string in it came from a device and is
 * hostile until rendered: the table replaces control characters and escape sequences so that a
 * device cannot drive the operator's terminal, JSON goes through common/json.h, and CSV is
 * quoted per RFC 4180 with formula-looking cells defused for spreadsheets.
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "programme/estate.h"
#include "report/csv.h"
#include "store/store.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: camsweep devices [--covered] [--maker NAME] [--format table|json|csv]\n"
	"                        [--db PATH]\n"
	"\n"
	"List the devices recorded in the inventory, in the order they were first recorded.\n"
	"The inventory is filled by `camsweep identify --store`; repeated observations of one\n"
	"device are merged into one record by serial, then MAC, then address.\n"
	"\n"
	"Options:\n"
	"  --covered         only devices that a policy covers (status \"covered\"; devices\n"
	"                    marked \"review\" are not included)\n"
	"  --maker NAME      only devices whose manufacturer is NAME, ignoring case\n"
	"                    (e.g. Hikvision); the brand on the label is not matched\n"
	"  --format FORMAT   how to print the list:\n"
	"                      table  aligned columns for a terminal (default). Device strings\n"
	"                             have control characters and escape sequences replaced by\n"
	"                             '?' and are cut to the column width (marked '~').\n"
	"                      json   one array of objects: the identity and verdict keys of\n"
	"                             `camsweep identify --format json` (without evidence and\n"
	"                             coverage detail), plus id, first_seen, last_seen, site\n"
	"                             (null when no site holds it) and workflow_state.\n"
	"                      csv    RFC 4180, with a header row, for spreadsheets. A cell that\n"
	"                             starts with = + - or @ gets a leading ' so that it is not\n"
	"                             evaluated as a formula; control characters other than\n"
	"                             tab and line breaks are replaced by '?'.\n"
	"  --db PATH         the inventory to read (default: the global --db, $CAMSWEEP_DB, or\n"
	"                    $XDG_DATA_HOME/camsweep/inventory.db, normally\n"
	"                    ~/.local/share/camsweep/inventory.db)\n"
	"  -h, --help        show this help\n"
	"\n"
	"Times are UTC (ISO 8601). COVERED shows the verdict of the policies: covered, review or\n"
	"not_covered.\n"
	"\n"
	"Examples:\n"
	"  camsweep devices\n"
	"  camsweep devices --covered\n"
	"  camsweep devices --maker Hikvision --format csv > hikvision.csv\n"
	"  camsweep devices --format json | jq '.[] | select(.address == \"192.0.2.10\")'\n"
	"  camsweep devices --db site-a.db --covered --format json\n"
	"\n"
	"Exit status: 0 listed (possibly nothing), 1 the inventory could not be read,\n"
	"2 usage error.\n";

enum format { FMT_TABLE, FMT_JSON, FMT_CSV };

/* One device's JSON or CSV text may not exceed this (14 fields at the store's 64 KiB cap). */
enum { ROW_BUF_CAP = 16 * 1024 * 1024 };

/* --- table --------------------------------------------------------------------------------- */

enum {
	C_ID,
	C_MANUFACTURER,
	C_BRAND,
	C_MODEL,
	C_TYPE,
	C_FIRMWARE,
	C_SERIAL,
	C_MAC,
	C_ADDRESS,
	C_COVERED,
	C_SITE,
	C_STATE,
	C_LAST_SEEN,
	NCOLS
};

/* Titles and the widest a column may grow (in terminal cells). */
static const struct {
	const char *title;
	size_t max;
} columns[NCOLS] = {
	[C_ID] = {"ID", 20},
	[C_MANUFACTURER] = {"MANUFACTURER", 20},
	[C_BRAND] = {"BRAND", 16},
	[C_MODEL] = {"MODEL", 24},
	[C_TYPE] = {"TYPE", 10},
	[C_FIRMWARE] = {"FIRMWARE", 24},
	[C_SERIAL] = {"SERIAL", 28},
	[C_MAC] = {"MAC", 17},
	[C_ADDRESS] = {"ADDRESS", 39},
	[C_COVERED] = {"COVERED", 11},
	[C_SITE] = {"SITE", 24},
	[C_STATE] = {"STATE", 12},
	[C_LAST_SEEN] = {"LAST SEEN", 20},
};

/*
 * The removal programme's view of each device: the site it belongs to (by hand or by address)
 * and its workflow state (docs/programme.md). Loaded once before listing.
 */
struct prog_view {
	struct cs_estate estate;
	int64_t *ids; /* devices with a recorded state, ascending */
	char (*states)[16];
	size_t n, alloc;
};

static int prog_state_cb(void *ctx, const struct cs_workflow *w)
{
	struct prog_view *p = ctx;
	if (p->n == p->alloc) {
		size_t want = p->alloc ? p->alloc * 2 : 64;
		int64_t *ids = reallocarray(p->ids, want, sizeof(*ids));
		if (ids == NULL)
			return CS_ENOMEM;
		p->ids = ids;
		char(*states)[16] = reallocarray(p->states, want, sizeof(*states));
		if (states == NULL)
			return CS_ENOMEM;
		p->states = states;
		p->alloc = want;
	}
	p->ids[p->n] = w->device_id;
	snprintf(p->states[p->n], sizeof(p->states[p->n]), "%s", w->state);
	p->n++;
	return 0;
}

static int prog_view_load(struct prog_view *p, struct cs_store *st, struct cs_err *err)
{
	int r = cs_estate_load(&p->estate, st, err);
	if (r == CS_OK)
		r = cs_store_list_workflow(st, prog_state_cb, p, err);
	return r;
}

static void prog_view_free(struct prog_view *p)
{
	cs_estate_free(&p->estate);
	free(p->ids);
	free(p->states);
}

/* The site name (NULL: none) and the state ("identified" when none is recorded) of d. */
static void prog_of(const struct prog_view *p, const struct cs_stored_device *d, const char **site,
		    const char **state)
{
	long k = p != NULL ? cs_estate_site_of(&p->estate, d->id, d->dev.address, NULL, NULL) : -1;
	size_t lo = 0, hi = p != NULL ? p->n : 0;

	*site = k >= 0 ? p->estate.sites[k].name : NULL;
	*state = "identified";
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->ids[mid] < d->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (p != NULL && lo < p->n && p->ids[lo] == d->id)
		*state = p->states[lo];
}

struct table_cell {
	char *text; /* sanitised, owned */
	size_t width;
};

struct table {
	struct table_cell (*rows)[NCOLS];
	size_t nrows, alloc;
	size_t width[NCOLS];
	bool utf8; /* the terminal takes UTF-8: printable non-ASCII characters may pass */
	const struct prog_view *prog;
};

/* Does the locale say UTF-8? Checked the way setlocale() would pick LC_CTYPE. */
static bool locale_is_utf8(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return strcasestr(v, "utf-8") != NULL || strcasestr(v, "utf8") != NULL;
	}
	return false;
}

static unsigned decode_utf8(const unsigned char *p, size_t len)
{
	static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	unsigned cp = p[0] & lead_mask[len];
	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (p[i] & 0x3f);
	return cp;
}

/*
 * Characters a device must not put on the operator's screen even in a UTF-8 terminal: C1
 * controls (0x9b is CSI), bidirectional overrides that reorder what is shown, zero-width and
 * line-separator characters.
 */
static bool unsafe_codepoint(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

/* Terminal cells a printable code point takes: 2 for East Asian wide, 0 for combining marks. */
static size_t codepoint_width(unsigned cp)
{
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe20 && cp <= 0xfe2f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/*
 * Render s for a terminal in at most max cells: control bytes, invalid UTF-8 and unsafe
 * characters become '?', non-ASCII becomes '?' unless the terminal takes UTF-8, and a value
 * cut short ends in '~'. NULL or empty renders as "-". Caller must free *out.
 */
static int term_text(const char *s, size_t max, bool utf8, char **out, size_t *width)
{
	struct cs_buf b;
	const unsigned char *p = (const unsigned char *)(s != NULL && s[0] != '\0' ? s : "-");
	size_t n = strlen((const char *)p), w = 0;
	int r = CS_OK;

	cs_buf_init(&b, 4 * max + 8);
	for (size_t i = 0; i < n && r == CS_OK;) {
		size_t len = 1, cw = 1;
		const char *emit = "?";
		size_t emit_len = 1;
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			emit = (const char *)p + i;
		} else if (p[i] >= 0x80) {
			size_t l = cs_utf8_seq_len(p + i, n - i);
			if (l > 0) {
				unsigned cp = decode_utf8(p + i, l);
				len = l; /* one '?' per character, not per byte */
				if (utf8 && !unsafe_codepoint(cp)) {
					emit = (const char *)p + i;
					emit_len = l;
					cw = codepoint_width(cp);
				}
			}
		}
		/* Cut here if this character does not fit, or fills the last cell with more to
		 * come: the '~' always has a cell of its own. */
		if (w + cw > max || (w + cw == max && i + len < n)) {
			r = cs_buf_putc(&b, '~');
			w++;
			break;
		}
		r = cs_buf_append(&b, emit, emit_len);
		w += cw;
		i += len;
	}
	if (r == CS_OK && b.data == NULL)
		r = cs_buf_append(&b, "", 0);
	if (r != CS_OK) {
		cs_buf_free(&b);
		return r;
	}
	*out = cs_buf_steal(&b);
	*width = w;
	return CS_OK;
}

static int table_row_cb(void *ctx, const struct cs_stored_device *d)
{
	struct table *t = ctx;
	char id[32];
	const char *covered = d->dev.covered_status;
	const char *vals[NCOLS];
	int r = CS_OK;

	if (covered == NULL || covered[0] == '\0')
		covered = d->dev.covered ? "covered" : NULL;
	snprintf(id, sizeof(id), "%lld", (long long)d->id);
	vals[C_ID] = id;
	vals[C_MANUFACTURER] = d->dev.manufacturer;
	vals[C_BRAND] = d->dev.brand;
	vals[C_MODEL] = d->dev.model;
	vals[C_TYPE] = d->device_type;
	vals[C_FIRMWARE] = d->dev.firmware;
	vals[C_SERIAL] = d->dev.serial;
	vals[C_MAC] = d->dev.mac;
	vals[C_ADDRESS] = d->dev.address;
	vals[C_COVERED] = covered;
	prog_of(t->prog, d, &vals[C_SITE], &vals[C_STATE]);
	vals[C_LAST_SEEN] = d->last_seen;

	if (t->nrows == t->alloc) {
		size_t want = t->alloc != 0 ? t->alloc * 2 : 64;
		void *p = reallocarray(t->rows, want, sizeof(*t->rows));
		if (p == NULL)
			return CS_ENOMEM;
		t->rows = p;
		t->alloc = want;
	}
	struct table_cell *row = t->rows[t->nrows];
	memset(row, 0, sizeof(*t->rows));
	t->nrows++; /* counted now so that a partly filled row is still freed */
	for (int c = 0; c < NCOLS && r == CS_OK; c++) {
		r = term_text(vals[c], columns[c].max, t->utf8, &row[c].text, &row[c].width);
		if (r == CS_OK && row[c].width > t->width[c])
			t->width[c] = row[c].width;
	}
	return r;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		for (int c = 0; c < NCOLS; c++)
			free(t->rows[i][c].text);
	free(t->rows);
}

static void print_cell(const char *text, size_t width, size_t col_width, bool last)
{
	fputs(text, stdout);
	if (last)
		return;
	for (size_t i = width; i < col_width + 2; i++)
		putchar(' ');
}

static void table_print(const struct table *t)
{
	for (int c = 0; c < NCOLS; c++)
		print_cell(columns[c].title, strlen(columns[c].title), t->width[c], c == NCOLS - 1);
	putchar('\n');
	for (size_t i = 0; i < t->nrows; i++) {
		for (int c = 0; c < NCOLS; c++)
			print_cell(t->rows[i][c].text, t->rows[i][c].width, t->width[c],
				   c == NCOLS - 1);
		putchar('\n');
	}
}

/* --- json and csv -------------------------------------------------------------------------- */

struct stream {
	struct cs_buf buf;
	struct cs_json json;
	const struct prog_view *prog;
};

/* Write out what the buffer holds and empty it. */
static int flush(struct cs_buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
		return CS_EIO;
	cs_buf_reset(b);
	return CS_OK;
}

static int json_row_cb(void *ctx, const struct cs_stored_device *d)
{
	struct stream *s = ctx;
	struct cs_json *j = &s->json;

	cs_json_obj_begin(j);
	cs_json_key(j, "id");
	cs_json_int(j, d->id);
	cs_json_key(j, "manufacturer");
	cs_json_str(j, d->dev.manufacturer);
	cs_json_key(j, "brand");
	cs_json_str(j, d->dev.brand);
	cs_json_key(j, "model");
	cs_json_str(j, d->dev.model);
	cs_json_key(j, "firmware");
	cs_json_str(j, d->dev.firmware);
	cs_json_key(j, "serial");
	cs_json_str(j, d->dev.serial);
	cs_json_key(j, "mac");
	cs_json_str(j, d->dev.mac);
	cs_json_key(j, "hardware");
	cs_json_str(j, d->dev.hardware);
	cs_json_key(j, "device_type");
	cs_json_str(j, d->device_type);
	cs_json_key(j, "confidence");
	cs_json_num(j, d->dev.confidence, 3);
	cs_json_key(j, "basis");
	cs_json_str(j, d->dev.basis);
	cs_json_key(j, "covered");
	cs_json_bool(j, d->dev.covered);
	cs_json_key(j, "covered_status");
	cs_json_str(j, d->dev.covered_status); /* null: no policy has judged it */
	cs_json_key(j, "address");
	cs_json_str(j, d->dev.address);
	cs_json_key(j, "first_seen");
	cs_json_str(j, d->first_seen);
	cs_json_key(j, "last_seen");
	cs_json_str(j, d->last_seen);
	const char *site, *state;
	prog_of(s->prog, d, &site, &state);
	cs_json_key(j, "site");
	cs_json_str(j, site); /* null: no site holds its address */
	cs_json_key(j, "workflow_state");
	cs_json_str(j, state);
	cs_json_obj_end(j);
	if (j->err != CS_OK)
		return j->err;
	return flush(&s->buf);
}

/* The columns of the CSV output: the JSON keys, in the same order. */
static const char *const csv_header[] = {
	"id",	     "manufacturer", "brand",	       "model",	      "firmware",
	"serial",    "mac",	     "hardware",       "device_type", "confidence",
	"basis",     "covered",	     "covered_status", "address",     "first_seen",
	"last_seen", "site",	     "workflow_state",
};

static int csv_row_cb(void *ctx, const struct cs_stored_device *d)
{
	struct stream *s = ctx;
	char id[32], confidence[32];
	int r;

	snprintf(id, sizeof(id), "%lld", (long long)d->id);
	snprintf(confidence, sizeof(confidence), "%.3f", d->dev.confidence);
	const char *site, *state;
	prog_of(s->prog, d, &site, &state);
	const char *vals[] = {
		id,
		d->dev.manufacturer,
		d->dev.brand,
		d->dev.model,
		d->dev.firmware,
		d->dev.serial,
		d->dev.mac,
		d->dev.hardware,
		d->device_type,
		confidence,
		d->dev.basis,
		d->dev.covered ? "true" : "false",
		d->dev.covered_status,
		d->dev.address,
		d->first_seen,
		d->last_seen,
		site,
		state,
	};
	_Static_assert(CS_ARRAY_SIZE(vals) == CS_ARRAY_SIZE(csv_header), "one value per column");
	for (size_t i = 0; i < CS_ARRAY_SIZE(vals); i++)
		if ((r = cs_csv_cell(&s->buf, vals[i], i == 0)) != CS_OK)
			return r;
	if ((r = cs_buf_puts(&s->buf, "\r\n")) != CS_OK)
		return r;
	return flush(&s->buf);
}

/* --- the command ----------------------------------------------------------------------------- */

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

static int run(int argc, char **argv)
{
	enum { OPT_COVERED = 256, OPT_MAKER, OPT_FORMAT, OPT_DB };
	static const struct option longopts[] = {
		{"covered", no_argument, NULL, OPT_COVERED},
		{"maker", required_argument, NULL, OPT_MAKER},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"db", required_argument, NULL, OPT_DB},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cs_device_filter filter = {0};
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	struct table table = {0};
	struct stream stream;
	struct prog_view prog = {0};
	enum format format = FMT_TABLE;
	const char *db = cs_cli_globals.db;
	int c, r, status = CS_EXIT_FAIL;

	cs_buf_init(&stream.buf, ROW_BUF_CAP);
	optind = 0; /* main() may have run getopt already: restart from argv[1] */
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_COVERED: filter.covered_only = true; break;
		case OPT_MAKER: filter.manufacturer = optarg; break;
		case OPT_FORMAT:
			if (parse_format(optarg, &format) != CS_OK) {
				fprintf(stderr, "camsweep devices: unknown format '%s'", optarg);
				fputs(" (table, json or csv)\n", stderr);
				status = CS_EXIT_USAGE;
				goto out;
			}
			break;
		case OPT_DB: db = optarg; break;
		case 'h':
			fputs(usage, stdout);
			status = CS_EXIT_OK;
			goto out;
		default:
			fputs("Try 'camsweep devices --help'.\n", stderr);
			status = CS_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "camsweep devices: unexpected argument '%s'\n", argv[optind]);
		status = CS_EXIT_USAGE;
		goto out;
	}
	if ((r = cs_cli_check_exists(db, "record devices with `camsweep identify --store`",
				     &err)) != CS_OK ||
	    (r = cs_store_open(&st, db, &err)) != CS_OK ||
	    (r = prog_view_load(&prog, st, &err)) != CS_OK)
		goto fail;
	table.prog = stream.prog = &prog;

	switch (format) {
	case FMT_TABLE:
		table.utf8 = locale_is_utf8();
		for (int i = 0; i < NCOLS; i++)
			table.width[i] = strlen(columns[i].title);
		if ((r = cs_store_list_devices(st, &filter, table_row_cb, &table, &err)) != CS_OK)
			goto fail;
		table_print(&table);
		break;
	case FMT_JSON:
		cs_json_init(&stream.json, &stream.buf, true);
		cs_json_arr_begin(&stream.json);
		if ((r = cs_store_list_devices(st, &filter, json_row_cb, &stream, &err)) != CS_OK)
			goto fail;
		cs_json_arr_end(&stream.json);
		if ((r = cs_json_end(&stream.json)) != CS_OK ||
		    (r = cs_buf_putc(&stream.buf, '\n')) != CS_OK ||
		    (r = flush(&stream.buf)) != CS_OK)
			goto fail;
		break;
	case FMT_CSV:
		for (size_t i = 0; i < CS_ARRAY_SIZE(csv_header); i++)
			if ((r = cs_csv_cell(&stream.buf, csv_header[i], i == 0)) != CS_OK)
				goto fail;
		if ((r = cs_buf_puts(&stream.buf, "\r\n")) != CS_OK ||
		    (r = flush(&stream.buf)) != CS_OK)
			goto fail;
		if ((r = cs_store_list_devices(st, &filter, csv_row_cb, &stream, &err)) != CS_OK)
			goto fail;
		break;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		r = cs_err_set(&err, CS_EIO, "cannot write the output");
		goto fail;
	}
	status = CS_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "camsweep devices: %s\n", err.msg[0] != '\0' ? err.msg : cs_strerror(r));
	status = CS_EXIT_FAIL;
out:
	table_free(&table);
	prog_view_free(&prog);
	cs_buf_free(&stream.buf);
	cs_store_close(st);
	return status;
}

const struct cs_cli_cmd cs_cmd_devices = {
	.name = "devices",
	.summary = "list the devices recorded in the inventory",
	.usage = usage,
	.run = run,
};
