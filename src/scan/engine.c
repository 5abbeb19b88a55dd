/*
 * engine.c - the sweep's event loop (see scan.h for the contract).
 *
 * Flow per host: admitted in randomised order (perm.c) -> up to per_host of its ports at once ->
 * per port a conversation of steps (probe.h), one connection per step -> replies kept, bounded,
 * in the host record -> when its last port is done, one identification over all replies, the
 * policy verdict, on_host(), and the record is freed.
 *
 * Every connection, including each later step, waits in one FIFO until the global concurrency
 * and the rate (a token bucket) let it start, so fragile devices and slow links see the same
 * polite pace however the work is shaped. Deadlines live in a binary heap with lazy deletion
 * (entries carry a generation; stale ones are skipped when popped).
 */
#include "scan/scan.h"

#include "discover/discover.h"
#include "ident/ident.h"
#include "policy/policy.h"
#include "scan/perm.h"
#include "scan/probe.h"
#include "scan/probe_data.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	HOST_REPLY_BYTES = 256 * 1024, /* all replies of one host, at most */
	/*
	 * Replies held in memory (kept for identification, or still arriving) above which no new
	 * host is admitted until some finish. Empty addresses hold nothing, so this never slows a
	 * sparse sweep; a dense estate at full speed stays within a few tens of MiB.
	 */
	HELD_BYTES_MAX = 24 * 1024 * 1024,
	READ_CHUNK = 16 * 1024,
	GREETING_WAIT_MS = 400, /* how long a server-first port may take to greet */
	LATE_MS = 20,		/* a deadline handled this long after it passed: we were late */
	MAX_EVENTS = 1024,
};

struct reply {
	struct reply *next;
	const struct cs_probe *probe; /* NULL: a TLS certificate (DER) */
	int step;
	uint16_t port;
	bool tls;
	size_t len;
	char data[];
};

struct host {
	uint32_t addr;
	uint64_t pos;	    /* position in the (global) permuted order */
	struct host *older; /* admission order, for the resume position */
	struct host *newer;
	uint8_t next_port; /* index of the next port to start */
	uint8_t next_udp;  /* index of the next UDP probe to start (live hosts only) */
	uint8_t running;   /* port conversations under way */
	uint8_t finished;  /* port conversations done */
	bool alive;	   /* some port accepted or refused: the address is in use */
	uint8_t silent;	   /* ports that answered nothing at all (every attempt timed out) */
	struct reply *replies, **tail;
	size_t reply_bytes;
	unsigned nreplies;
	/* What the replies said when last asked (host_hint), and how many replies that was. */
	unsigned hint_replies;
	bool hint_valid, hint_hardware;
	char hint_maker[48];
	/* Later web questions (http steps >= 1) some port of this host has asked: one port asks
	 * each, the others skip it (the answer is the device's, not the port's). */
	uint8_t http_claimed;
	/* Plain (not TLS) web conversations of this host that answered their first question
	 * and are still going: while there is one, a TLS port leaves the later questions to it
	 * (the same answers, without a handshake each, for us and for the device). */
	uint8_t plain_web;
	struct cs_scan_port_result ports[CS_SCAN_MAX_PORTS + CS_SCAN_MAX_UDP];
	size_t nports;
};

enum conn_state { C_QUEUED, C_CONNECTING, C_HANDSHAKE, C_SENDING, C_READING };

struct conn {
	struct host *h;
	int fd;
	enum conn_state state;
	uint16_t port;
	const struct cs_probe *probe;
	int step;
	unsigned attempts;
	bool tls, port_open, got_cert;
	bool udp;	   /* a UDP probe: one datagram out, one back */
	bool stalled;	   /* the last reply ran into its deadline */
	bool plain_web;	   /* counted in h->plain_web */
	bool framed;	   /* the last reply ended by its own framing, the connection still open */
	bool reused;	   /* this step was sent on the connection of the one before */
	bool late_checked; /* ready_anyway() has looked once since the last deadline was set */
	uint32_t events;   /* the epoll interest registered for fd, so that want() skips no-ops */
	SSL *ssl;
	char *req; /* the request being sent, and how far */
	size_t req_len, req_off;
	char *buf; /* the reply so far */
	size_t len, cap;
	uint64_t deadline;
	uint64_t step_end; /* a step never lasts longer than this, however the bytes trickle */
	uint32_t gen;
	uint32_t timers; /* heap entries pointing here: the object outlives them */
	bool dead;	 /* finished; freed when the last heap entry is popped */
	struct conn *next_queued;
	struct conn *all_prev, *all_next; /* every live conn object, to free on a stop */
};

struct timer {
	uint64_t at;
	struct conn *c;
	uint32_t gen;
};

