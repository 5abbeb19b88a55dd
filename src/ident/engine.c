/*
 * engine.c - observations in, a fused identity out (the contract is in ident.h).
 *
 * Observations wait in a FIFO queue and are processed one at a time, so a value derived from
 * another (a model found in a banner, a MAC recovered from an IPv6 address) is simply queued
 * rather than recursed into. Duplicate (signal, value) pairs are dropped, and the number of
 * observations and evidence items per device is capped, so a hostile input cannot make the
 * engine loop or grow without bound.
 */
#include "ident/ident.h"
#include "ident/ident_int.h"

#include "common/strmap.h"
#include "ident/markers.h"
#include "ident/oui.h"
#include "proto/mac.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	MAX_OBS = 1024,	      /* observations per device */
	MAX_EVIDENCE = 512,   /* evidence items per device */
	MAX_VALUE = 4096,     /* longest value observed (bodies are scanned, not stored) */
	SHOWN_VALUE = 240,    /* longest value shown in evidence */
	ARENA_CAP = 16 << 20, /* scratch per device */
	SEEN_SLOTS = 4096,    /* dedupe table, power of two, > MAX_OBS */
};

struct obs {
	enum cs_signal sig;
	const char *from;   /* where the value came from (static or arena), NULL: directly */
	struct cs_sv value; /* arena copy (bodies: caller's buffer, processed immediately) */
	double trust;
	bool tentative; /* a guess at the signal: keep the value only if a rule matches */
};

struct attr {
	const char *value;
	double weight;
};

enum { ATTR_MODEL, ATTR_FIRMWARE, ATTR_SERIAL, ATTR_MAC, ATTR_HARDWARE, ATTR_HOSTNAME, ATTR_N };

struct cs_ident {
	const struct cs_kb *kb;
	struct cs_arena arena;
	pcre2_match_data *md;

	struct obs *queue;
	size_t qhead, qtail, nobs;
	uint64_t seen[SEEN_SLOTS];
	uint16_t seen_used[SEEN_SLOTS / 2]; /* slots to clear on reset: cheaper than all 32 KiB */
	size_t nseen;

	struct cs_evidence *ev;
	size_t nev;

	double *maker_miss;	 /* per maker: prod(1 - w) of hardware evidence */
	double *brand_miss;	 /* per maker: prod(1 - w) of label evidence */
	unsigned char *maker_hw; /* per maker: evidence other than the label contributed */
	int *touched;
	size_t ntouched;
	unsigned char *is_touched;

	double type_miss[CS_DT_COUNT];
	struct attr attr[ATTR_N];
	const char *address;
	bool truncated;	   /* a cap was hit */
	size_t finish_nev; /* evidence count before the last finish (SIZE_MAX: none yet) */
	size_t finish_end; /* and after it: [finish_nev, finish_end) is what that finish added */
	struct cs_cert_memo *cert_memo; /* kept across resets (ident_int.h) */
};

static const char *const input_names[] = {
#define X(id, name) name,
	CS_INPUT_KINDS(X)
#undef X
};

const char *cs_input_kind_name(enum cs_input_kind k)
{
	return (unsigned)k < CS_IN_COUNT ? input_names[k] : "?";
}

enum cs_input_kind cs_input_kind_lookup(const char *name)
{
	for (int i = 0; i < CS_IN_COUNT; i++)
		if (strcmp(name, input_names[i]) == 0)
			return (enum cs_input_kind)i;
	return CS_IN_COUNT;
}

int cs_ident_new(struct cs_ident **out, const struct cs_kb *kb)
{
	struct cs_ident *id = calloc(1, sizeof(*id));
	if (id == NULL)
		return CS_ENOMEM;
	id->kb = kb;
	cs_arena_init(&id->arena, ARENA_CAP);
	id->md = pcre2_match_data_create(10, NULL);
	id->queue = calloc(MAX_OBS, sizeof(*id->queue));
	id->ev = calloc(MAX_EVIDENCE, sizeof(*id->ev));
	size_t nm = kb->nmakers > 0 ? kb->nmakers : 1;
	id->maker_miss = malloc(nm * sizeof(double));
	id->brand_miss = malloc(nm * sizeof(double));
	id->maker_hw = calloc(nm, 1);
	id->touched = malloc(nm * sizeof(int));
	id->is_touched = calloc(nm, 1);
	if (id->md == NULL || id->queue == NULL || id->ev == NULL || id->maker_miss == NULL ||
	    id->brand_miss == NULL || id->maker_hw == NULL || id->touched == NULL ||
	    id->is_touched == NULL) {
		cs_ident_free(id);
		return CS_ENOMEM;
	}
	for (size_t i = 0; i < nm; i++)
		id->maker_miss[i] = id->brand_miss[i] = 1.0;
	cs_ident_reset(id);
	*out = id;
	return CS_OK;
}

