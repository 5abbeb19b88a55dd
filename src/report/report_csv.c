/*
 * report_csv.c - the report as CSV (RFC 4180), for spreadsheets.
 *
 * The full report is one row per device with its removal state and finding counts. A summary
 * for publication (--summary-only) has no per-device rows: one row per operator and per
 * manufacturer, plus the total, with counts and the percentage cleared.
 * Cells a spreadsheet would evaluate as a formula (= + - @, or a leading tab or CR) get a
 * leading apostrophe, so that a device calling itself "=HYPERLINK(...)" stays text.
 */
#include "report/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv {
	struct cs_buf *b;
	int err;
	bool first; /* no comma before the next cell */
};

/* One cell: quoted when it holds a comma, quote, CR or LF; quotes doubled; formulas defused.
 * Control characters (C0 but tab, CR and LF; DEL; C1) become '?'. NULL is an empty cell. */
static void cell(struct csv *c, const char *s)
{
	struct cs_buf *b = c->b;
	int r = CS_OK;

	if (c->err != CS_OK)
		return;
	if (!c->first)
		r = cs_buf_putc(b, ',');
	c->first = false;
	if (r != CS_OK || s == NULL) {
		c->err = r;
		return;
	}
	bool defuse = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		r = cs_buf_putc(b, '"');
	if (r == CS_OK && defuse)
		r = cs_buf_putc(b, '\'');
	for (const unsigned char *p = (const unsigned char *)s; r == CS_OK && *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n') || *p == 0x7f) {
			r = cs_buf_putc(b, '?');
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			r = cs_buf_putc(b, '?'); /* C1 controls, U+0080..U+009F */
			p++;
		} else if ((r = cs_buf_putc(b, (char)*p)) == CS_OK && *p == '"') {
			r = cs_buf_putc(b, '"');
		}
	}
	if (r == CS_OK && quote)
		r = cs_buf_putc(b, '"');
	c->err = r;
}

static void cell_int(struct csv *c, int64_t v)
{
	char s[32];
	snprintf(s, sizeof(s), "%" PRId64, v);
	cell(c, s);
}

static void end_row(struct csv *c)
{
	if (c->err == CS_OK)
		c->err = cs_buf_puts(c->b, "\r\n");
	c->first = true;
}

static const char *const device_columns[] = {
	"id",
	"site",
	"operator",
	"address",
	"manufacturer",
	"brand",
	"model",
	"firmware",
	"serial",
	"mac",
	"device_type",
	"covered",
	"covered_status",
	"covered_by",
	"state",
	"due",
	"first_seen",
	"last_seen",
	"evidence",
	"findings",
	"findings_critical",
	"findings_high",
	"findings_medium",
	"findings_low",
	"findings_info",
};

static int device_rows(struct csv *c, const struct cs_report *r)
{
	struct cs_buf policies;
	int rc = CS_OK;

	/* Findings per device, by severity, counted once rather than per device. */
	int64_t(*nf)[CS_RPT_NSEVERITIES] = NULL;
	if (r->ndevices > 0 && (nf = calloc(r->ndevices, sizeof(*nf))) == NULL)
		return CS_ENOMEM;
	for (size_t k = 0; k < r->nfindings; k++) {
		const struct cs_rpt_device *d = cs_rpt_find_device(r, r->findings[k].device);
		if (d != NULL)
			nf[d - r->devices][r->findings[k].severity]++;
	}
	cs_buf_init(&policies, 64 * 1024);
	for (size_t i = 0; i < CS_ARRAY_SIZE(device_columns); i++)
		cell(c, device_columns[i]);
	end_row(c);
	for (size_t i = 0; i < r->ndevices && c->err == CS_OK; i++) {
		const struct cs_rpt_device *d = &r->devices[i];
		const struct cs_rpt_site *s = cs_rpt_find_site(r, d->site);
		int64_t total = 0;
		for (int k = 0; k < CS_RPT_NSEVERITIES; k++)
			total += nf[i][k];
		cs_buf_reset(&policies);
		for (size_t k = 0; k < d->ncovered_by && rc == CS_OK; k++)
			rc = cs_buf_printf(&policies, "%s%s", k > 0 ? ";" : "",
					   d->covered_by[k].policy);
		if (rc != CS_OK)
			break;
		cell_int(c, d->id);
		cell(c, s != NULL ? s->name : d->site);
		cell(c, s != NULL ? s->operator_ : NULL);
		cell(c, d->address);
		cell(c, d->manufacturer);
		cell(c, d->brand);
		cell(c, d->model);
		cell(c, d->firmware);
		cell(c, d->serial);
		cell(c, d->mac);
		cell(c, d->device_type);
		cell(c, d->covered ? "true" : "false");
		cell(c, d->covered_status);
		cell(c, policies.data != NULL ? policies.data : "");
		cell(c, cs_rpt_state_name(d->state));
		cell(c, d->due);
		cell(c, d->first_seen);
		cell(c, d->last_seen);
		cell_int(c, (int64_t)d->nevidence);
		cell_int(c, total);
		for (int k = 0; k < CS_RPT_NSEVERITIES; k++)
			cell_int(c, nf[i][k]);
		end_row(c);
	}
	cs_buf_free(&policies);
	free(nf);
	return rc != CS_OK ? rc : c->err;
}

static void group_row(struct csv *c, const char *group, const struct cs_rpt_group *g)
{
	char p[16] = "";
	cell(c, group);
	cell(c, g->key);
	cell_int(c, g->total);
	cell_int(c, g->affected);
	cell_int(c, g->done);
	cell_int(c, g->remaining);
	if (g->affected > 0)
		snprintf(p, sizeof(p), "%.1f", 100.0 * (double)g->done / (double)g->affected);
	cell(c, p);
	end_row(c);
}

static int summary_rows(struct csv *c, const struct cs_report *r)
{
	static const char *const cols[] = {"group",   "key",	   "devices",	     "affected",
					   "cleared", "remaining", "cleared_percent"};
	struct cs_rpt_group total;
	int rc = CS_OK;

	for (size_t i = 0; i < CS_ARRAY_SIZE(cols); i++)
		cell(c, cols[i]);
	end_row(c);
	cs_rpt_totals(r, &total);
	group_row(c, "total", &total);
	for (int by = CS_RPT_BY_OPERATOR; by <= CS_RPT_BY_MAKER && rc == CS_OK; by++) {
		struct cs_rpt_group *g;
		size_t n;
		if (by == CS_RPT_BY_OPERATOR && r->nsites == 0)
			continue;
		if ((rc = cs_rpt_aggregate(r, (enum cs_rpt_groupby)by, &g, &n)) != CS_OK)
			break;
		for (size_t i = 0; i < n; i++)
			group_row(c, cs_rpt_groupby_name((enum cs_rpt_groupby)by), &g[i]);
		free(g);
	}
	return rc != CS_OK ? rc : c->err;
}

int cs_rpt_render_csv(const struct cs_report *r, const struct cs_rpt_options *o, struct cs_buf *out)
{
	struct csv c = {.b = out, .first = true};
	return o->summary_only ? summary_rows(&c, r) : device_rows(&c, r);
}
