/*
 * sim.h - camsweep-sim, the simulated estate: the types shared by its persona tables, the
 * estate map, per-device identities, the response templates and the event loop.
 *
 * camsweep-sim plays a network of cameras, recorders, printers, web servers and hostile
 * devices on loopback addresses (127.0.0.0/8 only) so that camsweep's scanner can be tested
 * and benchmarked without touching a real network. Each address runs one persona: a table of
 * the ports it opens and the exact bytes it answers per request (personas.c). Templates carry
 * placeholders such as {ip}, {mac} and {serial} that are filled per address (device.c), so
 * every simulated device differs as real ones do. The estate file says which persona lives at
 * which address (estate.c); server.c runs one epoll loop over every socket and proto.c turns
 * a request into the persona's answer.
 *
 * The sim never talks to an address outside 127.0.0.0/8: estate addresses outside it are
 * refused, accepted peers and datagram senders outside it are dropped, and binding 0.0.0.0 is
 * only allowed inside a network namespace whose only interface is lo (see docs/sim.md).
 */
#ifndef CS_SIM_H
#define CS_SIM_H

#include "common/buf.h"
#include "common/err.h"
#include "common/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum {
	SIM_REQ_CAP = 8192,	 /* a request (head and body) larger than this is refused */
	SIM_RESP_CAP = 65536,	 /* no template may expand to more than this */
	SIM_MAX_REQUESTS = 100,	 /* requests served on one kept-alive connection */
	SIM_MAP_SIZE = 1u << 24, /* one estate map entry per address in 127.0.0.0/8 */
	SIM_TRICKLE_MS = 50,	 /* byte-at-a-time: one byte per 50 ms */
	SIM_ENDLESS_MS = 20,	 /* endless-headers: one header line per 20 ms */
	SIM_RESET_DELAY_MS =
		100, /* reset-mid-reply: the RST follows the partial reply after this */
};

/* What a service does with a connection or a datagram. */
enum sim_kind {
	SIM_HTTP,   /* HTTP/1.x: request head and body, route, answer; close unless kept alive */
	SIM_RTSP,   /* RTSP/1.0: the same grammar; CSeq echoed; the connection stays open */
	SIM_BANNER, /* sends greet (if any) on connect; answers any input with reply, then closes */
	SIM_DVRIP,  /* Dahua TCP 37777: DVRIP and DHIP binary framing */
	SIM_HOLD,   /* accepts, reads and discards, never answers (a port with no banner) */
	SIM_UDP_WSD,  /* WS-Discovery unicast Probe -> ProbeMatches (UDP 3702) */
	SIM_UDP_SADP, /* Hikvision SADP XML inquiry -> ProbeMatch (UDP 37020) */
	SIM_UDP_DHIP, /* Dahua DHIP DHDiscover.search -> client.notifyDevInfo (UDP 37810) */
	SIM_UDP_UBNT, /* Ubiquiti discovery v1 (UDP 10001) */
};

/* How an HTTP or RTSP service misbehaves; SIM_NORMAL for every real device. */
enum sim_mode {
	SIM_NORMAL,
	SIM_TRICKLE, /* the answer one byte per SIM_TRICKLE_MS */
	SIM_ENDLESS, /* a status line, then header lines forever */
	SIM_GARBAGE, /* random bytes on connect, then close */
	SIM_RESET,   /* half the answer, then an RST (SO_LINGER 0) */
	SIM_LIE,     /* the answer (which claims 1 GB), then silence until the hold time ends */
	SIM_NEVER,   /* accepts and never answers (slowloris-accept) */
};

/* Hooks: the few answers that depend on more than the method, path and a needle. */
enum sim_hook {
	SIM_HOOK_NONE,
	SIM_HOOK_DAHUA_LOGIN, /* resp for the first step of global.login, alt for anything else */
};

/* Response flags. */
enum {
	SIM_R_KEEP = 1,	 /* HTTP: may keep the connection alive (HTTP/1.1 without close) */
	SIM_R_CLOSE = 2, /* RTSP: close after this answer */
};

/* One canned answer. Both strings are templates (see sim_expand). */
struct sim_resp {
	const char *head; /* status line and headers, each ending in CRLF, then the blank line */
	const char *body; /* NULL: no body */
	unsigned flags;
};

/* One route: the first whose method, path and needle match the request answers it. */
struct sim_route {
	const char *method; /* "GET"; "*" any method */
	const char *path;   /* "/ISAPI/System/deviceInfo"; a trailing '*' a prefix; "*" any */
	const char *needle; /* must occur in the query string or the body; NULL: no condition */
	const struct sim_resp *resp;
	const struct sim_resp *alt; /* the other answer of a hook */
	int hook;		    /* enum sim_hook */
};

