/*
 * test_sim.c - camsweep-sim end to end: the built simulator (CS_SIM_BIN) serving a small
 * estate on 127.77.0.0/24, probed by a small client in this file.
 *
 * Every test starts its own simulator with --port-offset, so nothing needs root, and talks
 * only to 127.0.0.0/8; the namespace test runs inside a network namespace it creates and
 * skips itself where the kernel does not allow one. When CS_SIM_BIN is not set the tests pass
 * without doing anything (the simulator is built by `make test`).
 */
#include "test.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The estate every test serves: one device of each persona at 127.77.0.N. */
static const char estate[] = "127.77.0.0/24 silent\n"
			     "127.77.0.1 hikvision-camera\n"
			     "127.77.0.2 hikvision-camera-old\n"
			     "127.77.0.3 hikvision-nvr\n"
			     "127.77.0.4 hikvision-relabel\n"
			     "127.77.0.5 dahua-camera\n"
			     "127.77.0.6 dahua-nvr\n"
			     "127.77.0.7 dahua-relabel\n"
			     "127.77.0.8 dahua-relabel-lorex\n"
			     "127.77.0.9 uniview\n"
			     "127.77.0.10 axis\n"
			     "127.77.0.11 hanwha\n"
			     "127.77.0.12 bosch\n"
			     "127.77.0.13 vivotek\n"
			     "127.77.0.14 reolink\n"
			     "127.77.0.15 ubiquiti\n"
			     "127.77.0.16 xiongmai-dvr\n"
			     "127.77.0.17 nginx\n"
			     "127.77.0.18 printer\n"
			     "127.77.0.19 byte-at-a-time\n"
			     "127.77.0.20 endless-headers\n"
			     "127.77.0.21 garbage\n"
			     "127.77.0.22 reset-mid-reply\n"
			     "127.77.0.23 lying-length\n"
			     "127.77.0.24 script-in-title\n"
			     "127.77.0.25 slowloris-accept\n";

static const char *sim_bin(void)
{
	struct stat st;
	const char *bin = getenv("CS_SIM_BIN");
	return bin != NULL && stat(bin, &st) == 0 ? bin : NULL;
}

/* A per-process temporary path, so that concurrent test runs do not collide. */
static void tmp_path(char out[128], const char *name)
{
	snprintf(out, 128, "/tmp/cs-sim-%d-%s", (int)getpid(), name);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- running the simulator */

struct sim {
	pid_t pid;
	int out;    /* its stdout */
	int offset; /* --port-offset */
	char estate_path[64];
};

static int tries;

/* Start the simulator on estate_text; wait for its "ready" line. */
static bool sim_start(struct sim *s, const char *estate_text, const char *const *extra)
{
	const char *bin = sim_bin();
	char off[16];
	int fds[2];

	memset(s, 0, sizeof(*s));
	s->pid = -1;
	s->out = -1;
	snprintf(s->estate_path, sizeof(s->estate_path), "/tmp/cs-sim-estate-XXXXXX");
	int efd = mkstemp(s->estate_path);
	if (efd < 0 || write(efd, estate_text, strlen(estate_text)) < 0)
		return false;
	close(efd);
	for (int attempt = 0; attempt < 4; attempt++) {
		/* A port offset unlikely to collide with another run: 37777 + it stays < 65536. */
		s->offset = 20000 + (int)((getpid() * 7 + ++tries * 13) % 69) * 100;
		snprintf(off, sizeof(off), "%d", s->offset);
		const char *argv[24] = {bin,	  "--estate", s->estate_path,	"--port-offset",
					off,	  "--quiet",  "--idle-timeout", "5",
					"--hold", "5"};
		size_t n = 10;
		for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 23; i++)
			argv[n++] = extra[i];
		if (pipe(fds) != 0)
			return false;
		pid_t pid = fork();
		if (pid == 0) {
			dup2(fds[1], 1);
			close(fds[0]);
			close(fds[1]);
			int devnull = open("/dev/null", O_WRONLY);
			if (devnull >= 0 && getenv("CS_SIM_STDERR") == NULL)
				dup2(devnull, 2);
			execv(bin, (char *const *)argv);
			_exit(127);
		}
		close(fds[1]);
		s->pid = pid;
		s->out = fds[0];
		char line[512];
		size_t got = 0;
		long long deadline = now_ms() + 20000;
		while (now_ms() < deadline && got + 1 < sizeof(line)) {
			struct pollfd p = {s->out, POLLIN, 0};
			if (poll(&p, 1, 200) <= 0)
				continue;
			ssize_t k = read(s->out, line + got, sizeof(line) - 1 - got);
			if (k <= 0)
				break;
			got += (size_t)k;
			line[got] = '\0';
			if (strstr(line, "ready") != NULL)
				return true;
		}
		/* Not ready: most likely a port in use; try another offset. */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(s->out);
		s->pid = -1;
		s->out = -1;
	}
	return false;
}