void cs_ident_free(struct cs_ident *id)
{
	if (id == NULL)
		return;
	cs_arena_free(&id->arena);
	pcre2_match_data_free(id->md);
	free(id->queue);
	free(id->ev);
	free(id->maker_miss);
	free(id->brand_miss);
	free(id->maker_hw);
	free(id->touched);
	free(id->is_touched);
	cs_cert_memo_free(id->cert_memo);
	free(id);
}

struct cs_cert_memo **cs_ident_cert_memo(struct cs_ident *id)
{
	return &id->cert_memo;
}

void cs_ident_reset(struct cs_ident *id)
{
	cs_arena_reset(&id->arena);
	id->qhead = id->qtail = id->nobs = 0;
	for (size_t i = 0; i < id->nseen; i++)
		id->seen[id->seen_used[i]] = 0;
	id->nseen = 0;
	id->nev = 0;
	for (size_t i = 0; i < id->ntouched; i++) {
		int m = id->touched[i];
		id->maker_miss[m] = id->brand_miss[m] = 1.0;
		id->maker_hw[m] = 0;
		id->is_touched[m] = 0;
	}
	id->ntouched = 0;
	for (int t = 0; t < CS_DT_COUNT; t++)
		id->type_miss[t] = 1.0;
	memset(id->attr, 0, sizeof(id->attr));
	id->address = NULL;
	id->truncated = false;
	id->finish_nev = SIZE_MAX;
}

struct cs_arena *cs_ident_arena(struct cs_ident *id)
{
	return &id->arena;
}

const struct cs_kb *cs_ident_kb(const struct cs_ident *id)
{
	return id->kb;
}

void cs_ident_set_address(struct cs_ident *id, const char *address)
{
	id->address = address != NULL ? cs_arena_strdup(&id->arena, cs_sv_cstr(address)) : NULL;
}

/* ---- scoring ---- */

static void touch(struct cs_ident *id, int m)
{
	if (!id->is_touched[m]) {
		id->is_touched[m] = 1;
		id->touched[id->ntouched++] = m;
	}
}

static struct cs_evidence *add_evidence(struct cs_ident *id, const struct obs *o, const char *rule,
					double weight)
{
	if (id->nev == MAX_EVIDENCE) {
		id->truncated = true;
		return NULL;
	}
	struct cs_evidence *e = &id->ev[id->nev++];
	size_t n = o->value.n > SHOWN_VALUE ? SHOWN_VALUE : o->value.n;
	e->signal = o->sig;
	e->value = cs_arena_strdup(&id->arena, cs_sv_make(o->value.p, n));
	if (e->value == NULL)
		e->value = "";
	e->from = o->from;
	e->implies = "";
	e->maker = NULL;
	e->rule = rule;
	e->weight = weight;
	return e;
}

/* Append "key=value" to an evidence's implies ("; "-separated). */
static void implies_add(struct cs_ident *id, struct cs_evidence *e, const char *key, const char *v)
{
	if (e == NULL || v == NULL)
		return;
	struct cs_sv parts[] = {cs_sv_cstr(e->implies), cs_sv_make("; ", e->implies[0] ? 2 : 0),
				cs_sv_cstr(key), CS_SV("="), cs_sv_cstr(v)};
	char *u = cs_arena_join(&id->arena, parts, CS_ARRAY_SIZE(parts));
	if (u != NULL)
		e->implies = u;
}

static void claim_label(struct cs_ident *id, int m, double w, struct cs_evidence *e)
{
	touch(id, m);
	id->brand_miss[m] *= 1.0 - w;
	implies_add(id, e, "brand", id->kb->makers[m].name);
}

/*
 * Evidence that maker m made the device. A sub-brand that is a current subsidiary (EZVIZ) is
 * both a label and its owner's hardware; a brand without an owner (Amcrest) is only a label:
 * who made the hardware must be shown by other evidence (or is inferred, weakly, in finish()).
 */
static void claim_maker(struct cs_ident *id, int m, double w, struct cs_evidence *e)
{
	const struct cs_maker *mk = &id->kb->makers[m];
	if (mk->kind == CS_MK_BRAND) {
		int owner = cs_kb_current_owner(id->kb, m);
		claim_label(id, m, w, e);
		if (owner < 0)
			return;
		m = owner;
	}
	touch(id, m);
	id->maker_miss[m] *= 1.0 - w;
	id->maker_hw[m] = 1;
	implies_add(id, e, "manufacturer", id->kb->makers[m].name);
	if (e != NULL && e->maker == NULL)
		e->maker = id->kb->makers[m].name;
}