struct sim_service {
	uint16_t port;			/* before --port-offset */
	uint8_t kind;			/* enum sim_kind */
	uint8_t mode;			/* enum sim_mode */
	const struct sim_route *routes; /* HTTP, RTSP */
	size_t nroutes;
	const char *tmpl;  /* UDP: the reply template */
	const char *types; /* UDP_WSD: '|'-separated words one of which a typed Probe must name */
	const unsigned char *greet; /* BANNER: sent on connect */
	size_t ngreet;
	const unsigned char *reply; /* BANNER: the answer to any input */
	size_t nreply;
	bool tls; /* HTTP inside TLS, with the persona's certificate (tls.c) */
};

struct sim_persona {
	const char *name;
	const char *maker; /* the real manufacturer (ground truth for tests and benchmarks), "-" */
	const char *label; /* the brand the device shows when it is not the maker's, "-" */
	const char *type;  /* camera, nvr, dvr, printer, web, hostile */
	const char *note;  /* one line for --list-personas */
	unsigned weight;   /* share in a mix; 0: never chosen by a mix */
	const char *const *ouis; /* "5850ED"; "*" a random locally administered address */
	size_t nouis;
	const char *const *models;
	size_t nmodels;
	const char *const *firmwares;
	size_t nfirmwares;
	const char
		*serial_fmt;  /* template, then '#' digit, '?' letter, '%' / '@' upper / lower hex,
				 * '&' letter or digit */
	const char *uuid_fmt; /* template */
	const struct sim_service *svcs;
	size_t nsvcs;
	/* The TLS certificate's subject and issuer, '/'-separated ("/CN=x/O=y"); issuer NULL:
	 * the subject (self-signed). Only personas with a tls service use them. */
	const char *tls_subject, *tls_issuer;
};

extern const struct sim_persona *const sim_personas[];
extern const size_t sim_npersonas;

/* The persona named name (n bytes), or NULL. Its estate index is its position + 1. */
const struct sim_persona *sim_persona_find(struct cs_sv name, size_t *index);
const struct sim_service *sim_persona_service(const struct sim_persona *p, int udp, uint16_t port);
bool sim_kind_is_udp(int kind);

/*
 * The identity of one simulated device, derived from its address, its persona and the global
 * seed: the same inputs always give the same MAC, serial and model.
 */
struct sim_device {
	uint32_t addr; /* host byte order, inside 127.0.0.0/8 */
	const struct sim_persona *p;
	uint64_t h; /* identity hash */
	unsigned char mac[6];
	char ip[16];
	char serial[64];
	char uuid[64];
	char realm_id[8];  /* Hikvision "IP Camera(C2183)" short id */
	char authz[33];	   /* Dahua login "authorization": stable per device */
	const char *model; /* from the persona's list, or "" */
	const char *fw;
	unsigned ymd; /* a manufacturing date, 20190101..20231228 */
};

void sim_device_init(struct sim_device *d, uint32_t addr, const struct sim_persona *p,
		     uint64_t seed);

/* Values that come from the request or the moment of the answer. */
struct sim_ctx {
	const struct sim_device *dev;
	struct cs_sv cseq;	 /* RTSP CSeq, digits only; empty when the request had none */
	struct cs_sv cseq_raw;	 /* the CSeq value as sent ("42 OPTIONS"), made safe */
	struct cs_sv relates_to; /* WS-Discovery MessageID or SADP Uuid of the request */
	struct cs_sv cmd;	 /* Reolink ?cmd= */
	struct cs_sv rpc_id;	 /* Dahua JSON-RPC "id" */
	time_t now;
	uint64_t nonce; /* varies per answer */
	int port_offset;
	bool keep; /* {connection}: keep-alive rather than close */
};

/*
 * Append the expansion of tmpl to out. {name} is replaced by a value (see docs/sim.md for the
 * list), {name|text} by text when the value is empty, {{ is a literal brace; any other brace
 * is copied as it is. body_len is the value of {len}. Fails with CS_ETOOBIG past out's cap.
 */
int sim_expand(struct cs_buf *out, const char *tmpl, const struct sim_ctx *c, size_t body_len);

/* Does the placeholder name (without braces or default) have a value? For the self-test. */
bool sim_placeholder_known(struct cs_sv name);

/* Answer head (and body unless head_only) of resp, with Content-Length filled in. */
int sim_render(struct cs_buf *out, const struct sim_resp *resp, const struct sim_ctx *c,
	       bool head_only);

