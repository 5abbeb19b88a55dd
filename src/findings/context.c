/*
 * context.c - cs_findings_context_for(): the inventory's view of a device's site, network and
 * workflow state (findings_ctx.h). Deliberately small and isolated: it is the seam where the
 * v3 store (sites, networks, removal workflow) plugs into the findings engine.
 */
#include "findings/findings_ctx.h"

#include <string.h>
#include <time.h>

int cs_findings_context_for(struct cs_store *st, const struct cs_stored_device *d, int today,
			    struct cs_findings_context *ctx, struct cs_err *err)
{
	(void)st;
	(void)err;
	memset(ctx, 0, sizeof(*ctx));
	/* Schema v2 knows no site, network or workflow: judged as unassigned and identified. */
	ctx->site = NULL;
	ctx->net_class = CS_NET_UNKNOWN;
	ctx->state = CS_WF_IDENTIFIED;
	ctx->last_seen = d->last_seen;
	ctx->today = today;
	return CS_OK;
}

int cs_findings_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
