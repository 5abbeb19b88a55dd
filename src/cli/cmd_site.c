/*
 * cmd_site.c - `camsweep site`: the register of sites (name, operator, sensitivity and the
 * criterion that makes a site sensitive, networks and whether each is core or segregated),
 * CSV import and export, and attaching a device to a site by hand.
 *
 * Devices belong to a site by address (the site network that holds the address with the
 * longest prefix) unless attached by hand (programme/estate.h). Every change is written to the
 * audit log with who made it ($CAMSWEEP_USER or the login name).
 */
#include "cli/cli.h"
#include "cli/prog_cli.h"
#include "common/json.h"
#include "programme/estate.h"
#include "report/csv.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: camsweep site add NAME --sensitivity sensitive:CRITERION|standard\n"
	"                         [--operator O] [--network CIDR:core|segregated ...]\n"
	"       camsweep site list [--format table|json|csv]\n"
	"       camsweep site show NAME [--format table|json]\n"
	"       camsweep site edit NAME [--name NEW] [--operator O] [--sensitivity S]\n"
	"                         [--network CIDR:POSTURE ...] [--add-network CIDR:POSTURE ...]\n"
	"                         [--remove-network CIDR ...] [--why TEXT]\n"
	"       camsweep site import FILE.csv [--why TEXT]\n"
	"       camsweep site export\n"
	"       camsweep site attach NAME DEVICE_ID [--why TEXT]\n"
	"       camsweep site detach DEVICE_ID [--why TEXT]\n"
	"\n"
	"The sites of the removal programme. A site has an operator (department, force,\n"
	"landlord or contractor), a sensitivity (sensitive, with the criterion that makes it so,\n"
	"e.g. secret-material, dv-population, ministerial, socpa; or standard) and networks, each\n"
	"core (a departmental core network) or segregated.\n"
	"\n"
	"A device belongs to the site whose network holds its address (the longest prefix wins),\n"
	"unless it was attached by hand with `site attach`, which overrides the address;\n"
	"`site detach` goes back to the address.\n"
	"\n"
	"edit: --network replaces all networks; --add-network and --remove-network change some.\n"
	"import/export: CSV with the header name,operator,sensitivity,criterion,networks where\n"
	"networks is \"CIDR:POSTURE CIDR:POSTURE ...\". Import adds new sites and updates\n"
	"existing ones (by name); unchanged rows are left alone.\n"
	"\n"
	"Options:\n"
	"  --db PATH         the inventory (default: the global --db, $CAMSWEEP_DB, or the XDG "
	"path)\n"
	"  --format FORMAT   table (default), json or csv\n"
	"  --why TEXT        the reason, recorded in the audit log\n"
	"\n"
	"Examples:\n"
	"  camsweep site add 'HQ London' --operator 'Cabinet Office' \\\n"
	"      --sensitivity sensitive:ministerial --network 192.0.2.0/24:core \\\n"
	"      --network 198.51.100.0/25:segregated\n"
	"  camsweep site export > sites.csv; camsweep site import sites.csv\n"
	"  camsweep site attach 'HQ London' 42 --why 'camera on the roof, NATed address'\n"
	"\n"
	"Exit status: 0 done, 1 refused or failed (message says why), 2 usage error.\n";

#define PROG "camsweep site"

/* An editable copy of a site. */
struct site_copy {
	char *name, *operator_name, *sensitivity, *criterion;
	char **cidr, **posture;
	size_t n, alloc;
	int64_t id;
};

static void site_copy_free(struct site_copy *c)
{
	free(c->name);
	free(c->operator_name);
	free(c->sensitivity);
	free(c->criterion);
	for (size_t i = 0; i < c->n; i++) {
		free(c->cidr[i]);
		free(c->posture[i]);
	}
	free(c->cidr);
	free(c->posture);
	memset(c, 0, sizeof(*c));
}

static int set_str(char **dst, const char *s)
{
	char *d = NULL;
	if (s != NULL && (d = strdup(s)) == NULL)
		return CS_ENOMEM;
	free(*dst);
	*dst = d;
	return CS_OK;
}

