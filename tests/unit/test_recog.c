/*
 * test_recog.c - the acceptance test for identification: every camera and recorder example in
 * the reference corpus (../shared/reference/recog_camera_examples.tsv, real banners contributed
 * to Rapid7 Recog) that names a vendor must be attributed to that vendor, or to the real maker
 * behind that brand; examples that name no vendor must not be given one.
 *
 * The corpus is read where it lies, never copied into the project; without it the test says so
 * and checks nothing else.
 */
#include "common/tsv.h"
#include "ident/ident.h"
#include "policy/policy.h"
#include "test.h"

#include <stdlib.h>

static struct cs_kb *load_real_kb(void)
{
	struct cs_kb *kb = NULL;
	struct cs_kb_opts o = {getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data", "", NULL};
	struct cs_err err;
	if (cs_kb_load(&kb, &o, &err) != CS_OK) {
		printf("knowledge base: %s\n", err.msg);
		return NULL;
	}
	return kb;
}

/* Undo the corpus escaping of \\ \t \r \n. */
static size_t unescape(struct cs_sv in, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < in.n && n + 1 < cap; i++) {
		if (in.p[i] == '\\' && i + 1 < in.n) {
			char c = in.p[++i];
			out[n++] = c == 't' ? '\t' : c == 'r' ? '\r' : c == 'n' ? '\n' : c;
		} else {
			out[n++] = in.p[i];
		}
	}
	out[n] = '\0';
	return n;
}

/* The expected vendor, resolving "{service.vendor}" through the fingerprint's params. */
static struct cs_sv expected_vendor(const struct cs_tsv *t)
{
	struct cs_sv v = cs_tsv_opt(t, 4);
	if (v.n < 3 || v.p[0] != '{')
		return v;
	struct cs_sv key = cs_sv_make(v.p + 1, v.n - 2);
	struct cs_sv params = cs_tsv_opt(t, 9);
	/* params is "k=v;k=v": find "key=" at the start of a parameter. */
	for (size_t i = 0; i + key.n < params.n; i++) {
		if ((i > 0 && params.p[i - 1] != ';') || params.p[i + key.n] != '=' ||
		    memcmp(params.p + i, key.p, key.n) != 0)
			continue;
		const char *s = params.p + i + key.n + 1, *end = params.p + params.n, *e = s;
		while (e < end && *e != ';')
			e++;
		return cs_sv_make(s, (size_t)(e - s));
	}
	return cs_sv_make("", 0);
}

/* Is maker m (the verdict) the expected vendor, or the real maker behind that brand? */
static bool same_or_behind(const struct cs_kb *kb, int expected, const char *name)
{
	int m = name != NULL ? cs_kb_maker_find(kb, cs_sv_cstr(name)) : -1;
	if (m < 0)
		return false;
	if (m == expected)
		return true;
	for (size_t i = 0; i < kb->nbrands; i++)
		if (kb->brands[i].brand == expected && kb->brands[i].owner == m)
			return true;
	return false;
}

TEST(recog_examples_name_the_right_maker)
{
	const char *ref = cs_test_shared_reference();
	if (ref == NULL) {
		printf("SKIP recog_examples_name_the_right_maker: ../shared/reference not "
		       "present\n");
		return;
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/recog_camera_examples.tsv", ref);
	struct cs_kb *kb = load_real_kb();
	REQUIRE(kb != NULL);
	struct cs_ident *id;
	REQUIRE(cs_ident_new(&id, kb) == CS_OK);
	struct cs_tsv t;
	struct cs_err err;
	REQUIRE(cs_tsv_open(&t, path, &err) == CS_OK);
	int named = 0, right = 0, anonymous = 0, quiet = 0;
	cs_tsv_next(&t); /* the header */
	while (cs_tsv_next(&t)) {
		if (t.nfields < 5)
			continue;
		char ex[2048];
		size_t n = unescape(cs_tsv_opt(&t, 3), ex, sizeof(ex));
		struct cs_sv db = cs_tsv_opt(&t, 1), vendor = expected_vendor(&t);
		enum cs_input_kind kind =
			cs_sv_eq(db, CS_SV("x509_subjects.xml")) ? CS_IN_TLS : CS_IN_BANNER;
		struct cs_device d;
		cs_ident_reset(id);
		if (cs_ident_feed(id, kind, ex, n, &err) != CS_OK) {
			cs_test_fail(__FILE__, __LINE__, "%.*s: feed failed: %s", (int)t.field[0].n,
				     t.field[0].p, err.msg);
			continue;
		}
		cs_ident_finish(id, &d);
		cs_policy_judge(kb, &d, NULL, cs_ident_arena(id), &err);
		if (vendor.n == 0) {
			anonymous++;
			if (d.manufacturer == NULL)
				quiet++;
			else
				cs_test_fail(__FILE__, __LINE__,
					     "%.*s '%s': no vendor expected, got %s",
					     (int)t.field[0].n, t.field[0].p, ex, d.manufacturer);
			continue;
		}
		named++;
		int expected = cs_kb_maker_find(kb, vendor);
		if (expected < 0) {
			cs_test_fail(__FILE__, __LINE__, "%.*s: vendor '%.*s' is not in makers.tsv",
				     (int)t.field[0].n, t.field[0].p, (int)vendor.n, vendor.p);
			continue;
		}
		if (same_or_behind(kb, expected, d.manufacturer) ||
		    same_or_behind(kb, expected, d.brand))
			right++;
		else
			cs_test_fail(__FILE__, __LINE__,
				     "%.*s '%s' (%.*s): expected %.*s, got %s (brand %s)",
				     (int)t.field[0].n, t.field[0].p, ex, (int)db.n, db.p,
				     (int)vendor.n, vendor.p,
				     d.manufacturer ? d.manufacturer : "null",
				     d.brand ? d.brand : "null");
		/* A maker outside every profile is never covered. */
		if (d.manufacturer != NULL && d.covered) {
			int m = cs_kb_maker_find(kb, cs_sv_cstr(d.manufacturer));
			bool in_profile = false;
			for (size_t p = 0; p < kb->npolicies; p++) {
				for (size_t e = 0; e < kb->policies[p].nentities; e++)
					in_profile |= kb->policies[p].entities[e].maker == m;
				in_profile |= kb->policies[p].include_nil &&
					      kb->makers[m].nil == CS_NIL_YES;
			}
			CHECK(in_profile);
		}
	}
	printf("recog corpus: %d/%d vendor examples attributed correctly; %d/%d anonymous left "
	       "anonymous\n",
	       right, named, quiet, anonymous);
	CHECK(named > 100);
	cs_tsv_close(&t);
	cs_ident_free(id);
	cs_kb_free(kb);
}
