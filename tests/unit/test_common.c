/* test_common.c - buffers, arena, JSON writer, hashes, the string map and the marker search. */
#include "common/arena.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/strmap.h"
#include "common/tsv.h"
#include "ident/markers.h"
#include "report/device_out.h"
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

TEST(buf_cap_is_enforced)
{
	struct cs_buf b;
	cs_buf_init(&b, 10);
	CHECK_INT(cs_buf_puts(&b, "0123456789"), CS_OK);
	CHECK_INT(cs_buf_putc(&b, 'x'), CS_ETOOBIG);
	CHECK_INT(b.len, 10);
	CHECK_STR(b.data, "0123456789");
	cs_buf_free(&b);
	cs_buf_free(&b); /* freeing twice is safe */
}

TEST(arena_cap_and_reset)
{
	struct cs_arena a;
	cs_arena_init(&a, 1024);
	CHECK(cs_arena_alloc(&a, 2000) == NULL);
	char *s = cs_arena_strdup(&a, CS_SV("hello"));
	CHECK_STR(s, "hello");
	cs_arena_reset(&a);
	int ok = 0;
	for (int i = 0; i < 200; i++)
		ok += cs_arena_strdup(&a, CS_SV("0123456789")) != NULL;
	/* Each string takes one aligned slot: at least 1024/64 fit, and not all 200. */
	CHECK(ok >= 1024 / 64);
	CHECK(ok < 200);
	cs_arena_free(&a);
}

TEST(json_escapes_hostile_strings)
{
	struct cs_buf b;
	struct cs_json j;
	cs_buf_init(&b, 4096);
	cs_json_init(&j, &b, false);
	cs_json_obj_begin(&j);
	cs_json_key(&j, "t");
	static const char hostile[] = "<script>\"\\\x01\xff\xc3\xa9\xe2\x80";
	cs_json_strn(&j, hostile, sizeof(hostile) - 1);
	cs_json_key(&j, "n");
	cs_json_str(&j, NULL);
	cs_json_obj_end(&j);
	CHECK_INT(cs_json_end(&j), CS_OK);
	CHECK_STR(b.data,
		  "{\"t\":\"\\u003cscript\\u003e\\\"\\\\\\u0001\\ufffd\xc3\xa9\\ufffd\\ufffd\","
		  "\"n\":null}");
	cs_buf_free(&b);
}

TEST(json_depth_and_balance_errors)
{
	struct cs_buf b;
	struct cs_json j;
	cs_buf_init(&b, 4096);
	cs_json_init(&j, &b, false);
	for (int i = 0; i < 40; i++)
		cs_json_arr_begin(&j);
	CHECK_INT(cs_json_end(&j), CS_ETOOBIG);
	cs_buf_reset(&b);
	cs_json_init(&j, &b, false);
	cs_json_obj_begin(&j);
	CHECK_INT(cs_json_end(&j), CS_EINVAL);
	cs_buf_free(&b);
}

TEST(hash_known_values)
{
	char md5[33];
	CHECK_INT(cs_md5_hex("", 0, md5), CS_OK);
	CHECK_STR(md5, "d41d8cd98f00b204e9800998ecf8427e");
	CHECK_INT(cs_murmur3_32("", 0, 0), 0);
	CHECK_INT(cs_murmur3_32("hello", 5, 0), 0x248bfa47);
	CHECK_INT(cs_murmur3_32("The quick brown fox jumps over the lazy dog", 43, 0), 0x2e4ff723);
	/* "hello" -> base64 "aGVsbG8=\n" -> mmh3 of that */
	int32_t v;
	CHECK_INT(cs_favicon_mmh3("hello", 5, &v), CS_OK);
	CHECK_INT(v, (int32_t)cs_murmur3_32("aGVsbG8=\n", 9, 0));
}

TEST(favicon_base64_wraps_at_76)
{
	/* 57 bytes encode to exactly 76 characters: one line, one newline. 58 bytes: two lines. */
	unsigned char d[58];
	memset(d, 'A', sizeof(d));
	int32_t v57, v58;
	cs_favicon_mmh3(d, 57, &v57);
	cs_favicon_mmh3(d, 58, &v58);
	char line[78];
	memset(line, 0, sizeof(line));
	for (int i = 0; i < 76; i += 4)
		memcpy(line + i, "QUFB", 4);
	line[76] = '\n';
	CHECK_INT(v57, (int32_t)cs_murmur3_32(line, 77, 0));
	char two[82];
	memcpy(two, line, 77);
	memcpy(two + 77, "QQ==\n", 5);
	CHECK_INT(v58, (int32_t)cs_murmur3_32(two, 82, 0));
}

