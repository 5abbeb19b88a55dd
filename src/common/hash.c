/* hash.c - MD5 (through OpenSSL) and the MurmurHash3-of-base64 favicon hash (see hash.h). */
#include "common/hash.h"

#include "common/err.h"
#include "common/str.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

int cs_md5_hex(const void *p, size_t n, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (EVP_Digest(p, n, md, &len, EVP_md5(), NULL) != 1 || len != 16)
		return CS_EINVAL;
	cs_hex_encode(out, md, 16);
	return CS_OK;
}

static uint32_t rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

uint32_t cs_murmur3_32(const void *key, size_t len, uint32_t seed)
{
	const unsigned char *data = key;
	const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
	uint32_t h = seed;
	size_t nblocks = len / 4;
	for (size_t i = 0; i < nblocks; i++) {
		uint32_t k = (uint32_t)data[4 * i] | (uint32_t)data[4 * i + 1] << 8 |
			     (uint32_t)data[4 * i + 2] << 16 | (uint32_t)data[4 * i + 3] << 24;
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
		h = rotl32(h, 13);
		h = h * 5 + 0xe6546b64;
	}
	const unsigned char *tail = data + nblocks * 4;
	uint32_t k = 0;
	switch (len & 3) {
	case 3:
		k ^= (uint32_t)tail[2] << 16;
		/* fall through */
	case 2:
		k ^= (uint32_t)tail[1] << 8;
		/* fall through */
	case 1:
		k ^= tail[0];
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
	}
	h ^= (uint32_t)len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

int cs_favicon_mmh3(const void *p, size_t n, int32_t *out)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (n > 16 * 1024 * 1024)
		return CS_ETOOBIG;
	size_t enc = (n + 2) / 3 * 4;
	size_t total = enc + enc / 76 + 1 + 1;
	char *s = malloc(total);
	if (s == NULL)
		return CS_ENOMEM;
	const unsigned char *d = p;
	size_t o = 0, col = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)d[i + 1] << 8;
		if (i + 2 < n)
			v |= d[i + 2];
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63],
			     i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
		for (int k = 0; k < 4; k++) {
			s[o++] = q[k];
			if (++col == 76) {
				s[o++] = '\n';
				col = 0;
			}
		}
	}
	if (col != 0)
		s[o++] = '\n';
	*out = (int32_t)cs_murmur3_32(s, o, 0);
	free(s);
	return CS_OK;
}
