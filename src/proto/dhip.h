/*
 * dhip.h - Dahua DHIP framing: the 32-byte header in front of the JSON of Dahua's discovery
 * (UDP 37810, DHDiscover.search / client.notifyDevInfo) and of its TCP JSON-RPC.
 *
 *   0x00 u32le header size (0x20)    0x04 "DHIP"          0x08 u32le session   0x0c u32le id
 *   0x10 u32le body length           0x14 u32 (0)         0x18 u32le body length (repeat)
 *   0x1c u32 (0)                     0x20 JSON body
 */
#ifndef CS_DHIP_H
#define CS_DHIP_H

#include "common/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CS_DHIP_HEADER_LEN = 32 };

struct cs_dhip_header {
	bool framed;	   /* a DHIP header was present (false: bare JSON) */
	uint32_t session;  /* 0x08 */
	uint32_t id;	   /* 0x0c */
	uint32_t len;	   /* body length at 0x10, as sent */
	uint32_t len2;	   /* body length at 0x18, as sent */
	size_t body_len;   /* body bytes used, before trailing NULs and whitespace were stripped */
	bool truncated;	   /* the length used is less than the header claimed */
	bool len_mismatch; /* the two length fields disagree */
};

/*
 * Find the JSON in a DHIP packet p[0..n), or accept a bare JSON body (first non-whitespace
 * byte '{'). The lengths in the header are never trusted: the body is clamped to the bytes
 * present (setting truncated), and when the two length fields disagree the smaller one that
 * fits is used (setting len_mismatch; if neither fits, what is present, with truncated).
 * Surrounding NULs and whitespace are stripped. *json_out points into p (caller does not free);
 * it may be empty. hdr may be NULL. Returns 0, CS_EAGAIN when p is a proper prefix of a DHIP
 * header, or CS_EPARSE when p is neither DHIP (wrong magic or header size) nor JSON.
 */
int cs_dhip_parse(const unsigned char *p, size_t n, struct cs_sv *json_out,
		  struct cs_dhip_header *hdr);

/*
 * Write the discovery request (header + {"method":"DHDiscover.search","params":{"mac":"",
 * "uni":1}}) into buf[0..cap) and its length to *len. Returns 0 or CS_ETOOBIG when cap is short.
 */
int cs_dhip_build_search(unsigned char *buf, size_t cap, size_t *len);

#endif
