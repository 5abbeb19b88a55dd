/*
 * programme.c - the removal programme's rules (see programme.h and docs/programme.md): the
 * workflow transition table, dates, CIDR matching, verification by later scans and milestone
 * progress. No I/O and no clock.
 */
#include "programme/programme.h"

#include "scan/targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[CS_WF_COUNT] = {
	[CS_WF_IDENTIFIED] = "identified",     [CS_WF_PLANNED] = "planned",
	[CS_WF_DISCONNECTED] = "disconnected", [CS_WF_REMOVED] = "removed",
	[CS_WF_VERIFIED] = "verified",	       [CS_WF_EXEMPT] = "exempt",
};

const char *cs_wf_name(enum cs_wf_state s)
{
	return (unsigned)s < CS_WF_COUNT ? state_names[s] : "?";
}

int cs_wf_lookup(const char *name, enum cs_wf_state *out)
{
	for (int i = 0; name != NULL && i < CS_WF_COUNT; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum cs_wf_state)i;
			return CS_OK;
		}
	}
	return CS_EINVAL;
}

/*
 * The moves a person may make (rows: from, columns: to). Re-planning and renewing an exemption
 * are moves to the same state; every other same-state move is refused as a no-op that would
 * only clutter the audit log. A removed or verified device can only go back to identified
 * (it came back, or was never really removed) or be exempted; it cannot be "disconnected".
 * Nobody marks a device verified by hand: only the scans can (see cs_verify_removed).
 */
static const bool by_hand[CS_WF_COUNT][CS_WF_COUNT] = {
	[CS_WF_IDENTIFIED] = {[CS_WF_PLANNED] = true,
			      [CS_WF_DISCONNECTED] = true,
			      [CS_WF_REMOVED] = true,
			      [CS_WF_EXEMPT] = true},
	[CS_WF_PLANNED] = {[CS_WF_IDENTIFIED] = true,
			   [CS_WF_PLANNED] = true,
			   [CS_WF_DISCONNECTED] = true,
			   [CS_WF_REMOVED] = true,
			   [CS_WF_EXEMPT] = true},
	[CS_WF_DISCONNECTED] = {[CS_WF_IDENTIFIED] = true,
				[CS_WF_PLANNED] = true,
				[CS_WF_REMOVED] = true,
				[CS_WF_EXEMPT] = true},
	[CS_WF_REMOVED] = {[CS_WF_IDENTIFIED] = true, [CS_WF_EXEMPT] = true},
	[CS_WF_VERIFIED] = {[CS_WF_IDENTIFIED] = true, [CS_WF_EXEMPT] = true},
	[CS_WF_EXEMPT] = {[CS_WF_IDENTIFIED] = true,
			  [CS_WF_PLANNED] = true,
			  [CS_WF_DISCONNECTED] = true,
			  [CS_WF_REMOVED] = true,
			  [CS_WF_EXEMPT] = true},
};

int cs_wf_check(enum cs_wf_state from, enum cs_wf_state to, enum cs_wf_actor by, struct cs_err *err)
{
	if ((unsigned)from >= CS_WF_COUNT || (unsigned)to >= CS_WF_COUNT)
		return cs_err_set(err, CS_EINVAL, "unknown workflow state");
	if (by == CS_WF_BY_SCANS) {
		if (from == CS_WF_REMOVED && to == CS_WF_VERIFIED)
			return CS_OK;
		return cs_err_set(err, CS_EINVAL, "scans can only verify a removed device");
	}
	if (to == CS_WF_VERIFIED)
		return cs_err_set(err, CS_EINVAL,
				  "a device is verified only by scans that no longer see it "
				  "(camsweep verify), not by hand");
	if (!by_hand[from][to])
		return cs_err_set(err, CS_EINVAL, "a device that is %s cannot become %s%s",
				  cs_wf_name(from), cs_wf_name(to), from == to ? " again" : "");
	return CS_OK;
}

bool cs_wf_done(enum cs_wf_state s, const char *expires, const char *asof)
{
	switch (s) {
	case CS_WF_REMOVED:
	case CS_WF_VERIFIED: return true;
	case CS_WF_EXEMPT: return expires != NULL && asof != NULL && strcmp(expires, asof) > 0;
	default: return false;
	}
}

/* --- dates ---------------------------------------------------------------------------------- */

static int digits(const char *s, size_t n, unsigned *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return CS_EINVAL;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return CS_OK;
}

static bool date_prefix_valid(const char *s)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, m, d;

	if (s == NULL || strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) != CS_OK || digits(s + 5, 2, &m) != CS_OK ||
	    digits(s + 8, 2, &d) != CS_OK)
		return false;
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool cs_date_valid(const char *s)
{
	return date_prefix_valid(s) && s[10] == '\0';
}