static void claim_type(struct cs_ident *id, enum cs_devtype t, double w, struct cs_evidence *e)
{
	if (t >= CS_DT_COUNT || t == CS_DT_UNKNOWN)
		return;
	id->type_miss[t] *= 1.0 - w;
	implies_add(id, e, "type", cs_devtype_name(t));
}

static void claim_attr(struct cs_ident *id, int a, struct cs_sv v, double w)
{
	v = cs_sv_trim(v);
	if (v.n == 0 || v.n > 256)
		return;
	if (id->attr[a].value != NULL && id->attr[a].weight >= w)
		return;
	const char *s = cs_arena_strdup(&id->arena, v);
	if (s != NULL) {
		id->attr[a].value = s;
		id->attr[a].weight = w;
	}
}

/* ---- the observation queue ---- */

static bool seen_before(struct cs_ident *id, enum cs_signal sig, struct cs_sv v)
{
	/* A full table would make the probe loop endless: past half full, everything counts as
	 * seen (and is dropped), which the observation cap makes unreachable in practice. */
	if (id->nseen >= SEEN_SLOTS / 2) {
		id->truncated = true;
		return true;
	}
	uint64_t h = cs_hash64(v.p, v.n) ^ ((uint64_t)sig * 0x9e3779b97f4a7c15ull);
	if (h == 0)
		h = 1;
	size_t i = (size_t)h & (SEEN_SLOTS - 1);
	while (id->seen[i] != 0) {
		if (id->seen[i] == h)
			return true;
		i = (i + 1) & (SEEN_SLOTS - 1);
	}
	id->seen[i] = h;
	id->seen_used[id->nseen++] = (uint16_t)i;
	return false;
}

static int enqueue(struct cs_ident *id, enum cs_signal sig, struct cs_sv v, const char *from,
		   double trust, bool copy)
{
	v = cs_sv_trim(v);
	if (v.n == 0)
		return CS_OK;
	if (v.n > MAX_VALUE && sig != CS_SIG_HTTP_BODY)
		v.n = MAX_VALUE;
	if (id->nobs == MAX_OBS) {
		id->truncated = true;
		return CS_OK;
	}
	if (seen_before(id, sig, v))
		return CS_OK;
	struct obs *o = &id->queue[id->qtail++ % MAX_OBS];
	id->nobs++;
	o->sig = sig;
	o->from = from;
	o->trust = trust;
	o->tentative = false;
	if (copy) {
		char *c = cs_arena_strdup(&id->arena, v);
		if (c == NULL)
			return CS_ENOMEM;
		v.p = c;
	}
	o->value = v;
	return CS_OK;
}

/* Expand $1..$9 in tmpl from the last regex match (ovector) of subject. */
static struct cs_sv expand(struct cs_ident *id, const char *tmpl, struct cs_sv subject,
			   const PCRE2_SIZE *ov, uint32_t npairs)
{
	if (strchr(tmpl, '$') == NULL)
		return cs_sv_cstr(tmpl);
	char out[512];
	size_t n = 0;
	for (const char *p = tmpl; *p != '\0' && n < sizeof(out) - 1; p++) {
		if (p[0] == '$' && p[1] >= '1' && p[1] <= '9') {
			uint32_t g = (uint32_t)(p[1] - '0');
			p++;
			if (ov == NULL || g >= npairs || ov[2 * g] == PCRE2_UNSET)
				continue;
			size_t s = ov[2 * g], e = ov[2 * g + 1];
			if (e > subject.n || s > e)
				continue;
			for (size_t k = s; k < e && n < sizeof(out) - 1; k++)
				out[n++] = subject.p[k];
		} else {
			out[n++] = *p;
		}
	}
	char *c = cs_arena_strdup(&id->arena, cs_sv_make(out, n));
	return c != NULL ? cs_sv_make(c, n) : cs_sv_make("", 0);
}

