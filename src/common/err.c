/* err.c - error codes to text, and the detail record shared by every module. */
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>

const char *cs_strerror(int code)
{
	switch (code) {
	case CS_OK: return "success";
	case CS_ENOMEM: return "out of memory or over a size cap";
	case CS_EINVAL: return "invalid argument";
	case CS_EPARSE: return "malformed input";
	case CS_EAGAIN: return "incomplete input";
	case CS_ETOOBIG: return "input too large";
	case CS_EIO: return "input/output error";
	case CS_ENOTFOUND: return "not found";
	case CS_EDATA: return "invalid data file";
	case CS_ESTORE: return "inventory error";
	case CS_EUNSUPP: return "not supported";
	}
	return "unknown error";
}

int cs_err_set(struct cs_err *e, int code, const char *fmt, ...)
{
	if (e != NULL) {
		va_list ap;
		e->code = code;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