TEST(strmap_put_get_replace_grow)
{
	struct cs_strmap m;
	cs_strmap_init(&m);
	char k[16];
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(k, sizeof(k), "key%d", i);
		CHECK_INT(cs_strmap_put(&m, cs_sv_make(k, (size_t)n), i), CS_OK);
	}
	int v = -1;
	CHECK(cs_strmap_get(&m, CS_SV("key777"), &v));
	CHECK_INT(v, 777);
	CHECK(!cs_strmap_get(&m, CS_SV("key1000"), &v));
	cs_strmap_put(&m, CS_SV("key5"), 42);
	CHECK(cs_strmap_get(&m, CS_SV("key5"), &v));
	CHECK_INT(v, 42);
	CHECK_INT(m.count, 1000);
	cs_strmap_free(&m);
}

static void collect(void *ctx, int id)
{
	int *hits = ctx;
	hits[id]++;
}

TEST(markers_find_each_marker_once)
{
	struct cs_marker_set *s = cs_markers_new();
	cs_markers_add(s, CS_SV("doc/page/login.asp"), 0);
	cs_markers_add(s, CS_SV("@WebVersion@"), 1);
	cs_markers_add(s, CS_SV("g_szCacheTime"), 2);
	cs_markers_add(s, CS_SV("do"), 3);
	CHECK_INT(cs_markers_add(s, CS_SV("x"), 4), CS_EINVAL);
	CHECK_INT(cs_markers_prepare(s), CS_OK);
	int hits[5] = {0};
	static const char body[] =
		"<script>location='/DOC/Page/Login.asp?_' + x;</script> doc do @webversion@";
	cs_markers_scan(s, cs_sv_make(cs_test_guarded(body, sizeof(body) - 1), sizeof(body) - 1),
			collect, hits);
	CHECK_INT(hits[0], 1);
	CHECK_INT(hits[1], 1);
	CHECK_INT(hits[2], 0);
	CHECK_INT(hits[3], 1);
	/* A marker cut by the end of the text is not found, and nothing reads past it. */
	int h2[5] = {0};
	static const char cut[] = "xx doc/page/login.as";
	cs_markers_scan(s, cs_sv_make(cs_test_guarded(cut, sizeof(cut) - 1), sizeof(cut) - 1),
			collect, h2);
	CHECK_INT(h2[0], 0);
	cs_markers_free(s);
}

TEST(tsv_reads_records_and_reports_lines)
{
	char path[] = "/tmp/cs-tsv-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "# comment\n\na\tb\t-\n  # indented comment\nc\r\n";
	REQUIRE(write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1));
	close(fd);
	struct cs_tsv t;
	struct cs_err err;
	REQUIRE(cs_tsv_open(&t, path, &err) == CS_OK);
	REQUIRE(cs_tsv_next(&t) == 1);
	CHECK_INT(t.nfields, 3);
	CHECK_INT(t.line, 3);
	CHECK(cs_sv_eq(cs_tsv_opt(&t, 1), CS_SV("b")));
	CHECK_INT(cs_tsv_opt(&t, 2).n, 0);
	REQUIRE(cs_tsv_next(&t) == 1);
	CHECK(cs_sv_eq(t.field[0], CS_SV("c")));
	CHECK_INT(cs_tsv_error(&t, &err, "bad %s", "thing"), CS_EDATA);
	CHECK(strstr(err.msg, ":5: bad thing") != NULL);
	CHECK_INT(cs_tsv_next(&t), 0);
	cs_tsv_close(&t);
	unlink(path);
}

TEST(term_safe_neutralises_escapes)
{
	struct cs_buf b;
	cs_buf_init(&b, 256);
	cs_term_safe(&b,
		     "ok\x1b[31mred\x07\xc2\x9b"
		     "2J caf\xc3\xa9",
		     100);
	CHECK_STR(b.data, "ok?[31mred??2J caf\xc3\xa9");
	cs_buf_reset(&b);
	cs_term_safe(&b, "abcdefghij", 4);
	CHECK_STR(b.data, "abcd...");
	/* Bidi overrides, isolates and marks, and line separators, cannot reorder a table;
	 * other non-ASCII text (an en dash, Arabic letters) passes. */
	cs_buf_reset(&b);
	cs_term_safe(&b,
		     "a\xe2\x80\xae"
		     "b\xe2\x81\xa6"
		     "c\xe2\x80\x8f"
		     "d\xd8\x9c"
		     "e\xe2\x80\xa8"
		     "f"
		     "\xe2\x80\x93\xd8\xa8",
		     100);
	CHECK_STR(b.data, "a?b?c?d?e?f\xe2\x80\x93\xd8\xa8");
	cs_buf_free(&b);
}