int cs_date_of(const char *iso, char out[CS_DATE_LEN])
{
	if (!date_prefix_valid(iso))
		return CS_EINVAL;
	memcpy(out, iso, 10);
	out[10] = '\0';
	return CS_OK;
}

/* --- networks ------------------------------------------------------------------------------- */

int cs_ipv4_parse(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	if (s == NULL)
		return CS_EPARSE;
	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		size_t n = 0;
		while (s[n] >= '0' && s[n] <= '9' && n < 4)
			v = v * 10 + (unsigned)(s[n++] - '0');
		/* 1-3 digits, no leading zero (010 means 8 to inet_aton and 10 to others) */
		if (n == 0 || n > 3 || v > 255 || (n > 1 && s[0] == '0'))
			return CS_EPARSE;
		a = a << 8 | v;
		s += n;
		if (i < 3 && *s++ != '.')
			return CS_EPARSE;
	}
	if (*s != '\0')
		return CS_EPARSE;
	*out = a;
	return CS_OK;
}

static uint32_t prefix_mask(unsigned len)
{
	return len == 0 ? 0 : ~(uint32_t)0 << (32 - len);
}

char *cs_cidr_format(struct cs_cidr c, char *out)
{
	snprintf(out, 19, "%u.%u.%u.%u/%u", c.net >> 24, (c.net >> 16) & 255, (c.net >> 8) & 255,
		 c.net & 255, c.len);
	return out;
}

int cs_cidr_parse(const char *s, struct cs_cidr *out, struct cs_err *err)
{
	char addr[CS_IPV4_STRLEN];
	unsigned len = 32;
	uint32_t a;
	const char *slash = s != NULL ? strchr(s, '/') : NULL;
	size_t n = s == NULL ? 0 : slash != NULL ? (size_t)(slash - s) : strlen(s);

	if (s == NULL || n == 0 || n >= sizeof(addr))
		return cs_err_set(err, CS_EPARSE, "'%s' is not a network (a.b.c.d/len)",
				  s != NULL ? s : "");
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (cs_ipv4_parse(addr, &a) != CS_OK)
		return cs_err_set(err, CS_EPARSE, "'%s' is not a network (a.b.c.d/len)", s);
	if (slash != NULL) {
		const char *p = slash + 1;
		size_t dn = strlen(p);
		if (dn == 0 || dn > 2 || digits(p, dn, &len) != CS_OK || len > 32 ||
		    (dn == 2 && p[0] == '0'))
			return cs_err_set(err, CS_EPARSE, "'%s': the prefix length must be 0-32",
					  s);
	}
	if ((a & ~prefix_mask(len)) != 0) {
		char want[20];
		struct cs_cidr c = {a & prefix_mask(len), len};
		return cs_err_set(err, CS_EPARSE, "'%s' has host bits set (did you mean %s?)", s,
				  cs_cidr_format(c, want));
	}
	out->net = a;
	out->len = len;
	return CS_OK;
}

bool cs_cidr_contains(struct cs_cidr c, uint32_t addr)
{
	return (addr & prefix_mask(c.len)) == c.net;
}

long cs_cidr_best(const struct cs_cidr *nets, size_t n, uint32_t addr)
{
	long best = -1;
	for (size_t i = 0; i < n; i++)
		if (cs_cidr_contains(nets[i], addr) && (best < 0 || nets[i].len > nets[best].len))
			best = (long)i;
	return best;
}

/* --- verification --------------------------------------------------------------------------- */

int cs_verify_scan_parse(const struct cs_verify_scan *s, struct cs_targets *t)
{
	char spec[4096];
	const char *p = s->targets;
	int r = CS_OK;

	cs_targets_init(t);
	while (p != NULL && *p != '\0' && r == CS_OK) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n == 0)
			break;
		if (n >= sizeof(spec)) {
			r = CS_EPARSE;
			break;
		}
		memcpy(spec, p, n);
		spec[n] = '\0';
		p += n;
		if (strncmp(spec, "-iL:", 4) != 0)
			r = cs_targets_add(t, spec, NULL);
	}
	if (r == CS_OK && s->excludes != NULL && s->excludes[0] != '\0')
		r = cs_targets_exclude(t, s->excludes, NULL);
	return r;
}

/*
 * Whether the scan's recorded targets (minus its exclusions) contain addr. Specs from files
 * ("-iL:FILE") are skipped; a spec that no longer parses makes the scan count as not covering.
 */