struct engine {
	const struct cs_scan_opts *o;
	const struct cs_kb *kb;
	const struct cs_targets *targets;
	struct cs_ident *id;
	int ep;
	SSL_CTX *ssl_ctx;
	struct cs_perm perm;
	struct cs_perm_iter it;
	bool exhausted;
	struct host *oldest, *newest; /* hosts in flight, in admission order */
	size_t hosts_in_flight;
	struct conn *queue_head, *queue_tail; /* connections waiting for capacity */
	struct conn *all;		      /* every conn object */
	size_t open_conns;
	bool batch_full;   /* the last epoll_wait filled its array (ready_anyway) */
	size_t held_bytes; /* reply bytes held by hosts and connections (HELD_BYTES_MAX) */
	struct timer *heap;
	size_t nheap, capheap;
	double tokens;
	uint64_t last_refill;
	struct cs_scan_stats stats;
	uint64_t start_ms, last_progress;
	int stop_by_callback;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void cs_scan_opts_defaults(struct cs_scan_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < cs_ndefault_ports && i < CS_SCAN_MAX_PORTS; i++)
		o->ports[o->nports++] = cs_default_ports[i];
	o->rate = 10000;
	o->concurrency = 16384;
	o->timeout_ms = 1500;
	o->retries = 1;
	o->per_host = 3;
	o->seed = 0;
	o->shard = 1;
	o->nshards = 1;
	for (size_t i = 0; i < cs_ndefault_udp_probes && o->nudp < CS_SCAN_MAX_UDP; i++)
		for (size_t k = 0; k < cs_nudp_probes; k++)
			if (strcmp(cs_udp_probes[k]->name, cs_default_udp_probes[i]) == 0)
				o->udp[o->nudp++] = cs_udp_probes[k];
}

/* ---- the deadline heap ---- */

static void heap_push(struct engine *e, struct conn *c, uint64_t at)
{
	c->deadline = at;
	c->gen++;
	c->late_checked = false;
	if (e->nheap == e->capheap) {
		size_t cap = e->capheap ? e->capheap * 2 : 1024;
		struct timer *h = realloc(e->heap, cap * sizeof(*h));
		if (h == NULL)
			return; /* without a timer the connection still ends by EOF or reset */
		e->heap = h;
		e->capheap = cap;
	}
	size_t i = e->nheap++;
	while (i > 0 && e->heap[(i - 1) / 2].at > at) {
		e->heap[i] = e->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	e->heap[i] = (struct timer){at, c, c->gen};
	c->timers++;
}

static struct timer heap_pop(struct engine *e)
{
	struct timer top = e->heap[0], last = e->heap[--e->nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		uint64_t mat = last.at;
		if (l < e->nheap && e->heap[l].at < mat)
			m = l, mat = e->heap[l].at;
		if (r < e->nheap && e->heap[r].at < mat)
			m = r;
		if (m == i)
			break;
		e->heap[i] = e->heap[m];
		i = m;
	}
	if (e->nheap > 0)
		e->heap[i] = last;
	return top;
}

/* ---- hosts ---- */

static void keep_reply(struct engine *e, struct host *h, const struct cs_probe *p, int step,
		       uint16_t port, bool tls, const char *data, size_t len)
{
	if (len == 0 || h->reply_bytes >= HOST_REPLY_BYTES)
		return;
	if (len > HOST_REPLY_BYTES - h->reply_bytes)
		len = HOST_REPLY_BYTES - h->reply_bytes;
	struct reply *r = malloc(sizeof(*r) + len);
	if (r == NULL)
		return;
	r->next = NULL;
	r->probe = p;
	r->step = step;
	r->port = port;
	r->tls = tls;
	r->len = len;
	memcpy(r->data, data, len);
	*h->tail = r;
	h->tail = &r->next;
	h->reply_bytes += len;
	h->nreplies++;
	e->held_bytes += len;
}

static struct cs_scan_port_result *port_result(struct host *h, uint16_t port, bool udp)
{
	for (size_t i = 0; i < h->nports; i++)
		if (h->ports[i].port == port && h->ports[i].udp == udp)
			return &h->ports[i];
	if (h->nports == CS_ARRAY_SIZE(h->ports))
		return NULL;
	struct cs_scan_port_result *r = &h->ports[h->nports++];
	memset(r, 0, sizeof(*r));
	r->port = port;
	r->udp = udp;
	return r;
}

/* Conversations h will have in all: its TCP ports, and its UDP probes once it shows life. */
static size_t host_total(const struct engine *e, const struct host *h)
{
	return e->o->nports + (h->alive ? e->o->nudp : 0);
}

static void free_host(struct host *h)
{
	struct reply *r = h->replies;
	while (r != NULL) {
		struct reply *n = r->next;
		free(r);
		r = n;
	}
	free(h);
}

static void unlink_host(struct engine *e, struct host *h)
{
	if (h->older != NULL)
		h->older->newer = h->newer;
	else
		e->oldest = h->newer;
	if (h->newer != NULL)
		h->newer->older = h->older;
	else
		e->newest = h->older;
	e->hosts_in_flight--;
}

/* Identify h from every reply kept so far; d's strings live in e->id until its next reset. */
static void identify_replies(struct engine *e, struct host *h, struct cs_probe_target *t,
			     struct cs_device *d)
{
	struct cs_err err;
	struct in_addr ia = {htonl(h->addr)};

	inet_ntop(AF_INET, &ia, t->host, sizeof(t->host));
	cs_ident_reset(e->id);
	for (struct reply *r = h->replies; r != NULL; r = r->next) {
		t->port = r->port;
		t->tls = r->tls;
		if (r->probe == NULL)
			cs_ident_feed(e->id, CS_IN_TLS, r->data, r->len, &err);
		else
			r->probe->observe(e->id, t, r->step, r->data, r->len);
	}
	cs_ident_set_address(e->id, t->host);
	cs_ident_finish(e->id, d);
}

/*
 * What h's replies say so far, for a probe's wanted(). Identification runs again only when
 * replies have arrived since the last time: a host costs one or two extra identifications.
 */
static void host_hint(struct engine *e, struct host *h, struct cs_probe_hint *hint)
{
	if (!h->hint_valid || h->hint_replies != h->nreplies) {
		struct cs_probe_target t = {h->addr, 0, "", false};
		struct cs_device d;
		identify_replies(e, h, &t, &d);
		h->hint_maker[0] = '\0';
		if (d.manufacturer != NULL && strlen(d.manufacturer) < sizeof(h->hint_maker))
			memcpy(h->hint_maker, d.manufacturer, strlen(d.manufacturer) + 1);
		h->hint_hardware = d.basis != NULL && strcmp(d.basis, "hardware") == 0;
		h->hint_replies = h->nreplies;
		h->hint_valid = true;
	}
	hint->maker = h->hint_maker[0] != '\0' ? h->hint_maker : NULL;
	hint->hardware = hint->maker != NULL && h->hint_hardware;
}

static void identify_host(struct engine *e, struct host *h)
{
	struct cs_probe_target t = {h->addr, 0, "", false};
	struct cs_scan_host out;
	struct cs_device d;
	struct cs_err err;

	identify_replies(e, h, &t, &d);
	cs_policy_judge(e->kb, &d, e->o->policy, cs_ident_arena(e->id), &err);

	memset(&out, 0, sizeof(out));
	out.addr = h->addr;
	memcpy(out.ip, t.host, sizeof(out.ip));
	for (size_t i = 0; i < h->nports; i++)
		if (h->ports[i].open)
			out.ports[out.nports++] = h->ports[i];
	out.device = &d;
	e->stats.live++;
	if (d.manufacturer != NULL || d.type != CS_DT_UNKNOWN)
		e->stats.devices++;
	if (d.covered)
		e->stats.covered++;
	if (e->o->on_host != NULL && e->o->on_host(e->o->ctx, &out) != 0)
		e->stop_by_callback = 1;
}

static void host_done(struct engine *e, struct host *h)
{
	bool live = false;
	for (size_t i = 0; i < h->nports; i++)
		live |= h->ports[i].open;
	if (live)
		identify_host(e, h);
	e->stats.done++;
	e->held_bytes -= h->reply_bytes;
	unlink_host(e, h);
	free_host(h);
}

/* ---- connections ---- */

static void enqueue_conn(struct engine *e, struct conn *c)
{
	c->state = C_QUEUED;
	c->next_queued = NULL;
	if (e->queue_tail != NULL)
		e->queue_tail->next_queued = c;
	else
		e->queue_head = c;
	e->queue_tail = c;
}

static struct conn *new_conn(struct engine *e, struct host *h, uint16_t port)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->all_next = e->all;
	if (e->all != NULL)
		e->all->all_prev = c;
	e->all = c;
	c->h = h;
	c->fd = -1;
	c->port = port;
	c->probe = cs_probe_for_port(port, &c->tls);
	if (c->probe == NULL)
		c->probe = cs_probe_find("http");
	return c;
}

