/*
 * passive.c - hosts, flows and what each host said (see passive.h).
 *
 * Per frame: decode, find the sender's host (hash table), then by protocol: UDP discovery and
 * DHCP/DNS datagrams are read at once; TCP payload goes into a bounded per-direction buffer
 * until the head of an HTTP/RTSP message, a TLS certificate or a DHIP reply is complete, and
 * the direction is then closed so that bulk data costs a table lookup and nothing more.
 *
 * What a host says is stored as "inputs" (an input kind for cs_ident_feed, or one signal value)
 * in a per-host byte buffer, deduplicated by hash, and only fed to identification at the end.
 */
#include "pcap/passive.h"

#include "common/buf.h"
#include "pcap/decode.h"
#include "pcap/wire.h"
#include "proto/dhip.h"
#include "proto/http.h"
#include "proto/mac.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KEY_MAC = 1, KEY_IP4 = 2, KEY_IP6 = 3 };
enum { IN_FEED = 1, IN_OBSERVE = 2 };
enum { DIR_FRESH = 0, DIR_COLLECT = 1, DIR_DONE = 2 };
enum { K_UNKNOWN = 0, K_RESP, K_REQ, K_TLS, K_DHIP };
#define NONE UINT32_MAX

/* Where an observed value came from, for the evidence's "from" (index stored per input). */
static const char *const from_names[] = {"", "dhcp", "dhcp option 55", "http request",
					 "rtsp request"};
enum { FROM_NONE, FROM_DHCP, FROM_DHCP_PRL, FROM_HTTP_REQ, FROM_RTSP_REQ };

struct host {
	struct host *hnext, *order_next;
	uint8_t ktype, key[16];
	bool has_mac;
	uint8_t mac[6];
	uint8_t nip4, nip6;
	uint8_t ip4[CS_PASSIVE_MAX_IPS][4];
	uint8_t ip6[CS_PASSIVE_MAX_IPS][16];
	uint8_t nports, ncontacts;
	struct cs_passive_port ports[CS_PASSIVE_MAX_PORTS];
	struct cs_passive_contact *contacts; /* CS_PASSIVE_MAX_CONTACTS, allocated on first use */
	uint64_t *hashes;		     /* CS_PASSIVE_MAX_ITEMS, allocated on first input */
	size_t ninputs;
	struct cs_buf inputs; /* records: how(1) kind(1) from(1) len(4 LE) bytes */
	uint64_t packets;
};

struct dir {
	uint8_t *buf;
	uint32_t len, alloc;
	uint32_t next_seq;
	uint8_t state, kind;
	bool seq_known;
};

struct flow {
	uint32_t hnext, prev, next; /* hash chain; LRU list (head = most recent) */
	bool used;
	uint8_t ipver;
	int8_t client; /* side that sent the SYN, -1 unknown */
	uint16_t port[2];
	uint8_t ip[2][16];
	struct host *host[2]; /* the sender of each side */
	struct dir d[2];
};

/* A resolved address of a vendor cloud name, remembered to spot direct connections. */
struct cloud_ip {
	uint8_t ver, ip[16];
	const struct cs_cloud_entry *entry;
	char name[128];
};

enum { CLOUD_IPS = 1024 };

struct cs_passive {
	struct cs_passive_opts o;
	const struct cs_cloud *cloud;
	struct cs_passive_stats st;

	struct host **hbuckets;
	size_t nhbuckets;
	struct host *first, *last, *cache;

	struct flow *flows;
	uint32_t *fbuckets;
	size_t nfbuckets;
	uint32_t free_head, lru_head, lru_tail;

	struct cloud_ip *cips; /* CLOUD_IPS slots, by hash; NULL until a cloud name resolves */
	uint8_t *scratch;      /* TLS handshake reassembly, stream_cap bytes */
};

/* ---- small helpers ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 64;
	while (p < n)
		p <<= 1;
	return p;
}

static bool mac_usable(const uint8_t *m)
{
	static const uint8_t zero[6];
	return m != NULL && !cs_mac_is_multicast(m) && memcmp(m, zero, 6) != 0;
}

static bool ip_unspecified(int ver, const uint8_t *ip)
{
	static const uint8_t zero[16];
	return memcmp(ip, zero, ver == 4 ? 4 : 16) == 0;
}

/* ---- hosts ---- */

static void host_input(struct cs_passive *pa, struct host *h, int how, int kind, int from,
		       const void *p, size_t n);

