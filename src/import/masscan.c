/*
 * masscan.c - masscan's JSON output (-oJ) to devices, one per address.
 *
 * e.g. (masscan 1.0-1.3 write the records with a trailing comma, then a "finished" record
 * that is not JSON at all; newer builds write a proper array, or one object per line):
 *   [
 *   {   "ip": "192.0.2.10",   "timestamp": "1714550000", "ports": [ {"port": 80,
 *        "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64} ] },
 *   {   "ip": "192.0.2.10",   "timestamp": "1714550001", "ports": [ {"port": 80,
 *        "proto": "tcp", "service": {"name": "http.server", "banner": "App-webs/"} } ] },
 *   {finished: 1}
 *   ]
 *
 * Records are read one JSON value at a time (jansson, stopping after each value), whatever
 * separates them; records of one address anywhere in the file make one device. A banner is
 * fed as what its service name says it is: a whole HTTP or RTSP reply, a Server header, a
 * page title, a certificate.
 */
#include "common/buf.h"
#include "import/import_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	MASSCAN_MAX_ITEMS = 4 * 1024 * 1024, /* port or banner records kept from one file */
	MASSCAN_MAX_BANNER = 65536,	     /* bytes of one banner used */
	MASSCAN_MAX_DEPTH = 16,		     /* nesting of one record (masscan's is 4) */
};

struct item {
	char ip[48];
	unsigned port;
	char proto[8];
	char *service; /* owned, or NULL for an open-port record */
	char *banner;  /* owned */
	size_t banner_len;
	size_t seq; /* order in the file, so that sorting is stable */
};

struct items {
	struct item *v;
	size_t n, alloc;
};

static void items_free(struct items *it)
{
	for (size_t i = 0; i < it->n; i++) {
		free(it->v[i].service);
		free(it->v[i].banner);
	}
	free(it->v);
}

static int items_add(struct items *it, const char *ip, json_t *port)
{
	if (it->n == MASSCAN_MAX_ITEMS)
		return CS_ETOOBIG;
	if (it->n == it->alloc) {
		size_t na = it->alloc ? it->alloc * 2 : 64;
		struct item *v = realloc(it->v, na * sizeof(*v));
		if (v == NULL)
			return CS_ENOMEM;
		it->v = v;
		it->alloc = na;
	}
	struct item *e = &it->v[it->n];
	memset(e, 0, sizeof(*e));
	snprintf(e->ip, sizeof(e->ip), "%s", ip);
	json_int_t pn = json_integer_value(json_object_get(port, "port"));
	e->port = pn > 0 && pn < 65536 ? (unsigned)pn : 0;
	const char *proto = json_string_value(json_object_get(port, "proto"));
	snprintf(e->proto, sizeof(e->proto), "%s", proto != NULL ? proto : "tcp");
	e->seq = it->n;
	json_t *svc = json_object_get(port, "service");
	if (json_is_object(svc)) {
		const char *name = json_string_value(json_object_get(svc, "name"));
		json_t *b = json_object_get(svc, "banner");
		size_t bl = json_is_string(b) ? json_string_length(b) : 0;
		if (bl > MASSCAN_MAX_BANNER)
			bl = MASSCAN_MAX_BANNER;
		e->service = strdup(name != NULL ? name : "");
		e->banner = malloc(bl + 1);
		if (e->service == NULL || e->banner == NULL) {
			free(e->service);
			free(e->banner);
			return CS_ENOMEM;
		}
		if (bl > 0)
			memcpy(e->banner, json_string_value(b), bl);
		e->banner[bl] = '\0';
		e->banner_len = bl;
	}
	it->n++;
	return CS_OK;
}

static int by_ip(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->ip, y->ip);
	return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Skip white space, commas and the brackets of the outer array between records. */
static size_t skip_sep(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n' ||
			 p[i] == ',' || p[i] == '[' || p[i] == ']'))
		i++;
	return i;
}

/* masscan's closing "{finished: 1}" (unquoted key): not JSON, and not a record. */
static bool finished_record(const char *p, size_t n, size_t i, size_t *next)
{
	const char *close = memchr(p + i, '}', n - i > 64 ? 64 : n - i);
	if (close == NULL || p[i] != '{')
		return false;
	struct cs_sv rec = cs_sv_make(p + i, (size_t)(close - (p + i)) + 1);
	if (cs_sv_find(rec, CS_SV("finished")) < 0)
		return false;
	*next = (size_t)(close - p) + 1;
	return true;
}

/* Nesting of v: hostile input may nest deep (jansson itself stops at 2048). */
static bool too_deep(const char *p, size_t n)
{
	int depth = 0;
	bool str = false;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				str = false;
		} else if (ch == '"') {
			str = true;
		} else if (ch == '{' || ch == '[') {
			if (++depth > MASSCAN_MAX_DEPTH + 1) /* +1: the outer array */
				return true;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return false;
}