static void start_next_port(struct engine *e, struct host *h)
{
	/*
	 * An address whose first ports all timed out, answering neither yes nor no, is taken to
	 * be empty, as nmap's host discovery would: the rest of its ports are not tried. Real
	 * cameras answer on their web or RTSP port, which come first. --thorough tries them all.
	 */
	size_t wave = e->o->per_host < e->o->nports ? e->o->per_host : e->o->nports;
	if (!e->o->thorough && !h->alive && h->next_port >= wave) {
		if (h->running > 0)
			return; /* the first ports have not all answered yet: wait for them */
		h->finished += (uint8_t)(e->o->nports - h->next_port);
		h->next_port = (uint8_t)e->o->nports;
		host_done(e, h); /* nothing is running, and nothing more will: h is gone */
		return;
	}
	while (h->running < e->o->per_host) {
		struct conn *c;
		if (h->next_port < e->o->nports) {
			c = new_conn(e, h, e->o->ports[h->next_port++]);
		} else if (h->alive && h->next_udp < e->o->nudp) {
			/* UDP inquiries go to addresses that have shown life: to every empty
			 * address of a sparse range they would only add traffic. */
			const struct cs_probe *p = e->o->udp[h->next_udp++];
			c = new_conn(e, h, p->udp_port);
			if (c != NULL) {
				c->probe = p;
				c->udp = true;
				c->tls = false;
			}
		} else {
			break;
		}
		if (c == NULL) {
			h->finished++;
			continue;
		}
		h->running++;
		enqueue_conn(e, c);
	}
}

