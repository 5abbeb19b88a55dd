/*
 * mcast.c - camsweep-sim --mcast-if IF: the estate's devices answering discovery the way they
 * do on a real link, by multicast and broadcast as well as unicast, on one virtual interface
 * inside a network namespace (docs/sim.md, "Multicast discovery").
 *
 * The devices are the addresses of IF: an address whose host part is h plays the estate's
 * device at 127.0.0.h (so "ip addr add 192.0.2.10/24 dev veth1" puts the device of 127.0.0.10
 * on the link, and its replies come from 192.0.2.10 and carry that address). One socket per
 * discovery port, bound to IF, joined to the port's group on IF:
 *
 *   3702  WS-Discovery   239.255.255.250   the persona's ProbeMatches (personas.c)
 *   37020 SADP           239.255.255.250   the persona's inquiry reply (personas.c)
 *   37810 DHIP           239.255.255.251   the persona's client.notifyDevInfo (personas.c)
 *   1900  SSDP           239.255.255.250   Hikvision and Dahua personas (below)
 *   5353  mDNS           224.0.0.251       Axis (Bonjour) and Hikvision (_CGI._tcp) personas
 *   TCP 80 (no group)                        the persona's HTTP routes, for XAddr follow-ups
 *   TCP 49152                                Hikvision, Dahua: the UPnP description (LOCATION)
 *
 * A datagram to a group or a broadcast address is answered by every device that speaks the
 * protocol, to a device address by that device; answers go unicast to the sender, except SADP,
 * which Hikvision devices send to the group 239.255.255.250:37020 (public SADP clients listen
 * there for them: cameronnewman/hikvision-tooling, and the Node clients that bind 37020 with
 * reuseAddr; UNVERIFIED against a capture). Only senders
 * inside IF's own subnets are answered, IF's addresses must be in the documentation ranges, and
 * the server refuses a namespace with a default route or a hardware-backed interface: it never
 * talks to a real network.
 */
#include "sim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_DEVS = 64, NPORTS = 5 };

static const struct {
	uint16_t port;
	const char *group;
} mports[NPORTS] = {
	{3702, "239.255.255.250"}, {37020, "239.255.255.250"}, {37810, "239.255.255.251"},
	{1900, "239.255.255.250"}, {5353, "224.0.0.251"},
};

struct mdev {
	uint32_t addr, mask; /* on IF, host byte order */
	const struct sim_persona *p;
	struct sim_device d;
};

static volatile sig_atomic_t mstop;

static void on_term(int sig)
{
	(void)sig;
	mstop = 1;
}

/*
 * SSDP search responses. UNVERIFIED: no capture of a Hikvision or Dahua M-SEARCH answer is in
 * the reference; the shape is libupnp's (the "Portable SDK for UPnP devices" both firmwares
 * embed, with the Linux kernel version of their SoCs), the USN the device UUID.
 */
#define SSDP_REPLY(SERVER)                                                                         \
	"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"                               \
	"LOCATION: http://{ip}:49152/rootDesc.xml\r\nSERVER: " SERVER "\r\n"                       \
	"ST: upnp:rootdevice\r\nUSN: uuid:{uuid}::upnp:rootdevice\r\n\r\n"
static const char ssdp_hik[] =
	SSDP_REPLY("Linux/3.10.0, UPnP/1.0, Portable SDK for UPnP devices/1.6.18");
static const char ssdp_dahua[] =
	SSDP_REPLY("Linux/4.9.0, UPnP/1.0, Portable SDK for UPnP devices/1.6.19");

static bool is_maker(const struct sim_persona *p, const char *maker)
{
	return strcmp(p->maker, maker) == 0 && strcmp(p->type, "hostile") != 0;
}

/* The hostile personas that misbehave on every discovery port too (hostile_answer). */
static int hostile_kind(const struct sim_persona *p)
{
	static const char *const names[] = {"garbage", "lying-length", "script-in-title"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++)
		if (strcmp(p->name, names[i]) == 0)
			return (int)i + 1;
	return 0;
}

