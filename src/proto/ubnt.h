/*
 * ubnt.h - Ubiquiti's device discovery reply (UDP 10001), the answer UniFi cameras, access
 * points and switches give to the 4-byte inquiry 01 00 00 00.
 *
 *   0x00 u8 version (1, or 2)   0x01 u8 command (v1: 0 = reply)   0x02 u16be payload length
 *   0x04 TLVs: u8 type, u16be length, value
 *
 * The TLV types read here (community documentation of the protocol, and nmap's
 * UbiquitiDiscoveryv1/v2 matches): 0x01 MAC (6 bytes), 0x02 MAC + IPv4 (10), 0x03 firmware,
 * 0x0b host name, 0x0c platform (short model, "UVC-G4-Bullet"), 0x0d ESSID, 0x14 model (full,
 * "UVC G4 Bullet"), 0x15 model (v2), 0x16 firmware version (v2). Others are skipped.
 */
#ifndef CS_UBNT_H
#define CS_UBNT_H

#include "proto/leaf.h"

#include <stdbool.h>
#include <stddef.h>

struct cs_ubnt_info {
	unsigned version;
	size_t tlvs;	/* TLVs read */
	bool truncated; /* the payload or a TLV ran past the bytes present */
};

/*
 * Walk the reply in p[0..n) and call fn once per known TLV with path "ubnt/NAME", name NAME
 * and the value: "mac" and "ip" as text ("24:5a:4c:01:02:03", "192.0.2.7"), the others as the
 * bytes sent (not NUL-terminated; they may hold anything). No length from the wire is trusted:
 * the payload is clamped to the bytes present and a TLV that runs past them ends the walk
 * (info->truncated). Returns 0, CS_EPARSE when p is not a discovery reply (too short, an
 * unknown version, a v1 command other than a reply, or no TLV at all), or what fn returned when
 * it was non-zero. info may be NULL. Never reads outside p[0..n).
 */
int cs_ubnt_parse(const unsigned char *p, size_t n, cs_leaf_fn fn, void *ctx,
		  struct cs_ubnt_info *info);

#endif
