/*
 * passive.h - passive identification: frames in, one identified device per host out.
 *
 * Every frame is decoded (decode.h) and what its sender says is kept, per host, as inputs for
 * the identification engine: discovery replies (SADP, DHIP, WS-Discovery, SSDP), HTTP and RTSP
 * heads from a small per-flow TCP reassembly, TLS certificates, DHCP hostnames and vendor
 * classes, and the MAC address. DNS questions, TLS server names and HTTP Host headers that
 * name a vendor cloud (cloud.h) are recorded as contacts. At the end every host's inputs are
 * fed to one struct cs_ident and the verdict handed to a callback.
 *
 * Hosts on the local link are keyed by source MAC; a frame from a public IPv4 address came
 * through a router (its MAC is the router's), so such a host is keyed by its address. Without
 * a link-layer address (raw IP, loopback) the key is the IP address.
 *
 * Memory is bounded: at most max_hosts hosts (later ones are counted, not kept), max_flows TCP
 * flows (the least recently active is finished early and evicted), stream_cap bytes per
 * direction of a flow, and per host at most CS_PASSIVE_MAX_ITEMS distinct inputs and
 * CS_PASSIVE_HOST_BYTES bytes of them. Not thread-safe.
 */
#ifndef CS_PCAP_PASSIVE_H
#define CS_PCAP_PASSIVE_H

#include "common/err.h"
#include "ident/ident.h"
#include "pcap/cloud.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	CS_PASSIVE_MAX_ITEMS = 128,
	CS_PASSIVE_HOST_BYTES = 128 * 1024,
	CS_PASSIVE_MAX_PORTS = 16,
	CS_PASSIVE_MAX_CONTACTS = 8,
	CS_PASSIVE_MAX_IPS = 4,
};

struct cs_passive_opts {
	size_t max_hosts;  /* default 65536 */
	size_t max_flows;  /* default 8192 */
	size_t stream_cap; /* bytes kept per flow direction; default 16384 */
};

struct cs_passive_stats {
	uint64_t packets, bytes; /* frames seen and their captured bytes */
	uint64_t undecoded;	 /* link header incomplete or link type unknown */
	uint64_t truncated;	 /* a header claimed more than was captured (snaplen) */
	uint64_t fragments;	 /* non-first IP fragments, skipped */
	uint64_t flows, flows_evicted, flows_gave_up; /* gave up: a gap in the sequence */
	uint64_t hosts, hosts_dropped;		      /* dropped: the host table was full */
	uint64_t inputs, inputs_dropped;	      /* per-host inputs kept / over the caps */
};

struct cs_passive_port {
	uint16_t port;
	bool udp;
	bool tls;
	const char *proto; /* "http", "rtsp", "tls", "ssdp", "ws-discovery", "sadp", "dhip"; NULL */
};

struct cs_passive_contact {
	const struct cs_cloud_entry *entry;
	const char *how; /* "dns", "tls-sni", "http-host", "connect" */
	char name[128];	 /* the name as seen (cut at 127 bytes) */
};

/* What the caller learns about one host; valid only during the callback. */
struct cs_passive_host {
	const char *mac;	/* "aa:bb:..." when keyed by MAC, else NULL */
	const char *ip;		/* the first IPv4 address seen, else the first IPv6, else NULL */
	const char *const *ips; /* every address kept, nips of them */
	size_t nips;
	const struct cs_passive_port *ports;
	size_t nports;
	const struct cs_passive_contact *contacts;
	size_t ncontacts;
	size_t ninputs;	  /* inputs fed to identification */
	uint64_t packets; /* frames it sent */
};

struct cs_passive;

/* cloud may be NULL (no contacts reported); it must outlive the struct cs_passive. */
int cs_passive_new(struct cs_passive **out, const struct cs_passive_opts *o,
		   const struct cs_cloud *cloud, struct cs_err *err);
void cs_passive_free(struct cs_passive *pa);

/* One frame: link is a DLT_* value (decode.h), p[0..caplen) the captured bytes. */
void cs_passive_frame(struct cs_passive *pa, int link, const uint8_t *p, size_t caplen);

/*
 * Finish every flow, then for each host (in the order first seen) that sent at least one input
 * or contacted a vendor cloud: reset id, feed its inputs, cs_ident_finish() into a device and
 * call cb. cb may judge and print the device (it is owned by id). A non-zero return from cb
 * stops and is returned. Call once.
 */
int cs_passive_finish(struct cs_passive *pa, struct cs_ident *id,
		      int (*cb)(void *ctx, const struct cs_passive_host *h, struct cs_device *d),
		      void *ctx);

const struct cs_passive_stats *cs_passive_stats(const struct cs_passive *pa);

#endif
