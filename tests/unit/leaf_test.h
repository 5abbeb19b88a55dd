/*
 * leaf_test.h - leaf callbacks shared by the flattener tests (xmlflat, jsonflat, kvflat).
 */
#ifndef CS_LEAF_TEST_H
#define CS_LEAF_TEST_H

#include "common/str.h"

/* Append "path|name|value\n" to the struct cs_buf at ctx. */
int cs_test_leaf_collect(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value);
/* Count leaves into the size_t at ctx. */
int cs_test_leaf_count(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value);

#endif
