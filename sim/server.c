/*
 * server.c - the simulator's sockets and its single-threaded epoll loop.
 *
 * Two ways to listen:
 *   - per address (the default): one socket per (estate address, persona port), bound to that
 *     127.x.y.z, so the kernel itself refuses (RST) every address and port nobody serves;
 *     RLIMIT_NOFILE is raised to fit. Good for small estates (up to some thousands of sockets).
 *   - --bind 0.0.0.0, only inside a network namespace whose one interface is lo: one socket per
 *     port; the persona is chosen by getsockname() of the accepted socket (TCP) or the
 *     IP_PKTINFO destination (UDP). Connections to silent addresses or unserved ports are
 *     reset at once (SO_LINGER 0); see docs/sim.md for making them time out with nftables.
 *
 * Like openssh's ssh-keyscan, connections live in an fd-indexed table sized from
 * RLIMIT_NOFILE, each with a fixed request buffer (SIM_REQ_CAP) and one deadline kept in a
 * binary heap: the idle timeout, the hold time of a hostile device, or the next tick of a
 * device that answers one byte at a time. Nothing here blocks; a peer outside 127.0.0.0/8 is
 * dropped before a byte is read.
 */
#include "sim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum fd_kind { FD_FREE, FD_LISTEN, FD_UDP, FD_CONN, FD_SIGNAL };
enum conn_state { ST_READ, ST_SEND, ST_HOLD };

struct listener {
	uint32_t addr; /* 0 when bound to 0.0.0.0 */
	uint16_t port; /* persona port (before the offset) */
};

struct conn {
	int fd;
	int state;
	SSL *ssl;	/* a tls service: the session; NULL for plain TCP */
	bool tls_ready; /* the handshake is done */
	const struct sim_service *svc;
	struct sim_device dev;
	uint32_t peer;
	uint16_t peer_port;
	char in[SIM_REQ_CAP];
	size_t in_len;
	struct cs_buf out;
	size_t out_off;
	int after;
	bool trickle, endless, rst_at_expiry, want_out;
	bool rd_closed; /* the client shut its side: no more reading, finish the answer */
	unsigned ticks;
	unsigned requests;
	uint64_t expires; /* idle or hold limit */
	uint64_t next_tick;
	uint64_t deadline; /* min(expires, next_tick): the heap's key */
	size_t heap_idx;
};

struct stats {
	unsigned long long accepted, refused, answered, timeouts, udp_in, udp_out;
};

