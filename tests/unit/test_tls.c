/* test_tls.c - certificates (PEM, DER, hostile DER) and certificate names given as text lines. */
#include "test.h"

#include "common/err.h"
#include "common/json.h"
#include "proto/tls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#define NBSP "\xc2\xa0"

static const char hik_dn[] =
	"CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN";
static const char dahua_ca_dn[] = "CN=Dahua" NBSP "Device" NBSP "NVR" NBSP "CA,O=Zhejiang" NBSP
				  "Dahua" NBSP "Technology" NBSP "Co.\\,Ltd.,L=Hangzhou,"
				  "ST=Zhejiang,C=CN";

static bool utf8_valid(const char *s)
{
	size_t n = strlen(s);
	for (size_t k = 0; k < n;) {
		size_t sl = cs_utf8_seq_len((const unsigned char *)s + k, n - k);
		if (sl == 0)
			return false;
		k += sl;
	}
	return true;
}

static int parse_fixture(const char *name, struct cs_tls_cert *c, char **data, size_t *n)
{
	struct cs_err err = {0};
	*data = cs_test_read_fixture(name, n);
	if (*data == NULL)
		return CS_EIO;
	return cs_tls_parse_pem(cs_test_guarded(*data, *n), *n, c, &err);
}

TEST(tls_hikvision_pem)
{
	struct cs_tls_cert c;
	char *pem;
	size_t n;
	CHECK_INT(parse_fixture("tls/hikvision.pem", &c, &pem, &n), 0);
	REQUIRE(pem != NULL);
	CHECK_STR(c.subject, hik_dn);
	CHECK_STR(c.issuer, hik_dn);
	CHECK_STR(c.serial, "1a2b3c4d");
	CHECK_STR(c.sha256, "212c4f05e8f401a79f79bac32909c04da15a2b557ce2f5e032d9d53228fd4022");
	CHECK_STR(c.not_before, "2026-11-22T18:04:25Z");
	CHECK_STR(c.not_after, "2036-11-19T18:04:25Z");
	CHECK_INT(c.nsan, 0);
	CHECK_INT(c.nsan_total, 0);
	CHECK_STR(c.key_type, "RSA");
	CHECK_INT(c.key_bits, 2048);
	free(pem);
}

TEST(tls_dahua_chain_pem)
{
	struct cs_tls_cert c;
	char *pem;
	size_t n;
	CHECK_INT(parse_fixture("tls/dahua-nvr-ca.pem", &c, &pem, &n), 0);
	REQUIRE(pem != NULL);
	/* The first certificate is the device's; its issuer is the Dahua CA, NBSPs kept. */
	CHECK_STR(c.subject, "CN=192.168.1.108,C=CN");
	CHECK_STR(c.issuer, dahua_ca_dn);
	CHECK_STR(c.serial, "5f3e2d1c0b");
	CHECK_STR(c.sha256, "ae755d0d51d8f23823be8cee204a753adb656b3dc124017881c2dfb84208c22e");
	CHECK_INT(c.nsan, 1);
	CHECK_INT(c.nsan_total, 1);
	CHECK_INT(c.san[0].kind, CS_TLS_SAN_IP);
	CHECK_STR(c.san[0].value, "192.168.1.108");
	free(pem);
}

/* DER of the first certificate in a PEM fixture (caller frees). */
static unsigned char *fixture_der(const char *name, size_t *n)
{
	size_t len;
	char *pem = cs_test_read_fixture(name, &len);
	unsigned char *der = NULL;
	if (pem == NULL)
		return NULL;
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	int dn = x != NULL ? i2d_X509(x, &der) : -1;
	*n = dn > 0 ? (size_t)dn : 0;
	X509_free(x);
	BIO_free(b);
	free(pem);
	return der;
}

TEST(tls_der)
{
	size_t n;
	struct cs_tls_cert c;
	struct cs_err err = {0};
	unsigned char *der = fixture_der("tls/hikvision.pem", &n);
	REQUIRE(der != NULL);
	CHECK_INT(cs_tls_parse_pem(cs_test_guarded(der, n), n, &c, &err), 0);
	CHECK_STR(c.subject, hik_dn);
	CHECK_STR(c.sha256, "212c4f05e8f401a79f79bac32909c04da15a2b557ce2f5e032d9d53228fd4022");
	OPENSSL_free(der);
}