static void close_socket(struct engine *e, struct conn *c)
{
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0) {
		/* close() also takes the descriptor out of the epoll set (it is never dup'ed):
		 * no EPOLL_CTL_DEL, one system call fewer per connection. */
		close(c->fd);
		c->fd = -1;
		e->open_conns--;
	}
	free(c->req);
	c->req = NULL;
	c->gen++; /* any pending timer is now stale */
}

/* The port's conversation is over: the connection object goes, the host may be done. */
/*
 * A finished connection leaves the list of live ones at once, but its memory stays until the
 * deadline heap holds no entry pointing at it (lazy deletion would otherwise read freed memory).
 */
static void free_conn(struct engine *e, struct conn *c)
{
	if (c->all_prev != NULL)
		c->all_prev->all_next = c->all_next;
	else
		e->all = c->all_next;
	if (c->all_next != NULL)
		c->all_next->all_prev = c->all_prev;
	c->all_prev = c->all_next = NULL;
	free(c->buf);
	free(c->req);
	c->buf = c->req = NULL;
	e->held_bytes -= c->cap;
	c->cap = 0;
	c->dead = true;
	if (c->timers == 0)
		free(c);
}

static void port_done(struct engine *e, struct conn *c)
{
	struct host *h = c->h;
	if (c->plain_web) {
		h->plain_web--;
		c->plain_web = false;
	}
	close_socket(e, c);
	free_conn(e, c);
	h->running--;
	h->finished++;
	if (h->finished >= host_total(e, h) && h->running == 0)
		host_done(e, h);
	else
		start_next_port(e, h);
}

static void begin_send(struct engine *e, struct conn *c);

/* Go on to the next step of the conversation, on the same connection where the probe keeps
 * it (keeps_conn) and the last reply ended cleanly, on a fresh one otherwise; or end it. */
static void next_step(struct engine *e, struct conn *c)
{
	struct cs_probe_target t = {c->h->addr, c->port, "", c->tls};
	char probe_buf[CS_PROBE_REQ_MAX];
	size_t len;
	bool reuse = c->probe->keeps_conn && c->framed && c->fd >= 0 && !c->udp;
	if (!reuse)
		close_socket(e, c);
	c->framed = c->reused = false;
	c->step++;
	c->len = 0;
	c->attempts = 0;
	c->stalled = false;
	if (c->step >= 1 && c->probe->wanted != NULL && !e->o->thorough) {
		struct cs_probe_hint hint;
		if (c->tls && c->h->plain_web > 0) {
			/* A plain web port of this host is asking the later questions (and will ask
			 * any this port leaves unclaimed): no handshake for the same answers. */
			port_done(e, c);
			return;
		}
		host_hint(e, c->h, &hint);
		while (c->step < CS_PROBE_MAX_STEPS &&
		       ((c->h->http_claimed >> c->step & 1) || !c->probe->wanted(c->step, &hint))) {
			c->step++;
			e->stats.skipped_steps++;
		}
		if (c->step < CS_PROBE_MAX_STEPS)
			c->h->http_claimed |= (uint8_t)(1u << c->step);
	}
	if (c->step >= CS_PROBE_MAX_STEPS ||
	    c->probe->request(&t, c->step, probe_buf, sizeof(probe_buf), &len) != CS_OK) {
		port_done(e, c);
		return;
	}
	if (reuse) {
		c->gen++; /* the last step's deadline is not this one's */
		c->reused = true;
		begin_send(e, c);
		return;
	}
	enqueue_conn(e, c);
}

static void reply_complete(struct engine *e, struct conn *c)
{
	struct cs_scan_port_result *pr = port_result(c->h, c->port, c->udp);
	if (c->reused && c->len == 0 && !c->stalled) {
		/* The device closed the connection it was meant to keep, without a word: ask
		 * again on a fresh one. */
		close_socket(e, c);
		c->reused = c->framed = false;
		enqueue_conn(e, c);
		return;
	}
	if (c->udp) {
		/* A datagram back is the whole answer, and the port's only one. */
		if (pr != NULL && c->len > 0) {
			pr->open = true;
			pr->proto = c->probe->name;
			e->stats.open_ports++;
		}
		keep_reply(e, c->h, c->probe, c->step, c->port, false, c->buf, c->len);
		port_done(e, c);
		return;
	}
	if (c->len > 0 && c->step == 0) {
		/* What the port answered decides the protocol, not its number. */
		const struct cs_probe *p = cs_probe_recognise(c->buf, c->len);
		if (p != NULL && p != c->probe && !(p->wants_tls && c->tls)) {
			if (strcmp(p->name, "tls") == 0 && !c->tls) {
				/* TLS on a port we spoke plain to: start again inside TLS. */
				c->tls = true;
				c->probe = cs_probe_find("http");
				c->step = -1;
				next_step(e, c);
				return;
			}
			c->probe = p;
		}
	}
	if (pr != NULL) {
		pr->proto = c->probe->name;
		pr->tls = c->tls;
	}
	keep_reply(e, c->h, c->probe, c->step, c->port, c->tls, c->buf, c->len);
	if (c->len > 0 && c->step == 0 && !c->tls && !c->plain_web && c->probe->wanted != NULL) {
		c->plain_web = true;
		c->h->plain_web++;
	}
	if (c->len == 0 && c->step == 0 && c->probe->server_first) {
		/* Silence where a greeting was expected: try the web instead. */
		c->probe = cs_probe_find("http");
		c->step = -1;
		next_step(e, c);
		return;
	}
	if (c->stalled || (c->len == 0 && c->step == 0)) {
		/* No answer to the first question, or one that never finished: the device is
		 * not talking properly; stop here. */
		port_done(e, c);
		return;
	}
	/* An empty answer to a later question (the device closed or reset without a word, or
	 * the reply was lost) says nothing of the questions after it: go on. */
	next_step(e, c);
}