/* splitmix64: the one hash every derived value comes from. */
uint64_t sim_mix64(uint64_t x);

/*
 * The estate: which persona lives at each address of 127.0.0.0/8. map[a & 0xffffff] is the
 * persona index + 1, or 0 for a silent address. lo..hi bounds the painted addresses.
 */
struct sim_estate {
	uint8_t *map;
	uint32_t lo, hi;
	bool empty;
};

int sim_estate_parse(struct sim_estate *es, const char *text, size_t n, const char *name,
		     struct cs_err *e);
int sim_estate_load(struct sim_estate *es, const char *path, struct cs_err *e);
void sim_estate_free(struct sim_estate *es);
const struct sim_persona *sim_estate_lookup(const struct sim_estate *es, uint32_t addr);
size_t sim_estate_count(const struct sim_estate *es);

/* Print an estate of cidr with live_bp / 10000 of its addresses alive. */
int sim_make_estate(FILE *out, const char *cidr, unsigned live_bp, uint64_t seed, struct cs_err *e);

/* Parse "6", "6%" or "6.25%" into basis points (1/10000). */
int sim_parse_percent(struct cs_sv s, unsigned *bp);
/* Parse a dotted quad into host byte order. */
int sim_parse_ipv4(struct cs_sv s, uint32_t *addr);
void sim_format_ipv4(uint32_t addr, char out[16]);

/*
 * Protocol handlers (proto.c). They read a request from in[0..n), and append the answer to out.
 * They never read past n, never allocate except through out, and never fail on any input.
 */
enum sim_after {
	SIM_AFTER_READ,	 /* wait for the next request */
	SIM_AFTER_CLOSE, /* close once the answer is sent */
	SIM_AFTER_RST,	 /* reset once the answer is sent */
	SIM_AFTER_HOLD,	 /* say nothing more until the hold time ends */
};

struct sim_answer {
	size_t consumed; /* bytes of input used */
	int after;	 /* enum sim_after */
	bool trickle;	 /* send one byte per SIM_TRICKLE_MS */
	bool endless;	 /* keep appending header lines */
	bool reset;	 /* send half the answer, then reset */
	/* for --log */
	char method[16];
	char path[64];
	int status;
};

/*
 * Feed a TCP request. Returns 1 when a request was answered (see *a), 0 when more input is
 * needed, -1 when the input is malformed or too large and the connection should just close.
 */
int sim_proto_tcp(const struct sim_service *svc, const struct sim_ctx *c, const char *in, size_t n,
		  struct cs_buf *out, struct sim_answer *a);
/* What a TCP service says on connect (may be nothing). */
int sim_proto_connect(const struct sim_service *svc, const struct sim_ctx *c, struct cs_buf *out);
/* Append one endless-headers line. */
int sim_proto_endless_line(struct cs_buf *out, unsigned n);
/* Answer a datagram: 1 with a reply in out, 0 when it gets no answer. */
int sim_proto_udp(const struct sim_service *svc, const struct sim_ctx *c, const char *in, size_t n,
		  struct cs_buf *out);

/* Run every self-check of the tables and parsers; prints failures to f. 0 when all pass. */
int sim_selftest(FILE *f);

/*
 * The TLS server context of persona p (tls.c): built on first use with a P-256 key and a
 * certificate carrying p's subject and issuer, then kept until sim_tls_free(). NULL when it
 * cannot be built (the connection is then refused).
 */
struct ssl_ctx_st *sim_tls_ctx(const struct sim_persona *p);
void sim_tls_free(void);

/* The server (server.c). */
struct sim_opts {
	const char *estate_path;
	const char *bind;     /* NULL: one listener per (address, port) */
	const char *mcast_if; /* non-NULL: serve multicast discovery on this interface (mcast.c) */
	int port_offset;
	uint64_t seed;
	bool ports_filter[65536]; /* only these persona ports, when any_port_filter */
	bool any_port_filter;
	unsigned idle_ms;
	unsigned hold_ms;
	unsigned max_conns;
	time_t epoch; /* 0: the wall clock */
	bool log;
	bool quiet;
};

int sim_serve(const struct sim_opts *o, const struct sim_estate *es, struct cs_err *e);

/* Serve UDP discovery (multicast, broadcast, unicast) on o->mcast_if, inside a namespace. */
int sim_mcast_serve(const struct sim_opts *o, const struct sim_estate *es, struct cs_err *e);

/* Is the process in a network namespace whose only interface is lo? Brings lo up if down. */
int sim_netns_check(struct cs_err *e);

static inline bool sim_in_loopback(uint32_t addr)
{
	return (addr >> 24) == 127;
}

#endif
