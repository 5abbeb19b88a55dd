/*
 * version.h - firmware version strings as camsweep meets them, parsed so that they can be
 * compared with the affected ranges of data/vulns.tsv.
 *
 * Three grammars are recognised (fingerprinting-signals.md 5.1, real captures):
 *   Hikvision  "V5.4.5 build 170124", "V5.5.0", "build 190909" (ISAPI splits the two halves)
 *   Dahua      "2.800.0000000.9.R, Build Date: 2020-05-19", "V2.622.0000000.31.R",
 *              "2.420.Dahua 00.14.R, build: 2016-06-18"
 *   dotted     "1.3.14", "v3.0.0.59_20080734", "9.80.1"
 * A comparison is three-valued: when the strings do not carry enough to decide (a build date is
 * needed but absent, two different grammars) the answer is "unknown", never a guess. Nothing
 * here allocates; a parsed version holds no pointers.
 */
#ifndef CS_FINDINGS_VERSION_H
#define CS_FINDINGS_VERSION_H

#include <stdbool.h>
#include <stdint.h>

enum cs_ver_scheme { CS_VER_DOTTED, CS_VER_HIKVISION, CS_VER_DAHUA };

enum { CS_VER_MAX_NUMS = 6 };

struct cs_version {
	enum cs_ver_scheme scheme;
	uint32_t num[CS_VER_MAX_NUMS]; /* the numeric components, most significant first */
	int nnum;		       /* 0 for a bare Hikvision "build 190909" */
	int build;		       /* build date as yyyymmdd, 0 when the string has none */
};

/* The answer to "is it so?" when the evidence may not say. */
enum cs_tri { CS_TRI_NO = 0, CS_TRI_YES = 1, CS_TRI_UNKNOWN = 2 };

/*
 * Parse s (NUL-terminated, from a device: any bytes). CS_OK, or CS_EPARSE when s is not a
 * version in any grammar above (then *v is zeroed). Surrounding spaces are ignored.
 */
int cs_version_parse(const char *s, struct cs_version *v);

/*
 * Compare a with b: *order is -1, 0 or 1 when the result is CS_TRI_YES ("decidable"); returns
 * CS_TRI_UNKNOWN when the two cannot be ordered (different vendor grammars; equal numbers but
 * only one build date; a build-only version against one whose numbers differ).
 * Missing trailing numbers count as 0 ("V5.5" == "V5.5.0").
 */
enum cs_tri cs_version_cmp(const struct cs_version *a, const struct cs_version *b, int *order);

/*
 * Is v within [lo, hi] (either bound may be NULL: open)? YES, NO or UNKNOWN. A NO from one
 * bound wins over an UNKNOWN from the other (outside is outside).
 */
enum cs_tri cs_version_in_range(const struct cs_version *v, const struct cs_version *lo,
				const struct cs_version *hi);

/* Is v's build date before the yyyymmdd date? UNKNOWN when v has no build date. */
enum cs_tri cs_version_built_before(const struct cs_version *v, int date);

/* Name of the grammar: "hikvision", "dahua", "dotted". Static. */
const char *cs_version_scheme_name(enum cs_ver_scheme s);

#endif
