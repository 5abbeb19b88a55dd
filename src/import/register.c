/*
 * register.c - asset registers (CSV) to devices: find the header row, map its columns to
 * fields (data/import-columns.tsv, then --map), and turn each data row into observations.
 *
 * e.g.  Asset register - Site North            (title rows before the header are skipped)
 *       Asset tag,Manufacturer,Model No,S/N,MAC Address,IP Address,Building
 *       A-0042,Honeywell,HC30W45R3,,44:19:b6:00:00:01,192.0.2.10,Gatehouse
 *
 * A register is what someone wrote down, not what the device said: the make is a label claim
 * (signal "label": it never counts as evidence of who built the hardware), the model goes
 * through the model grammars, the MAC through the OUI registry and the serial through the
 * serial grammars. Every observation says "register FILE:LINE".
 */
#include "import/csv.h"
#include "import/import_int.h"
#include "proto/mac.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HEADER_SEARCH_ROWS = 20 }; /* non-blank rows in which the header row must appear */

/* A person typed it: slightly less than the device saying it itself. */
static const double REGISTER_TRUST = 0.9;

/* Which field the header cell h names: --map by name first, then the column table (the user's
 * names, loaded last, win). */
static enum imp_field header_field(const struct cs_import *im, struct cs_sv h)
{
	char norm[64];
	if (cs_kb_normalise(cs_sv_trim(h), norm, sizeof(norm)) == 0)
		return IMP_NONE;
	for (size_t i = 0; i < im->nmap; i++)
		if (im->map[i].name[0] != '\0' && strcmp(im->map[i].name, norm) == 0)
			return im->map[i].field;
	for (size_t i = im->ncolumns; i-- > 0;)
		if (strcmp(im->columns[i].name, norm) == 0)
			return im->columns[i].field;
	return IMP_NONE;
}

static bool identity_field(enum imp_field f)
{
	return f == IMP_MAKE || f == IMP_MODEL || f == IMP_SERIAL || f == IMP_MAC || f == IMP_IP ||
	       f == IMP_HOSTNAME;
}

/* Map the columns of a candidate header row; true when it looks like the header. */
static bool map_header(const struct cs_import *im, const struct cs_csv_row *row,
		       enum imp_field *cols)
{
	size_t known = 0, nonempty = 0;
	bool identity = false;
	for (size_t k = 0; k < CS_CSV_MAX_FIELDS; k++)
		cols[k] = IMP_NONE;
	for (size_t k = 0; k < row->nfields; k++) {
		if (cs_sv_trim(row->field[k]).n == 0)
			continue;
		nonempty++;
		cols[k] = header_field(im, row->field[k]);
		if (cols[k] != IMP_NONE && cols[k] != IMP_IGNORE)
			known++;
		identity |= identity_field(cols[k]);
	}
	return identity && (known >= 2 || (known == 1 && nonempty == 1));
}

/* Numbered --map entries apply whatever the header says. */
static void apply_numbered(const struct cs_import *im, enum imp_field *cols)
{
	for (size_t i = 0; i < im->nmap; i++)
		if (im->map[i].col > 0 && im->map[i].col <= CS_CSV_MAX_FIELDS)
			cols[im->map[i].col - 1] = im->map[i].field;
}

/* A cell as the register meant it: trimmed, Excel's ="0123" text form undone, placeholders
 * people type for "nothing" treated as empty. */
static struct cs_sv clean(struct cs_sv v)
{
	static const char *const nothing[] = {"-",	 "--",	"?",   "n/a",  "na", "none",
					      "unknown", "tbc", "tbd", "null", "nil"};
	v = cs_sv_trim(v);
	if (v.n >= 3 && v.p[0] == '=' && v.p[1] == '"' && v.p[v.n - 1] == '"')
		v = cs_sv_trim(cs_sv_make(v.p + 2, v.n - 3));
	for (size_t i = 0; i < CS_ARRAY_SIZE(nothing); i++)
		if (cs_sv_ieq(v, cs_sv_cstr(nothing[i])))
			return cs_sv_make("", 0);
	return v;
}

/* Append a cell to a note, its line breaks and tabs folded into single spaces. */
static void append(struct cs_buf *b, const char *sep, struct cs_sv v)
{
	bool space = false;
	if (b->len > 0)
		cs_buf_puts(b, sep);
	v = cs_sv_make(v.p, cs_utf8_clip(v.p, v.n > 200 ? 200 : v.n));
	for (size_t i = 0; i < v.n; i++) {
		char ch = v.p[i];
		if (ch == '\r' || ch == '\n' || ch == '\t' || ch == ' ') {
			space = true;
			continue;
		}
		if (space)
			cs_buf_putc(b, ' ');
		space = false;
		cs_buf_putc(b, ch);
	}
}

static bool is_ip(struct cs_sv v)
{
	char s[64];
	unsigned char bin[16];
	if (v.n == 0 || v.n >= sizeof(s))
		return false;
	cs_sv_copy(s, sizeof(s), v);
	return inet_pton(AF_INET, s, bin) == 1 || inet_pton(AF_INET6, s, bin) == 1;
}