struct server {
	const struct sim_opts *o;
	const struct sim_estate *es;
	int ep;
	int sfd;
	int reserve_fd;
	bool wildcard;
	size_t nslots;
	uint8_t *kind;
	struct listener *lis;
	struct conn **conns;
	struct conn **heap;
	size_t nheap;
	size_t nconns;
	size_t max_conns; /* --max-conns, or fewer when the descriptor limit is lower */
	size_t nlisten, nudp;
	uint64_t seq;
	uint64_t start_ms;
	time_t start_wall;
	struct stats st;
	bool stop;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static time_t wall_now(const struct server *s)
{
	return s->start_wall + (time_t)((now_ms() - s->start_ms) / 1000u);
}

/* ---------------------------------------------------------------- the deadline heap */

static bool heap_less(struct conn *a, struct conn *b)
{
	return a->deadline < b->deadline;
}

static void heap_swap(struct server *s, size_t i, size_t j)
{
	struct conn *t = s->heap[i];
	s->heap[i] = s->heap[j];
	s->heap[j] = t;
	s->heap[i]->heap_idx = i;
	s->heap[j]->heap_idx = j;
}

static void heap_fix(struct server *s, size_t i)
{
	while (i > 0 && heap_less(s->heap[i], s->heap[(i - 1) / 2])) {
		heap_swap(s, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < s->nheap && heap_less(s->heap[l], s->heap[m]))
			m = l;
		if (r < s->nheap && heap_less(s->heap[r], s->heap[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(s, i, m);
		i = m;
	}
}

static void heap_remove(struct server *s, struct conn *c)
{
	size_t i = c->heap_idx;
	if (i >= s->nheap || s->heap[i] != c)
		return;
	s->nheap--;
	if (i != s->nheap) {
		s->heap[i] = s->heap[s->nheap];
		s->heap[i]->heap_idx = i;
		heap_fix(s, i);
	}
	c->heap_idx = SIZE_MAX;
}

/* The heap has room for every fd slot, so inserting cannot fail. */
static void schedule(struct server *s, struct conn *c)
{
	uint64_t d = c->expires;
	if ((c->trickle || c->endless) && c->next_tick < d)
		d = c->next_tick;
	c->deadline = d;
	if (c->heap_idx == SIZE_MAX) {
		c->heap_idx = s->nheap;
		s->heap[s->nheap++] = c;
	}
	heap_fix(s, c->heap_idx);
}

/* ---------------------------------------------------------------- connections */

static void rst_close_fd(int fd)
{
	struct linger lg = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static void conn_free(struct server *s, struct conn *c, bool rst)
{
	heap_remove(s, c);
	SSL_free(c->ssl);
	c->ssl = NULL;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	if (rst) {
		rst_close_fd(c->fd);
	} else {
		/* Drain what the client sent, so that close sends a FIN rather than an RST. */
		char sink[4096];
		for (int i = 0; i < 16 && read(c->fd, sink, sizeof(sink)) > 0; i++)
			;
		close(c->fd);
	}
	s->kind[c->fd] = FD_FREE;
	s->conns[c->fd] = NULL;
	s->nconns--;
	cs_buf_free(&c->out);
	free(c);
}

/*
 * Read and write through TLS when the service has it, as read(2) and send(2) would answer:
 * bytes, 0 at the end, or -1 with errno (EAGAIN when TLS wants the socket first).
 */
static ssize_t tls_result(struct conn *c, int r)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE: errno = EAGAIN; return -1;
	case SSL_ERROR_ZERO_RETURN: return 0;
	default: errno = ECONNRESET; return -1;
	}
}

static ssize_t conn_read(struct conn *c, void *p, size_t n)
{
	if (c->ssl == NULL)
		return read(c->fd, p, n);
	int r = SSL_read(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n);
	return r > 0 ? r : tls_result(c, r);
}

static ssize_t conn_send(struct conn *c, const void *p, size_t n)
{
	if (c->ssl == NULL)
		return send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	int r = SSL_write(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n);
	return r > 0 ? r : tls_result(c, r);
}

static void update_events(struct server *s, struct conn *c)
{
	struct epoll_event ev = {.events = 0, .data.fd = c->fd};
	if (!c->rd_closed)
		ev.events |= EPOLLIN | EPOLLRDHUP;
	if (c->want_out)
		ev.events |= EPOLLOUT;
	epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void set_events(struct server *s, struct conn *c, bool want_out)
{
	if (want_out == c->want_out)
		return;
	c->want_out = want_out;
	update_events(s, c);
}

static void ctx_for(struct server *s, const struct sim_device *d, struct sim_ctx *x)
{
	memset(x, 0, sizeof(*x));
	x->dev = d;
	x->now = wall_now(s);
	x->nonce = ++s->seq;
	x->port_offset = s->o->port_offset;
}

static void process_input(struct server *s, struct conn *c);

/* The answer is out; do what comes after it. */
static void finish_send(struct server *s, struct conn *c)
{
	uint64_t now = now_ms();

	cs_buf_reset(&c->out);
	c->out_off = 0;
	c->trickle = false;
	set_events(s, c, false);
	switch (c->after) {
	case SIM_AFTER_READ:
		if (++c->requests >= SIM_MAX_REQUESTS) {
			conn_free(s, c, false);
			return;
		}
		c->state = ST_READ;
		c->expires = now + s->o->idle_ms;
		schedule(s, c);
		if (c->in_len > 0)
			process_input(s, c);
		return;
	case SIM_AFTER_RST:
		c->state = ST_HOLD;
		c->rst_at_expiry = true;
		c->expires = now + SIM_RESET_DELAY_MS;
		schedule(s, c);
		return;
	case SIM_AFTER_HOLD:
		c->state = ST_HOLD;
		c->expires = now + s->o->hold_ms;
		schedule(s, c);
		return;
	default: conn_free(s, c, false); return;
	}
}

/* Write what is pending (at most one byte when trickling). Frees c on error or completion
 * with close; returns false when c is gone. */
static bool flush(struct server *s, struct conn *c)
{
	int fd = c->fd;

	while (c->out_off < c->out.len) {
		size_t want = c->out.len - c->out_off;
		if (c->trickle)
			want = 1;
		ssize_t k = conn_send(c, c->out.data + c->out_off, want);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				set_events(s, c, !c->trickle);
				schedule(s, c);
				return true;
			}
			conn_free(s, c, false);
			return false;
		}
		c->out_off += (size_t)k;
		c->expires = now_ms() + s->o->idle_ms;
		if (c->trickle)
			break;
	}
	if (c->endless) {
		/* The output never ends: compact it and wait for the next tick. */
		if (c->out_off == c->out.len) {
			cs_buf_reset(&c->out);
			c->out_off = 0;
		}
		set_events(s, c, c->out_off < c->out.len);
		schedule(s, c);
		return true;
	}
	if (c->out_off < c->out.len) {
		schedule(s, c);
		return true;
	}
	finish_send(s, c);
	return s->conns[fd] != NULL;
}

static void log_answer(struct server *s, struct conn *c, const struct sim_answer *a)
{
	char peer[16];
	if (!s->o->log)
		return;
	sim_format_ipv4(c->peer, peer);
	fprintf(stderr, "%s:%u -> %s:%u %s %s %s %d\n", peer, c->peer_port, c->dev.ip,
		c->svc->port + s->o->port_offset, c->dev.p->name, a->method[0] ? a->method : "-",
		a->path[0] ? a->path : "-", a->status);
}

static void start_answer(struct server *s, struct conn *c, const struct sim_answer *a)
{
	uint64_t now = now_ms();

	s->st.answered++;
	log_answer(s, c, a);
	c->after = a->after;
	c->state = ST_SEND;
	c->trickle = a->trickle;
	c->endless = a->endless;
	if (a->reset && c->out.len > 1)
		c->out.len /= 2; /* half the answer, then the reset */
	c->next_tick = now + (c->trickle ? SIM_TRICKLE_MS : SIM_ENDLESS_MS);
	c->expires = now + s->o->idle_ms;
	if (c->endless)
		c->expires = now + s->o->hold_ms;
	flush(s, c);
}

static void process_input(struct server *s, struct conn *c)
{
	struct sim_answer a;
	struct sim_ctx x;
	int r;

	ctx_for(s, &c->dev, &x);
	r = sim_proto_tcp(c->svc, &x, c->in, c->in_len, &c->out, &a);
	if (r < 0 || (r == 0 && c->in_len >= sizeof(c->in))) {
		cs_buf_reset(&c->out);
		conn_free(s, c, false);
		return;
	}
	if (r == 0)
		return;
	if (a.consumed > c->in_len)
		a.consumed = c->in_len;
	memmove(c->in, c->in + a.consumed, c->in_len - a.consumed);
	c->in_len -= a.consumed;
	start_answer(s, c, &a);
}

static void on_conn_event(struct server *s, struct conn *c, uint32_t events)
{
	int fd = c->fd;

	if (c->ssl != NULL && !c->tls_ready) {
		/* The handshake first; the request follows it on the same events. */
		int r = SSL_do_handshake(c->ssl);
		if (r != 1) {
			int e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				set_events(s, c, e == SSL_ERROR_WANT_WRITE);
				return;
			}
			conn_free(s, c, false); /* not TLS, or a handshake we will not do */
			return;
		}
		c->tls_ready = true;
		set_events(s, c, false);
		events |= EPOLLIN; /* the request may already be in TLS's buffer */
	}

	if (events & EPOLLOUT) {
		if (c->state == ST_SEND && !c->trickle && !flush(s, c))
			return;
		if (c->state != ST_SEND)
			set_events(s, c, false);
	}
	if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		return;
	for (int round = 0; round < 4; round++) {
		char sink[4096];
		char *dst = sink;
		size_t room = sizeof(sink);
		if (c->state == ST_READ || c->state == ST_SEND) {
			if (c->in_len < sizeof(c->in)) {
				dst = c->in + c->in_len;
				room = sizeof(c->in) - c->in_len;
			}
		}
		ssize_t k = conn_read(c, dst, room);
		if (k == 0 && c->state == ST_SEND) {
			/* A half-close after the request: finish the answer, then close. */
			c->rd_closed = true;
			if (c->after != SIM_AFTER_RST)
				c->after = SIM_AFTER_CLOSE;
			update_events(s, c);
			return;
		}
		if (k == 0 ||
		    (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			conn_free(s, c, false);
			return;
		}
		if (k < 0)
			return;
		if (dst != sink)
			c->in_len += (size_t)k;
		if (c->state == ST_READ) {
			c->expires = now_ms() + s->o->idle_ms;
			schedule(s, c);
			process_input(s, c);
			if (s->conns[fd] == NULL)
				return; /* c is gone */
		}
		if ((size_t)k < room && (c->ssl == NULL || SSL_pending(c->ssl) == 0))
			return;
	}
}

static void on_timer(struct server *s, struct conn *c, uint64_t now)
{
	if (now >= c->expires) {
		if (!c->rst_at_expiry)
			s->st.timeouts++;
		conn_free(s, c, c->rst_at_expiry);
		return;
	}
	if (c->trickle && c->state == ST_SEND) {
		c->next_tick = now + SIM_TRICKLE_MS;
		flush(s, c);
		return;
	}
	if (c->endless) {
		c->next_tick = now + SIM_ENDLESS_MS;
		if (c->out.len - c->out_off < 2048)
			sim_proto_endless_line(&c->out, ++c->ticks);
		flush(s, c);
		return;
	}
	schedule(s, c);
}

static void on_accept(struct server *s, int lfd)
{
	for (int i = 0; i < 256; i++) {
		struct sockaddr_in peer, local;
		socklen_t plen = sizeof(peer), llen = sizeof(local);
		int fd =
			accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE) && s->reserve_fd >= 0) {
				/* Out of descriptors: take one from the reserve to shed this one. */
				close(s->reserve_fd);
				fd = accept(lfd, NULL, NULL);
				if (fd >= 0)
					rst_close_fd(fd);
				s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
				s->st.refused++;
			}
			return;
		}
		s->st.accepted++;
		uint32_t paddr = ntohl(peer.sin_addr.s_addr);
		if (peer.sin_family != AF_INET || !sim_in_loopback(paddr) ||
		    getsockname(fd, (struct sockaddr *)&local, &llen) != 0 ||
		    local.sin_family != AF_INET) {
			rst_close_fd(fd);
			s->st.refused++;
			continue;
		}
		uint32_t laddr = ntohl(local.sin_addr.s_addr);
		int pport = (int)ntohs(local.sin_port) - s->o->port_offset;
		const struct sim_persona *p = sim_estate_lookup(s->es, laddr);
		const struct sim_service *svc =
			p != NULL && pport > 0 ? sim_persona_service(p, 0, (uint16_t)pport) : NULL;
		if (svc == NULL || (s->o->any_port_filter && !s->o->ports_filter[pport]) ||
		    (size_t)fd >= s->nslots || s->nconns >= s->max_conns) {
			rst_close_fd(fd); /* a silent address or a port this device does not open */
			s->st.refused++;
			continue;
		}
		struct conn *c = calloc(1, sizeof(*c));
		if (c == NULL) {
			rst_close_fd(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->svc = svc;
		c->peer = paddr;
		c->peer_port = ntohs(peer.sin_port);
		c->heap_idx = SIZE_MAX;
		cs_buf_init(&c->out, SIM_RESP_CAP);
		sim_device_init(&c->dev, laddr, p, s->o->seed);
		s->kind[fd] = FD_CONN;
		s->conns[fd] = c;
		s->nconns++;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			conn_free(s, c, true);
			continue;
		}
		if (svc->tls) {
			SSL_CTX *tctx = sim_tls_ctx(p);
			if (tctx == NULL || (c->ssl = SSL_new(tctx)) == NULL ||
			    SSL_set_fd(c->ssl, fd) != 1) {
				conn_free(s, c, true);
				continue;
			}
			SSL_set_accept_state(c->ssl);
		}
		struct sim_ctx x;
		ctx_for(s, &c->dev, &x);
		c->after = sim_proto_connect(svc, &x, &c->out);
		uint64_t now = now_ms();
		if (c->out.len > 0) {
			struct sim_answer a = {.after = c->after};
			start_answer(s, c, &a);
		} else if (c->after == SIM_AFTER_HOLD) {
			c->state = ST_HOLD;
			c->expires = now + s->o->hold_ms;
			schedule(s, c);
		} else {
			c->state = ST_READ;
			c->expires = now + s->o->idle_ms;
			schedule(s, c);
		}
	}
}

