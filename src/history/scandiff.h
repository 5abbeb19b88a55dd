/*
 * scandiff.h - what changed between two scans: devices new, gone and changed (address,
 * firmware, identity), from the scan records and device history in the inventory.
 *
 * "Gone" needs care: a scan only looks where it is told to. A device seen by scan A but not by
 * scan B is "gone" only when its address (as A saw it) lies within B's target specification
 * and B covered all of it (B completed, unsharded). Otherwise B could not have seen it and
 * the device is "unseen": not a finding either way. Likewise a device new in B whose address
 * was outside A's targets is new to the comparison, not necessarily new to the estate; such
 * entries say so.
 *
 * Identity at the time of each scan is rebuilt from the device's history (the store keeps
 * the current record and a dated list of changes), so "changed" compares what each scan saw,
 * not today's record twice. History times have one-second resolution.
 */
#ifndef CS_SCANDIFF_H
#define CS_SCANDIFF_H

#include "common/arena.h"
#include "common/err.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum cs_diff_kind { CS_DIFF_NEW, CS_DIFF_GONE, CS_DIFF_CHANGED, CS_DIFF_UNSEEN };

const char *cs_diff_kind_name(enum cs_diff_kind k); /* "new", "gone", "changed", "unseen" */

/* The fields compared, in this order; "address" is the address each scan saw. */
#define CS_DIFF_FIELDS                                                                             \
	"address", "manufacturer", "brand", "model", "firmware", "serial", "mac", "hardware",      \
		"device_type"
enum { CS_DIFF_NFIELDS = 9 };

struct cs_diff_change {
	const char *field;
	const char *before; /* NULL: unknown then */
	const char *after;
};

struct cs_diff_entry {
	enum cs_diff_kind kind;
	int64_t device_id;
	/*
	 * The fields in CS_DIFF_FIELDS order: for changed, as of scan B; for new, gone and unseen,
	 * the address that scan saw and the other fields as the device is recorded now.
	 */
	const char *values[CS_DIFF_NFIELDS];
	struct cs_diff_change changes[CS_DIFF_NFIELDS]; /* changed only */
	size_t nchanges;
	const char *reason; /* why gone/unseen, or a caveat on new; may be NULL */
};

struct cs_scan_diff {
	struct cs_scan_record *a, *b; /* owned: the older and the newer scan */
	struct cs_diff_entry *v;      /* new, then gone, then changed, then unseen; by device id */
	size_t n;
	size_t in_a, in_b, unchanged;
	bool a_targets_known, b_targets_known; /* the specs could be parsed */
	struct cs_arena strings;	       /* every string in v */
};

/*
 * Compare scan a (the "before") with scan b (the "after"). CS_ENOTFOUND when either scan does
 * not exist. On success the caller must cs_scan_diff_free(out).
 */
int cs_scan_diff(struct cs_store *st, int64_t a, int64_t b, struct cs_scan_diff *out,
		 struct cs_err *err);
void cs_scan_diff_free(struct cs_scan_diff *d); /* no-op on a zeroed or freed diff */

/* The two most recent scans with status "done": *a older, *b newer. CS_ENOTFOUND with fewer. */
int cs_scan_diff_latest_pair(struct cs_store *st, int64_t *a, int64_t *b, struct cs_err *err);

/*
 * Does the target specification of rec (its targets and the "exclude" of its options) contain
 * the IPv4 address addr? YES/NO as 1/0, or -1 when it cannot be said (an -iL file gone, an
 * address that is not IPv4, a spec that does not parse).
 */
int cs_scan_targets_contain(const struct cs_scan_record *rec, const char *addr);

#endif