static void apply_rule(struct cs_ident *id, const struct cs_rule *r, const struct obs *o,
		       const PCRE2_SIZE *ov, uint32_t npairs)
{
	double w = r->weight * o->trust;
	struct cs_evidence *e;
	if (o->sig == CS_SIG_HTTP_BODY && ov != NULL && ov[1] > ov[0] && ov[1] <= o->value.n) {
		/* Show what a body pattern matched, not the start of the page. */
		struct obs shown = *o;
		shown.value = cs_sv_make(o->value.p + ov[0], ov[1] - ov[0]);
		e = add_evidence(id, &shown, r->id, w);
	} else {
		e = add_evidence(id, o, r->id, w);
	}
	for (int i = 0; i < r->nsets; i++) {
		const struct cs_rule_set *s = &r->sets[i];
		struct cs_sv v;
		int m;
		switch (s->key) {
		case CS_SET_MAKER:
		case CS_SET_BRAND:
			m = s->maker;
			if (m < 0) {
				v = expand(id, s->tmpl, o->value, ov, npairs);
				m = cs_kb_maker_find(id->kb, v);
				if (m < 0) {
					/* An unknown name captured from the device: keep it as
					 * what the device says it is. */
					enqueue(id, CS_SIG_VENDOR, v, cs_signal_name(o->sig),
						o->trust * 0.9, true);
					implies_add(id, e, "vendor",
						    cs_arena_strdup(&id->arena, v));
					break;
				}
			}
			if (s->key == CS_SET_MAKER)
				claim_maker(id, m, w, e);
			else
				claim_label(id, m, w, e);
			break;
		case CS_SET_TYPE: claim_type(id, s->type, w, e); break;
		default: {
			static const enum cs_signal sigs[] = {
				[CS_SET_MODEL] = CS_SIG_MODEL,
				[CS_SET_FIRMWARE] = CS_SIG_FIRMWARE,
				[CS_SET_SERIAL] = CS_SIG_SERIAL,
				[CS_SET_MAC] = CS_SIG_MAC,
				[CS_SET_HARDWARE] = CS_SIG_HARDWARE,
				[CS_SET_VENDOR] = CS_SIG_VENDOR,
			};
			static const char *const names[] = {
				[CS_SET_MODEL] = "model",	[CS_SET_FIRMWARE] = "firmware",
				[CS_SET_SERIAL] = "serial",	[CS_SET_MAC] = "mac",
				[CS_SET_HARDWARE] = "hardware", [CS_SET_VENDOR] = "vendor",
			};
			v = cs_sv_trim(expand(id, s->tmpl, o->value, ov, npairs));
			if (v.n == 0)
				break;
			enqueue(id, sigs[s->key], v, cs_signal_name(o->sig), 0.9 * o->trust, true);
			implies_add(id, e, names[s->key], cs_arena_strdup(&id->arena, v));
			break;
		}
		}
	}
	if (e != NULL && e->implies[0] == '\0')
		e->implies = "nothing by itself";
}

static bool rule_matches(struct cs_ident *id, const struct cs_rule *r, struct cs_sv v,
			 const PCRE2_SIZE **ov, uint32_t *npairs)
{
	*ov = NULL;
	*npairs = 0;
	struct cs_sv pat = cs_sv_make(r->pattern, r->pattern_len);
	switch (r->op) {
	case CS_OP_EQ: return cs_sv_ieq(v, pat);
	case CS_OP_PRE: return cs_sv_iprefix(v, pat);
	case CS_OP_HAS: return cs_sv_ifind(v, pat) >= 0;
	case CS_OP_RE: {
		/* pcre2_jit_match skips pcre2_match's argument checks: a tenth of the cost per call
		 * for the short strings matched here. Patterns JIT could not compile fall back. */
		int rc = r->jit ? pcre2_jit_match(r->re, (PCRE2_SPTR)v.p, v.n, 0, 0, id->md, NULL)
				: pcre2_match(r->re, (PCRE2_SPTR)v.p, v.n, 0, 0, id->md, NULL);
		if (rc < 0)
			return false;
		*ov = pcre2_get_ovector_pointer(id->md);
		*npairs = pcre2_get_ovector_count(id->md);
		return true;
	}
	}
	return false;
}

static int run_rules(struct cs_ident *id, const struct obs *o)
{
	int hits = 0;
	const struct cs_kb *kb = id->kb;
	size_t n = kb->nby_signal[o->sig];
	const int *idx = kb->by_signal[o->sig];
	const pcre2_code *pre = kb->prefilter[o->sig];
	bool skip_re = false;
	if (pre != NULL) {
		int rc = kb->prefilter_jit[o->sig] ? pcre2_jit_match(pre, (PCRE2_SPTR)o->value.p,
								     o->value.n, 0, 0, id->md, NULL)
						   : pcre2_match(pre, (PCRE2_SPTR)o->value.p,
								 o->value.n, 0, 0, id->md, NULL);
		skip_re = rc < 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct cs_rule *r = &kb->rules[idx[i]];
		if (skip_re && r->op == CS_OP_RE)
			continue;
		const PCRE2_SIZE *ov;
		uint32_t np;
		if (rule_matches(id, r, o->value, &ov, &np)) {
			apply_rule(id, r, o, ov, np);
			hits++;
		}
	}
	return hits;
}

struct body_ctx {
	struct cs_ident *id;
	const struct obs *o;
};

