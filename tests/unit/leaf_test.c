/* leaf_test.c - leaf callbacks shared by the flattener tests (see leaf_test.h). */
#include "leaf_test.h"

#include "common/buf.h"
#include "common/err.h"

int cs_test_leaf_collect(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value)
{
	struct cs_buf *b = ctx;
	int r;
	if ((r = cs_buf_append(b, path.p, path.n)) != CS_OK || (r = cs_buf_putc(b, '|')) != CS_OK ||
	    (r = cs_buf_append(b, name.p, name.n)) != CS_OK || (r = cs_buf_putc(b, '|')) != CS_OK ||
	    (r = cs_buf_append(b, value.p, value.n)) != CS_OK ||
	    (r = cs_buf_putc(b, '\n')) != CS_OK)
		return r;
	return 0;
}

int cs_test_leaf_count(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value)
{
	size_t *n = ctx;
	(void)path, (void)name, (void)value;
	(*n)++;
	return 0;
}
