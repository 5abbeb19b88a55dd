/*
 * policy.c - loading policy profiles and judging devices against them (see policy.h).
 */
#include "policy/policy.h"

#include "common/tsv.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kb_str(struct cs_kb *kb, struct cs_sv s)
{
	return cs_arena_strdup(&kb->strings, s);
}

static int load_policy(struct cs_kb *kb, const char *path, struct cs_err *err)
{
	struct cs_tsv t;
	struct cs_policy p;
	size_t cap = 0;
	int r = cs_tsv_open(&t, path, err);
	if (r != CS_OK)
		return r;
	memset(&p, 0, sizeof(p));
	p.file = kb_str(kb, cs_sv_cstr(path));
	while (cs_tsv_next(&t)) {
		struct cs_sv key = cs_tsv_opt(&t, 0), val = cs_tsv_opt(&t, 1);
		if (cs_sv_eq(key, CS_SV("id")))
			p.id = kb_str(kb, val);
		else if (cs_sv_eq(key, CS_SV("title")))
			p.title = kb_str(kb, val);
		else if (cs_sv_eq(key, CS_SV("jurisdiction")))
			p.jurisdiction = kb_str(kb, val);
		else if (cs_sv_eq(key, CS_SV("basis")))
			p.basis = kb_str(kb, val);
		else if (cs_sv_eq(key, CS_SV("effective")))
			p.effective = kb_str(kb, val);
		else if (cs_sv_eq(key, CS_SV("source")))
			p.source = kb_str(kb, val);
		else if (cs_sv_eq(key, CS_SV("include"))) {
			if (!cs_sv_eq(val, CS_SV("nil=yes"))) {
				r = cs_tsv_error(&t, err, "include supports only nil=yes");
				goto out;
			}
			p.include_nil = true;
		} else if (cs_sv_eq(key, CS_SV("entity"))) {
			int m = cs_kb_maker_find(kb, val);
			if (m < 0) {
				r = cs_tsv_error(&t, err, "unknown maker '%.*s'", (int)val.n,
						 val.p);
				goto out;
			}
			if (p.nentities == cap) {
				cap = cap ? cap * 2 : 8;
				struct cs_policy_entity *e = realloc(p.entities, cap * sizeof(*e));
				if (e == NULL) {
					r = CS_ENOMEM;
					goto out;
				}
				p.entities = e;
			}
			struct cs_policy_entity *e = &p.entities[p.nentities++];
			e->maker = m;
			e->scope = kb_str(kb, cs_tsv_opt(&t, 2));
			e->basis = kb_str(kb, cs_tsv_opt(&t, 3));
			e->from = kb_str(kb, cs_tsv_opt(&t, 4));
		} else {
			r = cs_tsv_error(&t, err, "unknown key '%.*s'", (int)key.n, key.p);
			goto out;
		}
	}
	if (p.id == NULL || p.id[0] == '\0') {
		r = cs_err_set(err, CS_EDATA, "%s: a policy needs an id", path);
		goto out;
	}
	/* A profile with the id of an earlier one (a user override) replaces it. */
	size_t slot = kb->npolicies;
	for (size_t i = 0; i < kb->npolicies; i++)
		if (strcmp(kb->policies[i].id, p.id) == 0)
			slot = i;
	if (slot == kb->npolicies) {
		struct cs_policy *np = realloc(kb->policies, (kb->npolicies + 1) * sizeof(*np));
		if (np == NULL) {
			r = CS_ENOMEM;
			goto out;
		}
		kb->policies = np;
		kb->npolicies++;
	} else {
		free(kb->policies[slot].entities);
	}
	kb->policies[slot] = p;
	p.entities = NULL; /* transferred */
	r = CS_OK;
out:
	free(p.entities);
	cs_tsv_close(&t);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cs_kb_load_policies(struct cs_kb *kb, const char *dir, struct cs_err *err)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return CS_OK;
	char *names[128];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < CS_ARRAY_SIZE(names)) {
		size_t l = strlen(e->d_name);
		if (l > 7 && strcmp(e->d_name + l - 7, ".policy") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	int r = CS_OK;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (r == CS_OK)
			r = load_policy(kb, path, err);
		free(names[i]);
	}
	return r;
}

