/*
 * test.h - camsweep's test harness: TEST() registers a test, the CHECK macros record failures.
 *
 * Each test is a function; a failed CHECK prints file:line and the expression, marks the test
 * failed and carries on (so one run shows every broken expectation); REQUIRE stops the test.
 * The runner prints one line per failure and ends with "N passed, N failed".
 */
#ifndef CS_TEST_H
#define CS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef void (*cs_test_fn)(void);
void cs_test_register(const char *name, const char *file, cs_test_fn fn);
void cs_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool cs_test_failed_now(void);

#define TEST(name)                                                                                 \
	static void test_##name(void);                                                             \
	__attribute__((constructor)) static void register_##name(void)                             \
	{                                                                                          \
		cs_test_register(#name, __FILE__, test_##name);                                    \
	}                                                                                          \
	static void test_##name(void)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			cs_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                      \
	} while (0)

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			cs_test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);                    \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long va_ = (long long)(a), vb_ = (long long)(b);                              \
		if (va_ != vb_)                                                                    \
			cs_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, va_,    \
				     vb_);                                                         \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *sa_ = (a), *sb_ = (b);                                                 \
		if (sa_ == NULL || sb_ == NULL ? sa_ != sb_ : strcmp(sa_, sb_) != 0)               \
			cs_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,     \
				     sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                  \
	} while (0)

/*
 * Copy n bytes so that they end exactly at a PROT_NONE page: any read past the end crashes.
 * The memory stays valid until the next call to cs_test_guarded (or the end of the test).
 */
const char *cs_test_guarded(const void *data, size_t n);

/* Path of a fixture under tests/fixtures (static buffer). */
const char *cs_test_fixture(const char *name);

/* Read a whole fixture into a malloc'd NUL-terminated buffer (caller frees); NULL if absent. */
char *cs_test_read_fixture(const char *name, size_t *len);

/*
 * Run the camsweep binary under test (CS_TEST_BIN) with args (a shell-quoted string), feeding
 * stdin_data if not NULL. Returns the exit status; *out and *err get malloc'd output.
 */
int cs_test_run_cli(const char *args, const char *stdin_data, char **out, char **err);

/* Path to ../shared/reference if present (NULL otherwise). */
const char *cs_test_shared_reference(void);

#endif