static struct host *host_get(struct cs_passive *pa, uint8_t ktype, const uint8_t *key)
{
	size_t kl = ktype == KEY_MAC ? 6 : ktype == KEY_IP4 ? 4 : 16;
	struct host *c = pa->cache;
	if (c != NULL && c->ktype == ktype && memcmp(c->key, key, kl) == 0)
		return c;
	size_t b = (size_t)fnv(0xcbf29ce484222325ULL ^ ktype, key, kl) & (pa->nhbuckets - 1);
	for (struct host *h = pa->hbuckets[b]; h != NULL; h = h->hnext)
		if (h->ktype == ktype && memcmp(h->key, key, kl) == 0)
			return pa->cache = h;
	if (pa->st.hosts >= pa->o.max_hosts) {
		pa->st.hosts_dropped++;
		return NULL;
	}
	struct host *h = calloc(1, sizeof(*h));
	if (h == NULL) {
		pa->st.hosts_dropped++;
		return NULL;
	}
	h->ktype = ktype;
	memcpy(h->key, key, kl);
	if (ktype == KEY_MAC) {
		h->has_mac = true;
		memcpy(h->mac, key, 6);
	}
	cs_buf_init(&h->inputs, CS_PASSIVE_HOST_BYTES);
	h->hnext = pa->hbuckets[b];
	pa->hbuckets[b] = h;
	if (pa->last != NULL)
		pa->last->order_next = h;
	else
		pa->first = h;
	pa->last = h;
	pa->st.hosts++;
	if (ktype == KEY_MAC) {
		/* Its MAC is the first thing a host says, even one that only receives. */
		char m[18];
		cs_mac_format(h->mac, m);
		host_input(pa, h, IN_FEED, CS_IN_MAC, FROM_NONE, m, 17);
	}
	return pa->cache = h;
}

/* The host that sent (src) or receives (!src) this frame. */
static struct host *host_of(struct cs_passive *pa, const struct cs_pkt *k, bool src)
{
	const uint8_t *mac = src ? k->src_mac : k->dst_mac;
	const uint8_t *ip = src ? k->src_ip : k->dst_ip;
	bool routed = k->ipver == 4 && !cs_ip_is_local(4, ip);
	if (mac_usable(mac) && !routed)
		return host_get(pa, KEY_MAC, mac);
	if (k->ipver == 0 || ip_unspecified(k->ipver, ip) || (k->ipver == 4 && ip[0] >= 224) ||
	    (k->ipver == 6 && ip[0] == 0xff))
		return NULL;
	return host_get(pa, k->ipver == 4 ? KEY_IP4 : KEY_IP6, ip);
}

static void host_add_ip(struct host *h, int ver, const uint8_t *ip)
{
	if (ip_unspecified(ver, ip) || (ver == 4 && ip[0] >= 224) || (ver == 6 && ip[0] == 0xff))
		return;
	if (ver == 4) {
		for (size_t i = 0; i < h->nip4; i++)
			if (memcmp(h->ip4[i], ip, 4) == 0)
				return;
		if (h->nip4 < CS_PASSIVE_MAX_IPS)
			memcpy(h->ip4[h->nip4++], ip, 4);
	} else {
		for (size_t i = 0; i < h->nip6; i++)
			if (memcmp(h->ip6[i], ip, 16) == 0)
				return;
		if (h->nip6 < CS_PASSIVE_MAX_IPS)
			memcpy(h->ip6[h->nip6++], ip, 16);
	}
}

static void host_add_port(struct host *h, uint16_t port, bool udp, const char *proto, bool tls)
{
	for (size_t i = 0; i < h->nports; i++) {
		struct cs_passive_port *p = &h->ports[i];
		if (p->port == port && p->udp == udp) {
			if (p->proto == NULL)
				p->proto = proto;
			p->tls |= tls;
			return;
		}
	}
	if (h->nports < CS_PASSIVE_MAX_PORTS)
		h->ports[h->nports++] = (struct cs_passive_port){port, udp, tls, proto};
}

