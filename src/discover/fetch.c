/*
 * fetch.c - the optional follow-up of `camsweep discover --fetch`, for every host at once (see
 * hosts.h, cs_disc_hosts_fetch):
 *   - one unauthenticated ONVIF GetDeviceInformation to the device service a WS-Discovery
 *     reply advertised (XAddrs), with the scanner's own payload file
 *     (data/probes/onvif-get-device-information.req: no WS-Security, changes nothing);
 *   - one GET of the UPnP device description an SSDP reply's LOCATION names
 *     (data/probes/upnp-description.txt), e.g. LOCATION: http://192.0.2.7:49152/rootDesc.xml
 * A URL is only followed when it is plain http to the very address the reply came from (and,
 * for ONVIF, the path the payload asks for): a device cannot send camsweep to another host.
 * Connections are non-blocking and share one deadline; each response is capped at
 * CS_DISC_FETCH_MAX.
 */
#include "discover/hosts.h"

#include "common/buf.h"
#include "scan/probe_data.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char payload[] = "onvif-get-device-information";

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * If url is http://<ip>[:port]<path> with ip exactly the host's address, return the port (80
 * when not given) and the path in *path; else 0.
 */
static uint16_t url_on_host(struct cs_sv url, const char *ip, struct cs_sv *path)
{
	if (!cs_sv_iprefix(url, CS_SV("http://")))
		return 0;
	struct cs_sv rest = cs_sv_make(url.p + 7, url.n - 7);
	size_t iplen = strlen(ip);
	if (rest.n < iplen || memcmp(rest.p, ip, iplen) != 0)
		return 0;
	rest = cs_sv_make(rest.p + iplen, rest.n - iplen);
	uint64_t port = 80;
	if (rest.n > 0 && rest.p[0] == ':') {
		size_t k = 1;
		while (k < rest.n && rest.p[k] >= '0' && rest.p[k] <= '9')
			k++;
		if (cs_parse_u64(cs_sv_make(rest.p + 1, k - 1), 65535, &port) != CS_OK || port == 0)
			return 0;
		rest = cs_sv_make(rest.p + k, rest.n - k);
	}
	if (rest.n == 0 || rest.p[0] != '/')
		return 0; /* "http://192.0.2.70" is another address, not a path */
	*path = rest;
	return (uint16_t)port;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The port of the first XAddr of WS-Discovery reply p[0..n) on the host with the payload's
 * path; 0 when there is none.
 * e.g. <d:XAddrs>http://192.0.2.10/onvif/device_service http://[fe80::1]/onvif/...</d:XAddrs>
 */
static uint16_t xaddr_port(const char *p, size_t n, const char *ip, struct cs_sv want)
{
	long at = cs_sv_find(cs_sv_make(p, n), CS_SV("XAddrs>"));
	if (at < 0)
		return 0;
	const char *q = p + at + 7, *end = p + n;
	const char *close = memchr(q, '<', (size_t)(end - q));
	if (close != NULL)
		end = close;
	while (q < end) {
		while (q < end && is_space(*q))
			q++;
		const char *w = q;
		while (q < end && !is_space(*q))
			q++;
		struct cs_sv path;
		uint16_t port = url_on_host(cs_sv_make(w, (size_t)(q - w)), ip, &path);
		if (port != 0 && cs_sv_eq(path, want))
			return port;
	}
	return 0;
}

/* The LOCATION of SSDP reply p[0..n) when it is on the host: port, and the path in out. */
static uint16_t location_port(const char *p, size_t n, const char *ip, char *out, size_t cap)
{
	const char *q = p, *end = p + n;
	while (q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		struct cs_sv line = cs_sv_make(q, (size_t)((nl != NULL ? nl : end) - q));
		q = nl != NULL ? nl + 1 : end;
		if (!cs_sv_iprefix(line, CS_SV("LOCATION:")))
			continue;
		struct cs_sv url = cs_sv_trim(cs_sv_make(line.p + 9, line.n - 9)), path;
		uint16_t port = url_on_host(url, ip, &path);
		if (port == 0 || path.n >= cap)
			return 0;
		memcpy(out, path.p, path.n);
		out[path.n] = '\0';
		return port;
	}
	return 0;
}

/* The target path of the payload template ("POST /onvif/device_service HTTP/1.1"). */
static struct cs_sv payload_path(void)
{
	size_t n = 0;
	const char *t = cs_probe_payload_template(payload, &n);
	if (t == NULL)
		return cs_sv_make("", 0);
	const char *sp = memchr(t, ' ', n);
	if (sp == NULL)
		return cs_sv_make("", 0);
	const char *sp2 = memchr(sp + 1, ' ', n - (size_t)(sp + 1 - t));
	return sp2 != NULL ? cs_sv_make(sp + 1, (size_t)(sp2 - sp - 1)) : cs_sv_make("", 0);
}

struct conn {
	struct cs_disc_host *h;
	int kind; /* 0 ONVIF, 1 UPnP description */
	int fd;
	char req[CS_PROBE_REQ_MAX];
	size_t reqlen, sent;
	struct cs_buf resp;
};

static void finish(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->resp.len > 0) {
		free(c->h->fetched[c->kind]);
		c->h->fetched_len[c->kind] = c->resp.len;
		c->h->fetched[c->kind] = cs_buf_steal(&c->resp); /* transferred */
	}
	cs_buf_free(&c->resp);
}

