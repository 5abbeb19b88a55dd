/*
 * hosts.c - discovery replies grouped per sending address (see hosts.h).
 */
#include "discover/hosts.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cs_disc_hosts_init(struct cs_disc_hosts *h)
{
	memset(h, 0, sizeof(*h));
}

void cs_disc_hosts_free(struct cs_disc_hosts *h)
{
	for (size_t i = 0; i < h->n; i++) {
		for (size_t k = 0; k < h->v[i].nr; k++)
			free(h->v[i].r[k].data);
		free(h->v[i].fetched[0]);
		free(h->v[i].fetched[1]);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static struct cs_disc_host *find_or_add(struct cs_disc_hosts *h, uint32_t addr, int *r)
{
	*r = CS_OK;
	/* Replies come in bursts from few hosts: the last few entries are the likely ones. */
	for (size_t i = h->n; i-- > 0;)
		if (h->v[i].addr == addr)
			return &h->v[i];
	if (h->n == CS_DISC_MAX_HOSTS)
		return NULL;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct cs_disc_host *v = realloc(h->v, cap * sizeof(*v));
		if (v == NULL) {
			*r = CS_ENOMEM;
			return NULL;
		}
		h->v = v;
		h->cap = cap;
	}
	struct cs_disc_host *e = &h->v[h->n++];
	memset(e, 0, sizeof(*e));
	e->addr = addr;
	struct in_addr a = {htonl(addr)};
	inet_ntop(AF_INET, &a, e->ip, sizeof(e->ip));
	return e;
}

int cs_disc_hosts_add(struct cs_disc_hosts *h, const struct cs_udp_reply *r)
{
	int rc;
	size_t same = 0;

	h->replies++;
	struct cs_disc_host *e = find_or_add(h, r->addr, &rc);
	if (e == NULL) {
		h->dropped++;
		return rc;
	}
	e->protos |= 1u << r->proto;
	for (size_t k = 0; k < e->nr; k++) {
		if (e->r[k].proto != r->proto)
			continue;
		if (e->r[k].len == r->len && memcmp(e->r[k].data, r->data, r->len) == 0)
			return CS_OK; /* a repeat of a reply we have */
		same++;
	}
	if (same >= CS_DISC_MAX_PER_PROTO)
		return CS_OK; /* the same answer to another of our Probes: enough of those */
	if (e->nr == CS_DISC_MAX_REPLIES || r->len > CS_DISC_MAX_BYTES - h->bytes) {
		h->dropped++;
		return CS_OK;
	}
	char *copy = malloc(r->len + 1);
	if (copy == NULL)
		return CS_ENOMEM;
	memcpy(copy, r->data, r->len);
	copy[r->len] = '\0';
	e->r[e->nr].proto = r->proto;
	e->r[e->nr].data = copy; /* transferred */
	e->r[e->nr++].len = r->len;
	h->bytes += r->len;
	return CS_OK;
}

static int cmp_host(const void *a, const void *b)
{
	const struct cs_disc_host *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void cs_disc_hosts_sort(struct cs_disc_hosts *h)
{
	if (h->n > 1)
		qsort(h->v, h->n, sizeof(*h->v), cmp_host);
}

size_t cs_disc_host_observe(const struct cs_disc_host *host, struct cs_ident *id)
{
	size_t bad = 0;
	for (size_t k = 0; k < host->nr; k++) {
		struct cs_err err;
		if (cs_disc_observe(id, host->r[k].proto, host->r[k].data, host->r[k].len, &err) !=
		    CS_OK)
			bad++;
	}
	for (size_t k = 0; k < 2; k++) {
		struct cs_err err;
		if (host->fetched[k] != NULL)
			cs_ident_feed(id, CS_IN_HTTP, host->fetched[k], host->fetched_len[k], &err);
	}
	cs_ident_set_address(id, host->ip);
	return bad;
}

void cs_disc_host_ports(const struct cs_disc_host *host, char *buf, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return;
	buf[0] = '\0';
	for (int p = 0; p < CS_DISC_COUNT; p++) {
		if (!(host->protos & (1u << p)))
			continue;
		int k = snprintf(buf + o, cap - o, "%s%u/%s", o ? "," : "",
				 (unsigned)cs_disc_port((enum cs_disc_proto)p),
				 cs_disc_name((enum cs_disc_proto)p));
		if (k < 0 || (size_t)k >= cap - o) {
			buf[o] = '\0'; /* whole entries only */
			break;
		}
		o += (size_t)k;
	}
}
