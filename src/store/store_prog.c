/*
 * store_prog.c - the backend-independent half of the removal programme's record: checks of
 * sites, workflow moves and milestones, and the audit row written in the same transaction as
 * every change. Like the merge rules in store.c, these rules live here so that every backend
 * behaves the same; the backend only moves rows (store_int.h).
 */
#include "store/store_int.h"

#include "common/buf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Site and milestone names, operators, criteria and people are short labels. */
enum { LABEL_MAX = 256, DETAIL_CAP = 8192, MAX_NETWORKS = 4096 };

static int check_label(const char *what, const char *s, bool required, struct cs_err *err)
{
	if (s == NULL || s[0] == '\0')
		return required ? cs_err_set(err, CS_EINVAL, "%s is required", what) : CS_OK;
	size_t n = strnlen(s, LABEL_MAX + 1);
	if (n > LABEL_MAX)
		return cs_err_set(err, CS_ETOOBIG, "%s longer than %d bytes", what, LABEL_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return cs_err_set(err, CS_EINVAL, "%s contains a control character", what);
	return CS_OK;
}

static int check_actor(const struct cs_store_actor *a, bool need_why, struct cs_err *err)
{
	int r;
	if (a == NULL)
		return cs_err_set(err, CS_EINVAL, "who made the change is required");
	if ((r = check_label("who", a->who, true, err)) != CS_OK ||
	    (r = cs_store_check_field("why", a->why, err)) != CS_OK)
		return r;
	if (need_why && (a->why == NULL || a->why[0] == '\0'))
		return cs_err_set(err, CS_EINVAL, "a reason (--why) is required");
	return CS_OK;
}

static int check_site(const struct cs_site *s, struct cs_err *err)
{
	int r;

	if ((r = check_label("site name", s->name, true, err)) != CS_OK ||
	    (r = check_label("operator", s->operator_name, false, err)) != CS_OK ||
	    (r = check_label("criterion", s->criterion, false, err)) != CS_OK)
		return r;
	if (s->sensitivity == NULL ||
	    (strcmp(s->sensitivity, "sensitive") != 0 && strcmp(s->sensitivity, "standard") != 0))
		return cs_err_set(err, CS_EINVAL,
				  "sensitivity must be sensitive:CRITERION or "
				  "standard");
	bool sensitive = strcmp(s->sensitivity, "sensitive") == 0;
	bool has_criterion = s->criterion != NULL && s->criterion[0] != '\0';
	if (sensitive && !has_criterion)
		return cs_err_set(err, CS_EINVAL,
				  "a sensitive site needs its criterion "
				  "(sensitive:CRITERION)");
	if (!sensitive && has_criterion)
		return cs_err_set(err, CS_EINVAL, "a standard site has no criterion");
	if (s->nnetworks > MAX_NETWORKS || (s->nnetworks > 0 && s->networks == NULL))
		return cs_err_set(err, CS_EINVAL, "too many networks (at most %d)", MAX_NETWORKS);
	for (size_t i = 0; i < s->nnetworks; i++) {
		const struct cs_site_network *n = &s->networks[i];
		struct cs_cidr c, o;
		if ((r = cs_cidr_parse(n->cidr, &c, err)) != CS_OK)
			return r;
		if (n->posture == NULL ||
		    (strcmp(n->posture, "core") != 0 && strcmp(n->posture, "segregated") != 0))
			return cs_err_set(err, CS_EINVAL,
					  "network %s: posture must be core or "
					  "segregated",
					  n->cidr);
		for (size_t k = 0; k < i; k++)
			if (cs_cidr_parse(s->networks[k].cidr, &o, NULL) == CS_OK &&
			    o.net == c.net && o.len == c.len)
				return cs_err_set(err, CS_EINVAL, "network %s listed twice",
						  n->cidr);
	}
	return CS_OK;
}

/* Write the audit row of the change in progress (inside the transaction). */
static int audit(struct cs_store *st, const char *now, const struct cs_store_actor *a,
		 const char *object, const char *action, const char *detail, struct cs_err *err)
{
	const struct cs_audit_entry e = {
		.at = now,
		.who = a->who,
		.object = object,
		.action = action,
		.detail = detail,
		.why = a->why != NULL && a->why[0] != '\0' ? a->why : NULL,
	};
	return st->backend->audit_add(st, &e, err);
}

/* "192.0.2.0/24:core 198.51.100.0/25:segregated", as in the CSV export. */
static int networks_text(struct cs_buf *b, const struct cs_site *s)
{
	int r = CS_OK;
	for (size_t i = 0; i < s->nnetworks && r == CS_OK; i++)
		r = cs_buf_printf(b, "%s%s:%s", i ? " " : "", s->networks[i].cidr,
				  s->networks[i].posture);
	return r;
}

static int site_text(struct cs_buf *b, const struct cs_site *s)
{
	int r = cs_buf_printf(b, "operator=%s sensitivity=%s%s%s networks=[",
			      s->operator_name != NULL ? s->operator_name : "", s->sensitivity,
			      s->criterion != NULL ? ":" : "",
			      s->criterion != NULL ? s->criterion : "");
	if (r == CS_OK)
		r = networks_text(b, s);
	return r == CS_OK ? cs_buf_putc(b, ']') : r;
}

int cs_store_site_add(struct cs_store *st, const struct cs_site *s, const struct cs_store_actor *a,
		      int64_t *id, struct cs_err *err)
{
	char now[32], object[LABEL_MAX + 8];
	struct cs_buf detail;
	bool in_tx = false;
	int64_t new_id = 0;
	int r;

	cs_buf_init(&detail, DETAIL_CAP + CS_STORE_MAX_FIELD);
	if ((r = check_site(s, err)) != CS_OK || (r = check_actor(a, false, err)) != CS_OK ||
	    (r = cs_store_now(now, sizeof(now), err)) != CS_OK)
		goto out;
	if ((r = site_text(&detail, s)) != CS_OK) {
		r = cs_err_set(err, r, "too many networks");
		goto out;
	}
	snprintf(object, sizeof(object), "site:%s", s->name);
	if ((r = st->backend->begin(st, err)) != CS_OK)
		goto out;
	in_tx = true;
	if ((r = st->backend->site_insert(st, s, now, &new_id, err)) != CS_OK ||
	    (r = st->backend->site_set_networks(st, new_id, s->networks, s->nnetworks, err)) !=
		    CS_OK ||
	    (r = audit(st, now, a, object, "site.add", detail.data, err)) != CS_OK ||
	    (r = st->backend->commit(st, err)) != CS_OK)
		goto out;
	in_tx = false;
	if (id != NULL)
		*id = new_id;
out:
	if (in_tx)
		st->backend->rollback(st);
	cs_buf_free(&detail);
	return r;
}

/* site_list callback: the old state of a site, as text. */
static int old_site_cb(void *ctx, const struct cs_site *s)
{
	struct cs_buf *b = ctx;
	int r = cs_buf_printf(b, "%s: ", s->name);
	return r == CS_OK ? site_text(b, s) : r;
}

struct site_by_id {
	int64_t id;
	struct cs_buf *text;
	bool found;
};

static int site_by_id_cb(void *ctx, const struct cs_site *s)
{
	struct site_by_id *f = ctx;
	if (s->id != f->id)
		return 0;
	f->found = true;
	int r = old_site_cb(f->text, s);
	return r != CS_OK ? r : 1;
}

int cs_store_site_edit(struct cs_store *st, const struct cs_site *s, const struct cs_store_actor *a,
		       struct cs_err *err)
{
	char now[32], object[LABEL_MAX + 8];
	struct cs_buf detail;
	struct site_by_id f = {.id = s->id, .text = &detail};
	bool in_tx = false;
	int r;

	cs_buf_init(&detail, 2 * (DETAIL_CAP + CS_STORE_MAX_FIELD));
	if ((r = check_site(s, err)) != CS_OK || (r = check_actor(a, false, err)) != CS_OK ||
	    (r = cs_store_now(now, sizeof(now), err)) != CS_OK)
		goto out;
	if ((r = st->backend->begin(st, err)) != CS_OK)
		goto out;
	in_tx = true;
	if ((r = st->backend->site_list(st, NULL, site_by_id_cb, &f, err)) != CS_OK)
		goto out;
	if (!f.found) {
		r = cs_err_set(err, CS_ENOTFOUND, "no site %lld", (long long)s->id);
		goto out;
	}
	if ((r = cs_buf_puts(&detail, " -> ")) != CS_OK || (r = site_text(&detail, s)) != CS_OK) {
		r = cs_err_set(err, r, "too many networks");
		goto out;
	}
	snprintf(object, sizeof(object), "site:%s", s->name);
	if ((r = st->backend->site_update(st, s, err)) != CS_OK ||
	    (r = st->backend->site_set_networks(st, s->id, s->networks, s->nnetworks, err)) !=
		    CS_OK ||
	    (r = audit(st, now, a, object, "site.edit", detail.data, err)) != CS_OK ||
	    (r = st->backend->commit(st, err)) != CS_OK)
		goto out;
	in_tx = false;
out:
	if (in_tx)
		st->backend->rollback(st);
	cs_buf_free(&detail);
	return r;
}

struct found {
	cs_store_site_cb cb;
	void *ctx;
	int64_t id;
	bool hit;
};

static int found_cb(void *ctx, const struct cs_site *s)
{
	struct found *f = ctx;
	f->hit = true;
	f->id = s->id;
	return f->cb != NULL ? f->cb(f->ctx, s) : 0;
}

int cs_store_site_find(struct cs_store *st, const char *name, cs_store_site_cb cb, void *ctx,
		       struct cs_err *err)
{
	struct found f = {.cb = cb, .ctx = ctx};
	int r;

	if (name == NULL)
		return cs_err_set(err, CS_EINVAL, "no site name");
	if ((r = st->backend->site_list(st, name, found_cb, &f, err)) != CS_OK)
		return r;
	return f.hit ? CS_OK : cs_err_set(err, CS_ENOTFOUND, "no site called '%s'", name);
}

int cs_store_list_sites(struct cs_store *st, cs_store_site_cb cb, void *ctx, struct cs_err *err)
{
	return st->backend->site_list(st, NULL, cb, ctx, err);
}

int cs_store_site_attach(struct cs_store *st, int64_t device_id, const char *site_name,
			 const struct cs_store_actor *a, struct cs_err *err)
{
	char now[32], object[32], detail[LABEL_MAX + 64];
	struct found f = {0};
	bool in_tx = false;
	int r;

	if ((r = check_actor(a, false, err)) != CS_OK ||
	    (r = cs_store_now(now, sizeof(now), err)) != CS_OK)
		goto out;
	if ((r = st->backend->begin(st, err)) != CS_OK)
		goto out;
	in_tx = true;
	if (site_name != NULL) {
		if ((r = st->backend->site_list(st, site_name, found_cb, &f, err)) != CS_OK)
			goto out;
		if (!f.hit) {
			r = cs_err_set(err, CS_ENOTFOUND, "no site called '%s'", site_name);
			goto out;
		}
	}
	snprintf(object, sizeof(object), "device:%lld", (long long)device_id);
	snprintf(detail, sizeof(detail),
		 site_name != NULL ? "attached to site %s by hand"
				   : "%sdetached: attached by address",
		 site_name != NULL ? site_name : "");
	if ((r = st->backend->attach(st, device_id, f.id, now, err)) != CS_OK ||
	    (r = audit(st, now, a, object, "site.attach", detail, err)) != CS_OK ||
	    (r = st->backend->commit(st, err)) != CS_OK)
		goto out;
	in_tx = false;
out:
	if (in_tx)
		st->backend->rollback(st);
	return r;
}

int cs_store_list_attachments(struct cs_store *st,
			      int (*cb)(void *ctx, int64_t device_id, int64_t site_id), void *ctx,
			      struct cs_err *err)
{
	return st->backend->attach_list(st, cb, ctx, err);
}

/* --- workflow ------------------------------------------------------------------------------- */

/* The current row, copied out of the callback (strings into a small arena of fixed slots). */
struct current {
	bool found;
	enum cs_wf_state state;
	char date[CS_DATE_LEN], due[CS_DATE_LEN], owner[LABEL_MAX + 1];
	bool has_cost;
	uint64_t cost;
};

static int current_cb(void *ctx, const struct cs_workflow *w)
{
	struct current *c = ctx;
	c->found = true;
	if (cs_wf_lookup(w->state, &c->state) != CS_OK)
		c->state = CS_WF_IDENTIFIED; /* a state this build does not know: treat as new */
	snprintf(c->date, sizeof(c->date), "%s", w->date != NULL ? w->date : "");
	snprintf(c->due, sizeof(c->due), "%s", w->due != NULL ? w->due : "");
	snprintf(c->owner, sizeof(c->owner), "%s", w->owner != NULL ? w->owner : "");
	c->has_cost = w->has_cost;
	c->cost = w->cost;
	return 0;
}

static int check_date(const char *what, const char *d, struct cs_err *err)
{
	if (d == NULL || !cs_date_valid(d))
		return cs_err_set(err, CS_EINVAL, "%s must be a date YYYY-MM-DD", what);
	return CS_OK;
}

/* Check the fields the target state needs. */
static int check_workflow(const struct cs_workflow *w, enum cs_wf_state to,
			  const struct cs_store_actor *a, struct cs_err *err)
{
	int r;

	if ((r = check_date("the date", w->date, err)) != CS_OK ||
	    (r = check_label("owner", w->owner, false, err)) != CS_OK ||
	    (r = check_label("approver", w->approver, false, err)) != CS_OK ||
	    (r = cs_store_check_field("evidence", w->evidence, err)) != CS_OK ||
	    (r = cs_store_check_field("justification", w->justification, err)) != CS_OK)
		return r;
	if (w->due != NULL && (r = check_date("the due date", w->due, err)) != CS_OK)
		return r;
	switch (to) {
	case CS_WF_PLANNED:
		if (w->due == NULL)
			return cs_err_set(err, CS_EINVAL, "a plan needs a due date (--due)");
		if (w->owner == NULL || w->owner[0] == '\0')
			return cs_err_set(err, CS_EINVAL, "a plan needs an owner (--owner)");
		break;
	case CS_WF_REMOVED:
		if (w->evidence == NULL || w->evidence[0] == '\0')
			return cs_err_set(err, CS_EINVAL,
					  "a removal needs the disposal evidence "
					  "reference (--evidence)");
		break;
	case CS_WF_EXEMPT:
		if (w->approver == NULL || w->approver[0] == '\0')
			return cs_err_set(err, CS_EINVAL,
					  "an exemption needs its approver "
					  "(--approver)");
		if ((r = check_date("the expiry (--expires)", w->expires, err)) != CS_OK)
			return r;
		if (strcmp(w->expires, w->date) <= 0)
			return cs_err_set(err, CS_EINVAL,
					  "an exemption must expire after it "
					  "starts (%s)",
					  w->date);
		if (a->why == NULL || a->why[0] == '\0')
			return cs_err_set(err, CS_EINVAL,
					  "an exemption needs its justification "
					  "(--why)");
		break;
	default: break;
	}
	return CS_OK;
}

int cs_store_workflow_set(struct cs_store *st, const struct cs_workflow *w, enum cs_wf_actor by,
			  const struct cs_store_actor *a, struct cs_err *err)
{
	char now[32], object[32];
	struct cs_buf detail;
	struct current cur = {.state = CS_WF_IDENTIFIED};
	struct cs_workflow row;
	enum cs_wf_state to;
	bool in_tx = false;
	int r;

	cs_buf_init(&detail, DETAIL_CAP + 2 * CS_STORE_MAX_FIELD);
	if (w == NULL || cs_wf_lookup(w->state, &to) != CS_OK) {
		r = cs_err_set(err, CS_EINVAL, "unknown workflow state '%s'",
			       w != NULL && w->state != NULL ? w->state : "");
		goto out;
	}
	if ((r = check_actor(a, by == CS_WF_BY_HAND && to != CS_WF_PLANNED, err)) != CS_OK ||
	    (r = check_workflow(w, to, a, err)) != CS_OK ||
	    (r = cs_store_now(now, sizeof(now), err)) != CS_OK)
		goto out;
	if ((r = st->backend->begin(st, err)) != CS_OK)
		goto out;
	in_tx = true;
	if ((r = st->backend->workflow_get(st, w->device_id, current_cb, &cur, err)) != CS_OK ||
	    (r = cs_wf_check(cur.state, to, by, err)) != CS_OK)
		goto out;
	/*
	 * A device's history is in date order: a move dated before the current state's date
	 * would make "the state on date D" (the progress maths) disagree with the current state.
	 */
	if (cur.found && strcmp(w->date, cur.date) < 0) {
		r = cs_err_set(
			err, CS_EINVAL,
			"device %lld has been %s since %s; a later change cannot take effect "
			"earlier (%s)",
			(long long)w->device_id, cs_wf_name(cur.state), cur.date, w->date);
		goto out;
	}
	/* The plan survives later states until a new plan replaces it; the rest is per state. */
	row = *w;
	row.state = cs_wf_name(to);
	if (row.due == NULL && cur.due[0] != '\0')
		row.due = cur.due;
	if (row.owner == NULL && cur.owner[0] != '\0')
		row.owner = cur.owner;
	if (!row.has_cost && cur.has_cost) {
		row.has_cost = true;
		row.cost = cur.cost;
	}
	if (to != CS_WF_REMOVED && to != CS_WF_VERIFIED)
		row.evidence = NULL;
	if (to != CS_WF_EXEMPT)
		row.approver = row.expires = row.justification = NULL;
	else if (row.justification == NULL)
		row.justification = a->why;
	r = cs_buf_printf(&detail, "%s -> %s on %s", cs_wf_name(cur.state), row.state, row.date);
	if (r == CS_OK && to == CS_WF_PLANNED)
		r = cs_buf_printf(&detail, " due=%s owner=%s", row.due, row.owner);
	if (r == CS_OK && to == CS_WF_PLANNED && row.has_cost)
		r = cs_buf_printf(&detail, " cost=%" PRIu64, row.cost);
	if (r == CS_OK && row.evidence != NULL)
		r = cs_buf_printf(&detail, " evidence=%s", row.evidence);
	if (r == CS_OK && to == CS_WF_EXEMPT)
		r = cs_buf_printf(&detail, " approver=%s expires=%s", row.approver, row.expires);
	if (r != CS_OK) {
		r = cs_err_set(err, r, "out of memory");
		goto out;
	}
	snprintf(object, sizeof(object), "device:%lld", (long long)w->device_id);
	if ((r = st->backend->workflow_put(st, &row, now, err)) != CS_OK ||
	    (r = audit(st, now, a, object, "workflow", detail.data, err)) != CS_OK ||
	    (r = st->backend->commit(st, err)) != CS_OK)
		goto out;
	in_tx = false;
out:
	if (in_tx)
		st->backend->rollback(st);
	cs_buf_free(&detail);
	return r;
}

struct wf_once {
	cs_store_workflow_cb cb;
	void *ctx;
	bool hit;
};

static int wf_once_cb(void *ctx, const struct cs_workflow *w)
{
	struct wf_once *o = ctx;
	o->hit = true;
	return o->cb(o->ctx, w);
}

int cs_store_workflow_get(struct cs_store *st, int64_t device_id, cs_store_workflow_cb cb,
			  void *ctx, struct cs_err *err)
{
	struct wf_once o = {.cb = cb, .ctx = ctx};
	int r = st->backend->workflow_get(st, device_id, wf_once_cb, &o, err);
	if (r != CS_OK)
		return r;
	return o.hit ? CS_OK
		     : cs_err_set(err, CS_ENOTFOUND, "device %lld has no workflow state",
				  (long long)device_id);
}

int cs_store_list_workflow(struct cs_store *st, cs_store_workflow_cb cb, void *ctx,
			   struct cs_err *err)
{
	return st->backend->workflow_list(st, cb, ctx, err);
}

int cs_store_list_workflow_events(struct cs_store *st, cs_store_workflow_cb cb, void *ctx,
				  struct cs_err *err)
{
	return st->backend->workflow_events(st, cb, ctx, err);
}

int cs_store_list_audit(struct cs_store *st, const char *object,
			int (*cb)(void *ctx, const struct cs_audit_entry *e), void *ctx,
			struct cs_err *err)
{
	return st->backend->audit_list(st, object, cb, ctx, err);
}

/* --- milestones ----------------------------------------------------------------------------- */

int cs_store_milestone_add(struct cs_store *st, const struct cs_milestone *m,
			   const struct cs_store_actor *a, int64_t *id, struct cs_err *err)
{
	char now[32], object[LABEL_MAX + 16], detail[128];
	bool in_tx = false;
	int64_t new_id = 0;
	int r;

	if ((r = check_actor(a, false, err)) != CS_OK ||
	    (r = check_label("milestone name", m->name, true, err)) != CS_OK ||
	    (r = check_date("the milestone date", m->due, err)) != CS_OK ||
	    (r = cs_store_now(now, sizeof(now), err)) != CS_OK)
		goto out;
	if (m->percent > 100) {
		r = cs_err_set(err, CS_EINVAL, "a milestone's target is 0-100%%");
		goto out;
	}
	if (m->scope == NULL || (strcmp(m->scope, "sensitive") && strcmp(m->scope, "all"))) {
		r = cs_err_set(err, CS_EINVAL, "a milestone's scope is sensitive or all");
		goto out;
	}
	if (m->measure == NULL || (strcmp(m->measure, "sites") && strcmp(m->measure, "devices"))) {
		r = cs_err_set(err, CS_EINVAL, "a milestone is measured by sites or devices");
		goto out;
	}
	snprintf(object, sizeof(object), "milestone:%s", m->name);
	snprintf(detail, sizeof(detail), "%u%% of %s %s by %s", m->percent,
		 strcmp(m->scope, "all") == 0 ? "all" : "sensitive", m->measure, m->due);
	if ((r = st->backend->begin(st, err)) != CS_OK)
		goto out;
	in_tx = true;
	if ((r = st->backend->milestone_insert(st, m, now, &new_id, err)) != CS_OK ||
	    (r = audit(st, now, a, object, "milestone.add", detail, err)) != CS_OK ||
	    (r = st->backend->commit(st, err)) != CS_OK)
		goto out;
	in_tx = false;
	if (id != NULL)
		*id = new_id;
out:
	if (in_tx)
		st->backend->rollback(st);
	return r;
}

int cs_store_list_milestones(struct cs_store *st,
			     int (*cb)(void *ctx, const struct cs_milestone *m), void *ctx,
			     struct cs_err *err)
{
	return st->backend->milestone_list(st, cb, ctx, err);
}

int cs_store_list_regressions(struct cs_store *st,
			      int (*cb)(void *ctx, const struct cs_regression *g), void *ctx,
			      struct cs_err *err)
{
	return st->backend->regressions(st, cb, ctx, err);
}
