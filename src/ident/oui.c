/*
 * oui.c - loads the IEEE registry CSVs into sorted prefix tables (see oui.h).
 *
 * The CSV is the IEEE's own format: Registry,Assignment,Organization Name,Organization Address,
 * with RFC 4180 quoting. About 46,000 rows load in a few milliseconds; lookups are binary
 * searches.
 */
#include "ident/oui.h"

#include "common/buf.h"
#include "common/str.h"
#include "common/strmap.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint64_t prefix; /* the assignment, left-aligned in 48 bits */
	uint16_t bits;	 /* 24, 28 or 36 */
	uint16_t file;
	int org;
	const char *registry;
};

struct cs_oui_registry {
	struct entry *e;
	size_t n, cap;
	char **orgs;
	size_t norgs, orgcap;
	struct cs_strmap org_index;
	char *files[8];
	size_t nfiles;
};

enum { OUI_FILE_CAP = 32 * 1024 * 1024, CSV_MAX_FIELDS = 4 };

/* Split one CSV record starting at *pos; fields are unquoted into scratch. */
static bool csv_record(const char *buf, size_t len, size_t *pos, struct cs_buf *scratch,
		       size_t off[CSV_MAX_FIELDS], size_t flen[CSV_MAX_FIELDS], int *nf)
{
	size_t i = *pos;
	if (i >= len)
		return false;
	cs_buf_reset(scratch);
	*nf = 0;
	for (;;) {
		size_t start = scratch->len;
		if (i < len && buf[i] == '"') {
			i++;
			while (i < len) {
				if (buf[i] == '"') {
					if (i + 1 < len && buf[i + 1] == '"') {
						cs_buf_putc(scratch, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				cs_buf_putc(scratch, buf[i++]);
			}
			/* Anything between the closing quote and the separator is dropped. */
			while (i < len && buf[i] != ',' && buf[i] != '\n')
				i++;
		} else {
			while (i < len && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r')
				cs_buf_putc(scratch, buf[i++]);
			while (i < len && buf[i] == '\r')
				i++;
		}
		if (*nf < CSV_MAX_FIELDS) {
			off[*nf] = start;
			flen[*nf] = scratch->len - start;
			(*nf)++;
		}
		cs_buf_putc(scratch, '\0');
		if (i >= len || buf[i] == '\n') {
			*pos = i + 1;
			return true;
		}
		i++; /* the comma */
	}
}

static int intern_org(struct cs_oui_registry *r, struct cs_sv name, int *out)
{
	if (cs_strmap_get(&r->org_index, name, out))
		return CS_OK;
	if (r->norgs == r->orgcap) {
		size_t c = r->orgcap ? r->orgcap * 2 : 4096;
		char **p = realloc(r->orgs, c * sizeof(*p));
		if (p == NULL)
			return CS_ENOMEM;
		r->orgs = p;
		r->orgcap = c;
	}
	if ((r->orgs[r->norgs] = cs_sv_dup(name)) == NULL)
		return CS_ENOMEM;
	*out = (int)r->norgs++;
	return cs_strmap_put(&r->org_index, name, *out);
}

static bool parse_hex_prefix(struct cs_sv s, uint64_t *prefix, uint16_t *bits)
{
	uint64_t v = 0;
	if (s.n != 6 && s.n != 7 && s.n != 9)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		int h = cs_hexval((unsigned char)s.p[i]);
		if (h < 0)
			return false;
		v = v << 4 | (uint64_t)h;
	}
	*bits = (uint16_t)(s.n * 4);
	*prefix = v << (48 - *bits);
	return true;
}

static int load_csv(struct cs_oui_registry *r, const char *path, bool supplement)
{
	struct cs_buf b, scratch;
	cs_buf_init(&b, OUI_FILE_CAP);
	cs_buf_init(&scratch, 64 * 1024);
	int rc = cs_buf_read_file(&b, path);
	if (rc != CS_OK)
		goto out;
	uint16_t file = (uint16_t)r->nfiles;
	if (r->nfiles < CS_ARRAY_SIZE(r->files))
		r->files[r->nfiles++] = strdup(path);
	size_t pos = 0, off[CSV_MAX_FIELDS], flen[CSV_MAX_FIELDS];
	int nf;
	while (csv_record(b.data, b.len, &pos, &scratch, off, flen, &nf)) {
		if (nf < 3 || scratch.data[off[0]] == '#')
			continue;
		struct cs_sv reg = cs_sv_make(scratch.data + off[0], flen[0]);
		struct cs_sv asg = cs_sv_trim(cs_sv_make(scratch.data + off[1], flen[1]));
		struct cs_sv org = cs_sv_trim(cs_sv_make(scratch.data + off[2], flen[2]));
		uint64_t prefix;
		uint16_t bits;
		if (!parse_hex_prefix(asg, &prefix, &bits))
			continue; /* the header line, or junk */
		const char *regname = cs_sv_eq(reg, CS_SV("MA-L"))   ? "MA-L"
				      : cs_sv_eq(reg, CS_SV("MA-M")) ? "MA-M"
				      : cs_sv_eq(reg, CS_SV("MA-S")) ? "MA-S"
				      : cs_sv_eq(reg, CS_SV("IAB"))  ? "IAB"
								     : "other";
		if (r->n == r->cap) {
			size_t c = r->cap ? r->cap * 2 : 65536;
			struct entry *e = realloc(r->e, c * sizeof(*e));
			if (e == NULL) {
				rc = CS_ENOMEM;
				goto out;
			}
			r->e = e;
			r->cap = c;
		}
		int oi;
		if ((rc = intern_org(r, org, &oi)) != CS_OK)
			goto out;
		r->e[r->n++] = (struct entry){prefix, bits, file, oi, regname};
		(void)supplement;
	}
	rc = CS_OK;
out:
	cs_buf_free(&b);
	cs_buf_free(&scratch);
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	/* Registry files load before the supplement, so the registry wins a duplicate. */
	return x->file < y->file ? -1 : x->file > y->file;
}

int cs_oui_load(struct cs_oui_registry **out, const char *dir, const char *const *supplements,
		size_t nsupplements, struct cs_err *err)
{
	static const char *const files[] = {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"};
	struct cs_oui_registry *r = calloc(1, sizeof(*r));
	int rc, loaded = 0;
	if (r == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	cs_strmap_init(&r->org_index);
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		rc = load_csv(r, path, false);
		if (rc == CS_OK)
			loaded++;
		else if (rc != CS_EIO)
			goto fail;
	}
	for (size_t i = 0; i < nsupplements; i++) {
		if (supplements[i] == NULL)
			continue;
		rc = load_csv(r, supplements[i], true);
		if (rc != CS_OK && rc != CS_EIO)
			goto fail;
	}
	if (loaded == 0) {
		rc = cs_err_set(
			err, CS_ENOTFOUND,
			"%s: no IEEE registry (oui.csv); install Debian's ieee-data package "
			"or pass --oui-dir",
			dir);
		goto fail_quiet;
	}
	qsort(r->e, r->n, sizeof(*r->e), cmp_entry);
	*out = r;
	return CS_OK;
fail:
	cs_err_set(err, rc, "%s: reading the IEEE registry: %s", dir, cs_strerror(rc));
fail_quiet:
	cs_oui_free(r);
	return rc;
}

void cs_oui_free(struct cs_oui_registry *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->norgs; i++)
		free(r->orgs[i]);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->orgs);
	free(r->e);
	cs_strmap_free(&r->org_index);
	free(r);
}

static const struct entry *find(const struct cs_oui_registry *r, uint16_t bits, uint64_t prefix)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct entry *e = &r->e[mid];
		if (e->bits < bits || (e->bits == bits && e->prefix < prefix))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->n && r->e[lo].bits == bits && r->e[lo].prefix == prefix)
		return &r->e[lo];
	return NULL;
}

