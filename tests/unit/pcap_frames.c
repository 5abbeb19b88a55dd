/*
 * pcap_frames.c - test frame builders and capture writers (see pcap_frames.h). Checksums are
 * left zero: camsweep does not verify them, as a capture taken on the sending host (offload)
 * has them unset too.
 */
#include "pcap_frames.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Ethernet and IP headers; returns the offset of the transport header. */
static size_t l2l3(struct fr *f, const struct fr_addr *s, const struct fr_addr *d, int vlan,
		   int proto, size_t l4len)
{
	uint8_t *p = f->b;
	size_t o = 0;
	memcpy(p, d->mac, 6);
	memcpy(p + 6, s->mac, 6);
	o = 12;
	if (vlan > 0) {
		put16(p + o, 0x8100);
		put16(p + o + 2, (unsigned)vlan & 0xfff);
		o += 4;
	}
	put16(p + o, s->ver == 4 ? 0x0800 : 0x86dd);
	o += 2;
	if (s->ver == 4) {
		memset(p + o, 0, 20);
		p[o] = 0x45;
		put16(p + o + 2, (unsigned)(20 + l4len));
		p[o + 8] = 64;
		p[o + 9] = (uint8_t)proto;
		memcpy(p + o + 12, s->ip, 4);
		memcpy(p + o + 16, d->ip, 4);
		o += 20;
	} else {
		memset(p + o, 0, 40);
		p[o] = 0x60;
		put16(p + o + 4, (unsigned)l4len);
		p[o + 6] = (uint8_t)proto;
		p[o + 7] = 64;
		memcpy(p + o + 8, s->ip, 16);
		memcpy(p + o + 24, d->ip, 16);
		o += 40;
	}
	return o;
}

void fr_udp(struct fr *f, const struct fr_addr *src, const struct fr_addr *dst, int vlan,
	    const void *payload, size_t n)
{
	size_t o = l2l3(f, src, dst, vlan, 17, 8 + n);
	put16(f->b + o, src->port);
	put16(f->b + o + 2, dst->port);
	put16(f->b + o + 4, (unsigned)(8 + n));
	put16(f->b + o + 6, 0);
	memcpy(f->b + o + 8, payload, n);
	f->n = o + 8 + n;
}

void fr_tcp(struct fr *f, const struct fr_addr *src, const struct fr_addr *dst, uint8_t flags,
	    uint32_t seq, const void *payload, size_t n)
{
	size_t o = l2l3(f, src, dst, 0, 6, 20 + n);
	memset(f->b + o, 0, 20);
	put16(f->b + o, src->port);
	put16(f->b + o + 2, dst->port);
	put32(f->b + o + 4, seq);
	f->b[o + 12] = 5 << 4;
	f->b[o + 13] = flags;
	put16(f->b + o + 14, 65535);
	if (n > 0)
		memcpy(f->b + o + 20, payload, n);
	f->n = o + 20 + n;
}

void fr_relink(struct fr *f, int link)
{
	uint8_t tmp[FR_MAX];
	uint8_t src[6];
	size_t off = 12;
	unsigned et = (unsigned)(f->b[12] << 8 | f->b[13]);
	memcpy(src, f->b + 6, 6);
	while (et == 0x8100) {
		off += 4;
		et = (unsigned)(f->b[off] << 8 | f->b[off + 1]);
	}
	off += 2;
	size_t n = f->n - off, h = 0;
	if (link == 113) {
		memset(tmp, 0, 16);
		put16(tmp + 2, 1);
		put16(tmp + 4, 6);
		memcpy(tmp + 6, src, 6);
		put16(tmp + 14, et);
		h = 16;
	} else if (link == 276) {
		memset(tmp, 0, 20);
		put16(tmp, et);
		put16(tmp + 8, 1);
		tmp[11] = 6;
		memcpy(tmp + 12, src, 6);
		h = 20;
	}
	memcpy(tmp + h, f->b + off, n);
	memcpy(f->b, tmp, h + n);
	f->n = h + n;
}

struct fr_file {
	pcap_t *pc;
	pcap_dumper_t *d;
	long t;
};

struct fr_file *fr_open(const char *path, int link)
{
	struct fr_file *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->pc = pcap_open_dead(link, 65535);
	w->d = w->pc != NULL ? pcap_dump_open(w->pc, path) : NULL;
	if (w->d == NULL) {
		if (w->pc != NULL)
			pcap_close(w->pc);
		free(w);
		return NULL;
	}
	w->t = 1700000000;
	return w;
}

void fr_write(struct fr_file *w, const struct fr *f, size_t caplen)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = w->t++;
	h.len = (bpf_u_int32)f->n;
	h.caplen = (bpf_u_int32)(caplen < f->n ? caplen : f->n);
	pcap_dump((u_char *)w->d, &h, f->b);
}

void fr_close(struct fr_file *w)
{
	if (w == NULL)
		return;
	pcap_dump_close(w->d);
	pcap_close(w->pc);
	free(w);
}
