/*
 * report_build_int.h - private to the report model's builders (report_build.c,
 * report_build_prog.c): setting JSON members with one sticky error, so that a section is built
 * without a check after every call.
 */
#ifndef CS_REPORT_BUILD_INT_H
#define CS_REPORT_BUILD_INT_H

#include "common/err.h"

#include <jansson.h>

/*
 * A string as the store holds it, or null. The store keeps what devices sent byte for byte, so
 * it is not checked as UTF-8 here: the renderers replace invalid sequences when they escape.
 */
static inline json_t *cs_rb_str(const char *s)
{
	return s != NULL ? json_string_nocheck(s) : json_null();
}

/* Set key to v, taking the reference; sticky error in *r (v is released on an error). */
static inline void cs_rb_set(json_t *o, const char *key, json_t *v, int *r)
{
	if (*r == CS_OK && (v == NULL || json_object_set_new(o, key, v) != 0))
		*r = CS_ENOMEM;
	else if (*r != CS_OK)
		json_decref(v);
}

/* Append v, taking the reference; sticky error in *r. */
static inline void cs_rb_push(json_t *a, json_t *v, int *r)
{
	if (*r == CS_OK && (v == NULL || json_array_append_new(a, v) != 0))
		*r = CS_ENOMEM;
	else if (*r != CS_OK)
		json_decref(v);
}

#endif
