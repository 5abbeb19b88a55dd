/*
 * report_calc.c - the figures a report asks its readers to trust: dates, the burn-down
 * projection, milestone status and the by-site/operator/maker totals (see report.h).
 *
 * Everything here is a pure function of the model, so the unit tests check each figure
 * against hand-computed values.
 */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- dates (proleptic Gregorian; H. Hinnant's days_from_civil) ----------------------------- */

static int32_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int64_t)doe - 719468);
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int cs_rpt_parse_day(const char *s, cs_rpt_day *out)
{
	static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (s == NULL || strnlen(s, 11) < 10 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != '\0' && s[10] != 'T'))
		return CS_EPARSE;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	/* Day numbers below 0 are not needed (1970 predates any such programme) and would
	 * collide with the -1 that means "no date" throughout report.h. */
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return CS_EPARSE;
	if (d > mdays[m - 1] + (m == 2 && leap(y)))
		return CS_EPARSE;
	*out = days_from_civil(y, (unsigned)m, (unsigned)d);
	return CS_OK;
}

void cs_rpt_format_day(cs_rpt_day day, char *out, size_t cap)
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, cap, "%04d-%02u-%02u", y, m, d);
}

void cs_rpt_format_day_long(cs_rpt_day day, char *out, size_t cap)
{
	static const char *const months[] = {"January",	  "February", "March",	  "April",
					     "May",	  "June",     "July",	  "August",
					     "September", "October",  "November", "December"};
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, cap, "%u %s %d", d, months[m - 1], y);
}

/* --- burn-down ------------------------------------------------------------------------------- */

static bool measured(const struct cs_rpt_point *p, enum cs_rpt_measure m)
{
	return p->affected[m] >= 0 && p->removed[m] >= 0;
}

void cs_rpt_project(const struct cs_rpt_point *pts, size_t n, enum cs_rpt_measure m,
		    cs_rpt_day as_of, int window, struct cs_rpt_projection *out)
{
	const struct cs_rpt_point *last = NULL;

	memset(out, 0, sizeof(*out));
	out->completion_day = -1;
	if (window <= 0)
		window = CS_RPT_DEFAULT_WINDOW;
	for (size_t i = 0; i < n; i++)
		if (pts[i].day <= as_of && measured(&pts[i], m))
			last = &pts[i];
	if (last == NULL)
		return;
	out->have_data = true;
	out->affected = last->affected[m];
	out->removed = last->removed[m];
	out->remaining = out->affected - out->removed;
	out->last_day = last->day;
	out->done = out->remaining == 0;

	/* Least squares of remaining against days since the window's start. */
	cs_rpt_day from = last->day - window;
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cs_rpt_point *p = &pts[i];
		if (p->day < from || p->day > last->day || !measured(p, m))
			continue;
		if (k == 0)
			out->window_from = p->day;
		double x = p->day - from, y = (double)(p->affected[m] - p->removed[m]);
		sx += x, sy += y, sxx += x * x, sxy += x * y;
		k++;
	}
	out->window_to = last->day;
	out->window_points = k;
	double den = (double)k * sxx - sx * sx;
	if (k >= 2 && den > 0) {
		out->have_rate = true;
		out->rate_per_day = -((double)k * sxy - sx * sy) / den;
	}
	if (out->done) {
		out->converging = true;
		out->completion_day = last->day;
		return;
	}
	if (out->have_rate && out->rate_per_day > 0) {
		double days = ceil((double)out->remaining / out->rate_per_day);
		if (days <= CS_RPT_HORIZON_DAYS) {
			out->converging = true;
			out->completion_day = last->day + (cs_rpt_day)days;
		}
	}
}

/* --- milestones ------------------------------------------------------------------------------ */

const char *cs_rpt_ms_status_name(enum cs_rpt_ms_status s)
{
	static const char *const names[] = {"met", "on_track", "at_risk", "missed", "unknown"};
	return (unsigned)s < CS_ARRAY_SIZE(names) ? names[s] : "unknown";
}

const char *cs_rpt_ms_status_label(enum cs_rpt_ms_status s)
{
	static const char *const labels[] = {"Met", "On track", "At risk", "Missed",
					     "Not measured"};
	return (unsigned)s < CS_ARRAY_SIZE(labels) ? labels[s] : "Not measured";
}

static double fraction_at(const struct cs_rpt_point *p, enum cs_rpt_measure m)
{
	return p->affected[m] > 0 ? (double)p->removed[m] / (double)p->affected[m] : 1.0;
}

/* Fractions are compared with a little slack so that 7/10 counts as 70%. */
static bool reaches(double fraction, double target)
{
	return fraction + 1e-9 >= target;
}

void cs_rpt_milestone_eval(const struct cs_rpt_milestone *ms, const struct cs_rpt_point *pts,
			   size_t n, const struct cs_rpt_projection *proj, cs_rpt_day as_of,
			   struct cs_rpt_ms_eval *out)
{
	enum cs_rpt_measure m = ms->measure;

