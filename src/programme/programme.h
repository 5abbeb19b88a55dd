/*
 * programme.h - the rules of the removal programme, with no storage and no I/O: the workflow
 * state machine of a device, calendar dates, CIDR networks and the site an address belongs to,
 * the "verified by later scans" rule, and the milestone arithmetic (progress by sites and by
 * devices, as of any date).
 *
 * The store (src/store/) persists sites, workflow states and the audit log and calls
 * cs_wf_check() inside its write transaction; the commands gather rows from the store and hand
 * them to the functions here. Everything here is deterministic given its arguments (no clock:
 * "today" is always passed in), so each rule can be tested alone. See docs/programme.md.
 */
#ifndef CS_PROGRAMME_H
#define CS_PROGRAMME_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- workflow ------------------------------------------------------------------------------- */

/*
 * The states of a device in the programme. Stored by name (cs_wf_name), never by number. A
 * device with no recorded state is CS_WF_IDENTIFIED.
 */
enum cs_wf_state {
	CS_WF_IDENTIFIED,
	CS_WF_PLANNED,
	CS_WF_DISCONNECTED,
	CS_WF_REMOVED,
	CS_WF_VERIFIED,
	CS_WF_EXEMPT,
	CS_WF_COUNT
};

/* Who makes a move: a person (plan, mark) or the scan-based verifier (verify). */
enum cs_wf_actor { CS_WF_BY_HAND, CS_WF_BY_SCANS };

/* "identified", "planned", ...; "?" for an out-of-range value. Static string. */
const char *cs_wf_name(enum cs_wf_state s);

/* The state called name (exact, lower case); CS_EINVAL when there is none. */
int cs_wf_lookup(const char *name, enum cs_wf_state *out);

/*
 * Whether a device may go from `from` to `to` when `by` asks. 0, or CS_EINVAL with a sentence
 * in *err saying why not. The table is in programme.c and docs/programme.md.
 */
int cs_wf_check(enum cs_wf_state from, enum cs_wf_state to, enum cs_wf_actor by,
		struct cs_err *err);

/*
 * Whether a device in state s counts as dealt with on date asof: removed or verified, or
 * exempt with an expiry after asof (an exemption expires at the start of its expiry date).
 */
bool cs_wf_done(enum cs_wf_state s, const char *expires, const char *asof);

/* --- dates ---------------------------------------------------------------------------------- */

/* Room for "YYYY-MM-DD" and its NUL. */
#define CS_DATE_LEN 11

/* Whether s is a real calendar date written YYYY-MM-DD (years 1970-9999). */
bool cs_date_valid(const char *s);

/*
 * The date part of an ISO 8601 timestamp or date (its first 10 bytes) into out; CS_EINVAL when
 * they are not a valid date.
 */
int cs_date_of(const char *iso, char out[CS_DATE_LEN]);

/* --- networks ------------------------------------------------------------------------------- */

/* An IPv4 network: the address (host byte order, no host bits set) and the prefix length. */
struct cs_cidr {
	uint32_t net;
	unsigned len;
};

/* A dotted quad (exactly four decimal octets) into host byte order; CS_EPARSE otherwise. */
int cs_ipv4_parse(const char *s, uint32_t *out);

/*
 * "a.b.c.d/len" (a bare address is a /32). Host bits set are refused (CS_EPARSE, with the
 * network the user probably meant in *err) rather than silently cleared: a typo in a site's
 * network would otherwise attach the wrong devices.
 */
int cs_cidr_parse(const char *s, struct cs_cidr *out, struct cs_err *err);

bool cs_cidr_contains(struct cs_cidr c, uint32_t addr);

/* Write c as "a.b.c.d/len" into out (at least 19 bytes); returns out. */
char *cs_cidr_format(struct cs_cidr c, char *out);

/*
 * The network of nets[0..n) that holds addr with the longest prefix, or -1. Among equal
 * prefixes (the same network in two sites) the first wins; callers list sites in id order so
 * the older site keeps its devices.
 */
long cs_cidr_best(const struct cs_cidr *nets, size_t n, uint32_t addr);

/* --- verification --------------------------------------------------------------------------- */