/* A DNS name: letters, digits, '-' and '.', with at least one '.' or '-' (so that a word such
 * as "Total" is not taken for one). */
static bool is_hostname(struct cs_sv v)
{
	bool sep = false;
	if (v.n == 0 || v.n > 253)
		return false;
	for (size_t i = 0; i < v.n; i++) {
		unsigned char ch = (unsigned char)v.p[i];
		if (ch == '.' || ch == '-')
			sep = true;
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9')))
			return false;
	}
	return sep;
}

/* One data row to one device (or a skip). */
static int row_device(struct cs_import *im, const struct cs_csv_row *row,
		      const enum imp_field *cols)
{
	struct cs_sv val[IMP_NFIELDS];
	struct cs_buf location, asset, note;
	char where[32];
	int r = CS_OK;
	memset(val, 0, sizeof(val));
	cs_buf_init(&location, 1024);
	cs_buf_init(&asset, 512);
	cs_buf_init(&note, 2048);
	snprintf(where, sizeof(where), "%zu", row->line);
	for (size_t k = 0; k < row->nfields; k++) {
		struct cs_sv v = clean(row->field[k]);
		if (v.n == 0 || cols[k] == IMP_NONE || cols[k] == IMP_IGNORE)
			continue;
		if (cols[k] == IMP_LOCATION)
			append(&location, " / ", v);
		else if (cols[k] == IMP_ASSET)
			append(&asset, ", ", v);
		else if (val[cols[k]].n == 0)
			val[cols[k]] = v;
	}
	/* A register's "Address" may hold a host name: keep one as such. Anything else there
	 * ("Total", a street address) identifies nothing. */
	struct cs_sv host_in_ip = cs_sv_make("", 0);
	if (val[IMP_IP].n > 0 && !is_ip(val[IMP_IP])) {
		if (is_hostname(val[IMP_IP]))
			host_in_ip = val[IMP_IP];
		else
			cs_buf_printf(&note, "address not understood: %.*s",
				      (int)(val[IMP_IP].n > 40 ? 40 : val[IMP_IP].n),
				      val[IMP_IP].p);
		val[IMP_IP] = cs_sv_make("", 0);
	}
	bool any = host_in_ip.n > 0;
	for (int f = 0; f < IMP_NFIELDS; f++)
		any |= identity_field((enum imp_field)f) && val[f].n > 0;
	if (!any) {
		imp_skip(im, where, "no make, model, serial, MAC, IP or hostname");
		goto out;
	}

	imp_begin(im);
	struct cs_arena *a = cs_ident_arena(im->id);
	const char *from = cs_arena_printf(a, "register %s:%zu", im->name, row->line);
	imp_observe(im, CS_SIG_LABEL, val[IMP_MAKE], from, REGISTER_TRUST);
	if (val[IMP_MODEL].n > 0) {
		/* "Hikvision DS-2CD2143G2-I": the maker's name is a label, the rest the model. */
		struct cs_sv m = val[IMP_MODEL];
		const char *sp = memchr(m.p, ' ', m.n);
		if (sp != NULL) {
			struct cs_sv first = cs_sv_make(m.p, (size_t)(sp - m.p));
			if (cs_kb_maker_find(im->kb, first) >= 0) {
				imp_observe(im, CS_SIG_LABEL, first, from, REGISTER_TRUST);
				m = cs_sv_trim(cs_sv_make(sp + 1, m.n - first.n - 1));
			}
		}
		imp_observe(im, CS_SIG_MODEL, m, from, REGISTER_TRUST);
	}
	imp_observe(im, CS_SIG_SERIAL, val[IMP_SERIAL], from, REGISTER_TRUST);
	if (val[IMP_MAC].n > 0) {
		uint8_t mac[6];
		if (cs_mac_parse(val[IMP_MAC], mac) == CS_OK)
			imp_observe(im, CS_SIG_MAC, val[IMP_MAC], from, REGISTER_TRUST);
		else
			cs_buf_printf(&note, "%sMAC not understood: %.*s", note.len ? "; " : "",
				      (int)(val[IMP_MAC].n > 40 ? 40 : val[IMP_MAC].n),
				      val[IMP_MAC].p);
	}
	if (val[IMP_IP].n > 0)
		cs_ident_set_address(im->id, cs_arena_strdup(a, val[IMP_IP]));
	imp_observe(im, CS_SIG_HOSTNAME, host_in_ip, from, REGISTER_TRUST);
	imp_observe(im, CS_SIG_HOSTNAME, val[IMP_HOSTNAME], from, REGISTER_TRUST);
	imp_observe(im, CS_SIG_FIRMWARE, val[IMP_FIRMWARE], from, REGISTER_TRUST);
	imp_observe(im, CS_SIG_TYPE, val[IMP_TYPE], from, REGISTER_TRUST);
	if (location.len > 0)
		cs_buf_printf(&note, "%slocation: %s", note.len ? "; " : "", location.data);
	if (asset.len > 0)
		cs_buf_printf(&note, "%sasset: %s", note.len ? "; " : "", asset.data);
	im->location = location.len > 0 ? location.data : NULL;
	r = imp_end(im, where, note.len > 0 ? note.data : NULL, NULL);
	im->location = NULL;
out:
	cs_buf_free(&location);
	cs_buf_free(&asset);
	cs_buf_free(&note);
	return r;
}

