/*
 * kvflat.h - flatten "key=value" line replies into leaves (see leaf.h).
 *
 * Dahua's CGI answers in lines (magicBox.cgi: "serialNumber=4J0186FPAG00123", configManager.cgi:
 * "table.General.MachineName=IPC"), and so does Axis param.cgi ("root.Brand.Brand=AXIS"). The
 * key's dots become the path's slashes ("root/Brand/Brand"), and the name is the last dotted
 * component ("Brand"). Key and value are trimmed; an empty value still gives a leaf, because
 * "ProdVariant=" says something too.
 */
#ifndef CS_KVFLAT_H
#define CS_KVFLAT_H

#include "common/err.h"
#include "proto/leaf.h"

#include <stddef.h>

/*
 * Split p[0..n) into lines (LF or CRLF; a leading UTF-8 byte order mark is skipped) and call fn
 * for each "key=value" line, splitting at the first '='. Blank lines are skipped; so are, with
 * no error, lines without '=' or with an empty key, lines holding a NUL byte and lines longer
 * than CS_FLAT_MAX_VALUE bytes, as long as at least one line parsed. Returns 0, CS_EPARSE when
 * no line parsed (e.g. "Error\r\nBad Request!\r\n"), CS_ETOOBIG past CS_FLAT_MAX_INPUT bytes
 * (nothing delivered) or past CS_FLAT_MAX_LEAVES lines (the first ones delivered), or the
 * callback's non-zero value.
 */
int cs_kv_flatten(const char *p, size_t n, cs_leaf_fn fn, void *ctx, struct cs_err *err);

#endif
