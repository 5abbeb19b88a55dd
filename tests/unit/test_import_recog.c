/*
 * test_import_recog.c - real banners through the importers: every HTTP Server header, page
 * title, WWW-Authenticate value, RTSP Server header, FTP and telnet banner in the reference
 * corpus (../shared/reference/recog_camera_examples.tsv) is wrapped the way nmap (-oX, with
 * its scripts) and masscan (-oJ --banners) write it, imported, and must give the same
 * manufacturer as the engine given the same value directly: the importers lose nothing and
 * invent nothing. The corpus is read where it lies; without it the test says so and skips.
 */
#include "common/json.h"
#include "common/tsv.h"
#include "ident/ident.h"
#include "import/import.h"
#include "test.h"

#include <stdlib.h>

enum { MAX_EXAMPLES = 600 };

struct example {
	char addr[24];
	char text[1024];
	enum cs_signal sig;
	const char *nmap_script; /* NULL: not something nmap's scripts report this way */
	const char *masscan;	 /* masscan's service name */
	char want[64];		 /* the engine's verdict on the value alone ("" for none) */
	char nmap_got[64], masscan_got[64];
	bool nmap_seen, masscan_seen;
};

static struct example ex[MAX_EXAMPLES];
static size_t nex;

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

static void xml_attr(struct cs_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': cs_buf_puts(b, "&amp;"); break;
		case '<': cs_buf_puts(b, "&lt;"); break;
		case '>': cs_buf_puts(b, "&gt;"); break;
		case '"': cs_buf_puts(b, "&quot;"); break;
		case '\n': cs_buf_puts(b, "&#xa;"); break;
		case '\r': cs_buf_puts(b, "&#xd;"); break;
		case '\t': cs_buf_puts(b, "&#x9;"); break;
		default: cs_buf_putc(b, *s);
		}
	}
}

static struct example *by_addr(const char *addr)
{
	for (size_t i = 0; i < nex; i++)
		if (strcmp(ex[i].addr, addr) == 0)
			return &ex[i];
	return NULL;
}

static int on_nmap(void *ctx, const struct cs_import_dev *d)
{
	struct example *e = by_addr(d->dev->address != NULL ? d->dev->address : "");
	(void)ctx;
	if (e != NULL) {
		snprintf(e->nmap_got, sizeof(e->nmap_got), "%s",
			 d->dev->manufacturer ? d->dev->manufacturer : "");
		e->nmap_seen = true;
	}
	return 0;
}

static int on_masscan(void *ctx, const struct cs_import_dev *d)
{
	struct example *e = by_addr(d->dev->address != NULL ? d->dev->address : "");
	(void)ctx;
	if (e != NULL) {
		snprintf(e->masscan_got, sizeof(e->masscan_got), "%s",
			 d->dev->manufacturer ? d->dev->manufacturer : "");
		e->masscan_seen = true;
	}
	return 0;
}

/* What each importer turns the example into, given straight to the engine. */
static void direct(struct cs_ident *id, const struct example *e, char *out, size_t cap)
{
	struct cs_device d;
	cs_ident_reset(id);
	cs_ident_observe(id, e->sig, cs_sv_cstr(e->text), 1.0);
	cs_ident_finish(id, &d);
	snprintf(out, cap, "%s", d.manufacturer ? d.manufacturer : "");
}

