/*
 * tls.h - the identifying parts of a device's TLS certificate, and certificate names given as
 * text (scanner output, asset registers, "openssl x509 -subject" lines).
 *
 * Camera firmware ships default certificates that name their maker: Hikvision's
 * "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN", Dahua's issuer
 * "CN=Dahua Device NVR CA,O=Zhejiang Dahua Technology Co.\,Ltd.,..." (with U+00A0 for spaces).
 * Names are given in one form whichever way they arrived: RFC 2253 (most specific RDN first, so
 * CN leads for ordinary certificates), "," between RDNs and "+" inside one, no spaces around
 * either or around "=", short attribute names (CN, OU, O, L, ST, C, emailAddress, ...), the
 * RFC 2253 specials (,+"\<>; and a leading # or space, a trailing space) escaped with a
 * backslash, control bytes as \XX, and UTF-8 kept as it is.
 */
#ifndef CS_TLS_H
#define CS_TLS_H

#include "common/err.h"

#include <stddef.h>

enum {
	CS_TLS_MAX_INPUT = 256 * 1024,
	CS_TLS_MAX_SAN = 8,
};

enum cs_tls_san_kind { CS_TLS_SAN_DNS, CS_TLS_SAN_IP };

struct cs_tls_san {
	enum cs_tls_san_kind kind;
	char value[256]; /* DNS name (control bytes as '?') or IPv4/IPv6 address text */
};

/* Every string is NUL-terminated, cut on a UTF-8 boundary when too long, "" when unknown. */
struct cs_tls_cert {
	char subject[1024];
	char issuer[1024];
	struct cs_tls_san san[CS_TLS_MAX_SAN];
	int nsan;	     /* entries kept in san[] */
	int nsan_total;	     /* DNS and IP entries in the certificate, kept or not */
	char not_before[24]; /* ISO 8601 UTC, e.g. "2024-05-01T08:00:00Z" */
	char not_after[24];
	char sha256[65];   /* SHA-256 of the DER certificate, lower-case hex */
	char serial[132];  /* serial number, lower-case hex, no separators, '-' if negative */
	char key_type[16]; /* "RSA", "EC", "ED25519", ... */
	int key_bits;	   /* size of the public key; 0 when unknown */
};

/*
 * Read the first certificate of p[0..n): PEM when the input contains "-----BEGIN " (other
 * blocks, such as a private key, are skipped), otherwise DER. Fills *out (cleared first).
 * Returns 0, CS_ETOOBIG past CS_TLS_MAX_INPUT, CS_EPARSE (OpenSSL's reason in err) or
 * CS_ENOMEM. Never prompts for a passphrase.
 */
int cs_tls_parse_pem(const char *p, size_t n, struct cs_tls_cert *out, struct cs_err *err);

/*
 * Parse one line naming a certificate's subject or issuer, e.g.
 *   subject=CN = www.hikvision.com, OU = DVRNVR, O = HIKVISION
 *   issuer: CN=Dahua Device NVR CA, O=Zhejiang Dahua Technology Co.,Ltd., L=Hangzhou
 *   CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION
 *   subject= /C=CN/ST=ZheJiang/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com
 * and write it in the normal form (see above) to out->subject, or to out->issuer when the line
 * starts with "issuer" ("subject", or no prefix, means subject); the other fields of *out are
 * left alone, so two lines can fill one record. RDNs keep the order given, except that the
 * slash form (OpenSSL's old one-line output, in certificate order) is reversed into RFC 2253
 * order. A comma only separates RDNs when an attribute name and '=' follow it, so the unescaped
 * "Co.,Ltd." people paste stays one value; "quoted" values and \, \XX escapes are understood.
 * Only the first line of p is read. Returns 0, CS_ETOOBIG past CS_TLS_MAX_INPUT or more than 64
 * attributes, or CS_EPARSE when the line holds no "type=value".
 */
int cs_tls_parse_dn_line(const char *p, size_t n, struct cs_tls_cert *out);

#endif
