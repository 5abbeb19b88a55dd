/*
 * tls.c - what a device's certificate says about its maker: names, SANs, dates, fingerprint.
 *
 * e.g. the default certificate of a Hikvision camera:
 *   subject: CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN
 * and of a Dahua recorder (issuer, with U+00A0 between the words):
 *   issuer: CN=Dahua Device NVR CA,O=Zhejiang Dahua Technology Co.\,Ltd.,L=Hangzhou,...
 *
 * Certificates are decoded by OpenSSL from the caller's buffer through a read-only memory BIO
 * (or d2i with the length given), so nothing is read past n. Name text from the line parser is
 * written into fixed buffers with a bounded writer. Both produce the same normal form (tls.h),
 * so one fingerprint rule matches a certificate however it was observed.
 */
#include "proto/tls.h"

#include "common/json.h"
#include "common/str.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

enum { MAX_RDN_PARTS = 64 };

/* ---- certificates ---------------------------------------------------------------------- */

/* Certificates are never encrypted; refusing a passphrase keeps OpenSSL off the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return 0;
}

static int openssl_error(struct cs_err *err, int code, const char *what)
{
	char msg[256] = "unknown reason";
	unsigned long e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, msg, sizeof(msg));
	ERR_clear_error();
	return cs_err_set(err, code, "tls: %s: %s", what, msg);
}

static bool utf8_valid(const char *s, size_t n)
{
	for (size_t k = 0; k < n;) {
		size_t len = cs_utf8_seq_len((const unsigned char *)s + k, n - k);
		if (len == 0)
			return false;
		k += len;
	}
	return true;
}

/*
 * RFC 2253 with UTF-8 kept. If that fails, or gives bytes that are not UTF-8 (the printer
 * copies what it cannot convert; OpenSSL 3 already refuses such names when decoding, so this is
 * a second line), every byte is printed as itself, the high ones escaped as \XX: the text is
 * always valid UTF-8 and nothing is lost.
 */
static int print_name(const X509_NAME *name, char *dst, size_t cap)
{
	static const unsigned long flags[] = {
		XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB,
		(XN_FLAG_RFC2253 & ~ASN1_STRFLGS_UTF8_CONVERT) | ASN1_STRFLGS_IGNORE_TYPE,
	};
	int r = CS_EPARSE;

	dst[0] = '\0';
	for (size_t i = 0; i < CS_ARRAY_SIZE(flags) && r != CS_OK; i++) {
		BIO *b = BIO_new(BIO_s_mem());
		char *data = NULL;
		if (b == NULL)
			return CS_ENOMEM;
		if (X509_NAME_print_ex(b, name, 0, flags[i]) >= 0) {
			long len = BIO_get_mem_data(b, &data);
			size_t n = len > 0 ? (size_t)len : 0;
			if (utf8_valid(data, n) || i + 1 == CS_ARRAY_SIZE(flags)) {
				cs_sv_copy_clipped(dst, cap, data, n);
				r = CS_OK;
			}
		}
		BIO_free(b);
	}
	ERR_clear_error();
	return r;
}

static void get_sans(X509 *x, struct cs_tls_cert *out)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);

	if (gens == NULL)
		return;
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		struct cs_tls_san *s = &out->san[out->nsan];
		if (g->type == GEN_DNS) {
			const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
			int len = ASN1_STRING_length(g->d.dNSName);
			out->nsan_total++;
			if (out->nsan >= CS_TLS_MAX_SAN || len < 0)
				continue;
			s->kind = CS_TLS_SAN_DNS;
			cs_sv_copy_clipped(s->value, sizeof(s->value), (const char *)d,
					   (size_t)len);
			/* A NUL inside a name ("good.com\0.evil") must not shorten it silently. */
			for (size_t k = 0; k < (size_t)len && k < sizeof(s->value) - 1; k++)
				if ((unsigned char)d[k] < 0x20 || d[k] == 0x7f)
					s->value[k] = '?';
			out->nsan++;
		} else if (g->type == GEN_IPADD) {
			const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
			int len = ASN1_STRING_length(g->d.iPAddress);
			if (len != 4 && len != 16)
				continue;
			out->nsan_total++;
			if (out->nsan >= CS_TLS_MAX_SAN)
				continue;
			s->kind = CS_TLS_SAN_IP;
			if (inet_ntop(len == 4 ? AF_INET : AF_INET6, d, s->value,
				      sizeof(s->value)) == NULL)
				continue;
			out->nsan++;
		}
	}
	GENERAL_NAMES_free(gens);
}