/* ---------------------------------------------------------------- UDP */

static void on_udp(struct server *s, int fd)
{
	const struct listener *l = &s->lis[fd];
	char buf[SIM_REQ_CAP];
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cs_buf out;

	cs_buf_init(&out, SIM_RESP_CAP);
	for (int i = 0; i < 64; i++) {
		struct sockaddr_in peer;
		struct iovec iov = {buf, sizeof(buf)};
		struct msghdr m = {.msg_name = &peer,
				   .msg_namelen = sizeof(peer),
				   .msg_iov = &iov,
				   .msg_iovlen = 1,
				   .msg_control = cbuf,
				   .msg_controllen = sizeof(cbuf)};
		ssize_t k = recvmsg(fd, &m, MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		s->st.udp_in++;
		uint32_t paddr = ntohl(peer.sin_addr.s_addr);
		if ((m.msg_flags & MSG_TRUNC) || m.msg_namelen < sizeof(peer) ||
		    peer.sin_family != AF_INET || !sim_in_loopback(paddr) || peer.sin_port == 0)
			continue;
		uint32_t dst = l->addr;
		struct in_pktinfo pi = {0};
		bool have_pi = false;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm != NULL; cm = CMSG_NXTHDR(&m, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				have_pi = true;
			}
		}
		if (dst == 0) {
			if (!have_pi)
				continue;
			dst = ntohl(pi.ipi_addr.s_addr);
		}
		const struct sim_persona *p = sim_estate_lookup(s->es, dst);
		const struct sim_service *svc =
			p != NULL ? sim_persona_service(p, 1, l->port) : NULL;
		if (svc == NULL)
			continue;
		struct sim_device d;
		struct sim_ctx x;
		sim_device_init(&d, dst, p, s->o->seed);
		ctx_for(s, &d, &x);
		cs_buf_reset(&out);
		if (sim_proto_udp(svc, &x, buf, (size_t)k, &out) != 1 || out.len == 0)
			continue;
		struct iovec oiov = {out.data, out.len};
		struct msghdr om = {.msg_name = &peer,
				    .msg_namelen = sizeof(peer),
				    .msg_iov = &oiov,
				    .msg_iovlen = 1};
		char ocbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		if (l->addr == 0) {
			/* Answer from the address the datagram was sent to. */
			memset(ocbuf, 0, sizeof(ocbuf));
			om.msg_control = ocbuf;
			om.msg_controllen = sizeof(ocbuf);
			struct cmsghdr *cm = CMSG_FIRSTHDR(&om);
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
			struct in_pktinfo opi = {0};
			opi.ipi_spec_dst.s_addr = htonl(dst);
			memcpy(CMSG_DATA(cm), &opi, sizeof(opi));
		}
		if (sendmsg(fd, &om, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			s->st.udp_out++;
		if (s->o->log) {
			char pa[16];
			sim_format_ipv4(paddr, pa);
			fprintf(stderr, "%s:%u -> %s:%u/udp %s %zu bytes\n", pa,
				ntohs(peer.sin_port), d.ip, l->port + s->o->port_offset, p->name,
				out.len);
		}
	}
	cs_buf_free(&out);
}

/* ---------------------------------------------------------------- listeners */

static int open_socket(struct server *s, uint32_t addr, uint16_t pport, bool udp, struct cs_err *e)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	unsigned port = (unsigned)pport + (unsigned)s->o->port_offset;
	int fd, one = 1;
	char ip[16];

	sim_format_ipv4(addr, ip);
	if (port == 0 || port > 65535)
		return cs_err_set(e, CS_EINVAL, "port %u + offset %d is not a port", pport,
				  s->o->port_offset);
	fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cs_err_set(e, CS_EIO, "socket: %s", strerror(errno));
	if ((size_t)fd >= s->nslots) {
		close(fd);
		return cs_err_set(e, CS_EIO, "out of file descriptors (raise ulimit -n)");
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (udp && addr == 0)
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int err = errno;
		close(fd);
		return cs_err_set(e, CS_EIO, "bind %s:%u/%s: %s%s", addr == 0 ? "0.0.0.0" : ip,
				  port, udp ? "udp" : "tcp", strerror(err),
				  err == EACCES ? " (ports below 1024 need root: try --port-offset)"
						: "");
	}
	if (!udp && listen(fd, 4096) != 0) {
		int err = errno;
		close(fd);
		return cs_err_set(e, CS_EIO, "listen %s:%u: %s", ip, port, strerror(err));
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		return cs_err_set(e, CS_EIO, "epoll_ctl: %s", strerror(errno));
	}
	s->kind[fd] = udp ? FD_UDP : FD_LISTEN;
	s->lis[fd].addr = addr;
	s->lis[fd].port = pport;
	if (udp)
		s->nudp++;
	else
		s->nlisten++;
	return CS_OK;
}

static bool port_wanted(const struct sim_opts *o, uint16_t port)
{
	return !o->any_port_filter || o->ports_filter[port];
}

/* Count the sockets a mode needs, or open them. */
static int listeners(struct server *s, uint32_t only, bool open_them, size_t *count,
		     struct cs_err *e)
{
	const struct sim_estate *es = s->es;
	int r;

	*count = 0;
	if (es->empty)
		return CS_OK;
	if (s->wildcard) {
		uint8_t *seen = calloc(2 * 65536, 1);
		if (seen == NULL)
			return cs_err_set(e, CS_ENOMEM, "out of memory");
		bool used[256] = {false};
		for (uint32_t a = es->lo; a <= es->hi; a++)
			used[es->map[a]] = true;
		r = CS_OK;
		for (size_t i = 1; i <= sim_npersonas && r == CS_OK; i++) {
			const struct sim_persona *p = sim_personas[i - 1];
			if (!used[i])
				continue;
			for (size_t k = 0; k < p->nsvcs && r == CS_OK; k++) {
				const struct sim_service *svc = &p->svcs[k];
				bool udp = sim_kind_is_udp(svc->kind);
				size_t slot = (udp ? 65536u : 0u) + svc->port;
				if (seen[slot] || !port_wanted(s->o, svc->port))
					continue;
				seen[slot] = 1;
				(*count)++;
				if (open_them)
					r = open_socket(s, 0, svc->port, udp, e);
			}
		}
		free(seen);
		return r;
	}
	for (uint32_t a = es->lo; a <= es->hi; a++) {
		uint32_t addr = 0x7f000000u | a;
		const struct sim_persona *p = sim_estate_lookup(es, addr);
		if (p == NULL || (only != 0 && addr != only))
			continue;
		for (size_t k = 0; k < p->nsvcs; k++) {
			const struct sim_service *svc = &p->svcs[k];
			if (!port_wanted(s->o, svc->port))
				continue;
			(*count)++;
			if (open_them && (r = open_socket(s, addr, svc->port,
							  sim_kind_is_udp(svc->kind), e)) != 0)
				return r;
		}
	}
	return CS_OK;
}

/* Raise RLIMIT_NOFILE to need (and the hard limit too when allowed); returns the limit. */
static rlim_t raise_nofile(rlim_t need)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur >= need)
		return rl.rlim_cur;
	struct rlimit want = {need, rl.rlim_max > need ? rl.rlim_max : need};
	if (setrlimit(RLIMIT_NOFILE, &want) == 0)
		return need;
	want.rlim_cur = want.rlim_max = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &want) == 0)
		return rl.rlim_max;
	return rl.rlim_cur;
}