/* Stop it with SIGTERM; returns its exit status (AddressSanitizer makes leaks fail it). */
static int sim_stop(struct sim *s)
{
	int st = -1;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, &st, 0);
	}
	if (s->out >= 0)
		close(s->out);
	unlink(s->estate_path);
	s->pid = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int count_fds(pid_t pid)
{
	char path[64];
	int n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ---------------------------------------------------------------- a small client */

static int tcp_connect(const char *ip, int port, int timeout_ms, int *err)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	*err = 0;
	if (fd < 0 || inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		*err = EINVAL;
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return -1;
	}
	struct pollfd p = {fd, POLLOUT, 0};
	int soerr = 0;
	socklen_t len = sizeof(soerr);
	if (poll(&p, 1, timeout_ms) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
		*err = soerr != 0 ? soerr : ETIMEDOUT;
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Read into buf until EOF, an error, cap bytes or timeout_ms; NUL-terminates. *err is 0 on
 * EOF, ETIMEDOUT when the time ran out, or the socket error (ECONNRESET).
 */
static int quiet_ms; /* when set, also stop once data came and then none for this long */

static size_t read_until(int fd, char *buf, size_t cap, int timeout_ms, int *err)
{
	size_t got = 0;
	long long deadline = now_ms() + timeout_ms;
	*err = ETIMEDOUT;
	while (got + 1 < cap) {
		long long left = deadline - now_ms();
		struct pollfd p = {fd, POLLIN, 0};
		if (got > 0 && quiet_ms > 0 && left > quiet_ms)
			left = quiet_ms;
		if (left <= 0 || poll(&p, 1, (int)left) != 1)
			break;
		ssize_t k = recv(fd, buf + got, cap - 1 - got, 0);
		if (k == 0) {
			*err = 0;
			break;
		}
		if (k < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			*err = errno;
			break;
		}
		got += (size_t)k;
	}
	buf[got] = '\0';
	return got;
}

static void send_all(int fd, const void *p, size_t n)
{
	struct pollfd pf = {fd, POLLOUT, 0};
	const char *c = p;
	while (n > 0 && poll(&pf, 1, 2000) == 1) {
		ssize_t k = send(fd, c, n, MSG_NOSIGNAL);
		if (k <= 0)
			break;
		c += k;
		n -= (size_t)k;
	}
}

/* One request, one answer (read to EOF or the timeout); returns the length. */
static size_t exchange(const char *ip, int port, const void *req, size_t n, char *out, size_t cap,
		       int timeout_ms, int *err)
{
	int fd = tcp_connect(ip, port, 2000, err);
	if (fd < 0) {
		out[0] = '\0';
		return 0;
	}
	if (n > 0)
		send_all(fd, req, n);
	size_t got = read_until(fd, out, cap, timeout_ms, err);
	close(fd);
	return got;
}

static int udp_wait_ms = 1000;

static size_t udp_exchange(const char *ip, int port, const void *req, size_t n, char *out,
			   size_t cap, char from[16])
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)}, src;
	socklen_t slen = sizeof(src);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t k = -1;
	out[0] = '\0';
	if (fd < 0)
		return 0;
	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (sendto(fd, req, n, 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)n) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, udp_wait_ms) == 1)
			k = recvfrom(fd, out, cap - 1, 0, (struct sockaddr *)&src, &slen);
	}
	close(fd);
	if (k <= 0)
		return 0;
	out[k] = '\0';
	if (from != NULL)
		inet_ntop(AF_INET, &src.sin_addr, from, 16);
	return (size_t)k;
}

static bool has(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

#define CHECK_HAS(buf, n, needle)                                                                  \
	do {                                                                                       \
		if (!has((buf), (n), (needle)))                                                    \
			cs_test_fail(__FILE__, __LINE__, "answer lacks \"%s\": %.300s", (needle),  \
				     (buf));                                                       \
	} while (0)
#define CHECK_LACKS(buf, n, needle)                                                                \
	do {                                                                                       \
		if (has((buf), (n), (needle)))                                                     \
			cs_test_fail(__FILE__, __LINE__, "answer has \"%s\": %.300s", (needle),    \
				     (buf));                                                       \
	} while (0)

/* The device's MAC in the simulator's ground truth (--dump), as 12 upper-case hex digits. */
static bool dump_mac(const char *ip, char machex[13])
{
	char args[256], *out = NULL, *line;
	FILE *f;
	bool found = false;
	char path[128];
	tmp_path(path, "dump.estate");
	snprintf(args, sizeof(args), "%s --estate %s --dump", sim_bin(), path);
	f = fopen(path, "w");
	if (f == NULL)
		return false;
	fputs(estate, f);
	fclose(f);
	f = popen(args, "r");
	if (f == NULL)
		return false;
	size_t cap = 0;
	while (getline(&out, &cap, f) > 0) {
		size_t iplen = strlen(ip);
		if (strncmp(out, ip, iplen) != 0 || out[iplen] != '\t')
			continue;
		/* address persona maker label type mac ... */
		line = out;
		for (int col = 0; col < 5 && line != NULL; col++) {
			line = strchr(line, '\t');
			if (line != NULL)
				line++;
		}
		if (line != NULL && strlen(line) >= 17) {
			size_t o = 0;
			for (int i = 0; i < 17 && o < 12; i++)
				if (line[i] != ':')
					machex[o++] =
						(char)(line[i] >= 'a' ? line[i] - 32 : line[i]);
			machex[12] = '\0';
			found = o == 12;
		}
	}
	free(out);
	pclose(f);
	unlink(path);
	return found;
}

/* ---------------------------------------------------------------- tests */

TEST(sim_selftest)
{
	char cmd[512];
	if (sim_bin() == NULL)
		return;
	char path[128];
	tmp_path(path, "selftest.out");
	snprintf(cmd, sizeof(cmd), "%s --selftest >%s 2>&1", sim_bin(), path);
	int st = system(cmd);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	FILE *f = fopen(path, "r");
	char buf[4096] = {0};
	if (f != NULL) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	CHECK(strstr(buf, "selftest: ok") != NULL);
	unlink(path);
}

/* Run the simulator with args (no server); returns the exit status, output in out. */
static int sim_run(const char *args, char *out, size_t cap)
{
	char cmd[1024];
	char path[128];
	tmp_path(path, "run.out");
	snprintf(cmd, sizeof(cmd), "%s %s >%s 2>&1", sim_bin(), args, path);
	int st = system(cmd);
	FILE *f = fopen(path, "r");
	out[0] = '\0';
	if (f != NULL) {
		size_t n = fread(out, 1, cap - 1, f);
		out[n] = '\0';
		fclose(f);
	}
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(sim_refuses_bad_estates_and_addresses)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"10.0.0.0/24 nginx\n", "outside 127.0.0.0/8"},
		{"192.168.1.64 hikvision-camera\n", "outside 127.0.0.0/8"},
		{"127.1.0.0/24 nginx\n127.1.1.0/24 not-a-persona\n", ":2: unknown persona"},
		{"127.1.0.9/24 nginx\n", "host bits"},
		{"127.1.0.0/24 mix live=7\n127.1.0.0/24 mix wat=1\n", "unknown option"},
	};
	char out[4096], args[512];
	if (sim_bin() == NULL)
		return;
	char path[128];
	tmp_path(path, "bad.estate");
	snprintf(args, sizeof(args), "--estate %s", path);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i].text);
		CHECK_INT(sim_run(args, out, sizeof(out)), 2);
		CHECK_HAS(out, strlen(out), bad[i].msg);
	}
	unlink(path);
	CHECK_INT(sim_run("--make-estate 10.0.0.0/16", out, sizeof(out)), 2);
	CHECK_INT(sim_run("--bogus-option", out, sizeof(out)), 2);
	CHECK_INT(sim_run("--help", out, sizeof(out)), 0);
	CHECK_HAS(out, strlen(out), "--estate FILE");

	/* --bind 0.0.0.0 is refused unless lo is the only interface. */
	struct ifaddrs *ifs = NULL, *i;
	bool only_lo = true;
	if (getifaddrs(&ifs) == 0) {
		for (i = ifs; i != NULL; i = i->ifa_next)
			if (i->ifa_name != NULL && strcmp(i->ifa_name, "lo") != 0)
				only_lo = false;
		freeifaddrs(ifs);
	}
	if (!only_lo) {
		tmp_path(path, "ok.estate");
		write_file(path, "127.77.0.1 nginx\n");
		snprintf(args, sizeof(args), "--estate %s --bind 0.0.0.0 --port-offset 20000",
			 path);
		CHECK_INT(sim_run(args, out, sizeof(out)), 1);
		CHECK_HAS(out, strlen(out), "only allowed in a network namespace");
		snprintf(args, sizeof(args), "--estate %s --bind 10.1.2.3", path);
		CHECK_INT(sim_run(args, out, sizeof(out)), 1);
		unlink(path);
	}
}

