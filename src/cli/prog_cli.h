/*
 * prog_cli.h - what the programme commands (site, plan, mark, verify, milestone, audit) share:
 * who is acting, today's date, opening the inventory, output formats, CSV cells and rows, and
 * printing stored text to a terminal safely.
 */
#ifndef CS_PROG_CLI_H
#define CS_PROG_CLI_H

#include "common/buf.h"
#include "common/err.h"
#include "programme/programme.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum cs_cli_format { CS_FMT_TABLE, CS_FMT_JSON, CS_FMT_CSV };

/* "table", "json" or "csv"; CS_EINVAL otherwise. */
int cs_cli_parse_format(const char *s, enum cs_cli_format *f);

/* $CAMSWEEP_USER, else the login name of the real user, else "uid:N". Static buffer. */
const char *cs_cli_who(void);

/* Today's date (UTC) as YYYY-MM-DD. */
void cs_cli_today(char out[CS_DATE_LEN]);

/* A device id: a positive decimal integer. */
int cs_cli_parse_id(const char *s, int64_t *id);

/* Is s a device as the workflow commands take it: an id, or the IPv4 address it is at? */
bool cs_cli_device_arg_ok(const char *s);

/*
 * The device s names: an id as it is, or an address resolved to the one device recorded at it.
 * CS_ENOTFOUND when no device is at that address, CS_EINVAL when several are (err says so).
 */
int cs_cli_resolve_device(struct cs_store *st, const char *s, int64_t *id, struct cs_err *err);

/*
 * CS_OK when the inventory file db (NULL or "": the default path) exists or db is a network
 * URI (left to the backend); CS_ENOTFOUND with "no inventory at PATH" otherwise, followed by
 * " (hint)" when hint is not NULL. Reading commands call it before cs_store_open, which would
 * create a missing file because of a typo in --db.
 */
int cs_cli_check_exists(const char *db, const char *hint, struct cs_err *err);

/*
 * Open the inventory named by db (NULL: the global --db or the default). When must_exist, a
 * missing file is CS_ENOTFOUND instead of a new empty inventory (reading commands must not
 * create one because of a typo).
 */
int cs_cli_open(struct cs_store **st, const char *db, bool must_exist, struct cs_err *err);

/*
 * Parse one CSV record from *p (RFC 4180: quoted fields may hold commas, quotes doubled and
 * line breaks; CRLF or LF ends a record). Fields are NUL-terminated copies in *row (cleared
 * first); *p moves past the record. CS_EPARSE for an unterminated quote, CS_ETOOBIG past
 * max_fields.
 */
struct cs_csv_row {
	char *f[16];
	size_t n;
};
int cs_cli_csv_row(const char **p, struct cs_csv_row *row, struct cs_err *err);
void cs_cli_csv_row_free(struct cs_csv_row *row);

/* Print s to f for a terminal (cs_term_safe: control characters become '?'), "-" for NULL. */
void cs_cli_print_safe(FILE *f, const char *s, size_t max);

/* A terminal-safe copy of s cut to max cells ("-" for NULL or ""); caller frees. NULL: no memory. */
char *cs_cli_safe_dup(const char *s, size_t max);

/* Print a table of rows x ncols cells (text already safe); widths computed. */
void cs_cli_table(FILE *f, const char *const *titles, size_t ncols, char *const *cells,
		  size_t nrows);

#endif