static void body_hit(void *ctx, int rule_index)
{
	struct body_ctx *b = ctx;
	const struct cs_rule *r = &b->id->kb->rules[rule_index];
	/* The evidence shows the marker, not the whole body. */
	struct obs shown = *b->o;
	shown.value = cs_sv_make(r->pattern, r->pattern_len);
	apply_rule(b->id, r, &shown, NULL, 0);
}

/* ---- built-in knowledge that is code rather than data ---- */

static void on_mac(struct cs_ident *id, const struct obs *o)
{
	uint8_t mac[6];
	char txt[18];
	if (cs_mac_parse(o->value, mac) != CS_OK)
		return;
	if (cs_mac_is_multicast(mac))
		return;
	cs_mac_format(mac, txt);
	claim_attr(id, ATTR_MAC, cs_sv_cstr(txt), o->trust);
	if (cs_mac_is_local(mac)) {
		struct cs_evidence *e = add_evidence(id, o, "builtin:mac-local", 0);
		if (e != NULL)
			e->implies = "locally administered (randomised) address: no OUI to look up";
		return;
	}
	struct cs_kb *kb = (struct cs_kb *)id->kb;
	if (kb->oui == NULL) {
		/* Loaded on first use: most inputs carry no MAC. */
		char sup[2][600];
		const char *sups[2] = {NULL, NULL};
		for (int i = 0; i < kb->ndata_dirs && i < 2; i++) {
			snprintf(sup[i], sizeof(sup[i]), "%s/oui-supplement.csv", kb->data_dirs[i]);
			sups[i] = sup[i];
		}
		struct cs_err err;
		if (cs_oui_load(&kb->oui, kb->oui_dir, sups, 2, &err) != CS_OK) {
			struct cs_evidence *e = add_evidence(id, o, "builtin:oui", 0);
			if (e != NULL)
				e->implies =
					cs_arena_printf(&id->arena, "no MAC registry: %s", err.msg);
			kb->oui_dir[0] = '\0';
			return;
		}
	}
	struct cs_oui_hit hit;
	if (!cs_oui_lookup(kb->oui, mac, &hit)) {
		struct cs_evidence *e = add_evidence(id, o, "builtin:oui", 0);
		if (e != NULL)
			e->implies = "prefix not in the IEEE registry";
		return;
	}
	struct cs_sv parts[] = {
		CS_SV("mac "), cs_sv_cstr(txt),	       CS_SV(" ("), cs_sv_cstr(hit.registry),
		CS_SV(" "),    cs_sv_cstr(hit.prefix), CS_SV(")")};
	enqueue(id, CS_SIG_OUI, cs_sv_cstr(hit.org),
		cs_arena_join(&id->arena, parts, CS_ARRAY_SIZE(parts)), o->trust, true);
}

static void on_oui(struct cs_ident *id, const struct obs *o)
{
	const struct cs_kb *kb = id->kb;
	for (size_t i = 0; i < kb->noui_maps; i++) {
		const struct cs_oui_map *m = &kb->oui_maps[i];
		if (pcre2_match(m->re, (PCRE2_SPTR)o->value.p, o->value.n, 0, 0, id->md, NULL) < 0)
			continue;
		if (m->maker < 0) {
			struct cs_evidence *e = add_evidence(id, o, "oui-makers", 0);
			if (e != NULL)
				e->implies = cs_arena_printf(&id->arena, "not a known maker (%s)",
							     m->source);
			return;
		}
		/* The NIC's registrant: relabelled kit keeps its maker's OUI, so this is strong
		 * evidence of who built the board, though an integrator could fit another NIC. */
		double w = 0.85 * o->trust;
		struct cs_evidence *e = add_evidence(id, o, "oui-makers", w);
		claim_maker(id, m->maker, w, e);
		return;
	}
}

static void on_vendor(struct cs_ident *id, const struct obs *o)
{
	int m = cs_kb_maker_find(id->kb, o->value);
	if (m < 0)
		return;
	/* A device naming its maker: strong, but relabelled firmware names the label. */
	double w = 0.8 * o->trust;
	struct cs_evidence *e = add_evidence(id, o, "builtin:vendor", w);
	claim_maker(id, m, w, e);
}

/*
 * A name on the label or in an asset register: who sells the device, not who built it, so it
 * is a label claim only (a register saying "Honeywell" says nothing about the board inside).
 * "HIKVISION Europe" is tried whole, then by its first word.
 */