static int add_net(struct site_copy *c, const char *cidr, const char *posture)
{
	if (c->n == c->alloc) {
		size_t want = c->alloc ? c->alloc * 2 : 4;
		char **a = reallocarray(c->cidr, want, sizeof(*a));
		if (a == NULL)
			return CS_ENOMEM;
		c->cidr = a;
		char **b = reallocarray(c->posture, want, sizeof(*b));
		if (b == NULL)
			return CS_ENOMEM;
		c->posture = b;
		c->alloc = want;
	}
	c->cidr[c->n] = c->posture[c->n] = NULL;
	if (set_str(&c->cidr[c->n], cidr) != CS_OK || set_str(&c->posture[c->n], posture)) {
		free(c->cidr[c->n]);
		return CS_ENOMEM;
	}
	c->n++;
	return CS_OK;
}

static void remove_net(struct site_copy *c, size_t i)
{
	free(c->cidr[i]);
	free(c->posture[i]);
	memmove(&c->cidr[i], &c->cidr[i + 1], (c->n - i - 1) * sizeof(*c->cidr));
	memmove(&c->posture[i], &c->posture[i + 1], (c->n - i - 1) * sizeof(*c->posture));
	c->n--;
}

static int copy_cb(void *ctx, const struct cs_site *s)
{
	struct site_copy *c = ctx;
	int r;
	c->id = s->id;
	if ((r = set_str(&c->name, s->name)) ||
	    (r = set_str(&c->operator_name, s->operator_name)) ||
	    (r = set_str(&c->sensitivity, s->sensitivity)) ||
	    (r = set_str(&c->criterion, s->criterion)))
		return r;
	for (size_t i = 0; i < s->nnetworks; i++)
		if ((r = add_net(c, s->networks[i].cidr, s->networks[i].posture)) != CS_OK)
			return r;
	return 0;
}

/* "sensitive:CRITERION" or "standard" into c. */
static int parse_sensitivity(struct site_copy *c, const char *s, struct cs_err *err)
{
	if (strcmp(s, "standard") == 0)
		return set_str(&c->sensitivity, "standard") || set_str(&c->criterion, NULL)
			       ? CS_ENOMEM
			       : CS_OK;
	if (strncmp(s, "sensitive:", 10) == 0 && s[10] != '\0')
		return set_str(&c->sensitivity, "sensitive") || set_str(&c->criterion, s + 10)
			       ? CS_ENOMEM
			       : CS_OK;
	return cs_err_set(err, CS_EINVAL,
			  "--sensitivity '%s': use sensitive:CRITERION (e.g. "
			  "sensitive:secret-material) or standard",
			  s);
}

/* Normalise a CIDR (so "192.0.2.0/24" and a /32 written bare compare equal). */
static int norm_cidr(const char *in, char out[20], struct cs_err *err)
{
	struct cs_cidr c;
	int r = cs_cidr_parse(in, &c, err);
	if (r == CS_OK)
		cs_cidr_format(c, out);
	return r;
}

/* "CIDR:core|segregated" appended to c. */
static int parse_network(struct site_copy *c, const char *s, struct cs_err *err)
{
	char cidr[64], norm[20];
	const char *colon = strrchr(s, ':');
	size_t n = colon != NULL ? (size_t)(colon - s) : 0;
	int r;

	if (colon == NULL || n == 0 || n >= sizeof(cidr) ||
	    (strcmp(colon + 1, "core") != 0 && strcmp(colon + 1, "segregated") != 0))
		return cs_err_set(err, CS_EINVAL,
				  "network '%s': use CIDR:core or CIDR:segregated (e.g. "
				  "192.0.2.0/24:segregated)",
				  s);
	memcpy(cidr, s, n);
	cidr[n] = '\0';
	if ((r = norm_cidr(cidr, norm, err)) != CS_OK)
		return r;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->cidr[i], norm) == 0)
			return cs_err_set(err, CS_EINVAL, "network %s given twice", norm);
	return add_net(c, norm, colon + 1);
}

