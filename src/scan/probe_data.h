/*
 * probe_data.h - the request payloads the probes send, kept as data files the user can read
 * (<data dir>/probes/NAME.req for HTTP and RTSP, NAME.hex for binary; the format is in
 * data/probes/README.md), loaded once at start-up and filled in per target.
 *
 * Usage:
 *
 *	if (cs_probe_data_load(kb->data_dirs[0], &err) != CS_OK)   // once, before any scan
 *		fail(err.msg);
 *	cs_probe_payload("http-root", &target, buf, sizeof(buf), &len); // per request
 *	cs_probe_data_free();                                     // at exit
 *
 * Loading refuses a payload that is malformed or carries anything a non-intrusive scan must
 * never send (credentials, a second login step, exploit paths); see cs_probe_payload_forbidden.
 * After loading, the payloads are read-only: cs_probe_payload may be called from any thread.
 * Loading and freeing are not thread-safe: do them before scanning starts and after it ends.
 */
#ifndef CS_PROBE_DATA_H
#define CS_PROBE_DATA_H

#include "common/err.h"
#include "scan/probe.h"

#include <stdbool.h>
#include <stddef.h>

enum {
	CS_PROBE_FILE_MAX = 4096, /* bytes of one payload file */
};

/*
 * Load every payload the probes use from <data_dir>/probes. A missing, oversized or malformed
 * file, or one that fails the non-intrusive check, is an error (CS_EIO, CS_ETOOBIG or CS_EDATA)
 * with "path:line: what is wrong" in err; nothing is loaded then. Loading again replaces what
 * was loaded (and on failure leaves the previous payloads in place).
 */
int cs_probe_data_load(const char *data_dir, struct cs_err *err);

/* Forget the loaded payloads. Safe to call when nothing is loaded. */
void cs_probe_data_free(void);

bool cs_probe_data_loaded(void);

/*
 * Write the payload called name (its file name without extension, e.g. "http-root") for target
 * t into buf[0..cap), placeholders filled, and its length into *len. Returns CS_OK;
 * CS_ENOTFOUND when no such payload is loaded (or nothing is); CS_ETOOBIG when cap is short;
 * CS_EINVAL when t->host is not a dotted quad; CS_EIO when no random bytes are available for
 * a {uuid}. buf is not NUL-terminated (binary payloads contain NULs).
 */
int cs_probe_payload(const char *name, const struct cs_probe_target *t, char *buf, size_t cap,
		     size_t *len);

/*
 * The payload as loaded: wire form (CRLF line endings, body cut at its end) with placeholders
 * not yet filled. Valid until cs_probe_data_free or the next load; caller does not free.
 * NULL when no such payload is loaded.
 */
const char *cs_probe_payload_template(const char *name, size_t *len);

/* Names of every payload the probes use, in a fixed order, and how many there are. */
extern const char *const cs_probe_payload_names[];
extern const size_t cs_probe_payload_count;

/*
 * The non-intrusive check applied to every payload: returns why p[0..n) must never be sent
 * ("credentials: Authorization header", ...), or NULL when it may be. A denylist of what the
 * reference documents as credentialed, state-changing or exploit traffic: a guard against
 * accidents in edited payload files, not a proof of harmlessness.
 */
const char *cs_probe_payload_forbidden(const char *p, size_t n);

#endif
