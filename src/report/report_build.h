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

struct cs_findings_db;

struct cs_rpt_build_options {
	const char *name;  /* programme name; NULL: "Surveillance equipment removal" */
	const char *as_of; /* YYYY-MM-DD; NULL: today (UTC) */
	/* The findings rules and vulnerability data; NULL: the model has no findings. */
	const struct cs_findings_db *findings;
	const char *policy; /* the policies whose coverage counts for findings; NULL: all */
	int today;	    /* yyyymmdd, to judge exemptions' expiry */
};

/*
 * Build the model from everything in st. Until the store records removal work, every device
 * whose verdict is "covered" is affected and none is removed, and the progress series has the
 * one point of as_of. On success the caller must json_decref(*out).
 */
int cs_rpt_build_from_store(struct cs_store *st, const struct cs_rpt_build_options *o, json_t **out,
			    struct cs_err *err);

/*
 * The programme's sections (report_build_prog.c): overwrite root's sites, milestones, progress
 * (snapshots at the dates things changed, up to as_of), audit (the newest rows) and, when
 * o->findings is set, findings; and set each device's site, state and due date. root must be
 * what cs_rpt_build_from_store() made. Called by it; exposed for tests.
 */
int cs_rpt_build_programme(struct cs_store *st, json_t *root, const struct cs_rpt_build_options *o,
			   const char *as_of, struct cs_err *err);

#endif