static void want(struct engine *e, struct conn *c, uint32_t events)
{
	if (c->events == events)
		return;
	struct epoll_event ev = {.events = events, .data.ptr = c};
	epoll_ctl(e->ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->events = events;
}

static void capture_cert(struct engine *e, struct conn *c)
{
	X509 *x = SSL_get1_peer_certificate(c->ssl);
	if (x == NULL)
		return;
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	if (n > 0)
		keep_reply(e, c->h, NULL, 0, c->port, true, (const char *)der, (size_t)n);
	OPENSSL_free(der);
	X509_free(x);
	c->got_cert = true;
}

static void on_writable(struct engine *e, struct conn *c);

static void begin_send(struct engine *e, struct conn *c)
{
	struct cs_probe_target t = {c->h->addr, c->port, "", c->tls};
	struct in_addr ia = {htonl(c->h->addr)};
	inet_ntop(AF_INET, &ia, t.host, sizeof(t.host));
	free(c->req);
	c->req = malloc(CS_PROBE_REQ_MAX);
	c->req_len = c->req_off = 0;
	if (c->req == NULL ||
	    c->probe->request(&t, c->step, c->req, CS_PROBE_REQ_MAX, &c->req_len) != CS_OK) {
		port_done(e, c);
		return;
	}
	uint64_t t0 = now_ms();
	c->step_end = t0 + 4 * (uint64_t)e->o->timeout_ms;
	/* A greeting comes at once or not at all (a device that greets does so on accept): wait
	 * a short while for it, then fall back to asking, rather than a whole timeout. */
	uint64_t wait = e->o->timeout_ms;
	if (c->req_len == 0 && wait > GREETING_WAIT_MS)
		wait = GREETING_WAIT_MS;
	heap_push(e, c, t0 + wait);
	if (c->req_len == 0) {
		c->state = C_READING;
		want(e, c, EPOLLIN);
		return;
	}
	/* A socket that has just connected has room for a small request: send it now rather
	 * than after another trip through epoll. (c may be finished when this returns.) */
	c->state = C_SENDING;
	on_writable(e, c);
}

static ssize_t conn_write(struct conn *c, const void *p, size_t n)
{
	if (c->ssl != NULL) {
		int r = SSL_write(c->ssl, p, (int)n);
		if (r > 0)
			return r;
		int err = SSL_get_error(c->ssl, r);
		errno = err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? EAGAIN : EIO;
		return -1;
	}
	return send(c->fd, p, n, MSG_NOSIGNAL);
}

static ssize_t conn_read(struct conn *c, void *p, size_t n)
{
	if (c->ssl != NULL) {
		int r = SSL_read(c->ssl, p, (int)n);
		if (r > 0)
			return r;
		int err = SSL_get_error(c->ssl, r);
		if (err == SSL_ERROR_ZERO_RETURN)
			return 0;
		errno = err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? EAGAIN : EIO;
		return -1;
	}
	return recv(c->fd, p, n, 0);
}

static void on_handshake(struct engine *e, struct conn *c);

static void on_connected(struct engine *e, struct conn *c, uint32_t ev)
{
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	/* Writable without an error is a connection made; only a failure needs asking why. */
	if (ev & (EPOLLERR | EPOLLHUP) || !(ev & EPOLLOUT)) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
			soerr = ECONNRESET; /* hung up without an error of its own */
	}
	if (soerr == 0 || soerr == ECONNREFUSED)
		c->h->alive = true; /* an accept or a refusal: something lives at this address */
	if (soerr != 0) {
		/* Refused or unreachable: the port is closed; nothing more to learn here. */
		port_done(e, c);
		return;
	}
	if (!c->port_open) {
		c->port_open = true;
		struct cs_scan_port_result *pr = port_result(c->h, c->port, false);
		if (pr != NULL)
			pr->open = true;
		e->stats.open_ports++;
	}
	if (c->tls) {
		c->ssl = SSL_new(e->ssl_ctx);
		if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
			port_done(e, c);
			return;
		}
		SSL_set_connect_state(c->ssl);
		c->state = C_HANDSHAKE;
		heap_push(e, c, now_ms() + e->o->timeout_ms);
		on_handshake(e, c); /* the ClientHello goes now (c may be finished after this) */
		return;
	}
	begin_send(e, c);
}

