/*
 * device.h - what identification concludes about one device, and why.
 *
 * A struct cs_device is the product's central record: the engine fills it, the policy engine
 * adds verdicts, the store persists it and every output format prints it. All strings are
 * owned by the arena the device was identified in (see ident.h) unless a function says
 * otherwise; a device copied out of the engine (cs_device_clone) owns its own memory.
 */
#ifndef CS_DEVICE_H
#define CS_DEVICE_H

#include "ident/signal.h"

#include <stdbool.h>
#include <stddef.h>

/* Persisted by name in the store; the order only matters for display. */
#define CS_DEVTYPES(X)                                                                             \
	X(UNKNOWN, "unknown")                                                                      \
	X(CAMERA, "camera")                                                                        \
	X(NVR, "nvr")                                                                              \
	X(DVR, "dvr")                                                                              \
	X(ENCODER, "encoder")                                                                      \
	X(DOORBELL, "doorbell")                                                                    \
	X(THERMAL, "thermal")                                                                      \
	X(OTHER, "other")

enum cs_devtype {
#define X(id, name) CS_DT_##id,
	CS_DEVTYPES(X)
#undef X
		CS_DT_COUNT
};

const char *cs_devtype_name(enum cs_devtype t);
enum cs_devtype cs_devtype_lookup(const char *name); /* CS_DT_COUNT when unknown */

/* One observation and what it implied. */
struct cs_evidence {
	enum cs_signal signal;
	const char *value;   /* the value as seen (or derived), never NULL */
	const char *from;    /* for a derived value: the signal it came from; else NULL */
	const char *implies; /* human-readable, e.g. "manufacturer=Hikvision; type=nvr" */
	const char *maker;   /* canonical maker this evidence points to, or NULL */
	const char *rule;    /* id of the fingerprint rule, or a built-in name */
	double weight;	     /* 0..1: how strongly it implies what it implies */
};

/* One policy that covers the device. */
struct cs_coverage {
	const char *policy; /* profile id, e.g. "us-ndaa889" */
	const char *entity; /* the named entity that makes it covered, e.g. "Hikvision" */
	const char
		*basis; /* the profile's legal basis, e.g. "John S. McCain NDAA FY2019 s.889 ..." */
	const char *why;    /* why this entity is in the profile (may be ""); not persisted */
	const char *via;    /* how the device reaches the entity, e.g. "brand EZVIZ (subsidiary)" */
	const char *status; /* "covered" or "review" */
};

struct cs_device {
	const char *manufacturer; /* canonical real maker, or NULL when not evidenced */
	const char *brand;	  /* label presented, when it differs from manufacturer */
	const char *model;
	const char *firmware;
	const char *serial;
	const char *mac; /* normalised aa:bb:cc:dd:ee:ff */
	const char *hardware;
	const char *address; /* IP address, when known */
	const char *basis;   /* "hardware": maker evidenced; "label": brand only; NULL: unknown */
	enum cs_devtype type;
	double confidence; /* 0..1 for manufacturer */

	const char *possible_makers[4]; /* makers behind an OEM label, when not evidenced */
	size_t npossible;

	struct cs_evidence *evidence;
	size_t nevidence;

	struct cs_coverage *coverage;
	size_t ncoverage;
	bool covered;		    /* true when any coverage has status "covered" */
	const char *covered_status; /* "covered", "review" or "not_covered" */
};

#endif
