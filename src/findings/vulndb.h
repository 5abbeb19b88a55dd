/*
 * vulndb.h - known vulnerabilities by maker, model family and firmware range (data/vulns.tsv).
 *
 * camsweep never exploits anything to decide whether a device is vulnerable: it compares the
 * model and firmware version that identification already found with the affected ranges that
 * vendor advisories and CVE records publish, kept as data (docs/findings.md describes the
 * file). Each comparison is three-valued (version.h): a device whose firmware cannot be parsed,
 * or lacks the build date a range needs, is "unknown", never "vulnerable".
 */
#ifndef CS_FINDINGS_VULNDB_H
#define CS_FINDINGS_VULNDB_H

#include "common/arena.h"
#include "common/err.h"
#include "findings/version.h"
#include "ident/device.h"

#include <stdbool.h>
#include <stddef.h>

/* One row of vulns.tsv: one CVE for one model family and firmware range. */
struct cs_vuln {
	const char *cve;       /* "CVE-2017-7921" */
	const char *maker;     /* canonical maker, compared with the device's manufacturer */
	const char *models;    /* '|'-separated patterns ('*' any run, '?' any byte, '#' a digit) */
	const char *range;     /* the version conditions as written, for evidence */
	const char *title;     /* short description */
	const char *kev_added; /* CISA KEV date added (YYYY-MM-DD), NULL when not in KEV */
	const char *cvss;      /* as written, NULL when unknown */
	const char *source;    /* advisory / record URLs; "UNVERIFIED: ..." when not checked */
	bool approximate;      /* certainty column says "approximate": range not from a table */
	struct cs_version from, to, fixed;
	bool has_from, has_to, has_fixed;
	int built_after, built_before; /* yyyymmdd, 0 = no condition */
	const char *file;
	int line;
};

struct cs_vulndb {
	struct cs_arena strings; /* every string above */
	struct cs_vuln *v;
	size_t n, alloc;
};

void cs_vulndb_init(struct cs_vulndb *db);
void cs_vulndb_free(struct cs_vulndb *db); /* no-op on a zeroed or freed db */

/*
 * Load path into db. Rows for a CVE already loaded from an earlier file replace all of that
 * CVE's earlier rows (so a user's file can correct a range). CS_EDATA with "file:line: ..." in
 * err for a malformed row; CS_EIO when the file cannot be read.
 */
int cs_vulndb_load(struct cs_vulndb *db, const char *path, struct cs_err *err);

/* Does model match one of the '|'-separated patterns (ASCII case-insensitive)? */
bool cs_vuln_model_match(const char *patterns, const char *model);

/*
 * Judge one row against a device: *model_ok is YES/NO/UNKNOWN (unknown model), and the return
 * is whether the firmware is in the range (ver NULL: firmware absent or unparsed: UNKNOWN).
 * The maker must already have been checked by the caller.
 */
enum cs_tri cs_vuln_version_match(const struct cs_vuln *vu, const struct cs_version *ver);

#endif
