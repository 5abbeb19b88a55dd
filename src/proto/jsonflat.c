/*
 * jsonflat.c - JSON documents from devices to leaves, with jansson (see jsonflat.h, leaf.h).
 *
 * e.g. a DHIP discovery reply:
 *   {"mac":"3c:ef:8c:61:01:c0","method":"client.notifyDevInfo",
 *    "params":{"deviceInfo":{"DeviceType":"IPC-HFW2228M-I1-V2","Port":37777, ...}}}
 * gives ("mac", "mac", "3c:ef:8c:61:01:c0"), ..., ("params/deviceInfo/Port", "Port", "37777").
 *
 * jansson reads exactly n bytes and limits its own recursion (2048 levels); the walk here
 * allows CS_FLAT_MAX_DEPTH, builds the path in a fixed buffer and counts leaves.
 */
#include "proto/jsonflat.h"

#include "common/str.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct jflat {
	cs_leaf_fn fn;
	void *ctx;
	struct cs_err *err;
	size_t leaves;
	size_t path_len;
	size_t name_off; /* where the last path component starts */
	char path[CS_FLAT_MAX_PATH];
};

static int emit(struct jflat *j, const char *v, size_t vn)
{
	if (j->leaves >= CS_FLAT_MAX_LEAVES)
		return cs_err_set(j->err, CS_ETOOBIG, "json: more than %d leaves",
				  CS_FLAT_MAX_LEAVES);
	j->leaves++;
	struct cs_sv path = cs_sv_make(j->path, j->path_len);
	struct cs_sv name = cs_sv_make(j->path + j->name_off, j->path_len - j->name_off);
	int r = j->fn(j->ctx, path, name, cs_sv_trim(cs_sv_make(v, vn)));
	if (r != 0)
		cs_err_set(j->err, r, "json: stopped by the leaf callback");
	return r;
}

static int walk(struct jflat *j, json_t *v, int depth)
{
	char num[64];
	int len;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY: break;
	case JSON_STRING: return emit(j, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		len = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit(j, num, (size_t)len);
	case JSON_REAL:
		len = snprintf(num, sizeof(num), "%g", json_real_value(v));
		return emit(j, num, (size_t)len);
	case JSON_TRUE: return emit(j, "true", 4);
	case JSON_FALSE: return emit(j, "false", 5);
	case JSON_NULL: return CS_OK;
	}

	if (depth >= CS_FLAT_MAX_DEPTH)
		return cs_err_set(j->err, CS_ETOOBIG, "json: containers nested deeper than %d",
				  CS_FLAT_MAX_DEPTH);
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			int r = walk(j, json_array_get(v, i), depth + 1);
			if (r != 0)
				return r;
		}
		return CS_OK;
	}

	size_t saved_len = j->path_len, saved_off = j->name_off;
	for (void *it = json_object_iter(v); it != NULL; it = json_object_iter_next(v, it)) {
		const char *key = json_object_iter_key(it);
		size_t kn = json_object_iter_key_len(it);
		size_t need = (saved_len > 0 ? 1 : 0) + kn;
		if (need >= sizeof(j->path) - saved_len)
			return cs_err_set(j->err, CS_ETOOBIG, "json: key path longer than %d",
					  CS_FLAT_MAX_PATH);
		j->path_len = saved_len;
		if (j->path_len > 0)
			j->path[j->path_len++] = '/';
		j->name_off = j->path_len;
		memcpy(j->path + j->path_len, key, kn);
		j->path_len += kn;
		int r = walk(j, json_object_iter_value(it), depth + 1);
		j->path_len = saved_len;
		j->name_off = saved_off;
		if (r != 0)
			return r;
	}
	return CS_OK;
}

int cs_json_flatten(const char *p, size_t n, cs_leaf_fn fn, void *ctx, struct cs_err *err)
{
	struct jflat j = {.fn = fn, .ctx = ctx, .err = err};
	json_error_t jerr;
	json_t *root = NULL;
	int r = CS_EPARSE;

	if (p == NULL || fn == NULL)
		return cs_err_set(err, CS_EINVAL, "json: no input or callback");
	if (n > CS_FLAT_MAX_INPUT)
		return cs_err_set(err, CS_ETOOBIG, "json: document of %zu bytes exceeds %d", n,
				  CS_FLAT_MAX_INPUT);
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	root = json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (root == NULL) {
		r = cs_err_set(err, CS_EPARSE, "json: %s at line %d, column %d", jerr.text,
			       jerr.line, jerr.column);
		goto out;
	}
	r = walk(&j, root, 0);
out:
	json_decref(root);
	return r;
}

int cs_json_lenient_strip(const char *p, size_t n, struct cs_buf *out)
{
	bool in_str = false, esc = false;
	size_t run = 0; /* start of the bytes not yet copied */
	int r;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (in_str) {
			if (c == '\n')
				in_str = esc = false;
			else if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '#') {
			if ((r = cs_buf_append(out, p + run, i - run)) != CS_OK)
				return r;
			while (i < n && p[i] != '\n')
				i++;
			run = i; /* the newline, if any, is copied with the next run */
		}
	}
	return cs_buf_append(out, p + run, n - run);
}
