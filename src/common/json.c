/* json.c - streaming JSON writer; see json.h for the escaping rules. */
#include "common/json.h"

#include "common/err.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void cs_json_init(struct cs_json *j, struct cs_buf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void put(struct cs_json *j, const char *s, size_t n)
{
	if (j->err == CS_OK)
		j->err = cs_buf_append(j->out, s, n);
}

static void indent(struct cs_json *j)
{
	if (!j->pretty)
		return;
	put(j, "\n", 1);
	for (int i = 0; i < j->depth; i++)
		put(j, "  ", 2);
}

/* Called before every value or key: writes the separator that belongs in front of it. */
static void before_item(struct cs_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			put(j, ",", 1);
		j->need_comma[j->depth] = true;
		indent(j);
	}
}

static void open(struct cs_json *j, char c)
{
	before_item(j);
	if (j->depth + 1 >= CS_JSON_MAX_DEPTH) {
		j->err = j->err ? j->err : CS_ETOOBIG;
		return;
	}
	put(j, &c, 1);
	j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct cs_json *j, char c)
{
	if (j->depth == 0) {
		j->err = j->err ? j->err : CS_EINVAL;
		return;
	}
	bool had_items = j->need_comma[j->depth];
	j->depth--;
	if (had_items)
		indent(j);
	put(j, &c, 1);
}

void cs_json_obj_begin(struct cs_json *j)
{
	open(j, '{');
}
void cs_json_obj_end(struct cs_json *j)
{
	close_(j, '}');
}
void cs_json_arr_begin(struct cs_json *j)
{
	open(j, '[');
}
void cs_json_arr_end(struct cs_json *j)
{
	close_(j, ']');
}

size_t cs_utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned int min;
	unsigned int cp;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, min = 0x80, cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, min = 0x800, cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int cs_json_escape(struct cs_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int r = CS_OK;
	while (i < n && r == CS_OK) {
		/* Copy the longest run that needs no escaping in one append. */
		size_t start = i;
		while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\' &&
		       p[i] != '<' && p[i] != '>' && p[i] != '&')
			i++;
		if (i > start && (r = cs_buf_append(out, s + start, i - start)) != CS_OK)
			break;
		if (i >= n)
			break;
		unsigned char c = p[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c;
			r = cs_buf_append(out, esc, 2);
			i++;
		} else if (c == '\n') {
			r = cs_buf_append(out, "\\n", 2), i++;
		} else if (c == '\r') {
			r = cs_buf_append(out, "\\r", 2), i++;
		} else if (c == '\t') {
			r = cs_buf_append(out, "\\t", 2), i++;
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			r = cs_buf_append(out, esc, 6);
			i++;
		} else {
			size_t len = cs_utf8_seq_len(p + i, n - i);
			if (len == 0) {
				r = cs_buf_append(out, "\\ufffd", 6);
				i++;
			} else {
				r = cs_buf_append(out, s + i, len);
				i += len;
			}
		}
	}
	return r;
}

void cs_json_key(struct cs_json *j, const char *key)
{
	before_item(j);
	put(j, "\"", 1);
	if (j->err == CS_OK)
		j->err = cs_json_escape(j->out, key, strlen(key));
	put(j, j->pretty ? "\": " : "\":", j->pretty ? 3 : 2);
	j->after_key = true;
}

void cs_json_strn(struct cs_json *j, const char *s, size_t n)
{
	if (s == NULL) {
		cs_json_null(j);
		return;
	}
	before_item(j);
	put(j, "\"", 1);
	if (j->err == CS_OK)
		j->err = cs_json_escape(j->out, s, n);
	put(j, "\"", 1);
}

void cs_json_str(struct cs_json *j, const char *s)
{
	cs_json_strn(j, s, s != NULL ? strlen(s) : 0);
}

void cs_json_int(struct cs_json *j, int64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	before_item(j);
	put(j, tmp, (size_t)n);
}

void cs_json_num(struct cs_json *j, double v, int decimals)
{
	char tmp[64];
	if (!isfinite(v)) {
		cs_json_null(j);
		return;
	}
	int n = snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
	before_item(j);
	put(j, tmp, (size_t)n);
}

void cs_json_bool(struct cs_json *j, bool v)
{
	before_item(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void cs_json_null(struct cs_json *j)
{
	before_item(j);
	put(j, "null", 4);
}

int cs_json_end(struct cs_json *j)
{
	if (j->err == CS_OK && j->depth != 0)
		j->err = CS_EINVAL;
	return j->err;
}
