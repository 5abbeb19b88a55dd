/* test_body.c - chunked and compressed HTTP bodies: good, truncated, lying and bomb inputs. */
#include "common/err.h"
#include "proto/body.h"
#include "test.h"

#include <stdlib.h>
#include <zlib.h>

static const char chunked[] = "1a\r\n<title>WEB SERVICE</title>\r\n"
			      "5;ext=\"x\"\r\n<br/>\r\n"
			      "0\r\n\r\n";

TEST(body_dechunk_good_and_every_truncation)
{
	struct cs_buf b;
	cs_buf_init(&b, 1024);
	size_t n = sizeof(chunked) - 1;
	CHECK_INT(cs_body_dechunk(cs_sv_make(cs_test_guarded(chunked, n), n), &b), CS_OK);
	CHECK_STR(b.data, "<title>WEB SERVICE</title><br/>");
	for (size_t cut = 0; cut < n; cut++) {
		cs_buf_reset(&b);
		int r = cs_body_dechunk(cs_sv_make(cs_test_guarded(chunked, cut), cut), &b);
		CHECK(r == CS_EAGAIN || r == CS_EPARSE || (r == CS_OK && cut >= n - 2));
		CHECK(b.len <= 31);
	}
	cs_buf_free(&b);
}

TEST(body_dechunk_lying_and_bad_sizes)
{
	struct cs_buf b;
	cs_buf_init(&b, 64);
	/* A chunk claiming far more than was captured yields what is there. */
	static const char lie[] = "ffffffff\r\nshort";
	CHECK_INT(cs_body_dechunk(cs_sv_make(lie, sizeof(lie) - 1), &b), CS_EAGAIN);
	CHECK_STR(b.data, "short");
	cs_buf_reset(&b);
	static const char overflow[] = "fffffffffffffffffffff\r\nx";
	CHECK_INT(cs_body_dechunk(cs_sv_make(overflow, sizeof(overflow) - 1), &b), CS_EPARSE);
	static const char nohex[] = "zz\r\nx";
	CHECK_INT(cs_body_dechunk(cs_sv_make(nohex, sizeof(nohex) - 1), &b), CS_EPARSE);
	/* Past the cap: the buffer refuses and nothing overflows. */
	char big[200];
	memset(big, 'a', sizeof(big));
	memcpy(big, "a0\r\n", 4);
	CHECK_INT(cs_body_dechunk(cs_sv_make(big, sizeof(big)), &b), CS_ETOOBIG);
	cs_buf_free(&b);
}

static size_t deflate_with(const char *in, size_t n, unsigned char *out, size_t cap, int wbits)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	size_t got = cap - z.avail_out;
	deflateEnd(&z);
	return got;
}

TEST(body_inflate_gzip_zlib_and_raw)
{
	static const char text[] =
		"<script src=\"jsBase/lib/jquery.js?version=@WebVersion@\"></script>";
	unsigned char z[256];
	static const int wbits[] = {15 + 16, 15, -15}; /* gzip, zlib, raw */
	for (size_t k = 0; k < 3; k++) {
		size_t zn = deflate_with(text, sizeof(text) - 1, z, sizeof(z), wbits[k]);
		struct cs_buf b;
		cs_buf_init(&b, 4096);
		CHECK_INT(cs_body_inflate(cs_sv_make(cs_test_guarded(z, zn), zn), &b), CS_OK);
		CHECK_STR(b.data, text);
		for (size_t cut = 0; cut < zn; cut++) {
			cs_buf_reset(&b);
			int r = cs_body_inflate(cs_sv_make(cs_test_guarded(z, cut), cut), &b);
			CHECK(r == CS_EAGAIN || r == CS_EPARSE);
		}
		cs_buf_free(&b);
	}
}

TEST(body_inflate_bomb_stops_at_cap)
{
	size_t n = 8 << 20;
	char *zeros = calloc(1, n);
	unsigned char *z = malloc(64 * 1024);
	size_t zn = deflate_with(zeros, n, z, 64 * 1024, 15 + 16);
	CHECK(zn < 64 * 1024);
	struct cs_buf b;
	cs_buf_init(&b, 1 << 20);
	CHECK_INT(cs_body_inflate(cs_sv_make((const char *)z, zn), &b), CS_ETOOBIG);
	CHECK(b.len <= 1 << 20);
	cs_buf_reset(&b);
	CHECK_INT(cs_body_inflate(CS_SV("\x1f\x8b\x08\x00garbage-not-deflate"), &b), CS_EPARSE);
	cs_buf_free(&b);
	free(zeros);
	free(z);
}
