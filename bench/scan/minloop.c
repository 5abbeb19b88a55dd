/*
 * minloop.c - the smallest useful TCP client: this machine's limit for bench/scan.
 *
 * For every address in a file it opens one non-blocking connection, sends one request
 * ("GET / HTTP/1.0", which every HTTP server answers and then closes), reads until EOF and
 * closes; an epoll loop keeps up to CONCURRENCY such connections open. Nothing is parsed,
 * nothing is kept, nothing is retried: whatever camsweep scan does beyond this (several ports
 * and steps per host, politeness, identification) is what the ratio in bench/scan/run prices.
 *
 * With -s PORTS the loop speaks TLS to those ports (e.g. 443,8443): connect, handshake (OpenSSL's
 * default client, no certificate check, no session reuse), send the same request inside TLS,
 * read to EOF, close. That is the least a client must do to ask an HTTPS server one question.
 *
 * usage: bench-minloop [-c CONCURRENCY] [-t TIMEOUT_MS] [-p PORT] [-s TLS-PORTS] [-m MIN_SECONDS]
 *                      FILE
 *
 * FILE has one target per line, "ADDRESS" (port -p, default 80) or "ADDRESS PORT"; blank lines
 * and # comments are skipped. With -m the list is run again, whole, until at least MIN_SECONDS
 * have passed, so that a short list still gives a stable rate. hosts/s counts answered
 * connections (EOF after the reply) per second of the whole run. The last line of output is
 * machine-readable key=value pairs (bench/scan/run reads it).
 *
 * A connection that has not reached EOF TIMEOUT_MS after it started is closed and counted as a
 * timeout (a device that never answers must not stall the measurement for ever).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_EVENTS = 1024,
	READ_BUF = 16 * 1024,
	LINE_MAX_LEN = 256,
	EXPIRE_EVERY_MS = 50, /* how late a timeout may be noticed */
	TLS_PORTS_MAX = 16,
};

static const char request[] = "GET / HTTP/1.0\r\n\r\n";

struct target {
	uint32_t addr; /* network byte order */
	uint16_t port; /* network byte order */
	int tls;       /* speak TLS (-s) */
};

enum conn_state { S_FREE, S_CONNECTING, S_HANDSHAKE, S_SENDING, S_READING };

/* One slot per possible open connection; the epoll cookie is the slot index. */
struct conn {
	int fd;
	enum conn_state state;
	int tls;
	SSL *ssl;
	size_t sent, got;
	uint64_t deadline;
};

struct loop {
	int ep;
	struct conn *conns;
	uint32_t *free_slots;
	size_t nfree, nslots;
	unsigned timeout_ms;
	SSL_CTX *ssl_ctx;
	uint64_t ok, failed, timeouts, bytes, started, handshakes;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* The next blank-separated word of *s, NUL-terminated in place, or NULL at the end. */
static char *next_word(char **s)
{
	char *p = *s + strspn(*s, " \t\r\n"), *end;

	if (*p == '\0')
		return NULL;
	end = p + strcspn(p, " \t\r\n");
	*s = *end != '\0' ? end + 1 : end;
	*end = '\0';
	return p;
}

/* Read "ADDRESS [PORT]" lines. Returns the number of targets, or -1 (message printed). */
static long read_targets(const char *path, uint16_t default_port, const unsigned long *tls_ports,
			 size_t ntls, struct target **out)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN];
	struct target *t = NULL;
	size_t n = 0, cap = 0;
	unsigned lineno = 0;

	if (f == NULL) {
		fprintf(stderr, "bench-minloop: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *hash = strchr(line, '#'), *rest = line, *addr, *port;
		struct in_addr ia;
		unsigned long p = default_port;

		lineno++;
		if (hash != NULL)
			*hash = '\0';
		addr = next_word(&rest);
		if (addr == NULL)
			continue;
		port = next_word(&rest);
		if (inet_pton(AF_INET, addr, &ia) != 1 ||
		    (port != NULL && (parse_ulong(port, 65535, &p) != 0 || p == 0))) {
			fprintf(stderr, "bench-minloop: %s:%u: expected 'ADDRESS [PORT]'\n", path,
				lineno);
			goto fail;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct target *nt = realloc(t, ncap * sizeof(*t));
			if (nt == NULL) {
				fprintf(stderr, "bench-minloop: out of memory\n");
				goto fail;
			}
			t = nt;
			cap = ncap;
		}
		t[n].addr = ia.s_addr;
		t[n].port = htons((uint16_t)p);
		t[n].tls = 0;
		for (size_t i = 0; i < ntls; i++)
			if (tls_ports[i] == p)
				t[n].tls = 1;
		n++;
	}
	fclose(f);
	*out = t;
	return (long)n;
fail:
	fclose(f);
	free(t);
	return -1;
}