static void feed_banner(struct cs_import *im, const struct item *e, const char *from)
{
	const char *s = e->service, *b = e->banner;
	size_t n = e->banner_len;
	struct cs_ident *id = im->id;
	if (n == 0)
		return;
	if (strcmp(s, "http") == 0 || strcmp(s, "rtsp") == 0 ||
	    cs_sv_iprefix(cs_sv_make(b, n), CS_SV("HTTP/")) ||
	    cs_sv_iprefix(cs_sv_make(b, n), CS_SV("RTSP/"))) {
		if (cs_ident_feed(id, CS_IN_AUTO, b, n, NULL) != CS_OK)
			cs_ident_feed(id, CS_IN_BANNER, b, n, NULL);
	} else if (strcmp(s, "http.server") == 0) {
		imp_observe(im, CS_SIG_HTTP_SERVER, cs_sv_make(b, n), from, 1.0);
	} else if (strcmp(s, "title") == 0) {
		imp_observe(im, CS_SIG_HTTP_TITLE, cs_sv_make(b, n), from, 1.0);
	} else if (strcmp(s, "telnet") == 0) {
		imp_observe(im, CS_SIG_TELNET, cs_sv_make(b, n), from, 1.0);
	} else if (strcmp(s, "ftp") == 0) {
		imp_observe(im, CS_SIG_FTP, cs_sv_make(b, n), from, 1.0);
	} else if (strcmp(s, "X509") == 0) {
		/* The certificate, base64 DER: as PEM, the TLS parser reads it. */
		struct cs_buf pem;
		cs_buf_init(&pem, MASSCAN_MAX_BANNER + 128);
		cs_buf_puts(&pem, "-----BEGIN CERTIFICATE-----\n");
		cs_buf_append(&pem, b, n);
		if (cs_buf_puts(&pem, "\n-----END CERTIFICATE-----\n") == CS_OK)
			cs_ident_feed(id, CS_IN_TLS, pem.data, pem.len, NULL);
		cs_buf_free(&pem);
	} else {
		cs_ident_feed(id, CS_IN_BANNER, b, n, NULL);
	}
}

/* The records of one address [a, b) to one device. */
static int one_device(struct cs_import *im, const struct item *v, size_t a, size_t b)
{
	char ports[512];
	size_t plen = 0;
	ports[0] = '\0';
	imp_begin(im);
	for (size_t i = a; i < b; i++) {
		const struct item *e = &v[i];
		char one[24];
		snprintf(one, sizeof(one), "%u/%s", e->port, e->proto);
		/* Each port once in the list, however many records mention it. */
		bool dup = false;
		for (size_t j = a; j < i && !dup; j++)
			dup = v[j].port == e->port && strcmp(v[j].proto, e->proto) == 0;
		if (!dup && plen + strlen(one) + 2 < sizeof(ports))
			plen += (size_t)snprintf(ports + plen, sizeof(ports) - plen, "%s%s",
						 plen ? "," : "", one);
		if (e->service != NULL) {
			const char *from =
				cs_arena_printf(cs_ident_arena(im->id), "masscan %s %s port %s %s",
						im->name, e->ip, one, e->service);
			feed_banner(im, e, from);
		}
	}
	cs_ident_set_address(im->id, v[a].ip);
	im->stats->records++;
	return imp_end(im, v[a].ip, NULL, plen > 0 ? ports : NULL);
}

int imp_masscan(struct cs_import *im, const char *p, size_t n)
{
	struct items it = {NULL, 0, 0};
	size_t i = 0, records = 0;
	int r = CS_OK;
	if (too_deep(p, n)) {
		r = cs_err_set(im->err, CS_EPARSE, "%s: masscan JSON nested deeper than %d",
			       im->name, MASSCAN_MAX_DEPTH);
		goto out;
	}
	while ((i = skip_sep(p, n, i)) < n) {
		json_error_t je;
		size_t next;
		if (finished_record(p, n, i, &next)) {
			i = next;
			continue;
		}
		json_t *rec = json_loadb(p + i, n - i,
					 JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
		if (rec == NULL) {
			/* A cut-off last record (interrupted scan) costs that record only. */
			if (records > 0 && je.position >= 0 && (size_t)je.position >= n - i - 1) {
				imp_skip(im, "end",
					 "the file ends inside a record (scan interrupted?)");
				break;
			}
			r = cs_err_set(im->err, CS_EPARSE, "%s: not masscan JSON at byte %zu: %s",
				       im->name, i + (size_t)(je.position > 0 ? je.position : 0),
				       je.text);
			goto out;
		}
		i += je.position > 0 ? (size_t)je.position : 1;
		records++;
		const char *ip = json_string_value(json_object_get(rec, "ip"));
		json_t *ports = json_object_get(rec, "ports");
		if (ip == NULL || !json_is_array(ports)) {
			char where[32];
			snprintf(where, sizeof(where), "record %zu", records);
			im->stats->records++;
			imp_skip(im, where, "no \"ip\" and \"ports\"");
			json_decref(rec);
			continue;
		}
		for (size_t k = 0; k < json_array_size(ports) && r == CS_OK; k++)
			if (json_is_object(json_array_get(ports, k)))
				r = items_add(&it, ip, json_array_get(ports, k));
		json_decref(rec);
		if (r != CS_OK) {
			cs_err_set(im->err, r, "%s: more than %d port records", im->name,
				   MASSCAN_MAX_ITEMS);
			goto out;
		}
	}
	if (records == 0) {
		r = cs_err_set(im->err, CS_EPARSE, "%s: no masscan records", im->name);
		goto out;
	}
	if (it.n > 0)
		qsort(it.v, it.n, sizeof(*it.v), by_ip);
	for (size_t a = 0; a < it.n && r == CS_OK;) {
		size_t b = a + 1;
		while (b < it.n && strcmp(it.v[b].ip, it.v[a].ip) == 0)
			b++;
		r = one_device(im, it.v, a, b);
		a = b;
	}
out:
	items_free(&it);
	return r;
}