TEST(tls_every_truncation)
{
	static const char *const names[] = {"tls/hikvision.pem", "tls/dahua-nvr-ca.pem"};
	for (size_t f = 0; f < CS_ARRAY_SIZE(names); f++) {
		size_t n;
		char *pem = cs_test_read_fixture(names[f], &n);
		REQUIRE(pem != NULL);
		const char *end = strstr(pem, "-----END CERTIFICATE-----");
		REQUIRE(end != NULL);
		size_t complete = (size_t)(end - pem) + strlen("-----END CERTIFICATE-----");
		for (size_t i = 0; i < n; i++) {
			struct cs_tls_cert c;
			struct cs_err err = {0};
			int rc = cs_tls_parse_pem(cs_test_guarded(pem, i), i, &c, &err);
			int want = i >= complete ? CS_OK : CS_EPARSE;
			if (rc != want) {
				cs_test_fail(__FILE__, __LINE__, "%s cut at %zu: rc %d (%s)",
					     names[f], i, rc, err.msg);
				break;
			}
		}
		free(pem);

		unsigned char *der = fixture_der(names[f], &n);
		REQUIRE(der != NULL);
		for (size_t i = 0; i < n; i++) {
			struct cs_tls_cert c;
			int rc = cs_tls_parse_pem(cs_test_guarded(der, i), i, &c, NULL);
			if (rc != CS_EPARSE) {
				cs_test_fail(__FILE__, __LINE__, "%s DER cut at %zu: rc %d",
					     names[f], i, rc);
				break;
			}
		}
		OPENSSL_free(der);
	}
}

TEST(tls_hostile_input)
{
#define D(lit)                                                                                     \
	{                                                                                          \
		(lit), sizeof(lit) - 1                                                             \
	}
	static const struct {
		const char *p;
		size_t n;
	} bad[] = {
		D(""),
		D("hello"),
		D("\x30\x84\xff\xff\xff\xff\x30\x84\xff\xff\xff\xff"), /* SEQUENCE claiming 4 GiB */
		D("\x30\x80\x30\x80\x00\x00\x00\x00"),		       /* indefinite lengths */
		D("\x30\x89\x01\x02\x03\x04\x05\x06\x07\x08\x09"),     /* 9-byte length */
		D("-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n"),
		D("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
		D("-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"),
		/* An "encrypted" certificate must not make OpenSSL ask for a passphrase. */
		D("-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n"
		  "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
		  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
		  "-----END CERTIFICATE-----\n"),
		D("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
		D("\0\0\0\0\0\0\0\0"),
	};
#undef D
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_tls_cert c;
		struct cs_err err = {0};
		int rc = cs_tls_parse_pem(cs_test_guarded(bad[i].p, bad[i].n), bad[i].n, &c, &err);
		if (rc != CS_EPARSE)
			cs_test_fail(__FILE__, __LINE__, "bad[%zu]: rc %d", i, rc);
		CHECK(strncmp(err.msg, "tls: ", 5) == 0);
		CHECK_STR(c.subject, "");
	}

	size_t n = CS_TLS_MAX_INPUT + 1;
	char *big = calloc(1, n);
	struct cs_tls_cert c;
	REQUIRE(big != NULL);
	CHECK_INT(cs_tls_parse_pem(cs_test_guarded(big, n), n, &c, NULL), CS_ETOOBIG);
	free(big);
}

/*
 * A certificate a hostile device might send: names far longer than their ASN.1 upper bounds,
 * ten SANs including one with a NUL in it, a negative serial. (OpenSSL's own encoder enforces
 * the bounds only for MBSTRING input, so typed strings get through, as they would on the wire.)
 */
static unsigned char *hostile_der(size_t *n)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	unsigned char *der = NULL;
	char longo[3000];

	for (int i = 0; i < 1500; i++)
		memcpy(longo + 2 * i, "\xc3\xa9", 2);
	X509_NAME_add_entry_by_txt(name, "O", V_ASN1_UTF8STRING, (const unsigned char *)longo,
				   sizeof(longo), -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", V_ASN1_UTF8STRING,
				   (const unsigned char *)"\xc3\xa9 bad", 6, -1, 0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), -5);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	for (int i = 0; i < 10; i++) {
		GENERAL_NAME *g = GENERAL_NAME_new();
		if (i == 0) {
			ASN1_IA5STRING *s = ASN1_IA5STRING_new();
			ASN1_STRING_set(s, "good.example\0.evil.example", 26);
			GENERAL_NAME_set0_value(g, GEN_DNS, s);
		} else if (i == 1) {
			ASN1_OCTET_STRING *ip = ASN1_OCTET_STRING_new();
			ASN1_OCTET_STRING_set(
				ip,
				(const unsigned char *)"\xfe\x80\0\0\0\0\0\0"
						       "\x5a\x50\xed\xff\xfe\x1f\xe3\x85",
				16);
			GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
		} else {
			char dns[32];
			snprintf(dns, sizeof(dns), "cam%d.example", i);
			ASN1_IA5STRING *s = ASN1_IA5STRING_new();
			ASN1_STRING_set(s, dns, -1);
			GENERAL_NAME_set0_value(g, GEN_DNS, s);
		}
		sk_GENERAL_NAME_push(gens, g);
	}
	X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT);
	X509_sign(x, key, EVP_sha256());
	int len = i2d_X509(x, &der);
	*n = len > 0 ? (size_t)len : 0;
	GENERAL_NAMES_free(gens);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(key);
	return der;
}