static void finish(struct loop *l, uint32_t slot, int outcome)
{
	struct conn *c = &l->conns[slot];

	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	close(c->fd); /* also removes it from the epoll set */
	c->fd = -1;
	c->state = S_FREE;
	l->free_slots[l->nfree++] = slot;
	if (outcome > 0)
		l->ok++;
	else if (outcome == 0)
		l->timeouts++;
	else
		l->failed++;
}

/* Start one connection; failures to start count as failed connections. */
static void start(struct loop *l, const struct target *t)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = t->port};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	uint32_t slot;
	struct conn *c;

	l->started++;
	sa.sin_addr.s_addr = t->addr;
	if (fd < 0) {
		l->failed++;
		return;
	}
	/* The request is one small segment: do not let Nagle hold it back. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		close(fd);
		l->failed++;
		return;
	}
	slot = l->free_slots[--l->nfree];
	c = &l->conns[slot];
	c->fd = fd;
	c->state = S_CONNECTING;
	c->tls = t->tls;
	c->sent = c->got = 0;
	c->deadline = now_ms() + l->timeout_ms;
	struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = slot};
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		finish(l, slot, -1);
		return;
	}
}

static void wait_for(struct loop *l, uint32_t slot, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.u32 = slot};
	epoll_ctl(l->ep, EPOLL_CTL_MOD, l->conns[slot].fd, &ev);
}

/* After an OpenSSL call returned r <= 0: 0 if it only needs the socket ready (epoll told to
 * wait for it), -1 if the connection failed, 1 on a clean EOF. */
static int tls_wait(struct loop *l, uint32_t slot, int r)
{
	switch (SSL_get_error(l->conns[slot].ssl, r)) {
	case SSL_ERROR_WANT_READ: wait_for(l, slot, EPOLLIN); return 0;
	case SSL_ERROR_WANT_WRITE: wait_for(l, slot, EPOLLOUT); return 0;
	case SSL_ERROR_ZERO_RETURN: return 1;
	default: return -1;
	}
}

static ssize_t conn_send(struct conn *c, const char *p, size_t n)
{
	if (c->ssl != NULL)
		return SSL_write(c->ssl, p, (int)n);
	return send(c->fd, p, n, MSG_NOSIGNAL);
}

static ssize_t conn_recv(struct conn *c, char *p, size_t n)
{
	if (c->ssl != NULL)
		return SSL_read(c->ssl, p, (int)n);
	return recv(c->fd, p, n, 0);
}

