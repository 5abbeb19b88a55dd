/*
 * test_report_browser.c - the HTML report in a real browser: tests/report/browser.sh renders
 * the hostile fixture model with headless Chromium and checks the DOM (charts present, title
 * unchanged, device strings inert text), a screenshot and a PDF print. Skipped, saying so, only
 * when chromium is not installed and this is not CI (CI installs it through tools/deps).
 */
#include "test.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

TEST(report_browser)
{
	const char *bin = getenv("CS_TEST_BIN");
	char cmd[1024];

	if (bin == NULL || access(bin, X_OK) != 0) {
		printf("SKIP report browser test: no CS_TEST_BIN\n");
		return;
	}
	/* Charts in the fixture: milestones, burn-down of sites and of devices, by site, by
	 * operator, by maker; the summary has no by-site chart. */
	snprintf(cmd, sizeof(cmd), "tests/report/browser.sh %s %s 6 5", bin,
		 cs_test_fixture("report/estate.json"));
	int st = system(cmd);
	REQUIRE(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		return; /* the script said why */
	CHECK_INT(WEXITSTATUS(st), 0);
}