const struct cs_policy *cs_policy_find(const struct cs_kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->npolicies; i++)
		if (strcmp(kb->policies[i].id, id) == 0)
			return &kb->policies[i];
	return NULL;
}

/* Is the profile named in the comma-separated list (NULL: every profile)? */
static bool selected(const char *only, const char *id)
{
	if (only == NULL || *only == '\0')
		return true;
	size_t n = strlen(id);
	for (const char *p = only; *p != '\0';) {
		const char *c = strchr(p, ',');
		size_t l = c != NULL ? (size_t)(c - p) : strlen(p);
		if (l == n && strncmp(p, id, n) == 0)
			return true;
		p += l + (c != NULL);
	}
	return false;
}

int cs_policy_check_ids(const struct cs_kb *kb, const char *only, struct cs_err *err)
{
	if (only == NULL)
		return CS_OK;
	for (const char *p = only; *p != '\0';) {
		const char *c = strchr(p, ',');
		size_t l = c != NULL ? (size_t)(c - p) : strlen(p);
		bool found = false;
		for (size_t i = 0; i < kb->npolicies && !found; i++)
			found = strlen(kb->policies[i].id) == l &&
				strncmp(kb->policies[i].id, p, l) == 0;
		if (!found)
			return cs_err_set(err, CS_ENOTFOUND, "unknown policy '%.*s'", (int)l, p);
		p += l + (c != NULL);
	}
	return CS_OK;
}

static const struct cs_policy_entity *entity_of(const struct cs_policy *p, int m)
{
	for (size_t i = 0; i < p->nentities; i++)
		if (p->entities[i].maker == m)
			return &p->entities[i];
	return NULL;
}

struct judge {
	const struct cs_kb *kb;
	struct cs_device *dev;
	struct cs_arena *arena;
	struct cs_coverage out[16];
	size_t n;
};

static void add(struct judge *j, const struct cs_policy *p, int maker, const char *why,
		const char *via, const char *status)
{
	/* One record per (profile, entity); a "covered" record supersedes a "review" one. */
	for (size_t i = 0; i < j->n; i++) {
		if (strcmp(j->out[i].policy, p->id) == 0 &&
		    strcmp(j->out[i].entity, j->kb->makers[maker].name) == 0) {
			if (strcmp(status, "covered") == 0 &&
			    strcmp(j->out[i].status, "covered") != 0) {
				j->out[i].status = status;
				j->out[i].via = via;
				j->out[i].why = why;
			}
			return;
		}
	}
	if (j->n == CS_ARRAY_SIZE(j->out))
		return;
	j->out[j->n++] = (struct cs_coverage){
		p->id, j->kb->makers[maker].name, p->basis != NULL ? p->basis : "", why, via,
		status};
}

/* The entity line's own text: why this entity is in the profile. */
static const char *entity_basis(const struct cs_policy *p, const struct cs_policy_entity *e)
{
	(void)p;
	return e != NULL && e->basis != NULL ? e->basis : "";
}

