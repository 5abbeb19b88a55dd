/*
 * findings_ctx.h - the one place that turns what the inventory knows about a device into the
 * context the findings engine judges it in (struct cs_findings_context).
 *
 * Kept apart from findings.h so that the engine stays pure: only this function reads the store.
 * Schema v2 has no sites, networks or removal workflow, so today the context is "no site,
 * network unknown, workflow identified"; when the store gains them (v3), only
 * cs_findings_context_for() changes.
 */
#ifndef CS_FINDINGS_CTX_H
#define CS_FINDINGS_CTX_H

#include "findings/findings.h"
#include "store/store.h"

/*
 * Fill *ctx for device d (a record from cs_store_get_device or a list callback) as of today
 * (yyyymmdd). Strings in *ctx are borrowed from d or from the store's record: valid while d
 * is. st may be used to read more (sites, workflow) and must not be written.
 */
int cs_findings_context_for(struct cs_store *st, const struct cs_stored_device *d, int today,
			    struct cs_findings_context *ctx, struct cs_err *err);

/* Today's date (UTC) as yyyymmdd. */
int cs_findings_today(void);

#endif