static void on_handshake(struct engine *e, struct conn *c)
{
	int r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		if (!c->got_cert)
			capture_cert(e, c);
		begin_send(e, c);
		return;
	}
	int err = SSL_get_error(c->ssl, r);
	if (err == SSL_ERROR_WANT_READ)
		want(e, c, EPOLLIN);
	else if (err == SSL_ERROR_WANT_WRITE)
		want(e, c, EPOLLOUT);
	else
		port_done(e, c); /* not TLS after all, or a handshake we cannot do */
}

static void on_writable(struct engine *e, struct conn *c)
{
	while (c->req_off < c->req_len) {
		ssize_t n = conn_write(c, c->req + c->req_off, c->req_len - c->req_off);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				want(e, c, EPOLLOUT);
				return;
			}
			reply_complete(e, c); /* reset before we finished asking */
			return;
		}
		c->req_off += (size_t)n;
	}
	c->state = C_READING;
	want(e, c, EPOLLIN);
	heap_push(e, c, now_ms() + e->o->timeout_ms);
}

static void on_readable(struct engine *e, struct conn *c)
{
	for (;;) {
		if (c->len == CS_PROBE_REPLY_MAX) {
			reply_complete(e, c); /* enough: what is beyond the cap is not kept */
			return;
		}
		if (c->cap - c->len < 1024 && c->cap < CS_PROBE_REPLY_MAX) {
			size_t cap = c->cap ? c->cap * 2 : 4096;
			if (cap > CS_PROBE_REPLY_MAX)
				cap = CS_PROBE_REPLY_MAX;
			char *b = realloc(c->buf, cap);
			if (b == NULL) {
				reply_complete(e, c);
				return;
			}
			c->buf = b;
			e->held_bytes += cap - c->cap;
			c->cap = cap;
		}
		size_t room = c->cap - c->len;
		ssize_t n = conn_read(c, c->buf + c->len, room < READ_CHUNK ? room : READ_CHUNK);
		if (n > 0) {
			c->len += (size_t)n;
			if (c->probe->complete(c->step, c->buf, c->len) == CS_PROBE_DONE) {
				c->framed = true;
				reply_complete(e, c);
				return;
			}
			/* Each byte that arrives buys the reply another timeout, as in a browser,
			 * but a step never outlives step_end: a trickle cannot hold us forever. */
			uint64_t at = now_ms() + e->o->timeout_ms;
			heap_push(e, c, at < c->step_end ? at : c->step_end);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		reply_complete(e, c); /* EOF or reset: what arrived is the reply */
		return;
	}
}

static void on_event(struct engine *e, struct conn *c, uint32_t ev)
{
	/* An event fetched in the same batch as the one that ended this connection is stale. */
	if (c->dead || c->fd < 0)
		return;
	switch (c->state) {
	case C_CONNECTING: on_connected(e, c, ev); break;
	case C_HANDSHAKE: on_handshake(e, c); break;
	case C_SENDING:
		if (ev & (EPOLLERR | EPOLLHUP) && !(ev & EPOLLOUT))
			reply_complete(e, c);
		else
			on_writable(e, c);
		break;
	case C_READING: on_readable(e, c); break;
	case C_QUEUED: break;
	}
}

/*
 * Has the socket become ready without our noticing? When this process is starved of CPU (a
 * busy machine, or more ready sockets than one epoll batch holds), a deadline can pass while the
 * answer sits unread: that is our lateness, not the device's silence. One poll() tells. It is
 * asked for hosts that have shown life, and for the others only when we are late (the deadline
 * long past, or the last batch of events full): the silent addresses of a sparse sweep, whose
 * deadlines come on time, cost nothing.
 */
static bool ready_anyway(struct engine *e, struct conn *c)
{
	if (c->fd < 0 || c->udp || c->late_checked)
		return false;
	if (!c->h->alive && !e->batch_full && now_ms() < c->deadline + LATE_MS)
		return false;
	struct pollfd p = {.fd = c->fd, .events = (short)(c->events & (EPOLLIN | EPOLLOUT))};
	c->late_checked = true;
	if (p.events == 0 || poll(&p, 1, 0) != 1 || p.revents == 0)
		return false;
	e->stats.late_ready++;
	uint32_t ev = 0;
	if (p.revents & POLLIN)
		ev |= EPOLLIN;
	if (p.revents & POLLOUT)
		ev |= EPOLLOUT;
	if (p.revents & POLLERR)
		ev |= EPOLLERR;
	if (p.revents & POLLHUP)
		ev |= EPOLLHUP;
	/* The deadline that fired is spent. If what was waiting does not move the connection on
	 * to a deadline of its own (half a TLS record, a request sent but not yet answered), it
	 * gets one more timeout, and that one is final. c must outlive on_event to be asked. */
	uint32_t gen = c->gen;
	c->timers++;
	on_event(e, c, ev);
	c->timers--;
	if (c->dead) {
		if (c->timers == 0)
			free(c);
	} else if (c->gen == gen && c->fd >= 0) {
		heap_push(e, c, now_ms() + e->o->timeout_ms);
		c->late_checked = true;
	}
	return true;
}

static void on_timeout(struct engine *e, struct conn *c)
{
	if (ready_anyway(e, c))
		return;
	switch (c->state) {
	case C_CONNECTING:
		close_socket(e, c);
		/* Retry a lost SYN only where the address has shown life: on a sparse network
		 * most addresses are empty, and retrying them doubles the cost of the sweep. */
		if (++c->attempts <= e->o->retries && !c->port_open && c->h->alive) {
			enqueue_conn(e, c);
			return;
		}
		port_done(e, c);
		return;
	case C_HANDSHAKE: port_done(e, c); return;
	case C_SENDING:
	case C_READING:
		if (c->udp && c->len == 0 && ++c->attempts <= e->o->retries && c->h->alive) {
			close_socket(e, c); /* a datagram may be lost: ask once more */
			enqueue_conn(e, c);
			return;
		}
		/* A slow or stuck device: what it said so far counts, but the conversation ends
		 * here rather than spending the same wait on every later step. */
		c->stalled = true;
		reply_complete(e, c);
		return;
	case C_QUEUED: return;
	}
}

/* ---- admission ---- */

static bool admit_host(struct engine *e)
{
	uint64_t item, pos;
	if (e->exhausted || !cs_perm_iter_next(&e->it, &item, &pos)) {
		e->exhausted = true;
		return false;
	}
	struct host *h = calloc(1, sizeof(*h));
	if (h == NULL)
		return false;
	h->addr = cs_targets_at(e->targets, item);
	h->pos = pos;
	h->tail = &h->replies;
	h->older = e->newest;
	if (e->newest != NULL)
		e->newest->newer = h;
	else
		e->oldest = h;
	e->newest = h;
	e->hosts_in_flight++;
	start_next_port(e, h);
	return true;
}

static void refill(struct engine *e)
{
	uint64_t t = now_ms();
	if (e->o->rate == 0) {
		e->tokens = 1e18;
		return;
	}
	e->tokens += (double)(t - e->last_refill) * e->o->rate / 1000.0;
	double burst = e->o->rate / 10.0 > 1 ? e->o->rate / 10.0 : 1; /* 100 ms worth */
	if (e->tokens > burst)
		e->tokens = burst;
	e->last_refill = t;
}

/*
 * A UDP probe: a connected datagram socket (so that only the target's answer is read, and an
 * ICMP port unreachable comes back as ECONNREFUSED), the inquiry sent at once, then the reply
 * awaited like any other.
 */
static int start_udp(struct engine *e, struct conn *c, const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	e->stats.connects++;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	c->fd = fd;
	c->len = 0;
	c->events = EPOLLIN;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		c->fd = -1;
		return -errno;
	}
	e->open_conns++;
	begin_send(e, c); /* c may be finished when this returns */
	return 0;
}

