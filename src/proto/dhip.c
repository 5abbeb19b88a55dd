/*
 * dhip.c - Dahua DHIP framing: find the JSON body of a reply, build the discovery request.
 *
 * e.g. a reply to DHDiscover.search on UDP 37810:
 *   20 00 00 00 44 48 49 50 00 00 00 00 00 00 00 00  L L L L 00 00 00 00 L L L L 00 00 00 00
 *   {"mac":"3c:ef:8c:61:01:c0","method":"client.notifyDevInfo","params":{"deviceInfo":{...}}}
 * The two length fields come from the device; both are checked against the datagram size.
 */
#include "proto/dhip.h"

#include "common/err.h"

#include <string.h>

static const unsigned char dhip_magic[8] = {0x20, 0x00, 0x00, 0x00, 'D', 'H', 'I', 'P'};

static const char search_body[] =
	"{\"method\":\"DHDiscover.search\",\"params\":{\"mac\":\"\",\"uni\":1}}";

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static bool is_pad(unsigned char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct cs_sv strip(const unsigned char *p, size_t n)
{
	while (n > 0 && is_pad(p[0])) {
		p++;
		n--;
	}
	while (n > 0 && is_pad(p[n - 1]))
		n--;
	return cs_sv_make((const char *)p, n);
}

int cs_dhip_parse(const unsigned char *p, size_t n, struct cs_sv *json_out,
		  struct cs_dhip_header *hdr)
{
	struct cs_dhip_header scratch;

	if (hdr == NULL)
		hdr = &scratch;
	memset(hdr, 0, sizeof(*hdr));
	*json_out = cs_sv_make(NULL, 0);
	if (p == NULL)
		return CS_EINVAL;

	size_t cmp = n < sizeof(dhip_magic) ? n : sizeof(dhip_magic);
	if (n > 0 && memcmp(p, dhip_magic, cmp) == 0) {
		if (n < CS_DHIP_HEADER_LEN)
			return CS_EAGAIN;
		hdr->framed = true;
		hdr->session = get_le32(p + 0x08);
		hdr->id = get_le32(p + 0x0c);
		hdr->len = get_le32(p + 0x10);
		hdr->len2 = get_le32(p + 0x18);

		size_t avail = n - CS_DHIP_HEADER_LEN;
		size_t use = hdr->len;
		if (hdr->len != hdr->len2) {
			size_t lo = hdr->len < hdr->len2 ? hdr->len : hdr->len2;
			size_t hi = hdr->len < hdr->len2 ? hdr->len2 : hdr->len;
			hdr->len_mismatch = true;
			use = lo <= avail ? lo : hi; /* hi > avail whenever lo does not fit */
		}
		if (use > avail) {
			use = avail;
			hdr->truncated = true;
		}
		hdr->body_len = use;
		*json_out = strip(p + CS_DHIP_HEADER_LEN, use);
		return CS_OK;
	}

	/* Not DHIP: a bare JSON body, as a TCP JSON-RPC stream or a capture may hold. */
	size_t i = 0;
	while (i < n && is_pad(p[i]))
		i++;
	if (i == n || p[i] != '{')
		return CS_EPARSE;
	hdr->body_len = n;
	*json_out = strip(p, n);
	return CS_OK;
}

int cs_dhip_build_search(unsigned char *buf, size_t cap, size_t *len)
{
	size_t body = sizeof(search_body) - 1;

	if (buf == NULL || len == NULL)
		return CS_EINVAL;
	if (cap < CS_DHIP_HEADER_LEN + body)
		return CS_ETOOBIG;
	memset(buf, 0, CS_DHIP_HEADER_LEN);
	memcpy(buf, dhip_magic, sizeof(dhip_magic));
	put_le32(buf + 0x10, (uint32_t)body);
	put_le32(buf + 0x18, (uint32_t)body);
	memcpy(buf + CS_DHIP_HEADER_LEN, search_body, body);
	*len = CS_DHIP_HEADER_LEN + body;
	return CS_OK;
}
