/*
 * report_html.c - the report as one self-contained HTML file (docs/report.md).
 *
 * The file opens offline and prints well: CSS is inline (with @media print), the charts are
 * inline SVG drawn here, and there is no JavaScript at all; a Content-Security-Policy meta
 * forbids scripts and every external load, so even a string that slipped past escaping could
 * not run. Every string from the model goes through cs_html_escape (htmlesc.h). Each chart has
 * a <title> and <desc> and is followed by a table of the same figures, for screen readers and
 * for readers who want the numbers.
 *
 * Order of the page, by reader: the one-page summary (where we are against the milestones, in
 * plain words) for a minister; the charts and breakdowns; findings, sites and the device table
 * with each device's evidence for an engineer; methodology, provenance, scans and the audit
 * excerpt for an auditor.
 */
#include "report/htmlesc.h"
#include "report/report.h"

#include "common/str.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct html {
	struct cs_buf *b;
	int err; /* the first error; later output is skipped */
	const struct cs_report *r;
	const struct cs_rpt_options *o;
	int window;
	enum cs_rpt_measure headline;
	struct cs_rpt_projection proj[CS_RPT_NMEASURES];
	struct cs_rpt_ms_eval *ms; /* one per milestone */
	int nsvg;		   /* for unique title/desc ids */
};

static void put(struct html *h, const char *s)
{
	if (h->err == CS_OK)
		h->err = cs_buf_puts(h->b, s);
}

static void __attribute__((format(printf, 2, 3))) putf(struct html *h, const char *fmt, ...)
{
	va_list ap;
	if (h->err != CS_OK)
		return;
	va_start(ap, fmt);
	h->err = cs_buf_vprintf(h->b, fmt, ap);
	va_end(ap);
}

/* Escaped text; NULL or empty shows as a dash. */
static void esc(struct html *h, const char *s)
{
	if (h->err != CS_OK)
		return;
	if (s == NULL || s[0] == '\0')
		h->err = cs_buf_puts(h->b, "&#8211;");
	else
		h->err = cs_html_puts(h->b, s);
}

/* Escaped text cut to at most max bytes (never inside a UTF-8 sequence), for chart labels. */
static void esc_cut(struct html *h, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max) {
		esc(h, s);
		return;
	}
	n = cs_utf8_clip(s, max);
	if (h->err == CS_OK)
		h->err = cs_html_escape(h->b, s, n);
	put(h, "&#8230;");
}

static void day_long(cs_rpt_day d, char *out, size_t cap)
{
	cs_rpt_format_day_long(d, out, cap);
}

/* Percentages are rounded down, so that 69.6% never reads as a met 70% target. */
static int pct(double fraction)
{
	double p = floor(fraction * 100.0 + 1e-9);
	return p < 0 ? 0 : p > 100 ? 100 : (int)p;
}

static const char *status_class(enum cs_rpt_ms_status s)
{
	static const char *const cls[] = {"met", "ontrack", "atrisk", "missed", "unknown"};
	return (unsigned)s < CS_ARRAY_SIZE(cls) ? cls[s] : "unknown";
}

/* --- head ------------------------------------------------------------------------------------ */

static const char css[] =
	":root{--ink:#1b1f24;--muted:#5b6673;--line:#d5dae1;--navy:#1f3a5f;--met:#2e7d32;"
	"--ontrack:#2e7d32;--atrisk:#b26a00;--missed:#b3261e;--unknown:#6b7785;--remain:#c77c02;"
	"--done:#2e7d32;--na:#c9d0d8}\n"
	"*{box-sizing:border-box}\n"
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
	"sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:24px 32px;"
	"line-height:1.45;font-size:15px}\n"
	"h1{font-size:26px;margin:0 0 4px;color:var(--navy)}\n"
	"h2{font-size:20px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid "
	"var(--navy);color:var(--navy)}\n"
	"h3{font-size:16px;margin:20px 0 6px}\n"
	".meta{color:var(--muted);font-size:13px;margin:0 0 12px}\n"
	".banner{border:1px solid var(--atrisk);background:#fff6e5;padding:6px 10px;"
	"border-radius:4px;font-size:13px}\n"
	".tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}\n"
	".tile{flex:1 1 200px;border:1px solid var(--line);border-radius:6px;padding:10px 14px}\n"
	".tile .n{font-size:28px;font-weight:700;color:var(--navy)}\n"
	".tile .l{font-size:13px;color:var(--muted)}\n"
	".words p{margin:6px 0;font-size:16px}\n"
	"table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13px}\n"
	"th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;"
	"vertical-align:top;overflow-wrap:break-word}\n"
	"td.mono{overflow-wrap:anywhere}\n"
	".nw{white-space:nowrap}\n"
	".dense{font-size:12px;table-layout:fixed}.dense td,.dense th{padding:3px 4px;"
	"overflow-wrap:anywhere}\n"
	"th{background:#f1f4f8;font-weight:600}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	".badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;"
	"font-weight:600;white-space:nowrap}\n"
	".b-met,.b-ontrack{background:var(--met)}.b-atrisk{background:var(--atrisk)}"
	".b-missed{background:var(--missed)}.b-unknown{background:var(--unknown)}\n"
	".sev-critical,.sev-high{color:var(--missed);font-weight:700}.sev-medium{color:"
	"var(--atrisk);font-weight:600}\n"
	"figure{margin:12px 0 4px}figcaption{font-weight:600;margin-bottom:4px}\n"
	"svg{max-width:100%;height:auto;font-family:inherit}\n"
	"svg text{font-size:12px;fill:var(--ink)}\n"
	".dev{border-top:1px solid var(--line);padding-top:4px}\n"
	".dev h3{font-size:14px;margin:10px 0 4px}\n"
	".mono,code{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
	"font-size:12px}\n"
	"footer{margin-top:32px;color:var(--muted);font-size:12px}\n"
	"@media print{@page{size:A4;margin:14mm}body{max-width:none;padding:0;font-size:10pt}"
	"h2{break-after:avoid}figure,.tile,tr,.dev{break-inside:avoid}"
	"thead{display:table-header-group}#summary{break-after:page}"
	"a{color:inherit;text-decoration:none}"
	".badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