/* Excel's "Unicode text" is UTF-16 with a BOM: convert it to UTF-8 (bad surrogates -> U+FFFD). */
static int utf16_to_utf8(const char *p, size_t n, struct cs_buf *out)
{
	const unsigned char *u = (const unsigned char *)p;
	bool be = u[0] == 0xfe;
	for (size_t i = 2; i + 1 < n; i += 2) {
		uint32_t c =
			be ? (uint32_t)(u[i] << 8 | u[i + 1]) : (uint32_t)(u[i + 1] << 8 | u[i]);
		if (c >= 0xd800 && c <= 0xdbff && i + 3 < n) {
			uint32_t lo = be ? (uint32_t)(u[i + 2] << 8 | u[i + 3])
					 : (uint32_t)(u[i + 3] << 8 | u[i + 2]);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd;
		}
		char e[4];
		size_t k;
		if (c < 0x80)
			e[0] = (char)c, k = 1;
		else if (c < 0x800)
			e[0] = (char)(0xc0 | c >> 6), e[1] = (char)(0x80 | (c & 0x3f)), k = 2;
		else if (c < 0x10000)
			e[0] = (char)(0xe0 | c >> 12), e[1] = (char)(0x80 | (c >> 6 & 0x3f)),
			e[2] = (char)(0x80 | (c & 0x3f)), k = 3;
		else
			e[0] = (char)(0xf0 | c >> 18), e[1] = (char)(0x80 | (c >> 12 & 0x3f)),
			e[2] = (char)(0x80 | (c >> 6 & 0x3f)), e[3] = (char)(0x80 | (c & 0x3f)),
			k = 4;
		int r = cs_buf_append(out, e, k);
		if (r != CS_OK)
			return r;
	}
	return CS_OK;
}

int imp_register(struct cs_import *im, const char *p, size_t n)
{
	enum imp_field cols[CS_CSV_MAX_FIELDS];
	struct cs_csv c;
	struct cs_csv_row *row = NULL;
	struct cs_buf conv;
	size_t header_at = 0, seen = 0;
	bool numbered = false, found = false;
	int r = CS_OK, got;

	cs_buf_init(&conv, (size_t)CS_IMPORT_MAX_INPUT * 2);
	memset(&c, 0, sizeof(c));
	const unsigned char *u = (const unsigned char *)p;
	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		if ((r = utf16_to_utf8(p, n, &conv)) != CS_OK) {
			cs_err_set(im->err, r, "%s: UTF-16 register too large", im->name);
			goto out;
		}
		p = conv.data != NULL ? conv.data : "";
		n = conv.len;
	}
	if ((row = malloc(sizeof(*row))) == NULL) {
		r = cs_err_set(im->err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < im->nmap; i++)
		numbered |= im->map[i].col > 0;

	/* Pass 1: which row is the header. */
	cs_csv_init(&c, p, n, 0, 0);
	for (size_t ordinal = 0; seen < HEADER_SEARCH_ROWS; ordinal++) {
		if ((got = cs_csv_next(&c, row)) <= 0)
			break;
		if (row->blank || row->unclosed)
			continue;
		seen++;
		if (map_header(im, row, cols)) {
			header_at = ordinal + 1;
			found = true;
			break;
		}
	}
	cs_csv_free(&c);
	if (!found && !numbered) {
		r = cs_err_set(
			im->err, CS_EPARSE,
			"%s: no header row found in the first %d rows (expected column names "
			"such as Make, Model, Serial, MAC, IP; see --map)",
			im->name, HEADER_SEARCH_ROWS);
		goto out;
	}
	if (!found)
		for (size_t k = 0; k < CS_CSV_MAX_FIELDS; k++)
			cols[k] = IMP_NONE;
	apply_numbered(im, cols);

	/* Pass 2: the rows after it. */
	cs_csv_init(&c, p, n, 0, 0);
	for (size_t ordinal = 0; (got = cs_csv_next(&c, row)) == 1; ordinal++) {
		char where[32];
		if (ordinal < header_at)
			continue;
		if (row->blank) {
			im->stats->blank++;
			continue;
		}
		im->stats->records++;
		im->stats->capped += row->capped;
		snprintf(where, sizeof(where), "%zu", row->line);
		if (row->unclosed) {
			imp_skip(im, where, "a quoted field is never closed");
			continue;
		}
		if ((r = row_device(im, row, cols)) != CS_OK)
			break;
	}
	if (got < 0)
		r = cs_err_set(im->err, got, "%s: out of memory", im->name);
out:
	cs_csv_free(&c);
	cs_buf_free(&conv);
	free(row);
	return r;
}