static void get_time(const ASN1_TIME *t, char *dst, size_t cap)
{
	struct tm tm;

	dst[0] = '\0';
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return;
	if (strftime(dst, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		dst[0] = '\0';
}

static void get_serial(X509 *x, struct cs_tls_cert *out)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	const unsigned char *d = ASN1_STRING_get0_data(sn);
	int len = ASN1_STRING_length(sn);
	size_t at = 0, max = (sizeof(out->serial) - 2) / 2;

	if (d == NULL || len <= 0)
		return;
	if (ASN1_STRING_type(sn) == V_ASN1_NEG_INTEGER)
		out->serial[at++] = '-';
	cs_hex_encode(out->serial + at, d, (size_t)len < max ? (size_t)len : max);
}

static void get_key(X509 *x, struct cs_tls_cert *out)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);

	if (pk == NULL) {
		ERR_clear_error();
		return;
	}
	const char *type = EVP_PKEY_get0_type_name(pk);
	if (type != NULL)
		cs_sv_copy(out->key_type, sizeof(out->key_type), cs_sv_cstr(type));
	out->key_bits = EVP_PKEY_get_bits(pk) > 0 ? EVP_PKEY_get_bits(pk) : 0;
}

int cs_tls_parse_pem(const char *p, size_t n, struct cs_tls_cert *out, struct cs_err *err)
{
	BIO *bio = NULL;
	X509 *x = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int r = CS_EPARSE;

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		return cs_err_set(err, CS_EINVAL, "tls: no input");
	if (n > CS_TLS_MAX_INPUT)
		return cs_err_set(err, CS_ETOOBIG, "tls: %zu bytes exceeds %d", n,
				  CS_TLS_MAX_INPUT);
	ERR_clear_error();
	if (cs_sv_find(cs_sv_make(p, n), CS_SV("-----BEGIN ")) >= 0) {
		if ((bio = BIO_new_mem_buf(p, (int)n)) == NULL) {
			r = openssl_error(err, CS_ENOMEM, "cannot wrap input");
			goto out;
		}
		if ((x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL)) == NULL) {
			r = openssl_error(err, CS_EPARSE, "no certificate in PEM");
			goto out;
		}
	} else {
		const unsigned char *q = (const unsigned char *)p;
		if ((x = d2i_X509(NULL, &q, (long)n)) == NULL) {
			r = openssl_error(err, CS_EPARSE, "not a DER certificate");
			goto out;
		}
	}

	if ((r = print_name(X509_get_subject_name(x), out->subject, sizeof(out->subject))) !=
		    CS_OK ||
	    (r = print_name(X509_get_issuer_name(x), out->issuer, sizeof(out->issuer))) != CS_OK) {
		cs_err_set(err, r, "tls: cannot print a name");
		goto out;
	}
	get_sans(x, out);
	get_time(X509_get0_notBefore(x), out->not_before, sizeof(out->not_before));
	get_time(X509_get0_notAfter(x), out->not_after, sizeof(out->not_after));
	if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1 && mdlen == 32)
		cs_hex_encode(out->sha256, md, mdlen);
	get_serial(x, out);
	get_key(x, out);
	r = CS_OK;
out:
	X509_free(x);
	BIO_free(bio);
	ERR_clear_error();
	return r;
}

/* ---- names given as text --------------------------------------------------------------- */

struct rdn_part {
	struct cs_sv type;
	struct cs_sv value; /* raw: still escaped, or the inside of the quotes */
	bool quoted;
	bool plus; /* joined to the previous part with '+' (same RDN) */
};

