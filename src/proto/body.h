/*
 * body.h - turning an HTTP message body as captured into the bytes the server meant:
 * undo chunked transfer coding, then gzip or deflate content coding.
 *
 * Both are bounded: the decoded body is cut at the caller's cap (a decompression bomb stops
 * there), and a malformed chunk stream or compressed stream yields what was decoded before
 * the fault. Device bodies are often cut short in captures, so partial output is normal.
 */
#ifndef CS_BODY_H
#define CS_BODY_H

#include "common/buf.h"
#include "common/str.h"

/* Append the de-chunked body to out. Returns CS_OK when the final chunk was seen,
 * CS_EAGAIN when the input ended early, CS_EPARSE on a bad chunk size line. */
int cs_body_dechunk(struct cs_sv in, struct cs_buf *out);

/* Append the inflated body (gzip, zlib or raw deflate, detected) to out. Returns CS_OK at the
 * end of the stream, CS_EAGAIN when the input ended early, CS_ETOOBIG at out's cap,
 * CS_EPARSE on corrupt data. */
int cs_body_inflate(struct cs_sv in, struct cs_buf *out);

#endif
