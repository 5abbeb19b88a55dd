/*
 * udp.c - the sockets of discovery (see udp.h): one UDP socket per protocol, bound to an
 * ephemeral port, so that a reply's protocol is known from the socket it arrives on and the
 * requests never come from a well-known port (no device mistakes us for one of its own).
 *
 * Multicast stays on the link: TTL 1, sent out of the one interface chosen, and the sockets
 * are bound to that interface (SO_BINDTODEVICE) when the process may do so, so that neither
 * the requests nor the broadcast reach another network.
 */
#include "discover/udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int cs_disc_pick_interface(const char *want, struct cs_disc_iface *out, struct cs_err *err)
{
	struct ifaddrs *list = NULL;
	char names[256] = "";
	size_t nfound = 0, o = 0;
	int r = CS_OK;

	memset(out, 0, sizeof(*out));
	if (want != NULL && (strlen(want) == 0 || strlen(want) >= IF_NAMESIZE))
		return cs_err_set(err, CS_EINVAL, "bad interface name");
	if (getifaddrs(&list) != 0)
		return cs_err_set(err, CS_EIO, "getifaddrs: %s", strerror(errno));
	for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next) {
		if (i->ifa_name == NULL || i->ifa_addr == NULL ||
		    i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP))
			continue;
		if (want != NULL ? strcmp(i->ifa_name, want) != 0 : (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (nfound > 0 && strcmp(out->name, i->ifa_name) == 0)
			continue; /* a second address of the same interface */
		if (nfound == 0) {
			const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
			const struct sockaddr_in *m = (const struct sockaddr_in *)i->ifa_netmask;
			memcpy(out->name, i->ifa_name, strlen(i->ifa_name) + 1);
			out->addr = ntohl(a->sin_addr.s_addr);
			out->mask = m != NULL ? ntohl(m->sin_addr.s_addr) : 0xffffff00u;
		}
		if (o < sizeof(names) - 20)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", o ? ", " : "",
					      i->ifa_name);
		nfound++;
	}
	freeifaddrs(list);
	if (nfound == 0)
		r = want != NULL
			    ? cs_err_set(err, CS_EINVAL,
					 "interface '%s' is not up or has no IPv4 address", want)
			    : cs_err_set(err, CS_EINVAL,
					 "no interface other than loopback is up with an IPv4 "
					 "address; name one with --interface");
	else if (nfound > 1)
		r = cs_err_set(err, CS_EINVAL,
			       "%zu interfaces are up (%s): multicast discovery goes out of one "
			       "interface and stays on its link, so say which with --interface",
			       nfound, names);
	else if ((out->index = (int)if_nametoindex(out->name)) == 0)
		r = cs_err_set(err, CS_EIO, "%s: %s", out->name, strerror(errno));
	return r;
}

/* One socket per protocol, bound to an ephemeral port; on iface when given. */
static int open_sock(const struct cs_disc_iface *iface, bool bcast, struct cs_err *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1, ttl = 1, rcv = 1 << 20;
	struct sockaddr_in sa = {.sin_family = AF_INET};

	if (fd < 0)
		return cs_err_set(err, CS_EIO, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)); /* bursts of replies */
	if (iface != NULL) {
		struct ip_mreqn mr = {.imr_ifindex = iface->index};
		mr.imr_address.s_addr = htonl(iface->addr);
		/* Where the process may, tie the socket to the interface; otherwise the
		 * multicast interface and TTL 1 still keep the requests on the link. */
		if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface->name,
			       (socklen_t)strlen(iface->name)) != 0 &&
		    errno != EPERM) {
			int e = errno;
			close(fd);
			return cs_err_set(err, CS_EIO, "SO_BINDTODEVICE %s: %s", iface->name,
					  strerror(e));
		}
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) != 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) != 0) {
			int e = errno;
			close(fd);
			return cs_err_set(err, CS_EIO, "IP_MULTICAST_IF %s: %s", iface->name,
					  strerror(e));
		}
		if (bcast)
			setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(fd);
		return cs_err_set(err, CS_EIO, "bind: %s", strerror(e));
	}
	return fd;
}

/*
 * Hikvision devices answer a SADP inquiry to the group (239.255.255.250:37020), not to the
 * sender, as public SADP clients show by listening there: a second SADP socket bound to 37020
 * and joined to the group on the interface. Best effort: when the port is held by a tool that
 * did not set SO_REUSEADDR, discovery goes on with the answers that come to the sender.
 */