TEST(sim_make_estate_is_deterministic)
{
	static char a[1 << 20], b[1 << 20];
	if (sim_bin() == NULL)
		return;
	CHECK_INT(sim_run("--make-estate 127.1.0.0/16 --live 6% --seed 42", a, sizeof(a)), 0);
	CHECK_INT(sim_run("--make-estate 127.1.0.0/16 --live 6% --seed 42", b, sizeof(b)), 0);
	CHECK(strcmp(a, b) == 0);
	CHECK_INT(sim_run("--make-estate 127.1.0.0/16 --live 6% --seed 43", b, sizeof(b)), 0);
	CHECK(strcmp(a, b) != 0);
	size_t live = 0; /* device lines: "127.1.x.y persona" (not the "/16 silent" line) */
	for (char *p = a; (p = strstr(p, "\n127.1.")) != NULL; p++)
		live += strcspn(p + 1, "/\n") == strcspn(p + 1, "\n");
	CHECK(live > 3500 && live < 4400);
	CHECK(strstr(a, "127.1.0.0/16 silent\n") != NULL);
	/* It is itself an estate: --dump lists the same devices. */
	char args[256];
	char path[128];
	tmp_path(path, "made.estate");
	write_file(path, a);
	snprintf(args, sizeof(args), "--estate %s --dump", path);
	CHECK_INT(sim_run(args, b, sizeof(b)), 0);
	size_t dumped = 0;
	for (char *p = b; (p = strstr(p, "\n127.1.")) != NULL; p++)
		dumped++;
	CHECK_INT(dumped, live);
	unlink(path);
}

/* Every MAC is under a prefix that the IEEE registry gives to the device's real maker (or the
 * label it is relabelled as), or is locally administered for makers with no prefix. */
TEST(sim_macs_are_the_makers)
{
	static const struct {
		const char *persona, *registrant;
	} owner[] = {
		{"hikvision-camera", "Hikvision"},
		{"hikvision-camera-old", "Hikvision"},
		{"hikvision-nvr", "Hikvision"},
		{"hikvision-relabel", "Hikvision"},
		{"dahua-camera", "Dahua"},
		{"dahua-nvr", "Dahua"},
		{"dahua-relabel", "Amcrest"},
		{"dahua-relabel-lorex", "Dahua"},
		{"uniview", "Uniview"},
		{"axis", "Axis"},
		{"hanwha", "echwin"},
		{"bosch", "VCS Video Communication"},
		{"vivotek", "Vivotek"},
		{"reolink", "Reolink"},
		{"ubiquiti", "Ubiquiti"},
		{"nginx", "VMware"},
		{"printer", "Hewlett Packard"},
		{"xiongmai-dvr", NULL},
	};
	static char oui[8 << 20], dump[1 << 20];
	char est[256], path[128];
	if (sim_bin() == NULL)
		return;
	tmp_path(path, "mac.estate");
	FILE *f = fopen("/usr/share/ieee-data/oui.csv", "r");
	if (f == NULL)
		return; /* ieee-data not installed */
	size_t n = fread(oui, 1, sizeof(oui) - 1, f);
	oui[n] = '\0';
	fclose(f);
	for (size_t i = 0; i < sizeof(owner) / sizeof(owner[0]); i++) {
		snprintf(est, sizeof(est), "127.78.0.0/26 %s\n", owner[i].persona);
		write_file(path, est);
		snprintf(est, sizeof(est), "--estate %s --dump --seed %zu", path, i);
		CHECK_INT(sim_run(est, dump, sizeof(dump)), 0);
		for (char *line = strstr(dump, "\n127.78."); line != NULL;
		     line = strstr(line + 1, "\n127.78.")) {
			char *mac = line + 1;
			for (int col = 0; col < 5 && mac != NULL; col++)
				if ((mac = strchr(mac, '\t')) != NULL)
					mac++;
			if (mac == NULL || strlen(mac) < 8)
				continue;
			if (owner[i].registrant == NULL) {
				int first = (int)strtol((char[3]){mac[0], mac[1], 0}, NULL, 16);
				CHECK((first & 2) == 2 && (first & 1) == 0);
				continue;
			}
			char key[16];
			snprintf(key, sizeof(key), "MA-L,%c%c%c%c%c%c,", mac[0], mac[1], mac[3],
				 mac[4], mac[6], mac[7]);
			for (int k = 5; k < 11; k++)
				key[k] = (char)(key[k] >= 'a' ? key[k] - 32 : key[k]);
			char *row = strstr(oui, key);
			char *eol = row != NULL ? strchr(row, '\n') : NULL;
			char reg[256] = "";
			if (row != NULL && eol != NULL)
				snprintf(reg, sizeof(reg), "%.*s", (int)(eol - row), row);
			if (strcasestr(reg, owner[i].registrant) == NULL) {
				cs_test_fail(__FILE__, __LINE__, "%s: %s is not %s's",
					     owner[i].persona, key, owner[i].registrant);
				break;
			}
		}
	}
	unlink(path);
}

