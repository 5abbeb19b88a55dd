/*
 * version.c - parsing and three-valued comparison of firmware version strings (version.h).
 *
 * The input comes from devices, so the parser reads NUL-terminated bytes once from left to
 * right, never past the NUL, and gives up (CS_EPARSE) rather than guess at anything it does not
 * recognise: an unparsed version never matches a vulnerable range.
 */
#include "findings/version.h"

#include "common/err.h"
#include "common/str.h"

#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Read n decimal digits at p into *out (n <= 9); false unless all n are digits. */
static bool digits(const char *p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

static bool valid_date(int y, int m, int d)
{
	return y >= 1990 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/*
 * A build date at p: "YYMMDD" (Hikvision), "YYYYMMDD" or "YYYY-MM-DD" (Dahua), not followed by
 * another digit. Returns the yyyymmdd value and sets *end, or 0.
 */
static int build_date(const char *p, const char **end)
{
	int y, m, d;
	if (digits(p, 4, &y) && p[4] == '-' && digits(p + 5, 2, &m) && p[7] == '-' &&
	    digits(p + 8, 2, &d) && !is_digit(p[10]) && valid_date(y, m, d)) {
		*end = p + 10;
		return y * 10000 + m * 100 + d;
	}
	if (digits(p, 8, &y) && !is_digit(p[8])) {
		int v = y;
		y = v / 10000, m = v / 100 % 100, d = v % 100;
		if (valid_date(y, m, d)) {
			*end = p + 8;
			return v;
		}
		return 0;
	}
	if (digits(p, 6, &y) && !is_digit(p[6])) {
		int v = y;
		y = 2000 + v / 10000, m = v / 100 % 100, d = v % 100;
		if (valid_date(y, m, d)) {
			*end = p + 6;
			return y * 10000 + m * 100 + d;
		}
	}
	return 0;
}

/*
 * After the numbers: ", Build Date: 2020-05-19", " build 170124", "_build 170124",
 * " Build 240513 Rel.43631n". Finds the word "build" (any case) within the rest, then an
 * optional "date", ':' and spaces, then a date. Returns the date or 0.
 */
static int find_build(const char *p)
{
	for (; *p != '\0'; p++) {
		if (cs_lower((unsigned char)p[0]) != 'b' ||
		    !cs_sv_iprefix(cs_sv_cstr(p), CS_SV("build")))
			continue;
		const char *q = skip_spaces(p + 5);
		if (cs_sv_iprefix(cs_sv_cstr(q), CS_SV("date")))
			q = skip_spaces(q + 4);
		if (*q == ':')
			q = skip_spaces(q + 1);
		const char *end;
		int d = build_date(q, &end);
		if (d != 0)
			return d;
	}
	return 0;
}

/* One decimal component of at most 9 digits. */
static bool component(const char **pp, uint32_t *out)
{
	const char *p = *pp;
	uint32_t v = 0;
	int n = 0;
	while (is_digit(p[n])) {
		if (n == 9)
			return false;
		v = v * 10 + (uint32_t)(p[n] - '0');
		n++;
	}
	if (n == 0)
		return false;
	*out = v;
	*pp = p + n;
	return true;
}

/*
 * Dahua: MAJOR.MMM.THIRD.PATCH.L where MMM is three digits, THIRD a field of up to 16 bytes
 * without '.' (digits, or a vendor name: "Dahua 00"), L a capital letter (R release, T test...).
 */
static bool parse_dahua(const char *p, struct cs_version *v)
{
	uint32_t major, minor, third = 0, patch;
	const char *q = p;
	if (!component(&q, &major) || q - p > 2 || *q != '.')
		return false;
	p = ++q;
	if (!component(&q, &minor) || q - p != 3 || *q != '.')
		return false;
	p = ++q;
	size_t n = 0;
	bool numeric = true;
	while (p[n] != '\0' && p[n] != '.' && n <= 16) {
		if (!is_digit(p[n]))
			numeric = false;
		n++;
	}
	if (n == 0 || n > 16 || p[n] != '.')
		return false;
	if (numeric) {
		const char *t = p;
		if (!component(&t, &third))
			third = 0; /* more than 9 digits: keep it out of the comparison */
	}
	q = p + n + 1;
	p = q;
	if (!component(&q, &patch) || *q != '.' || !is_upper(q[1]) ||
	    (q[2] != '\0' && (is_upper(q[2]) || is_digit(q[2]))))
		return false;
	v->scheme = CS_VER_DAHUA;
	v->num[0] = major, v->num[1] = minor, v->num[2] = third, v->num[3] = patch;
	v->nnum = 4;
	v->build = find_build(q + 2);
	return true;
}

int cs_version_parse(const char *s, struct cs_version *v)
{
	memset(v, 0, sizeof(*v));
	if (s == NULL)
		return CS_EPARSE;
	const char *p = skip_spaces(s);

	/* ISAPI's <firmwareReleasedDate>build 190909</firmwareReleasedDate> on its own. */
	if (cs_sv_iprefix(cs_sv_cstr(p), CS_SV("build "))) {
		const char *end;
		int d = build_date(skip_spaces(p + 6), &end);
		if (d != 0 && *skip_spaces(end) == '\0') {
			v->scheme = CS_VER_HIKVISION;
			v->build = d;
			return CS_OK;
		}
		return CS_EPARSE;
	}
	bool vee = (p[0] == 'V' || p[0] == 'v') && is_digit(p[1]);
	if (vee)
		p++;
	if (parse_dahua(p, v))
		return CS_OK;

	const char *q = p;
	while (v->nnum < CS_VER_MAX_NUMS) {
		if (!component(&q, &v->num[v->nnum]))
			break;
		v->nnum++;
		if (q[0] != '.' || !is_digit(q[1]))
			break;
		q++;
	}
	/* A lone number ("5", "2019") is not a version anyone can compare. */
	if (v->nnum < 2 || is_digit(*q)) {
		memset(v, 0, sizeof(*v));
		return CS_EPARSE;
	}
	v->build = find_build(q);
	/*
	 * Hikvision writes three numbers, "V5.5.82" or "V5.5.82 build 190909", and nothing else; a V-version with
	 * other text after it (Xiongmai "V5.00.R02...") is some other vendor's and only dotted.
	 */
	const char *rest = skip_spaces(q);
	if (vee && (*rest == '\0' || v->build != 0) && v->nnum == 3)
		v->scheme = CS_VER_HIKVISION;
	else
		v->scheme = CS_VER_DOTTED;
	return CS_OK;
}

enum cs_tri cs_version_cmp(const struct cs_version *a, const struct cs_version *b, int *order)
{
	if (a->scheme != b->scheme && a->scheme != CS_VER_DOTTED && b->scheme != CS_VER_DOTTED)
		return CS_TRI_UNKNOWN;
	if (a->nnum == 0 || b->nnum == 0) {
		if (a->nnum != 0 || b->nnum != 0 || a->build == 0 || b->build == 0)
			return CS_TRI_UNKNOWN;
		*order = a->build < b->build ? -1 : a->build > b->build;
		return CS_TRI_YES;
	}
	int n = a->nnum > b->nnum ? a->nnum : b->nnum;
	for (int i = 0; i < n; i++) {
		uint32_t x = i < a->nnum ? a->num[i] : 0, y = i < b->nnum ? b->num[i] : 0;
		if (x != y) {
			*order = x < y ? -1 : 1;
			return CS_TRI_YES;
		}
	}
	if (a->build != 0 && b->build != 0) {
		*order = a->build < b->build ? -1 : a->build > b->build;
		return CS_TRI_YES;
	}
	if (a->build != 0 || b->build != 0)
		return CS_TRI_UNKNOWN;
	*order = 0;
	return CS_TRI_YES;
}

enum cs_tri cs_version_in_range(const struct cs_version *v, const struct cs_version *lo,
				const struct cs_version *hi)
{
	enum cs_tri res = CS_TRI_YES;
	int order;
	if (lo != NULL) {
		if (cs_version_cmp(v, lo, &order) == CS_TRI_UNKNOWN)
			res = CS_TRI_UNKNOWN;
		else if (order < 0)
			return CS_TRI_NO;
	}
	if (hi != NULL) {
		if (cs_version_cmp(v, hi, &order) == CS_TRI_UNKNOWN)
			res = CS_TRI_UNKNOWN;
		else if (order > 0)
			return CS_TRI_NO;
	}
	return res;
}

enum cs_tri cs_version_built_before(const struct cs_version *v, int date)
{
	if (v->build == 0)
		return CS_TRI_UNKNOWN;
	return v->build < date ? CS_TRI_YES : CS_TRI_NO;
}

const char *cs_version_scheme_name(enum cs_ver_scheme s)
{
	switch (s) {
	case CS_VER_HIKVISION: return "hikvision";
	case CS_VER_DAHUA: return "dahua";
	case CS_VER_DOTTED: break;
	}
	return "dotted";
}