static void head(struct html *h)
{
	const struct cs_rpt_programme *p = &h->r->programme;

	put(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
	/* No scripts, no external anything: the report is one inert file. */
	put(h, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "script-src 'none'; object-src 'none'; style-src 'unsafe-inline'; "
	       "base-uri 'none'; form-action 'none'\">\n");
	put(h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	put(h, "<meta name=\"generator\" content=\"camsweep\">\n<title>");
	esc(h, p->name);
	/* Literal characters, not entities, so that the title reads the same in the DOM. */
	putf(h, " \u2014 removal report, %s</title>\n<style>\n", p->as_of);
	put(h, css);
	put(h, "</style>\n</head>\n<body>\n");
}

/* --- svg helpers ------------------------------------------------------------------------------ */

/* Open an accessible <svg>: title and desc are plain strings from this file or escaped here. */
static void svg_open(struct html *h, int w, int ht, const char *title, const char *desc_fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void svg_open(struct html *h, int w, int ht, const char *title, const char *desc_fmt, ...)
{
	char desc[1024];
	va_list ap;
	int id = ++h->nsvg;

	va_start(ap, desc_fmt);
	vsnprintf(desc, sizeof(desc), desc_fmt, ap);
	va_end(ap);
	putf(h,
	     "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	     "height=\"%d\" role=\"img\" aria-labelledby=\"svg%d-t svg%d-d\" class=\"chart\">\n"
	     "<title id=\"svg%d-t\">",
	     w, ht, w, ht, id, id, id);
	esc(h, title);
	putf(h, "</title>\n<desc id=\"svg%d-d\">", id);
	esc(h, desc);
	put(h, "</desc>\n");
}

static const char *status_colour(enum cs_rpt_ms_status s)
{
	switch (s) {
	case CS_RPT_MS_MET:
	case CS_RPT_MS_ON_TRACK: return "#2e7d32";
	case CS_RPT_MS_AT_RISK: return "#b26a00";
	case CS_RPT_MS_MISSED: return "#b3261e";
	default: return "#6b7785";
	}
}

/* --- summary ---------------------------------------------------------------------------------- */

static void tile(struct html *h, const char *number, const char *label)
{
	put(h, "<div class=\"tile\"><div class=\"n\">");
	esc(h, number);
	put(h, "</div><div class=\"l\">");
	esc(h, label);
	put(h, "</div></div>\n");
}

/* The sentence about one milestone, in plain words. */
static void milestone_words(struct html *h, const struct cs_rpt_milestone *m,
			    const struct cs_rpt_ms_eval *e)
{
	char due[48], when[48];

	day_long(m->due_day, due, sizeof(due));
	put(h, "<p>The milestone <strong>");
	esc(h, m->label);
	putf(h, "</strong> (%d%% of affected %s by %s) ", pct(m->target),
	     cs_rpt_measure_name(m->measure), due);
	switch (e->status) {
	case CS_RPT_MS_MET:
		day_long(e->met_day, when, sizeof(when));
		if (e->met_late)
			putf(h, "was <strong>met late</strong>, on %s (%d days after it was due).",
			     when, e->met_day - m->due_day);
		else
			putf(h, "was <strong>met</strong> on %s.", when);
		break;
	case CS_RPT_MS_ON_TRACK:
		day_long(e->target_day, when, sizeof(when));
		putf(h, "is <strong>on track</strong>: at the recent rate it is reached by %s.",
		     when);
		break;
	case CS_RPT_MS_AT_RISK:
		if (e->target_day >= 0) {
			day_long(e->target_day, when, sizeof(when));
			putf(h,
			     "is <strong>at risk</strong>: at the recent rate it would be reached "
			     "on %s, after it is due.",
			     when);
		} else {
			put(h, "is <strong>at risk</strong>: at the recent rate it would not be "
			       "reached.");
		}
		break;
	case CS_RPT_MS_MISSED:
		putf(h, "was <strong>missed</strong>: %d%% had been achieved by %s.",
		     pct(e->fraction), h->r->programme.as_of);
		break;
	default: put(h, "cannot be judged yet: nothing has been measured."); break;
	}
	put(h, "</p>\n");
}

static void summary(struct html *h)
{
	const struct cs_report *r = h->r;
	const struct cs_rpt_projection *pr = &h->proj[h->headline];
	enum cs_rpt_measure m = h->headline;
	char as_of[48], when[48], num[64], label[160];

	day_long(r->programme.as_of_day, as_of, sizeof(as_of));
	put(h, "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"tiles\">\n");
	if (pr->have_data) {
		double f = pr->affected > 0 ? (double)pr->removed / (double)pr->affected : 1.0;
		snprintf(num, sizeof(num), "%d%%", pct(f));
		snprintf(label, sizeof(label), "of affected %s cleared (%lld of %lld)",
			 cs_rpt_measure_name(m), (long long)pr->removed, (long long)pr->affected);
		tile(h, num, label);
		snprintf(num, sizeof(num), "%lld", (long long)pr->remaining);
		snprintf(label, sizeof(label), "affected %s remaining", cs_rpt_measure_name(m));
		tile(h, num, label);
		if (pr->done)
			tile(h, "Complete", "all affected equipment removed");
		else if (pr->converging) {
			day_long(pr->completion_day, when, sizeof(when));
			tile(h, when, "projected completion at the recent rate");
		} else {
			tile(h, pr->have_rate ? "Not converging" : "No trend yet",
			     "projected completion");
		}
	}
	for (size_t i = 0; i < r->nmilestones; i++) {
		/* The next milestone not yet met is what the reader most needs. */
		if (h->ms[i].status == CS_RPT_MS_MET)
			continue;
		snprintf(label, sizeof(label), "next milestone: %d%% of %s by %s",
			 pct(r->milestones[i].target),
			 cs_rpt_measure_name(r->milestones[i].measure), r->milestones[i].due);
		tile(h, cs_rpt_ms_status_label(h->ms[i].status), label);
		break;
	}
	put(h, "</div>\n<div class=\"words\">\n");
	if (!pr->have_data) {
		putf(h, "<p>As of %s no progress has been measured yet.</p>\n", as_of);
	} else {
		double f = pr->affected > 0 ? (double)pr->removed / (double)pr->affected : 1.0;
		putf(h,
		     "<p>As of %s, <strong>%lld of %lld</strong> affected %s (%d%%) have had their "
		     "covered equipment removed; <strong>%lld</strong> remain.</p>\n",
		     as_of, (long long)pr->removed, (long long)pr->affected, cs_rpt_measure_name(m),
		     pct(f), (long long)pr->remaining);
		if (pr->done) {
			put(h, "<p>All affected equipment has been removed.</p>\n");
		} else if (!pr->have_rate) {
			put(h, "<p>There are not yet enough measurements to project a completion "
			       "date.</p>\n");
		} else if (pr->converging) {
			day_long(pr->completion_day, when, sizeof(when));
			/* A week when that makes a whole number or more, else a month. */
			bool weekly = pr->rate_per_day * 7.0 >= 1.0;
			putf(h,
			     "<p>Over the last %d days removals averaged %.1f %s a %s; at that "
			     "rate the last would be removed by <strong>%s</strong>.</p>\n",
			     h->window, pr->rate_per_day * (weekly ? 7.0 : 30.44),
			     cs_rpt_measure_name(m), weekly ? "week" : "month", when);
		} else {
			putf(h,
			     "<p>Over the last %d days there was no net progress: at that rate the "
			     "programme <strong>will not complete</strong>.</p>\n",
			     h->window);
		}
	}
	for (size_t i = 0; i < r->nmilestones; i++)
		milestone_words(h, &r->milestones[i], &h->ms[i]);
	put(h, "</div>\n");

	if (r->nmilestones > 0) {
		put(h, "<table>\n<caption class=\"meta\">Milestones</caption>\n<thead><tr>"
		       "<th>Milestone</th><th class=\"num\">Target</th><th>Due</th>"
		       "<th>Measured by</th><th class=\"num\">Now</th>"
		       "<th class=\"num\">Projected at due date</th><th>Status</th></tr></thead>"
		       "\n<tbody>\n");
		for (size_t i = 0; i < r->nmilestones; i++) {
			const struct cs_rpt_milestone *ms = &r->milestones[i];
			const struct cs_rpt_ms_eval *e = &h->ms[i];
			put(h, "<tr><td>");
			esc(h, ms->label);
			putf(h,
			     "</td><td class=\"num\">%d%%</td><td class=\"nw\">%s</td><td>%s</td>",
			     pct(ms->target), ms->due, cs_rpt_measure_name(ms->measure));
			if (e->status == CS_RPT_MS_UNKNOWN)
				put(h, "<td class=\"num\">&#8211;</td>");
			else
				putf(h, "<td class=\"num\">%d%%</td>", pct(e->fraction));
			if (e->projected >= 0 && e->status != CS_RPT_MS_MET)
				putf(h, "<td class=\"num\">%d%%</td>", pct(e->projected));
			else
				put(h, "<td class=\"num\">&#8211;</td>");
			putf(h, "<td><span class=\"badge b-%s\">%s%s</span></td></tr>\n",
			     status_class(e->status), cs_rpt_ms_status_label(e->status),
			     e->met_late ? " late" : "");
		}
		put(h, "</tbody>\n</table>\n");
	}
	put(h, "</section>\n");
}

/* --- charts ------------------------------------------------------------------------------------ */

static void milestone_chart(struct html *h)
{
	const struct cs_report *r = h->r;
	const int w = 760, track = 560, row = 56;
	int ht = 16 + row * (int)r->nmilestones;

	put(h, "<figure>\n<figcaption>Progress against the milestones</figcaption>\n");
	svg_open(h, w, ht, "Progress against the milestones",
		 "One bar per milestone: the filled part is the share of affected items cleared "
		 "now, the black mark is the milestone's target.");
	for (size_t i = 0; i < r->nmilestones; i++) {
		const struct cs_rpt_milestone *m = &r->milestones[i];
		const struct cs_rpt_ms_eval *e = &h->ms[i];
		int y = 18 + row * (int)i;
		double f = e->status == CS_RPT_MS_UNKNOWN ? 0 : e->fraction;
		int tx = (int)lround(m->target * track);
		put(h, "<g>");
		putf(h, "<text x=\"0\" y=\"%d\">", y);
		esc_cut(h, m->label, 70);
		putf(h, " &#8212; %d%% of %s by %s</text>", pct(m->target),
		     cs_rpt_measure_name(m->measure), m->due);
		putf(h,
		     "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"3\" "
		     "fill=\"#e6e9ee\"/>",
		     y + 8, track);
		putf(h, "<rect x=\"0\" y=\"%d\" width=\"%ld\" height=\"18\" rx=\"3\" fill=\"%s\"/>",
		     y + 8, lround(f * track), status_colour(e->status));
		putf(h,
		     "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1b1f24\" "
		     "stroke-width=\"3\"/>",
		     tx, y + 3, tx, y + 31);
		putf(h, "<text x=\"%d\" y=\"%d\">%d%% &#183; %s%s</text>", track + 12, y + 22,
		     pct(f), cs_rpt_ms_status_label(e->status), e->met_late ? " late" : "");
		put(h, "</g>\n");
	}
	put(h, "</svg>\n</figure>\n");
}

static void month_label(cs_rpt_day d, char *out, size_t cap)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	char iso[16];
	cs_rpt_format_day(d, iso, sizeof(iso));
	int m = (iso[5] - '0') * 10 + (iso[6] - '0');
	snprintf(out, cap, "%d %s %.4s", (iso[8] - '0') * 10 + (iso[9] - '0'),
		 m >= 1 && m <= 12 ? mon[m - 1] : "?", iso);
}

/* A round step for about five ticks up to max. */
static int64_t nice_step(int64_t max)
{
	int64_t step = 1;
	while (step * 5 < max) {
		if (step * 2 * 5 >= max)
			return step * 2;
		if (step * 5 * 5 >= max)
			return step * 5;
		step *= 10;
	}
	return step;
}

static void burndown_chart(struct html *h, enum cs_rpt_measure m)
{
	const struct cs_report *r = h->r;
	const struct cs_rpt_projection *pr = &h->proj[m];
	const int w = 760, ht = 320, l = 60, rt = 24, t = 20, b = 44;
	const int pw = w - l - rt, ph = ht - t - b;
	cs_rpt_day x0 = -1, x1 = -1;
	int64_t ymax = 1;
	char d0[48], d1[48];

	for (size_t i = 0; i < r->nprogress; i++) {
		const struct cs_rpt_point *p = &r->progress[i];
		if (p->affected[m] < 0 || p->day > r->programme.as_of_day)
			continue;
		if (x0 < 0)
			x0 = p->day;
		x1 = p->day;
		if (p->affected[m] > ymax)
			ymax = p->affected[m];
	}
	if (x0 < 0)
		return;
	if (pr->converging && pr->completion_day > x1)
		x1 = pr->completion_day;
	for (size_t i = 0; i < r->nmilestones; i++) {
		if (r->milestones[i].measure != m)
			continue;
		if (r->milestones[i].due_day > x1)
			x1 = r->milestones[i].due_day;
		if (r->milestones[i].due_day < x0)
			x0 = r->milestones[i].due_day;
	}
	if (!pr->converging && x1 < r->programme.as_of_day + 30)
		x1 = r->programme.as_of_day + 30;
	if (x1 <= x0)
		x1 = x0 + 1;
	int64_t step = nice_step(ymax);
	ymax = (ymax + step - 1) / step * step;
#define X(day) (l + (double)((day)-x0) * pw / (double)(x1 - x0))
#define Y(v)   (t + ph - (double)(v)*ph / (double)ymax)

	day_long(x0, d0, sizeof(d0));
	day_long(x1, d1, sizeof(d1));
	putf(h, "<figure>\n<figcaption>Burn-down: affected %s remaining</figcaption>\n",
	     cs_rpt_measure_name(m));
	char title[96];
	snprintf(title, sizeof(title), "Burn-down of affected %s", cs_rpt_measure_name(m));
	svg_open(h, w, ht, title,
		 "Affected %s still to clear, from %s to %s. Solid line: measured. Dashed line: "
		 "projection at the recent removal rate%s. Diamonds: what each milestone allows to "
		 "remain on its due date.",
		 cs_rpt_measure_name(m), d0, d1,
		 !pr->have_rate	  ? " (no line yet: it needs two measurements)"
		 : pr->converging ? ""
				  : " (not converging: no completion date)");
	/* Grid and axes. */
	for (int64_t v = 0; v <= ymax; v += step) {
		putf(h,
		     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e7ec\"/>"
		     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%lld</text>\n",
		     l, Y(v), l + pw, Y(v), l - 6, Y(v) + 4, (long long)v);
	}
	for (int i = 0; i <= 4; i++) {
		cs_rpt_day d = x0 + (cs_rpt_day)((int64_t)(x1 - x0) * i / 4);
		char lab[32];
		month_label(d, lab, sizeof(lab));
		putf(h,
		     "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9aa5b1\"/>"
		     "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
		     X(d), t + ph, X(d), t + ph + 5, X(d), t + ph + 20,
		     i == 0   ? "start"
		     : i == 4 ? "end"
			      : "middle",
		     lab);
	}
	putf(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1b1f24\"/>", l, t + ph,
	     l + pw, t + ph);
	putf(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1b1f24\"/>\n", l, t, l,
	     t + ph);
	/* As of. */
	cs_rpt_day ao = r->programme.as_of_day;
	if (ao >= x0 && ao <= x1)
		putf(h,
		     "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9aa5b1\" "
		     "stroke-dasharray=\"2 3\"/><text x=\"%.1f\" y=\"%d\" fill=\"#5b6673\">as of "
		     "%s</text>\n",
		     X(ao), t, X(ao), t + ph, X(ao) + 4, t + 10, r->programme.as_of);
	/* Milestone markers. */
	for (size_t i = 0; i < r->nmilestones; i++) {
		const struct cs_rpt_milestone *ms = &r->milestones[i];
		if (ms->measure != m || !pr->have_data)
			continue;
		double allowed = (double)pr->affected * (1.0 - ms->target);
		double x = X(ms->due_day), y = Y(allowed);
		putf(h,
		     "<g><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
		     "stroke-dasharray=\"4 3\"/><path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" "
		     "fill=\"%s\"/>"
		     "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\">%d%% by %s</text></g>\n",
		     x, t, x, t + ph, status_colour(h->ms[i].status), x, y - 6,
		     status_colour(h->ms[i].status), x - 4, t + 26 + 14 * (int)(i % 3),
		     pct(ms->target), ms->due);
	}
	/* Measured remaining. */
	put(h, "<polyline fill=\"none\" stroke=\"#1f3a5f\" stroke-width=\"2.5\" points=\"");
	for (size_t i = 0; i < r->nprogress; i++) {
		const struct cs_rpt_point *p = &r->progress[i];
		if (p->affected[m] < 0 || p->day > ao)
			continue;
		putf(h, "%.1f,%.1f ", X(p->day), Y(p->affected[m] - p->removed[m]));
	}
	put(h, "\"/>\n");
	for (size_t i = 0; i < r->nprogress; i++) {
		const struct cs_rpt_point *p = &r->progress[i];
		if (p->affected[m] < 0 || p->day > ao)
			continue;
		putf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f3a5f\"/>", X(p->day),
		     Y(p->affected[m] - p->removed[m]));
	}
	/* Projection. */
	/* No line without a rate: one measurement says nothing about where things go. */
	if (pr->have_rate && !pr->done) {
		double px = X(pr->last_day), py = Y(pr->remaining);
		day_long(pr->completion_day, d1, sizeof(d1));
		if (pr->converging)
			putf(h,
			     "\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			     "stroke=\"#1f3a5f\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
			     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">projected "
			     "%s</text>\n",
			     px, py, X(pr->completion_day), Y(0), X(pr->completion_day), Y(0) - 8,
			     d1);
		else
			putf(h,
			     "\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			     "stroke=\"#b3261e\" "
			     "stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"%d\" "
			     "y=\"%.1f\" "
			     "text-anchor=\"end\" fill=\"#b3261e\">not converging</text>\n",
			     px, py, l + pw, py, l + pw, py - 8);
	}
#undef X
#undef Y
	put(h, "</svg>\n</figure>\n");
}

/* The largest number of groups a bar chart shows; the table below it has them all. */
enum { CHART_MAX_GROUPS = 20 };

static void group_chart(struct html *h, enum cs_rpt_groupby by, const struct cs_rpt_group *g,
			size_t n)
{
	static const char *const titles[] = {"By site", "By operator", "By manufacturer"};
	const int w = 760, lw = 230, bw = 400, row = 24;
	size_t shown = n < CHART_MAX_GROUPS ? n : CHART_MAX_GROUPS;
	int64_t max = 1;

	for (size_t i = 0; i < shown; i++)
		if (g[i].total > max)
			max = g[i].total;
	putf(h, "<figure>\n<figcaption>%s</figcaption>\n", titles[by]);
	svg_open(h, w, 30 + row * (int)shown, titles[by],
		 "Devices per %s: green cleared, amber affected and remaining, grey not affected. "
		 "%zu of %zu groups shown, most remaining first.",
		 cs_rpt_groupby_name(by), shown, n);
	putf(h,
	     "<g><rect x=\"%d\" y=\"2\" width=\"10\" height=\"10\" fill=\"#2e7d32\"/><text "
	     "x=\"%d\" y=\"11\">cleared</text><rect x=\"%d\" y=\"2\" width=\"10\" height=\"10\" "
	     "fill=\"#c77c02\"/><text x=\"%d\" y=\"11\">remaining</text><rect x=\"%d\" y=\"2\" "
	     "width=\"10\" height=\"10\" fill=\"#c9d0d8\"/><text x=\"%d\" y=\"11\">not "
	     "affected</text></g>\n",
	     lw, lw + 14, lw + 90, lw + 104, lw + 190, lw + 204);
	for (size_t i = 0; i < shown; i++) {
		int y = 22 + row * (int)i;
		double sx = (double)bw / (double)max;
		double wd = (double)g[i].done * sx, wr = (double)g[i].remaining * sx;
		double wn = (double)(g[i].total - g[i].affected) * sx;
		put(h, "<g>");
		putf(h, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 13);
		esc_cut(h, g[i].key, 34);
		put(h, "</text>");
		putf(h,
		     "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#2e7d32\"/>"
		     "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#c77c02\"/>"
		     "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#c9d0d8\"/>",
		     lw, y, wd, lw + wd, y, wr, lw + wd + wr, y, wn);
		if (g[i].affected > 0)
			putf(h, "<text x=\"%.1f\" y=\"%d\">%lld of %lld cleared</text>",
			     lw + wd + wr + wn + 8, y + 13, (long long)g[i].done,
			     (long long)g[i].affected);
		else
			putf(h, "<text x=\"%.1f\" y=\"%d\">none affected</text>",
			     lw + wd + wr + wn + 8, y + 13);
		put(h, "</g>\n");
	}
	put(h, "</svg>\n</figure>\n");
}

static void group_table(struct html *h, enum cs_rpt_groupby by, const struct cs_rpt_group *g,
			size_t n)
{
	static const char *const heads[] = {"Site", "Operator", "Manufacturer"};
	putf(h,
	     "<table>\n<thead><tr><th>%s</th><th class=\"num\">Devices</th><th "
	     "class=\"num\">Affected</th><th class=\"num\">Cleared</th><th "
	     "class=\"num\">Remaining</th><th class=\"num\">Cleared "
	     "%%</th></tr></thead>\n<tbody>\n",
	     heads[by]);
	for (size_t i = 0; i < n; i++) {
		put(h, "<tr><td>");
		esc(h, g[i].key);
		putf(h,
		     "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td "
		     "class=\"num\">%lld</td><td class=\"num\">%lld</td>",
		     (long long)g[i].total, (long long)g[i].affected, (long long)g[i].done,
		     (long long)g[i].remaining);
		if (g[i].affected > 0)
			putf(h, "<td class=\"num\">%d%%</td></tr>\n",
			     pct((double)g[i].done / (double)g[i].affected));
		else
			put(h, "<td class=\"num\">&#8211;</td></tr>\n");
	}
	put(h, "</tbody>\n</table>\n");
}

static void progress_table(struct html *h)
{
	const struct cs_report *r = h->r;
	put(h, "<table>\n<caption class=\"meta\">Measured progress</caption>\n<thead><tr>"
	       "<th>Date</th><th class=\"num\">Sites affected</th><th class=\"num\">Sites "
	       "cleared</th><th class=\"num\">Devices affected</th><th class=\"num\">Devices "
	       "cleared</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->nprogress; i++) {
		const struct cs_rpt_point *p = &r->progress[i];
		putf(h, "<tr><td>%s</td>", p->date);
		for (int m = 0; m < CS_RPT_NMEASURES; m++) {
			if (p->affected[m] < 0)
				put(h,
				    "<td class=\"num\">&#8211;</td><td class=\"num\">&#8211;</td>");
			else
				putf(h, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
				     (long long)p->affected[m], (long long)p->removed[m]);
		}
		put(h, "</tr>\n");
	}
	put(h, "</tbody>\n</table>\n");
}

static int charts(struct html *h)
{
	const struct cs_report *r = h->r;
	int rc = CS_OK;

	put(h, "<section id=\"progress\">\n<h2>Progress</h2>\n");
	if (r->nmilestones > 0)
		milestone_chart(h);
	for (int m = 0; m < CS_RPT_NMEASURES; m++)
		if (h->proj[m].have_data)
			burndown_chart(h, (enum cs_rpt_measure)m);
	if (r->nprogress > 0)
		progress_table(h);
	put(h, "</section>\n");

	if (r->ndevices == 0)
		return CS_OK;
	put(h, "<section id=\"breakdown\">\n<h2>Breakdown</h2>\n");
	for (int by = 0; by < CS_RPT_NGROUPBY && rc == CS_OK; by++) {
		struct cs_rpt_group *g = NULL;
		size_t n = 0;
		/* Site names are what a published summary must not show. */
		if (by == CS_RPT_BY_SITE && (h->o->summary_only || r->nsites == 0))
			continue;
		if (by == CS_RPT_BY_OPERATOR && r->nsites == 0)
			continue;
		if ((rc = cs_rpt_aggregate(r, (enum cs_rpt_groupby)by, &g, &n)) != CS_OK)
			break;
		group_chart(h, (enum cs_rpt_groupby)by, g, n);
		group_table(h, (enum cs_rpt_groupby)by, g, n);
		free(g);
	}
	put(h, "</section>\n");
	return rc;
}

/* --- findings, sites, devices --------------------------------------------------------------- */

static void findings(struct html *h)
{
	const struct cs_report *r = h->r;
	size_t counts[CS_RPT_NSEVERITIES] = {0};

	put(h, "<section id=\"findings\">\n<h2>Findings</h2>\n");
	if (r->nfindings == 0) {
		put(h, "<p>No findings.</p>\n</section>\n");
		return;
	}
	for (size_t i = 0; i < r->nfindings; i++)
		counts[r->findings[i].severity]++;
	put(h, "<table>\n<thead><tr>");
	for (int s = 0; s < CS_RPT_NSEVERITIES; s++)
		putf(h, "<th class=\"num\">%s</th>", cs_rpt_severity_name((enum cs_rpt_severity)s));
	put(h, "</tr></thead>\n<tbody><tr>");
	for (int s = 0; s < CS_RPT_NSEVERITIES; s++)
		putf(h, "<td class=\"num\">%zu</td>", counts[s]);
	put(h, "</tr></tbody>\n</table>\n");
	if (h->o->summary_only) {
		put(h, "</section>\n");
		return;
	}
	put(h, "<table>\n<thead><tr><th>Severity</th><th>Finding</th><th>Rule</th><th>Device</th>"
	       "<th>Site</th><th>Detail</th></tr></thead>\n<tbody>\n");
	for (int s = 0; s < CS_RPT_NSEVERITIES; s++) {
		for (size_t i = 0; i < r->nfindings; i++) {
			const struct cs_rpt_finding *f = &r->findings[i];
			const struct cs_rpt_site *site = cs_rpt_find_site(r, f->site);
			if ((int)f->severity != s)
				continue;
			putf(h, "<tr><td class=\"sev-%s\">%s</td><td>",
			     cs_rpt_severity_name(f->severity), cs_rpt_severity_name(f->severity));
			esc(h, f->title);
			put(h, "</td><td class=\"mono\">");
			esc(h, f->rule);
			if (f->device >= 0)
				putf(h, "</td><td><a href=\"#dev-%lld\">%lld</a></td><td>",
				     (long long)f->device, (long long)f->device);
			else
				put(h, "</td><td>&#8211;</td><td>");
			esc(h, site != NULL ? site->name : f->site);
			put(h, "</td><td>");
			esc(h, f->detail);
			put(h, "</td></tr>\n");
		}
	}
	put(h, "</tbody>\n</table>\n</section>\n");
}

static void sites(struct html *h)
{
	const struct cs_report *r = h->r;
	size_t by_state[CS_RPT_NSTATES] = {0};

	if (r->nsites == 0)
		return;
	put(h, "<section id=\"sites\">\n<h2>Sites</h2>\n");
	for (size_t i = 0; i < r->nsites; i++)
		by_state[r->sites[i].state]++;
	put(h, "<table>\n<thead><tr><th>Site state</th><th class=\"num\">Sites</th></tr></thead>"
	       "\n<tbody>\n");
	for (int s = 0; s < CS_RPT_NSTATES; s++)
		putf(h, "<tr><td>%s</td><td class=\"num\">%zu</td></tr>\n",
		     cs_rpt_state_label((enum cs_rpt_state)s), by_state[s]);
	put(h, "</tbody>\n</table>\n");
	if (h->o->summary_only) {
		put(h, "</section>\n");
		return;
	}
	put(h, "<table>\n<thead><tr><th>Site</th><th>Operator</th><th>Sensitivity</th>"
	       "<th>Criterion</th><th>State</th><th>Due</th><th class=\"num\">Affected</th>"
	       "<th class=\"num\">Cleared</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->nsites; i++) {
		const struct cs_rpt_site *s = &r->sites[i];
		int64_t aff = 0, done = 0;
		for (int k = 0; k < CS_RPT_NSTATES; k++) {
			if (cs_rpt_state_affected((enum cs_rpt_state)k))
				aff += s->counts[k];
			if (cs_rpt_state_done((enum cs_rpt_state)k))
				done += s->counts[k];
		}
		put(h, "<tr><td>");
		esc(h, s->name);
		put(h, "</td><td>");
		esc(h, s->operator_);
		put(h, "</td><td>");
		esc(h, s->sensitivity);
		put(h, "</td><td>");
		esc(h, s->criterion);
		putf(h, "</td><td>%s</td><td>", cs_rpt_state_label(s->state));
		esc(h, s->due);
		putf(h, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
		     (long long)aff, (long long)done);
	}
	put(h, "</tbody>\n</table>\n</section>\n");
}

static void device_status(struct html *h, const struct cs_rpt_device *d)
{
	esc(h, d->covered_status != NULL ? d->covered_status : d->covered ? "covered" : NULL);
}

static void devices(struct html *h)
{
	const struct cs_report *r = h->r;

	put(h, "<section id=\"devices\">\n<h2>Devices</h2>\n<table class=\"dense\">\n"
	       "<colgroup><col style=\"width:4%\"><col style=\"width:9%\"><col "
	       "style=\"width:9%\"><col style=\"width:8%\"><col style=\"width:6%\"><col "
	       "style=\"width:11%\"><col style=\"width:11%\"><col style=\"width:10%\"><col "
	       "style=\"width:11%\"><col style=\"width:7%\"><col style=\"width:7%\"><col "
	       "style=\"width:7%\"></colgroup>\n<thead><tr><th>ID</th>"
	       "<th>Site</th><th>Address</th><th>Manufacturer</th><th>Brand</th><th>Model</th>"
	       "<th>Firmware</th><th>Serial</th><th>MAC</th><th>Policy</th><th>State</th>"
	       "<th>Due</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct cs_rpt_device *d = &r->devices[i];
		const struct cs_rpt_site *s = cs_rpt_find_site(r, d->site);
		putf(h, "<tr><td><a href=\"#dev-%lld\">%lld</a></td><td>", (long long)d->id,
		     (long long)d->id);
		esc(h, s != NULL ? s->name : d->site);
		put(h, "</td><td class=\"mono\">");
		esc(h, d->address);
		put(h, "</td><td>");
		esc(h, d->manufacturer);
		put(h, "</td><td>");
		esc(h, d->brand);
		put(h, "</td><td>");
		esc(h, d->model);
		put(h, "</td><td>");
		esc(h, d->firmware);
		put(h, "</td><td class=\"mono\">");
		esc(h, d->serial);
		put(h, "</td><td class=\"mono\">");
		esc(h, d->mac);
		put(h, "</td><td>");
		device_status(h, d);
		putf(h, "</td><td>%s</td><td>", cs_rpt_state_label(d->state));
		esc(h, d->due);
		put(h, "</td></tr>\n");
	}
	put(h, "</tbody>\n</table>\n");

	put(h, "<h3>Evidence per device</h3>\n");
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct cs_rpt_device *d = &r->devices[i];
		putf(h, "<div class=\"dev\" id=\"dev-%lld\">\n<h3>Device %lld: ", (long long)d->id,
		     (long long)d->id);
		esc(h, d->manufacturer != NULL ? d->manufacturer : "unknown maker");
		put(h, " ");
		esc(h, d->model);
		put(h, " at ");
		esc(h, d->address);
		put(h, "</h3>\n<p class=\"meta\">Policy: ");
		device_status(h, d);
		for (size_t k = 0; k < d->ncovered_by; k++) {
			const struct cs_rpt_cover *c = &d->covered_by[k];
			put(h, k == 0 ? " &#8212; " : "; ");
			esc(h, c->policy);
			put(h, ": ");
			esc(h, c->entity);
			if (c->via != NULL) {
				put(h, " (");
				esc(h, c->via);
				put(h, ")");
			}
		}
		put(h, ". First seen ");
		esc(h, d->first_seen);
		put(h, ", last seen ");
		esc(h, d->last_seen);
		put(h, ".</p>\n");
		if (d->nevidence == 0) {
			put(h, "<p>No evidence recorded.</p>\n</div>\n");
			continue;
		}
		put(h, "<table>\n<thead><tr><th>Signal</th><th>Value</th><th>Implies</th>"
		       "<th class=\"num\">Weight</th><th>Rule</th><th>Seen</th><th>Source</th>"
		       "</tr></thead>\n<tbody>\n");
		for (size_t k = 0; k < d->nevidence; k++) {
			const struct cs_rpt_evidence *e = &d->evidence[k];
			put(h, "<tr><td>");
			esc(h, e->signal);
			put(h, "</td><td class=\"mono\">");
			esc(h, e->value);
			put(h, "</td><td>");
			esc(h, e->implies);
			putf(h, "</td><td class=\"num\">%.2f</td><td class=\"mono\">", e->weight);
			esc(h, e->rule);
			put(h, "</td><td>");
			esc(h, e->seen_at);
			put(h, "</td><td>");
			esc(h, e->source);
			put(h, "</td></tr>\n");
		}
		put(h, "</tbody>\n</table>\n</div>\n");
	}
	put(h, "</section>\n");
}