static struct sim srv;

/* Check one request's answer against the strings it must (and must not) contain. */
struct probe {
	int host;	 /* 127.77.0.host */
	int port;	 /* persona port; the offset is added */
	const char *req; /* NULL: just connect */
	const char *want[5];
	const char *lack; /* NULL: nothing */
};

static void run_probes(const struct probe *p, size_t n)
{
	static char out[65536];
	quiet_ms = 150;
	for (size_t i = 0; i < n; i++) {
		char ip[16];
		int err;
		snprintf(ip, sizeof(ip), "127.77.0.%d", p[i].host);
		size_t got = exchange(ip, p[i].port + srv.offset, p[i].req,
				      p[i].req != NULL ? strlen(p[i].req) : 0, out, sizeof(out),
				      700, &err);
		if (got == 0)
			cs_test_fail(__FILE__, __LINE__, "%s:%d: no answer (%s)", ip, p[i].port,
				     strerror(err));
		for (int w = 0; w < 5 && p[i].want[w] != NULL; w++)
			if (!has(out, got, p[i].want[w]))
				cs_test_fail(__FILE__, __LINE__,
					     "%s:%d %.40s: lacks \"%s\" in: %.400s", ip, p[i].port,
					     p[i].req != NULL ? p[i].req : "", p[i].want[w], out);
		if (p[i].lack != NULL && has(out, got, p[i].lack))
			cs_test_fail(__FILE__, __LINE__, "%s:%d: has \"%s\"", ip, p[i].port,
				     p[i].lack);
	}
	quiet_ms = 0;
}

#define GET(path) "GET " path " HTTP/1.1\r\nHost: cam\r\nConnection: close\r\n\r\n"
#define SOAP(action)                                                                               \
	"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><" action         \
	" xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/></s:Body></s:Envelope>"