/* A view of c for the store; nets must hold c->n entries. */
static struct cs_site view(const struct site_copy *c, struct cs_site_network *nets)
{
	for (size_t i = 0; i < c->n; i++)
		nets[i] = (struct cs_site_network){c->cidr[i], c->posture[i]};
	return (struct cs_site){
		.id = c->id,
		.name = c->name,
		.operator_name = c->operator_name,
		.sensitivity = c->sensitivity,
		.criterion = c->criterion,
		.networks = nets,
		.nnetworks = c->n,
	};
}

static bool same_str(const char *a, const char *b)
{
	if (a == NULL || a[0] == '\0' || b == NULL || b[0] == '\0')
		return (a == NULL || a[0] == '\0') && (b == NULL || b[0] == '\0');
	return strcmp(a, b) == 0;
}

static bool same_site(const struct site_copy *a, const struct site_copy *b)
{
	if (!same_str(a->name, b->name) || !same_str(a->operator_name, b->operator_name) ||
	    !same_str(a->sensitivity, b->sensitivity) || !same_str(a->criterion, b->criterion) ||
	    a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->cidr[i], b->cidr[i]) != 0 ||
		    strcmp(a->posture[i], b->posture[i]) != 0)
			return false;
	return true;
}

/* Save c: add (c->id 0) or edit. */
static int save(struct cs_store *st, const struct site_copy *c, const char *why, struct cs_err *err)
{
	struct cs_site_network *nets = calloc(c->n + 1, sizeof(*nets));
	const struct cs_store_actor a = {.who = cs_cli_who(), .why = why};
	int r;

	if (nets == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	struct cs_site s = view(c, nets);
	r = c->id == 0 ? cs_store_site_add(st, &s, &a, NULL, err)
		       : cs_store_site_edit(st, &s, &a, err);
	free(nets);
	return r;
}

/* --- output ----------------------------------------------------------------------------- */

static int networks_joined(struct cs_buf *b, const struct cs_site *s)
{
	int r = CS_OK;
	for (size_t i = 0; i < s->nnetworks && r == CS_OK; i++)
		r = cs_buf_printf(b, "%s%s:%s", i ? " " : "", s->networks[i].cidr,
				  s->networks[i].posture);
	if (r == CS_OK && b->data == NULL)
		r = cs_buf_puts(b, "");
	return r;
}

struct out {
	enum cs_cli_format fmt;
	struct cs_buf buf;
	struct cs_json json;
	char **cells;
	size_t ncells, alloc;
	int err;
};

enum { NCOLS = 6 };

static int push_cell(struct out *o, char *s)
{
	if (s == NULL)
		return CS_ENOMEM;
	if (o->ncells == o->alloc) {
		size_t want = o->alloc ? o->alloc * 2 : 64;
		char **p = reallocarray(o->cells, want, sizeof(*p));
		if (p == NULL) {
			free(s);
			return CS_ENOMEM;
		}
		o->cells = p;
		o->alloc = want;
	}
	o->cells[o->ncells++] = s;
	return CS_OK;
}

static void site_json(struct cs_json *j, const struct cs_site *s)
{
	cs_json_obj_begin(j);
	cs_json_key(j, "id");
	cs_json_int(j, s->id);
	cs_json_key(j, "name");
	cs_json_str(j, s->name);
	cs_json_key(j, "operator");
	cs_json_str(j, s->operator_name);
	cs_json_key(j, "sensitivity");
	cs_json_str(j, s->sensitivity);
	cs_json_key(j, "criterion");
	cs_json_str(j, s->criterion);
	cs_json_key(j, "created");
	cs_json_str(j, s->created);
	cs_json_key(j, "networks");
	cs_json_arr_begin(j);
	for (size_t i = 0; i < s->nnetworks; i++) {
		cs_json_obj_begin(j);
		cs_json_key(j, "cidr");
		cs_json_str(j, s->networks[i].cidr);
		cs_json_key(j, "posture");
		cs_json_str(j, s->networks[i].posture);
		cs_json_obj_end(j);
	}
	cs_json_arr_end(j);
}

static int list_cb(void *ctx, const struct cs_site *s)
{
	struct out *o = ctx;
	struct cs_buf nets;
	char id[24];
	int r = CS_OK;

	cs_buf_init(&nets, 1 << 20);
	switch (o->fmt) {
	case CS_FMT_JSON:
		site_json(&o->json, s);
		cs_json_obj_end(&o->json);
		r = o->json.err;
		break;
	case CS_FMT_CSV:
		if ((r = networks_joined(&nets, s)) != CS_OK ||
		    (r = cs_csv_cell(&o->buf, s->name, true)) != CS_OK ||
		    (r = cs_csv_cell(&o->buf, s->operator_name, false)) != CS_OK ||
		    (r = cs_csv_cell(&o->buf, s->sensitivity, false)) != CS_OK ||
		    (r = cs_csv_cell(&o->buf, s->criterion, false)) != CS_OK ||
		    (r = cs_csv_cell(&o->buf, nets.data, false)) != CS_OK ||
		    (r = cs_buf_puts(&o->buf, "\r\n")) != CS_OK)
			break;
		break;
	case CS_FMT_TABLE:
		snprintf(id, sizeof(id), "%lld", (long long)s->id);
		if ((r = networks_joined(&nets, s)) != CS_OK ||
		    (r = push_cell(o, strdup(id))) != CS_OK ||
		    (r = push_cell(o, cs_cli_safe_dup(s->name, 40))) != CS_OK ||
		    (r = push_cell(o, cs_cli_safe_dup(s->operator_name, 30))) != CS_OK ||
		    (r = push_cell(o, cs_cli_safe_dup(s->sensitivity, 10))) != CS_OK ||
		    (r = push_cell(o, cs_cli_safe_dup(s->criterion, 24))) != CS_OK ||
		    (r = push_cell(o, cs_cli_safe_dup(nets.data, 200))) != CS_OK)
			break;
		break;
	}
	cs_buf_free(&nets);
	if (r == CS_OK && o->buf.len > 0) {
		fwrite(o->buf.data, 1, o->buf.len, stdout);
		cs_buf_reset(&o->buf);
	}
	return r;
}

static const char *const csv_header[] = {"name", "operator", "sensitivity", "criterion",
					 "networks"};

static int do_list(struct cs_store *st, enum cs_cli_format fmt, struct cs_err *err)
{
	static const char *const titles[NCOLS] = {"ID",		 "NAME",      "OPERATOR",
						  "SENSITIVITY", "CRITERION", "NETWORKS"};
	struct out o = {.fmt = fmt};
	int r;

	cs_buf_init(&o.buf, 1 << 24);
	if (fmt == CS_FMT_JSON) {
		cs_json_init(&o.json, &o.buf, true);
		cs_json_arr_begin(&o.json);
	} else if (fmt == CS_FMT_CSV) {
		for (size_t i = 0; i < CS_ARRAY_SIZE(csv_header); i++)
			cs_csv_cell(&o.buf, csv_header[i], i == 0);
		cs_buf_puts(&o.buf, "\r\n");
	}
	if ((r = cs_store_list_sites(st, list_cb, &o, err)) != CS_OK)
		goto out;
	if (fmt == CS_FMT_JSON) {
		cs_json_arr_end(&o.json);
		if ((r = cs_json_end(&o.json)) != CS_OK)
			goto out;
		cs_buf_putc(&o.buf, '\n');
	}
	if (o.buf.len > 0)
		fwrite(o.buf.data, 1, o.buf.len, stdout);
	if (fmt == CS_FMT_TABLE)
		cs_cli_table(stdout, titles, NCOLS, o.cells, o.ncells / NCOLS);
	r = CS_OK;
out:
	if (r != CS_OK && err->msg[0] == '\0')
		cs_err_set(err, r, "%s", cs_strerror(r));
	for (size_t i = 0; i < o.ncells; i++)
		free(o.cells[i]);
	free(o.cells);
	cs_buf_free(&o.buf);
	return r;
}

/* site show: the site and the devices that belong to it, with their workflow state. */
struct show {
	const struct cs_estate *e;
	long site;
	struct cs_store *st;
	enum cs_cli_format fmt;
	struct cs_json *j;
	unsigned n;
};

static int wf_state_cb(void *ctx, const struct cs_workflow *w)
{
	char *state = ctx;
	snprintf(state, 16, "%s", w->state);
	return 0;
}

static int show_dev_cb(void *ctx, const struct cs_stored_device *d)
{
	struct show *s = ctx;
	bool by_hand = false, core = false;
	char state[16] = "identified";

	if (cs_estate_site_of(s->e, d->id, d->dev.address, &by_hand, &core) != s->site)
		return 0;
	(void)cs_store_workflow_get(s->st, d->id, wf_state_cb, state, NULL);
	s->n++;
	if (s->fmt == CS_FMT_JSON) {
		cs_json_obj_begin(s->j);
		cs_json_key(s->j, "id");
		cs_json_int(s->j, d->id);
		cs_json_key(s->j, "manufacturer");
		cs_json_str(s->j, d->dev.manufacturer);
		cs_json_key(s->j, "address");
		cs_json_str(s->j, d->dev.address);
		cs_json_key(s->j, "covered");
		cs_json_bool(s->j, d->dev.covered);
		cs_json_key(s->j, "attached");
		cs_json_str(s->j, by_hand ? "by_hand" : "by_address");
		cs_json_key(s->j, "core_network");
		cs_json_bool(s->j, core);
		cs_json_key(s->j, "state");
		cs_json_str(s->j, state);
		cs_json_obj_end(s->j);
		return s->j->err;
	}
	printf("  %-6lld ", (long long)d->id);
	cs_cli_print_safe(stdout, d->dev.manufacturer, 20);
	fputs("  ", stdout);
	cs_cli_print_safe(stdout, d->dev.address, 40);
	printf("  %s  %s%s  %s\n", d->dev.covered ? "covered" : "not-covered",
	       by_hand ? "by-hand" : "by-address", core ? " (core network)" : "", state);
	return 0;
}

static int show_site_cb(void *ctx, const struct cs_site *site)
{
	struct show *s = ctx;
	for (size_t i = 0; i < s->e->nsites; i++)
		if (s->e->sites[i].id == site->id)
			s->site = (long)i;
	if (s->fmt == CS_FMT_JSON) {
		site_json(s->j, site);
		return s->j->err;
	}
	fputs("site         ", stdout);
	cs_cli_print_safe(stdout, site->name, 200);
	fputs("\noperator     ", stdout);
	cs_cli_print_safe(stdout, site->operator_name, 200);
	fputs("\nsensitivity  ", stdout);
	cs_cli_print_safe(stdout, site->sensitivity, 20);
	if (site->criterion != NULL) {
		fputs(" (", stdout);
		cs_cli_print_safe(stdout, site->criterion, 100);
		fputs(")", stdout);
	}
	printf("\ncreated      %s\nnetworks\n", site->created);
	for (size_t i = 0; i < site->nnetworks; i++)
		printf("  %s  %s\n", site->networks[i].cidr, site->networks[i].posture);
	return 0;
}

static int do_show(struct cs_store *st, const char *name, enum cs_cli_format fmt,
		   struct cs_err *err)
{
	struct cs_estate e;
	struct cs_buf buf;
	struct cs_json j;
	struct show s = {.e = &e, .site = -1, .st = st, .fmt = fmt, .j = &j};
	int r;

	cs_buf_init(&buf, 1 << 26);
	cs_json_init(&j, &buf, true);
	if ((r = cs_estate_load(&e, st, err)) != CS_OK)
		goto done;
	if ((r = cs_store_site_find(st, name, show_site_cb, &s, err)) != CS_OK)
		goto out;
	if (fmt == CS_FMT_JSON) {
		cs_json_key(&j, "devices");
		cs_json_arr_begin(&j);
	} else {
		puts("devices");
	}
	if ((r = cs_store_list_devices(st, NULL, show_dev_cb, &s, err)) != CS_OK)
		goto out;
	if (fmt == CS_FMT_JSON) {
		cs_json_arr_end(&j);
		cs_json_obj_end(&j);
		if ((r = cs_json_end(&j)) != CS_OK)
			goto out;
		fwrite(buf.data, 1, buf.len, stdout);
		putchar('\n');
	} else if (s.n == 0) {
		puts("  (none)");
	}
out:
	cs_estate_free(&e);
done:
	cs_buf_free(&buf);
	return r;
}

/* --- import ------------------------------------------------------------------------------- */

static int do_import(struct cs_store *st, const char *path, const char *why, struct cs_err *err)
{
	struct cs_buf file;
	struct cs_csv_row row = {0};
	unsigned added = 0, updated = 0, same = 0, line = 1;
	int r;

	cs_buf_init(&file, 64 << 20);
	if ((r = cs_buf_read_file(&file, path)) != CS_OK) {
		r = cs_err_set(err, r, "cannot read %s", path);
		goto out;
	}
	const char *p = file.data != NULL ? file.data : "";
	if ((r = cs_cli_csv_row(&p, &row, err)) != CS_OK)
		goto bad;
	bool header_ok = row.n == CS_ARRAY_SIZE(csv_header);
	for (size_t i = 0; header_ok && i < row.n; i++)
		header_ok = strcmp(row.f[i], csv_header[i]) == 0;
	if (!header_ok) {
		r = cs_err_set(err, CS_EPARSE,
			       "%s: the first line must be name,operator,sensitivity,criterion,"
			       "networks",
			       path);
		goto out;
	}
	while (*p != '\0') {
		struct site_copy want = {0}, have = {0};
		line++;
		if ((r = cs_cli_csv_row(&p, &row, err)) != CS_OK)
			goto bad;
		if (row.n == 1 && row.f[0][0] == '\0')
			continue; /* blank line */
		if (row.n != CS_ARRAY_SIZE(csv_header)) {
			r = cs_err_set(err, CS_EPARSE, "%zu fields, expected 5", row.n);
			goto bad;
		}
		/* A spreadsheet's defused formula ('=x) comes back without its apostrophe. */
		for (size_t i = 0; i < row.n; i++)
			if (row.f[i][0] == '\'' && row.f[i][1] != '\0' &&
			    strchr("=+-@\t\r", row.f[i][1]) != NULL)
				memmove(row.f[i], row.f[i] + 1, strlen(row.f[i]));
		char sens[512];
		snprintf(sens, sizeof(sens), "%s%s%s", row.f[2], row.f[3][0] ? ":" : "", row.f[3]);
		if ((r = set_str(&want.name, row.f[0])) != CS_OK ||
		    (r = set_str(&want.operator_name, row.f[1][0] ? row.f[1] : NULL)) != CS_OK ||
		    (r = parse_sensitivity(&want, sens, err)) != CS_OK)
			goto row_out;
		for (char *q = row.f[4], *end; *q != '\0'; q = end) {
			while (*q == ' ')
				q++;
			if (*q == '\0')
				break;
			end = q + strcspn(q, " ");
			char save_c = *end;
			*end = '\0';
			r = parse_network(&want, q, err);
			*end = save_c;
			if (r != CS_OK)
				goto row_out;
		}
		r = cs_store_site_find(st, want.name, copy_cb, &have, NULL);
		if (r == CS_ENOTFOUND) {
			r = save(st, &want, why, err);
			added += r == CS_OK;
		} else if (r == CS_OK) {
			want.id = have.id;
			if (same_site(&want, &have)) {
				same++;
			} else {
				r = save(st, &want, why, err);
				updated += r == CS_OK;
			}
		}
	row_out:
		site_copy_free(&want);
		site_copy_free(&have);
		if (r != CS_OK)
			goto bad;
	}
	printf("%s: %u added, %u updated, %u unchanged\n", path, added, updated, same);
	r = CS_OK;
	goto out;
bad : {
	char msg[sizeof(err->msg)];
	snprintf(msg, sizeof(msg), "%s", err->msg);
	cs_err_set(err, r, "%s line %u: %s (sites before this line were imported)", path, line,
		   msg);
}
out:
	cs_cli_csv_row_free(&row);
	cs_buf_free(&file);
	return r;
}

/* --- the command ------------------------------------------------------------------------------ */

static int run(int argc, char **argv)
{
	enum { O_OPERATOR = 256, O_SENS, O_NET, O_ADDNET, O_RMNET, O_NAME, O_WHY, O_FORMAT, O_DB };
	static const struct option longopts[] = {
		{"operator", required_argument, NULL, O_OPERATOR},
		{"sensitivity", required_argument, NULL, O_SENS},
		{"network", required_argument, NULL, O_NET},
		{"add-network", required_argument, NULL, O_ADDNET},
		{"remove-network", required_argument, NULL, O_RMNET},
		{"name", required_argument, NULL, O_NAME},
		{"why", required_argument, NULL, O_WHY},
		{"format", required_argument, NULL, O_FORMAT},
		{"db", required_argument, NULL, O_DB},
		{NULL, 0, NULL, 0},
	};
	struct site_copy c = {0}, edits = {0}, adds = {0};
	char **removes = NULL;
	size_t nremoves = 0;
	const char *operator_name = NULL, *sens = NULL, *new_name = NULL, *why = NULL, *db = NULL;
	bool set_networks = false;
	enum cs_cli_format fmt = CS_FMT_TABLE;
	struct cs_store *st = NULL;
	struct cs_err err = {0};
	int opt, r = CS_OK, status = CS_EXIT_USAGE;

	if ((removes = calloc((size_t)argc, sizeof(*removes))) == NULL)
		return CS_EXIT_FAIL;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_OPERATOR: operator_name = optarg; break;
		case O_SENS: sens = optarg; break;
		case O_NET:
			set_networks = true;
			if ((r = parse_network(&edits, optarg, &err)) != CS_OK)
				goto usage_err;
			break;
		case O_ADDNET:
			if ((r = parse_network(&adds, optarg, &err)) != CS_OK)
				goto usage_err;
			break;
		case O_RMNET: removes[nremoves++] = optarg; break;
		case O_NAME: new_name = optarg; break;
		case O_WHY: why = optarg; break;
		case O_FORMAT:
			if (cs_cli_parse_format(optarg, &fmt) != CS_OK) {
				fprintf(stderr, PROG ": unknown format '%s' (table, json or csv)\n",
					optarg);
				goto out;
			}
			break;
		case O_DB: db = optarg; break;
		default: fputs("Try 'camsweep site --help'.\n", stderr); goto out;
		}
	}
	/* getopt (GNU) permutes operands to the end: argv[optind..] are the operands. */
	char **args = argv + optind;
	int nargs = argc - optind;
	if (nargs < 1) {
		fputs(PROG ": which subcommand? (add, list, show, edit, import, export, attach, "
			   "detach)\n",
		      stderr);
		goto out;
	}
	const char *sub = args[0];
	int want_args = strcmp(sub, "list") == 0 || strcmp(sub, "export") == 0 ? 1
			: strcmp(sub, "attach") == 0			       ? 3
			: strcmp(sub, "add") == 0 || strcmp(sub, "show") == 0 ||
					strcmp(sub, "edit") == 0 || strcmp(sub, "import") == 0 ||
					strcmp(sub, "detach") == 0
				? 2
				: 0;
	if (want_args == 0) {
		fprintf(stderr, PROG ": unknown subcommand '%s'\n", sub);
		goto out;
	}
	if (nargs != want_args) {
		fprintf(stderr, PROG " %s: expected %d argument%s (see 'camsweep site --help')\n",
			sub, want_args - 1, want_args == 2 ? "" : "s");
		goto out;
	}
	/* Only add and import may create the inventory; the rest need one to exist. */
	bool creates = strcmp(sub, "add") == 0 || strcmp(sub, "import") == 0;
	if ((r = cs_cli_open(&st, db, !creates, &err)) != CS_OK)
		goto fail;

	if (strcmp(sub, "list") == 0) {
		r = do_list(st, fmt, &err);
	} else if (strcmp(sub, "export") == 0) {
		r = do_list(st, CS_FMT_CSV, &err);
	} else if (strcmp(sub, "show") == 0) {
		r = do_show(st, args[1], fmt == CS_FMT_CSV ? CS_FMT_TABLE : fmt, &err);
	} else if (strcmp(sub, "import") == 0) {
		r = do_import(st, args[1], why, &err);
	} else if (strcmp(sub, "attach") == 0 || strcmp(sub, "detach") == 0) {
		int64_t id;
		const char *idarg = args[nargs - 1];
		if (cs_cli_parse_id(idarg, &id) != CS_OK) {
			fprintf(stderr, PROG ": '%s' is not a device id\n", idarg);
			status = CS_EXIT_USAGE;
			goto out;
		}
		const struct cs_store_actor a = {.who = cs_cli_who(), .why = why};
		r = cs_store_site_attach(st, id, strcmp(sub, "attach") == 0 ? args[1] : NULL, &a,
					 &err);
	} else if (strcmp(sub, "add") == 0) {
		if (sens == NULL) {
			fputs(PROG " add: --sensitivity is required (sensitive:CRITERION or "
				   "standard)\n",
			      stderr);
			goto out;
		}
		if (adds.n > 0 || nremoves > 0 || new_name != NULL) {
			fputs(PROG " add: use --network (--add-network, --remove-network and "
				   "--name are for edit)\n",
			      stderr);
			goto out;
		}
		if ((r = set_str(&edits.name, args[1])) != CS_OK ||
		    (r = set_str(&edits.operator_name, operator_name)) != CS_OK ||
		    (r = parse_sensitivity(&edits, sens, &err)) != CS_OK)
			goto usage_err;
		edits.id = 0;
		r = save(st, &edits, why, &err);
	} else { /* edit */
		if ((r = cs_store_site_find(st, args[1], copy_cb, &c, &err)) != CS_OK)
			goto fail;
		if ((new_name != NULL && (r = set_str(&c.name, new_name)) != CS_OK) ||
		    (operator_name != NULL &&
		     (r = set_str(&c.operator_name, operator_name[0] ? operator_name : NULL)) !=
			     CS_OK) ||
		    (sens != NULL && (r = parse_sensitivity(&c, sens, &err)) != CS_OK))
			goto usage_err;
		if (set_networks) {
			while (c.n > 0)
				remove_net(&c, c.n - 1);
			for (size_t i = 0; i < edits.n; i++)
				if ((r = add_net(&c, edits.cidr[i], edits.posture[i])) != CS_OK)
					goto fail;
		}
		for (size_t k = 0; k < nremoves; k++) {
			char norm[20];
			size_t i = 0;
			if ((r = norm_cidr(removes[k], norm, &err)) != CS_OK)
				goto usage_err;
			while (i < c.n && strcmp(c.cidr[i], norm) != 0)
				i++;
			if (i == c.n) {
				r = cs_err_set(&err, CS_ENOTFOUND, "site %s has no network %s",
					       args[1], norm);
				goto fail;
			}
			remove_net(&c, i);
		}
		for (size_t i = 0; i < adds.n; i++) {
			for (size_t k = 0; k < c.n; k++)
				if (strcmp(c.cidr[k], adds.cidr[i]) == 0) {
					r = cs_err_set(&err, CS_EINVAL, "site %s already has %s",
						       args[1], adds.cidr[i]);
					goto fail;
				}
			if ((r = add_net(&c, adds.cidr[i], adds.posture[i])) != CS_OK)
				goto fail;
		}
		r = save(st, &c, why, &err);
	}
	if (r != CS_OK)
		goto fail;
	if (fflush(stdout) != 0) {
		r = cs_err_set(&err, CS_EIO, "cannot write the output");
		goto fail;
	}
	status = CS_EXIT_OK;
	goto out;
usage_err:
	fprintf(stderr, PROG ": %s\n", err.msg[0] ? err.msg : cs_strerror(r));
	status = CS_EXIT_USAGE;
	goto out;
fail:
	fprintf(stderr, PROG ": %s\n", err.msg[0] ? err.msg : cs_strerror(r));
	status = CS_EXIT_FAIL;
out:
	site_copy_free(&c);
	site_copy_free(&edits);
	site_copy_free(&adds);
	free(removes);
	cs_store_close(st);
	return status;
}

const struct cs_cli_cmd cs_cmd_site = {
	.name = "site",
	.summary = "the sites of the removal programme: add, list, show, edit, import, export",
	.usage = usage,
	.run = run,
};