static void on_label(struct cs_ident *id, const struct obs *o)
{
	int m = cs_kb_maker_find(id->kb, o->value);
	const char *sp = memchr(o->value.p, ' ', o->value.n);
	if (m < 0 && sp != NULL)
		m = cs_kb_maker_find(id->kb, cs_sv_make(o->value.p, (size_t)(sp - o->value.p)));
	double w = m < 0 ? 0 : 0.8 * o->trust;
	struct cs_evidence *e = add_evidence(id, o, "builtin:label", w);
	if (m < 0) {
		if (e != NULL)
			e->implies = "not a known maker or brand";
		return;
	}
	claim_label(id, m, w, e);
}

/* onvif://www.onvif.org/<key>/<value>: decode the value and observe it as what it is. */
static void on_scope(struct cs_ident *id, const struct obs *o)
{
	static const struct cs_sv pfx = CS_SV("onvif://www.onvif.org/");
	if (!cs_sv_iprefix(o->value, pfx))
		return;
	struct cs_sv rest = cs_sv_make(o->value.p + pfx.n, o->value.n - pfx.n);
	const char *slash = memchr(rest.p, '/', rest.n);
	if (slash == NULL)
		return;
	struct cs_sv key = cs_sv_make(rest.p, (size_t)(slash - rest.p));
	struct cs_sv raw = cs_sv_make(slash + 1, rest.n - key.n - 1);
	char val[512];
	size_t n = 0;
	for (size_t i = 0; i < raw.n && n < sizeof(val) - 1; i++) {
		int h1, h2;
		if (raw.p[i] == '%' && i + 2 < raw.n &&
		    (h1 = cs_hexval((unsigned char)raw.p[i + 1])) >= 0 &&
		    (h2 = cs_hexval((unsigned char)raw.p[i + 2])) >= 0) {
			val[n++] = (char)(h1 << 4 | h2);
			i += 2;
		} else {
			val[n++] = raw.p[i];
		}
	}
	struct cs_sv v = cs_sv_make(val, n);
	if (cs_sv_ieq(key, CS_SV("hardware")))
		enqueue(id, CS_SIG_MODEL, v, "wsd.scope", o->trust, true);
	else if (cs_sv_ieq(key, CS_SV("MAC")))
		enqueue(id, CS_SIG_MAC, v, "wsd.scope", o->trust, true);
	else if (cs_sv_ieq(key, CS_SV("name"))) {
		/* The name scope holds a vendor, a model, or "VENDOR MODEL". */
		enqueue(id, CS_SIG_VENDOR, v, "wsd.scope", o->trust, true);
		const char *sp = memchr(val, ' ', n);
		if (sp != NULL) {
			enqueue(id, CS_SIG_VENDOR, cs_sv_make(val, (size_t)(sp - val)), "wsd.scope",
				o->trust, true);
			enqueue(id, CS_SIG_MODEL, cs_sv_make(sp + 1, n - (size_t)(sp - val) - 1),
				"wsd.scope", o->trust * 0.8, true);
		} else {
			enqueue(id, CS_SIG_MODEL, v, "wsd.scope", o->trust * 0.5, true);
		}
	} else if (cs_sv_ieq(key, CS_SV("type")))
		enqueue(id, CS_SIG_TYPE, v, "wsd.scope", o->trust, true);
}

static void on_endpoint(struct cs_ident *id, const struct obs *o)
{
	uint8_t mac[6];
	char txt[18];
	if (cs_mac_from_uuid(o->value, mac) != CS_OK)
		return;
	cs_mac_format(mac, txt);
	/* A version-1 UUID's node field is usually the MAC; trust it a little less. */
	enqueue(id, CS_SIG_MAC, cs_sv_cstr(txt), "wsd.endpoint (uuid node)", o->trust * 0.8, true);
}

static void on_xaddr(struct cs_ident *id, const struct obs *o)
{
	uint8_t mac[6];
	char txt[18];
	if (cs_mac_from_eui64_ipv6(o->value, mac) != CS_OK)
		return;
	cs_mac_format(mac, txt);
	enqueue(id, CS_SIG_MAC, cs_sv_cstr(txt), "wsd.xaddr (EUI-64)", o->trust * 0.9, true);
}

/* WS-Discovery lists (Scopes, XAddrs, Types) are space-separated: observe each item alone.
 * Returns true when the value was a list (and the list itself needs no further work). */
static bool split_list(struct cs_ident *id, const struct obs *o)
{
	if (o->sig != CS_SIG_WSD_SCOPE && o->sig != CS_SIG_WSD_XADDR && o->sig != CS_SIG_WSD_TYPES)
		return false;
	const char *p = o->value.p, *end = p + o->value.n;
	if (memchr(p, ' ', o->value.n) == NULL && memchr(p, '\t', o->value.n) == NULL &&
	    memchr(p, '\n', o->value.n) == NULL)
		return false;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		const char *q = p;
		while (q < end && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n')
			q++;
		if (q > p)
			enqueue(id, o->sig, cs_sv_make(p, (size_t)(q - p)), o->from, o->trust,
				true);
		p = q;
	}
	return true;
}

