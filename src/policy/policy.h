/*
 * policy.h - judging an identified device against policy profiles (the .policy files in data/policies).
 *
 * A device is covered by a profile when its evidenced manufacturer is a named entity of the
 * profile (or, with `include nil=yes`, a company subject to the PRC National Intelligence Law),
 * or a current subsidiary of one. It is marked for review, not covered, when the connection
 * rests on a label or on history: a brand that relabels a covered maker's hardware, a former
 * subsidiary (Lorex), or makers that are only possible. Never covered on a guess.
 */
#ifndef CS_POLICY_H
#define CS_POLICY_H

#include "common/arena.h"
#include "ident/device.h"
#include "ident/kb.h"

/*
 * Fill dev->coverage, dev->covered and dev->covered_status. only: comma-separated profile ids,
 * or NULL for every profile. Coverage records are allocated from arena.
 * CS_ENOTFOUND (with the unknown id in err) when only names a profile that does not exist.
 */
int cs_policy_judge(const struct cs_kb *kb, struct cs_device *dev, const char *only,
		    struct cs_arena *arena, struct cs_err *err);

/* Check that every id in a comma-separated list names a loaded profile. */
int cs_policy_check_ids(const struct cs_kb *kb, const char *only, struct cs_err *err);

const struct cs_policy *cs_policy_find(const struct cs_kb *kb, const char *id);

#endif