/* --- for the auditor -------------------------------------------------------------------------- */

static void method(struct html *h)
{
	const struct cs_report *r = h->r;
	const struct cs_rpt_programme *p = &r->programme;

	put(h, "<section id=\"method\">\n<h2>Methodology and provenance</h2>\n");
	if (p->methodology != NULL) {
		put(h, "<p>");
		esc(h, p->methodology);
		put(h, "</p>\n");
	}
	putf(h,
	     "<p>How the figures are computed: an item is <em>affected</em> when its removal "
	     "state is anything but not affected, and <em>cleared</em> when removed or verified "
	     "(exceptions stay affected). Percentages are rounded down. The recent rate is the "
	     "least-squares slope of the affected items remaining over the measurements of the "
	     "last %d days up to the as-of date; the projected completion date divides what "
	     "remains by that rate. A milestone is on track when that rate reaches its target by "
	     "its due date, at risk when it does not, missed when the due date passed first.</p>\n",
	     h->window);
	put(h, "<table>\n<tbody>\n<tr><th>Policies applied</th><td>");
	for (size_t i = 0; i < p->npolicies; i++) {
		if (i > 0)
			put(h, ", ");
		esc(h, p->policies[i]);
	}
	if (p->npolicies == 0)
		put(h, "&#8211;");
	put(h, "</td></tr>\n<tr><th>Figures as of</th><td>");
	esc(h, p->as_of);
	put(h, "</td></tr>\n<tr><th>Model generated</th><td>");
	esc(h, p->generated_at);
	put(h, "</td></tr>\n<tr><th>Generated by</th><td>");
	esc(h, p->generator);
	put(h, "</td></tr>\n</tbody>\n</table>\n");
	if (p->nprovenance > 0) {
		put(h, "<h3>Data provenance</h3>\n<ul>\n");
		for (size_t i = 0; i < p->nprovenance; i++) {
			put(h, "<li>");
			esc(h, p->provenance[i]);
			put(h, "</li>\n");
		}
		put(h, "</ul>\n");
	}

	if (r->nscans > 0) {
		put(h, "<h3>What was scanned when</h3>\n<table>\n<thead><tr><th>Scan</th>");
		if (!h->o->summary_only)
			put(h, "<th>Targets</th>");
		put(h,
		    "<th>Started</th><th>Ended</th><th>Status</th><th class=\"num\">Addresses</th>"
		    "<th class=\"num\">Live</th><th class=\"num\">Devices</th>"
		    "<th class=\"num\">Covered</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < r->nscans; i++) {
			const struct cs_rpt_scan *s = &r->scans[i];
			putf(h, "<tr><td>%lld</td>", (long long)s->id);
			if (!h->o->summary_only) {
				put(h, "<td class=\"mono\">");
				esc(h, s->targets);
				put(h, "</td>");
			}
			put(h, "<td>");
			esc(h, s->started);
			put(h, "</td><td>");
			esc(h, s->ended);
			put(h, "</td><td>");
			esc(h, s->status);
			put(h, "</td>");
			const int64_t v[] = {s->addresses, s->live, s->devices, s->covered};
			for (size_t k = 0; k < CS_ARRAY_SIZE(v); k++) {
				if (v[k] < 0)
					put(h, "<td class=\"num\">&#8211;</td>");
				else
					putf(h, "<td class=\"num\">%lld</td>", (long long)v[k]);
			}
			put(h, "</tr>\n");
		}
		put(h, "</tbody>\n</table>\n");
	}

	/* The audit trail names people and sites: not in a published summary. */
	if (r->naudit > 0 && !h->o->summary_only) {
		put(h,
		    "<h3>Audit trail (excerpt)</h3>\n<table>\n<thead><tr><th>When</th><th>Who</th>"
		    "<th>Action</th><th>Object</th><th>Detail</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < r->naudit; i++) {
			const struct cs_rpt_audit *a = &r->audit[i];
			put(h, "<tr><td>");
			esc(h, a->at);
			put(h, "</td><td>");
			esc(h, a->actor);
			put(h, "</td><td>");
			esc(h, a->action);
			put(h, "</td><td>");
			esc(h, a->object);
			put(h, "</td><td>");
			esc(h, a->detail);
			put(h, "</td></tr>\n");
		}
		put(h, "</tbody>\n</table>\n");
	}
	put(h, "</section>\n");
}