/* One recorded scan, oldest first, as the verifier sees it. */
struct cs_verify_scan {
	int64_t id;
	const char *started;  /* ISO 8601 UTC */
	const char *status;   /* only "done" scans count */
	const char *targets;  /* as recorded: specs separated by spaces, "-iL:FILE" for files */
	const char *excludes; /* comma-separated specs, or NULL */
	bool saw_device;      /* the scan linked the device */
	/*
	 * Optional: targets and excludes already parsed by cs_verify_scan_parse() (callers that
	 * judge many devices against the same scans parse each scan once); NULL: parsed per call.
	 * parse_failed: the specs did not parse, so the scan covers nothing.
	 */
	const struct cs_targets *parsed;
	bool parse_failed;
};

struct cs_targets;

/*
 * Parse the scan's targets minus its excludes into *t (initialised here; the caller frees it
 * with cs_targets_free). "-iL:" specs are skipped (see cs_verify_removed). CS_EPARSE when a
 * spec does not parse; CS_ENOMEM, CS_ETOOBIG as cs_targets_add.
 */
int cs_verify_scan_parse(const struct cs_verify_scan *s, struct cs_targets *t);

enum cs_verify_result {
	CS_VERIFY_PENDING,   /* fewer than the needed later scans covered the address */
	CS_VERIFY_VERIFIED,  /* the needed number of later covering scans did not see it */
	CS_VERIFY_REGRESSED, /* a later scan saw the device again */
};

struct cs_verify_outcome {
	enum cs_verify_result result;
	unsigned absent;     /* later covering scans that did not see the device */
	int64_t evidence_id; /* verified: the scan that completed the count; regressed: the
				 first scan that saw it again; else 0 */
};

/*
 * Decide whether a device removed on removed_on (YYYY-MM-DD), last known at address, is verified
 * by the scans after that day: it is when `need` scans that started after removed_on, finished
 * ("done") and covered address (the address is in the scan's targets and not excluded) did not
 * see it. A later scan that saw the device at all is a regression, whatever it covered. Scans on
 * the removal day itself are ignored (the device may have gone that afternoon). Target specs
 * read from files ("-iL:") are not read again: such a scan covers only what its inline specs
 * say, so the verifier errs towards "pending", never towards "verified". address NULL or not a
 * dotted quad: no scan covers it (pending unless seen again).
 */
int cs_verify_removed(const char *removed_on, const char *address,
		      const struct cs_verify_scan *scans, size_t n, unsigned need,
		      struct cs_verify_outcome *out, struct cs_err *err);

/* --- milestones ----------------------------------------------------------------------------- */

/* One workflow change of a device, as the progress maths needs it. */
struct cs_prog_event {
	const char *date; /* effective date YYYY-MM-DD */
	enum cs_wf_state state;
	const char *expires; /* exempt: expiry date; else NULL */
};

struct cs_prog_device {
	long site;		/* index into the sites array, or -1: not attached to any site */
	bool covered;		/* a policy covers it (the devices the programme must remove) */
	const char *first_seen; /* ISO 8601: when the inventory first recorded it */
	const struct cs_prog_event *events; /* oldest first (by date, then recording order) */
	size_t nevents;
};

struct cs_prog_site {
	bool sensitive;
};

struct cs_progress {
	unsigned sites_affected;   /* in scope, with a covered device known by asof */
	unsigned sites_done;	   /* affected, and every such device done by asof */
	unsigned sites_unaffected; /* in scope, with no covered device by asof */
	unsigned devices;	   /* covered devices in scope known by asof: first recorded,
				      or with a workflow event dated, on or before it */
	unsigned devices_done;	   /* of those, done (cs_wf_done) by asof */
};

/* The state of d on date asof (the last event dated on or before it); *expires as recorded. */
enum cs_wf_state cs_prog_state_at(const struct cs_prog_device *d, const char *asof,
				  const char **expires);

/*
 * Progress on date asof. sensitive_only limits the scope to sensitive sites (the UK headline);
 * otherwise every site counts, and devices attached to no site count among the devices (not
 * among the sites). CS_EINVAL for a bad asof, CS_ENOMEM.
 */
int cs_prog_measure(const struct cs_prog_site *sites, size_t nsites,
		    const struct cs_prog_device *devs, size_t ndevs, bool sensitive_only,
		    const char *asof, struct cs_progress *out);

/* done * 100 / total rounded down, or -1 when total is 0 (nothing was ever affected). */
int cs_prog_percent(unsigned done, unsigned total);

#endif
