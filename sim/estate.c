/*
 * estate.c - the estate file: which persona lives at which loopback address.
 *
 *   e.g.  # a comment
 *         127.1.0.0/24   hikvision-camera
 *         127.1.1.5      dahua-nvr
 *         127.1.2.0/24   silent
 *         127.1.3.0/24   mix seed=7 live=6%
 *
 * Lines are applied in order and a later line overrides an earlier one for the addresses they
 * share. Every address is in 127.0.0.0/8, so the whole estate fits one byte per address in a
 * 16 MiB map indexed by the low 24 bits (untouched pages of it cost nothing); a lookup is one
 * load. A "mix" line gives a pseudo-random persona to live= of its addresses (never .0 or .255
 * of a /24) and silences the rest, deterministically from its seed.
 */
#include "sim.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

int sim_parse_ipv4(struct cs_sv s, uint32_t *addr)
{
	char tmp[16];
	struct in_addr in;

	if (s.n == 0 || s.n >= sizeof(tmp))
		return CS_EPARSE;
	cs_sv_copy(tmp, sizeof(tmp), s);
	if (inet_pton(AF_INET, tmp, &in) != 1)
		return CS_EPARSE;
	*addr = ntohl(in.s_addr);
	return CS_OK;
}

int sim_parse_percent(struct cs_sv s, unsigned *bp)
{
	uint64_t whole = 0, frac = 0;
	size_t dot;
	unsigned scale = 100;

	if (s.n > 0 && s.p[s.n - 1] == '%')
		s.n--;
	for (dot = 0; dot < s.n && s.p[dot] != '.'; dot++)
		;
	if (cs_parse_u64(cs_sv_make(s.p, dot), 100, &whole) != CS_OK)
		return CS_EPARSE;
	if (dot < s.n) {
		struct cs_sv f = cs_sv_make(s.p + dot + 1, s.n - dot - 1);
		if (f.n == 0 || f.n > 2 || cs_parse_u64(f, 99, &frac) != CS_OK)
			return CS_EPARSE;
		scale = f.n == 1 ? 10 : 1;
	}
	*bp = (unsigned)(whole * 100 + frac * scale);
	return *bp <= 10000 ? CS_OK : CS_EPARSE;
}

/* "127.1.0.0/16" or "127.1.1.5" into first and last address; refuses anything outside 127/8. */
static int parse_cidr(struct cs_sv s, uint32_t *first, uint32_t *last, struct cs_err *e)
{
	uint64_t prefix = 32;
	uint32_t addr, mask;
	long slash = cs_sv_find(s, CS_SV("/"));

	if (slash >= 0) {
		if (cs_parse_u64(cs_sv_make(s.p + slash + 1, s.n - (size_t)slash - 1), 32,
				 &prefix) != CS_OK)
			return cs_err_set(e, CS_EPARSE, "bad prefix length in '%.*s'", (int)s.n,
					  s.p);
		s.n = (size_t)slash;
	}
	if (sim_parse_ipv4(s, &addr) != CS_OK)
		return cs_err_set(e, CS_EPARSE, "'%.*s' is not an IPv4 address", (int)s.n, s.p);
	if (!sim_in_loopback(addr) || prefix < 8)
		return cs_err_set(e, CS_EINVAL,
				  "'%.*s' is outside 127.0.0.0/8: the simulator only uses loopback "
				  "addresses",
				  (int)s.n, s.p);
	mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
	if ((addr & ~mask) != 0)
		return cs_err_set(e, CS_EINVAL, "'%.*s/%u' has host bits set", (int)s.n, s.p,
				  (unsigned)prefix);
	*first = addr;
	*last = addr | ~mask;
	return CS_OK;
}

/* A mix: personas (estate indexes) and their weights. */
struct mix {
	uint64_t seed;
	unsigned live_bp;
	size_t idx[256];
	unsigned weight[256];
	size_t n;
	unsigned total;
};

static void mix_default(struct mix *m)
{
	m->n = 0;
	m->total = 0;
	for (size_t i = 0; i < sim_npersonas && m->n < 256; i++) {
		if (sim_personas[i]->weight == 0)
			continue;
		m->idx[m->n] = i + 1;
		m->weight[m->n] = sim_personas[i]->weight;
		m->total += sim_personas[i]->weight;
		m->n++;
	}
}

/* The estate index a mix gives addr, 0 when the address is silent. */
static uint8_t mix_pick(const struct mix *m, uint32_t addr)
{
	uint64_t h = sim_mix64(sim_mix64(m->seed) ^ addr);
	unsigned w;

	if ((addr & 255) == 0 || (addr & 255) == 255 || m->total == 0)
		return 0;
	if (h % 10000 >= m->live_bp)
		return 0;
	w = (unsigned)(sim_mix64(h) % m->total);
	for (size_t i = 0; i < m->n; i++) {
		if (w < m->weight[i])
			return (uint8_t)m->idx[i];
		w -= m->weight[i];
	}
	return 0;
}