TEST(import_recog_banners_survive_the_importers)
{
	static const struct {
		const char *db;
		enum cs_signal sig;
		const char *script, *masscan;
	} kinds[] = {
		{"http_servers.xml", CS_SIG_HTTP_SERVER, "http-server-header", "http.server"},
		{"html_title.xml", CS_SIG_HTTP_TITLE, "http-title", "title"},
		{"ftp_banners.xml", CS_SIG_FTP, NULL, "ftp"},
		{"telnet_banners.xml", CS_SIG_TELNET, NULL, "telnet"},
	};
	const char *ref = cs_test_shared_reference();
	if (ref == NULL) {
		printf("SKIP import_recog_banners_survive_the_importers: ../shared/reference not "
		       "present\n");
		return;
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/recog_camera_examples.tsv", ref);
	struct cs_kb *kb = NULL;
	struct cs_kb_opts o = {getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data", "", NULL};
	struct cs_err err;
	REQUIRE(cs_kb_load(&kb, &o, &err) == CS_OK);
	struct cs_ident *id = NULL;
	REQUIRE(cs_ident_new(&id, kb) == CS_OK);
	struct cs_tsv t;
	REQUIRE(cs_tsv_open(&t, path, &err) == CS_OK);
	nex = 0;
	cs_tsv_next(&t); /* the header */
	while (cs_tsv_next(&t) && nex < MAX_EXAMPLES) {
		struct cs_sv db = cs_tsv_opt(&t, 1);
		for (size_t k = 0; k < CS_ARRAY_SIZE(kinds); k++) {
			if (!cs_sv_eq(db, cs_sv_cstr(kinds[k].db)))
				continue;
			struct example *e = &ex[nex];
			memset(e, 0, sizeof(*e));
			unescape(cs_tsv_opt(&t, 3), e->text, sizeof(e->text));
			/* Line breaks end a script line, and XML 1.0 cannot carry other controls. */
			bool plain = e->text[0] != '\0';
			for (const char *c = e->text; *c != '\0'; c++)
				plain &= (unsigned char)*c >= 0x20;
			if (!plain)
				break;
			e->sig = kinds[k].sig;
			e->nmap_script = kinds[k].script;
			e->masscan = kinds[k].masscan;
			snprintf(e->addr, sizeof(e->addr), "%s.%zu",
				 nex < 250   ? "192.0.2"
				 : nex < 500 ? "198.51.100"
					     : "203.0.113",
				 nex % 250 + 1);
			direct(id, e, e->want, sizeof(e->want));
			nex++;
		}
	}
	cs_tsv_close(&t);
	REQUIRE(nex > 40);

	struct cs_buf xml, js;
	cs_buf_init(&xml, 16 << 20);
	cs_buf_init(&js, 16 << 20);
	cs_buf_puts(&xml, "<?xml version=\"1.0\"?>\n<nmaprun scanner=\"nmap\">\n");
	cs_buf_puts(&js, "[\n");
	for (size_t i = 0; i < nex; i++) {
		const struct example *e = &ex[i];
		if (e->nmap_script != NULL) {
			cs_buf_printf(
				&xml,
				"<host><status state=\"up\"/><address addr=\"%s\" "
				"addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
				"portid=\"80\"><state state=\"open\"/><service name=\"http\"/>"
				"<script id=\"%s\" output=\"",
				e->addr, e->nmap_script);
			xml_attr(&xml, e->text);
			cs_buf_puts(&xml, "\"/></port></ports></host>\n");
		}
		cs_buf_printf(&js,
			      "{   \"ip\": \"%s\",   \"timestamp\": \"1714557601\", \"ports\": [ "
			      "{\"port\": 80, \"proto\": \"tcp\", \"service\": {\"name\": \"%s\", "
			      "\"banner\": \"",
			      e->addr, e->masscan);
		cs_json_escape(&js, e->text, strlen(e->text));
		cs_buf_puts(&js, "\"} } ] }\n,\n");
	}
	cs_buf_puts(&xml, "</nmaprun>\n");
	REQUIRE(cs_buf_puts(&js, "{finished: 1}\n]\n") == CS_OK);

	struct cs_import *im = NULL;
	struct cs_import_stats st;
	memset(&st, 0, sizeof(st));
	REQUIRE(cs_import_new(&im, kb, &err) == CS_OK);
	struct cs_import_sink nsink = {on_nmap, NULL, NULL}, msink = {on_masscan, NULL, NULL};
	CHECK_INT(cs_import_run(im, CS_IMPORT_AUTO, "recog.xml", xml.data, xml.len, &nsink, &st,
				&err),
		  CS_OK);
	CHECK_INT(
		cs_import_run(im, CS_IMPORT_AUTO, "recog.json", js.data, js.len, &msink, &st, &err),
		CS_OK);
	size_t named = 0;
	for (size_t i = 0; i < nex; i++) {
		const struct example *e = &ex[i];
		named += e->want[0] != '\0';
		if (e->nmap_script != NULL) {
			CHECK(e->nmap_seen);
			if (strcmp(e->nmap_got, e->want) != 0)
				cs_test_fail(__FILE__, __LINE__,
					     "nmap %s '%s': '%s', directly '%s'", e->nmap_script,
					     e->text, e->nmap_got, e->want);
		}
		CHECK(e->masscan_seen);
		if (strcmp(e->masscan_got, e->want) != 0)
			cs_test_fail(__FILE__, __LINE__, "masscan %s '%s': '%s', directly '%s'",
				     e->masscan, e->text, e->masscan_got, e->want);
	}
	printf("recog banners through nmap XML and masscan JSON: %zu examples, %zu with a maker\n",
	       nex, named);
	CHECK(named > 20);
	cs_import_free(im);
	cs_buf_free(&xml);
	cs_buf_free(&js);
	cs_ident_free(id);
	cs_kb_free(kb);
}