static int open_group_listener(const struct cs_disc_iface *iface, enum cs_disc_proto p)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(cs_disc_port(p))};
	struct ip_mreqn mr = {.imr_ifindex = iface->index};

	if (fd < 0)
		return -1;
	mr.imr_multiaddr.s_addr = htonl(cs_disc_group(p));
	mr.imr_address.s_addr = htonl(iface->addr);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface->name,
			(socklen_t)strlen(iface->name)) != 0 &&
	     errno != EPERM) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_to(int fd, uint32_t addr, uint16_t port, const char *p, size_t n)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
	to.sin_addr.s_addr = htonl(addr);
	/* A lost datagram is what the repeats are for; a full send buffer is the same. */
	(void)sendto(fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof(to));
}

/* Send every request of proto to addr (dest: the dotted quad for SSDP's HOST header). */
static void send_requests(int fd, enum cs_disc_proto proto, uint32_t addr, const char *dest)
{
	char buf[CS_DISC_REQ_MAX + 64];
	size_t len;
	for (size_t i = 0; i < cs_disc_request_count(proto); i++)
		if (cs_disc_request(proto, i, dest, buf, sizeof(buf), &len) == CS_OK)
			send_to(fd, addr, cs_disc_port(proto), buf, len);
}

struct filter {
	const uint32_t *sorted; /* NULL: accept every sender */
	size_t n;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Read every pending datagram on fd and hand the replies to cb. */
static int drain(int fd, enum cs_disc_proto proto, char *buf, const struct filter *f,
		 cs_udp_reply_fn cb, void *ctx)
{
	for (int k = 0; k < 256; k++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, CS_DISC_REPLY_MAX, MSG_DONTWAIT | MSG_TRUNC,
				     (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return 0; /* EAGAIN, or an ICMP error queued by the kernel: nothing to read */
		}
		if (fl < sizeof(from) || from.sin_family != AF_INET)
			continue;
		struct cs_udp_reply r = {.addr = ntohl(from.sin_addr.s_addr),
					 .port = ntohs(from.sin_port),
					 .proto = proto,
					 .data = buf,
					 .len = (size_t)n > CS_DISC_REPLY_MAX ? CS_DISC_REPLY_MAX
									      : (size_t)n,
					 .trunc = (size_t)n > CS_DISC_REPLY_MAX};
		if (f->sorted != NULL &&
		    bsearch(&r.addr, f->sorted, f->n, sizeof(*f->sorted), cmp_u32) == NULL)
			continue;
		if (!cs_disc_is_reply(proto, r.data, r.len))
			continue;
		int rc = cb(ctx, &r);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Poll the sockets until deadline (or stop), draining each; returns cb's stop value or 0. */
static int collect(const int *fds, int sadp_group, const struct filter *f, char *buf,
		   uint64_t deadline, volatile int *stop, cs_udp_reply_fn cb, void *ctx)
{
	struct pollfd pf[CS_DISC_COUNT + 1];
	enum cs_disc_proto which[CS_DISC_COUNT + 1];
	nfds_t np = 0;

	for (int p = 0; p < CS_DISC_COUNT; p++)
		if (fds[p] >= 0) {
			pf[np].fd = fds[p];
			pf[np].events = POLLIN;
			which[np++] = (enum cs_disc_proto)p;
		}
	if (sadp_group >= 0) {
		pf[np].fd = sadp_group;
		pf[np].events = POLLIN;
		which[np++] = CS_DISC_SADP;
	}
	for (;;) {
		uint64_t now = now_ms();
		if (now >= deadline || (stop != NULL && *stop))
			return 0;
		uint64_t wait = deadline - now;
		int k = poll(pf, np, (int)(wait > 100 ? 100 : wait)); /* 100: notice stop */
		if (k < 0 && errno != EINTR)
			return 0;
		for (nfds_t i = 0; k > 0 && i < np; i++) {
			if (!(pf[i].revents & (POLLIN | POLLERR)))
				continue;
			int rc = drain(pf[i].fd, which[i], buf, f, cb, ctx);
			if (rc != 0)
				return rc;
		}
	}
}

static void close_all(int *fds)
{
	for (int p = 0; p < CS_DISC_COUNT; p++)
		if (fds[p] >= 0)
			close(fds[p]);
}

int cs_disc_multicast(const struct cs_disc_opts *o, cs_udp_reply_fn cb, void *ctx,
		      struct cs_err *err)
{
	int fds[CS_DISC_COUNT];
	char *buf = NULL;
	int r = CS_OK;
	struct filter all = {NULL, 0};
	unsigned repeat = o->repeat > 0 ? o->repeat : 1;
	int sadp_group = -1;

	for (int p = 0; p < CS_DISC_COUNT; p++)
		fds[p] = -1;
	if ((buf = malloc(CS_DISC_REPLY_MAX)) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (int p = 0; p < CS_DISC_COUNT; p++) {
		if (!(o->protos & (1u << p)))
			continue;
		if ((fds[p] = open_sock(o->iface, true, err)) < 0) {
			r = fds[p];
			fds[p] = -1;
			goto out;
		}
	}
	if (fds[CS_DISC_SADP] >= 0)
		sadp_group = open_group_listener(o->iface, CS_DISC_SADP);
	/* Rounds spread over the first half of the timeout, at most 1 s apart. */
	uint64_t start = now_ms(), deadline = start + o->timeout_ms;
	uint64_t gap = repeat > 1 ? (uint64_t)o->timeout_ms / 2 / (repeat - 1) : 0;
	if (gap > 1000)
		gap = 1000;
	for (unsigned round = 0; round < repeat; round++) {
		for (int p = 0; p < CS_DISC_COUNT; p++) {
			if (fds[p] < 0)
				continue;
			send_requests(fds[p], (enum cs_disc_proto)p, cs_disc_group((unsigned)p),
				      NULL);
			/* SADP and DHIP answer broadcast too, and some firmware only that. */
			if (o->broadcast && (p == CS_DISC_SADP || p == CS_DISC_DHIP))
				send_requests(fds[p], (enum cs_disc_proto)p, 0xffffffffu, NULL);
		}
		uint64_t until = round + 1 < repeat ? start + gap * (round + 1) : deadline;
		if ((r = collect(fds, sadp_group, &all, buf, until, o->stop, cb, ctx)) != 0)
			goto out;
		if (o->stop != NULL && *o->stop)
			break;
	}
	r = CS_OK;
out:
	close_all(fds);
	if (sadp_group >= 0)
		close(sadp_group);
	free(buf);
	return r;
}

int cs_udp_probe_hosts(const uint32_t *addrs, size_t n, unsigned protos, unsigned rate,
		       unsigned timeout_ms, volatile int *stop, cs_udp_reply_fn cb, void *ctx,
		       struct cs_err *err)
{
	int fds[CS_DISC_COUNT];
	char *buf = NULL;
	uint32_t *sorted = NULL;
	int r = CS_OK;

	for (int p = 0; p < CS_DISC_COUNT; p++)
		fds[p] = -1;
	if (n == 0)
		return CS_OK;
	if ((buf = malloc(CS_DISC_REPLY_MAX)) == NULL ||
	    (sorted = malloc(n * sizeof(*sorted))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(sorted, addrs, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_u32);
	struct filter f = {sorted, n};
	for (int p = 0; p < CS_DISC_COUNT; p++) {
		if (!(protos & (1u << p)))
			continue;
		if ((fds[p] = open_sock(NULL, false, err)) < 0) {
			r = fds[p];
			fds[p] = -1;
			goto out;
		}
	}
	uint64_t start = now_ms();
	for (size_t i = 0; i < n; i++) {
		char dest[16];
		struct in_addr a = {htonl(addrs[i])};
		inet_ntop(AF_INET, &a, dest, sizeof(dest));
		for (int p = 0; p < CS_DISC_COUNT; p++)
			if (fds[p] >= 0)
				send_requests(fds[p], (enum cs_disc_proto)p, addrs[i], dest);
		/* Pace: address i+1 goes out at start + (i+1)/rate; read replies meanwhile. */
		uint64_t next = rate > 0 ? start + (uint64_t)(i + 1) * 1000u / rate : now_ms();
		if ((r = collect(fds, -1, &f, buf, next, stop, cb, ctx)) != 0)
			goto out;
		if (stop != NULL && *stop)
			goto out;
	}
	r = collect(fds, -1, &f, buf, now_ms() + timeout_ms, stop, cb, ctx);
out:
	close_all(fds);
	free(buf);
	free(sorted);
	return r;
}
