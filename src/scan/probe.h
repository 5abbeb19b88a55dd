/*
 * probe.h - the contract every protocol probe fulfils (one file per protocol: probe_<name>.c),
 * and the one table that registers them (probes.c).
 *
 * A probe is a short conversation with one port of one host: a sequence of steps, each on its
 * own TCP connection (embedded servers close after one reply; a fresh connection per request is
 * the polite, robust choice). For each step the probe writes the request bytes, tells the engine
 * when the reply is complete, and turns the reply into observations for identification. The
 * engine owns sockets, timing and buffers; probes never touch the network and never allocate.
 *
 * Which probe runs on a port is decided by what the port answers, not only by its number: the
 * engine first sends the probe registered for that port (or, for server-first ports, waits for
 * a greeting), then asks every probe's recognise() which protocol the reply is, and continues
 * with that probe's next steps.
 *
 * Non-intrusive by contract: a probe may only send what an unauthenticated, polite client asks.
 * No credentials, no exploit paths, no write or configuration commands; Dahua's RPC2_Login only
 * its first, challenge-only step; SADP/DHIP only the inquiry.
 */
#ifndef CS_PROBE_H
#define CS_PROBE_H

#include "common/err.h"
#include "ident/ident.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cs_probe_target {
	uint32_t addr; /* IPv4, host byte order */
	uint16_t port;
	char host[16]; /* dotted quad, for Host: headers */
	bool tls;      /* the connection is wrapped in TLS by the engine */
};

enum {
	CS_PROBE_REPLY_MAX = 64 * 1024, /* bytes of one reply kept; more is cut */
	CS_PROBE_REQ_MAX = 4096,	/* bytes of one request */
	CS_PROBE_MAX_STEPS = 8,
};

/*
 * What a host's replies so far say, for a probe deciding whether a later step is still worth
 * asking (wanted() below). Both fields come from the identification engine.
 */
struct cs_probe_hint {
	const char *maker; /* the maker named so far (canonical, e.g. "Dahua"), or NULL */
	bool hardware;	   /* named by hardware evidence, not only a brand on a label */
};

/* Result of complete(): is the reply in buf whole? */
enum cs_probe_done {
	CS_PROBE_MORE = 0, /* wait for more bytes (the engine's deadline still applies) */
	CS_PROBE_DONE = 1, /* the reply is complete: observe it */
};

struct cs_probe {
	const char *name;    /* "http", "rtsp", "onvif", "hik-sdk", "dahua-dvrip", "tls" */
	const char *summary; /* one line for --help and docs */
	bool server_first;   /* the server speaks first: step 0 sends nothing and reads */
	bool wants_tls;	     /* run inside TLS (https): the engine handshakes first */
	/*
	 * Later steps go on the connection the last one used, when its reply was complete by
	 * its own framing (not cut by EOF, reset or deadline): RTSP's control connection is
	 * meant to carry OPTIONS, then DESCRIBE (CSeq 1, 2), and every RTSP client does so. A
	 * device that closes it anyway is asked again on a fresh connection.
	 */
	bool keeps_conn;
	/*
	 * Non-zero: a UDP probe, sent to this port of every live host (cs_udp_probes). Its one
	 * step is a datagram out; the first datagram back is the reply (complete() is not
	 * consulted); silence or an ICMP refusal ends it.
	 */
	uint16_t udp_port;

	/*
	 * Write the request of `step` (0-based) into buf[0..cap) and its length into *len.
	 * Returns CS_OK, or CS_ENOTFOUND when there is no such step (the conversation is over).
	 * A server_first probe's step 0 writes nothing (*len = 0).
	 */
	int (*request)(const struct cs_probe_target *t, int step, char *buf, size_t cap,
		       size_t *len);

	/* Is the reply to `step` in buf[0..len) complete? EOF always completes a reply. */
	enum cs_probe_done (*complete)(int step, const char *buf, size_t len);

	/* Does this reply (to any probe's request) look like this protocol? */
	bool (*recognise)(const char *buf, size_t len);

	/*
	 * Feed the reply to `step` to identification. Partial replies (cut by the deadline or a
	 * reset) are fed too: what a device managed to say is still evidence.
	 */
	int (*observe)(struct cs_ident *id, const struct cs_probe_target *t, int step,
		       const char *buf, size_t len);

	/*
	 * Optional (NULL: every step is asked). Is `step` (>= 1) still worth asking of a host
	 * whose replies so far say `hint`? A question whose answer cannot change the verdict is
	 * one more request to a fragile device and one more connection for the sweep, so a probe
	 * skips it. Never consulted for step 0.
	 */
	bool (*wanted)(int step, const struct cs_probe_hint *hint);
};

/* Every TCP probe, in the order recognise() is tried. */
extern const struct cs_probe *const cs_probes[];
extern const size_t cs_nprobes;

/* Every UDP probe (udp_port set): the discovery inquiries a scan may send unicast. */
extern const struct cs_probe *const cs_udp_probes[];
extern const size_t cs_nudp_probes;
/* The UDP probes a scan sends unless told otherwise (--udp, --no-udp): their names. */
extern const char *const cs_default_udp_probes[];
extern const size_t cs_ndefault_udp_probes;

const struct cs_probe *cs_probe_find(const char *name);
/* The probe tried first on a port (by number), or NULL (the engine then sends HTTP). */
const struct cs_probe *cs_probe_for_port(uint16_t port, bool *tls);
/* The probe whose recognise() accepts the reply, or NULL. */
const struct cs_probe *cs_probe_recognise(const char *buf, size_t len);

/* The camera-aware default port set and why each port is in it (docs/scan.md). */
extern const uint16_t cs_default_ports[];
extern const size_t cs_ndefault_ports;

#endif