TEST(tls_hostile_certificate)
{
	size_t n;
	struct cs_tls_cert c;
	struct cs_err err = {0};
	unsigned char *der = hostile_der(&n);
	REQUIRE(der != NULL && n > 0);
	CHECK_INT(cs_tls_parse_pem(cs_test_guarded(der, n), n, &c, &err), 0);
	/* 3000 bytes of O, cut on a character boundary: 12 bytes of prefix, then 505 of them. */
	CHECK(strncmp(c.subject, "CN=\xc3\xa9 bad,O=\xc3\xa9\xc3\xa9", 16) == 0);
	CHECK_INT(strlen(c.subject), 1022);
	CHECK(utf8_valid(c.subject));
	CHECK_STR(c.serial, "-05");
	CHECK_INT(c.nsan_total, 10);
	CHECK_INT(c.nsan, CS_TLS_MAX_SAN);
	CHECK_INT(c.san[0].kind, CS_TLS_SAN_DNS);
	CHECK_STR(c.san[0].value, "good.example?.evil.example");
	CHECK_INT(c.san[1].kind, CS_TLS_SAN_IP);
	CHECK_STR(c.san[1].value, "fe80::5a50:edff:fe1f:e385");
	CHECK_STR(c.san[7].value, "cam7.example");
	CHECK_STR(c.key_type, "EC");
	CHECK_INT(c.key_bits, 256);
	CHECK_INT(strlen(c.not_before), 20);

	/* The same certificate with the CN's bytes made invalid UTF-8 (signature now wrong, which
	 * nothing here checks): OpenSSL refuses the name, so the parse fails cleanly. */
	unsigned char *hit = memmem(der, n, "\xc3\xa9 bad", 6);
	REQUIRE(hit != NULL);
	hit[0] = 0xff;
	hit[1] = 0xfe;
	int rc = cs_tls_parse_pem(cs_test_guarded(der, n), n, &c, &err);
	CHECK_INT(rc, CS_EPARSE);
	OPENSSL_free(der);
}

