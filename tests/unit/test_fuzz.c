/*
 * test_fuzz.c - a deterministic mutation smoke test: every fixture and demo capture, mutated
 * (bit flips, truncation, duplication, insertion of hostile bytes), fed as every input kind.
 * Nothing is asserted about the verdicts; under ASan and UBSan any over-read, leak or undefined
 * behaviour fails the run, and every verdict must still print as valid JSON.
 */
#include "common/json.h"
#include "ident/ident.h"
#include "policy/policy.h"
#include "report/device_out.h"
#include "test.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static size_t mutate(const char *in, size_t n, char *out, size_t cap)
{
	size_t len = n < cap ? n : cap;
	memcpy(out, in, len);
	int rounds = 1 + (int)(next() % 8);
	for (int r = 0; r < rounds && len > 0; r++) {
		size_t at = next() % len;
		switch (next() % 6) {
		case 0: out[at] ^= (char)(1u << (next() % 8)); break;
		case 1: len = at; break;
		case 2: out[at] = "<>\"&\0\r\n%$\\{}[]:="[next() % 16]; break;
		case 3: /* duplicate a run */
			if (len + 64 < cap) {
				size_t run = next() % 64;
				if (at + run > len)
					run = len - at;
				memmove(out + at + run, out + at, len - at);
				len += run;
			}
			break;
		case 4: out[at] = (char)(0x80 + next() % 0x80); break;
		case 5: memset(out + at, 'A', (len - at) < 16 ? len - at : 16); break;
		}
	}
	return len;
}

static void feed_all(struct cs_kb *kb, struct cs_ident *id, const char *data, size_t n)
{
	for (int k = 0; k < CS_IN_COUNT; k++) {
		struct cs_device d;
		struct cs_err err;
		struct cs_buf out;
		struct cs_json j;
		cs_ident_reset(id);
		const char *p = cs_test_guarded(data, n);
		cs_ident_feed(id, (enum cs_input_kind)k, p, n, &err);
		cs_ident_finish(id, &d);
		cs_policy_judge(kb, &d, NULL, cs_ident_arena(id), &err);
		cs_buf_init(&out, 1 << 20);
		cs_json_init(&j, &out, false);
		cs_device_json(&j, &d);
		CHECK_INT(cs_json_end(&j), CS_OK);
		json_t *parsed = json_loadb(out.data, out.len, 0, NULL);
		if (parsed == NULL)
			cs_test_fail(__FILE__, __LINE__, "kind %s: output is not JSON",
				     cs_input_kind_name((enum cs_input_kind)k));
		json_decref(parsed);
		cs_buf_free(&out);
	}
}

static void walk(struct cs_kb *kb, struct cs_ident *id, const char *dir, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR) {
			walk(kb, id, path, files);
			continue;
		}
		FILE *f = fopen(path, "rb");
		if (f == NULL)
			continue;
		static char in[1 << 16], buf[(1 << 16) + 4096];
		size_t n = fread(in, 1, sizeof(in), f);
		fclose(f);
		(*files)++;
		for (int i = 0; i < 48; i++)
			feed_all(kb, id, buf, mutate(in, n, buf, sizeof(buf)));
	}
	closedir(d);
}

TEST(fuzz_mutated_captures_as_every_kind)
{
	struct cs_kb *kb;
	struct cs_ident *id;
	struct cs_kb_opts o = {getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data", "", NULL};
	struct cs_err err;
	REQUIRE(cs_kb_load(&kb, &o, &err) == CS_OK);
	REQUIRE(cs_ident_new(&id, kb) == CS_OK);
	int files = 0;
	walk(kb, id, "tests/fixtures", &files);
	walk(kb, id, "examples/captures", &files);
	CHECK(files > 20);
	cs_ident_free(id);
	cs_kb_free(kb);
}