static void process(struct cs_ident *id, const struct obs *o)
{
	if (split_list(id, o))
		return;
	switch (o->sig) {
	case CS_SIG_MAC: on_mac(id, o); break;
	case CS_SIG_OUI: on_oui(id, o); break;
	case CS_SIG_VENDOR:
	case CS_SIG_OEM: on_vendor(id, o); break;
	case CS_SIG_LABEL: on_label(id, o); break;
	case CS_SIG_MODEL:
		if (!o->tentative)
			claim_attr(id, ATTR_MODEL, o->value, o->trust);
		break;
	case CS_SIG_FIRMWARE: claim_attr(id, ATTR_FIRMWARE, o->value, o->trust); break;
	case CS_SIG_SERIAL: claim_attr(id, ATTR_SERIAL, o->value, o->trust); break;
	case CS_SIG_HARDWARE: claim_attr(id, ATTR_HARDWARE, o->value, o->trust); break;
	case CS_SIG_HOSTNAME: claim_attr(id, ATTR_HOSTNAME, o->value, o->trust); break;
	case CS_SIG_WSD_SCOPE: on_scope(id, o); break;
	case CS_SIG_WSD_ENDPOINT: on_endpoint(id, o); break;
	case CS_SIG_WSD_XADDR: on_xaddr(id, o); break;
	case CS_SIG_HTTP_BODY:
		if (id->kb->body_markers != NULL) {
			struct body_ctx b = {id, o};
			cs_markers_scan(id->kb->body_markers, o->value, body_hit, &b);
		}
		break;
	default: break;
	}
	if (run_rules(id, o) > 0 && o->tentative && o->sig == CS_SIG_MODEL)
		claim_attr(id, ATTR_MODEL, o->value, o->trust);
}

static void drain(struct cs_ident *id)
{
	while (id->qhead != id->qtail) {
		struct obs o = id->queue[id->qhead++ % MAX_OBS];
		process(id, &o);
	}
}

int cs_ident_observe_from(struct cs_ident *id, enum cs_signal sig, struct cs_sv value,
			  const char *from, double trust)
{
	if ((unsigned)sig >= CS_SIG_COUNT)
		return CS_EINVAL;
	if (sig == CS_SIG_HTTP_BODY) {
		/* Bodies can be large: scan them in place, now, instead of copying. */
		if (seen_before(id, sig, value))
			return CS_OK;
		struct obs o = {sig, from, value, trust, false};
		process(id, &o);
		drain(id);
		return CS_OK;
	}
	int r = enqueue(id, sig, value, from, trust, true);
	drain(id);
	return r;
}

int cs_ident_observe_tentative(struct cs_ident *id, enum cs_signal sig, struct cs_sv value,
			       const char *from, double trust)
{
	size_t before = id->qtail;
	int r = enqueue(id, sig, value, from, trust, true);
	if (id->qtail != before)
		id->queue[(id->qtail - 1) % MAX_OBS].tentative = true;
	drain(id);
	return r;
}

int cs_ident_observe(struct cs_ident *id, enum cs_signal sig, struct cs_sv value, double trust)
{
	return cs_ident_observe_from(id, sig, value, NULL, trust);
}

/* ---- fusion ---- */

static void add_possible(struct cs_device *d, const char *name)
{
	for (size_t i = 0; i < d->npossible; i++)
		if (strcmp(d->possible_makers[i], name) == 0)
			return;
	if (d->npossible < CS_ARRAY_SIZE(d->possible_makers))
		d->possible_makers[d->npossible++] = name;
}