static int parse_mix_option(struct mix *m, struct cs_sv opt, struct cs_err *e)
{
	long eq = cs_sv_find(opt, CS_SV("="));
	struct cs_sv key, val;
	uint64_t v;

	if (eq < 0)
		return cs_err_set(e, CS_EPARSE, "'%.*s' is not key=value", (int)opt.n, opt.p);
	key = cs_sv_make(opt.p, (size_t)eq);
	val = cs_sv_make(opt.p + eq + 1, opt.n - (size_t)eq - 1);
	if (cs_sv_eq(key, CS_SV("seed"))) {
		if (cs_parse_u64(val, UINT64_MAX, &v) != CS_OK)
			return cs_err_set(e, CS_EPARSE, "bad seed '%.*s'", (int)val.n, val.p);
		m->seed = v;
	} else if (cs_sv_eq(key, CS_SV("live"))) {
		if (sim_parse_percent(val, &m->live_bp) != CS_OK)
			return cs_err_set(e, CS_EPARSE, "bad percentage '%.*s' (e.g. live=6%%)",
					  (int)val.n, val.p);
	} else if (cs_sv_eq(key, CS_SV("personas"))) {
		m->n = 0;
		m->total = 0;
		while (val.n > 0) {
			long comma = cs_sv_find(val, CS_SV(","));
			size_t len = comma >= 0 ? (size_t)comma : val.n;
			size_t idx;
			const struct sim_persona *p =
				sim_persona_find(cs_sv_make(val.p, len), &idx);
			if (p == NULL)
				return cs_err_set(e, CS_ENOTFOUND, "unknown persona '%.*s'",
						  (int)len, val.p);
			if (m->n < 256) {
				m->idx[m->n] = idx;
				m->weight[m->n] = p->weight > 0 ? p->weight : 1;
				m->total += m->weight[m->n];
				m->n++;
			}
			val = comma >= 0 ? cs_sv_make(val.p + comma + 1, val.n - (size_t)comma - 1)
					 : cs_sv_make(val.p + val.n, 0);
		}
		if (m->n == 0)
			return cs_err_set(e, CS_EPARSE, "personas= names no persona");
	} else {
		return cs_err_set(e, CS_EPARSE,
				  "unknown option '%.*s' (mix takes seed=, live=, "
				  "personas=)",
				  (int)key.n, key.p);
	}
	return CS_OK;
}

static void paint(struct sim_estate *es, uint32_t first, uint32_t last, const struct mix *m,
		  uint8_t idx)
{
	uint32_t lo = first & 0xffffff, hi = last & 0xffffff;

	for (uint32_t a = lo;; a++) {
		es->map[a] = m != NULL ? mix_pick(m, 0x7f000000u | a) : idx;
		if (a == hi)
			break;
	}
	if (es->empty || lo < es->lo)
		es->lo = lo;
	if (es->empty || hi > es->hi)
		es->hi = hi;
	es->empty = false;
}

/* Split the next whitespace-separated token off *s. */
static struct cs_sv next_token(struct cs_sv *s)
{
	size_t i = 0, j;
	while (i < s->n && (s->p[i] == ' ' || s->p[i] == '\t'))
		i++;
	j = i;
	while (j < s->n && s->p[j] != ' ' && s->p[j] != '\t')
		j++;
	struct cs_sv t = cs_sv_make(s->p + i, j - i);
	*s = cs_sv_make(s->p + j, s->n - j);
	return t;
}

static int parse_line(struct sim_estate *es, struct cs_sv line, struct cs_err *e)
{
	long hash = cs_sv_find(line, CS_SV("#"));
	struct cs_sv where, what, opt;
	uint32_t first, last;
	size_t idx = 0;
	int r;

	if (hash >= 0)
		line.n = (size_t)hash;
	line = cs_sv_trim(line);
	if (line.n == 0)
		return CS_OK;
	where = next_token(&line);
	what = next_token(&line);
	if (what.n == 0)
		return cs_err_set(e, CS_EPARSE, "expected 'ADDRESS[/PREFIX] PERSONA'");
	if ((r = parse_cidr(where, &first, &last, e)) != CS_OK)
		return r;
	if (cs_sv_eq(what, CS_SV("mix"))) {
		struct mix m = {.seed = 1, .live_bp = 600};
		mix_default(&m);
		while ((opt = next_token(&line)).n > 0)
			if ((r = parse_mix_option(&m, opt, e)) != CS_OK)
				return r;
		paint(es, first, last, &m, 0);
		return CS_OK;
	}
	if (!cs_sv_eq(what, CS_SV("silent")) && sim_persona_find(what, &idx) == NULL)
		return cs_err_set(e, CS_ENOTFOUND,
				  "unknown persona '%.*s' (camsweep-sim --list-personas)",
				  (int)what.n, what.p);
	if ((opt = next_token(&line)).n > 0)
		return cs_err_set(e, CS_EPARSE, "unexpected '%.*s' after the persona", (int)opt.n,
				  opt.p);
	paint(es, first, last, NULL, (uint8_t)idx);
	return CS_OK;
}

