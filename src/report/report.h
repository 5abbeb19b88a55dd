/*
 * report.h - the report model (docs/report-model.md) and the computations every renderer shares.
 *
 * `camsweep report` works in two layers. A builder (report_build.c, from the inventory) or a
 * file (--model) produces a JSON document, the report model; cs_rpt_load() checks it and turns
 * it into the read-only struct cs_report below. Renderers (report_html.c, report_csv.c,
 * report_json.c) then print that struct; they never read the store and never compute anything
 * but layout. The figures a reader is asked to trust (progress, the projected completion date,
 * milestone status, the by-site/operator/maker totals) are computed here, once, by pure functions
 * that the unit tests exercise directly.
 *
 * Every string in a struct cs_report is borrowed from the JSON document it was loaded from and
 * lives until cs_rpt_free(). Strings may come from devices: renderers escape all of them.
 */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include "common/buf.h"
#include "common/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The model version this build reads and writes ("report_model" in the document). */
#define CS_RPT_MODEL_VERSION 1

/* Largest model file cs_rpt_load_file() reads. */
#define CS_RPT_MAX_MODEL (256u * 1024 * 1024)

/* Largest rendered report (HTML of a big estate with every device's evidence). */
#define CS_RPT_MAX_OUTPUT (512u * 1024 * 1024)

/*
 * Removal workflow states of a device or a site, persisted by name, in removal order.
 * A state is "affected" when it is anything but not_affected; "done" when removed or verified.
 * An exception (risk accepted, kit retained) stays affected and not done.
 */
#define CS_RPT_STATES(X)                                                                           \
	X(NOT_AFFECTED, "not_affected", "Not affected")                                            \
	X(AFFECTED, "affected", "Affected, not yet planned")                                       \
	X(PLANNED, "planned", "Removal planned")                                                   \
	X(IN_PROGRESS, "in_progress", "Removal in progress")                                       \
	X(REMOVED, "removed", "Removed")                                                           \
	X(VERIFIED, "verified", "Removal verified")                                                \
	X(EXCEPTION, "exception", "Exception (risk accepted)")

enum cs_rpt_state {
#define X(id, name, label) CS_RPT_ST_##id,
	CS_RPT_STATES(X)
#undef X
		CS_RPT_NSTATES
};

const char *cs_rpt_state_name(enum cs_rpt_state s);
const char *cs_rpt_state_label(enum cs_rpt_state s);
enum cs_rpt_state cs_rpt_state_lookup(const char *name); /* CS_RPT_NSTATES when unknown */
bool cs_rpt_state_affected(enum cs_rpt_state s);
bool cs_rpt_state_done(enum cs_rpt_state s);

/* What a milestone or a progress figure counts. */
enum cs_rpt_measure { CS_RPT_SITES, CS_RPT_DEVICES, CS_RPT_NMEASURES };
const char *cs_rpt_measure_name(enum cs_rpt_measure m); /* "sites", "devices" */

/* Finding severities, most severe first. */
#define CS_RPT_SEVERITIES(X)                                                                       \
	X(CRITICAL, "critical")                                                                    \
	X(HIGH, "high")                                                                            \
	X(MEDIUM, "medium")                                                                        \
	X(LOW, "low")                                                                              \
	X(INFO, "info")

enum cs_rpt_severity {
#define X(id, name) CS_RPT_SEV_##id,
	CS_RPT_SEVERITIES(X)
#undef X
		CS_RPT_NSEVERITIES
};
const char *cs_rpt_severity_name(enum cs_rpt_severity s);

/* --- dates ------------------------------------------------------------------------------- */

/* A civil date as days since 1970-01-01 (negative before). */
typedef int32_t cs_rpt_day;

/*
 * Parse "YYYY-MM-DD", optionally followed by "T..." (an ISO 8601 timestamp, whose time part is
 * ignored). Rejects impossible dates (2023-02-29) and years before 1970, so that a parsed day
 * is never negative (-1 means "no date" below). Returns 0 or CS_EPARSE.
 */
int cs_rpt_parse_day(const char *s, cs_rpt_day *out);
/* Write the day as "YYYY-MM-DD" (cap >= 11). */
void cs_rpt_format_day(cs_rpt_day d, char *out, size_t cap);
/* Write the day for people: "30 April 2024". */
void cs_rpt_format_day_long(cs_rpt_day d, char *out, size_t cap);

/* --- the model ----------------------------------------------------------------------------- */