static void on_event(struct loop *l, uint32_t slot, uint32_t events)
{
	struct conn *c = &l->conns[slot];
	static char buf[READ_BUF];
	int r;

	if (c->state == S_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			finish(l, slot, -1);
			return;
		}
		c->state = S_SENDING;
		if (c->tls) {
			if ((c->ssl = SSL_new(l->ssl_ctx)) == NULL ||
			    SSL_set_fd(c->ssl, c->fd) != 1) {
				finish(l, slot, -1);
				return;
			}
			SSL_set_connect_state(c->ssl);
			c->state = S_HANDSHAKE;
		}
	}
	if (c->state == S_HANDSHAKE) {
		r = SSL_do_handshake(c->ssl);
		if (r != 1) {
			if (tls_wait(l, slot, r) != 0)
				finish(l, slot, -1);
			return;
		}
		l->handshakes++;
		c->state = S_SENDING;
	}
	if (c->state == S_SENDING) {
		while (c->sent < sizeof(request) - 1) {
			ssize_t n = conn_send(c, request + c->sent, sizeof(request) - 1 - c->sent);
			if (n <= 0 && c->ssl != NULL) {
				if (tls_wait(l, slot, (int)n) != 0)
					finish(l, slot, -1);
				return;
			}
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n < 0) {
				finish(l, slot, -1);
				return;
			}
			c->sent += (size_t)n;
		}
		c->state = S_READING;
		wait_for(l, slot, EPOLLIN | EPOLLRDHUP);
		return;
	}
	if (c->state == S_READING) {
		for (;;) {
			ssize_t n = conn_recv(c, buf, sizeof(buf));
			if (n > 0) {
				l->bytes += (uint64_t)n;
				c->got += (size_t)n;
				continue;
			}
			if (c->ssl != NULL) {
				/* A close_notify, or an EOF or reset after the reply, ends it. */
				r = tls_wait(l, slot, (int)n);
				if (r == 0)
					return;
				finish(l, slot, r == 1 || c->got > 0 ? 1 : -1);
				return;
			}
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			/* EOF is the answer's end; a reset after some bytes still answered. */
			finish(l, slot, n == 0 ? 1 : -1);
			return;
		}
	}
	(void)events;
}

/* Close what is past its deadline. A scan of every slot, a few times a second, costs less than
 * keeping a timer structure up to date on every connection. */
static void expire(struct loop *l, uint64_t t)
{
	for (size_t i = 0; i < l->nslots; i++)
		if (l->conns[i].state != S_FREE && l->conns[i].deadline <= t)
			finish(l, (uint32_t)i, 0);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-minloop [-c CONCURRENCY] [-t TIMEOUT_MS] [-p PORT] "
			"[-s TLS-PORTS] [-m MIN_SECONDS] FILE\n");
}

