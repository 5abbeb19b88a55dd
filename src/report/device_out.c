/* device_out.c - JSON and text renderings of an identified device (see device_out.h). */
#include "report/device_out.h"

#include "common/err.h"

#include <stdbool.h>
#include <string.h>

void cs_device_json_fields(struct cs_json *j, const struct cs_device *d)
{
	cs_json_key(j, "manufacturer");
	cs_json_str(j, d->manufacturer);
	cs_json_key(j, "brand");
	cs_json_str(j, d->brand);
	cs_json_key(j, "model");
	cs_json_str(j, d->model);
	cs_json_key(j, "firmware");
	cs_json_str(j, d->firmware);
	cs_json_key(j, "serial");
	cs_json_str(j, d->serial);
	cs_json_key(j, "mac");
	cs_json_str(j, d->mac);
	cs_json_key(j, "hardware");
	cs_json_str(j, d->hardware);
	cs_json_key(j, "device_type");
	cs_json_str(j, cs_devtype_name(d->type));
	cs_json_key(j, "confidence");
	cs_json_num(j, d->confidence, 3);
	cs_json_key(j, "basis");
	cs_json_str(j, d->basis);
	cs_json_key(j, "possible_manufacturers");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < d->npossible; i++)
		cs_json_str(j, d->possible_makers[i]);
	cs_json_arr_end(j);
	if (d->address != NULL) {
		cs_json_key(j, "address");
		cs_json_str(j, d->address);
	}
	cs_json_key(j, "covered");
	cs_json_bool(j, d->covered);
	cs_json_key(j, "covered_status");
	cs_json_str(j, d->covered_status);
	for (int pass = 0; pass < 2; pass++) {
		const char *want = pass == 0 ? "covered" : "review";
		cs_json_key(j, pass == 0 ? "covered_by" : "review_by");
		cs_json_arr_begin(j);
		for (size_t i = 0; i < d->ncoverage; i++) {
			const struct cs_coverage *c = &d->coverage[i];
			if (strcmp(c->status, want) != 0)
				continue;
			cs_json_obj_begin(j);
			cs_json_key(j, "policy");
			cs_json_str(j, c->policy);
			cs_json_key(j, "entity");
			cs_json_str(j, c->entity);
			cs_json_key(j, "basis");
			cs_json_str(j, c->basis);
			cs_json_key(j, "via");
			cs_json_str(j, c->via);
			cs_json_key(j, "why");
			cs_json_str(j, c->why != NULL ? c->why : "");
			cs_json_obj_end(j);
		}
		cs_json_arr_end(j);
	}
	cs_json_key(j, "evidence");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < d->nevidence; i++) {
		const struct cs_evidence *e = &d->evidence[i];
		cs_json_obj_begin(j);
		cs_json_key(j, "signal");
		cs_json_str(j, cs_signal_name(e->signal));
		cs_json_key(j, "value");
		cs_json_str(j, e->value);
		if (e->from != NULL) {
			cs_json_key(j, "from");
			cs_json_str(j, e->from);
		}
		cs_json_key(j, "implies");
		cs_json_str(j, e->implies);
		cs_json_key(j, "weight");
		cs_json_num(j, e->weight, 3);
		cs_json_key(j, "rule");
		cs_json_str(j, e->rule);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
}

void cs_device_json(struct cs_json *j, const struct cs_device *d)
{
	cs_json_obj_begin(j);
	cs_device_json_fields(j, d);
	cs_json_obj_end(j);
}

/*
 * Is the UTF-8 sequence p[0..len) a character that reorders or breaks what a terminal shows:
 * the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069; the "Trojan Source" characters) or the line and paragraph
 * separators (U+2028, U+2029)? A device name must not make a table lie about its neighbours.
 */
static bool reorders(const unsigned char *p, size_t len)
{
	if (len == 2)
		return p[0] == 0xd8 && p[1] == 0x9c;
	if (len != 3 || p[0] != 0xe2)
		return false;
	if (p[1] == 0x80)
		return p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xa8 && p[2] <= 0xae);
	return p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9;
}

int cs_term_safe(struct cs_buf *out, const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0, shown = 0;
	int r = CS_OK;
	for (size_t i = 0; i < n && r == CS_OK;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : cs_utf8_seq_len((const unsigned char *)s + i, n - i);
		if (shown + 1 > max) {
			r = cs_buf_puts(out, "...");
			break;
		}
		if (len == 0 || c < 0x20 || c == 0x7f ||
		    (len == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) ||
		    reorders((const unsigned char *)s + i, len)) {
			/* Controls (C0, DEL, C1), broken UTF-8 and bidi overrides could drive the
			 * terminal or reorder what it shows. */
			r = cs_buf_putc(out, '?');
			i += len != 0 ? len : 1;
		} else {
			r = cs_buf_append(out, s + i, len);
			i += len;
		}
		shown++;
	}
	return r;
}

static void line(struct cs_buf *o, const char *label, const char *v)
{
	if (v == NULL)
		return;
	cs_buf_printf(o, "  %-14s ", label);
	cs_term_safe(o, v, 200);
	cs_buf_putc(o, '\n');
}

int cs_device_text(struct cs_buf *o, const struct cs_device *d)
{
	cs_buf_puts(o, "device\n");
	line(o, "manufacturer", d->manufacturer != NULL ? d->manufacturer : "unknown");
	line(o, "brand", d->brand);
	line(o, "model", d->model);
	line(o, "firmware", d->firmware);
	line(o, "serial", d->serial);
	line(o, "mac", d->mac);
	line(o, "address", d->address);
	line(o, "type", cs_devtype_name(d->type));
	cs_buf_printf(o, "  %-14s %.2f%s%s%s\n", "confidence", d->confidence,
		      d->basis != NULL ? " (" : "", d->basis != NULL ? d->basis : "",
		      d->basis != NULL ? ")" : "");
	for (size_t i = 0; i < d->npossible; i++)
		line(o, i == 0 ? "possibly" : "", d->possible_makers[i]);
	cs_buf_printf(o, "  %-14s %s\n", "policy", d->covered_status);
	for (size_t i = 0; i < d->ncoverage; i++) {
		const struct cs_coverage *c = &d->coverage[i];
		cs_buf_printf(o, "    %s %s: %s (", c->status, c->policy, c->entity);
		cs_term_safe(o, c->via, 300);
		cs_buf_puts(o, ")\n      basis: ");
		cs_term_safe(o, c->basis, 160);
		if (c->why != NULL && c->why[0] != '\0') {
			cs_buf_puts(o, "\n      why:   ");
			cs_term_safe(o, c->why, 160);
		}
		cs_buf_putc(o, '\n');
	}
	cs_buf_puts(o, "  evidence\n");
	for (size_t i = 0; i < d->nevidence; i++) {
		const struct cs_evidence *e = &d->evidence[i];
		cs_buf_printf(o, "    %.2f %-14s ", e->weight, cs_signal_name(e->signal));
		cs_term_safe(o, e->value, 70);
		cs_buf_puts(o, "\n         -> ");
		cs_term_safe(o, e->implies, 200);
		cs_buf_printf(o, "  [%s]\n", e->rule != NULL ? e->rule : "");
	}
	return CS_OK;
}