/* ---------------------------------------------------------------- the namespace check */

static int lo_up(struct cs_err *e)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = CS_OK;

	if (fd < 0)
		return cs_err_set(e, CS_EIO, "socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	cs_sv_copy(ifr.ifr_name, sizeof(ifr.ifr_name), CS_SV("lo"));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		r = cs_err_set(e, CS_EIO, "SIOCGIFFLAGS lo: %s", strerror(errno));
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
			r = cs_err_set(e, CS_EIO,
				       "lo is down and cannot be brought up (%s): run 'ip link set "
				       "lo up' in the namespace",
				       strerror(errno));
	}
	close(fd);
	return r;
}

int sim_netns_check(struct cs_err *e)
{
	struct ifaddrs *list = NULL;
	int r = CS_OK;

	if (getifaddrs(&list) != 0)
		return cs_err_set(e, CS_EIO, "getifaddrs: %s", strerror(errno));
	for (struct ifaddrs *i = list; i != NULL && r == CS_OK; i = i->ifa_next) {
		if (i->ifa_name == NULL || strcmp(i->ifa_name, "lo") != 0) {
			r = cs_err_set(
				e, CS_EINVAL,
				"interface '%s' exists: --bind 0.0.0.0 is only allowed in a "
				"network namespace whose only interface is lo (e.g. unshare -rn)",
				i->ifa_name != NULL ? i->ifa_name : "?");
			break;
		}
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)i->ifa_addr;
			if (!sim_in_loopback(ntohl(sin->sin_addr.s_addr)))
				r = cs_err_set(e, CS_EINVAL,
					       "lo has an address outside 127.0.0.0/8");
		}
	}
	freeifaddrs(list);
	if (r == CS_OK)
		r = lo_up(e);
	return r;
}