bool cs_oui_lookup(const struct cs_oui_registry *r, const uint8_t mac[6], struct cs_oui_hit *hit)
{
	if (r == NULL)
		return false;
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	static const uint16_t order[] = {36, 28, 24};
	for (size_t i = 0; i < CS_ARRAY_SIZE(order); i++) {
		uint16_t bits = order[i];
		uint64_t mask = ~0ull << (48 - bits) & 0xffffffffffffull;
		const struct entry *e = find(r, bits, v & mask);
		if (e == NULL)
			continue;
		hit->org = r->orgs[e->org];
		hit->org_index = e->org;
		hit->registry = e->registry;
		hit->source = e->file < r->nfiles ? r->files[e->file] : "?";
		int nib = bits / 4;
		size_t o = 0;
		for (int k = 0; k < nib && o + 3 < sizeof(hit->prefix); k++) {
			static const char hex[] = "0123456789ABCDEF";
			hit->prefix[o++] = hex[(e->prefix >> (44 - 4 * k)) & 15];
			if (k % 2 == 1 && k + 1 < nib)
				hit->prefix[o++] = ':';
		}
		hit->prefix[o] = '\0';
		return true;
	}
	return false;
}

size_t cs_oui_count(const struct cs_oui_registry *r)
{
	return r != NULL ? r->n : 0;
}

size_t cs_oui_org_count(const struct cs_oui_registry *r)
{
	return r != NULL ? r->norgs : 0;
}