static void onvif_request(char *out, size_t cap, const char *body)
{
	snprintf(out, cap,
		 "POST /onvif/device_service HTTP/1.1\r\nHost: cam\r\n"
		 "Content-Type: application/soap+xml\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(body), body);
}

TEST(sim_personas_answer_as_specified)
{
	static char dt_req[512], di_req[512];
	onvif_request(dt_req, sizeof(dt_req), SOAP("GetSystemDateAndTime"));
	onvif_request(di_req, sizeof(di_req), SOAP("GetDeviceInformation"));

	if (sim_bin() == NULL)
		return;
	REQUIRE(sim_start(&srv, estate, NULL));
	char loc[128];
	snprintf(loc, sizeof(loc), "Location: http://127.77.0.3:%d/index.asp\r\n", 80 + srv.offset);
	const struct probe probes[] = {
		/* Hikvision, current firmware */
		{1,
		 80,
		 GET("/"),
		 {"HTTP/1.1 200 OK\r\nDate: ",
		  "\r\nServer: webserver\r\nX-Frame-Options: SAMEORIGIN\r\n",
		  "\r\n\r\n\xef\xbb\xbf<!doctype html>", "/doc/page/login.asp"},
		 NULL},
		{1,
		 80,
		 GET("/ISAPI/System/deviceInfo"),
		 {"HTTP/1.1 401 Unauthorized\r\n",
		  "WWW-Authenticate: Digest qop=\"auth\", realm=\"IP Camera("},
		 "<model>"},
		{1,
		 80,
		 GET("/nosuchpage"),
		 {"HTTP/1.1 404 Not Found\r\n", "Document Error: Not Found"},
		 NULL},
		{1,
		 80,
		 dt_req,
		 {"HTTP/1.1 200 OK", "GetSystemDateAndTimeResponse", "<tt:Year>"},
		 NULL},
		{1, 80, di_req, {"HTTP/1.1 400", "ter:NotAuthorized"}, "Manufacturer"},
		{1,
		 554,
		 "DESCRIBE rtsp://127.77.0.1/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 7\r\n\r\n",
		 {"RTSP/1.0 401 Unauthorized\r\nCSeq: 7\r\nWWW-Authenticate: Digest realm=\"IP "
		  "Camera(",
		  "stale=\"FALSE\"\r\nDate:  "},
		 NULL},
		{1,
		 554,
		 "OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n",
		 {"RTSP/1.0 200 OK\r\nCSeq: 2\r\nPublic: OPTIONS, DESCRIBE"},
		 NULL},
		/* nmap's SIPOptions probe: "Hikvision 7513" echoes the CSeq whole, Lorex its number */
		{1,
		 554,
		 "OPTIONS sip:nm SIP/2.0\r\nCSeq: 42 OPTIONS\r\n\r\n",
		 {"RTSP/1.0 200 OK\r\nCSeq: 42 OPTIONS\r\nPublic: OPTIONS, DESCRIBE, PLAY, PAUSE, "
		  "SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\nDate: "},
		 NULL},
		/* Hikvision, old firmware and NVR */
		{2, 80, GET("/"), {"HTTP/1.0 200 OK\r\nDate: ", "\r\nServer: App-webs/\r\n"}, NULL},
		{2, 80, GET("/ISAPI/Security/userCheck"), {"401", "realm=\"Hikvision\""}, NULL},
		{2,
		 554,
		 "DESCRIBE rtsp://x/ RTSP/1.0\r\nCSeq: 3\r\n\r\n",
		 {"WWW-Authenticate: Digest realm=\"Hikvision\", nonce=\"",
		  "\r\nWWW-Authenticate: Basic realm=\"/\"\r\n\r\n"},
		 NULL},
		{3,
		 80,
		 GET("/"),
		 {"HTTP/1.1 302 Redirect\r\nServer: DNVRS-Webs\r\nDate: ", loc},
		 NULL},
		{3,
		 80,
		 GET("/ISAPI/System/deviceInfo"),
		 {"Server: DNVRS-Webs", "WWW-Authenticate: Basic realm=\"DVRNVRDVS\""},
		 NULL},
		/* An LTS relabel: the label changes, the stack does not */
		{4, 80, GET("/"), {"<title>LTS</title>", "Server: webserver"}, NULL},
		{4,
		 80,
		 di_req,
		 {"HTTP/1.1 200 OK", "<tds:Manufacturer>LTS</tds:Manufacturer>", "build"},
		 NULL},
		/* Dahua */
		{5,
		 80,
		 GET("/"),
		 {"HTTP/1.1 200 OK\r\nCONNECTION: close\r\nCONTENT-LENGTH: 387\r\nP3P: CP=CAO PSA "
		  "OUR\r\n",
		  "<title>WEB SERVICE</title>", "@WebVersion@", "t_username"},
		 "Server:"},
		{5,
		 554,
		 "OPTIONS rtsp://127.77.0.5:554/ RTSP/1.0\r\nCSeq: 1\r\n\r\n",
		 {"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n"},
		 NULL},
		{5,
		 554,
		 "DESCRIBE rtsp://127.77.0.5/cam/realmonitor?channel=1&subtype=0 RTSP/1.0\r\nCSeq: "
		 "2\r\n\r\n",
		 {"401", "Digest realm=\"Login to "},
		 NULL},
		{6,
		 554,
		 "OPTIONS rtsp://127.77.0.6/ RTSP/1.0\r\nCSeq: 9\r\n\r\n",
		 {"RTSP/1.0 401 Unauthorized\r\nCSeq: 9\r\nWWW-Authenticate: Basic "
		  "realm=\"device\"\r\nServer: Dahua Rtsp Server\r\n"},
		 NULL},
		{7,
		 80,
		 GET("/"),
		 {"CONTENT-LENGTH: 205", "<title>Amcrest Technologies</title>"},
		 NULL},
		{8, 80, GET("/"), {"<title>LOREX</title>", "P3P: CP=CAO PSA OUR"}, NULL},
		{8,
		 554,
		 "OPTIONS sip:nm SIP/2.0\r\nCSeq: 42 OPTIONS\r\n\r\n",
		 {"RTSP/1.0 401 Unauthorized\r\nCSeq: 42\r\nWWW-Authenticate: Digest realm=\"Login "
		  "to ND"},
		 NULL},
		/* Others */
		{9, 80, GET("/"), {"HTTP/1.1 200 OK", "/skin/default_1/images/logo.png"}, NULL},
		{10,
		 80,
		 GET("/axis-cgi/param.cgi?action=list&group=root.Brand"),
		 {"HTTP/1.1 401 Unauthorized\r\nDate: ", "Server: Apache/2.4",
		  "WWW-Authenticate: Digest realm=\"AXIS_"},
		 "root.Brand"},
		{10, 80, GET("/"), {"HTTP/1.1 302 Found", "Location: /camera/index.html"}, NULL},
		{11,
		 554,
		 "OPTIONS rtsp://x/ RTSP/1.0\r\n\r\n",
		 {"RTSP/1.0 401 Unauthorized\r\nCSeq: 0\r\nDate: ",
		  "Digest realm=\"NET-i\", nonce=\"000000000000000000000000"},
		 NULL},
		{12,
		 80,
		 GET("/"),
		 {"HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"Use 'live' as "
		  "User Name"},
		 "Server:"},
		{13,
		 80,
		 GET("/"),
		 {"HTTP/1.1 401 Unauthorized\r\n", "Server: Vivotek Network Camera\r\n\r\n<HTML>"},
		 "Content-Length"},
		{13,
		 554,
		 "OPTIONS rtsp://x/ RTSP/1.0\r\n\r\n",
		 {"RTSP/1.0 200 OK\r\nCSeq: -1\r\nDate: "},
		 NULL},
		{14,
		 80,
		 GET("/api.cgi?cmd=GetDevInfo&token=x"),
		 {"\"cmd\" : \"GetDevInfo\"", "please login first", "-6"},
		 NULL},
		{14, 8000, dt_req, {"HTTP/1.1 200 OK", "GetSystemDateAndTimeResponse"}, NULL},
		{15, 22, NULL, {"SSH-2.0-dropbear"}, NULL},
		{16,
		 80,
		 GET("/"),
		 {"HTTP/1.0 200 OK\r\n", "Server: uc-httpd 1.0.0\r\n",
		  "<title>NETSurveillance WEB</title>"},
		 NULL},
		{16,
		 554,
		 "OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 1\r\n\r\n",
		 {"Server: H264DVR 1.0\r\nPublic: OPTIONS, DESCRIBE, SETUP, TEARDOWN, "
		  "GET_PARAMETER, SET_PARAMETER, PLAY, PAUSE\r\n"},
		 NULL},
		{16,
		 8899,
		 di_req,
		 {"HTTP/1.1 200 OK", "<tds:Manufacturer>H264</tds:Manufacturer>", "<tds:Model>"},
		 NULL},
		{17,
		 80,
		 GET("/"),
		 {"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n", "Welcome to nginx!",
		  "Connection: close"},
		 NULL},
		{17,
		 80,
		 GET("/x"),
		 {"HTTP/1.1 404 Not Found\r\nServer: nginx/1.22.1",
		  "<hr><center>nginx/1.22.1</center>"},
		 NULL},
		{18, 80, GET("/"), {"Server: HP HTTP Server; HP ", "Serial Number: PHB"}, NULL},
	};
	run_probes(probes, sizeof(probes) / sizeof(probes[0]));

	/* The Hikvision SDK port greets on connect (nmap's NULL probe); old firmware answers. */
	static char out[8192];
	int err;
	static const unsigned char greet[16] = {0, 0, 0, 0x10, 0, 0, 0, 0x1e,
						0, 0, 0, 0x1e, 0, 0, 0, 0};
	size_t n = exchange("127.77.0.1", 8000 + srv.offset, NULL, 0, out, sizeof(out), 400, &err);
	CHECK_INT(n, 16);
	CHECK(memcmp(out, greet, 16) == 0);
	n = exchange("127.77.0.2", 8000 + srv.offset, "\0\0\0\xa4\xffSMBr", 9, out, sizeof(out),
		     700, &err);
	CHECK_INT(n, 16);
	CHECK(n == 16 && out[7] == 0x0d);

	/* nginx keeps the connection alive for HTTP/1.1. */
	int fd = tcp_connect("127.77.0.17", 80 + srv.offset, 2000, &err);
	if (fd >= 0) {
		const char two[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n"
				   "Connection: close\r\n\r\n";
		send_all(fd, two, sizeof(two) - 1);
		n = read_until(fd, out, sizeof(out), 1500, &err);
		CHECK_HAS(out, n, "Connection: keep-alive");
		CHECK_HAS(out, n, "HTTP/1.1 404 Not Found");
		CHECK_INT(err, 0);
		close(fd);
	}

	/* RTSP keeps the connection for the next request, echoing each CSeq. */
	fd = tcp_connect("127.77.0.5", 554 + srv.offset, 2000, &err);
	if (fd >= 0) {
		const char two[] = "OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 11\r\n\r\n"
				   "DESCRIBE rtsp://x/ RTSP/1.0\r\nCSeq: 12\r\n\r\n";
		send_all(fd, two, sizeof(two) - 1);
		n = read_until(fd, out, sizeof(out), 700, &err);
		CHECK_HAS(out, n, "CSeq: 11\r\n");
		CHECK_HAS(out, n, "CSeq: 12\r\n");
		CHECK_INT(err, ETIMEDOUT); /* still open */
		close(fd);
	}
	CHECK_INT(sim_stop(&srv), 0);
}

TEST(sim_dahua_login_never_succeeds)
{
	static char out[8192];
	char mac[13], want[64], req[1024];
	int err;
	if (sim_bin() == NULL)
		return;
	REQUIRE(dump_mac("127.77.0.7", mac));
	REQUIRE(sim_start(&srv, estate, NULL));
	const char *first = "{\"method\":\"global.login\",\"params\":{\"userName\":\"admin\","
			    "\"password\":\"\",\"clientType\":\"Web3.0\",\"loginType\":\"Direct\"},"
			    "\"id\":1}";
	const char *second = "{\"method\":\"global.login\",\"params\":{\"userName\":\"admin\","
			     "\"password\":\"0E5ED3C1B3F3B1E2\",\"clientType\":\"Web3.0\","
			     "\"authorityType\":\"Default\",\"passwordType\":\"Default\"},\"id\":2,"
			     "\"session\":1734}";
	snprintf(req, sizeof(req), "POST /RPC2_Login HTTP/1.1\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(first), first);
	size_t n = exchange("127.77.0.7", 80 + srv.offset, req, strlen(req), out, sizeof(out), 700,
			    &err);
	CHECK_HAS(out, n, "\"code\":268632079");
	CHECK_HAS(out, n, "\"realm\":\"Login to AMC0");
	snprintf(want, sizeof(want), "\"mac\":\"%s\"", mac);
	CHECK_HAS(out, n, want);
	CHECK(strncmp(mac, "9C8ECD", 6) == 0);
	snprintf(req, sizeof(req), "POST /RPC2_Login HTTP/1.1\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(second), second);
	n = exchange("127.77.0.7", 80 + srv.offset, req, strlen(req), out, sizeof(out), 700, &err);
	CHECK_HAS(out, n, "\"result\":false");
	CHECK_LACKS(out, n, "268632079");
	CHECK_LACKS(out, n, "\"result\":true");

	/* DVRIP on 37777: the realm request is answered, a login attempt fails and closes. */
	unsigned char realm[32] = {0xa0, 0x01};
	memcpy(realm + 24, "\x05\x02\x01\x01\x00\x00\xa1\xaa", 8);
	n = exchange("127.77.0.5", 37777 + srv.offset, realm, sizeof(realm), out, sizeof(out), 500,
		     &err);
	REQUIRE(n > 32);
	CHECK((unsigned char)out[0] == 0xb0 && out[1] == 0x01);
	CHECK_HAS(out + 32, n - 32, "Realm:Login to ");
	unsigned char login[36] = {0xa0, 0x05, 0, 0, 4};
	memcpy(login + 32, "hash", 4);
	n = exchange("127.77.0.5", 37777 + srv.offset, login, sizeof(login), out, sizeof(out), 1000,
		     &err);
	CHECK_INT(n, 32);
	CHECK((unsigned char)out[0] == 0xb0 && out[1] == 0x00 && out[8] == 0x01);
	CHECK_INT(err, 0); /* closed by the device */
	CHECK_INT(sim_stop(&srv), 0);
}

TEST(sim_udp_discovery)
{
	static char out[65536];
	char from[16] = "", want[160];
	if (sim_bin() == NULL)
		return;
	REQUIRE(sim_start(&srv, estate, NULL));
	const char typed[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><e:Envelope "
		"xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\" "
		"xmlns:w=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
		"xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
		"xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\"><e:Header><w:MessageID>"
		"uuid:0a6b3c52-7e19-4f84-9d21-c5e8f7a41b30</"
		"w:MessageID><w:To>urn:schemas-xmlsoap-org:"
		"ws:2005:04:discovery</w:To><w:Action>http://schemas.xmlsoap.org/ws/2005/04/"
		"discovery/"
		"Probe</w:Action></e:Header><e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter"
		"</d:Types></d:Probe></e:Body></e:Envelope>";
	size_t n = udp_exchange("127.77.0.1", 3702 + srv.offset, typed, sizeof(typed) - 1, out,
				sizeof(out), from);
	CHECK_STR(from, "127.77.0.1");
	CHECK_HAS(out, n, "discovery/ProbeMatches");
	CHECK_HAS(out, n, "<wsadis:RelatesTo>uuid:0a6b3c52-7e19-4f84-9d21-c5e8f7a41b30<");
	CHECK_HAS(out, n, "onvif://www.onvif.org/MAC/");
	snprintf(want, sizeof(want), "http://127.77.0.1:%d/onvif/device_service", 80 + srv.offset);
	CHECK_HAS(out, n, want);
	n = udp_exchange("127.77.0.5", 3702 + srv.offset, typed, sizeof(typed) - 1, out,
			 sizeof(out), from);
	CHECK_HAS(out, n, "onvif://www.onvif.org/name/Dahua");
	snprintf(want, sizeof(want), "http://127.77.0.16:%d/onvif/device_service",
		 8899 + srv.offset);
	n = udp_exchange("127.77.0.16", 3702 + srv.offset, typed, sizeof(typed) - 1, out,
			 sizeof(out), from);
	CHECK_HAS(out, n, want);
	/* A printer answers an untyped probe only, and not as a camera. */
	udp_wait_ms = 300; /* for the answers that must not come */
	CHECK_INT(udp_exchange("127.77.0.18", 3702 + srv.offset, typed, sizeof(typed) - 1, out,
			       sizeof(out), from),
		  0);
	char untyped[sizeof(typed)];
	memcpy(untyped, typed, sizeof(typed));
	char *t = strstr(untyped, "<d:Types>");
	REQUIRE(t != NULL);
	memmove(t, strstr(t, "</d:Probe>"), strlen(strstr(t, "</d:Probe>")) + 1);
	udp_wait_ms = 1000;
	n = udp_exchange("127.77.0.18", 3702 + srv.offset, untyped, strlen(untyped), out,
			 sizeof(out), from);
	CHECK_HAS(out, n, "wprt:PrintDeviceType");
	CHECK_LACKS(out, n, "NetworkVideoTransmitter");
	/* Nothing answers where no device listens, and a ProbeMatches is never answered. */
	udp_wait_ms = 300;
	CHECK_INT(udp_exchange("127.77.0.17", 3702 + srv.offset, typed, sizeof(typed) - 1, out,
			       sizeof(out), from),
		  0);
	CHECK_INT(udp_exchange("127.77.0.1", 3702 + srv.offset, "<d:ProbeMatches/>", 17, out,
			       sizeof(out), from),
		  0);

	udp_wait_ms = 1000;
	/* SADP: inquiry only. */
	const char inquiry[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Probe><Uuid>"
			       "7C1E2A90-3B44-4F0D-9D8A-1E5C2B7F6A31</Uuid><Types>inquiry</Types>"
			       "</Probe>";
	n = udp_exchange("127.77.0.1", 37020 + srv.offset, inquiry, sizeof(inquiry) - 1, out,
			 sizeof(out), from);
	CHECK_HAS(out, n, "<Uuid>7C1E2A90-3B44-4F0D-9D8A-1E5C2B7F6A31</Uuid>");
	CHECK_HAS(out, n, "<DeviceSN>DS-");
	CHECK_HAS(out, n, "<MAC>");
	const char activate[] = "<Probe><Uuid>A</Uuid><Types>activate</Types></Probe>";
	udp_wait_ms = 300;
	CHECK_INT(udp_exchange("127.77.0.1", 37020 + srv.offset, activate, sizeof(activate) - 1,
			       out, sizeof(out), from),
		  0);
	udp_wait_ms = 1000;

	/* DHIP: DHDiscover.search gets client.notifyDevInfo in the same framing. */
	const char body[] =
		"{\"method\":\"DHDiscover.search\",\"params\":{\"mac\":\"\",\"uni\":1}}";
	unsigned char dh[32 + sizeof(body)] = {0x20, 0, 0, 0, 'D', 'H', 'I', 'P'};
	dh[16] = dh[24] = (unsigned char)(sizeof(body) - 1);
	memcpy(dh + 32, body, sizeof(body) - 1);
	n = udp_exchange("127.77.0.6", 37810 + srv.offset, dh, 32 + sizeof(body) - 1, out,
			 sizeof(out), from);
	REQUIRE(n > 32);
	CHECK(memcmp(out, dh, 8) == 0);
	CHECK_HAS(out + 32, n - 32, "\"method\":\"client.notifyDevInfo\"");
	CHECK_HAS(out + 32, n - 32, "\"DeviceClass\":\"NVR\"");

	/* Ubiquiti discovery v1: the model in TLV 0x0c. */
	n = udp_exchange("127.77.0.15", 10001 + srv.offset, "\x01\x00\x00\x00", 4, out, sizeof(out),
			 from);
	REQUIRE(n > 4);
	CHECK(out[0] == 1 && out[1] == 0);
	CHECK_HAS(out, n, "\x0c\x00");
	CHECK_HAS(out, n, "UVC");
	CHECK_INT(sim_stop(&srv), 0);
}

TEST(sim_hostile_devices_misbehave_as_designed)
{
	static char out[65536];
	const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	int err;
	if (sim_bin() == NULL)
		return;
	REQUIRE(sim_start(&srv, estate, NULL));
	int port = 80 + srv.offset;

	/* byte-at-a-time: about 20 bytes a second */
	long long t0 = now_ms();
	int fd = tcp_connect("127.77.0.19", port, 2000, &err);
	REQUIRE(fd >= 0);
	send_all(fd, req, sizeof(req) - 1);
	size_t n = read_until(fd, out, 5 + 1, 2000, &err);
	CHECK_INT(n, 5);
	CHECK(now_ms() - t0 >= 150);
	n = read_until(fd, out, sizeof(out), 500, &err);
	CHECK(n >= 3 && n <= 16);
	close(fd);
	/* ... and keeps trickling after the client half-closes. */
	fd = tcp_connect("127.77.0.19", port, 2000, &err);
	REQUIRE(fd >= 0);
	send_all(fd, req, sizeof(req) - 1);
	shutdown(fd, SHUT_WR);
	n = read_until(fd, out, sizeof(out), 600, &err);
	CHECK(n >= 5 && n <= 16);
	CHECK_INT(err, ETIMEDOUT);
	close(fd);

	/* endless-headers: header lines keep coming, the blank line never does */
	fd = tcp_connect("127.77.0.20", port, 2000, &err);
	REQUIRE(fd >= 0);
	send_all(fd, req, sizeof(req) - 1);
	n = read_until(fd, out, sizeof(out), 1200, &err);
	CHECK(n > 1000);
	CHECK_HAS(out, n, "HTTP/1.1 200 OK\r\n");
	CHECK_LACKS(out, n, "\r\n\r\n");
	CHECK_INT(err, ETIMEDOUT);
	close(fd);

	/* garbage: random bytes without being asked, then the end */
	n = exchange("127.77.0.21", port, NULL, 0, out, sizeof(out), 1500, &err);
	CHECK(n >= 512);
	CHECK_INT(err, 0);

	/* reset-mid-reply: part of an answer, then ECONNRESET */
	n = exchange("127.77.0.22", port, req, sizeof(req) - 1, out, sizeof(out), 1500, &err);
	CHECK(n > 0);
	CHECK_INT(err, ECONNRESET);
	CHECK_LACKS(out, n, "</html>");

	/* lying-length: claims 1 GB, sends 100 bytes, then nothing (and does not close) */
	n = exchange("127.77.0.23", port, req, sizeof(req) - 1, out, sizeof(out), 700, &err);
	CHECK_HAS(out, n, "Content-Length: 1073741824\r\n");
	const char *body = strstr(out, "\r\n\r\n");
	CHECK(body != NULL && n - (size_t)(body + 4 - out) == 100);
	CHECK_INT(err, ETIMEDOUT);

	/* script-in-title: markup and terminal escapes a report must neutralise */
	n = exchange("127.77.0.24", port, req, sizeof(req) - 1, out, sizeof(out), 700, &err);
	CHECK_HAS(out, n, "<title><script>alert(1)</script>");
	CHECK_HAS(out, n, "Server: \x1b[");

	/* slowloris-accept: accepted, and then silence */
	n = exchange("127.77.0.25", port, req, sizeof(req) - 1, out, sizeof(out), 500, &err);
	CHECK_INT(n, 0);
	CHECK_INT(err, ETIMEDOUT);
	CHECK_INT(sim_stop(&srv), 0);
}

TEST(sim_silent_addresses_and_closed_ports_refuse)
{
	int err;
	if (sim_bin() == NULL)
		return;
	REQUIRE(sim_start(&srv, estate, NULL));
	static const struct {
		const char *ip;
		int port;
	} closed[] = {
		{"127.77.0.100", 80},  /* silent */
		{"127.77.0.0", 80},    /* silent */
		{"127.77.0.26", 554},  /* silent */
		{"127.77.0.17", 554},  /* nginx opens only 80 */
		{"127.77.0.10", 8000}, /* axis has no SDK port */
	};
	for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
		int fd = tcp_connect(closed[i].ip, closed[i].port + srv.offset, 1000, &err);
		CHECK(fd < 0);
		CHECK_INT(err, ECONNREFUSED);
		if (fd >= 0)
			close(fd);
	}
	CHECK_INT(sim_stop(&srv), 0);
}

TEST(sim_survives_garbage_and_connection_storms)
{
	static char buf[16384];
	uint64_t x = 88172645463325252ULL;
	int err;
	if (sim_bin() == NULL)
		return;
	REQUIRE(sim_start(&srv, estate, NULL));
	int base = count_fds(srv.pid);
	static const int ports[] = {80, 554, 8000, 37777, 8899, 22, 34567, 9100};

	/* 3000 connections in waves of 300: garbage, partial requests, oversize requests, and
	 * hang-ups, to every port of every device. */
	for (int wave = 0; wave < 10; wave++) {
		int fds[300];
		for (int i = 0; i < 300; i++) {
			char ip[16];
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			snprintf(ip, sizeof(ip), "127.77.0.%d", (int)(1 + x % 25));
			fds[i] = tcp_connect(ip, ports[(x >> 8) % 8] + srv.offset, 1000, &err);
		}
		for (int i = 0; i < 300; i++) {
			if (fds[i] < 0)
				continue;
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			size_t len = 1 + (size_t)(x % sizeof(buf));
			for (size_t k = 0; k < len; k++)
				buf[k] = (char)(x >> (k % 56));
			switch (x % 4) {
			case 0: send(fds[i], buf, len, MSG_NOSIGNAL | MSG_DONTWAIT); break;
			case 1: send(fds[i], "GET / HTTP/1.1\r\nX: ", 19, MSG_NOSIGNAL); break;
			case 2:
				memcpy(buf, "GET /", 5);
				send(fds[i], buf, sizeof(buf), MSG_NOSIGNAL | MSG_DONTWAIT);
				break;
			default: break;
			}
		}
		for (int i = 0; i < 300; i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	/* Every connection is gone again. */
	int now = -1;
	for (int i = 0; i < 60 && (now = count_fds(srv.pid)) != base; i++)
		usleep(50000);
	CHECK_INT(now, base);
	/* And it still answers. */
	size_t n = exchange("127.77.0.1", 80 + srv.offset, GET("/"), strlen(GET("/")), buf,
			    sizeof(buf), 1000, &err);
	CHECK_HAS(buf, n, "Server: webserver");
	CHECK_INT(sim_stop(&srv), 0);
}

/* In a network namespace of its own, --bind 0.0.0.0 serves every address from one listener
 * per port; the persona comes from the address the client connected to. */
TEST(sim_namespace_wildcard_mode)
{
	if (sim_bin() == NULL)
		return;
	pid_t child = fork();
	if (child == 0) {
		if (unshare(CLONE_NEWNET) != 0)
			_exit(77); /* not allowed here: skip */
		static char out[8192];
		int err, bad = 0;
		static const char *const wild[] = {"--bind", "0.0.0.0", NULL};
		if (!sim_start(&srv, estate, wild))
			_exit(3);
		size_t n = exchange("127.77.0.1", 80 + srv.offset, GET("/"), strlen(GET("/")), out,
				    sizeof(out), 1000, &err);
		bad += !has(out, n, "Server: webserver");
		n = exchange("127.77.0.5", 80 + srv.offset, GET("/"), strlen(GET("/")), out,
			     sizeof(out), 1000, &err);
		bad += !has(out, n, "<title>WEB SERVICE</title>");
		n = exchange("127.77.0.17", 554 + srv.offset, "x", 1, out, sizeof(out), 1000, &err);
		bad += n != 0 || (err != ECONNRESET && err != ECONNREFUSED);
		n = exchange("127.77.0.99", 80 + srv.offset, "x", 1, out, sizeof(out), 1000, &err);
		bad += n != 0 || (err != ECONNRESET && err != ECONNREFUSED);
		char from[16] = "";
		n = udp_exchange("127.77.0.10", 3702 + srv.offset,
				 "<Probe><MessageID>uuid:1</MessageID></Probe>", 44, out,
				 sizeof(out), from);
		bad += !has(out, n, "AXIS") || strcmp(from, "127.77.0.10") != 0;
		bad += sim_stop(&srv) != 0;
		_exit(bad == 0 ? 0 : 10 + bad);
	}
	int st = 0;
	waitpid(child, &st, 0);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (code != 77)
		CHECK_INT(code, 0);
}
