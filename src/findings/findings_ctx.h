/*
 * findings_ctx.h - the one place that turns what the inventory knows about a device into the
 * context the findings engine judges it in (struct cs_findings_context).
 *
 * Kept apart from findings.h so that the engine stays pure: only this file reads the store. A
 * source loads, once, everything the context needs from the inventory (schema v3): the sites
 * with their sensitivity and networks (core or segregated), the hand attachments, and the
 * removal workflow state of every device. Then each device's context is a lookup.
 */
#ifndef CS_FINDINGS_CTX_H
#define CS_FINDINGS_CTX_H

#include "findings/findings.h"
#include "store/store.h"

struct cs_findings_source;

/*
 * Load what the contexts of st's devices need. The store is only read. On success the caller
 * must cs_findings_source_free(*out); st must outlive it.
 */
int cs_findings_source_open(struct cs_findings_source **out, struct cs_store *st,
			    struct cs_err *err);
void cs_findings_source_free(struct cs_findings_source *src); /* NULL is a no-op */

/*
 * Fill *ctx for device d (a record from cs_store_get_device or a list callback) as of today
 * (yyyymmdd): its site (a hand attachment, else the site whose network holds its address,
 * longest prefix first), whether that site is sensitive and why, whether the network is core
 * or segregated, its workflow state with the state's date and an exemption's expiry, and
 * whether it has been seen (last_seen) on a day after that date. Strings in *ctx are borrowed
 * from d or from src: valid while both are.
 */
int cs_findings_context_for(struct cs_findings_source *src, const struct cs_stored_device *d,
			    int today, struct cs_findings_context *ctx, struct cs_err *err);

/* Today's date (UTC) as yyyymmdd. */
int cs_findings_today(void);

#endif
