/*
 * test_ubnt.c - Ubiquiti discovery replies (UDP 10001): the TLV walk on guard pages, every
 * truncation, lying lengths, and identification from the reply alone.
 */
#include "test.h"

#include "common/buf.h"
#include "common/err.h"
#include "ident/ident.h"
#include "leaf_test.h"
#include "proto/ubnt.h"

#include <stdlib.h>

/* Append one TLV. */
static size_t tlv(unsigned char *p, size_t at, unsigned type, const void *v, size_t n)
{
	p[at] = (unsigned char)type;
	p[at + 1] = (unsigned char)(n >> 8);
	p[at + 2] = (unsigned char)n;
	memcpy(p + at + 3, v, n);
	return at + 3 + n;
}

/* A UniFi camera's v1 reply, in the shape nmap's UbiquitiDiscoveryv1 matches describe. */
static size_t camera_reply(unsigned char *p)
{
	static const unsigned char mac[6] = {0x24, 0x5a, 0x4c, 0x01, 0x02, 0x03};
	static const unsigned char macip[10] = {0x24, 0x5a, 0x4c, 0x01, 0x02, 0x03, 192, 0, 2, 7};
	static const unsigned char up[4] = {0, 0, 0x1c, 0x20};
	size_t n = 4;
	p[0] = 1;
	p[1] = 0;
	n = tlv(p, n, 0x02, macip, sizeof(macip));
	n = tlv(p, n, 0x01, mac, sizeof(mac));
	n = tlv(p, n, 0x0a, up, sizeof(up));
	n = tlv(p, n, 0x0b, "UVC-G4-Bullet", 13);
	n = tlv(p, n, 0x0c, "UVC-G4-Bullet", 13);
	n = tlv(p, n, 0x03, "UVC.s5l.v4.47.13.0.220114.1600", 30);
	n = tlv(p, n, 0x14, "UVC G4 Bullet", 13);
	p[2] = (unsigned char)((n - 4) >> 8);
	p[3] = (unsigned char)(n - 4);
	return n;
}

TEST(ubnt_camera_reply_leaves)
{
	unsigned char raw[256];
	size_t n = camera_reply(raw);
	struct cs_buf out;
	struct cs_ubnt_info info;
	cs_buf_init(&out, 4096);
	cs_buf_append(&out, "", 0);
	const unsigned char *p = (const unsigned char *)cs_test_guarded(raw, n);
	CHECK_INT(cs_ubnt_parse(p, n, cs_test_leaf_collect, &out, &info), 0);
	CHECK_INT(info.version, 1);
	CHECK_INT(info.tlvs, 7);
	CHECK(!info.truncated);
	CHECK_STR(out.data, "ubnt/mac|mac|24:5a:4c:01:02:03\n"
			    "ubnt/ip|ip|192.0.2.7\n"
			    "ubnt/mac|mac|24:5a:4c:01:02:03\n"
			    "ubnt/hostname|hostname|UVC-G4-Bullet\n"
			    "ubnt/platform|platform|UVC-G4-Bullet\n"
			    "ubnt/firmware|firmware|UVC.s5l.v4.47.13.0.220114.1600\n"
			    "ubnt/model|model|UVC G4 Bullet\n");
	cs_buf_free(&out);
}

TEST(ubnt_every_truncation_and_lying_lengths)
{
	unsigned char raw[256];
	size_t n = camera_reply(raw), leaves;
	for (size_t cut = 0; cut < n; cut++) {
		const unsigned char *p = (const unsigned char *)cs_test_guarded(raw, cut);
		struct cs_ubnt_info info;
		leaves = 0;
		int r = cs_ubnt_parse(p, cut, cs_test_leaf_count, &leaves, &info);
		/* Too short for one TLV: not a reply; else what was whole is read, and the cut
		 * is reported. */
		if (cut < 4 + 3 + 10)
			CHECK_INT(r, CS_EPARSE);
		else
			CHECK(r == 0 && info.truncated && info.tlvs >= 1);
	}
	/* A payload length far beyond the bytes, and a TLV that claims 65535 bytes. */
	unsigned char lie[256];
	memcpy(lie, raw, n);
	lie[2] = 0xff;
	lie[3] = 0xff;
	struct cs_ubnt_info info;
	leaves = 0;
	CHECK_INT(cs_ubnt_parse((const unsigned char *)cs_test_guarded(lie, n), n,
				cs_test_leaf_count, &leaves, &info),
		  0);
	CHECK(info.truncated);
	CHECK_INT(leaves, 7);
	memcpy(lie, raw, n);
	lie[5] = 0xff; /* the first TLV's length: 0xff0a */
	leaves = 0;
	CHECK_INT(cs_ubnt_parse((const unsigned char *)cs_test_guarded(lie, n), n,
				cs_test_leaf_count, &leaves, &info),
		  CS_EPARSE);
	CHECK_INT(leaves, 0);
	/* Not a reply: the inquiry itself, other versions, a v1 request command. */
	static const unsigned char inquiry[4] = {1, 0, 0, 0};
	CHECK_INT(cs_ubnt_parse((const unsigned char *)cs_test_guarded(inquiry, 4), 4,
				cs_test_leaf_count, &leaves, NULL),
		  CS_EPARSE);
	memcpy(lie, raw, n);
	lie[0] = 3;
	CHECK_INT(cs_ubnt_parse(lie, n, cs_test_leaf_count, &leaves, NULL), CS_EPARSE);
	lie[0] = 1;
	lie[1] = 8;
	CHECK_INT(cs_ubnt_parse(lie, n, cs_test_leaf_count, &leaves, NULL), CS_EPARSE);
}

TEST(ubnt_reply_identifies_the_camera)
{
	struct cs_kb_opts o = {getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data", "", NULL};
	struct cs_kb *kb = NULL;
	struct cs_ident *id = NULL;
	struct cs_err err;
	struct cs_device d;
	unsigned char raw[256];
	size_t n = camera_reply(raw);
	REQUIRE(cs_kb_load(&kb, &o, &err) == CS_OK);
	REQUIRE(cs_ident_new(&id, kb) == CS_OK);
	CHECK_INT(cs_input_detect((const char *)raw, n), CS_IN_UBNT);
	CHECK_INT(cs_ident_feed(id, CS_IN_AUTO, (const char *)raw, n, &err), 0);
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Ubiquiti");
	CHECK_STR(d.basis, "hardware");
	CHECK_STR(d.model, "UVC G4 Bullet");
	CHECK_STR(d.mac, "24:5a:4c:01:02:03");
	CHECK(d.firmware != NULL);
	CHECK_INT(d.type, CS_DT_CAMERA);
	/* Garbage of the same first bytes is no reply, and says nothing. */
	cs_ident_reset(id);
	CHECK_INT(cs_ident_feed(id, CS_IN_UBNT, "\x01\x00\x00\x01x", 5, &err), CS_EPARSE);
	cs_ident_free(id);
	cs_kb_free(kb);
}