TEST(tls_long_utf8_name_is_cut_cleanly)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	unsigned char *der = NULL;
	char longo[3000];
	struct cs_tls_cert c;

	REQUIRE(key != NULL && x != NULL && name != NULL);
	longo[0] = 'x';
	for (int i = 0; i < 999; i++)
		memcpy(longo + 1 + 3 * i, "\xe4\xb8\xad", 3);
	X509_NAME_add_entry_by_txt(name, "CN", V_ASN1_UTF8STRING, (const unsigned char *)longo,
				   1 + 3 * 999, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509_sign(x, key, EVP_sha256());
	int n = i2d_X509(x, &der);
	REQUIRE(n > 0);
	CHECK_INT(cs_tls_parse_pem(cs_test_guarded(der, (size_t)n), (size_t)n, &c, NULL), 0);
	/* "CN=x" then 3-byte characters: 1023 bytes would split the 340th, so 1021 are kept. */
	CHECK_INT(strlen(c.subject), 1021);
	CHECK(utf8_valid(c.subject));
	CHECK_STR(c.serial, "00");
	OPENSSL_free(der);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(key);
}

/* ---- name lines ---------------------------------------------------------------------- */

static const char *dn(const char *line, bool issuer)
{
	static struct cs_tls_cert c;
	size_t n = strlen(line);
	memset(&c, 0, sizeof(c));
	int rc = cs_tls_parse_dn_line(cs_test_guarded(line, n), n, &c);
	if (rc != CS_OK)
		return rc == CS_EPARSE ? "EPARSE" : rc == CS_ETOOBIG ? "ETOOBIG" : "ERR";
	if ((issuer ? c.subject : c.issuer)[0] != '\0')
		return "WRONG FIELD";
	return issuer ? c.issuer : c.subject;
}

TEST(tls_dn_line_forms)
{
	/* OpenSSL one-line spacing, RFC 2253, bare, slash form: one normal form. */
	CHECK_STR(dn("subject=CN = www.hikvision.com, OU = DVRNVR, O = HIKVISION", false),
		  "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION");
	CHECK_STR(dn("subject=CN = www.hikvision.com, OU = DVRNVR, O = HIKVISION, L = HangZhou, "
		     "ST = ZheJiang, C = CN",
		     false),
		  hik_dn);
	CHECK_STR(dn(hik_dn, false), hik_dn);
	CHECK_STR(dn("  Subject: CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,"
		     "ST=ZheJiang,C=CN\r\n",
		     false),
		  hik_dn);
	CHECK_STR(dn("subject= "
		     "/C=CN/ST=ZheJiang/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com",
		     false),
		  hik_dn);
	/* Order is kept as given (OpenSSL 3 prints certificate order). */
	CHECK_STR(dn("subject=C = CN, ST = ZheJiang, CN = www.hikvision.com", false),
		  "C=CN,ST=ZheJiang,CN=www.hikvision.com");

	/* The Dahua issuer, as people paste it: NBSPs, and an unescaped comma inside O. */
	CHECK_STR(dn("issuer: CN=Dahua" NBSP "Device" NBSP "NVR" NBSP "CA, O=Zhejiang" NBSP
		     "Dahua" NBSP "Technology" NBSP "Co.,Ltd., L=Hangzhou, ST=Zhejiang, C=CN",
		     true),
		  dahua_ca_dn);
	CHECK_STR(dn("issuer=CN = Dahua" NBSP "Device" NBSP "NVR" NBSP "CA, O = \"Zhejiang" NBSP
		     "Dahua" NBSP "Technology" NBSP
		     "Co.,Ltd.\", L = Hangzhou, ST = Zhejiang, C = CN",
		     true),
		  dahua_ca_dn);
	CHECK_STR(dn("Issuer=CN=Dahua\\C2\\A0Device\\C2\\A0NVR\\C2\\A0CA,O=Zhejiang\\C2\\A0Dahua"
		     "\\C2\\A0Technology\\C2\\A0Co.\\,Ltd.,L=Hangzhou,ST=Zhejiang,C=CN",
		     true),
		  dahua_ca_dn);
}