/* A bounded writer: a unit that does not fit is dropped, and so is everything after it. */
struct dn_out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void put(struct dn_out *o, const char *s, size_t n)
{
	if (o->full || n > o->cap - 1 - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_type_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

/* If s[i..) is "[blanks]type[blanks]=", return the type and set *after past the '='. */
static bool type_at(struct cs_sv s, size_t i, struct cs_sv *type, size_t *after)
{
	while (i < s.n && is_blank(s.p[i]))
		i++;
	size_t start = i;
	while (i < s.n && is_type_char(s.p[i]))
		i++;
	if (i == start)
		return false;
	*type = cs_sv_make(s.p + start, i - start);
	while (i < s.n && is_blank(s.p[i]))
		i++;
	if (i >= s.n || s.p[i] != '=')
		return false;
	*after = i + 1;
	return true;
}

/* OpenSSL's short names, which X509_NAME_print_ex writes, for the names people also write. */
static struct cs_sv canonical_type(struct cs_sv t)
{
	static const struct {
		const char *alias, *canon;
	} map[] = {
		{"CN", "CN"},
		{"commonName", "CN"},
		{"OU", "OU"},
		{"organizationalUnitName", "OU"},
		{"O", "O"},
		{"organizationName", "O"},
		{"L", "L"},
		{"localityName", "L"},
		{"ST", "ST"},
		{"S", "ST"},
		{"stateOrProvinceName", "ST"},
		{"C", "C"},
		{"countryName", "C"},
		{"emailAddress", "emailAddress"},
		{"E", "emailAddress"},
		{"email", "emailAddress"},
		{"serialNumber", "serialNumber"},
		{"DC", "DC"},
		{"domainComponent", "DC"},
		{"UID", "UID"},
		{"userId", "UID"},
		{"street", "street"},
		{"streetAddress", "street"},
		{"title", "title"},
		{"SN", "SN"},
		{"surname", "SN"},
		{"GN", "GN"},
		{"givenName", "GN"},
		{"postalCode", "postalCode"},
		{"dnQualifier", "dnQualifier"},
		{"name", "name"},
		{"initials", "initials"},
		{"description", "description"},
		{"businessCategory", "businessCategory"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(map); i++)
		if (cs_sv_ieq(t, cs_sv_cstr(map[i].alias)))
			return cs_sv_cstr(map[i].canon);
	return t;
}

/* Write one decoded byte of a value at position k of m, escaped as RFC 2253 wants. */
static void put_value_byte(struct dn_out *o, unsigned char b, size_t k, size_t m)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = {'\\', (char)b, 0};

	if (strchr(",+\"\\<>;", b) != NULL && b != '\0')
		put(o, e, 2);
	else if ((k == 0 && (b == '#' || b == ' ')) || (k == m - 1 && b == ' '))
		put(o, e, 2);
	else if (b < 0x20 || b == 0x7f) {
		e[1] = hex[b >> 4];
		e[2] = hex[b & 15];
		put(o, "\\", 1);
		put(o, e + 1, 2);
	} else {
		put(o, (const char *)&b, 1);
	}
}

/*
 * Decode a raw value (backslash escapes: \, \+ \" \\ ... and \XX hex) into dec, and return its
 * length. Quoted values only carry \" and \\ but decode the same way.
 */
static size_t decode_value(struct cs_sv v, unsigned char *dec)
{
	size_t m = 0;
	for (size_t i = 0; i < v.n; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (c == '\\' && i + 1 < v.n) {
			int hi = cs_hexval((unsigned char)v.p[i + 1]);
			int lo = i + 2 < v.n ? cs_hexval((unsigned char)v.p[i + 2]) : -1;
			if (hi >= 0 && lo >= 0) {
				dec[m++] = (unsigned char)(hi << 4 | lo);
				i += 2;
			} else {
				dec[m++] = (unsigned char)v.p[++i];
			}
			continue;
		}
		dec[m++] = c;
	}
	return m;
}

/* Split s into parts; sep is ',' (RFC 2253 and OpenSSL one-line) or '/' (slash form). */
static int split_parts(struct cs_sv s, char sep, struct rdn_part *parts, size_t *nparts)
{
	size_t np = 0, pos = 0;
	bool plus = false;

	for (;;) {
		struct rdn_part *pt;
		struct cs_sv type, dummy;
		size_t vpos, j, after;
		if (!type_at(s, pos, &type, &vpos))
			return np == 0 ? CS_EPARSE : CS_OK;
		if (np >= MAX_RDN_PARTS)
			return CS_ETOOBIG;
		pt = &parts[np++];
		pt->type = type;
		pt->plus = plus;
		pt->quoted = false;
		while (vpos < s.n && is_blank(s.p[vpos]))
			vpos++;
		j = vpos;
		if (j < s.n && s.p[j] == '"') {
			for (j = vpos + 1; j < s.n && s.p[j] != '"'; j++)
				if (s.p[j] == '\\' && j + 1 < s.n)
					j++;
			pt->quoted = true;
			pt->value = cs_sv_make(s.p + vpos + 1, (j < s.n ? j : s.n) - vpos - 1);
			if (j < s.n)
				j++;
		}
		/* The value (or what trails a quoted one) ends at a separator followed by type=. */
		for (; j < s.n; j++) {
			char c = s.p[j];
			if (c == '\\' && !pt->quoted) {
				j++;
				continue;
			}
			if ((c == sep || c == '+') && type_at(s, j + 1, &dummy, &after))
				break;
		}
		if (!pt->quoted) {
			size_t end = j < s.n ? j : s.n;
			while (end > vpos && is_blank(s.p[end - 1]) &&
			       !(end - 1 > vpos && s.p[end - 2] == '\\'))
				end--;
			pt->value = cs_sv_make(s.p + vpos, end - vpos);
		}
		*nparts = np;
		if (j >= s.n)
			return CS_OK;
		plus = s.p[j] == '+';
		pos = j + 1;
	}
}

int cs_tls_parse_dn_line(const char *p, size_t n, struct cs_tls_cert *out)
{
	struct rdn_part parts[MAX_RDN_PARTS];
	size_t np = 0;
	unsigned char dec[4096]; /* one decoded value; more could not fit the output anyway */
	char *target = out->subject;
	size_t cap = sizeof(out->subject);
	int r;

	if (p == NULL)
		return CS_EINVAL;
	if (n > CS_TLS_MAX_INPUT)
		return CS_ETOOBIG;
	const char *nl = memchr(p, '\n', n);
	struct cs_sv s = cs_sv_trim(cs_sv_make(p, nl != NULL ? (size_t)(nl - p) : n));

	static const struct {
		const char *word;
		bool issuer;
	} prefixes[] = {{"subject", false}, {"issuer", true}};
	for (size_t i = 0; i < CS_ARRAY_SIZE(prefixes); i++) {
		struct cs_sv w = cs_sv_cstr(prefixes[i].word);
		size_t k = w.n;
		if (!cs_sv_iprefix(s, w))
			continue;
		while (k < s.n && is_blank(s.p[k]))
			k++;
		if (k < s.n && (s.p[k] == '=' || s.p[k] == ':')) {
			if (prefixes[i].issuer) {
				target = out->issuer;
				cap = sizeof(out->issuer);
			}
			s = cs_sv_trim(cs_sv_make(s.p + k + 1, s.n - k - 1));
			break;
		}
	}

	bool slash = s.n > 0 && s.p[0] == '/';
	if (slash)
		s = cs_sv_make(s.p + 1, s.n - 1);
	if ((r = split_parts(s, slash ? '/' : ',', parts, &np)) != CS_OK)
		return r;

	/* The slash form lists RDNs in certificate order; RFC 2253 lists them in reverse. */
	size_t order[MAX_RDN_PARTS];
	size_t no = 0;
	if (slash) {
		for (size_t end = np; end > 0;) {
			size_t start = end - 1;
			while (start > 0 && parts[start].plus)
				start--;
			for (size_t k = start; k < end; k++)
				order[no++] = k;
			end = start;
		}
	} else {
		for (size_t k = 0; k < np; k++)
			order[no++] = k;
	}

	char buf[sizeof(out->subject)];
	struct dn_out o = {.buf = buf, .cap = sizeof(buf)};
	for (size_t i = 0; i < no; i++) {
		const struct rdn_part *pt = &parts[order[i]];
		struct cs_sv t = canonical_type(pt->type);
		/* An RDN's parts keep their order, so '+' still marks all but its first part. */
		if (i > 0)
			put(&o, pt->plus ? "+" : ",", 1);
		put(&o, t.p, t.n);
		put(&o, "=", 1);
		struct cs_sv v = pt->value;
		if (v.n > sizeof(dec))
			v.n = sizeof(dec);
		size_t m = decode_value(v, dec);
		for (size_t k = 0; k < m && !o.full; k++)
			put_value_byte(&o, dec[k], k, m);
	}
	/* The writer stops at the first unit that does not fit, which may be inside a character. */
	cs_sv_copy_clipped(target, cap, buf, o.full ? cs_utf8_clip(buf, o.len) : o.len);
	return CS_OK;
}
