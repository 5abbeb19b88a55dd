/* test_html.c - page titles of device web interfaces, and entity decoding into bounded buffers. */
#include "test.h"

#include "common/err.h"
#include "common/json.h"
#include "proto/html.h"

#include <stdlib.h>

/* The start of a Xiongmai (NETSurveillance) login page, as such devices serve it. */
static const char xm_page[] =
	"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	"\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\r\n"
	"<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n"
	"<head>\r\n"
	"    <meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\" />\r\n"
	"    <link rel=\"stylesheet\" type=\"text/css\" media=\"screen\" href=\"m.css\" />\r\n"
	"    \r\n"
	"    <title>NETSurveillance WEB</title>\r\n"
	"    <!-- m.js -->\r\n"
	"    <script type=\"text/javascript\">var bCrossBrow=false;</script>\r\n";

static const char *title_of(const char *s, size_t n, char *out, size_t cap)
{
	struct cs_sv t;
	if (cs_html_title(cs_test_guarded(s, n), n, &t) != CS_OK)
		return "NOTFOUND";
	cs_sv_copy(out, cap, t);
	return out;
}

TEST(html_title_found)
{
	char out[256];
	CHECK_STR(title_of(xm_page, sizeof(xm_page) - 1, out, sizeof(out)), "NETSurveillance WEB");

	static const struct {
		const char *page, *want;
	} cases[] = {
		{"<html><head><TITLE lang=\"en\">WEB SERVICE</TITLE></head>", "WEB SERVICE"},
		{"<title>\r\n\t  Login  \r\n</title>", "Login"},
		{"<Title data-x=\"a>b\" class='c>d'>Quoted &gt; attrs</tItLe>",
		 "Quoted &gt; attrs"},
		{"<titlebar>no</titlebar><title>yes</title>", "yes"},
		{"<!-- <title>commented</title> --><title>real</title>", "real"},
		{"<title></title>", ""},
		{"<title/>x</title>", "x"},
		{"\xef\xbb\xbf<!doctype html><title>\xe6\xb5\xb7\xe5\xba\xb7</title>",
		 "\xe6\xb5\xb7\xe5\xba\xb7"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++)
		CHECK_STR(title_of(cases[i].page, strlen(cases[i].page), out, sizeof(out)),
			  cases[i].want);
}

TEST(html_title_not_found)
{
	char out[64];
	static const char *const pages[] = {
		"",
		"<html><head></head></html>",
		"<title>never closed",
		"<title",
		"<title attr=\"never closed>x</title>",
		"<!-- <title>x</title>",
		"<titles>x</titles>",
		"<ti tle>x</ti tle>",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(pages); i++)
		CHECK_STR(title_of(pages[i], strlen(pages[i]), out, sizeof(out)), "NOTFOUND");
	struct cs_sv t;
	CHECK_INT(cs_html_title(NULL, 0, &t), CS_ENOTFOUND);
}

TEST(html_title_window)
{
	size_t n = CS_HTML_TITLE_WINDOW + 100;
	char *page = malloc(n);
	char out[64];
	REQUIRE(page != NULL);

	/* Ends inside the window: found. */
	memset(page, ' ', n);
	memcpy(page + CS_HTML_TITLE_WINDOW - 16, "<title>x</title>", 16);
	CHECK_STR(title_of(page, n, out, sizeof(out)), "x");
	/* Starts inside, the closing tag straddles the end of the window: not found. */
	memset(page, ' ', n);
	memcpy(page + CS_HTML_TITLE_WINDOW - 10, "<title>x</title>", 16);
	CHECK_STR(title_of(page, n, out, sizeof(out)), "NOTFOUND");
	/* Entirely beyond: not found. */
	memset(page, ' ', n);
	memcpy(page + CS_HTML_TITLE_WINDOW + 10, "<title>x</title>", 16);
	CHECK_STR(title_of(page, n, out, sizeof(out)), "NOTFOUND");
	free(page);
}

TEST(html_title_every_truncation)
{
	char out[256];
	size_t n = sizeof(xm_page) - 1;
	const char *close = strstr(xm_page, "</title");
	REQUIRE(close != NULL);
	size_t need = (size_t)(close - xm_page) + strlen("</title");
	for (size_t i = 0; i <= n; i++) {
		const char *got = title_of(xm_page, i, out, sizeof(out));
		const char *want = i >= need ? "NETSurveillance WEB" : "NOTFOUND";
		if (strcmp(got, want) != 0) {
			cs_test_fail(__FILE__, __LINE__, "cut at %zu: \"%s\"", i, got);
			break;
		}
	}
}

static bool utf8_valid(const char *s, size_t n)
{
	for (size_t k = 0; k < n;) {
		size_t sl = cs_utf8_seq_len((const unsigned char *)s + k, n - k);
		if (sl == 0)
			return false;
		k += sl;
	}
	return true;
}

static const char *decoded(const char *in, size_t cap)
{
	static char out[256];
	size_t n = strlen(in);
	size_t len = cs_html_decode_entities(cs_test_guarded(in, n), n, out, cap);
	if (len != strlen(out))
		return "BADLEN";
	return out;
}

TEST(html_decode_entities)
{
	CHECK_STR(decoded("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&apos;", 256),
		  "a & b <c> \"d\" 'e'");
	CHECK_STR(decoded("&#72;&#x69;&#X21;&nbsp;", 256), "Hi!\xc2\xa0");
	CHECK_STR(decoded("&#x6d77;&#24247;&#x1F4F7;", 256),
		  "\xe6\xb5\xb7\xe5\xba\xb7\xf0\x9f\x93\xb7");
	/* Not valid scalar values: U+FFFD. */
	CHECK_STR(decoded("&#0;|&#xD800;|&#xdfff;|&#x110000;|&#99999999999999999999;", 256),
		  "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd");
	/* Not entities: copied as they are. */
	CHECK_STR(decoded("&bogus; &amp &#; &#x; &#12a; & x; AT&T &", 256),
		  "&bogus; &amp &#; &#x; &#12a; & x; AT&T &");
	/* Longer than an entity can be. */
	CHECK_STR(decoded("&#0000000000000000000000000000000065;", 256),
		  "&#0000000000000000000000000000000065;");
	CHECK_STR(decoded("&AMP;", 256), "&AMP;");
}

TEST(html_decode_bounded)
{
	char out[8];
	memset(out, 'X', sizeof(out));
	CHECK_INT(cs_html_decode_entities("abc", 3, out, 0), 0);
	CHECK(out[0] == 'X');
	CHECK_INT(cs_html_decode_entities("abc", 3, out, 1), 0);
	CHECK_STR(out, "");
	CHECK_STR(decoded("abcdef", 4), "abc");
	/* A decoded character that does not fit is left out whole. */
	CHECK_STR(decoded("ab&#x20AC;", 5), "ab");
	CHECK_STR(decoded("ab&#x20AC;", 6), "ab\xe2\x82\xac");
	/* So is a raw multi-byte character from the input. */
	CHECK_STR(decoded("ab\xe2\x82\xac", 5), "ab");
	CHECK_STR(decoded("ab\xe2\x82\xac", 6), "ab\xe2\x82\xac");

	/* Every truncation of the input, every capacity. */
	const char *in = "x&amp;&#x1F4F7;y&lt;\xc3\xa9&#233;";
	for (size_t i = 0; i <= strlen(in); i++) {
		for (size_t cap = 1; cap <= 24; cap++) {
			char buf[24];
			const char *g = cs_test_guarded(in, i);
			size_t len = cs_html_decode_entities(g, i, buf, cap);
			if (len >= cap || buf[len] != '\0' || strlen(buf) != len) {
				cs_test_fail(__FILE__, __LINE__, "in %zu cap %zu: len %zu", i, cap,
					     len);
				return;
			}
			/* What was written is whole UTF-8 when the input was. */
			if (utf8_valid(g, i) && !utf8_valid(buf, len)) {
				cs_test_fail(__FILE__, __LINE__, "in %zu cap %zu: bad UTF-8", i,
					     cap);
				return;
			}
		}
	}
}
