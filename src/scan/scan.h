/*
 * scan.h - the active sweep: hosts in randomised order, every port of each host probed through
 * an epoll event loop, replies identified when the host is done.
 *
 * The engine owns sockets, deadlines, rate and concurrency; probes (probe.h) own protocol bytes;
 * identification (ident.h) owns conclusions. A host is identified as soon as all its ports are
 * done and reported through on_host; nothing about it is kept afterwards, so memory depends on
 * the hosts in flight, not on the size of the estate.
 */
#ifndef CS_SCAN_H
#define CS_SCAN_H

#include "common/err.h"
#include "ident/device.h"
#include "ident/kb.h"
#include "scan/targets.h"

#include <stdbool.h>
#include <stdint.h>

enum { CS_SCAN_MAX_PORTS = 64, CS_SCAN_MAX_UDP = 8 };

struct cs_scan_port_result {
	uint16_t port;
	bool open;	   /* the connection was accepted */
	const char *proto; /* the protocol recognised ("http", "rtsp", ...), or NULL */
	bool tls;
	bool udp; /* a UDP probe's port (open: it answered) */
};

/* What the engine learnt about one host (valid during the on_host call). */
struct cs_scan_host {
	uint32_t addr; /* host byte order */
	char ip[16];
	struct cs_scan_port_result ports[CS_SCAN_MAX_PORTS + CS_SCAN_MAX_UDP];
	size_t nports;			/* open ports only */
	const struct cs_device *device; /* identified and judged; NULL when no port was open */
};

struct cs_scan_stats {
	uint64_t total;		/* addresses in this shard */
	uint64_t done;		/* addresses finished */
	uint64_t live;		/* addresses with an open port */
	uint64_t devices;	/* live addresses identified as a maker's device or a camera type */
	uint64_t covered;	/* devices covered by a policy */
	uint64_t connects;	/* connection attempts */
	uint64_t open_ports;	/* ports that accepted */
	uint64_t skipped_steps; /* probe steps not asked: the answer could not change the verdict */
	uint64_t late_ready;	/* deadlines that found the socket ready (this process was late) */
	uint64_t resume_pos;	/* every address before this position in the order is done */
	double elapsed;		/* seconds */
};

struct cs_scan_opts {
	uint16_t ports[CS_SCAN_MAX_PORTS];
	size_t nports;
	/* UDP probes (cs_udp_probes) sent to every live host after its TCP ports. */
	const struct cs_probe *udp[CS_SCAN_MAX_UDP];
	size_t nudp;
	unsigned rate;	      /* new connections per second; 0: no limit */
	unsigned concurrency; /* open connections at most */
	unsigned timeout_ms;  /* to connect, and between bytes of a reply */
	unsigned retries;     /* extra connection attempts after a connect timeout */
	unsigned per_host;    /* open connections to one host at most (fragile devices) */
	bool thorough;	      /* try every port even of addresses that answered nothing */
	uint64_t seed;
	unsigned shard, nshards; /* 1-based shard of nshards */
	uint64_t start_pos;	 /* resume: first position in this shard's order */
	const char *policy;	 /* comma-separated profile ids, or NULL for all */
	const char *data_dir;	 /* for the probe payloads */

	/* Called for every finished live host; return non-zero to stop the scan. */
	int (*on_host)(void *ctx, const struct cs_scan_host *h);
	/* Called about four times a second, and once at the end. */
	void (*on_progress)(void *ctx, const struct cs_scan_stats *s);
	void *ctx;
	/* Set to true (from a signal handler) to stop: in-flight hosts are abandoned, not reported,
	 * and stats.resume_pos says where to resume. */
	volatile int *stop;
};

void cs_scan_opts_defaults(struct cs_scan_opts *o);

/* Run the sweep over t. Returns CS_OK when the shard is done or stopped, with final stats. */
int cs_scan_run(const struct cs_targets *t, const struct cs_scan_opts *o, const struct cs_kb *kb,
		struct cs_scan_stats *stats, struct cs_err *err);

#endif