static int start_conn(struct engine *e, struct conn *c)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(c->port),
				 .sin_addr.s_addr = htonl(c->h->addr)};
	if (c->udp)
		return start_udp(e, c, &sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A plain request is one write, which Nagle never delays; a TLS handshake writes flight
	 * after flight, which it would. */
	if (c->tls) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	e->stats.connects++;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		int err = errno;
		close(fd);
		return -err;
	}
	c->fd = fd;
	c->state = C_CONNECTING;
	c->len = 0;
	c->events = EPOLLOUT;
	struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
	if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		c->fd = -1;
		return -errno;
	}
	e->open_conns++;
	heap_push(e, c, now_ms() + e->o->timeout_ms);
	return 0;
}

/* Start queued connections, and admit hosts, while concurrency and rate allow. */
static void pump(struct engine *e)
{
	refill(e);
	while (e->open_conns < e->o->concurrency && e->tokens >= 1.0) {
		if (e->queue_head == NULL) {
			/* Keep enough hosts in flight to fill the connection budget. */
			if (e->hosts_in_flight >= e->o->concurrency ||
			    e->held_bytes > HELD_BYTES_MAX || !admit_host(e))
				return;
			continue;
		}
		struct conn *c = e->queue_head;
		e->queue_head = c->next_queued;
		if (e->queue_head == NULL)
			e->queue_tail = NULL;
		e->tokens -= 1.0;
		int r = start_conn(e, c);
		if (r == -EMFILE || r == -ENFILE || r == -EADDRNOTAVAIL) {
			/* Out of descriptors or local ports: put it back and wait for some to close. */
			c->next_queued = e->queue_head;
			e->queue_head = c;
			if (e->queue_tail == NULL)
				e->queue_tail = c;
			return;
		}
		if (r < 0)
			port_done(e, c); /* unreachable at once (no route): the port is done */
	}
}

static void progress(struct engine *e, bool final)
{
	uint64_t t = now_ms();
	if (!final && t - e->last_progress < 250)
		return;
	e->last_progress = t;
	e->stats.elapsed = (double)(t - e->start_ms) / 1000.0;
	e->stats.resume_pos = e->oldest != NULL ? e->oldest->pos : e->it.pos;
	if (e->o->on_progress != NULL)
		e->o->on_progress(e->o->ctx, &e->stats);
}

