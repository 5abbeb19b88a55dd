/*
 * device_out.h - how one identified device is printed: JSON (the product's interface,
 * documented in docs/json.md) and a text summary for people.
 *
 * Output modules know nothing about protocols: they print a struct cs_device. Every string in it
 * may come from a device, so JSON escaping (json.h) and terminal sanitising (cs_term_safe) are
 * applied to all of them.
 */
#ifndef CS_DEVICE_OUT_H
#define CS_DEVICE_OUT_H

#include "common/buf.h"
#include "common/json.h"
#include "ident/device.h"

#include <stdio.h>

/* Write the device as one JSON object (the caller may add keys before calling with
 * open_object false, then close the object itself). */
void cs_device_json(struct cs_json *j, const struct cs_device *d);
void cs_device_json_fields(struct cs_json *j, const struct cs_device *d);

/* A readable multi-line summary with the evidence. */
int cs_device_text(struct cs_buf *out, const struct cs_device *d);

/* Copy s for a terminal: control characters and escape sequences become '?', invalid UTF-8
 * becomes '?', and the result is cut to max display bytes ("..." when cut). */
int cs_term_safe(struct cs_buf *out, const char *s, size_t max);

#endif