/* Keep one input for identification, unless the host already said exactly this. */
static void host_input(struct cs_passive *pa, struct host *h, int how, int kind, int from,
		       const void *p, size_t n)
{
	uint8_t hdr[7] = {(uint8_t)how,	     (uint8_t)kind,	 (uint8_t)from,	    (uint8_t)n,
			  (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
	uint64_t hv = fnv(fnv(0xcbf29ce484222325ULL, hdr, 3), p, n);
	if (h->hashes == NULL &&
	    (h->hashes = calloc(CS_PASSIVE_MAX_ITEMS, sizeof(uint64_t))) == NULL)
		return;
	for (size_t i = 0; i < h->ninputs; i++)
		if (h->hashes[i] == hv)
			return;
	if (h->ninputs == CS_PASSIVE_MAX_ITEMS || h->inputs.len + sizeof(hdr) + n > h->inputs.cap) {
		pa->st.inputs_dropped++;
		return;
	}
	if (cs_buf_append(&h->inputs, hdr, sizeof(hdr)) != CS_OK ||
	    cs_buf_append(&h->inputs, p, n) != CS_OK) {
		pa->st.inputs_dropped++;
		return;
	}
	h->hashes[h->ninputs++] = hv;
	pa->st.inputs++;
}

static void host_observe(struct cs_passive *pa, struct host *h, enum cs_signal sig, int from,
			 struct cs_sv v)
{
	if (v.n > 0)
		host_input(pa, h, IN_OBSERVE, sig, from, v.p, v.n);
}

static void host_contact(struct host *h, const struct cs_cloud_entry *e, const char *how,
			 struct cs_sv name)
{
	for (size_t i = 0; i < h->ncontacts; i++)
		if (h->contacts[i].entry == e)
			return;
	if (h->ncontacts == CS_PASSIVE_MAX_CONTACTS)
		return;
	if (h->contacts == NULL &&
	    (h->contacts = calloc(CS_PASSIVE_MAX_CONTACTS, sizeof(*h->contacts))) == NULL)
		return;
	struct cs_passive_contact *c = &h->contacts[h->ncontacts++];
	c->entry = e;
	c->how = how;
	cs_sv_copy_clipped(c->name, sizeof(c->name), name.p, name.n);
}

static void check_name(struct cs_passive *pa, struct host *h, struct cs_sv name, const char *how)
{
	const struct cs_cloud_entry *e;
	if (h != NULL && pa->cloud != NULL && (e = cs_cloud_match(pa->cloud, name)) != NULL)
		host_contact(h, e, how, name);
}

/* ---- remembered addresses of cloud names ---- */

static size_t cip_slot(int ver, const uint8_t *ip)
{
	return (size_t)fnv(0xcbf29ce484222325ULL, ip, ver == 4 ? 4 : 16) & (CLOUD_IPS - 1);
}

static void cip_put(struct cs_passive *pa, int ver, const uint8_t *ip,
		    const struct cs_cloud_entry *e, const char *name)
{
	if (pa->cips == NULL && (pa->cips = calloc(CLOUD_IPS, sizeof(*pa->cips))) == NULL)
		return;
	struct cloud_ip *c = &pa->cips[cip_slot(ver, ip)];
	c->ver = (uint8_t)ver;
	memset(c->ip, 0, sizeof(c->ip));
	memcpy(c->ip, ip, ver == 4 ? 4 : 16);
	c->entry = e;
	cs_sv_copy_clipped(c->name, sizeof(c->name), name, strlen(name));
}

static void cip_check(struct cs_passive *pa, struct host *h, const struct cs_pkt *k)
{
	if (pa->cips == NULL || h == NULL)
		return;
	const struct cloud_ip *c = &pa->cips[cip_slot(k->ipver, k->dst_ip)];
	if (c->entry != NULL && c->ver == k->ipver &&
	    memcmp(c->ip, k->dst_ip, k->ipver == 4 ? 4 : 16) == 0)
		host_contact(h, c->entry, "connect", cs_sv_cstr(c->name));
}

/* ---- UDP ---- */

static void on_dhcp(struct cs_passive *pa, const struct cs_pkt *k)
{
	struct cs_dhcp_info d;
	if (cs_dhcp_parse(k->payload, k->plen, &d) != CS_OK || d.op != 1 || !d.has_chaddr ||
	    !mac_usable(d.chaddr))
		return;
	struct host *h = host_get(pa, KEY_MAC, d.chaddr);
	if (h == NULL)
		return;
	host_observe(pa, h, CS_SIG_HOSTNAME, FROM_DHCP, d.hostname);
	host_observe(pa, h, CS_SIG_DHCP_VENDOR, FROM_DHCP, d.vendor);
	if (d.prl.n > 0) {
		/* "1,3,6,12,15,28,42": the order is the client's fingerprint. */
		char list[1024];
		size_t o = 0;
		for (size_t i = 0; i < d.prl.n && o + 5 < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%u", i ? "," : "",
					      (unsigned char)d.prl.p[i]);
		host_observe(pa, h, CS_SIG_DHCP_PRL, FROM_DHCP_PRL, cs_sv_make(list, o));
	}
}

static void on_dns(struct cs_passive *pa, struct host *src, const struct cs_pkt *k)
{
	struct cs_dns_info d;
	if (pa->cloud == NULL || pa->cloud->n == 0 ||
	    cs_dns_parse(k->payload, k->plen, &d) != CS_OK)
		return;
	if (!d.response) {
		for (size_t i = 0; i < d.nnames; i++)
			check_name(pa, src, cs_sv_cstr(d.names[i]), "dns");
		return;
	}
	/* An answer: remember the addresses of cloud names, to spot connections to them. */
	const struct cs_cloud_entry *e = NULL;
	size_t which = 0;
	for (size_t i = 0; i < d.nnames && e == NULL; i++)
		if ((e = cs_cloud_match(pa->cloud, cs_sv_cstr(d.names[i]))) != NULL)
			which = i;
	for (size_t i = 0; e != NULL && i < d.naddrs; i++)
		cip_put(pa, d.addrs[i].ver, d.addrs[i].ip, e, d.names[which]);
	if (e != NULL) {
		struct host *dst = host_of(pa, k, false);
		if (dst != NULL && dst->ktype == KEY_MAC)
			host_add_ip(dst, k->ipver, k->dst_ip);
		check_name(pa, dst, cs_sv_cstr(d.names[which]), "dns");
	}
}

static bool has_str(const uint8_t *p, size_t n, const char *s)
{
	size_t l = strlen(s);
	size_t lim = n > 65536 ? 65536 : n;
	return cs_sv_find(cs_sv_make((const char *)p, lim), cs_sv_make(s, l)) >= 0;
}

static bool is_dhip(const uint8_t *p, size_t n)
{
	return n >= 8 && p[0] == 0x20 && p[1] == 0 && p[2] == 0 && p[3] == 0 &&
	       memcmp(p + 4, "DHIP", 4) == 0;
}

static void on_udp(struct cs_passive *pa, struct host *src, const struct cs_pkt *k)
{
	const uint8_t *p = k->payload;
	size_t n = k->plen;
	uint16_t sp = k->sport, dp = k->dport;
	if (n == 0 || k->frag_first)
		return;
	if ((sp == 67 || sp == 68) && (dp == 67 || dp == 68)) {
		on_dhcp(pa, k);
		return;
	}
	if (dp == 53 || sp == 53) {
		on_dns(pa, src, k);
		return;
	}
	if (src == NULL)
		return;
	struct cs_sv s = cs_sv_make((const char *)p, n);
	if (sp == 1900 || dp == 1900) {
		/* NOTIFY from a device, a search reply (HTTP/1.1 200), or a search (its UA). */
		bool notify = cs_sv_iprefix(s, CS_SV("NOTIFY * "));
		if (notify || cs_sv_iprefix(s, CS_SV("HTTP/1.")) ||
		    cs_sv_iprefix(s, CS_SV("M-SEARCH * "))) {
			host_input(pa, src, IN_FEED, CS_IN_SSDP, FROM_NONE, p, n);
			if (notify || sp == 1900)
				host_add_port(src, 1900, true, "ssdp", false);
		}
		return;
	}
	if (is_dhip(p, n) || ((sp == 37810 || dp == 37810) && n > 0 && p[0] == '{')) {
		/* A search request is the searcher's, not a device's, and says nothing. */
		if (has_str(p, n, "DHDiscover.search"))
			return;
		host_input(pa, src, IN_FEED, CS_IN_DHIP, FROM_NONE, p, n);
		host_add_port(src, sp, true, "dhip", false);
		return;
	}
	if (sp == 37020 || dp == 37020) {
		if (has_str(p, n, "<ProbeMatch")) {
			host_input(pa, src, IN_FEED, CS_IN_SADP, FROM_NONE, p, n);
			host_add_port(src, 37020, true, "sadp", false);
		}
		return;
	}
	if (sp == 3702 || dp == 3702) {
		enum cs_input_kind kind = cs_input_detect((const char *)p, n);
		if (kind == CS_IN_WSD) {
			host_input(pa, src, IN_FEED, CS_IN_WSD, FROM_NONE, p, n);
			host_add_port(src, 3702, true, "ws-discovery", false);
		}
		return;
	}
}

/* ---- TCP ---- */

static uint32_t flow_hash(struct cs_passive *pa, const struct flow *f)
{
	size_t il = f->ipver == 4 ? 4 : 16;
	uint64_t h = fnv(0xcbf29ce484222325ULL, f->ip[0], il);
	h = fnv(h, f->ip[1], il);
	h = fnv(h, f->port, sizeof(f->port));
	return (uint32_t)(h & (pa->nfbuckets - 1));
}

static void lru_unlink(struct cs_passive *pa, uint32_t i)
{
	struct flow *f = &pa->flows[i];
	if (f->prev != NONE)
		pa->flows[f->prev].next = f->next;
	else
		pa->lru_head = f->next;
	if (f->next != NONE)
		pa->flows[f->next].prev = f->prev;
	else
		pa->lru_tail = f->prev;
	f->prev = f->next = NONE;
}

static void lru_push(struct cs_passive *pa, uint32_t i)
{
	struct flow *f = &pa->flows[i];
	f->prev = NONE;
	f->next = pa->lru_head;
	if (pa->lru_head != NONE)
		pa->flows[pa->lru_head].prev = i;
	pa->lru_head = i;
	if (pa->lru_tail == NONE)
		pa->lru_tail = i;
}

static void dir_close(struct dir *d)
{
	free(d->buf);
	d->buf = NULL;
	d->len = d->alloc = 0;
	d->state = DIR_DONE;
}

static bool is_request_method(const uint8_t *p, size_t n)
{
	static const char *const m[] = {"GET ",	     "POST ",	      "HEAD ",	"PUT ",
					"OPTIONS ",  "DESCRIBE ",     "SETUP ", "PLAY ",
					"ANNOUNCE ", "GET_PARAMETER "};
	for (size_t i = 0; i < CS_ARRAY_SIZE(m); i++) {
		size_t l = strlen(m[i]);
		if (n >= l && memcmp(p, m[i], l) == 0)
			return true;
	}
	return false;
}

/* Look at what a direction has collected; close it once it said what it had to say. */
static void dir_try(struct cs_passive *pa, struct flow *f, int side, bool final)
{
	struct dir *d = &f->d[side];
	struct host *h = f->host[side];
	const uint8_t *p = d->buf;
	size_t n = d->len;
	bool full = final || n >= pa->o.stream_cap;
	if (d->state != DIR_COLLECT)
		return;
	if (h == NULL) { /* the host table is full: nobody to tell */
		dir_close(d);
		return;
	}
	if (n == 0) {
		if (full)
			dir_close(d);
		return;
	}
	if (d->kind == K_UNKNOWN) {
		if (n < 8 && !full)
			return;
		if (n >= 5 && (memcmp(p, "HTTP/", 5) == 0 || memcmp(p, "RTSP/", 5) == 0))
			d->kind = K_RESP;
		else if (n >= 3 && p[0] == 22 && p[1] == 3 && p[2] <= 4)
			d->kind = K_TLS;
		else if (is_dhip(p, n))
			d->kind = K_DHIP;
		else if (is_request_method(p, n))
			d->kind = K_REQ;
		else {
			dir_close(d);
			return;
		}
	}
	uint16_t port = f->port[side];
	switch (d->kind) {
	case K_RESP:
	case K_REQ: {
		struct cs_http_header hdr[CS_HTTP_MAX_HEADERS];
		struct cs_http_msg m;
		long head = cs_http_parse((const char *)p, n, &m, hdr, CS_ARRAY_SIZE(hdr), false);
		if (head == CS_EAGAIN && !full)
			return;
		if (head < 0) {
			dir_close(d);
			return;
		}
		bool rtsp = cs_sv_iprefix(m.proto, CS_SV("RTSP/"));
		if (d->kind == K_REQ) {
			const struct cs_http_header *ua = cs_http_find(&m, "User-Agent");
			const struct cs_http_header *host = cs_http_find(&m, "Host");
			if (ua != NULL) {
				char line[600];
				size_t b = ua->value.n > 500 ? 500 : ua->value.n;
				memcpy(line, "User-Agent: ", 12);
				memcpy(line + 12, ua->value.p, b);
				host_observe(pa, h, CS_SIG_HTTP_HEADER,
					     rtsp ? FROM_RTSP_REQ : FROM_HTTP_REQ,
					     cs_sv_make(line, 12 + b));
			}
			if (host != NULL) {
				struct cs_sv hv = host->value;
				const char *colon = memchr(hv.p, ':', hv.n);
				if (colon != NULL)
					hv.n = (size_t)(colon - hv.p);
				check_name(pa, h, hv, "http-host");
			}
			dir_close(d);
			return;
		}
		/* A response: wait for its body (markers live there), within the cap. */
		size_t clen = 0, want = (size_t)head;
		bool has_len = cs_http_content_length(&m, pa->o.stream_cap, &clen);
		if (has_len)
			want += clen;
		else if (!rtsp && !(m.status < 200 || m.status == 204 || m.status == 304))
			want = pa->o.stream_cap; /* until the connection closes or the cap */
		if (n < want && !full)
			return;
		host_input(pa, h, IN_FEED, rtsp ? CS_IN_RTSP : CS_IN_HTTP, FROM_NONE, p,
			   n < want ? n : want);
		host_add_port(h, port, false, rtsp ? "rtsp" : "http", false);
		dir_close(d);
		return;
	}
	case K_TLS: {
		if (n < 6 && !full)
			return;
		if (n >= 6 && p[5] == 1) {
			struct cs_sv name;
			int r = cs_tls_client_sni(p, n, &name);
			if (r == CS_EAGAIN && !full)
				return;
			if (r == CS_OK)
				check_name(pa, h, name, "tls-sni");
			dir_close(d);
			return;
		}
		struct cs_sv der;
		int r = cs_tls_server_cert(p, n, pa->scratch, pa->o.stream_cap, &der);
		if (r == CS_EAGAIN && !full)
			return;
		if (r == CS_OK) {
			host_input(pa, h, IN_FEED, CS_IN_TLS, FROM_NONE, der.p, der.n);
			host_add_port(h, port, false, "tls", true);
		} else if (n >= 6 && p[5] == 2) {
			host_add_port(h, port, false, "tls", true);
		}
		dir_close(d);
		return;
	}
	case K_DHIP: {
		/* Only the device's side: the client's requests (a login) say nothing about it. */
		if (f->client == side || (f->client < 0 && f->port[side] > f->port[!side])) {
			dir_close(d);
			return;
		}
		if (n < 32 && !full)
			return;
		size_t want = 32;
		if (n >= 32)
			want += (size_t)p[16] | (size_t)p[17] << 8 | (size_t)p[18] << 16 |
				(size_t)p[19] << 24;
		if (n < want && !full)
			return;
		host_input(pa, h, IN_FEED, CS_IN_DHIP, FROM_NONE, p, n < want ? n : want);
		host_add_port(h, port, false, "dhip", false);
		dir_close(d);
		return;
	}
	default: dir_close(d); return;
	}
}

static void flow_release(struct cs_passive *pa, uint32_t i)
{
	struct flow *f = &pa->flows[i];
	for (int s = 0; s < 2; s++) {
		dir_try(pa, f, s, true);
		dir_close(&f->d[s]);
	}
	/* Unhook from the hash chain. */
	uint32_t b = flow_hash(pa, f);
	uint32_t *pp = &pa->fbuckets[b];
	while (*pp != NONE && *pp != i)
		pp = &pa->flows[*pp].hnext;
	if (*pp == i)
		*pp = f->hnext;
	lru_unlink(pa, i);
	memset(f, 0, sizeof(*f));
	f->hnext = pa->free_head;
	f->prev = f->next = NONE;
	pa->free_head = i;
}

static struct flow *flow_get(struct cs_passive *pa, const struct cs_pkt *k, int *side)
{
	struct flow key;
	size_t il = k->ipver == 4 ? 4 : 16;
	int c = memcmp(k->src_ip, k->dst_ip, il);
	int s = c < 0 || (c == 0 && k->sport <= k->dport) ? 0 : 1;
	memset(key.ip, 0, sizeof(key.ip));
	key.ipver = k->ipver;
	memcpy(key.ip[s], k->src_ip, il);
	memcpy(key.ip[!s], k->dst_ip, il);
	key.port[s] = k->sport;
	key.port[!s] = k->dport;
	uint32_t b = flow_hash(pa, &key);
	for (uint32_t i = pa->fbuckets[b]; i != NONE; i = pa->flows[i].hnext) {
		struct flow *f = &pa->flows[i];
		if (f->ipver == key.ipver && f->port[0] == key.port[0] &&
		    f->port[1] == key.port[1] && memcmp(f->ip, key.ip, sizeof(key.ip)) == 0) {
			if (pa->lru_head != i) {
				lru_unlink(pa, i);
				lru_push(pa, i);
			}
			*side = s;
			return f;
		}
	}
	if (pa->free_head == NONE) {
		pa->st.flows_evicted++;
		flow_release(pa, pa->lru_tail);
	}
	uint32_t i = pa->free_head;
	struct flow *f = &pa->flows[i];
	pa->free_head = f->hnext;
	f->used = true;
	f->ipver = key.ipver;
	f->client = -1;
	memcpy(f->ip, key.ip, sizeof(key.ip));
	memcpy(f->port, key.port, sizeof(key.port));
	f->hnext = pa->fbuckets[b];
	pa->fbuckets[b] = i;
	lru_push(pa, i);
	pa->st.flows++;
	*side = s;
	return f;
}

static void dir_append(struct cs_passive *pa, struct dir *d, const uint8_t *p, size_t n)
{
	size_t room = pa->o.stream_cap - d->len;
	if (n > room)
		n = room;
	if (n == 0)
		return;
	if (d->len + n > d->alloc) {
		size_t na = d->alloc ? d->alloc : 2048;
		while (na < d->len + n)
			na *= 2;
		if (na > pa->o.stream_cap)
			na = pa->o.stream_cap;
		uint8_t *nb = realloc(d->buf, na);
		if (nb == NULL) {
			dir_close(d);
			return;
		}
		d->buf = nb;
		d->alloc = (uint32_t)na;
	}
	memcpy(d->buf + d->len, p, n);
	d->len += (uint32_t)n;
}

static void on_tcp(struct cs_passive *pa, struct host *src, const struct cs_pkt *k)
{
	uint8_t fl = k->tcp_flags;
	if ((fl & CS_TCP_SYN) && !(fl & CS_TCP_ACK))
		cip_check(pa, src, k);
	if ((fl & (CS_TCP_SYN | CS_TCP_ACK)) == (CS_TCP_SYN | CS_TCP_ACK) && src != NULL)
		host_add_port(src, k->sport, false, NULL, false);
	int side;
	struct flow *f = flow_get(pa, k, &side);
	struct dir *d = &f->d[side];
	if (f->host[side] == NULL)
		f->host[side] = src;
	if (fl & CS_TCP_SYN) {
		if (!(fl & CS_TCP_ACK))
			f->client = (int8_t)side;
		if (d->state == DIR_FRESH) {
			d->next_seq = k->seq + 1;
			d->seq_known = true;
		}
		return;
	}
	if (d->state != DIR_DONE && k->plen > 0) {
		if (!d->seq_known) {
			d->next_seq = k->seq;
			d->seq_known = true;
		}
		int32_t diff = (int32_t)(k->seq - d->next_seq);
		const uint8_t *p = k->payload;
		size_t n = k->plen;
		if (diff > 0) {
			/* A segment is missing: what came before it is all this direction gives. */
			pa->st.flows_gave_up++;
			dir_try(pa, f, side, true);
			dir_close(d);
		} else {
			size_t skip = (size_t)(-(int64_t)diff);
			if (skip < n) {
				p += skip;
				n -= skip;
				d->state = DIR_COLLECT;
				dir_append(pa, d, p, n);
				d->next_seq += (uint32_t)n;
				dir_try(pa, f, side, false);
			}
		}
	}
	if (fl & (CS_TCP_FIN | CS_TCP_RST)) {
		dir_try(pa, f, side, true);
		dir_close(d);
		if (fl & CS_TCP_RST) {
			dir_try(pa, f, !side, true);
			dir_close(&f->d[!side]);
		}
	}
}

/* ---- frames ---- */

void cs_passive_frame(struct cs_passive *pa, int link, const uint8_t *p, size_t caplen)
{
	struct cs_pkt k;
	pa->st.packets++;
	pa->st.bytes += caplen;
	if (cs_pkt_decode(link, p, caplen, &k) != CS_OK) {
		pa->st.undecoded++;
		return;
	}
	if (k.truncated)
		pa->st.truncated++;
	if (k.arp) {
		if (mac_usable(k.arp_sha)) {
			struct host *h = host_get(pa, KEY_MAC, k.arp_sha);
			if (h != NULL)
				host_add_ip(h, 4, k.arp_spa);
		}
	}
	struct host *src = host_of(pa, &k, true);
	if (src != NULL) {
		src->packets++;
		if (k.ipver != 0 && src->ktype == KEY_MAC)
			host_add_ip(src, k.ipver, k.src_ip);
		else if (k.ipver != 0 && (src->nip4 | src->nip6) == 0)
			host_add_ip(src, k.ipver, k.src_ip);
	}
	if (k.frag_later) {
		pa->st.fragments++;
		return;
	}
	if (k.l4 == 17)
		on_udp(pa, src, &k);
	else if (k.l4 == 6 && !k.frag_first)
		on_tcp(pa, src, &k);
}

/* ---- life cycle ---- */

int cs_passive_new(struct cs_passive **out, const struct cs_passive_opts *o,
		   const struct cs_cloud *cloud, struct cs_err *err)
{
	struct cs_passive *pa = calloc(1, sizeof(*pa));
	int r = CS_ENOMEM;
	if (pa == NULL)
		goto fail;
	pa->o.max_hosts = o != NULL && o->max_hosts ? o->max_hosts : 65536;
	pa->o.max_flows = o != NULL && o->max_flows ? o->max_flows : 8192;
	pa->o.stream_cap = o != NULL && o->stream_cap ? o->stream_cap : 16384;
	if (pa->o.max_flows > (1u << 24) || pa->o.max_hosts > (1u << 24) ||
	    pa->o.stream_cap < 512 || pa->o.stream_cap > (1u << 24)) {
		r = cs_err_set(err, CS_EINVAL, "limits out of range");
		free(pa);
		return r;
	}
	pa->cloud = cloud;
	pa->nhbuckets = pow2_at_least(pa->o.max_hosts);
	pa->nfbuckets = pow2_at_least(pa->o.max_flows * 2);
	pa->hbuckets = calloc(pa->nhbuckets, sizeof(*pa->hbuckets));
	pa->flows = calloc(pa->o.max_flows, sizeof(*pa->flows));
	pa->fbuckets = malloc(pa->nfbuckets * sizeof(*pa->fbuckets));
	pa->scratch = malloc(pa->o.stream_cap);
	if (pa->hbuckets == NULL || pa->flows == NULL || pa->fbuckets == NULL ||
	    pa->scratch == NULL)
		goto fail;
	for (size_t i = 0; i < pa->nfbuckets; i++)
		pa->fbuckets[i] = NONE;
	for (size_t i = 0; i < pa->o.max_flows; i++) {
		pa->flows[i].hnext = i + 1 < pa->o.max_flows ? (uint32_t)(i + 1) : NONE;
		pa->flows[i].prev = pa->flows[i].next = NONE;
	}
	pa->free_head = 0;
	pa->lru_head = pa->lru_tail = NONE;
	*out = pa;
	return CS_OK;
fail:
	cs_passive_free(pa);
	return cs_err_set(err, r, "out of memory");
}

void cs_passive_free(struct cs_passive *pa)
{
	if (pa == NULL)
		return;
	if (pa->flows != NULL)
		for (size_t i = 0; i < pa->o.max_flows; i++) {
			free(pa->flows[i].d[0].buf);
			free(pa->flows[i].d[1].buf);
		}
	for (struct host *h = pa->first, *next; h != NULL; h = next) {
		next = h->order_next;
		cs_buf_free(&h->inputs);
		free(h->hashes);
		free(h->contacts);
		free(h);
	}
	free(pa->hbuckets);
	free(pa->flows);
	free(pa->fbuckets);
	free(pa->cips);
	free(pa->scratch);
	free(pa);
}

const struct cs_passive_stats *cs_passive_stats(const struct cs_passive *pa)
{
	return &pa->st;
}

int cs_passive_finish(struct cs_passive *pa, struct cs_ident *id,
		      int (*cb)(void *ctx, const struct cs_passive_host *h, struct cs_device *d),
		      void *ctx)
{
	while (pa->lru_head != NONE)
		flow_release(pa, pa->lru_head);
	for (struct host *h = pa->first; h != NULL; h = h->order_next) {
		if (h->ninputs == 0 && h->ncontacts == 0)
			continue;
		char mac[18], addr[2 * CS_PASSIVE_MAX_IPS][INET6_ADDRSTRLEN];
		const char *ips[2 * CS_PASSIVE_MAX_IPS];
		size_t nips = 0;
		for (size_t i = 0; i < h->nip4; i++) {
			inet_ntop(AF_INET, h->ip4[i], addr[nips], sizeof(addr[nips]));
			ips[nips] = addr[nips];
			nips++;
		}
		for (size_t i = 0; i < h->nip6; i++) {
			inet_ntop(AF_INET6, h->ip6[i], addr[nips], sizeof(addr[nips]));
			ips[nips] = addr[nips];
			nips++;
		}
		if (h->has_mac)
			cs_mac_format(h->mac, mac);
		cs_ident_reset(id);
		size_t off = 0;
		const uint8_t *b = (const uint8_t *)h->inputs.data;
		while (b != NULL && off + 7 <= h->inputs.len) {
			size_t n = (size_t)b[off + 3] | (size_t)b[off + 4] << 8 |
				   (size_t)b[off + 5] << 16 | (size_t)b[off + 6] << 24;
			const char *p = (const char *)b + off + 7;
			struct cs_err err;
			if (b[off] == IN_FEED)
				cs_ident_feed(id, (enum cs_input_kind)b[off + 1], p, n, &err);
			else
				cs_ident_observe_from(
					id, (enum cs_signal)b[off + 1], cs_sv_make(p, n),
					b[off + 2] ? from_names[b[off + 2]] : NULL, 1.0);
			off += 7 + n;
		}
		if (nips > 0)
			cs_ident_set_address(id, ips[0]);
		struct cs_device dev;
		cs_ident_finish(id, &dev);
		struct cs_passive_host ph = {h->has_mac ? mac : NULL,
					     nips > 0 ? ips[0] : NULL,
					     ips,
					     nips,
					     h->ports,
					     h->nports,
					     h->contacts,
					     h->ncontacts,
					     h->ninputs,
					     h->packets};
		int r = cb(ctx, &ph, &dev);
		if (r != 0)
			return r;
	}
	return 0;
}