struct cs_rpt_programme {
	const char *name;	  /* e.g. "Departmental surveillance equipment removal" */
	const char *generated_at; /* ISO 8601 UTC timestamp of the model */
	const char *as_of;	  /* YYYY-MM-DD: the date the figures describe */
	cs_rpt_day as_of_day;
	const char *generator;	 /* e.g. "camsweep 0.4.0 (a1b2c3d)", may be NULL */
	const char *methodology; /* free text for the auditor, may be NULL */
	const char **policies;	 /* profile ids, e.g. "uk-nil" */
	size_t npolicies;
	const char **provenance; /* where the data came from, one line each */
	size_t nprovenance;
};

struct cs_rpt_milestone {
	const char *label; /* e.g. "50% of affected sensitive sites" */
	double target;	   /* fraction 0..1 of affected items done */
	const char *due;   /* YYYY-MM-DD */
	cs_rpt_day due_day;
	enum cs_rpt_measure measure;
};

/* One dated snapshot of the programme. A count of -1 means "not measured". */
struct cs_rpt_point {
	const char *date;
	cs_rpt_day day;
	int64_t affected[CS_RPT_NMEASURES];
	int64_t removed[CS_RPT_NMEASURES];
};

struct cs_rpt_site {
	const char *id; /* the key devices refer to */
	const char *name;
	const char *operator_; /* the organisation running it; may be NULL */
	const char *sensitivity;
	const char *criterion; /* why it is (not) sensitive, may be NULL */
	enum cs_rpt_state state;
	const char *due;		/* planned removal date, may be NULL */
	int64_t counts[CS_RPT_NSTATES]; /* devices by state, as the model gives them */
};

struct cs_rpt_evidence {
	const char *signal, *value, *implies, *rule, *seen_at,
		*source; /* value/implies never NULL */
	double weight;
};

struct cs_rpt_cover {
	const char *policy, *entity, *via, *status; /* status: "covered" or "review" */
};

struct cs_rpt_device {
	int64_t id;
	const char *site; /* a site id, or NULL */
	const char *address, *manufacturer, *brand, *model, *firmware, *serial, *mac, *device_type;
	bool covered;
	const char *covered_status; /* "covered", "review", "not_covered" or NULL */
	struct cs_rpt_cover *covered_by;
	size_t ncovered_by;
	enum cs_rpt_state state;
	const char *due, *first_seen, *last_seen;
	struct cs_rpt_evidence *evidence;
	size_t nevidence;
};

struct cs_rpt_finding {
	enum cs_rpt_severity severity;
	const char *rule, *title, *detail; /* title never NULL */
	int64_t device;			   /* device id, or -1 */
	const char *site;		   /* site id, or NULL */
};

struct cs_rpt_scan {
	int64_t id;
	const char *targets, *started, *ended, *status;
	int64_t addresses, live, devices, covered; /* -1: not recorded */
};

struct cs_rpt_audit {
	const char *at, *actor, *action, *object, *detail; /* at and action never NULL */
};

struct cs_report {
	json_t *root; /* owns every string below */
	struct cs_rpt_programme programme;
	struct cs_rpt_milestone *milestones;
	size_t nmilestones;
	struct cs_rpt_point *progress; /* sorted by day, oldest first */
	size_t nprogress;
	struct cs_rpt_site *sites;
	size_t nsites;
	struct cs_rpt_device *devices;
	size_t ndevices;
	struct cs_rpt_finding *findings;
	size_t nfindings;
	struct cs_rpt_scan *scans;
	size_t nscans;
	struct cs_rpt_audit *audit;
	size_t naudit;
	/* Positions in sites[] and devices[] sorted by id, for the lookups below. */
	size_t *site_order, *device_order;
};

/*
 * Check a model document and build the report from it. Takes a new reference to root (the
 * caller keeps its own). Unknown keys are ignored (newer builders may add some); a missing
 * required key, a wrong type, an unknown state or severity, or an impossible date fails with
 * CS_EDATA and the JSON path in err ("devices[3].state: unknown state 'gone'").
 * On success the caller must cs_rpt_free(*out).
 */
int cs_rpt_load(json_t *root, struct cs_report **out, struct cs_err *err);

/* Read a model file ("-" for stdin, at most CS_RPT_MAX_MODEL bytes) and cs_rpt_load() it. */
int cs_rpt_load_file(const char *path, struct cs_report **out, struct cs_err *err);

/* Free a report; NULL is a no-op. */
void cs_rpt_free(struct cs_report *r);

/* The site with this id, or NULL (O(log n); ids are unique, cs_rpt_load checks). */
const struct cs_rpt_site *cs_rpt_find_site(const struct cs_report *r, const char *id);
/* The device with this id, or NULL (O(log n)). */
const struct cs_rpt_device *cs_rpt_find_device(const struct cs_report *r, int64_t id);

/* --- computations ---------------------------------------------------------------------------- */

/* The days over which the recent removal rate is measured, unless the caller says otherwise. */
enum { CS_RPT_DEFAULT_WINDOW = 90 };

