/*
 * jsonflat.h - flatten a JSON document from a device (DHIP, Dahua RPC2, Reolink, Tapo, Axis,
 * Xiongmai) into leaves (see leaf.h), and strip the '#' annotations some captures carry.
 *
 * Object keys make the path; an array's elements take the array's own key, without indices,
 * so [{"model":"A"},{"model":"B"}] under "devices" gives two leaves "devices/model". Scalars
 * become text: strings as they are (trimmed), integers in decimal, reals with %g, true/false;
 * null gives no leaf. A scalar at the top level, or inside a top-level array, has an empty path
 * and name.
 */
#ifndef CS_JSONFLAT_H
#define CS_JSONFLAT_H

#include "common/buf.h"
#include "common/err.h"
#include "proto/leaf.h"

#include <stddef.h>

/*
 * Parse p[0..n) strictly (no trailing bytes other than whitespace; a leading UTF-8 byte order
 * mark is skipped; "\u0000" inside strings is allowed and appears in the value) and call fn for
 * every leaf, in document order. Returns 0, CS_EPARSE for malformed JSON (jansson's message,
 * line and column in err), CS_ETOOBIG past CS_FLAT_MAX_INPUT bytes, CS_FLAT_MAX_DEPTH nested
 * containers, CS_FLAT_MAX_LEAVES leaves or a CS_FLAT_MAX_PATH path, CS_ENOMEM, or the
 * callback's non-zero value. Nothing is delivered unless the whole document parses, except
 * that a walk stopped by a limit has delivered the leaves before it.
 */
int cs_json_flatten(const char *p, size_t n, cs_leaf_fn fn, void *ctx, struct cs_err *err);

/*
 * Append p[0..n) to out without '#'-to-end-of-line comments that stand outside strings, e.g.
 *   "HostIP": "0x6700A8C0", # Camera IP address as ...
 * (annotated Xiongmai captures), so that the caller can retry cs_json_flatten on out->data.
 * The newline itself is kept so that line numbers in later errors still match. A string is
 * taken to end at a newline even without its closing quote, so one stray quote cannot hide the
 * comments of the rest of the document. Returns 0, or CS_ETOOBIG/CS_ENOMEM from out (whose
 * contents are then incomplete). The caller owns out and frees it with cs_buf_free.
 */
int cs_json_lenient_strip(const char *p, size_t n, struct cs_buf *out);

#endif