/* Judge maker m (the evidenced manufacturer, or a label) under profile p. */
static void judge_maker(struct judge *j, const struct cs_policy *p, int m, bool evidenced,
			const char *what)
{
	const struct cs_kb *kb = j->kb;
	const struct cs_policy_entity *e = entity_of(p, m);
	const char *name = kb->makers[m].name;
	if (e != NULL) {
		struct cs_sv parts[] = {cs_sv_cstr(what), CS_SV(" "), cs_sv_cstr(name)};
		add(j, p, m, entity_basis(p, e), cs_arena_join(j->arena, parts, 3),
		    evidenced ? "covered" : "review");
	} else if (p->include_nil && kb->makers[m].nil == CS_NIL_YES) {
		struct cs_sv parts[] = {
			cs_sv_cstr(what), CS_SV(" "), cs_sv_cstr(name),
			CS_SV(", a company subject to the PRC National Intelligence Law")};
		add(j, p, m, "marked as subject to the NIL in makers.tsv",
		    cs_arena_join(j->arena, parts, 4), evidenced ? "covered" : "review");
	}
	/* Ownership: subsidiaries of named entities are covered while they are subsidiaries. */
	for (size_t i = 0; i < kb->nbrands; i++) {
		const struct cs_brand_rel *b = &kb->brands[i];
		if (b->brand != m)
			continue;
		const struct cs_policy_entity *oe = entity_of(p, b->owner);
		bool owner_nil = p->include_nil && kb->makers[b->owner].nil == CS_NIL_YES;
		if (oe == NULL && !owner_nil)
			continue;
		/* A maker whose own hardware is evidenced is not suspect because it relabels some
		 * other maker's products on the side (Bosch's DIVAR recorders): only a label, or a
		 * brand that relabels most of its range, needs the real maker confirmed. */
		if (evidenced && b->relation != CS_REL_SUBSIDIARY &&
		    (b->relation == CS_REL_FORMER_OEM || b->share == CS_SHARE_SOME))
			continue;
		const char *owner = kb->makers[b->owner].name;
		const char *via;
		const char *status = "review";
		if (b->relation == CS_REL_SUBSIDIARY && b->to == 0) {
			via = cs_arena_printf(j->arena, "%s %s, a subsidiary of %s", what, name,
					      owner);
			status = evidenced ? "covered" : "review";
		} else if (b->relation == CS_REL_SUBSIDIARY) {
			via = cs_arena_printf(
				j->arena,
				"%s %s was a subsidiary of %s from %s to %s: covered if "
				"produced in that period",
				what, name, owner, b->from_text, b->to_text);
		} else {
			via = cs_arena_printf(
				j->arena,
				"%s %s %s %s hardware (%s of its range): confirm the "
				"real maker",
				what, name,
				b->relation == CS_REL_OEM ? "relabels" : "used to relabel", owner,
				b->share == CS_SHARE_ALL    ? "all"
				: b->share == CS_SHARE_MOST ? "most"
							    : "some");
		}
		add(j, p, b->owner, entity_basis(p, oe), via, status);
	}
}

int cs_policy_judge(const struct cs_kb *kb, struct cs_device *dev, const char *only,
		    struct cs_arena *arena, struct cs_err *err)
{
	struct judge j = {kb, dev, arena, {{0}}, 0};
	int r = cs_policy_check_ids(kb, only, err);
	if (r != CS_OK)
		return r;
	int maker = dev->manufacturer != NULL ? cs_kb_maker_find(kb, cs_sv_cstr(dev->manufacturer))
					      : -1;
	int brand = dev->brand != NULL ? cs_kb_maker_find(kb, cs_sv_cstr(dev->brand)) : -1;
	bool evidenced = dev->basis != NULL && strcmp(dev->basis, "hardware") == 0;
	for (size_t i = 0; i < kb->npolicies; i++) {
		const struct cs_policy *p = &kb->policies[i];
		if (!selected(only, p->id))
			continue;
		if (maker >= 0)
			judge_maker(&j, p, maker, evidenced, evidenced ? "manufacturer" : "label");
		if (brand >= 0)
			judge_maker(&j, p, brand, false, "brand");
		for (size_t k = 0; k < dev->npossible; k++) {
			int m = cs_kb_maker_find(kb, cs_sv_cstr(dev->possible_makers[k]));
			if (m >= 0 && m != maker)
				judge_maker(&j, p, m, false, "possible maker");
		}
	}
	dev->covered = false;
	dev->covered_status = "not_covered";
	for (size_t i = 0; i < j.n; i++) {
		if (strcmp(j.out[i].status, "covered") == 0)
			dev->covered = true;
	}
	if (dev->covered)
		dev->covered_status = "covered";
	else if (j.n > 0)
		dev->covered_status = "review";
	dev->ncoverage = j.n;
	dev->coverage = NULL;
	if (j.n > 0) {
		dev->coverage = cs_arena_alloc(arena, j.n * sizeof(*dev->coverage));
		if (dev->coverage == NULL)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		memcpy(dev->coverage, j.out, j.n * sizeof(*dev->coverage));
	}
	return CS_OK;
}
