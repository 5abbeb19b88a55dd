/*
 * report_build.h - building a report model (docs/report-model.md) from the inventory.
 *
 * The model is a JSON document, so that what the builder produces and what `report --model`
 * reads are one and the same interface. Today the store knows devices, their evidence and
 * coverage, and scans; sites, removal workflow, milestones, findings and the audit trail are
 * added here as the store learns them.
 */
#ifndef CS_REPORT_BUILD_H
#define CS_REPORT_BUILD_H

#include "common/err.h"
#include "store/store.h"

#include <jansson.h>

struct cs_rpt_build_options {
	const char *name;  /* programme name; NULL: "Surveillance equipment removal" */
	const char *as_of; /* YYYY-MM-DD; NULL: today (UTC) */
};

/*
 * Build the model from everything in st. Until the store records removal work, every device
 * whose verdict is "covered" is affected and none is removed, and the progress series has the
 * one point of as_of. On success the caller must json_decref(*out).
 */
int cs_rpt_build_from_store(struct cs_store *st, const struct cs_rpt_build_options *o, json_t **out,
			    struct cs_err *err);

#endif
