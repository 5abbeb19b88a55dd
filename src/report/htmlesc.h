/*
 * htmlesc.h - escaping untrusted strings for HTML text and attribute values.
 *
 * Everything a report shows may have come from a device (a model name, a firmware string, a
 * page title), so no string reaches an HTML document without going through here. One escaper
 * serves text and double- or single-quoted attribute values alike: it escapes & < > " ' and
 * makes the bytes valid UTF-8 without the controls HTML forbids. It is not for URLs, CSS or
 * script contexts; the report has none that carry device data.
 */
#ifndef CS_HTMLESC_H
#define CS_HTMLESC_H

#include "common/buf.h"

#include <stddef.h>

/*
 * Append s[0..n) to out escaped: & < > " ' become entities, invalid UTF-8, C0 controls other
 * than tab, LF and CR, DEL and C1 controls (U+0080..U+009F) become U+FFFD. Returns 0 or the
 * buffer's error (out may then hold part of the text).
 */
int cs_html_escape(struct cs_buf *out, const char *s, size_t n);

/* cs_html_escape of a NUL-terminated string; NULL appends nothing. */
int cs_html_puts(struct cs_buf *out, const char *s);

#endif
