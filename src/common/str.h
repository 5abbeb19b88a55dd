/*
 * str.h - byte-string views and the few string helpers every parser needs.
 *
 * A struct cs_sv is a pointer and a length into someone else's buffer: it owns nothing and is
 * not NUL-terminated. Device input is untrusted bytes, so nothing here assumes text, UTF-8 or a
 * terminating NUL.
 */
#ifndef CS_STR_H
#define CS_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cs_sv {
	const char *p;
	size_t n;
};

#define CS_SV(lit) ((struct cs_sv){(lit), sizeof(lit) - 1})

static inline struct cs_sv cs_sv_make(const char *p, size_t n)
{
	return (struct cs_sv){p, n};
}

struct cs_sv cs_sv_cstr(const char *s);
struct cs_sv cs_sv_trim(struct cs_sv s);
bool cs_sv_eq(struct cs_sv a, struct cs_sv b);
bool cs_sv_ieq(struct cs_sv a, struct cs_sv b);
bool cs_sv_iprefix(struct cs_sv s, struct cs_sv prefix);
/* Case-insensitive (ASCII) substring search; returns offset or -1. */
long cs_sv_ifind(struct cs_sv hay, struct cs_sv needle);
long cs_sv_find(struct cs_sv hay, struct cs_sv needle);

extern const unsigned char cs_lower_table[256];
static inline unsigned char cs_lower(unsigned char c)
{
	return cs_lower_table[c];
}

/* Copy at most cap-1 bytes of s into dst and NUL-terminate; returns dst. */
char *cs_sv_copy(char *dst, size_t cap, struct cs_sv s);

/* Length of s[0..n) without a UTF-8 sequence cut short at the end. */
size_t cs_utf8_clip(const char *s, size_t n);
/* Like cs_sv_copy, but a cut never splits a UTF-8 sequence. */
void cs_sv_copy_clipped(char *dst, size_t cap, const char *s, size_t n);

/* Bounded strdup of a view: caller must free. NULL on allocation failure. */
char *cs_sv_dup(struct cs_sv s);

/* Parse a decimal unsigned integer with overflow and bound checks. */
int cs_parse_u64(struct cs_sv s, uint64_t max, uint64_t *out);

/* Hex helpers. */
int cs_hexval(unsigned char c);
void cs_hex_encode(char *dst, const unsigned char *src, size_t n);

#endif