TEST(tls_dn_line_matches_certificate)
{
	/* The same issuer read from the certificate and from a pasted line is the same string. */
	struct cs_tls_cert cert, line;
	char *pem;
	size_t n;
	CHECK_INT(parse_fixture("tls/dahua-nvr-ca.pem", &cert, &pem, &n), 0);
	free(pem);
	memset(&line, 0, sizeof(line));
	const char *l = "issuer: CN=Dahua" NBSP "Device" NBSP "NVR" NBSP "CA, O=Zhejiang" NBSP
			"Dahua" NBSP "Technology" NBSP "Co.,Ltd., L=Hangzhou, ST=Zhejiang, C=CN";
	CHECK_INT(cs_tls_parse_dn_line(l, strlen(l), &line), 0);
	CHECK_STR(line.issuer, cert.issuer);
	/* A second line fills the other field of the same record. */
	l = "subject=CN = 192.168.1.108, C = CN";
	CHECK_INT(cs_tls_parse_dn_line(l, strlen(l), &line), 0);
	CHECK_STR(line.subject, cert.subject);
	CHECK_STR(line.issuer, cert.issuer);
}

TEST(tls_dn_line_details)
{
	/* Long attribute names, multi-valued RDNs, escapes that RFC 2253 wants. */
	CHECK_STR(dn("commonName=x, organizationName=y, countryName=CN", false), "CN=x,O=y,C=CN");
	CHECK_STR(dn("cn=x,o=y,E=a@b.c,S=Zhejiang", false),
		  "CN=x,O=y,emailAddress=a@b.c,ST=Zhejiang");
	CHECK_STR(dn("CN=a + OU=b, O=c", false), "CN=a+OU=b,O=c");
	CHECK_STR(dn("/O=c/CN=a+OU=b", false), "CN=a+OU=b,O=c");
	CHECK_STR(dn("CN=a<b>;c", false), "CN=a\\<b\\>\\;c");
	CHECK_STR(dn("CN=\"#lead, \\\"q\\\" \"", false), "CN=\\#lead\\, \\\"q\\\"\\ ");
	CHECK_STR(dn("CN=tab\there", false), "CN=tab\\09here");
	CHECK_STR(dn("CN=x=y", false), "CN=x=y");
	CHECK_STR(dn("O=A/B Ltd, CN=z", false), "O=A/B Ltd,CN=z");
	CHECK_STR(dn("2.5.4.3=oid", false), "2.5.4.3=oid");
	CHECK_STR(dn("CN=first\nCN=second", false), "CN=first");
	CHECK_STR(dn("CN=", false), "CN=");

	CHECK_STR(dn("", false), "EPARSE");
	CHECK_STR(dn("subject=", false), "EPARSE");
	CHECK_STR(dn("hello world", false), "EPARSE");
	CHECK_STR(dn("=x", false), "EPARSE");
	CHECK_STR(dn("issuer:", true), "EPARSE");
}

TEST(tls_dn_line_limits)
{
	struct cs_tls_cert c;
	size_t n = CS_TLS_MAX_INPUT + 1;
	char *big = malloc(n);
	REQUIRE(big != NULL);
	memset(big, 'a', n);
	memcpy(big, "CN=", 3);
	CHECK_INT(cs_tls_parse_dn_line(cs_test_guarded(big, n), n, &c), CS_ETOOBIG);

	/* 200 KiB of value: cut to the field, on a character boundary. */
	n = 200 * 1024;
	for (size_t i = 3; i + 1 < n; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[n - 1] = 'z';
	memset(&c, 0, sizeof(c));
	CHECK_INT(cs_tls_parse_dn_line(cs_test_guarded(big, n), n, &c), 0);
	CHECK(strlen(c.subject) >= sizeof(c.subject) - 3);
	CHECK(utf8_valid(c.subject));
	free(big);

	/* More than 64 attributes. */
	char many[1024];
	for (int i = 0; i < 65; i++)
		memcpy(many + 4 * i, "C=x,", 4);
	many[4 * 65] = '\0';
	CHECK_STR(dn(many, false), "ETOOBIG");

	/* Every truncation of a line. */
	const char *l = "issuer: CN=Dahua" NBSP "Device, O=Zhejiang Co.,Ltd., C=CN";
	for (size_t i = 0; i <= strlen(l); i++) {
		memset(&c, 0, sizeof(c));
		int rc = cs_tls_parse_dn_line(cs_test_guarded(l, i), i, &c);
		CHECK(rc == CS_OK || rc == CS_EPARSE);
		CHECK(utf8_valid(c.issuer) || i < strlen(l)); /* a cut NBSP may be left as it is */
	}
}
