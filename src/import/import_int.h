/*
 * import_int.h - what the format readers (register.c, nmap.c, masscan.c) share with the
 * driver (import.c). Private to src/import/.
 *
 * A reader calls imp_begin() for each device, observes what the input says about it through
 * the engine (cs_ident_observe_from, cs_ident_feed), then imp_end() (identify, judge, hand to
 * the sink) or imp_skip().
 */
#ifndef CS_IMPORT_INT_H
#define CS_IMPORT_INT_H

#include "ident/ident.h"
#include "import/import.h"

enum imp_field {
	IMP_NONE,
	IMP_MAKE,
	IMP_MODEL,
	IMP_SERIAL,
	IMP_MAC,
	IMP_IP,
	IMP_HOSTNAME,
	IMP_FIRMWARE,
	IMP_TYPE,
	IMP_LOCATION,
	IMP_ASSET,
	IMP_IGNORE,
	IMP_NFIELDS
};

/* One column name (normalised: lower-case letters and digits) and its field. */
struct imp_column {
	char name[64];
	enum imp_field field;
};

/* A --map entry: by normalised header name, or by 1-based column number (name empty). */
struct imp_map {
	char name[64];
	unsigned col;
	enum imp_field field;
};

enum { IMP_MAX_COLUMNS = 512, IMP_MAX_MAP = 64 };

struct cs_import {
	const struct cs_kb *kb;
	struct cs_ident *id;
	struct imp_column *columns;
	size_t ncolumns;
	struct imp_map map[IMP_MAX_MAP];
	size_t nmap;
	const char *policy;
	/* per run */
	const char *name;
	const struct cs_import_sink *sink;
	struct cs_import_stats *stats;
	struct cs_err *err;
	const char *location; /* the current register row's location, for imp_end; else NULL */
};

void imp_begin(struct cs_import *im);
/* Identify what was observed since imp_begin and hand it to the sink; returns the sink's code. */
int imp_end(struct cs_import *im, const char *where, const char *note, const char *ports);
void imp_skip(struct cs_import *im, const char *where, const char *reason);
/* The field named s ("serial", ...), or IMP_NONE. */
enum imp_field imp_field_lookup(struct cs_sv s);

int imp_register(struct cs_import *im, const char *p, size_t n);
int imp_nmap(struct cs_import *im, const char *p, size_t n);
int imp_masscan(struct cs_import *im, const char *p, size_t n);

/* Observe, from a source string made in the engine's arena for the current device. */
void imp_observe(struct cs_import *im, enum cs_signal sig, struct cs_sv v, const char *from,
		 double trust);

#endif
