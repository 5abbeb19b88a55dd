/*
 * pcap_frames.h - building test frames (Ethernet, VLAN, IPv4, IPv6, UDP, TCP, Linux cooked
 * headers) and writing them to capture files with libpcap, for the pcap tests.
 */
#ifndef CS_TEST_PCAP_FRAMES_H
#define CS_TEST_PCAP_FRAMES_H

#include <stddef.h>
#include <stdint.h>

enum { FR_MAX = 70000 };

struct fr {
	uint8_t b[FR_MAX];
	size_t n;
};

struct fr_addr {
	uint8_t mac[6];
	int ver; /* 4 or 6 */
	uint8_t ip[16];
	uint16_t port;
};

/* Ethernet (vlan 0: untagged; vlan2: a second, inner tag) + IP + UDP around payload. */
void fr_udp(struct fr *f, const struct fr_addr *src, const struct fr_addr *dst, int vlan,
	    const void *payload, size_t n);
/* Ethernet + IP + TCP (flags, seq) around payload. */
void fr_tcp(struct fr *f, const struct fr_addr *src, const struct fr_addr *dst, uint8_t flags,
	    uint32_t seq, const void *payload, size_t n);
/* Re-frame an Ethernet frame for another link type (113 SLL, 276 SLL2, 101 raw IP). */
void fr_relink(struct fr *f, int link);

/* A capture file being written. */
struct fr_file;
struct fr_file *fr_open(const char *path, int link);
void fr_write(struct fr_file *w, const struct fr *f, size_t caplen);
void fr_close(struct fr_file *w);

#endif
