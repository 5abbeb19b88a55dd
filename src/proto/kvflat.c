/*
 * kvflat.c - key=value line replies (Dahua CGI, Axis param.cgi) to leaves; see kvflat.h.
 *
 * e.g. GET /cgi-bin/magicBox.cgi?action=getSystemInfo
 *   deviceType=IPC-HFW2228M-I1-V2\r\n
 *   serialNumber=4J0186FPAG00123\r\n
 * gives ("deviceType", "deviceType", "IPC-HFW2228M-I1-V2"), ("serialNumber", ...).
 *
 * The input is scanned once with memchr; no line is copied except its key, into a fixed buffer
 * (the path with '/' for '.'), and every count is capped.
 */
#include "proto/kvflat.h"

#include "common/str.h"

#include <string.h>

int cs_kv_flatten(const char *p, size_t n, cs_leaf_fn fn, void *ctx, struct cs_err *err)
{
	char path[CS_FLAT_MAX_VALUE];
	size_t lines = 0, parsed = 0, skipped = 0;

	if (p == NULL || fn == NULL)
		return cs_err_set(err, CS_EINVAL, "kv: no input or callback");
	if (n > CS_FLAT_MAX_INPUT)
		return cs_err_set(err, CS_ETOOBIG, "kv: reply of %zu bytes exceeds %d", n,
				  CS_FLAT_MAX_INPUT);
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}

	for (size_t at = 0; at < n;) {
		const char *line = p + at;
		const char *nl = memchr(line, '\n', n - at);
		size_t len = nl != NULL ? (size_t)(nl - line) : n - at;
		at += len + (nl != NULL ? 1 : 0);

		if (++lines > CS_FLAT_MAX_LEAVES)
			return cs_err_set(err, CS_ETOOBIG, "kv: more than %d lines",
					  CS_FLAT_MAX_LEAVES);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		struct cs_sv whole = cs_sv_trim(cs_sv_make(line, len));
		if (whole.n == 0)
			continue;
		const char *eq = memchr(line, '=', len);
		if (len > CS_FLAT_MAX_VALUE || eq == NULL || memchr(line, '\0', len) != NULL) {
			skipped++;
			continue;
		}
		struct cs_sv key = cs_sv_trim(cs_sv_make(line, (size_t)(eq - line)));
		struct cs_sv value = cs_sv_trim(cs_sv_make(eq + 1, len - (size_t)(eq - line) - 1));
		if (key.n == 0) {
			skipped++;
			continue;
		}
		size_t name_off = 0;
		for (size_t i = 0; i < key.n; i++) {
			path[i] = key.p[i] == '.' ? '/' : key.p[i];
			if (key.p[i] == '.')
				name_off = i + 1;
		}
		parsed++;
		int r = fn(ctx, cs_sv_make(path, key.n),
			   cs_sv_make(path + name_off, key.n - name_off), value);
		if (r != 0)
			return cs_err_set(err, r, "kv: stopped by the leaf callback");
	}
	if (parsed == 0)
		return cs_err_set(err, CS_EPARSE, "kv: no key=value line (%zu other lines)",
				  skipped);
	return CS_OK;
}
