/*
 * findings.h - what needs doing about a device: findings from policy x site x network x
 * workflow state, and from firmware versions in known-vulnerable ranges.
 *
 * This is pure logic. Its input is one identified device (struct cs_device, as identification
 * or the inventory has it), a context saying where the device is and what the removal
 * programme has decided about it (struct cs_findings_context, filled by
 * cs_findings_context_for() in findings_ctx.h), and the rule and vulnerability data
 * (data/findings.tsv, data/vulns.tsv). Its output is a list of findings, each with a severity,
 * the rule that raised it, a title and explanation, and the evidence that triggered it.
 * Nothing here reads the store, the clock or the network. The rules are described in
 * docs/findings.md.
 */
#ifndef CS_FINDINGS_H
#define CS_FINDINGS_H

#include "common/arena.h"
#include "common/err.h"
#include "findings/vulndb.h"
#include "ident/device.h"
#include "programme/programme.h"

#include <stdbool.h>
#include <stddef.h>

/* The rules camsweep knows how to evaluate; their severities and texts are data. */
#define CS_FINDING_RULES(X)                                                                        \
	X(COVERED_SENSITIVE, "covered-sensitive-site")                                             \
	X(COVERED_CORE, "covered-core-network")                                                    \
	X(COVERED_ELSEWHERE, "covered-elsewhere")                                                  \
	X(REVIEW, "review-device")                                                                 \
	X(KEV_VERSION, "kev-version")                                                              \
	X(KEV_VERSION_APPROX, "kev-version-approx")                                                \
	X(VULN_VERSION, "vuln-version")                                                            \
	X(VULN_UNKNOWN, "vuln-version-unknown")                                                    \
	X(REMOVED_REAPPEARED, "removed-reappeared")                                                \
	X(DISCONNECTED_REAPPEARED, "disconnected-reappeared")

enum cs_finding_rule_id {
#define X(id, name) CS_FR_##id,
	CS_FINDING_RULES(X)
#undef X
		CS_FR_COUNT
};

/* Ordered: a higher value is more severe. */
enum cs_severity { CS_SEV_INFO, CS_SEV_LOW, CS_SEV_MEDIUM, CS_SEV_HIGH, CS_SEV_CRITICAL };

const char *cs_severity_name(enum cs_severity s);
/* "critical", "high", "medium", "low", "info" (ASCII case-insensitive); CS_EINVAL otherwise. */
int cs_severity_parse(const char *s, enum cs_severity *out);

/* How the network a device is on is classed (UK WMS: core networks versus segregated ones). */
enum cs_net_class { CS_NET_UNKNOWN, CS_NET_CORE, CS_NET_SEGREGATED };
const char *cs_net_class_name(enum cs_net_class c);

/* The removal workflow states are programme.h's (enum cs_wf_state). */
/* cs_wf_name(s), but "identified" for an out-of-range value. */
const char *cs_wf_state_name(enum cs_wf_state s);

/*
 * Where a device is and what has been decided about it. Strings are borrowed (the caller keeps
 * them alive during cs_findings_eval). A zeroed context means: no site, network unknown,
 * workflow "identified", no exemption.
 */
struct cs_findings_context {
	const char *site;	    /* site name, NULL when the device is not assigned to one */
	bool site_sensitive;	    /* the site is classed sensitive */
	const char *site_criterion; /* why it is sensitive (UK-8 limb), may be NULL */
	const char *network;	    /* network name, may be NULL */
	enum cs_net_class net_class;
	enum cs_wf_state state;
	const char *state_since;  /* when the state was set (ISO 8601), may be NULL */
	bool seen_after_state;	  /* a scan saw the device after state_since */
	const char *last_seen;	  /* ISO 8601, may be NULL */
	const char *exempt_until; /* YYYY-MM-DD (state exempt); NULL: no expiry recorded */
	int today;		  /* yyyymmdd, to judge exempt_until */
};

/* One rule's data (findings.tsv). */
struct cs_finding_rule {
	const char *id;
	enum cs_severity severity;
	bool off;	       /* severity "off": the rule raises nothing */
	bool exempt_downgrade; /* an unexpired exemption lowers it to info */
	const char *title;
	const char *explanation;
};

struct cs_findings_db {
	struct cs_arena strings;
	struct cs_finding_rule rules[CS_FR_COUNT];
	struct cs_vulndb vulns;
};

/*
 * Load findings.tsv and vulns.tsv from dirs[0] (both required) and then from each later
 * directory where present (a later rule or CVE replaces an earlier one). Every rule must be
 * defined. Caller frees *out with cs_findings_db_free().
 */
int cs_findings_db_load(struct cs_findings_db **out, const char *const *dirs, size_t ndirs,
			struct cs_err *err);
void cs_findings_db_free(struct cs_findings_db *db); /* NULL is a no-op */

enum { CS_FINDING_MAX_EVIDENCE = 16 };

/* One piece of evidence: e.g. {"policy", "uk-nil"}, {"firmware", "V5.4.0 build 160101"}. */
struct cs_finding_evidence {
	const char *name;
	const char *value;
};

struct cs_finding {
	enum cs_finding_rule_id rule;
	const char *rule_id;		/* "covered-sensitive-site" */
	enum cs_severity severity;	/* after any exemption */
	enum cs_severity rule_severity; /* as the rule data says */
	const char *title;
	const char *explanation;
	const char *cve;  /* for the version rules, else NULL */
	const char *note; /* e.g. "exempt until 2026-12-31: severity high lowered to info" */
	struct cs_finding_evidence evidence[CS_FINDING_MAX_EVIDENCE];
	size_t nevidence;
};

/* A growable list of findings; the array is malloc'd, the strings live in an arena. */
struct cs_findings_list {
	struct cs_finding *v;
	size_t n, alloc;
};
void cs_findings_list_free(struct cs_findings_list *l); /* frees the array, not the arena */

/*
 * Append dev's findings to out. policy: a comma-separated list of policy ids whose coverage
 * counts, or NULL for every policy. Strings of the new findings are allocated from arena (or
 * borrowed from db, dev and ctx: keep all of them alive while out is used).
 */
int cs_findings_eval(const struct cs_findings_db *db, const struct cs_device *dev,
		     const struct cs_findings_context *ctx, const char *policy,
		     struct cs_arena *arena, struct cs_findings_list *out, struct cs_err *err);

#endif
