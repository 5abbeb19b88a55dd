/*
 * tls.c - the simulator's TLS: one server context per persona that serves HTTPS, each with a
 * certificate whose subject and issuer are the ones real devices of that maker present
 * (fingerprinting-signals.md 1.7; personas.c says where each comes from). The key is one P-256
 * key for the whole process: what a scanner reads is the names, not the key.
 */
#include "sim.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *key;
static SSL_CTX **ctxs; /* parallel to sim_personas */

/* "/CN=a/O=b, c" -> an X509_NAME; '/' separates entries, the first '=' splits each. */
static X509_NAME *make_name(const char *dn)
{
	X509_NAME *n = X509_NAME_new();
	char buf[512];
	if (n == NULL || dn == NULL || strlen(dn) >= sizeof(buf))
		goto fail;
	memcpy(buf, dn, strlen(dn) + 1);
	for (char *p = buf; p != NULL && *p != '\0';) {
		if (*p == '/')
			p++;
		char *end = strchr(p, '/'), *eq = strchr(p, '=');
		if (end != NULL)
			*end = '\0';
		if (eq == NULL || (end != NULL && eq > end))
			goto fail;
		*eq = '\0';
		if (X509_NAME_add_entry_by_txt(n, p, MBSTRING_UTF8, (const unsigned char *)eq + 1,
					       -1, -1, 0) != 1)
			goto fail;
		p = end != NULL ? end + 1 : NULL;
	}
	return n;
fail:
	X509_NAME_free(n);
	return NULL;
}

static SSL_CTX *build(const struct sim_persona *p)
{
	SSL_CTX *ctx = NULL;
	X509 *x = X509_new();
	X509_NAME *subj = make_name(p->tls_subject);
	X509_NAME *iss = make_name(p->tls_issuer != NULL ? p->tls_issuer : p->tls_subject);

	if (key == NULL)
		key = EVP_EC_gen("P-256");
	if (key == NULL || x == NULL || subj == NULL || iss == NULL)
		goto out;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x5ca1ab1e);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400L * 365);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365 * 10);
	if (X509_set_subject_name(x, subj) != 1 || X509_set_issuer_name(x, iss) != 1 ||
	    X509_set_pubkey(x, key) != 1 || X509_sign(x, key, EVP_sha256()) == 0)
		goto out;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto out;
	if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
		SSL_CTX_free(ctx);
		ctx = NULL;
	}
out:
	X509_NAME_free(subj);
	X509_NAME_free(iss);
	X509_free(x);
	return ctx;
}

struct ssl_ctx_st *sim_tls_ctx(const struct sim_persona *p)
{
	size_t i;
	for (i = 0; i < sim_npersonas && sim_personas[i] != p; i++)
		;
	if (i == sim_npersonas || p->tls_subject == NULL)
		return NULL;
	if (ctxs == NULL && (ctxs = calloc(sim_npersonas, sizeof(*ctxs))) == NULL)
		return NULL;
	if (ctxs[i] == NULL)
		ctxs[i] = build(p);
	return ctxs[i];
}

void sim_tls_free(void)
{
	for (size_t i = 0; ctxs != NULL && i < sim_npersonas; i++)
		SSL_CTX_free(ctxs[i]);
	free(ctxs);
	ctxs = NULL;
	EVP_PKEY_free(key);
	key = NULL;
}