static SSL_CTX *make_ssl_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL)
		return NULL;
	/* An inventory reads whatever certificate a device shows, however old its TLS: no
	 * verification, security level 0, and the legacy renegotiation old firmware needs. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	return ctx;
}

int cs_scan_run(const struct cs_targets *t, const struct cs_scan_opts *o, const struct cs_kb *kb,
		struct cs_scan_stats *stats, struct cs_err *err)
{
	struct engine e;
	struct epoll_event events[MAX_EVENTS];
	struct cs_scan_opts opts = *o;
	int r = CS_OK;

	memset(&e, 0, sizeof(e));
	e.ep = -1;
	if (opts.nports == 0 || opts.nports > CS_SCAN_MAX_PORTS)
		return cs_err_set(err, CS_EINVAL, "between 1 and %d ports", CS_SCAN_MAX_PORTS);
	if (opts.per_host == 0)
		opts.per_host = 1;
	if (opts.timeout_ms == 0)
		opts.timeout_ms = 1;
	/* Never ask for more descriptors than the process may have. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur != RLIM_INFINITY && opts.concurrency > rl.rlim_cur - 64)
			opts.concurrency = rl.rlim_cur > 128 ? (unsigned)(rl.rlim_cur - 64) : 64;
	}
	if (opts.concurrency == 0)
		opts.concurrency = 1;
	e.o = &opts;
	e.kb = kb;
	e.targets = t;
	if ((r = cs_probe_data_load(opts.data_dir, err)) != CS_OK)
		return r;
	if (opts.nudp > 0 && (r = cs_disc_load(opts.data_dir, err)) != CS_OK) {
		cs_probe_data_free();
		return r;
	}
	if ((r = cs_ident_new(&e.id, kb)) != CS_OK) {
		r = cs_err_set(err, r, "out of memory");
		goto out;
	}
	if ((e.ep = epoll_create1(EPOLL_CLOEXEC)) < 0 || (e.ssl_ctx = make_ssl_ctx()) == NULL) {
		r = cs_err_set(err, CS_EIO, "cannot set up the event loop or TLS");
		goto out;
	}
	uint64_t n = cs_targets_count(t);
	if ((r = cs_perm_init(&e.perm, n, opts.seed)) != CS_OK) {
		r = cs_err_set(err, r, "cannot order %llu addresses", (unsigned long long)n);
		goto out;
	}
	cs_perm_iter_init(&e.it, &e.perm, opts.shard, opts.nshards, opts.start_pos);
	e.stats.total = cs_perm_shard_count(n, opts.shard, opts.nshards);
	/* Positions are global across shards: count this shard's share of those before start. */
	e.stats.done = cs_perm_shard_count(opts.start_pos, opts.shard, opts.nshards);
	e.start_ms = e.last_refill = now_ms();

	for (;;) {
		if ((o->stop != NULL && *o->stop) || e.stop_by_callback)
			break;
		pump(&e);
		if (e.exhausted && e.hosts_in_flight == 0)
			break;
		uint64_t t0 = now_ms();
		int wait = 250;
		if (e.nheap > 0) {
			uint64_t at = e.heap[0].at;
			wait = at <= t0 ? 0 : at - t0 < 250 ? (int)(at - t0) : 250;
		}
		if (e.queue_head != NULL || !e.exhausted)
			wait = wait > 5 ? 5 : wait; /* waiting on rate tokens */
		int nev = epoll_wait(e.ep, events, MAX_EVENTS, wait);
		if (nev < 0 && errno != EINTR) {
			r = cs_err_set(err, CS_EIO, "epoll_wait: %s", strerror(errno));
			break;
		}
		e.batch_full = nev == MAX_EVENTS; /* more may be waiting than one batch held */
		for (int i = 0; i < nev; i++)
			on_event(&e, events[i].data.ptr, events[i].events);
		uint64_t t1 = now_ms();
		while (e.nheap > 0 && e.heap[0].at <= t1) {
			struct timer tm = heap_pop(&e);
			tm.c->timers--;
			if (tm.c->dead) {
				if (tm.c->timers == 0)
					free(tm.c);
			} else if (tm.gen == tm.c->gen && tm.c->fd >= 0) {
				on_timeout(&e, tm.c);
			}
		}
		progress(&e, false);
	}
	progress(&e, true);
out:
	/* Abandoned hosts (a stop) are freed unreported; the resume position covers them. */
	while (e.all != NULL) {
		struct conn *c = e.all;
		close_socket(&e, c);
		free_conn(&e, c);
	}
	while (e.oldest != NULL) {
		struct host *h = e.oldest;
		unlink_host(&e, h);
		free_host(h);
	}
	if (stats != NULL)
		*stats = e.stats;
	/* Connections kept alive only by heap entries go with the heap. */
	for (size_t i = 0; i < e.nheap; i++) {
		struct conn *c = e.heap[i].c;
		if (--c->timers == 0 && c->dead)
			free(c);
	}
	free(e.heap);
	if (e.ep >= 0)
		close(e.ep);
	SSL_CTX_free(e.ssl_ctx);
	cs_ident_free(e.id);
	cs_probe_data_free();
	cs_disc_free();
	return r;
}
