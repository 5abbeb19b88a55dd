/*
 * hash.h - the content hashes fingerprint databases use for favicons.
 *
 * MD5 (nmap, Recog, Ingram) and the "Shodan" favicon hash: MurmurHash3 x86 32-bit, seed 0, of
 * the base64 encoding of the file with a newline after every 76 characters and at the end (as
 * Python's base64.encodebytes writes it), printed as a signed 32-bit integer.
 */
#ifndef CS_HASH_H
#define CS_HASH_H

#include <stddef.h>
#include <stdint.h>

/* out gets 32 lower-case hex digits and a NUL. */
int cs_md5_hex(const void *p, size_t n, char out[33]);
uint32_t cs_murmur3_32(const void *p, size_t n, uint32_t seed);
/* The Shodan-style favicon hash of raw file bytes. */
int cs_favicon_mmh3(const void *p, size_t n, int32_t *out);

#endif