static bool scan_covers(const struct cs_verify_scan *s, uint32_t addr)
{
	struct cs_targets t;
	bool covers;

	if (s->parsed != NULL)
		return cs_targets_contains(s->parsed, addr);
	if (s->parse_failed)
		return false;
	covers = cs_verify_scan_parse(s, &t) == CS_OK && cs_targets_contains(&t, addr);
	cs_targets_free(&t);
	return covers;
}

int cs_verify_removed(const char *removed_on, const char *address,
		      const struct cs_verify_scan *scans, size_t n, unsigned need,
		      struct cs_verify_outcome *out, struct cs_err *err)
{
	char day[CS_DATE_LEN];
	uint32_t addr = 0;
	bool have_addr = address != NULL && cs_ipv4_parse(address, &addr) == CS_OK;

	memset(out, 0, sizeof(*out));
	if (removed_on == NULL || !cs_date_valid(removed_on))
		return cs_err_set(err, CS_EINVAL, "bad removal date");
	if (need == 0)
		return cs_err_set(err, CS_EINVAL, "at least one scan is needed to verify");
	for (size_t i = 0; i < n; i++) {
		const struct cs_verify_scan *s = &scans[i];
		if (cs_date_of(s->started, day) != CS_OK || strcmp(day, removed_on) <= 0)
			continue;
		if (s->saw_device) {
			out->result = CS_VERIFY_REGRESSED;
			out->evidence_id = s->id;
			return CS_OK;
		}
		if (s->status == NULL || strcmp(s->status, "done") != 0 || !have_addr)
			continue;
		if (out->absent < need && scan_covers(s, addr) && ++out->absent == need)
			out->evidence_id = s->id;
	}
	out->result = out->absent >= need ? CS_VERIFY_VERIFIED : CS_VERIFY_PENDING;
	return CS_OK;
}

/* --- milestones ----------------------------------------------------------------------------- */

enum cs_wf_state cs_prog_state_at(const struct cs_prog_device *d, const char *asof,
				  const char **expires)
{
	enum cs_wf_state s = CS_WF_IDENTIFIED;
	*expires = NULL;
	for (size_t i = 0; i < d->nevents; i++) {
		if (strcmp(d->events[i].date, asof) > 0)
			continue; /* events may be recorded late with an earlier date: keep looking */
		s = d->events[i].state;
		*expires = d->events[i].expires;
	}
	return s;
}

/*
 * Whether d was known on asof: first recorded by then, or with a workflow event dated by then
 * (an estate recorded after the fact, with plans and removals dated earlier, still counts from
 * its first event).
 */
static bool known_by(const struct cs_prog_device *d, const char *asof, char day[CS_DATE_LEN])
{
	if (cs_date_of(d->first_seen, day) == CS_OK && strcmp(day, asof) <= 0)
		return true;
	for (size_t i = 0; i < d->nevents; i++)
		if (strcmp(d->events[i].date, asof) <= 0)
			return true;
	return false;
}

int cs_prog_measure(const struct cs_prog_site *sites, size_t nsites,
		    const struct cs_prog_device *devs, size_t ndevs, bool sensitive_only,
		    const char *asof, struct cs_progress *out)
{
	/* Per site: no covered device yet, affected and all done so far, or some not done. */
	enum { UNAFFECTED, ALL_DONE, OPEN };
	unsigned char *site_state = NULL;
	char day[CS_DATE_LEN];

	memset(out, 0, sizeof(*out));
	if (!cs_date_valid(asof))
		return CS_EINVAL;
	if (nsites > 0 && (site_state = calloc(nsites, 1)) == NULL)
		return CS_ENOMEM;
	for (size_t i = 0; i < ndevs; i++) {
		const struct cs_prog_device *d = &devs[i];
		bool attached = d->site >= 0 && (size_t)d->site < nsites;
		if (!d->covered || !known_by(d, asof, day))
			continue;
		if (sensitive_only && !(attached && sites[d->site].sensitive))
			continue;
		const char *expires;
		enum cs_wf_state s = cs_prog_state_at(d, asof, &expires);
		bool done = cs_wf_done(s, expires, asof);
		out->devices++;
		out->devices_done += done ? 1 : 0;
		if (attached) {
			unsigned char *ss = &site_state[d->site];
			*ss = !done ? OPEN : *ss == UNAFFECTED ? ALL_DONE : *ss;
		}
	}
	for (size_t k = 0; k < nsites; k++) {
		if (sensitive_only && !sites[k].sensitive)
			continue;
		if (site_state[k] == UNAFFECTED)
			out->sites_unaffected++;
		else
			out->sites_affected++;
		if (site_state[k] == ALL_DONE)
			out->sites_done++;
	}
	free(site_state);
	return CS_OK;
}

int cs_prog_percent(unsigned done, unsigned total)
{
	return total == 0 ? -1 : (int)((uint64_t)done * 100 / total);
}