int cs_disc_hosts_fetch(struct cs_disc_hosts *hs, unsigned timeout_ms, volatile int *stop,
			struct cs_err *err)
{
	struct conn *cs = NULL;
	struct pollfd *pf = NULL;
	size_t nc = 0;
	int r = CS_OK;

	if (!cs_probe_data_loaded())
		return cs_err_set(err, CS_EINVAL, "the probe payloads are not loaded");
	struct cs_sv path = payload_path();
	if (hs->n == 0)
		return CS_OK;
	if ((cs = calloc(2 * hs->n, sizeof(*cs))) == NULL ||
	    (pf = calloc(2 * hs->n, sizeof(*pf))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < hs->n; i++) {
		struct cs_disc_host *h = &hs->v[i];
		for (int kind = 0; kind < 2; kind++) {
			struct conn *c = &cs[nc];
			struct cs_probe_target t = {.addr = h->addr};
			char upath[600];
			memcpy(t.host, h->ip, sizeof(t.host));
			for (size_t k = 0; k < h->nr && t.port == 0; k++) {
				if (kind == 0 && h->r[k].proto == CS_DISC_WSD && path.n > 0)
					t.port = xaddr_port(h->r[k].data, h->r[k].len, h->ip, path);
				if (kind == 1 && h->r[k].proto == CS_DISC_SSDP)
					t.port = location_port(h->r[k].data, h->r[k].len, h->ip,
							       upath, sizeof(upath));
			}
			if (t.port == 0)
				continue;
			if (kind == 0) {
				if (cs_probe_payload(payload, &t, c->req, sizeof(c->req),
						     &c->reqlen) != CS_OK)
					continue;
			} else {
				char auth[32];
				snprintf(auth, sizeof(auth), t.port == 80 ? "%s" : "%s:%u", h->ip,
					 (unsigned)t.port);
				if (cs_disc_upnp_request(auth, upath, c->req, sizeof(c->req),
							 &c->reqlen) != CS_OK)
					continue;
			}
			struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(t.port)};
			sa.sin_addr.s_addr = htonl(h->addr);
			c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (c->fd < 0)
				continue;
			if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
			    errno != EINPROGRESS) {
				close(c->fd);
				continue;
			}
			c->h = h;
			c->kind = kind;
			c->sent = 0;
			cs_buf_init(&c->resp, CS_DISC_FETCH_MAX);
			nc++;
		}
	}
	uint64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		nfds_t np = 0;
		for (size_t i = 0; i < nc; i++) {
			pf[i].fd = cs[i].fd;
			pf[i].events = cs[i].sent < cs[i].reqlen ? POLLOUT : POLLIN;
			np += cs[i].fd >= 0;
		}
		uint64_t now = now_ms();
		if (np == 0 || now >= deadline || (stop != NULL && *stop))
			break;
		uint64_t wait = deadline - now;
		if (poll(pf, nc, (int)(wait > 100 ? 100 : wait)) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < nc; i++) {
			struct conn *c = &cs[i];
			if (c->fd < 0 || pf[i].revents == 0)
				continue;
			if (c->sent < c->reqlen) {
				ssize_t k = send(c->fd, c->req + c->sent, c->reqlen - c->sent,
						 MSG_NOSIGNAL | MSG_DONTWAIT);
				if (k < 0 && errno != EAGAIN && errno != EINTR)
					finish(c); /* refused or reset: no answer */
				else if (k > 0)
					c->sent += (size_t)k;
				continue;
			}
			char buf[8192];
			ssize_t k = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (k > 0 && cs_buf_append(&c->resp, buf, (size_t)k) == CS_OK)
				continue;
			if (k < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			finish(c); /* end of the answer, an error, or the cap reached */
		}
	}
	for (size_t i = 0; i < nc; i++)
		if (cs[i].fd >= 0)
			finish(&cs[i]); /* what arrived before the deadline still counts */
out:
	free(cs);
	free(pf);
	return r;
}
