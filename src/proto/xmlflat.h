/*
 * xmlflat.h - flatten an XML document from a device (ONVIF SOAP, WS-Discovery, SADP, ISAPI)
 * into leaves (see leaf.h).
 *
 * Uses expat with namespace processing, so paths hold local names whatever prefixes the device
 * chose: <SOAP-ENV:Envelope><SOAP-ENV:Body><tds:GetDeviceInformationResponse><tds:Model>
 * becomes "Envelope/Body/GetDeviceInformationResponse/Model". An element yields a leaf when its
 * own character data (not its children's) is non-empty after trimming; an attribute yields
 * ".../elem/@attr" with name "@attr". Attributes are delivered when their element opens,
 * element text when it closes, so a parent's text comes after its children's leaves.
 */
#ifndef CS_XMLFLAT_H
#define CS_XMLFLAT_H

#include "common/err.h"
#include "proto/leaf.h"

#include <stddef.h>

/* What kind of document it was, for callers that dispatch on it. Strings are NUL-terminated
 * and cut (on a UTF-8 boundary) when longer than the array; "" when absent. */
struct cs_xml_info {
	char root[128];	   /* local name of the root element, e.g. "Envelope", "ProbeMatch" */
	char root_ns[256]; /* its namespace URI, e.g. "http://www.w3.org/2003/05/soap-envelope" */
	char body[128];	   /* SOAP only: local name of the first element under Body */
	char body_ns[256]; /* SOAP only: the first namespace URI found under Body, e.g.
			      "http://www.onvif.org/ver10/device/wsdl" */
	size_t leaves;	   /* leaves delivered */
};

/*
 * Parse p[0..n) and call fn for every leaf. info (may be NULL) is filled as far as parsing got.
 * Returns 0, CS_EPARSE for malformed XML (expat's message, line and column in err), CS_ETOOBIG
 * past CS_FLAT_MAX_INPUT bytes, CS_FLAT_MAX_DEPTH levels, CS_FLAT_MAX_LEAVES leaves or a path
 * longer than CS_FLAT_MAX_PATH, CS_ENOMEM, or the callback's non-zero value.
 * Text longer than CS_FLAT_MAX_VALUE bytes per element or attribute is cut, not refused.
 * Entity declarations (any <!ENTITY in a DOCTYPE) are refused with CS_EPARSE: no device
 * protocol needs them, and refusing them removes entity expansion attacks entirely.
 * Documents declared as GB2312/GBK/GB18030/Big5 are accepted; their non-ASCII characters
 * arrive as U+FFFD.
 */
int cs_xml_flatten(const char *p, size_t n, cs_leaf_fn fn, void *ctx, struct cs_xml_info *info,
		   struct cs_err *err);

#endif
