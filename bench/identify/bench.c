/*
 * bench.c - identification throughput on one core, against a reference measured in the same run.
 *
 * The corpus is every captured HTTP response under examples/captures (real device shapes:
 * Hikvision, Dahua, Axis, relabels, plain servers, a hostile one), each replicated with small
 * variations (dates, lengths, addresses) so that dedupe caches cannot short-cut the work.
 * For each response the full path runs: parse, observe, match rules, fuse, judge every policy.
 *
 * The reference is the same corpus through the HTTP head parser alone (the cheapest thing any
 * identifier must do per response), so the ratio says what identification costs on top of
 * merely reading the responses, on this machine, today.
 *
 * usage: bench-identify [DATA_DIR [CAPTURES_DIR [SECONDS]]]
 */
#include "common/buf.h"
#include "ident/ident.h"
#include "policy/policy.h"
#include "proto/http.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { COPIES = 2000 };

struct corpus {
	char **resp;
	size_t *len;
	size_t n, cap;
	size_t bytes;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add(struct corpus *c, const char *p, size_t n)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->resp = realloc(c->resp, c->cap * sizeof(*c->resp));
		c->len = realloc(c->len, c->cap * sizeof(*c->len));
		if (c->resp == NULL || c->len == NULL)
			exit(2);
	}
	c->resp[c->n] = malloc(n + 1);
	memcpy(c->resp[c->n], p, n);
	c->resp[c->n][n] = '\0';
	c->len[c->n++] = n;
	c->bytes += n;
}

/* Replace the Date header's seconds and append a varying header so every copy differs. */
static void add_variants(struct corpus *c, const char *p, size_t n, unsigned seed)
{
	const char *eol = memchr(p, '\n', n);
	if (eol == NULL)
		return;
	size_t first = (size_t)(eol - p) + 1;
	char *v = malloc(n + 64);
	for (unsigned i = 0; i < COPIES; i++) {
		int h = snprintf(v + first, 64, "X-Request-Id: %08x%04x\r\n", seed, i);
		memcpy(v, p, first);
		memcpy(v + first + h, p + first, n - first);
		add(c, v, n + (size_t)h);
	}
	free(v);
}

/*
 * Real login pages are larger than the trimmed demo captures: a second variant of every HTML
 * response carries about 3 KiB more of the markup such pages are made of (stylesheets,
 * scripts, form fields) before </head>, so the corpus is not flattered by short bodies.
 */
static void add_padded(struct corpus *c, const char *p, size_t n, unsigned seed)
{
	static const char filler[] =
		"<link rel=\"stylesheet\" type=\"text/css\" href=\"../css/ui.css?v=20221012\"/>\r\n"
		"<script type=\"text/javascript\" src=\"../script/lib/require.js\"></script>\r\n"
		"<div class=\"login-item\"><label for=\"username\">User Name</label>"
		"<input type=\"text\" id=\"username\" maxlength=\"32\"/></div>\r\n";
	const char *at = memmem(p, n, "</head>", 7);
	if (at == NULL)
		return;
	size_t pre = (size_t)(at - p), pad = 0;
	char *v = malloc(n + 4096);
	memcpy(v, p, pre);
	while (pad + sizeof(filler) - 1 < 3072) {
		memcpy(v + pre + pad, filler, sizeof(filler) - 1);
		pad += sizeof(filler) - 1;
	}
	memcpy(v + pre + pad, at, n - pre);
	add_variants(c, v, n + pad, seed);
	free(v);
}

static void load(struct corpus *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned seed = 1;
	if (d == NULL) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		DIR *d2 = opendir(sub);
		struct dirent *f;
		if (d2 == NULL)
			continue;
		while ((f = readdir(d2)) != NULL) {
			char path[2048];
			struct cs_buf b;
			snprintf(path, sizeof(path), "%s/%s", sub, f->d_name);
			cs_buf_init(&b, 1 << 20);
			if (f->d_name[0] != '.' && cs_buf_read_file(&b, path) == CS_OK &&
			    b.len > 5 && memcmp(b.data, "HTTP/", 5) == 0) {
				add_variants(c, b.data, b.len, seed++);
				add_padded(c, b.data, b.len, seed++);
			}
			cs_buf_free(&b);
		}
		closedir(d2);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	const char *data = argc > 1 ? argv[1] : "data";
	const char *caps = argc > 2 ? argv[2] : "examples/captures";
	double seconds = argc > 3 ? strtod(argv[3], NULL) : 3.0;
	struct corpus c = {0};
	struct cs_kb *kb;
	struct cs_ident *id;
	struct cs_err err;
	struct cs_kb_opts o = {data, "", NULL};

	load(&c, caps);
	if (c.n == 0) {
		fprintf(stderr, "no HTTP responses under %s\n", caps);
		return 2;
	}
	if (cs_kb_load(&kb, &o, &err) != CS_OK || cs_ident_new(&id, kb) != CS_OK) {
		fprintf(stderr, "knowledge base: %s\n", err.msg);
		return 2;
	}

	/* Reference: the head parser alone. */
	size_t ref_done = 0, sink = 0;
	double t0 = now(), t;
	do {
		for (size_t i = 0; i < c.n; i++) {
			struct cs_http_header h[CS_HTTP_MAX_HEADERS];
			struct cs_http_msg m;
			long r = cs_http_parse(c.resp[i], c.len[i], &m, h, CS_HTTP_MAX_HEADERS,
					       true);
			sink += (size_t)r + m.nheaders;
		}
		ref_done += c.n;
	} while ((t = now()) - t0 < seconds / 3);
	double ref_rate = (double)ref_done / (t - t0);

	/* camsweep: the whole identification and policy judgement per response. */
	size_t done = 0, named = 0;
	t0 = now();
	do {
		for (size_t i = 0; i < c.n; i++) {
			struct cs_device d;
			cs_ident_reset(id);
			cs_ident_feed(id, CS_IN_HTTP, c.resp[i], c.len[i], &err);
			cs_ident_finish(id, &d);
			cs_policy_judge(kb, &d, NULL, cs_ident_arena(id), &err);
			named += d.manufacturer != NULL;
		}
		done += c.n;
	} while ((t = now()) - t0 < seconds);
	double rate = (double)done / (t - t0);

	printf("corpus: %zu HTTP responses (%zu distinct shapes x %d variants), %.0f bytes mean\n",
	       c.n, c.n / COPIES, COPIES, (double)c.bytes / (double)c.n);
	printf("identify (parse + rules + fusion + 3 policies), one core: %.0f responses/s, "
	       "%.2f us each, %.0f%% named a maker\n",
	       rate, 1e6 / rate, 100.0 * (double)named / (double)done);
	printf("reference (HTTP head parse only), same run:        %.0f responses/s\n", ref_rate);
	printf("ratio identify/reference: %.3f\n", rate / ref_rate);
	printf("target 200000 responses/s: %s\n", rate >= 200000 ? "met" : "NOT met");
	(void)sink;
	cs_ident_free(id);
	cs_kb_free(kb);
	for (size_t i = 0; i < c.n; i++)
		free(c.resp[i]);
	free(c.resp);
	free(c.len);
	return 0;
}