/* ---------------------------------------------------------------- the loop */

static void print_stats(const struct server *s)
{
	fprintf(stderr,
		"camsweep-sim: %llu connections accepted, %llu refused, %llu answers, %llu "
		"timeouts, %llu/%llu datagrams in/out, %zu open\n",
		s->st.accepted, s->st.refused, s->st.answered, s->st.timeouts, s->st.udp_in,
		s->st.udp_out, s->nconns);
}

static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;
	while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1)
			print_stats(s);
		else
			s->stop = true;
	}
}

static void server_free(struct server *s)
{
	for (size_t fd = 0; fd < s->nslots && s->kind != NULL; fd++) {
		if (s->kind[fd] == FD_CONN && s->conns[fd] != NULL)
			conn_free(s, s->conns[fd], true);
		else if (s->kind[fd] == FD_LISTEN || s->kind[fd] == FD_UDP)
			close((int)fd);
	}
	if (s->sfd >= 0)
		close(s->sfd);
	if (s->ep >= 0)
		close(s->ep);
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	free(s->kind);
	free(s->lis);
	free(s->conns);
	free(s->heap);
	sim_tls_free();
}

int sim_serve(const struct sim_opts *o, const struct sim_estate *es, struct cs_err *e)
{
	struct server s = {.o = o, .es = es, .ep = -1, .sfd = -1, .reserve_fd = -1};
	uint32_t only = 0;
	size_t need = 0;
	sigset_t mask;
	int r = CS_OK;

	if (o->bind != NULL) {
		if (strcmp(o->bind, "0.0.0.0") == 0) {
			if ((r = sim_netns_check(e)) != CS_OK)
				return r;
			s.wildcard = true;
		} else if (sim_parse_ipv4(cs_sv_cstr(o->bind), &only) != CS_OK ||
			   !sim_in_loopback(only)) {
			return cs_err_set(e, CS_EINVAL,
					  "--bind takes 0.0.0.0 (in a namespace) or an address in "
					  "127.0.0.0/8, not '%s'",
					  o->bind);
		} else if (sim_estate_lookup(es, only) == NULL) {
			return cs_err_set(e, CS_EINVAL, "--bind %s: no device at that address",
					  o->bind);
		}
	}

	/* Size the fd table: the sockets, the connections, and some slack. */
	if ((r = listeners(&s, only, false, &need, e)) != CS_OK)
		return r;
	rlim_t lim = raise_nofile((rlim_t)(need + o->max_conns + 64));
	if (lim < (rlim_t)(need + 64))
		return cs_err_set(e, CS_EIO,
				  "%zu sockets need more file descriptors than the limit of %llu "
				  "(ulimit -n, or use --bind 0.0.0.0 in a namespace)",
				  need, (unsigned long long)lim);
	s.nslots = lim > (1u << 22) ? (1u << 22) : (size_t)lim;
	s.max_conns = o->max_conns;
	if (s.nslots < need + 64 + s.max_conns) {
		s.max_conns = s.nslots - need - 64;
		fprintf(stderr,
			"camsweep-sim: the descriptor limit (%zu) leaves room for %zu concurrent "
			"connections, not %u\n",
			s.nslots, s.max_conns, o->max_conns);
	}
	s.kind = calloc(s.nslots, 1);
	s.lis = calloc(s.nslots, sizeof(*s.lis));
	s.conns = calloc(s.nslots, sizeof(*s.conns));
	s.heap = calloc(s.nslots, sizeof(*s.heap));
	if (s.kind == NULL || s.lis == NULL || s.conns == NULL || s.heap == NULL) {
		r = cs_err_set(e, CS_ENOMEM, "out of memory for %zu descriptors", s.nslots);
		goto out;
	}
	if ((s.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		r = cs_err_set(e, CS_EIO, "epoll_create1: %s", strerror(errno));
		goto out;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((s.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    (size_t)s.sfd >= s.nslots) {
		r = cs_err_set(e, CS_EIO, "signalfd: %s", strerror(errno));
		goto out;
	}
	struct epoll_event sev = {.events = EPOLLIN, .data.fd = s.sfd};
	epoll_ctl(s.ep, EPOLL_CTL_ADD, s.sfd, &sev);
	s.kind[s.sfd] = FD_SIGNAL;
	if ((r = listeners(&s, only, true, &need, e)) != CS_OK)
		goto out;
	s.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	s.start_ms = now_ms();
	s.start_wall = o->epoch != 0 ? o->epoch : time(NULL);

	printf("camsweep-sim: ready: %zu devices, %zu tcp listeners, %zu udp sockets, %s, port "
	       "offset %d\n",
	       sim_estate_count(es), s.nlisten, s.nudp,
	       s.wildcard ? "bound to 0.0.0.0 in a namespace" : "bound per address",
	       o->port_offset);
	fflush(stdout);

	while (!s.stop) {
		struct epoll_event evs[256];
		int timeout = -1;
		uint64_t now = now_ms();
		if (s.nheap > 0)
			timeout = s.heap[0]->deadline <= now
					  ? 0
					  : (int)(s.heap[0]->deadline - now > 60000
							  ? 60000
							  : s.heap[0]->deadline - now);
		int n = epoll_wait(s.ep, evs, (int)CS_ARRAY_SIZE(evs), timeout);
		if (n < 0 && errno != EINTR) {
			r = cs_err_set(e, CS_EIO, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd < 0 || (size_t)fd >= s.nslots)
				continue;
			switch (s.kind[fd]) {
			case FD_LISTEN: on_accept(&s, fd); break;
			case FD_UDP: on_udp(&s, fd); break;
			case FD_SIGNAL: on_signal(&s); break;
			case FD_CONN:
				if (s.conns[fd] != NULL)
					on_conn_event(&s, s.conns[fd], evs[i].events);
				break;
			default: break;
			}
		}
		now = now_ms();
		while (s.nheap > 0 && s.heap[0]->deadline <= now)
			on_timer(&s, s.heap[0], now);
	}
	if (!o->quiet)
		print_stats(&s);
out:
	server_free(&s);
	return r;
}