int main(int argc, char **argv)
{
	unsigned long concurrency = 1024, timeout_ms = 1500, port = 80, min_s = 0, v;
	struct epoll_event events[MAX_EVENTS];
	struct target *targets = NULL;
	struct loop l;
	struct rlimit rl;
	long ntargets;
	unsigned rounds = 0;
	unsigned long tls_ports[TLS_PORTS_MAX];
	size_t ntls = 0;
	int opt, rc = 1;

	while ((opt = getopt(argc, argv, "c:t:p:s:m:h")) != -1) {
		unsigned long max = opt == 'c' ? 1000000 : opt == 'p' ? 65535 : 3600000;
		if (opt == 's') {
			char *list = optarg, *w;
			while ((w = strsep(&list, ",")) != NULL) {
				if (ntls == TLS_PORTS_MAX || parse_ulong(w, 65535, &v) != 0 ||
				    v == 0) {
					usage();
					return 2;
				}
				tls_ports[ntls++] = v;
			}
			continue;
		}
		if (opt == 'h' || opt == '?' || parse_ulong(optarg, max, &v) != 0 || v == 0) {
			usage();
			return 2;
		}
		if (opt == 'c')
			concurrency = v;
		else if (opt == 't')
			timeout_ms = v;
		else if (opt == 'p')
			port = v;
		else
			min_s = v;
	}
	if (optind != argc - 1) {
		usage();
		return 2;
	}
	if ((ntargets = read_targets(argv[optind], (uint16_t)port, tls_ports, ntls, &targets)) < 0)
		return 1;
	if (ntargets == 0) {
		fprintf(stderr, "bench-minloop: %s holds no targets\n", argv[optind]);
		return 1;
	}
	/* As many descriptors as the process may have, less a margin for stdio and epoll. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur != RLIM_INFINITY && concurrency + 16 > rl.rlim_cur)
			concurrency = rl.rlim_cur > 32 ? rl.rlim_cur - 16 : 16;
	}

	memset(&l, 0, sizeof(l));
	l.ep = -1;
	l.nslots = concurrency;
	l.timeout_ms = (unsigned)timeout_ms;
	l.conns = calloc(l.nslots, sizeof(*l.conns));
	if (ntls > 0 && (l.ssl_ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		fprintf(stderr, "bench-minloop: cannot set up TLS\n");
		goto out;
	}
	if (l.ssl_ctx != NULL)
		SSL_CTX_set_verify(l.ssl_ctx, SSL_VERIFY_NONE, NULL);
	l.free_slots = calloc(l.nslots, sizeof(*l.free_slots));
	if (l.conns == NULL || l.free_slots == NULL || (l.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		fprintf(stderr, "bench-minloop: cannot set up: %s\n", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < l.nslots; i++) {
		l.conns[i].fd = -1;
		l.free_slots[l.nfree++] = (uint32_t)(l.nslots - 1 - i);
	}

	double t0 = now_s();
	uint64_t next_expire = now_ms() + EXPIRE_EVERY_MS;
	size_t next = 0;
	for (;;) {
		while (l.nfree > 0) {
			if (next == (size_t)ntargets) {
				/* A round is done; another one only while under MIN_SECONDS. */
				if (now_s() - t0 >= (double)min_s)
					break;
				next = 0;
				rounds++;
			}
			start(&l, &targets[next++]);
		}
		if (l.nfree == l.nslots && next == (size_t)ntargets)
			break;
		int nev = epoll_wait(l.ep, events, MAX_EVENTS, EXPIRE_EVERY_MS);
		if (nev < 0 && errno != EINTR) {
			fprintf(stderr, "bench-minloop: epoll_wait: %s\n", strerror(errno));
			goto out;
		}
		for (int i = 0; i < nev; i++)
			on_event(&l, events[i].data.u32, events[i].events);
		uint64_t t = now_ms();
		if (t >= next_expire) {
			expire(&l, t);
			next_expire = t + EXPIRE_EVERY_MS;
		}
	}
	double secs = now_s() - t0;
	uint64_t done = l.ok + l.failed + l.timeouts;
	double rate = secs > 0 ? (double)l.ok / secs : 0.0;
	printf("bench-minloop: %llu connections to %ld targets (%u rounds) in %.3f s: %llu "
	       "answered "
	       "(%.0f hosts/s), %llu failed, %llu timed out; %llu bytes read\n",
	       (unsigned long long)done, ntargets, rounds + 1, secs, (unsigned long long)l.ok, rate,
	       (unsigned long long)l.failed, (unsigned long long)l.timeouts,
	       (unsigned long long)l.bytes);
	printf("minloop targets=%ld rounds=%u connections=%llu ok=%llu failed=%llu timeouts=%llu "
	       "bytes=%llu seconds=%.3f hosts_per_s=%.1f conns_per_s=%.1f concurrency=%zu "
	       "handshakes=%llu\n",
	       ntargets, rounds + 1, (unsigned long long)done, (unsigned long long)l.ok,
	       (unsigned long long)l.failed, (unsigned long long)l.timeouts,
	       (unsigned long long)l.bytes, secs, rate, secs > 0 ? (double)done / secs : 0.0,
	       l.nslots, (unsigned long long)l.handshakes);
	rc = 0;
out:
	if (l.ep >= 0)
		close(l.ep);
	if (l.conns != NULL)
		for (size_t i = 0; i < l.nslots; i++)
			SSL_free(l.conns[i].ssl);
	SSL_CTX_free(l.ssl_ctx);
	free(l.conns);
	free(l.free_slots);
	free(targets);
	return rc;
}
