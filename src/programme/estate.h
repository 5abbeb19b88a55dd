/*
 * estate.h - the removal programme's view of the inventory: sites and their networks, which
 * site each device belongs to, the inputs of the progress maths, and the scan-based
 * verification run. This is the glue between store.h (rows) and programme.h (rules); the
 * commands (site, milestone, verify, devices) use it so that they all attach devices the same
 * way.
 */
#ifndef CS_ESTATE_H
#define CS_ESTATE_H

#include "common/arena.h"
#include "programme/programme.h"
#include "store/store.h"

struct cs_estate_site {
	int64_t id;
	char *name; /* owned */
	bool sensitive;
};

/* Every site, network and hand attachment, loaded once. Free with cs_estate_free. */
struct cs_estate {
	struct cs_estate_site *sites; /* id order */
	size_t nsites;
	struct cs_cidr *nets; /* every network of every site, sites in id order */
	size_t *net_site;     /* nets[i] belongs to sites[net_site[i]] */
	bool *net_core;	      /* nets[i] is a core network */
	size_t nnets;
	int64_t *attach_dev; /* hand attachments: device ids, ascending */
	size_t *attach_site; /* ... and their site indexes */
	size_t nattach;
};

/* Load the estate from st into *e (zeroed first). On failure *e is empty. */
int cs_estate_load(struct cs_estate *e, struct cs_store *st, struct cs_err *err);
void cs_estate_free(struct cs_estate *e); /* no-op on an empty estate */

/*
 * The index in e->sites of the site device_id belongs to, or -1: its hand attachment if it has
 * one (*by_hand true), else the site whose network holds address with the longest prefix.
 * *core (may be NULL) says whether that network is a core network (false for hand attachments).
 */
long cs_estate_site_of(const struct cs_estate *e, int64_t device_id, const char *address,
		       bool *by_hand, bool *core);

/* The progress inputs: one cs_prog_device per inventory device, with its events. */
struct cs_estate_prog {
	struct cs_prog_site *sites; /* parallel to the estate's sites */
	struct cs_prog_device *devs;
	size_t ndevs;
	struct cs_prog_event *events; /* all events, grouped by device */
	size_t nevents;
	struct cs_arena strings; /* the dates */
};

int cs_estate_prog_load(struct cs_estate_prog *p, struct cs_store *st, const struct cs_estate *e,
			struct cs_err *err);
void cs_estate_prog_free(struct cs_estate_prog *p);

/* What cs_programme_verify() found for one removed device. */
struct cs_verify_report {
	int64_t device_id;
	const char *address;
	const char *removed_on;
	struct cs_verify_outcome outcome;
};

/*
 * Evaluate every device whose state is "removed" against the scans recorded in st (oldest
 * first, cs_verify_removed with `need` scans). When apply is true, a verified device is moved
 * to "verified" (by the scans, audited as actor a) with the scans named in its evidence.
 * cb (may be NULL) is called per removed device after any move.
 */
int cs_programme_verify(struct cs_store *st, unsigned need, bool apply,
			const struct cs_store_actor *a,
			int (*cb)(void *ctx, const struct cs_verify_report *v), void *ctx,
			const char *today, struct cs_err *err);

#endif
