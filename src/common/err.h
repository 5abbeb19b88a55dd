/*
 * err.h - the one way camsweep reports errors.
 *
 * Every fallible function returns an int: 0 (CS_OK) on success or one of the negative codes
 * below. Functions that also produce a size return it through an out-parameter, never mixed
 * into the return value. A human-readable detail, when there is one, goes to a caller-supplied
 * struct cs_err so that library code never prints.
 */
#ifndef CS_ERR_H
#define CS_ERR_H

#include <stddef.h>

enum {
	CS_OK = 0,
	CS_ENOMEM = -1,	   /* allocation failed or a cap was reached */
	CS_EINVAL = -2,	   /* bad argument or usage */
	CS_EPARSE = -3,	   /* input is malformed */
	CS_EAGAIN = -4,	   /* input is incomplete: more bytes needed */
	CS_ETOOBIG = -5,   /* input exceeds a documented limit */
	CS_EIO = -6,	   /* a file or socket operation failed (errno is kept in cs_err) */
	CS_ENOTFOUND = -7, /* the thing asked for does not exist */
	CS_EDATA = -8,	   /* a data file (fingerprints, policies, ...) is invalid */
	CS_ESTORE = -9,	   /* the inventory backend failed */
	CS_EUNSUPP = -10,  /* not supported by this build or backend */
};

/* Optional detail for an error. msg is always NUL-terminated. */
struct cs_err {
	int code;
	char msg[512];
};

const char *cs_strerror(int code);

/* Record code and a printf-style message in *e (e may be NULL); returns code. */
int cs_err_set(struct cs_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
