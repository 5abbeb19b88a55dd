/*
 * html.h - the page title of a device's web interface, and HTML entity decoding.
 *
 * A camera's login page title often names its firmware family ("NETSurveillance WEB" for
 * Xiongmai, "WEB SERVICE" for Dahua). This is not an HTML parser: it finds the first
 * <title> element the way a browser would for the pages devices serve, and nothing more.
 */
#ifndef CS_HTML_H
#define CS_HTML_H

#include "common/str.h"

#include <stddef.h>

enum { CS_HTML_TITLE_WINDOW = 64 * 1024 };

/*
 * Find the first <title ...>...</title> (tag names in any case, attributes allowed, comments
 * skipped) that starts and ends within the first CS_HTML_TITLE_WINDOW bytes of p[0..n), and
 * point *title at its raw text, trimmed of ASCII whitespace (may be empty; entities are not
 * decoded). *title points into p; the caller does not free it. Returns 0 or CS_ENOTFOUND.
 */
int cs_html_title(const char *p, size_t n, struct cs_sv *title);

/*
 * Decode &amp; &lt; &gt; &quot; &apos; &nbsp; &#NNN; and &#xHH; from in[0..n) into out, which
 * is always NUL-terminated when cap > 0. Code points that are not valid Unicode scalar values
 * (0, surrogates, above U+10FFFF) become U+FFFD; anything that is not a complete known entity
 * is copied as it is. Output is cut at cap - 1 bytes, never inside a UTF-8 sequence.
 * Returns the length written, without the NUL.
 */
size_t cs_html_decode_entities(const char *in, size_t n, char *out, size_t cap);

#endif