int sim_estate_parse(struct sim_estate *es, const char *text, size_t n, const char *name,
		     struct cs_err *e)
{
	struct cs_sv rest = cs_sv_make(text, n);
	unsigned lineno = 0;
	int r = CS_OK;

	es->map = calloc(SIM_MAP_SIZE, 1);
	es->lo = es->hi = 0;
	es->empty = true;
	if (es->map == NULL)
		return cs_err_set(e, CS_ENOMEM, "cannot allocate the estate map");
	while (rest.n > 0) {
		long nl = cs_sv_find(rest, CS_SV("\n"));
		size_t len = nl >= 0 ? (size_t)nl : rest.n;
		struct cs_sv line = cs_sv_make(rest.p, len);
		lineno++;
		if (memchr(line.p, '\0', line.n) != NULL) {
			r = cs_err_set(e, CS_EPARSE, "%s:%u: NUL byte", name, lineno);
			goto out;
		}
		if ((r = parse_line(es, line, e)) != CS_OK) {
			char msg[sizeof(e->msg)];
			if (e != NULL) {
				cs_sv_copy(msg, sizeof(msg), cs_sv_cstr(e->msg));
				cs_err_set(e, r, "%s:%u: %s", name, lineno, msg);
			}
			goto out;
		}
		rest = nl >= 0 ? cs_sv_make(rest.p + nl + 1, rest.n - (size_t)nl - 1)
			       : cs_sv_make(rest.p + rest.n, 0);
	}
out:
	if (r != CS_OK)
		sim_estate_free(es);
	return r;
}

int sim_estate_load(struct sim_estate *es, const char *path, struct cs_err *e)
{
	struct cs_buf b;
	int r;

	cs_buf_init(&b, 64u << 20);
	if ((r = cs_buf_read_file(&b, path)) != CS_OK) {
		cs_err_set(e, r, "cannot read estate '%s': %s", path, cs_strerror(r));
		goto out;
	}
	r = sim_estate_parse(es, b.data, b.len, path, e);
out:
	cs_buf_free(&b);
	return r;
}

void sim_estate_free(struct sim_estate *es)
{
	if (es == NULL)
		return;
	free(es->map);
	es->map = NULL;
	es->empty = true;
}

const struct sim_persona *sim_estate_lookup(const struct sim_estate *es, uint32_t addr)
{
	uint8_t idx;
	if (es->map == NULL || !sim_in_loopback(addr))
		return NULL;
	idx = es->map[addr & 0xffffff];
	return idx > 0 && idx <= sim_npersonas ? sim_personas[idx - 1] : NULL;
}

size_t sim_estate_count(const struct sim_estate *es)
{
	size_t n = 0;
	if (es->map == NULL || es->empty)
		return 0;
	for (uint32_t a = es->lo; a <= es->hi; a++)
		n += es->map[a] != 0;
	return n;
}

int sim_make_estate(FILE *out, const char *cidr, unsigned live_bp, uint64_t seed, struct cs_err *e)
{
	struct mix m = {.seed = seed, .live_bp = live_bp};
	uint32_t first, last;
	size_t live = 0, count[256] = {0};
	char ip[16];
	int r;

	if ((r = parse_cidr(cs_sv_cstr(cidr), &first, &last, e)) != CS_OK)
		return r;
	mix_default(&m);
	for (uint32_t a = first;; a++) {
		uint8_t idx = mix_pick(&m, a);
		live += idx != 0;
		count[idx]++;
		if (a == last)
			break;
	}
	fprintf(out,
		"# camsweep-sim estate: camsweep-sim --make-estate %s --live %u.%02u%% --seed "
		"%llu\n",
		cidr, live_bp / 100, live_bp % 100, (unsigned long long)seed);
	fprintf(out, "# %zu live devices; every other address is silent. By persona:\n", live);
	for (size_t i = 0; i < sim_npersonas; i++)
		if (count[i + 1] > 0)
			fprintf(out, "#   %-22s %zu\n", sim_personas[i]->name, count[i + 1]);
	fprintf(out, "%s silent\n", cidr);
	for (uint32_t a = first;; a++) {
		uint8_t idx = mix_pick(&m, a);
		if (idx != 0) {
			sim_format_ipv4(a, ip);
			fprintf(out, "%s %s\n", ip, sim_personas[idx - 1]->name);
		}
		if (a == last)
			break;
	}
	return ferror(out) ? cs_err_set(e, CS_EIO, "write error") : CS_OK;
}
