/*
 * import.h - devices from other people's lists: asset registers (CSV), nmap XML (-oX) and
 * masscan JSON (-oJ), each turned into observations for the identification engine.
 *
 * Usage:
 *
 *	cs_import_new(&im, kb, &err);                   // loads data/import-columns.tsv
 *	cs_import_set_map(im, "Kit=model,3=serial", &err); // optional --map
 *	cs_import_run(im, CS_IMPORT_AUTO, "register.csv", p, n, &sink, &stats, &err);
 *
 * Each device found is identified (ident.h), judged against the policy profiles (policy.h) and
 * handed to sink->device; rows that cannot be used go to sink->skip with the reason. The
 * evidence of every observation says where it came from ("register FILE:ROW", "nmap FILE
 * host ADDR ..."). The importer knows nothing about the store: the caller decides what to keep.
 * A struct cs_import is not thread-safe; the kb must outlive it.
 */
#ifndef CS_IMPORT_H
#define CS_IMPORT_H

#include "common/err.h"
#include "ident/device.h"
#include "ident/kb.h"

#include <stddef.h>

#define CS_IMPORT_FORMATS(X)                                                                       \
	X(AUTO, "auto")                                                                            \
	X(CSV, "csv")                                                                              \
	X(NMAP_XML, "nmap-xml")                                                                    \
	X(MASSCAN_JSON, "masscan-json")

enum cs_import_format {
#define X(id, name) CS_IMPORT_##id,
	CS_IMPORT_FORMATS(X)
#undef X
		CS_IMPORT_FORMAT_COUNT
};

const char *cs_import_format_name(enum cs_import_format f);
enum cs_import_format cs_import_format_lookup(const char *name); /* COUNT when unknown */
/* Guess the format from the content: nmap XML, masscan JSON, else CSV. */
enum cs_import_format cs_import_detect(const char *p, size_t n);

/* Largest input accepted (a /16 nmap scan with scripts is well under this). */
enum { CS_IMPORT_MAX_INPUT = 256 * 1024 * 1024 };

/* One device found, as handed to the sink. Valid only during the callback. */
struct cs_import_dev {
	const struct cs_device *dev; /* identified and judged; owned by the importer */
	const char *where;	     /* "row 12", "host 192.0.2.10": for source strings */
	const char *note;	     /* "location: ...; asset: ..." from a register, or NULL */
	const char *ports;	     /* "80/tcp,554/tcp" from a scan, or NULL */
	const char *location;	     /* a register's location ("North / Gatehouse"), or NULL */
};

struct cs_import_sink {
	/* Return 0 to go on, a negative CS_E* code to stop the import with it. */
	int (*device)(void *ctx, const struct cs_import_dev *d);
	/* A row or host that gave no device; where and reason are valid during the call. */
	void (*skip)(void *ctx, const char *where, const char *reason);
	void *ctx;
};

struct cs_import_stats {
	size_t records;	   /* data rows (CSV) or host records (nmap, masscan) read */
	size_t devices;	   /* handed to sink->device */
	size_t identified; /* of those, with a manufacturer */
	size_t covered;	   /* of those, covered by a profile */
	size_t review;	   /* of those, to review under a profile */
	size_t skipped;	   /* records that gave no device */
	size_t blank;	   /* blank CSV rows (not counted as records) */
	size_t capped;	   /* CSV fields cut at their cap */
};

struct cs_import;

/* Create an importer using kb; loads import-columns.tsv from kb's data directories.
 * Caller frees with cs_import_free. */
int cs_import_new(struct cs_import **out, const struct cs_kb *kb, struct cs_err *err);
void cs_import_free(struct cs_import *im); /* NULL-safe */

/* Column overrides for registers: "COLUMN=FIELD,..." where COLUMN is a header name or a
 * 1-based column number and FIELD one of make model serial mac ip hostname firmware type
 * location asset ignore. CS_EINVAL with the reason in err. */
int cs_import_set_map(struct cs_import *im, const char *spec, struct cs_err *err);

/* Profiles to judge against (comma-separated ids; NULL: all). Not copied: must outlive im. */
void cs_import_set_policy(struct cs_import *im, const char *only);

/*
 * Import one input. name is how the evidence names the file. stats are added to (not reset).
 * Returns 0 when the input was read (even if some records were skipped), CS_EPARSE when it is
 * not of the format at all, or the first negative code a sink callback returned.
 */
int cs_import_run(struct cs_import *im, enum cs_import_format fmt, const char *name, const char *p,
		  size_t n, const struct cs_import_sink *sink, struct cs_import_stats *stats,
		  struct cs_err *err);

#endif
