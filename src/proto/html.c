/*
 * html.c - the <title> of a device's web page, and decoding of the entities in it.
 *
 * e.g. "<head>\r\n    <title>NETSurveillance WEB</title>" gives "NETSurveillance WEB";
 *      "<TITLE lang=\"en\">WEB SERVICE</TITLE>" gives "WEB SERVICE".
 * The search reads at most CS_HTML_TITLE_WINDOW bytes and never past n.
 */
#include "proto/html.h"

#include "common/err.h"

#include <stdbool.h>
#include <string.h>

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* Offset of the '>' that closes the tag starting at s.p[i], honouring quoted values; or -1. */
static long tag_end(struct cs_sv s, size_t i)
{
	char quote = 0;
	for (; i < s.n; i++) {
		char c = s.p[i];
		if (quote != 0) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '>') {
			return (long)i;
		}
	}
	return -1;
}

int cs_html_title(const char *p, size_t n, struct cs_sv *title)
{
	struct cs_sv s = cs_sv_make(p, n < CS_HTML_TITLE_WINDOW ? n : CS_HTML_TITLE_WINDOW);

	*title = cs_sv_make(p, 0);
	if (p == NULL)
		return CS_ENOTFOUND;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] != '<')
			continue;
		struct cs_sv rest = cs_sv_make(s.p + i, s.n - i);
		if (cs_sv_iprefix(rest, CS_SV("<!--"))) {
			long end = cs_sv_find(cs_sv_make(rest.p + 4, rest.n - 4), CS_SV("-->"));
			if (end < 0)
				return CS_ENOTFOUND;
			i += 4 + (size_t)end + 2;
			continue;
		}
		if (!cs_sv_iprefix(rest, CS_SV("<title")))
			continue;
		if (rest.n > 6 && !is_space((unsigned char)rest.p[6]) && rest.p[6] != '>' &&
		    rest.p[6] != '/')
			continue; /* <titlebar> and the like */
		long gt = tag_end(s, i + 6);
		if (gt < 0)
			return CS_ENOTFOUND;
		size_t start = (size_t)gt + 1;
		long close = cs_sv_ifind(cs_sv_make(s.p + start, s.n - start), CS_SV("</title"));
		if (close < 0)
			return CS_ENOTFOUND;
		*title = cs_sv_trim(cs_sv_make(s.p + start, (size_t)close));
		return CS_OK;
	}
	return CS_ENOTFOUND;
}

static size_t utf8_put(unsigned long cp, char *b)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * If in[0..n) starts with a complete entity, write its UTF-8 to b and return the bytes of
 * input it used; else return 0. Entities longer than 32 bytes are not entities.
 */
static size_t entity(const char *in, size_t n, char *b, size_t *blen)
{
	static const struct {
		const char *name;
		unsigned long cp;
	} named[] = {{"amp", '&'},  {"lt", '<'},    {"gt", '>'},
		     {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xa0}};
	size_t max = n < 32 ? n : 32;
	const char *semi = memchr(in, ';', max);

	if (semi == NULL)
		return 0;
	struct cs_sv body = cs_sv_make(in + 1, (size_t)(semi - in - 1));
	if (body.n >= 2 && body.p[0] == '#') {
		bool hex = body.p[1] == 'x' || body.p[1] == 'X';
		size_t i = hex ? 2 : 1;
		unsigned long cp = 0;
		if (i >= body.n)
			return 0;
		for (; i < body.n; i++) {
			int d = hex ? cs_hexval((unsigned char)body.p[i])
				    : (body.p[i] >= '0' && body.p[i] <= '9' ? body.p[i] - '0' : -1);
			if (d < 0)
				return 0;
			cp = cp * (hex ? 16 : 10) + (unsigned long)d;
			if (cp > 0x10ffff)
				cp = 0x110000; /* stays invalid, cannot overflow */
		}
		*blen = utf8_put(cp, b);
		return body.n + 2;
	}
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		if (cs_sv_eq(body, cs_sv_cstr(named[k].name))) {
			*blen = utf8_put(named[k].cp, b);
			return body.n + 2;
		}
	}
	return 0;
}

size_t cs_html_decode_entities(const char *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	bool cut = false;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n && !cut;) {
		char b[4];
		size_t blen = 1, used = 0;
		if (in[i] == '&')
			used = entity(in + i, n - i, b, &blen);
		if (used == 0) {
			b[0] = in[i];
			blen = 1;
			used = 1;
		}
		if (blen > cap - 1 - o) {
			cut = true;
			break;
		}
		memcpy(out + o, b, blen);
		o += blen;
		i += used;
	}
	if (cut)
		o = cs_utf8_clip(out, o);
	out[o] = '\0';
	return o;
}