/* --- the document ---------------------------------------------------------------------------- */

int cs_rpt_render_html(const struct cs_report *r, const struct cs_rpt_options *o,
		       struct cs_buf *out)
{
	struct html h = {.b = out, .r = r, .o = o};
	const struct cs_rpt_programme *p = &r->programme;
	int rc;

	h.window = o->window > 0 ? o->window : CS_RPT_DEFAULT_WINDOW;
	for (int m = 0; m < CS_RPT_NMEASURES; m++)
		cs_rpt_project(r->progress, r->nprogress, (enum cs_rpt_measure)m, p->as_of_day,
			       h.window, &h.proj[m]);
	/* The headline follows the first milestone; without one, sites if measured. */
	h.headline = r->nmilestones > 0		      ? r->milestones[0].measure
		     : h.proj[CS_RPT_SITES].have_data ? CS_RPT_SITES
						      : CS_RPT_DEVICES;
	if (r->nmilestones > 0 && (h.ms = calloc(r->nmilestones, sizeof(*h.ms))) == NULL)
		return CS_ENOMEM;
	for (size_t i = 0; i < r->nmilestones; i++)
		cs_rpt_milestone_eval(&r->milestones[i], r->progress, r->nprogress,
				      &h.proj[r->milestones[i].measure], p->as_of_day, &h.ms[i]);

