/* body.c - chunked transfer decoding and gzip/deflate inflation (see body.h). */
#include "proto/body.h"

#include "common/err.h"

#include <string.h>
#include <zlib.h>

/* e.g. "1a3;ext=1\r\n<0x1a3 bytes>\r\n0\r\n\r\n" */
int cs_body_dechunk(struct cs_sv in, struct cs_buf *out)
{
	size_t i = 0;
	while (i < in.n) {
		size_t size = 0, digits = 0;
		while (i < in.n && cs_hexval((unsigned char)in.p[i]) >= 0) {
			if (size > (SIZE_MAX >> 4))
				return CS_EPARSE;
			size = size << 4 | (size_t)cs_hexval((unsigned char)in.p[i]);
			i++;
			digits++;
		}
		if (digits == 0)
			return CS_EPARSE;
		const char *nl = memchr(in.p + i, '\n', in.n - i);
		if (nl == NULL)
			return CS_EAGAIN;
		i = (size_t)(nl - in.p) + 1;
		if (size == 0)
			return CS_OK;
		size_t take = size < in.n - i ? size : in.n - i; /* never past what was captured */
		int r = cs_buf_append(out, in.p + i, take);
		if (r != CS_OK)
			return r;
		i += take;
		if (take < size)
			return CS_EAGAIN;
		if (i < in.n && in.p[i] == '\r')
			i++;
		if (i < in.n && in.p[i] == '\n')
			i++;
	}
	return CS_EAGAIN;
}

int cs_body_inflate(struct cs_sv in, struct cs_buf *out)
{
	z_stream z;
	unsigned char chunk[16384];
	int r = CS_OK;
	memset(&z, 0, sizeof(z));
	/* 15 + 32: zlib or gzip header, detected. A stream with neither is raw deflate. */
	bool raw = in.n >= 2 &&
		   !((unsigned char)in.p[0] == 0x1f && (unsigned char)in.p[1] == 0x8b) &&
		   (((unsigned char)in.p[0] << 8 | (unsigned char)in.p[1]) % 31 != 0);
	if (inflateInit2(&z, raw ? -15 : 15 + 32) != Z_OK)
		return CS_ENOMEM;
	z.next_in = (Bytef *)(uintptr_t)in.p;
	z.avail_in = in.n > UINT32_MAX ? UINT32_MAX : (uInt)in.n;
	for (;;) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		int zr = inflate(&z, Z_NO_FLUSH);
		size_t got = sizeof(chunk) - z.avail_out;
		if (got > 0 && (r = cs_buf_append(out, chunk, got)) != CS_OK)
			break;
		if (zr == Z_STREAM_END) {
			r = CS_OK;
			break;
		}
		if (zr == Z_BUF_ERROR || (zr == Z_OK && z.avail_in == 0 && got == 0)) {
			r = CS_EAGAIN;
			break;
		}
		if (zr != Z_OK) {
			r = CS_EPARSE;
			break;
		}
	}
	inflateEnd(&z);
	return r;
}
