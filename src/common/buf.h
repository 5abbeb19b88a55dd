/*
 * buf.h - a growable byte buffer whose cap is a mandatory argument.
 *
 * Nothing that holds bytes from a device may grow without bound, so every buffer is created
 * with the largest size it may ever reach; appends past it fail with CS_ETOOBIG and leave the
 * buffer as it was. The contents are always NUL-terminated (the NUL is not counted in len and
 * does not count against the cap), so a buffer can be handed to APIs that want a C string.
 */
#ifndef CS_BUF_H
#define CS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct cs_buf {
	char *data; /* owned; NUL-terminated; NULL until the first append */
	size_t len;
	size_t alloc;
	size_t cap;
};

void cs_buf_init(struct cs_buf *b, size_t cap);
void cs_buf_free(struct cs_buf *b);  /* no-op on a zeroed or freed buffer */
void cs_buf_reset(struct cs_buf *b); /* len = 0, keeps memory */
int cs_buf_append(struct cs_buf *b, const void *p, size_t n);
int cs_buf_puts(struct cs_buf *b, const char *s);
int cs_buf_putc(struct cs_buf *b, char c);
int cs_buf_printf(struct cs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cs_buf_vprintf(struct cs_buf *b, const char *fmt, va_list ap);

/* Read a whole file (or stdin for "-") into b, failing with CS_ETOOBIG past b->cap. */
int cs_buf_read_file(struct cs_buf *b, const char *path);

/* Hand the NUL-terminated contents to the caller, who must free them; b is left empty. */
char *cs_buf_steal(struct cs_buf *b);

#endif
