/* buf.c - capped growable buffers (see buf.h for the contract). */
#include "common/buf.h"

#include "common/err.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cs_buf_init(struct cs_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void cs_buf_free(struct cs_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

void cs_buf_reset(struct cs_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int reserve(struct cs_buf *b, size_t extra)
{
	if (extra > b->cap || b->len > b->cap - extra)
		return CS_ETOOBIG;
	size_t need = b->len + extra + 1;
	if (need <= b->alloc)
		return CS_OK;
	size_t n = b->alloc != 0 ? b->alloc : 64;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	if (n > b->cap + 1)
		n = b->cap + 1;
	char *p = realloc(b->data, n);
	if (p == NULL)
		return CS_ENOMEM;
	b->data = p;
	b->alloc = n;
	return CS_OK;
}

int cs_buf_append(struct cs_buf *b, const void *p, size_t n)
{
	int r = reserve(b, n);
	if (r != CS_OK)
		return r;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return CS_OK;
}

int cs_buf_puts(struct cs_buf *b, const char *s)
{
	return cs_buf_append(b, s, strlen(s));
}

int cs_buf_putc(struct cs_buf *b, char c)
{
	return cs_buf_append(b, &c, 1);
}

int cs_buf_vprintf(struct cs_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return CS_EINVAL;
	int r = reserve(b, (size_t)n);
	if (r != CS_OK)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return CS_OK;
}

int cs_buf_printf(struct cs_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = cs_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int cs_buf_read_file(struct cs_buf *b, const char *path)
{
	FILE *f = stdin;
	int r = CS_OK;
	char chunk[65536];

	if (strcmp(path, "-") != 0 && (f = fopen(path, "rb")) == NULL)
		return CS_EIO;
	for (;;) {
		size_t n = fread(chunk, 1, sizeof(chunk), f);
		if (n > 0 && (r = cs_buf_append(b, chunk, n)) != CS_OK)
			break;
		if (n < sizeof(chunk)) {
			if (ferror(f))
				r = CS_EIO;
			break;
		}
	}
	if (b->data == NULL && r == CS_OK)
		r = cs_buf_append(b, "", 0); /* an empty file still yields a valid string */
	if (f != stdin)
		fclose(f);
	return r;
}

char *cs_buf_steal(struct cs_buf *b)
{
	char *p = b->data;
	if (p == NULL)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->alloc = 0;
	return p;
}
