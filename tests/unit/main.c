/* main.c - the test runner: runs every registered test, or those whose name contains argv[1]. */
#include "test.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_TESTS = 2048 };

static struct {
	const char *name;
	const char *file;
	cs_test_fn fn;
} tests[MAX_TESTS];
static int ntests;
static int current_failed;
static const char *current_name;

void cs_test_register(const char *name, const char *file, cs_test_fn fn)
{
	if (ntests < MAX_TESTS) {
		tests[ntests].name = name;
		tests[ntests].file = file;
		tests[ntests].fn = fn;
		ntests++;
	}
}

void cs_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stdout, "FAIL %s (%s:%d): ", current_name, file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	current_failed = 1;
}

bool cs_test_failed_now(void)
{
	return current_failed != 0;
}

static void *guard_map;
static size_t guard_len;

const char *cs_test_guarded(const void *data, size_t n)
{
	long page = sysconf(_SC_PAGESIZE);
	if (guard_map != NULL)
		munmap(guard_map, guard_len);
	size_t body = (n + (size_t)page - 1) / (size_t)page * (size_t)page;
	guard_len = body + (size_t)page;
	guard_map =
		mmap(NULL, guard_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_map == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	char *guard = (char *)guard_map + body;
	mprotect(guard, (size_t)page, PROT_NONE);
	char *start = guard - n;
	if (n > 0)
		memcpy(start, data, n);
	return start;
}

const char *cs_test_fixture(const char *name)
{
	static char path[1024];
	const char *dir = getenv("CS_FIXTURES");
	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : "tests/fixtures", name);
	return path;
}

char *cs_test_read_fixture(const char *name, size_t *len)
{
	FILE *f = fopen(cs_test_fixture(name), "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	for (;;) {
		if (n + 4096 + 1 > cap)
			p = realloc(p, cap *= 2);
		size_t got = fread(p + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	fclose(f);
	p[n] = '\0';
	if (len != NULL)
		*len = n;
	return p;
}

static char *slurp_fd(int fd)
{
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	for (;;) {
		if (n + 4096 + 1 > cap)
			p = realloc(p, cap *= 2);
		ssize_t got = read(fd, p + n, 4096);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	p[n] = '\0';
	return p;
}

int cs_test_run_cli(const char *args, const char *stdin_data, char **out, char **err)
{
	const char *bin = getenv("CS_TEST_BIN");
	char cmd[8192];
	char outp[] = "/tmp/cs-test-out-XXXXXX", errp[] = "/tmp/cs-test-err-XXXXXX";
	char inp[] = "/tmp/cs-test-in-XXXXXX";
	int ofd = mkstemp(outp), efd = mkstemp(errp), ifd = mkstemp(inp);
	if (stdin_data != NULL && write(ifd, stdin_data, strlen(stdin_data)) < 0)
		perror("write");
	close(ifd);
	snprintf(cmd, sizeof(cmd), "%s %s <%s >%s 2>%s", bin != NULL ? bin : "./camsweep", args,
		 inp, outp, errp);
	int st = system(cmd);
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	char *o = slurp_fd(ofd), *e = slurp_fd(efd);
	close(ofd), close(efd);
	unlink(outp), unlink(errp), unlink(inp);
	if (out != NULL)
		*out = o;
	else
		free(o);
	if (err != NULL)
		*err = e;
	else
		free(e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

const char *cs_test_shared_reference(void)
{
	static const char *candidates[] = {"../shared/reference", "../../shared/reference"};
	const char *env = getenv("CS_SHARED_REFERENCE");
	struct stat st;
	if (env != NULL)
		return stat(env, &st) == 0 ? env : NULL;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
			return candidates[i];
	return NULL;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *filter = argc > 1 ? argv[1] : NULL;
	for (int i = 0; i < ntests; i++) {
		if (filter != NULL && strstr(tests[i].name, filter) == NULL)
			continue;
		current_name = tests[i].name;
		current_failed = 0;
		tests[i].fn();
		if (current_failed)
			failed++;
		else
			passed++;
	}
	if (guard_map != NULL)
		munmap(guard_map, guard_len);
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
