/*
 * probe_tls.c - the "tls" probe: recognises a port that speaks TLS where plain text was
 * expected (HTTPS on a port we took for HTTP), so that the engine can start again inside TLS.
 *
 *   e.g.  16 03 03 00 5d 02 ...    a handshake record (ServerHello)
 *         15 03 01 00 02 02 46     an alert record (what many servers send to a plain GET)
 *
 * The probe has no conversation of its own: the engine does the handshake and hands the
 * certificate to identification itself (CS_IN_TLS), then runs the http probe inside TLS.
 */
#include "scan/probe_int.h"

enum {
	RECORD_HEADER_LEN = 5, /* type, version (2), length (2) */
	TLS_HANDSHAKE = 0x16,
	TLS_ALERT = 0x15,
};

static int tls_request(const struct cs_probe_target *t, int step, char *buf, size_t cap,
		       size_t *len)
{
	return CS_ENOTFOUND; /* the engine's handshake is the whole conversation */
}

/* A record type we answer to, and version 3.0 (SSL 3.0) to 3.4 (TLS 1.3 in records: 3.3). */
static bool tls_recognise(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	return len >= 3 && (u[0] == TLS_HANDSHAKE || u[0] == TLS_ALERT) && u[1] == 0x03 &&
	       u[2] <= 0x04;
}

/* The first record, whole. Bytes that are not TLS will not become TLS. */
static enum cs_probe_done tls_complete(int step, const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	if (len > 0 && u[0] != TLS_HANDSHAKE && u[0] != TLS_ALERT)
		return CS_PROBE_DONE;
	if (len < 3)
		return CS_PROBE_MORE;
	if (!tls_recognise(buf, len))
		return CS_PROBE_DONE;
	if (len < RECORD_HEADER_LEN)
		return CS_PROBE_MORE;
	size_t rec = (size_t)u[3] << 8 | u[4];
	return len - RECORD_HEADER_LEN >= rec ? CS_PROBE_DONE : CS_PROBE_MORE;
}

static int tls_observe(struct cs_ident *id, const struct cs_probe_target *t, int step,
		       const char *buf, size_t len)
{
	return CS_OK; /* a record header says nothing about the maker; the certificate does */
}

const struct cs_probe cs_probe_tls = {
	.name = "tls",
	.summary = "TLS: recognises a TLS server (the engine handshakes and reads the "
		   "certificate)",
	.server_first = false,
	.wants_tls = true,
	.request = tls_request,
	.complete = tls_complete,
	.recognise = tls_recognise,
	.observe = tls_observe,
};