	memset(out, 0, sizeof(*out));
	out->status = CS_RPT_MS_UNKNOWN;
	out->projected = -1;
	out->met_day = -1;
	out->target_day = -1;
	if (!proj->have_data)
		return;
	out->fraction = proj->affected > 0 ? (double)proj->removed / (double)proj->affected : 1.0;
	if (reaches(out->fraction, ms->target)) {
		/* The first measured day it was reached (it may have dipped and recovered; the
		 * first crossing is what the milestone asked about). */
		for (size_t i = 0; i < n; i++) {
			if (pts[i].day <= as_of && measured(&pts[i], m) &&
			    reaches(fraction_at(&pts[i], m), ms->target)) {
				out->met_day = pts[i].day;
				break;
			}
		}
		out->status = CS_RPT_MS_MET;
		out->met_late = out->met_day > ms->due_day;
		out->target_day = out->met_day;
		return;
	}
	if (proj->have_rate && proj->affected > 0) {
		/* Where the recent rate puts the fraction on the due date, with the affected
		 * count as it is now. */
		double need = ms->target * (double)proj->affected - (double)proj->removed;
		if (proj->rate_per_day > 0) {
			double days = ceil(need / proj->rate_per_day);
			if (days <= CS_RPT_HORIZON_DAYS)
				out->target_day = proj->last_day + (cs_rpt_day)days;
		}
		double at_due = (double)proj->removed +
				proj->rate_per_day * (double)(ms->due_day - proj->last_day);
		out->projected = at_due / (double)proj->affected;
		if (out->projected > 1)
			out->projected = 1;
		if (out->projected < 0)
			out->projected = 0;
	}
	if (as_of > ms->due_day)
		out->status = CS_RPT_MS_MISSED;
	else if (out->target_day >= 0 && out->target_day <= ms->due_day)
		out->status = CS_RPT_MS_ON_TRACK;
	else
		out->status = CS_RPT_MS_AT_RISK;
}

/* --- aggregation ----------------------------------------------------------------------------- */

const char *cs_rpt_groupby_name(enum cs_rpt_groupby g)
{
	static const char *const names[] = {"site", "operator", "maker"};
	return (unsigned)g < CS_ARRAY_SIZE(names) ? names[g] : "?";
}

static const char *group_key(const struct cs_report *r, const struct cs_rpt_device *d,
			     enum cs_rpt_groupby by)
{
	const struct cs_rpt_site *s;

	switch (by) {
	case CS_RPT_BY_SITE:
		s = cs_rpt_find_site(r, d->site);
		return s != NULL ? s->name : d->site != NULL ? d->site : "(no site)";
	case CS_RPT_BY_OPERATOR:
		s = cs_rpt_find_site(r, d->site);
		return s != NULL && s->operator_ != NULL ? s->operator_ : "(no operator)";
	case CS_RPT_BY_MAKER:
	default: return d->manufacturer != NULL ? d->manufacturer : "(unknown maker)";
	}
}

static void count(struct cs_rpt_group *g, const struct cs_rpt_device *d)
{
	g->total++;
	g->by_state[d->state]++;
	if (cs_rpt_state_affected(d->state)) {
		g->affected++;
		if (cs_rpt_state_done(d->state))
			g->done++;
		else
			g->remaining++;
	}
}

static int cmp_group(const void *a, const void *b)
{
	const struct cs_rpt_group *x = a, *y = b;
	if (x->remaining != y->remaining)
		return x->remaining < y->remaining ? 1 : -1;
	if (x->affected != y->affected)
		return x->affected < y->affected ? 1 : -1;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->key, y->key);
}

struct keyed {
	const char *key;
	const struct cs_rpt_device *d;
};

static int cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

int cs_rpt_aggregate(const struct cs_report *r, enum cs_rpt_groupby by, struct cs_rpt_group **out,
		     size_t *n)
{
	struct cs_rpt_group *g = NULL;
	struct keyed *k = NULL;
	size_t ng = 0;

	*out = NULL;
	*n = 0;
	if (r->ndevices == 0)
		return CS_OK;
	/* Sort the devices by key, then count each run: O(n log n) for any number of groups. */
	if ((k = calloc(r->ndevices, sizeof(*k))) == NULL ||
	    (g = calloc(r->ndevices, sizeof(*g))) == NULL) {
		free(k);
		return CS_ENOMEM;
	}
	for (size_t i = 0; i < r->ndevices; i++) {
		k[i].d = &r->devices[i];
		k[i].key = group_key(r, k[i].d, by);
	}
	qsort(k, r->ndevices, sizeof(*k), cmp_keyed);
	for (size_t i = 0; i < r->ndevices; i++) {
		if (i == 0 || strcmp(k[i].key, k[i - 1].key) != 0)
			g[ng++].key = k[i].key;
		count(&g[ng - 1], k[i].d);
	}
	free(k);
	if (ng > 1)
		qsort(g, ng, sizeof(*g), cmp_group);
	*out = g;
	*n = ng;
	return CS_OK;
}

void cs_rpt_totals(const struct cs_report *r, struct cs_rpt_group *out)
{
	memset(out, 0, sizeof(*out));
	out->key = "all";
	for (size_t i = 0; i < r->ndevices; i++)
		count(out, &r->devices[i]);
}
