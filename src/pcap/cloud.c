/*
 * cloud.c - the vendor cloud domain list (see cloud.h). The list is short (tens of entries),
 * so a match is a linear scan of suffix comparisons; it runs once per DNS question, TLS
 * server name or HTTP Host header, not per packet.
 */
#include "pcap/cloud.h"

#include "common/tsv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void entry_free(struct cs_cloud_entry *e)
{
	free(e->domain);
	free(e->service);
	free(e->vendor);
}

void cs_cloud_free(struct cs_cloud *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_free(&c->e[i]);
	free(c->e);
	c->e = NULL;
	c->n = 0;
}

static bool valid_domain(struct cs_sv d)
{
	if (d.n == 0 || d.n > 253 || d.p[0] == '.' || d.p[d.n - 1] == '.')
		return false;
	for (size_t i = 0; i < d.n; i++) {
		unsigned char c = (unsigned char)cs_lower((unsigned char)d.p[i]);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return true;
}

static int load_file(struct cs_cloud *c, const char *path, struct cs_err *err)
{
	struct cs_tsv t;
	int r = cs_tsv_open(&t, path, err);
	if (r != CS_OK)
		return r;
	/* domain  service  vendor  verified  source */
	while (cs_tsv_next(&t) == 1) {
		if (t.nfields != 5) {
			r = cs_tsv_error(&t, err,
					 "want 5 fields (domain service vendor verified "
					 "source), got %d",
					 t.nfields);
			goto out;
		}
		struct cs_sv dom = t.field[0], ver = t.field[3];
		if (!valid_domain(dom)) {
			r = cs_tsv_error(&t, err, "not a domain name");
			goto out;
		}
		if (!cs_sv_eq(ver, CS_SV("yes")) && !cs_sv_eq(ver, CS_SV("no"))) {
			r = cs_tsv_error(&t, err, "verified is yes or no");
			goto out;
		}
		if (cs_tsv_opt(&t, 4).n == 0) {
			r = cs_tsv_error(&t, err, "every entry needs a source");
			goto out;
		}
		struct cs_cloud_entry e = {cs_sv_dup(dom), cs_sv_dup(t.field[1]),
					   cs_sv_dup(cs_tsv_opt(&t, 2)), ver.p[0] == 'y'};
		if (e.domain == NULL || e.service == NULL || e.vendor == NULL) {
			entry_free(&e);
			r = cs_err_set(err, CS_ENOMEM, "out of memory");
			goto out;
		}
		for (char *s = e.domain; *s != '\0'; s++)
			*s = (char)cs_lower((unsigned char)*s);
		size_t i;
		for (i = 0; i < c->n && strcmp(c->e[i].domain, e.domain) != 0; i++)
			;
		if (i < c->n) {
			entry_free(&c->e[i]);
			c->e[i] = e;
			continue;
		}
		struct cs_cloud_entry *ne = realloc(c->e, (c->n + 1) * sizeof(*ne));
		if (ne == NULL) {
			entry_free(&e);
			r = cs_err_set(err, CS_ENOMEM, "out of memory");
			goto out;
		}
		c->e = ne;
		c->e[c->n++] = e;
	}
	r = CS_OK;
out:
	cs_tsv_close(&t);
	return r;
}

int cs_cloud_load(struct cs_cloud *out, const char *const *dirs, size_t ndirs, struct cs_err *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ndirs; i++) {
		char path[1024];
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		snprintf(path, sizeof(path), "%s/cloud-domains.tsv", dirs[i]);
		if (access(path, R_OK) != 0)
			continue;
		int r = load_file(out, path, err);
		if (r != CS_OK) {
			cs_cloud_free(out);
			return r;
		}
	}
	return CS_OK;
}

const struct cs_cloud_entry *cs_cloud_match(const struct cs_cloud *c, struct cs_sv name)
{
	if (name.n > 0 && name.p[name.n - 1] == '.')
		name.n--;
	for (size_t i = 0; i < c->n; i++) {
		size_t dl = strlen(c->e[i].domain);
		if (name.n < dl)
			continue;
		struct cs_sv tail = cs_sv_make(name.p + name.n - dl, dl);
		if (!cs_sv_ieq(tail, cs_sv_make(c->e[i].domain, dl)))
			continue;
		if (name.n == dl || name.p[name.n - dl - 1] == '.')
			return &c->e[i];
	}
	return NULL;
}
