/*
 * probe_int.h - private to the probe files: the probe structs that probes.c registers and the
 * one completeness check that HTTP and RTSP (and an HTTP answer on another probe's port) share.
 * Everything else uses probe.h.
 */
#ifndef CS_PROBE_INT_H
#define CS_PROBE_INT_H

#include "scan/probe.h"

extern const struct cs_probe cs_probe_http;	   /* probe_http.c */
extern const struct cs_probe cs_probe_rtsp;	   /* probe_rtsp.c */
extern const struct cs_probe cs_probe_hik_sdk;	   /* probe_hik.c */
extern const struct cs_probe cs_probe_dahua_dvrip; /* probe_dahua.c */
extern const struct cs_probe cs_probe_tls;	   /* probe_tls.c */
extern const struct cs_probe cs_probe_ubnt;	   /* probe_udp.c */
extern const struct cs_probe cs_probe_udp_WSD;	   /* probe_udp.c */
extern const struct cs_probe cs_probe_udp_SADP;	   /* probe_udp.c */
extern const struct cs_probe cs_probe_udp_DHIP;	   /* probe_udp.c */
extern const struct cs_probe cs_probe_udp_SSDP;	   /* probe_udp.c */

/*
 * Is the HTTP (rtsp false) or RTSP (rtsp true) response in buf[0..len) whole? The head must be
 * complete; then the body is whole when Content-Length bytes are in, or the chunked stream's
 * last chunk and trailers are (HTTP), or the status has no body (1xx, 204, 304). Interim 1xx
 * responses before the real one are skipped. Without a length, an RTSP message has no body
 * (RFC 2326 12.14) while an HTTP body runs to EOF, which the engine sees: CS_PROBE_MORE.
 * Bytes that cannot be the protocol, or a malformed head, are CS_PROBE_DONE: waiting would not
 * help. (probe_http.c)
 */
enum cs_probe_done cs_probe_message_complete(const char *buf, size_t len, bool rtsp);

/* Does buf start (after stray CR/LF) with proto ("HTTP/", "RTSP/"), ignoring case? */
bool cs_probe_starts_with(const char *buf, size_t len, const char *proto);

/* Could buf still become such a message once more bytes arrive (it is a prefix of proto, or
 * starts with it)? */
bool cs_probe_could_be(const char *buf, size_t len, const char *proto);

/* cs_ident_feed for a probe: bytes that are not of the kind are no evidence, not an error.
 * Returns CS_OK, or CS_ENOMEM. (probe_http.c) */
int cs_probe_feed(struct cs_ident *id, enum cs_input_kind kind, const char *buf, size_t len);

#endif