static bool speaks(const struct sim_persona *p, uint16_t port)
{
	if (hostile_kind(p) != 0)
		return true;
	switch (port) {
	case 1900: return is_maker(p, "Hikvision") || is_maker(p, "Dahua");
	case 5353: return is_maker(p, "Axis") || is_maker(p, "Hikvision");
	default: return sim_persona_service(p, 1, port) != NULL;
	}
}

/* ---- the safety checks ---- */

static bool virtual_if(const char *name)
{
	char path[64 + IF_NAMESIZE];
	struct stat sb;
	snprintf(path, sizeof(path), "/sys/class/net/%s/device", name);
	return stat(path, &sb) != 0; /* only hardware-backed interfaces have a device link */
}

/* Documentation ranges (RFC 5737): never routed, so never a real network. */
static bool test_net(uint32_t a)
{
	return (a >> 8) == 0xc00002u || (a >> 8) == 0xc63364u || (a >> 8) == 0xcb0071u;
}

/* Is there a default route in this namespace? (/proc/net/route is per namespace.) */
static bool default_route(void)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/net/route", "r");
	if (f == NULL)
		return true; /* cannot tell: assume the worst */
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t');
		if (tab != NULL && strncmp(tab + 1, "00000000\t", 9) == 0)
			found = true;
	}
	fclose(f);
	return found;
}

/*
 * The namespace check. /proc/1/ns/net is not readable in every sandbox, so what is checked is
 * what matters: every interface but lo is virtual (no hardware device behind it), there is no
 * default route, and IF's addresses are all in the documentation ranges 192.0.2.0/24,
 * 198.51.100.0/24 and 203.0.113.0/24, which no network routes. Since only peers inside IF's
 * subnets are answered, no answer can reach a real network.
 */