	head(&h);
	put(&h, "<header>\n<h1>");
	esc(&h, p->name);
	put(&h, "</h1>\n<p class=\"meta\">Removal report &#183; figures as of ");
	esc(&h, p->as_of);
	if (p->npolicies > 0) {
		put(&h, " &#183; policy ");
		for (size_t i = 0; i < p->npolicies; i++) {
			if (i > 0)
				put(&h, ", ");
			esc(&h, p->policies[i]);
		}
	}
	put(&h, "</p>\n");
	if (o->summary_only)
		put(&h, "<p class=\"banner\">Summary for publication: counts and percentages "
			"only. Site names, addresses, serial numbers, MAC addresses and per-device "
			"details are left out.</p>\n");
	put(&h, "</header>\n<main>\n");
	summary(&h);
	if ((rc = charts(&h)) != CS_OK)
		goto out;
	findings(&h);
	sites(&h);
	if (!o->summary_only && r->ndevices > 0)
		devices(&h);
	method(&h);
	put(&h, "</main>\n<footer>Generated by camsweep");
	if (p->generator != NULL) {
		put(&h, " (");
		esc(&h, p->generator);
		put(&h, ")");
	}
	put(&h, ". This file is self-contained: it loads nothing and runs no scripts.</footer>\n"
		"</body>\n</html>\n");
	rc = h.err;
out:
	free(h.ms);
	return rc;
}
