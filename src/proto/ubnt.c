/*
 * ubnt.c - Ubiquiti discovery replies (ubnt.h): a bounded TLV walk into leaves.
 */
#include "proto/ubnt.h"

#include "common/err.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
	UBNT_HEAD = 4,
	TLV_HEAD = 3,
};

static const struct {
	uint8_t type;
	const char *name;
} fields[] = {
	{0x03, "firmware"}, {0x0b, "hostname"}, {0x0c, "platform"}, {0x0d, "essid"},
	{0x14, "model"},    {0x15, "model"},	{0x16, "firmware"},
};

static int emit(cs_leaf_fn fn, void *ctx, const char *name, struct cs_sv value)
{
	char path[32];
	int k = snprintf(path, sizeof(path), "ubnt/%s", name);
	if (k < 0 || (size_t)k >= sizeof(path))
		return CS_EINVAL;
	return fn(ctx, cs_sv_make(path, (size_t)k), cs_sv_cstr(name), value);
}

static int emit_mac(cs_leaf_fn fn, void *ctx, const unsigned char *m)
{
	char s[18];
	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return emit(fn, ctx, "mac", cs_sv_make(s, 17));
}

static int emit_ip(cs_leaf_fn fn, void *ctx, const unsigned char *a)
{
	char s[16];
	int k = snprintf(s, sizeof(s), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return emit(fn, ctx, "ip", cs_sv_make(s, (size_t)k));
}

static int one_tlv(uint8_t type, const unsigned char *v, size_t len, cs_leaf_fn fn, void *ctx)
{
	if (type == 0x01 && len == 6)
		return emit_mac(fn, ctx, v);
	if (type == 0x02 && len == 10) {
		int r = emit_mac(fn, ctx, v);
		return r != 0 ? r : emit_ip(fn, ctx, v + 6);
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(fields); i++)
		if (fields[i].type == type && len > 0)
			return emit(fn, ctx, fields[i].name, cs_sv_make((const char *)v, len));
	return 0;
}

int cs_ubnt_parse(const unsigned char *p, size_t n, cs_leaf_fn fn, void *ctx,
		  struct cs_ubnt_info *info)
{
	struct cs_ubnt_info local;
	if (info == NULL)
		info = &local;
	memset(info, 0, sizeof(*info));
	if (n < UBNT_HEAD + TLV_HEAD || (p[0] != 1 && p[0] != 2) || (p[0] == 1 && p[1] != 0))
		return CS_EPARSE;
	info->version = p[0];
	size_t len = (size_t)p[2] << 8 | p[3];
	if (len > n - UBNT_HEAD) {
		len = n - UBNT_HEAD; /* never past the bytes present */
		info->truncated = true;
	}
	const unsigned char *q = p + UBNT_HEAD, *end = q + len;
	while ((size_t)(end - q) >= TLV_HEAD) {
		uint8_t type = q[0];
		size_t vlen = (size_t)q[1] << 8 | q[2];
		q += TLV_HEAD;
		if (vlen > (size_t)(end - q)) {
			info->truncated = true;
			break;
		}
		info->tlvs++;
		int r = one_tlv(type, q, vlen, fn, ctx);
		if (r != 0)
			return r;
		q += vlen;
	}
	return info->tlvs > 0 ? 0 : CS_EPARSE;
}