/* Beyond this many days a projection is not a date anyone should plan with. */
enum { CS_RPT_HORIZON_DAYS = 100 * 366 };

struct cs_rpt_projection {
	bool have_data;		   /* at least one measured point on or before as_of */
	bool have_rate;		   /* at least two measured points in the window */
	bool done;		   /* nothing remains */
	bool converging;	   /* remaining falls: have_rate and rate > 0 */
	int64_t affected, removed; /* at the latest measured point */
	int64_t remaining;
	cs_rpt_day last_day; /* day of the latest measured point */
	double rate_per_day; /* removals per day (least-squares slope of remaining, negated) */
	cs_rpt_day window_from, window_to; /* the points the rate was fitted to */
	size_t window_points;
	cs_rpt_day completion_day; /* when converging (or done: the last day) */
};

/*
 * Project completion for measure m from the progress series pts[0..n) (sorted by day), using
 * the points measured on or before as_of and no older than window days before the latest of
 * them. The rate is the least-squares slope of remaining (= affected - removed) against time,
 * so kit found during the programme slows the projection as it should. A rate <= 0, or a
 * completion beyond CS_RPT_HORIZON_DAYS, is "not converging".
 */
void cs_rpt_project(const struct cs_rpt_point *pts, size_t n, enum cs_rpt_measure m,
		    cs_rpt_day as_of, int window, struct cs_rpt_projection *out);

enum cs_rpt_ms_status {
	CS_RPT_MS_MET,	    /* the target fraction has been reached */
	CS_RPT_MS_ON_TRACK, /* not yet, but the recent rate reaches it by the due date */
	CS_RPT_MS_AT_RISK,  /* not yet, and the recent rate does not reach it in time */
	CS_RPT_MS_MISSED,   /* the due date passed (before as_of) without reaching it */
	CS_RPT_MS_UNKNOWN,  /* nothing measured yet */
};
const char *cs_rpt_ms_status_name(enum cs_rpt_ms_status s);  /* "met", "on_track", ... */
const char *cs_rpt_ms_status_label(enum cs_rpt_ms_status s); /* "Met", "On track", ... */

struct cs_rpt_ms_eval {
	enum cs_rpt_ms_status status;
	double fraction;       /* done / affected now (1 when nothing is affected) */
	double projected;      /* the fraction the recent rate gives at the due date, or -1 */
	cs_rpt_day met_day;    /* first measured day the target was reached, when met */
	bool met_late;	       /* met, but after the due date */
	cs_rpt_day target_day; /* when the recent rate reaches the target, or -1 */
};

/*
 * Judge milestone ms at as_of from the series and the projection for its measure (from
 * cs_rpt_project with the same series and as_of).
 */
void cs_rpt_milestone_eval(const struct cs_rpt_milestone *ms, const struct cs_rpt_point *pts,
			   size_t n, const struct cs_rpt_projection *proj, cs_rpt_day as_of,
			   struct cs_rpt_ms_eval *out);

enum cs_rpt_groupby { CS_RPT_BY_SITE, CS_RPT_BY_OPERATOR, CS_RPT_BY_MAKER, CS_RPT_NGROUPBY };
const char *cs_rpt_groupby_name(enum cs_rpt_groupby g); /* "site", "operator", "maker" */

/* Devices of one site, operator or maker. */
struct cs_rpt_group {
	const char *key; /* site name, operator or manufacturer; "(none)"/"(unknown)" if missing */
	int64_t total, affected, done, remaining;
	int64_t by_state[CS_RPT_NSTATES];
};

/*
 * Count the devices of r by site, operator (the device's site's operator) or manufacturer.
 * Groups are sorted by remaining, then affected, then total (all descending), then key.
 * Caller must free *out (keys are borrowed from r).
 */
int cs_rpt_aggregate(const struct cs_report *r, enum cs_rpt_groupby by, struct cs_rpt_group **out,
		     size_t *n);

/* Totals over every device (key "all"). */
void cs_rpt_totals(const struct cs_report *r, struct cs_rpt_group *out);

/* --- renderers ------------------------------------------------------------------------------ */

struct cs_rpt_options {
	bool summary_only; /* no site names or ids, addresses, serials, MACs, per-device sections */
	int window;	   /* days for the recent removal rate (0: CS_RPT_DEFAULT_WINDOW) */
};

/* Each appends the whole document to out; 0 or a negative CS_E* code. */
int cs_rpt_render_html(const struct cs_report *r, const struct cs_rpt_options *o,
		       struct cs_buf *out);
int cs_rpt_render_csv(const struct cs_report *r, const struct cs_rpt_options *o,
		      struct cs_buf *out);
int cs_rpt_render_json(const struct cs_report *r, const struct cs_rpt_options *o,
		       struct cs_buf *out);

#endif
