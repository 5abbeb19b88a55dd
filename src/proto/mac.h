/*
 * mac.h - MAC addresses as devices write them, and the MACs hidden in other identifiers.
 *
 * The first three bytes of a MAC name the registrant (the OUI), which is often the real maker
 * behind a rebranded camera. Devices write MACs in several ways, and some leak them where no
 * MAC field exists: an EUI-64 IPv6 address (fe80::5a50:edff:fe1f:e385 is 58:50:ed:1f:e3:85)
 * or the node field of a version-1 style UUID (urn:uuid:...-5850ed1fe385). Those recoveries
 * are guesses; the caller decides how much weight to give them.
 */
#ifndef CS_MAC_H
#define CS_MAC_H

#include "common/str.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * Parse aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF (SADP), aabb.ccdd.eeff (Cisco) or aabbccddeeff
 * (Dahua RPC2 "3CEF8C6101C0"), either case, surrounding whitespace ignored. Separators must
 * be consistent and every group complete. Returns 0 or CS_EPARSE (mac untouched).
 */
int cs_mac_parse(struct cs_sv s, uint8_t mac[6]);

/* Lower-case colon form "58:50:ed:1f:e3:85", NUL-terminated. */
void cs_mac_format(const uint8_t mac[6], char out[18]);

/* The locally administered bit (0x02 of the first byte): not an IEEE-assigned address. */
bool cs_mac_is_local(const uint8_t mac[6]);

/* The group bit (0x01 of the first byte). */
bool cs_mac_is_multicast(const uint8_t mac[6]);

/*
 * Recover the MAC from a modified EUI-64 interface identifier: the last 64 bits must hold
 * ff:fe in their middle, and the universal/local bit is flipped back. Accepts a bare IPv6
 * address (a %zone or a /prefix-length is ignored), or the first [bracketed] address inside a
 * URL or a list of URLs, e.g. WS-Discovery XAddrs "http://192.168.1.64/onvif/device_service
 * http://[fe80::5a50:edff:fe1f:e385]/onvif/device_service". Any prefix is accepted (link-local
 * or SLAAC global), since the interface identifier is formed the same way. Returns 0 or
 * CS_ENOTFOUND (no IPv6 address, or not EUI-64).
 */
int cs_mac_from_eui64_ipv6(struct cs_sv ipv6_or_url, uint8_t mac[6]);

/*
 * Take the last 12 hex digits (the node field) of a UUID: "urn:uuid:", "uuid:" and braces are
 * allowed around the 8-4-4-4-12 form. Returns 0, or CS_ENOTFOUND when it is not such a UUID or
 * its node cannot be a MAC: all zeros, or the multicast bit set (RFC 4122 marks random nodes
 * that way). The version nibble is not checked: firmware that writes its MAC into the node
 * field does not always set version 1.
 */
int cs_mac_from_uuid(struct cs_sv uuid, uint8_t mac[6]);

#endif