static int safety(const char *ifname, struct cs_err *e)
{
	struct ifaddrs *list = NULL;
	int r = CS_OK;

	if (getifaddrs(&list) != 0)
		return cs_err_set(e, CS_EIO, "getifaddrs: %s", strerror(errno));
	for (struct ifaddrs *i = list; i != NULL && r == CS_OK; i = i->ifa_next) {
		if (i->ifa_name == NULL || strcmp(i->ifa_name, "lo") == 0)
			continue;
		if (!virtual_if(i->ifa_name))
			r = cs_err_set(e, CS_EINVAL,
				       "interface '%s' is backed by hardware: --mcast-if only runs "
				       "in a namespace of virtual interfaces (veth)",
				       i->ifa_name);
		else if (strcmp(i->ifa_name, ifname) == 0 && i->ifa_addr != NULL &&
			 i->ifa_addr->sa_family == AF_INET &&
			 !test_net(
				 ntohl(((const struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr)))
			r = cs_err_set(
				e, CS_EINVAL,
				"%s has an address outside 192.0.2.0/24, 198.51.100.0/24 and "
				"203.0.113.0/24: --mcast-if only serves documentation ranges",
				ifname);
	}
	freeifaddrs(list);
	if (r == CS_OK && default_route())
		r = cs_err_set(e, CS_EINVAL,
			       "this namespace has a default route: --mcast-if only runs in a "
			       "namespace of its own (ip netns, unshare -n) with no way out");
	if (r == CS_OK && if_nametoindex(ifname) == 0)
		r = cs_err_set(e, CS_EINVAL, "no interface '%s'", ifname);
	return r;
}

/* ---- mDNS ---- */

static int put_name(struct cs_buf *b, const char *dotted)
{
	int r = CS_OK;
	while (*dotted != '\0' && r == CS_OK) {
		const char *dot = strchr(dotted, '.');
		size_t l = dot != NULL ? (size_t)(dot - dotted) : strlen(dotted);
		if (l > 63)
			l = 63;
		if ((r = cs_buf_putc(b, (char)l)) == CS_OK)
			r = cs_buf_append(b, dotted, l);
		dotted += (dot != NULL ? (size_t)(dot - dotted) + 1 : strlen(dotted));
	}
	return r == CS_OK ? cs_buf_putc(b, 0) : r;
}

static int put_rr(struct cs_buf *b, const char *name, unsigned type, bool flush, const void *rdata,
		  size_t rdlen)
{
	unsigned char h[10] = {(unsigned char)(type >> 8),
			       (unsigned char)type,
			       flush ? 0x80 : 0,
			       1, /* class IN, cache-flush */
			       0,
			       0,
			       0x11,
			       0x94, /* TTL 4500 */
			       (unsigned char)(rdlen >> 8),
			       (unsigned char)rdlen};
	int r = put_name(b, name);
	if (r == CS_OK)
		r = cs_buf_append(b, h, sizeof(h));
	return r == CS_OK ? cs_buf_append(b, rdata, rdlen) : r;
}

/* A name's wire form, for rdata. */
static size_t name_wire(const char *dotted, unsigned char *out, size_t cap)
{
	struct cs_buf b;
	size_t n = 0;
	cs_buf_init(&b, cap);
	if (put_name(&b, dotted) == CS_OK) {
		memcpy(out, b.data, b.len);
		n = b.len;
	}
	cs_buf_free(&b);
	return n;
}

/* Does the query ask for svc (a PTR question, any case)? Reads only q[0..n). */
static bool asks_for(const unsigned char *q, size_t n, const char *svc)
{
	if (n < 12 || (q[2] & 0x80))
		return false;
	unsigned qd = (unsigned)(q[4] << 8 | q[5]);
	size_t off = 12;
	char name[256];
	for (unsigned i = 0; i < qd && i < 64; i++) {
		size_t o = 0;
		for (;;) {
			if (off >= n)
				return false;
			unsigned l = q[off];
			if (l == 0) {
				off++;
				break;
			}
			if (l > 63 || off + 1 + l > n)
				return false; /* compression in a query: not ours to unravel */
			if (o + l + 2 < sizeof(name)) {
				if (o > 0)
					name[o++] = '.';
				memcpy(name + o, q + off + 1, l);
				o += l;
			}
			off += 1 + l;
		}
		name[o] = '\0';
		if (off + 4 > n)
			return false;
		off += 4;
		if (strcasecmp(name, svc) == 0)
			return true;
	}
	return false;
}

/*
 * Axis (UNVERIFIED in detail; the shape of Axis's Bonjour announcements as Avahi/dns-sd show
 * them): instance "AXIS <model> - <MAC>", host axis-<mac>.local, TXT macaddress=<MAC>.
 * Hikvision: _CGI._tcp.local, instance "HIKVISION <model> - <serial digits>", the A record's
 * host name the full serial (fingerprinting-signals.md 1.6, 128keaton/hikvision-mdns).
 */
static int mdns_answer(const struct mdev *m, const unsigned char *q, size_t n, struct cs_buf *out)
{
	const struct sim_device *d = &m->d;
	static const char *const axis_svcs[] = {"_axis-video._tcp.local", "_http._tcp.local"};
	const char *svc = NULL;
	char inst[256], host[128], txt[64], machex[13];
	unsigned char rd[300];
	int r;

	snprintf(machex, sizeof(machex), "%02X%02X%02X%02X%02X%02X", d->mac[0], d->mac[1],
		 d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
	if (is_maker(m->p, "Axis")) {
		for (size_t i = 0; i < CS_ARRAY_SIZE(axis_svcs) && svc == NULL; i++)
			if (asks_for(q, n, axis_svcs[i]))
				svc = axis_svcs[i];
		if (svc == NULL)
			return 0;
		snprintf(inst, sizeof(inst), "AXIS %s - %s.%s", d->model, machex, svc);
		snprintf(host, sizeof(host), "axis-%02x%02x%02x%02x%02x%02x.local", d->mac[0],
			 d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
		snprintf(txt + 1, sizeof(txt) - 1, "macaddress=%s", machex);
	} else {
		svc = "_CGI._tcp.local";
		if (!asks_for(q, n, svc))
			return 0;
		size_t sl = strlen(d->serial);
		snprintf(inst, sizeof(inst), "HIKVISION %s - %s.%s", d->model,
			 sl > 9 ? d->serial + sl - 9 : d->serial, svc);
		snprintf(host, sizeof(host), "%s.local", d->serial);
		snprintf(txt + 1, sizeof(txt) - 1, "path=/");
	}
	txt[0] = (char)strlen(txt + 1);
	unsigned char hdr[12] = {0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 3}; /* 1 answer, 3 extra */
	memcpy(hdr, q, 2);						 /* echo the id */
	size_t rl = name_wire(inst, rd, sizeof(rd));
	if ((r = cs_buf_append(out, hdr, sizeof(hdr))) != CS_OK ||
	    (r = put_rr(out, svc, 12, false, rd, rl)) != CS_OK)
		return 0;
	unsigned char srv[300] = {0, 0, 0, 0, 0, 80};
	size_t hl = name_wire(host, srv + 6, sizeof(srv) - 6);
	unsigned char a4[4] = {(unsigned char)(m->addr >> 24), (unsigned char)(m->addr >> 16),
			       (unsigned char)(m->addr >> 8), (unsigned char)m->addr};
	if (put_rr(out, inst, 33, true, srv, 6 + hl) != CS_OK ||
	    put_rr(out, inst, 16, true, txt, (size_t)txt[0] + 1) != CS_OK ||
	    put_rr(out, host, 1, true, a4, 4) != CS_OK)
		return 0;
	return 1;
}

/* ---- hostile answers ---- */

/*
 * What a broken or malicious device on the link might send back to a discovery request:
 *   garbage          random bytes, and on every fourth request the largest UDP datagram
 *   lying-length     each protocol's framing with lengths and counts that lie: a DHIP header
 *                    claiming 1 GB, a DNS answer count of 65535 with a compression loop, a
 *                    WS-Discovery reply nested 10,000 deep, an SSDP header of 60 KB, a SADP
 *                    reply cut mid-element with invalid UTF-8
 *   script-in-title  well-formed answers whose strings carry ANSI escapes and markup
 */
static int hostile_answer(const struct mdev *m, uint16_t port, const char *in, size_t n,
			  struct cs_buf *out, uint64_t nonce)
{
	uint64_t x = sim_mix64(nonce ^ m->d.h);
	int r = CS_OK;
	switch (hostile_kind(m->p)) {
	case 1: {
		size_t len = nonce % 4 == 0 ? 65507 : 1 + (size_t)(x % 4000);
		for (size_t i = 0; i < len && r == CS_OK; i++) {
			if (i % 8 == 0)
				x = sim_mix64(x + i);
			r = cs_buf_putc(out, (char)(x >> (8 * (i % 8))));
		}
		break;
	}
	case 2:
		switch (port) {
		case 37810:
			r = cs_buf_append(out,
					  "\x20\0\0\0DHIP\0\0\0\0\0\0\0\0\0\0\0\x40\0\0\0\0"
					  "\0\0\0\x40\0\0\0\0{\"mac\":\"00:",
					  40);
			break;
		case 5353: {
			unsigned char dns[] = {in[0], in[1], 0x84, 0,	 0,  0, 0xff, 0xff, 0,
					       0,     0,     0,	   0xc0, 12, 0, 12,   0,    1,
					       0,     0,     0,	   10,	 0,  2, 0xc0, 24};
			if (n < 2)
				return 0;
			r = cs_buf_append(out, dns, sizeof(dns));
			break;
		}
		case 3702:
			r = cs_buf_puts(out, "<?xml version=\"1.0\"?><ProbeMatches>");
			for (int i = 0; i < 10000 && r == CS_OK; i++)
				r = cs_buf_puts(out, "<a>");
			break;
		case 1900:
			r = cs_buf_puts(out, "HTTP/1.1 200 OK\r\nSERVER: ");
			for (int i = 0; i < 60000 && r == CS_OK; i++)
				r = cs_buf_putc(out, 'A');
			break;
		default:
			r = cs_buf_puts(out, "<ProbeMatch><DeviceSN>DS-\xff\xfe\xc0\x80"
					     "</DeviceSN><DeviceDescription>cut mid");
			break;
		}
		break;
	default: {
		/* A real device's answer with hostile strings: SADP and SSDP shapes are enough. */
		static const char evil[] = "\x1b]0;owned\x07\x1b[31m<script>alert(1)</script>";
		if (port == 37020)
			r = cs_buf_printf(
				out,
				"<ProbeMatch><Types>inquiry</Types><DeviceDescription>%s"
				"</DeviceDescription><DeviceSN>%s</DeviceSN></ProbeMatch>",
				"&lt;script&gt;\xe2\x80\xae",
				"EVIL\xc2\x9b"
				"31m");
		else if (port == 1900)
			r = cs_buf_printf(out,
					  "HTTP/1.1 200 OK\r\nSERVER: %s\r\nST: upnp:rootdevice\r\n"
					  "USN: uuid:%s\r\n\r\n",
					  evil, evil);
		else
			return 0;
		break;
	}
	}
	return r == CS_OK || r == CS_ETOOBIG ? 1 : 0;
}

/* ---- serving ---- */

static int answer(const struct mdev *m, uint16_t port, const char *in, size_t n, struct cs_buf *out,
		  uint64_t nonce)
{
	struct sim_ctx x;
	memset(&x, 0, sizeof(x));
	x.dev = &m->d;
	x.now = time(NULL);
	x.nonce = nonce;
	if (hostile_kind(m->p) != 0)
		return hostile_answer(m, port, in, n, out, nonce);
	if (port == 1900) {
		/* Only an M-SEARCH for everything or for root devices is answered. */
		struct cs_sv s = cs_sv_make(in, n);
		if (n < 9 || memcmp(in, "M-SEARCH ", 9) != 0 ||
		    (cs_sv_ifind(s, CS_SV("ssdp:all")) < 0 &&
		     cs_sv_ifind(s, CS_SV("upnp:rootdevice")) < 0))
			return 0;
		return sim_expand(out, is_maker(m->p, "Dahua") ? ssdp_dahua : ssdp_hik, &x, 0) ==
				       CS_OK
			       ? 1
			       : 0;
	}
	if (port == 5353)
		return mdns_answer(m, (const unsigned char *)in, n, out);
	const struct sim_service *svc = sim_persona_service(m->p, 1, port);
	return svc != NULL ? sim_proto_udp(svc, &x, in, n, out) : 0;
}

static int load_devices(const char *ifname, const struct sim_estate *es, uint64_t seed,
			struct mdev *devs, size_t *ndevs, struct cs_err *e)
{
	struct ifaddrs *list = NULL;
	*ndevs = 0;
	if (getifaddrs(&list) != 0)
		return cs_err_set(e, CS_EIO, "getifaddrs: %s", strerror(errno));
	for (struct ifaddrs *i = list; i != NULL && *ndevs < MAX_DEVS; i = i->ifa_next) {
		if (i->ifa_name == NULL || strcmp(i->ifa_name, ifname) != 0 ||
		    i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    i->ifa_netmask == NULL)
			continue;
		uint32_t a = ntohl(((const struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		uint32_t mask =
			ntohl(((const struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		uint32_t est = 0x7f000000u | (a & ~mask & 0xffffffu);
		const struct sim_persona *p = sim_estate_lookup(es, est);
		if (p == NULL)
			continue;
		struct mdev *m = &devs[(*ndevs)++];
		m->addr = a;
		m->mask = mask;
		m->p = p;
		sim_device_init(&m->d, est, p, seed);
		sim_format_ipv4(a, m->d.ip); /* the device shows the address it answers from */
	}
	freeifaddrs(list);
	if (*ndevs == 0)
		return cs_err_set(e, CS_EINVAL,
				  "no address of %s plays an estate device (an address with host "
				  "part h plays the device at 127.0.0.h)",
				  ifname);
	return CS_OK;
}

static int open_port(const char *ifname, int ifindex, uint32_t ifaddr, size_t k, struct cs_err *e)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(mports[k].port)};
	struct ip_mreqn mr = {.imr_ifindex = ifindex};

	if (fd < 0)
		return cs_err_set(e, CS_EIO, "socket: %s", strerror(errno));
	mr.imr_address.s_addr = htonl(ifaddr);
	inet_pton(AF_INET, mports[k].group, &mr.imr_multiaddr);
	int zero = 0;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0) {
		int err = errno;
		close(fd);
		return cs_err_set(e, CS_EIO, "udp port %u on %s: %s", mports[k].port, ifname,
				  strerror(err));
	}
	return fd;
}

static void serve_one(int fd, uint16_t port, const struct mdev *devs, size_t ndevs,
		      const struct sim_opts *o, uint64_t *nonce)
{
	char buf[SIM_REQ_CAP], cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct sockaddr_in peer;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {.msg_name = &peer,
			   .msg_namelen = sizeof(peer),
			   .msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = cbuf,
			   .msg_controllen = sizeof(cbuf)};
	ssize_t k = recvmsg(fd, &m, MSG_DONTWAIT);
	struct cs_buf out;

	if (k <= 0 || (m.msg_flags & MSG_TRUNC) || peer.sin_family != AF_INET || peer.sin_port == 0)
		return;
	uint32_t paddr = ntohl(peer.sin_addr.s_addr), dst = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm != NULL; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			dst = ntohl(pi.ipi_addr.s_addr);
		}
	cs_buf_init(&out, SIM_RESP_CAP);
	for (size_t i = 0; i < ndevs; i++) {
		const struct mdev *d = &devs[i];
		/* Only peers on the device's own subnet; our own datagrams are not requests. */
		if ((paddr & d->mask) != (d->addr & d->mask) || paddr == d->addr)
			continue;
		bool group = (dst >> 28) == 0xe,
		     bcast = dst == 0xffffffffu || dst == (d->addr | ~d->mask);
		if (!group && !bcast && dst != d->addr)
			continue;
		if (!speaks(d->p, port))
			continue;
		cs_buf_reset(&out);
		if (answer(d, port, buf, (size_t)k, &out, ++*nonce) != 1 || out.len == 0)
			continue;
		char ocbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct iovec oiov = {out.data, out.len};
		struct sockaddr_in to = peer;
		if (port == 37020) {
			to.sin_port = htons(37020);
			inet_pton(AF_INET, "239.255.255.250", &to.sin_addr);
		}
		struct msghdr om = {.msg_name = &to,
				    .msg_namelen = sizeof(to),
				    .msg_iov = &oiov,
				    .msg_iovlen = 1,
				    .msg_control = ocbuf,
				    .msg_controllen = sizeof(ocbuf)};
		memset(ocbuf, 0, sizeof(ocbuf));
		struct cmsghdr *cm = CMSG_FIRSTHDR(&om);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		struct in_pktinfo opi;
		memset(&opi, 0, sizeof(opi));
		opi.ipi_spec_dst.s_addr = htonl(d->addr); /* answer from the device's address */
		memcpy(CMSG_DATA(cm), &opi, sizeof(opi));
		(void)sendmsg(fd, &om, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (o->log) {
			char pa[16];
			sim_format_ipv4(paddr, pa);
			fprintf(stderr, "%s:%u -> %s:%u/udp (%s) %s %zu bytes\n", pa,
				ntohs(peer.sin_port), d->d.ip, port,
				group	? "multicast"
				: bcast ? "broadcast"
					: "unicast",
				d->p->name, out.len);
		}
	}
	cs_buf_free(&out);
}

/*
 * The UPnP device description behind SSDP's LOCATION (port 49152). UNVERIFIED: the shape is
 * the UPnP Device Architecture 1.0 template libupnp devices serve; the values are the
 * persona's (the label, when there is one, is what relabelled firmware shows).
 */
static int upnp_description(const struct mdev *m, struct cs_buf *out)
{
	const struct sim_device *d = &m->d;
	const char *maker = strcmp(m->p->label, "-") != 0 ? m->p->label : m->p->maker;
	struct cs_buf body;
	int r;
	cs_buf_init(&body, 8192);
	r = cs_buf_printf(
		&body,
		"<?xml version=\"1.0\"?>\r\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\">"
		"<specVersion><major>1</major><minor>0</minor></specVersion><device>"
		"<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>"
		"<friendlyName>%s - %s</friendlyName><manufacturer>%s</manufacturer>"
		"<modelDescription>IP Camera</modelDescription><modelName>%s</modelName>"
		"<modelNumber>%s</modelNumber><serialNumber>%s</serialNumber>"
		"<UDN>uuid:%s</UDN></device></root>\r\n",
		d->model, d->serial, maker, d->model, d->model, d->serial, d->uuid);
	if (r == CS_OK)
		r = cs_buf_printf(out,
				  "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: "
				  "%zu\r\nConnection: close\r\n\r\n",
				  body.len);
	if (r == CS_OK)
		r = cs_buf_append(out, body.data, body.len);
	cs_buf_free(&body);
	return r;
}

/*
 * TCP 80 and 49152: what a client that follows a ProbeMatch's XAddrs or an SSDP LOCATION
 * reaches (camsweep discover --fetch). One connection at a time, each bounded by a second:
 * enough for tests, not a web server.
 */
static int open_http(const char *ifname, uint16_t port, struct cs_err *e)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (fd < 0)
		return cs_err_set(e, CS_EIO, "socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 64) != 0) {
		int err = errno;
		close(fd);
		return cs_err_set(e, CS_EIO, "tcp port %u on %s: %s", port, ifname, strerror(err));
	}
	return fd;
}

static void serve_http(int lfd, const struct mdev *devs, size_t ndevs, const struct sim_opts *o,
		       uint64_t *nonce)
{
	struct sockaddr_in peer, local;
	socklen_t pl = sizeof(peer), ll = sizeof(local);
	int fd = accept4(lfd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
	const struct mdev *m = NULL;
	char *in = NULL;
	struct cs_buf out;

	cs_buf_init(&out, SIM_RESP_CAP);
	if (fd < 0)
		goto done;
	if (getsockname(fd, (struct sockaddr *)&local, &ll) != 0)
		goto done;
	uint32_t paddr = ntohl(peer.sin_addr.s_addr), laddr = ntohl(local.sin_addr.s_addr);
	for (size_t i = 0; i < ndevs; i++)
		if (devs[i].addr == laddr && (paddr & devs[i].mask) == (laddr & devs[i].mask))
			m = &devs[i];
	if (m == NULL || hostile_kind(m->p) != 0)
		goto done;
	bool upnp = ntohs(local.sin_port) == 49152;
	const struct sim_service *svc = upnp ? NULL : sim_persona_service(m->p, 0, 80);
	if ((upnp ? !speaks(m->p, 1900) : svc == NULL) || (in = malloc(SIM_REQ_CAP)) == NULL)
		goto done;
	size_t n = 0;
	struct sim_ctx x;
	struct sim_answer a;
	memset(&x, 0, sizeof(x));
	x.dev = &m->d;
	x.now = time(NULL);
	x.nonce = ++*nonce;
	for (int waited = 0; waited < 10 && n < SIM_REQ_CAP;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 100) <= 0) {
			waited++;
			continue;
		}
		ssize_t k = recv(fd, in + n, SIM_REQ_CAP - n, 0);
		if (k <= 0)
			break;
		n += (size_t)k;
		memset(&a, 0, sizeof(a));
		cs_buf_reset(&out);
		int r;
		if (upnp) {
			/* Any GET once the head is complete: the description. */
			if (cs_sv_find(cs_sv_make(in, n), CS_SV("\r\n\r\n")) < 0)
				continue;
			r = n > 4 && memcmp(in, "GET ", 4) == 0 &&
					    upnp_description(m, &out) == CS_OK
				    ? 1
				    : -1;
			snprintf(a.method, sizeof(a.method), "GET");
			snprintf(a.path, sizeof(a.path), "(description)");
			a.status = 200;
		} else {
			r = sim_proto_tcp(svc, &x, in, n, &out, &a);
		}
		if (r < 0)
			break;
		if (r == 1) {
			for (size_t sent = 0; sent < out.len;) {
				ssize_t w = send(fd, out.data + sent, out.len - sent, MSG_NOSIGNAL);
				if (w <= 0)
					break;
				sent += (size_t)w;
			}
			if (o->log)
				fprintf(stderr, "%s %s -> %s:%u/tcp %s %d\n", a.method, a.path,
					m->d.ip, ntohs(local.sin_port), m->p->name, a.status);
			break;
		}
	}
done:
	if (fd >= 0)
		close(fd);
	free(in);
	cs_buf_free(&out);
}

int sim_mcast_serve(const struct sim_opts *o, const struct sim_estate *es, struct cs_err *e)
{
	struct mdev *devs = NULL;
	struct pollfd pf[NPORTS + 2];
	uint16_t pport[NPORTS + 2];
	size_t ndevs = 0, np = 0;
	uint64_t nonce = 0;
	int r;

	for (size_t k = 0; k < NPORTS + 2; k++)
		pf[k].fd = -1;
	if ((r = safety(o->mcast_if, e)) != CS_OK)
		return r;
	if ((devs = calloc(MAX_DEVS, sizeof(*devs))) == NULL)
		return cs_err_set(e, CS_ENOMEM, "out of memory");
	if ((r = load_devices(o->mcast_if, es, o->seed, devs, &ndevs, e)) != CS_OK)
		goto out;
	int ifindex = (int)if_nametoindex(o->mcast_if);
	for (size_t k = 0; k < NPORTS; k++) {
		bool wanted = false;
		for (size_t i = 0; i < ndevs; i++)
			wanted |= speaks(devs[i].p, mports[k].port);
		if (!wanted || (o->any_port_filter && !o->ports_filter[mports[k].port]))
			continue;
		int fd = open_port(o->mcast_if, ifindex, devs[0].addr, k, e);
		if (fd < 0) {
			r = fd;
			goto out;
		}
		pf[np].fd = fd;
		pf[np].events = POLLIN;
		pport[np++] = mports[k].port;
	}
	/* TCP: 80 for the personas' HTTP routes, 49152 for the UPnP description. */
	bool http = false, upnp = false;
	for (size_t i = 0; i < ndevs; i++) {
		bool ok = hostile_kind(devs[i].p) == 0;
		http |= ok && sim_persona_service(devs[i].p, 0, 80) != NULL;
		upnp |= ok && speaks(devs[i].p, 1900);
	}
	for (int t = 0; t < 2; t++) {
		uint16_t port = t == 0 ? 80 : 49152;
		if (!(t == 0 ? http : upnp) || (o->any_port_filter && !o->ports_filter[port]))
			continue;
		int fd = open_http(o->mcast_if, port, e);
		if (fd < 0) {
			r = fd;
			goto out;
		}
		pf[np].fd = fd;
		pf[np].events = POLLIN;
		pport[np++] = port; /* TCP: 80 and 49152 are no discovery port */
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("camsweep-sim: ready: %zu devices on %s, %zu sockets, multicast\n", ndevs,
	       o->mcast_if, np);
	fflush(stdout);
	while (!mstop) {
		int k = poll(pf, np, 500);
		if (k < 0 && errno != EINTR) {
			r = cs_err_set(e, CS_EIO, "poll: %s", strerror(errno));
			goto out;
		}
		for (size_t i = 0; k > 0 && i < np; i++)
			if ((pf[i].revents & POLLIN) && (pport[i] == 80 || pport[i] == 49152))
				serve_http(pf[i].fd, devs, ndevs, o, &nonce);
			else if (pf[i].revents & POLLIN)
				serve_one(pf[i].fd, pport[i], devs, ndevs, o, &nonce);
	}
	r = CS_OK;
out:
	for (size_t k = 0; k < NPORTS + 2; k++)
		if (pf[k].fd >= 0)
			close(pf[k].fd);
	free(devs);
	return r;
}
