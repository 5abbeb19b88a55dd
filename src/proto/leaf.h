/*
 * leaf.h - the one shape every document flattener produces: a stream of (path, name, value).
 *
 * Devices describe themselves in XML (ONVIF, SADP, ISAPI), JSON (DHIP, RPC2, Reolink, Tapo) and
 * key=value text (Dahua CGI, Axis param.cgi). Identification does not care which: it matches a
 * value by where it sits in the document. So each flattener walks its document and calls a
 * cs_leaf_fn once per leaf value, and the rules above it see one model for every format:
 *
 *   path   the '/'-joined names from the root down to and including the leaf. XML uses local
 *          names (namespace prefixes stripped) and "@attr" for attributes; JSON uses object
 *          keys, and an array's elements take the array's key (no indices); key=value text
 *          turns the dots of a key into '/'.
 *          e.g. "Envelope/Body/GetDeviceInformationResponse/Model"
 *   name   the last component of path, e.g. "Model"
 *   value  the text, trimmed of surrounding ASCII whitespace, e.g. "DS-2CD2143G2-I"
 *
 * The views point into the flattener's own memory and are valid only during the call; copy
 * what you keep. A non-zero return from the callback stops the walk and becomes the
 * flattener's return value (so use values that cannot be mistaken for CS_E* codes, or
 * return a CS_E* code on purpose). Leaves delivered before an error stay delivered: a
 * truncated document yields its complete leaves and then an error.
 */
#ifndef CS_LEAF_H
#define CS_LEAF_H

#include "common/str.h"

typedef int (*cs_leaf_fn)(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value);

/* Limits shared by the flatteners (xmlflat, jsonflat, kvflat). */
enum {
	CS_FLAT_MAX_INPUT = 1024 * 1024, /* bytes of document; more is CS_ETOOBIG */
	CS_FLAT_MAX_DEPTH = 64,		 /* nesting of elements or containers */
	CS_FLAT_MAX_LEAVES = 10000,	 /* leaves (or key=value lines) per document */
	CS_FLAT_MAX_VALUE = 4096,	 /* bytes of one value or line; longer is cut or skipped */
	CS_FLAT_MAX_PATH = 2048,	 /* bytes of one path; deeper or longer is CS_ETOOBIG */
};

#endif
