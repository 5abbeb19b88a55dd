/* test_kvflat.c - key=value replies (Dahua CGI, Axis param.cgi): leaves, leniency and limits. */
#include "leaf_test.h"
#include "test.h"

#include "common/buf.h"
#include "common/err.h"
#include "proto/kvflat.h"

#include <stdlib.h>

static char *flatten(const char *s, size_t n, int *rc)
{
	struct cs_buf b;
	struct cs_err err = {0};
	cs_buf_init(&b, 4 << 20);
	cs_buf_append(&b, "", 0);
	*rc = cs_kv_flatten(cs_test_guarded(s, n), n, cs_test_leaf_collect, &b, &err);
	return cs_buf_steal(&b);
}

static char *flatten_fixture(const char *name, int *rc)
{
	size_t n;
	char *doc = cs_test_read_fixture(name, &n);
	if (doc == NULL) {
		*rc = CS_EIO;
		return NULL;
	}
	char *out = flatten(doc, n, rc);
	free(doc);
	return out;
}

TEST(kv_dahua_magicbox)
{
	static const struct {
		const char *fixture, *want;
	} cases[] = {
		{"dahua-cgi/magicbox.txt", "deviceType|deviceType|IPC-HFW2228M-I1-V2\n"
					   "hardwareVersion|hardwareVersion|1.00\n"
					   "serialNumber|serialNumber|4J0186FPAG00123\n"
					   "updateSerial|updateSerial|IPC-HFW2228M-I1-V2\n"},
		{"dahua-cgi/magicbox-devicetype.txt", "type|type|IPC\n"},
		{"dahua-cgi/magicbox-serialno.txt", "sn|sn|4J0186FPAG00123\n"},
		{"dahua-cgi/magicbox-softwareversion.txt",
		 "version|version|2.800.0000018.0.R,build:2021-04-15\n"},
		{"dahua-cgi/configmanager-general.txt",
		 "table/General/LocalNo|LocalNo|8\n"
		 "table/General/LockLoginEnable|LockLoginEnable|false\n"
		 "table/General/LockLoginTimes|LockLoginTimes|5\n"
		 "table/General/LoginFailLockTime|LoginFailLockTime|1800\n"
		 "table/General/MachineAddress|MachineAddress|\n"
		 "table/General/MachineName|MachineName|4J0186FPAG00123\n"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		int rc;
		char *got = flatten_fixture(cases[i].fixture, &rc);
		REQUIRE(got != NULL);
		CHECK_INT(rc, 0);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
}

TEST(kv_axis_param_cgi)
{
	int rc;
	char *got = flatten_fixture("axis/param-brand.txt", &rc);
	REQUIRE(got != NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "root/Brand/Brand|Brand|AXIS\n"
		       "root/Brand/ProdFullName|ProdFullName|AXIS P3245-V Network Camera\n"
		       "root/Brand/ProdNbr|ProdNbr|P3245-V\n"
		       "root/Brand/ProdShortName|ProdShortName|AXIS P3245-V\n"
		       "root/Brand/ProdType|ProdType|Network Camera\n"
		       "root/Brand/ProdVariant|ProdVariant|\n"
		       "root/Brand/WebURL|WebURL|http://www.axis.com\n");
	free(got);
}

TEST(kv_lenient_lines)
{
	static const struct {
		const char *doc, *want;
		int rc;
	} cases[] = {
		/* blank lines, junk lines, an '=' inside the value, spaces, no final newline */
		{"\r\n  \r\nHTTP junk\r\n a.b = c=d \r\n=nokey\r\nlast=1",
		 "a/b|b|c=d\nlast|last|1\n", 0},
		/* a trailing dot gives an empty name */
		{"a.=1\n", "a/||1\n", 0},
		/* nothing parses: a Dahua error page */
		{"Error\r\nBad Request!\r\n", "", CS_EPARSE},
		{"", "", CS_EPARSE},
		{"\r\n\r\n", "", CS_EPARSE},
		{"=\n", "", CS_EPARSE},
		/* a byte order mark */
		{"\xef\xbb\xbfsn=X\r\n", "sn|sn|X\n", 0},
		/* bytes are passed through as they are */
		{"name=\xff\xfe\xc3\xa9\n", "name|name|\xff\xfe\xc3\xa9\n", 0},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		int rc;
		char *got = flatten(cases[i].doc, strlen(cases[i].doc), &rc);
		CHECK_INT(rc, cases[i].rc);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
}

TEST(kv_skips_nul_and_long_lines)
{
	struct cs_buf doc, out;
	struct cs_err err = {0};
	cs_buf_init(&doc, 1 << 20);
	cs_buf_puts(&doc, "a=1\n");
	cs_buf_append(&doc, "b=x\0y\n", 6);
	cs_buf_puts(&doc, "c=");
	for (int i = 0; i < CS_FLAT_MAX_VALUE; i++)
		cs_buf_putc(&doc, 'v');
	cs_buf_puts(&doc, "\nd=2\n");
	cs_buf_init(&out, 1 << 20);
	CHECK_INT(cs_kv_flatten(cs_test_guarded(doc.data, doc.len), doc.len, cs_test_leaf_collect,
				&out, &err),
		  0);
	CHECK_STR(out.data, "a|a|1\nd|d|2\n");
	cs_buf_free(&doc);
	cs_buf_free(&out);

	/* A line of exactly CS_FLAT_MAX_VALUE bytes is kept. */
	cs_buf_init(&doc, 1 << 20);
	cs_buf_puts(&doc, "k=");
	for (int i = 0; i < CS_FLAT_MAX_VALUE - 2; i++)
		cs_buf_putc(&doc, 'v');
	size_t leaves = 0;
	CHECK_INT(cs_kv_flatten(cs_test_guarded(doc.data, doc.len), doc.len, cs_test_leaf_count,
				&leaves, &err),
		  0);
	CHECK_INT(leaves, 1);
	cs_buf_free(&doc);
}

TEST(kv_every_truncation)
{
	static const char *const names[] = {"dahua-cgi/magicbox.txt", "axis/param-brand.txt",
					    "dahua-cgi/configmanager-general.txt"};
	for (size_t f = 0; f < CS_ARRAY_SIZE(names); f++) {
		size_t n, full = 0;
		char *doc = cs_test_read_fixture(names[f], &n);
		REQUIRE(doc != NULL);
		CHECK_INT(
			cs_kv_flatten(cs_test_guarded(doc, n), n, cs_test_leaf_count, &full, NULL),
			0);
		for (size_t i = 0; i < n; i++) {
			size_t leaves = 0;
			int rc = cs_kv_flatten(cs_test_guarded(doc, i), i, cs_test_leaf_count,
					       &leaves, NULL);
			const char *eq = memchr(doc, '=', i);
			/* Parsed as soon as the first '=' is in; an error before that. */
			int want = eq != NULL ? 0 : CS_EPARSE;
			if (rc != want || leaves > full) {
				cs_test_fail(__FILE__, __LINE__, "%s cut at %zu: rc %d, %zu leaves",
					     names[f], i, rc, leaves);
				break;
			}
		}
		free(doc);
	}
}

TEST(kv_limits)
{
	size_t n = CS_FLAT_MAX_INPUT + 1, leaves = 0;
	char *doc = malloc(n);
	struct cs_err err = {0};
	REQUIRE(doc != NULL);
	memset(doc, '\n', n);
	memcpy(doc, "a=1", 3);
	CHECK_INT(cs_kv_flatten(cs_test_guarded(doc, n), n, cs_test_leaf_count, &leaves, &err),
		  CS_ETOOBIG);
	CHECK_INT(leaves, 0);
	free(doc);

	struct cs_buf b;
	cs_buf_init(&b, 1 << 20);
	for (int i = 0; i <= CS_FLAT_MAX_LEAVES; i++)
		cs_buf_puts(&b, "k=v\n");
	leaves = 0;
	CHECK_INT(cs_kv_flatten(cs_test_guarded(b.data, b.len), b.len, cs_test_leaf_count, &leaves,
				&err),
		  CS_ETOOBIG);
	CHECK_INT(leaves, CS_FLAT_MAX_LEAVES);
	cs_buf_free(&b);
}

static int stop_now(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value)
{
	(void)ctx, (void)path, (void)name, (void)value;
	return 5;
}

TEST(kv_callback_stops_walk)
{
	CHECK_INT(cs_kv_flatten(cs_test_guarded("a=1\nb=2\n", 8), 8, stop_now, NULL, NULL), 5);
}
