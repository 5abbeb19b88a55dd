/*
 * json.h - a streaming JSON writer into a capped buffer.
 *
 * Strings from devices are arbitrary bytes: the writer emits valid UTF-8 JSON whatever it is
 * given. Invalid UTF-8 sequences become U+FFFD, control characters are escaped, and '<', '>'
 * and '&' are written as \u escapes so that JSON pasted into HTML can never open a tag.
 * The writer tracks nesting and commas itself; callers only say what comes next.
 * The first error sticks: later calls do nothing and cs_json_end() returns it.
 */
#ifndef CS_JSON_H
#define CS_JSON_H

#include "common/buf.h"
#include "common/str.h"

#include <stdbool.h>
#include <stdint.h>

enum { CS_JSON_MAX_DEPTH = 32 };

struct cs_json {
	struct cs_buf *out;
	int depth;
	bool need_comma[CS_JSON_MAX_DEPTH];
	bool after_key;
	bool pretty;
	int err;
};

void cs_json_init(struct cs_json *j, struct cs_buf *out, bool pretty);
void cs_json_obj_begin(struct cs_json *j);
void cs_json_obj_end(struct cs_json *j);
void cs_json_arr_begin(struct cs_json *j);
void cs_json_arr_end(struct cs_json *j);
void cs_json_key(struct cs_json *j, const char *key);
void cs_json_str(struct cs_json *j, const char *s); /* NULL writes null */
void cs_json_strn(struct cs_json *j, const char *s, size_t n);
void cs_json_int(struct cs_json *j, int64_t v);
void cs_json_num(struct cs_json *j, double v, int decimals);
void cs_json_bool(struct cs_json *j, bool v);
void cs_json_null(struct cs_json *j);
int cs_json_end(struct cs_json *j); /* returns the first error, or CS_OK */

/* Escape s as the body of a JSON string (no quotes) into out. */
int cs_json_escape(struct cs_buf *out, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not valid. */
size_t cs_utf8_seq_len(const unsigned char *p, size_t n);

#endif