int cs_ident_finish(struct cs_ident *id, struct cs_device *d)
{
	const struct cs_kb *kb = id->kb;
	memset(d, 0, sizeof(*d));

	/* finish() may be called again after more observations: undo what the last call added
	 * (its brand inferences) so that the verdict is computed from the observations alone. */
	if (id->finish_nev != SIZE_MAX) {
		/* Evidence of observations made since then follows it: keep that. */
		size_t later = id->nev - id->finish_end;
		memmove(&id->ev[id->finish_nev], &id->ev[id->finish_end], later * sizeof(*id->ev));
		id->nev = id->finish_nev + later;
	}
	id->finish_nev = id->finish_end = id->nev;
	size_t nsaved = id->ntouched;
	double *saved = cs_arena_alloc(&id->arena, (nsaved + 1) * sizeof(double));
	if (saved == NULL)
		return CS_ENOMEM;
	for (size_t i = 0; i < nsaved; i++)
		saved[i] = id->maker_miss[id->touched[i]];

	/* The label: the brand with the most evidence. */
	int brand = -1;
	double bw = 0;
	for (size_t i = 0; i < id->ntouched; i++) {
		int m = id->touched[i];
		double w = 1.0 - id->brand_miss[m];
		if (w > bw) {
			bw = w;
			brand = m;
		}
	}

	/* What the label says about the hardware behind it (brands.tsv). */
	if (brand >= 0) {
		for (size_t i = 0; i < kb->nbrands; i++) {
			const struct cs_brand_rel *b = &kb->brands[i];
			if (b->brand != brand)
				continue;
			const char *owner = kb->makers[b->owner].name;
			double w = 0;
			if (b->relation == CS_REL_OEM)
				w = b->share == CS_SHARE_ALL	? 0.6
				    : b->share == CS_SHARE_MOST ? 0.4
								: 0;
			if (b->relation == CS_REL_SUBSIDIARY && b->to != 0)
				w = 0.3; /* a former subsidiary: its older products are the owner's */
			add_possible(d, owner);
			if (w > 0) {
				struct obs o = {CS_SIG_VENDOR, "brands.tsv",
						cs_sv_cstr(kb->makers[brand].name), 1.0, false};
				struct cs_evidence *e = add_evidence(id, &o, "brands", w * bw);
				touch(id, b->owner);
				id->maker_miss[b->owner] *= 1.0 - w * bw;
				if (e != NULL) {
					e->maker = owner;
					e->implies = cs_arena_printf(
						&id->arena,
						"manufacturer=%s (the brand %s %s hardware; %s)",
						owner, kb->makers[brand].name,
						b->relation == CS_REL_OEM
							? "relabels its"
							: "was its subsidiary, selling its",
						b->source);
				}
			}
		}
	}

	/* The maker: best combined weight; a strong rival lowers confidence. */
	int best = -1, second = -1;
	double c1 = 0, c2 = 0;
	for (size_t i = 0; i < id->ntouched; i++) {
		int m = id->touched[i];
		double c = 1.0 - id->maker_miss[m];
		if (c > c1) {
			second = best, c2 = c1;
			best = m, c1 = c;
		} else if (c > c2) {
			second = m, c2 = c;
		}
	}
	double conf = c1 * (1.0 - 0.5 * c2);
	if (best >= 0 && conf >= kb->report_threshold) {
		d->manufacturer = kb->makers[best].name;
		d->confidence = conf;
		d->basis = id->maker_hw[best] ? "hardware" : "label";
		/* The possible makers list is for when the maker is not known. */
		d->npossible = 0;
	} else if (brand >= 0 && bw >= kb->report_threshold) {
		/* Only the label is known: name the company on the label as manufacturer of record,
		 * say so in basis, and list the makers known to be behind that label. */
		d->manufacturer = kb->makers[brand].name;
		d->confidence = bw * 0.5;
		d->basis = "label";
		if (best >= 0 && c1 > 0)
			add_possible(d, kb->makers[best].name);
	} else {
		d->manufacturer = NULL;
		d->confidence = conf;
		d->basis = NULL;
		if (best >= 0 && c1 > 0)
			add_possible(d, kb->makers[best].name);
		if (second >= 0 && c2 > 0)
			add_possible(d, kb->makers[second].name);
	}
	if (brand >= 0 &&
	    (d->manufacturer == NULL || strcmp(kb->makers[brand].name, d->manufacturer) != 0))
		d->brand = kb->makers[brand].name;

	/* Device type: the best-supported type, if any is supported well enough. */
	d->type = CS_DT_UNKNOWN;
	double tbest = 0;
	for (int t = 1; t < CS_DT_COUNT; t++) {
		double w = 1.0 - id->type_miss[t];
		if (w > tbest) {
			tbest = w;
			d->type = (enum cs_devtype)t;
		}
	}
	if (tbest < 0.3)
		d->type = CS_DT_UNKNOWN;

	d->model = id->attr[ATTR_MODEL].value;
	d->firmware = id->attr[ATTR_FIRMWARE].value;
	d->serial = id->attr[ATTR_SERIAL].value;
	d->mac = id->attr[ATTR_MAC].value;
	d->hardware = id->attr[ATTR_HARDWARE].value;
	d->address = id->address;
	d->evidence = id->ev;
	d->nevidence = id->nev;
	d->covered_status = "not_covered";

	id->finish_end = id->nev;
	/* Restore the scores: the brand inferences above belong to this verdict only. */
	for (size_t i = 0; i < id->ntouched; i++)
		id->maker_miss[id->touched[i]] = i < nsaved ? saved[i] : 1.0;
	return CS_OK;
}
