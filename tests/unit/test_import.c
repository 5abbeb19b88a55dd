/*
 * test_import.c - src/import/ with the real knowledge base: the CSV reader on every quirk real
 * registers have, registers to devices (column names, --map, the make as a label only, where
 * the evidence says it came from), nmap XML and masscan JSON shaped like the tools' real
 * output, and hostile inputs (unclosed quotes, entity expansion, deep nesting, cut files),
 * each ending on a guard page.
 */
#include "ident/ident.h"
#include "import/csv.h"
#include "import/import.h"
#include "test.h"

#include <stdlib.h>

static struct cs_kb *kb;

static struct cs_kb *load_kb(void)
{
	if (kb == NULL) {
		struct cs_kb_opts o = {getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data", "",
				       NULL};
		struct cs_err err;
		if (cs_kb_load(&kb, &o, &err) != CS_OK) {
			printf("kb: %s\n", err.msg);
			exit(2);
		}
	}
	return kb;
}

/* What the sink saw, copied out (the importer's strings die with the callback). */
struct got_dev {
	char where[64], note[256], ports[128];
	char maker[64], brand[64], basis[16], model[64], serial[96], mac[24], address[48];
	char type[16], status[16];
	char froms[2048]; /* every evidence "from", '|'-separated */
	char signals[512];
};

struct got {
	struct got_dev dev[64];
	size_t ndev;
	char skips[2048];
	size_t nskips;
	struct cs_import_stats stats;
	int rc;
	struct cs_err err;
};

static void cp(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s != NULL ? s : "");
}

static int on_dev(void *ctx, const struct cs_import_dev *d)
{
	struct got *g = ctx;
	if (g->ndev == CS_ARRAY_SIZE(g->dev))
		return 0;
	struct got_dev *o = &g->dev[g->ndev++];
	cp(o->where, sizeof(o->where), d->where);
	cp(o->note, sizeof(o->note), d->note);
	cp(o->ports, sizeof(o->ports), d->ports);
	cp(o->maker, sizeof(o->maker), d->dev->manufacturer);
	cp(o->brand, sizeof(o->brand), d->dev->brand);
	cp(o->basis, sizeof(o->basis), d->dev->basis);
	cp(o->model, sizeof(o->model), d->dev->model);
	cp(o->serial, sizeof(o->serial), d->dev->serial);
	cp(o->mac, sizeof(o->mac), d->dev->mac);
	cp(o->address, sizeof(o->address), d->dev->address);
	cp(o->type, sizeof(o->type), cs_devtype_name(d->dev->type));
	cp(o->status, sizeof(o->status), d->dev->covered_status);
	size_t fo = 0, so = 0;
	for (size_t i = 0; i < d->dev->nevidence; i++) {
		const struct cs_evidence *e = &d->dev->evidence[i];
		if (e->from != NULL && fo + strlen(e->from) + 2 < sizeof(o->froms))
			fo += (size_t)snprintf(o->froms + fo, sizeof(o->froms) - fo, "%s|",
					       e->from);
		const char *sn = cs_signal_name(e->signal);
		if (so + strlen(sn) + 2 < sizeof(o->signals))
			so += (size_t)snprintf(o->signals + so, sizeof(o->signals) - so, "%s|", sn);
	}
	return 0;
}

static void on_skip(void *ctx, const char *where, const char *reason)
{
	struct got *g = ctx;
	size_t l = strlen(g->skips);
	snprintf(g->skips + l, sizeof(g->skips) - l, "%s: %s\n", where, reason);
	g->nskips++;
}

/* Import text (placed on a guard page) as fmt; map may be NULL. Caller frees the result. */
static struct got *import_as(enum cs_import_format fmt, const char *text, size_t n, const char *map)
{
	struct got *g = calloc(1, sizeof(*g));
	struct cs_import *im = NULL;
	if (g == NULL)
		return NULL;
	if (cs_import_new(&im, load_kb(), &g->err) != CS_OK) {
		cs_test_fail(__FILE__, __LINE__, "import_new: %s", g->err.msg);
		g->rc = -100;
		return g;
	}
	if (map != NULL && (g->rc = cs_import_set_map(im, map, &g->err)) != CS_OK) {
		cs_import_free(im);
		return g;
	}
	struct cs_import_sink sink = {on_dev, on_skip, g};
	g->rc = cs_import_run(im, fmt, "t.csv", cs_test_guarded(text, n), n, &sink, &g->stats,
			      &g->err);
	cs_import_free(im);
	return g;
}

static struct got *import_text(const char *text, const char *map)
{
	return import_as(CS_IMPORT_AUTO, text, strlen(text), map);
}

static const struct got_dev *find_dev(const struct got *g, const char *where)
{
	for (size_t i = 0; i < g->ndev; i++)
		if (strcmp(g->dev[i].where, where) == 0)
			return &g->dev[i];
	cs_test_fail(__FILE__, __LINE__, "no device at '%s'", where);
	return NULL;
}

/* ---- the CSV reader ---- */

static size_t read_rows(const char *text, size_t n, char delim, struct cs_csv_row *rows, size_t max,
			char cells[][8][64])
{
	struct cs_csv c;
	size_t k = 0;
	cs_csv_init(&c, cs_test_guarded(text, n), n, delim, 0);
	while (k < max && cs_csv_next(&c, &rows[k]) == 1) {
		for (size_t f = 0; f < 8; f++)
			cells[k][f][0] = '\0';
		for (size_t f = 0; f < rows[k].nfields && f < 8; f++)
			cs_sv_copy(cells[k][f], 64, rows[k].field[f]);
		k++;
	}
	cs_csv_free(&c);
	return k;
}

TEST(csv_quotes_newlines_bom_crlf)
{
	static const char text[] = "\xef\xbb\xbf"
				   "a,\"b,1\",\"say \"\"hi\"\"\"\r\n"
				   "\r\n"
				   "x,\"two\r\nlines\",z\r\n"
				   "  , ,\n"
				   "last,\"q\"tail,\"\"";
	struct cs_csv_row rows[8];
	char cells[8][8][64];
	size_t n = read_rows(text, sizeof(text) - 1, 0, rows, 8, cells);
	REQUIRE(n == 5);
	CHECK_INT(rows[0].nfields, 3);
	CHECK_STR(cells[0][0], "a"); /* the BOM is not part of the first cell */
	CHECK_STR(cells[0][1], "b,1");
	CHECK_STR(cells[0][2], "say \"hi\"");
	CHECK_INT(rows[0].line, 1);
	CHECK(rows[1].blank);
	CHECK_STR(cells[2][1], "two\r\nlines");
	CHECK_INT(rows[2].line, 3);
	CHECK(rows[3].blank);
	CHECK_INT(rows[3].line, 5);
	CHECK_STR(cells[4][1], "qtail"); /* text after a closing quote is kept, as Excel does */
	CHECK_STR(cells[4][2], "");
	CHECK_INT(rows[4].line, 6);
}

TEST(csv_sniffs_delimiters_and_sep_line)
{
	CHECK(cs_csv_sniff("a;b;c\n1,5;2", 11) == ';');
	CHECK(cs_csv_sniff("a\tb\tc\n", 6) == '\t');
	CHECK(cs_csv_sniff("\"a;b\",c,d\n", 10) == ',');
	CHECK(cs_csv_sniff("single\n", 7) == ',');
	/* A title line without delimiters, and commas inside a few cells, do not mislead it. */
	static const char titled[] = "Camera register 2024\nMake;Model;Notes\n"
				     "Hikvision;DS-2CD2143G2-I;roof, north, by the mast\n"
				     "Dahua;IPC-HFW2431S;gate\n";
	CHECK(cs_csv_sniff(titled, sizeof(titled) - 1) == ';');
	static const char sep[] = "sep=|\r\nMake|Model\r\nHikvision|DS-2CD2143G2-I\r\n";
	struct cs_csv_row rows[4];
	char cells[4][8][64];
	size_t n = read_rows(sep, sizeof(sep) - 1, 0, rows, 4, cells);
	REQUIRE(n == 2);
	CHECK_STR(cells[0][1], "Model");
	CHECK_STR(cells[1][0], "Hikvision");
	CHECK_INT(rows[1].line, 3);
}

TEST(csv_unclosed_quote_costs_one_row)
{
	static const char text[] = "a,b\n\"open,c\nd,e\n";
	struct cs_csv_row rows[4];
	char cells[4][8][64];
	size_t n = read_rows(text, sizeof(text) - 1, ',', rows, 4, cells);
	REQUIRE(n == 3);
	CHECK(rows[1].unclosed);
	CHECK_INT(rows[1].line, 2);
	CHECK(!rows[2].unclosed);
	CHECK_STR(cells[2][0], "d");
	CHECK_INT(rows[2].line, 3);
}

TEST(csv_caps_fields_and_counts)
{
	/* A 100 KB field is cut at the cap (never inside a UTF-8 sequence); 300 fields keep 256. */
	size_t big = 100 * 1024;
	char *text = malloc(big + 4096);
	REQUIRE(text != NULL);
	size_t o = 0;
	memcpy(text, "x,", 2);
	o = 2;
	for (size_t i = 0; i < big; i += 2)
		text[o++] = (char)0xc3, text[o++] = (char)0xa9; /* é */
	text[o++] = '\n';
	for (int i = 0; i < 300; i++)
		text[o++] = 'f', text[o++] = ',';
	text[o++] = '\n';
	struct cs_csv c;
	struct cs_csv_row row;
	cs_csv_init(&c, cs_test_guarded(text, o), o, ',', 0);
	REQUIRE(cs_csv_next(&c, &row) == 1);
	CHECK_INT(row.capped, 1);
	CHECK(row.field[1].n <= CS_CSV_MAX_FIELD);
	CHECK_INT(row.field[1].n % 2, 0);
	REQUIRE(cs_csv_next(&c, &row) == 1);
	CHECK_INT(row.nfields, CS_CSV_MAX_FIELDS);
	CHECK_INT(row.dropped, 301 - CS_CSV_MAX_FIELDS);
	CHECK(cs_csv_next(&c, &row) == 0);
	cs_csv_free(&c);
	free(text);
}

TEST(csv_every_truncation_is_safe)
{
	static const char text[] = "sep=;\r\nMake;\"Model\";S/N\r\n\"Hik\"\"vision\";\"DS-2CD\r\n"
				   "2143\";X\r\n;;\r\n";
	for (size_t cut = 0; cut <= sizeof(text) - 1; cut++) {
		struct cs_csv c;
		struct cs_csv_row row;
		size_t rows = 0;
		cs_csv_init(&c, cs_test_guarded(text, cut), cut, 0, 0);
		while (cs_csv_next(&c, &row) == 1 && rows < 100)
			rows++;
		CHECK(rows < 100);
		cs_csv_free(&c);
	}
}

/* ---- registers ---- */

static const char register_quirks[] =
	"\xef\xbb\xbf"
	"sep=;\r\n"
	"Asset register - North site;;;;;;;\r\n"
	"\r\n"
	"Asset tag;Manufacturer;Model No;S/N;Hardware address;IP Address;Building;Room\r\n"
	"A-1;Hikvision;DS-2CD2143G2-I;DS-2CD2143G2-I20220123AAWRD12345678;;192.0.2.10;Gatehouse;"
	"G1\r\n"
	"A-2;Honeywell;HC30W45R3;n/a;;192.0.2.11;\"Main \"\"Hall\"\"\";\"first\r\nfloor\"\r\n"
	";;;;;;;\r\n"
	"Total;;;;;;;\r\n"
	"A-3;;\"Dahua IPC-HFW2431S\";;\"3C-EF-8C-01-02-03\";;;\r\n"
	"A-5;Axis;=\"M3045-V\";;ACCC8E112233;;;\r\n"
	"A-4;\"never closed;x;y\r\n";

TEST(register_quirks_become_devices)
{
	struct got *g = import_text(register_quirks, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->stats.records, 6);
	CHECK_INT(g->stats.devices, 4);
	CHECK_INT(g->stats.skipped, 2);
	CHECK_INT(g->stats.blank, 1);
	CHECK(strstr(g->skips, "9: no make, model") != NULL);
	CHECK(strstr(g->skips, "12: a quoted field is never closed") != NULL);

	const struct got_dev *d = find_dev(g, "5");
	if (d != NULL) {
		CHECK_STR(d->maker, "Hikvision");
		CHECK_STR(d->basis, "hardware"); /* the model and serial grammars, not the make */
		CHECK_STR(d->model, "DS-2CD2143G2-I");
		CHECK_STR(d->serial, "DS-2CD2143G2-I20220123AAWRD12345678");
		CHECK_STR(d->address, "192.0.2.10");
		CHECK_STR(d->note, "location: Gatehouse / G1; asset: A-1");
		CHECK_STR(d->status, "covered");
		CHECK(strstr(d->froms, "register t.csv:5") != NULL);
	}
	d = find_dev(g, "6");
	if (d != NULL) {
		/* A register saying Honeywell is a label: never hardware, at most a review. */
		CHECK_STR(d->basis, "label");
		CHECK_STR(d->status, "review");
		CHECK_STR(d->serial, ""); /* "n/a" is no serial */
		CHECK_STR(d->note, "location: Main \"Hall\" / first floor; asset: A-2");
	}
	d = find_dev(g, "10");
	if (d != NULL) {
		CHECK_STR(d->maker, "Dahua");
		CHECK_STR(d->model, "IPC-HFW2431S"); /* "Dahua " split off as a label */
		CHECK_STR(d->mac, "3c:ef:8c:01:02:03");
	}
	d = find_dev(g, "11");
	if (d != NULL) {
		CHECK_STR(d->maker, "Axis");
		CHECK_STR(d->model, "M3045-V"); /* Excel's ="..." undone */
		CHECK_STR(d->mac, "ac:cc:8e:11:22:33");
		CHECK_STR(d->status, "not_covered");
	}
	free(g);
}

TEST(register_make_alone_is_only_a_label)
{
	struct got *g = import_text("Vendor,Serial Number\nHikvision,X1234567\n", NULL);
	REQUIRE(g != NULL && g->ndev == 1);
	CHECK_STR(g->dev[0].maker, "Hikvision");
	CHECK_STR(g->dev[0].basis, "label");
	CHECK(strcmp(g->dev[0].status, "covered") != 0);
	CHECK(strstr(g->dev[0].signals, "label|") != NULL);
	free(g);
	/* An unknown make is evidence of nothing, and says so. */
	g = import_text("Brand,Model\nAcme Widgets,W-1\n", NULL);
	REQUIRE(g != NULL && g->ndev == 1);
	CHECK_STR(g->dev[0].maker, "");
	free(g);
}

TEST(register_same_rows_in_every_delimiter)
{
	static const char *const forms[] = {
		"Make,Part number,MAC\nHikvision,DS-7608NI-K2,44:19:b6:00:00:01\n",
		"Make;Part number;MAC\nHikvision;DS-7608NI-K2;44:19:b6:00:00:01\n",
		"Make\tPart number\tMAC\nHikvision\tDS-7608NI-K2\t44:19:b6:00:00:01\n",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(forms); i++) {
		struct got *g = import_text(forms[i], NULL);
		REQUIRE(g != NULL);
		REQUIRE(g->ndev == 1);
		CHECK_STR(g->dev[0].model, "DS-7608NI-K2");
		CHECK_STR(g->dev[0].type, "nvr");
		CHECK_STR(g->dev[0].mac, "44:19:b6:00:00:01");
		free(g);
	}
}

TEST(register_map_overrides_and_numbers)
{
	/* Names the table does not know, mapped by name; a column the table knows, ignored. */
	struct got *g = import_text("Kit,Where,Name\nDS-2CD2143G2-I,Roof,cam-7\n",
				    "Kit=model,Where=location,Name=ignore");
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	REQUIRE(g->ndev == 1);
	CHECK_STR(g->dev[0].model, "DS-2CD2143G2-I");
	CHECK_STR(g->dev[0].note, "location: Roof");
	CHECK(strstr(g->dev[0].signals, "hostname") == NULL);
	free(g);
	/* No header at all: columns by number. */
	g = import_text(
		"x,DS-2CD2143G2-I20220123AAWRD12345678\ny,DS-7608NI-K220200101ABCD12345678\n",
		"#2=serial,1=asset");
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->ndev, 2);
	CHECK_STR(g->dev[0].maker, "Hikvision");
	CHECK_STR(g->dev[0].model, "DS-2CD2143G2-I"); /* from the serial's layout */
	CHECK_STR(g->dev[0].note, "asset: x");
	free(g);
	/* Bad specifications are refused with a reason. */
	g = import_text("a\n", "Kit=colour");
	CHECK_INT(g->rc, CS_EINVAL);
	CHECK(strstr(g->err.msg, "colour") != NULL);
	free(g);
	g = import_text("a\n", "noequals");
	CHECK_INT(g->rc, CS_EINVAL);
	free(g);
}

TEST(register_without_header_is_refused)
{
	struct got *g = import_text("apples,pears\n1,2\n", NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	CHECK(strstr(g->err.msg, "no header row") != NULL);
	CHECK_INT(g->ndev, 0);
	free(g);
	g = import_text("", NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	free(g);
}

TEST(register_utf16_from_excel)
{
	static const char ascii[] = "Make\tModel\r\nHikvision\tDS-2CD2143G2-I\r\n";
	char u16[2 + 2 * sizeof(ascii)];
	size_t n = 0;
	u16[n++] = (char)0xff, u16[n++] = (char)0xfe;
	for (size_t i = 0; i + 1 < sizeof(ascii); i++)
		u16[n++] = ascii[i], u16[n++] = 0;
	struct got *g = import_as(CS_IMPORT_CSV, u16, n, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	REQUIRE(g->ndev == 1);
	CHECK_STR(g->dev[0].model, "DS-2CD2143G2-I");
	free(g);
}

TEST(register_hostile_cells)
{
	/* Terminal escapes and huge cells travel as data; nothing crashes or is over-read. */
	size_t big = 200 * 1024;
	char *text = malloc(big + 256);
	REQUIRE(text != NULL);
	int o = snprintf(text, 256, "Make,Model,Location\n\x1b[2JHikvision,");
	memset(text + o, 'D', big);
	o += (int)big;
	static const char tail[] = ",\"\x1b]0;x\x07\"\n";
	memcpy(text + o, tail, sizeof(tail) - 1);
	o += (int)sizeof(tail) - 1;
	struct got *g = import_as(CS_IMPORT_CSV, text, (size_t)o, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->stats.capped, 1);
	CHECK_INT(g->ndev, 1);
	free(g);
	free(text);
}

TEST(engine_finish_again_keeps_later_evidence)
{
	/* The importer asks for a verdict mid-way (has the MAC registry answered?) and then
	 * observes more: the evidence of those later observations must survive the next finish. */
	struct cs_ident *id = NULL;
	struct cs_device d;
	REQUIRE(cs_ident_new(&id, load_kb()) == CS_OK);
	cs_ident_observe(id, CS_SIG_LABEL, CS_SV("Amcrest"), 1.0);
	cs_ident_finish(id, &d);
	size_t first = d.nevidence;
	cs_ident_observe(id, CS_SIG_HTTP_SERVER, CS_SV("App-webs/"), 1.0);
	cs_ident_finish(id, &d);
	cs_ident_finish(id, &d); /* and again with nothing new: the same verdict */
	bool server = false;
	for (size_t i = 0; i < d.nevidence; i++)
		server |= d.evidence[i].signal == CS_SIG_HTTP_SERVER;
	CHECK(server);
	CHECK(d.nevidence > first);
	size_t again = d.nevidence;
	cs_ident_finish(id, &d);
	CHECK_INT(d.nevidence, again);
	cs_ident_free(id);
}

/* ---- nmap XML ---- */

/* Shaped like nmap 7.93 -sV --script http-title,http-headers,http-server-header,rtsp-methods,
 * ssl-cert -oX output (nmap's element order and attribute names; addresses from 192.0.2.0/24). */
static const char nmap_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE nmaprun>\n"
	"<?xml-stylesheet href=\"file:///usr/bin/../share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n"
	"<nmaprun scanner=\"nmap\" args=\"nmap -sV -oX scan.xml 192.0.2.0/28\" "
	"start=\"1714557600\" "
	"version=\"7.93\" xmloutputversion=\"1.05\">\n"
	"<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"1000\" services=\"1,3-4\"/>\n"
	"<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n"
	"<host starttime=\"1714557601\" endtime=\"1714557650\"><status state=\"up\" "
	"reason=\"arp-response\" reason_ttl=\"0\"/>\n"
	"<address addr=\"192.0.2.10\" addrtype=\"ipv4\"/>\n"
	"<address addr=\"44:19:B6:0A:0B:0C\" addrtype=\"mac\" vendor=\"Hangzhou Hikvision Digital "
	"Technology\"/>\n"
	"<hostnames>\n</hostnames>\n"
	"<ports><extraports state=\"closed\" count=\"996\">\n"
	"<extrareasons reason=\"reset\" count=\"996\" proto=\"tcp\" ports=\"1,3-4\"/>\n"
	"</extraports>\n"
	"<port protocol=\"tcp\" portid=\"80\"><state state=\"open\" reason=\"syn-ack\" "
	"reason_ttl=\"64\"/><service name=\"http\" product=\"Hikvision IP camera httpd\" "
	"devicetype=\"webcam\" method=\"probed\" conf=\"10\"><cpe>cpe:/h:hikvision:ip_camera</cpe>"
	"</service><script id=\"http-server-header\" output=\"App-webs/\"><elem>App-webs/</elem>\n"
	"</script><script id=\"http-title\" output=\"Site doesn&apos;t have a title "
	"(text/html).\"></script><script id=\"http-headers\" output=\"&#xa;  Date: Wed, 01 May "
	"2024 10:00:41 GMT&#xa;  Server: App-webs/&#xa;  Connection: close&#xa;  Content-Type: "
	"text/html&#xa;  &#xa;  (Request type: GET)&#xa;\"/></port>\n"
	"<port protocol=\"tcp\" portid=\"443\"><state state=\"open\" reason=\"syn-ack\" "
	"reason_ttl=\"64\"/><service name=\"http\" tunnel=\"ssl\" method=\"probed\" conf=\"10\"/>"
	"<script id=\"ssl-cert\" output=\"Subject: commonName=192.0.2.10/organizationName=HIKVISION"
	"/countryName=CN&#xa;Issuer: commonName=192.0.2.10/organizationName=HIKVISION/countryName="
	"CN&#xa;Public Key type: rsa&#xa;Public Key bits: 2048\"><table key=\"subject\">\n"
	"<elem key=\"commonName\">192.0.2.10</elem>\n</table>\n</script></port>\n"
	"<port protocol=\"tcp\" portid=\"554\"><state state=\"open\" reason=\"syn-ack\" "
	"reason_ttl=\"64\"/><service name=\"rtsp\" method=\"probed\" conf=\"10\"/>"
	"<script id=\"rtsp-methods\" output=\"OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, "
	"SET_PARAMETER, GET_PARAMETER\"/></port>\n"
	"<port protocol=\"tcp\" portid=\"8000\"><state state=\"open\" reason=\"syn-ack\" "
	"reason_ttl=\"64\"/><service name=\"http-alt\" servicefp=\"SF-Port8000-TCP:V=7.93%I=7%D=5"
	"/1%Time=66321234%P=x86_64-pc-linux-gnu%r(GetRe&#xa;SF:quest,9A,&quot;HTTP/1\\.1\\x20401"
	"\\x20Unauthorized\\r\\nDate:\\x20Wed,\\x2001\\x20May\\x20&#xa;SF:2024\\x2010:00:41\\x20GMT"
	"\\r\\nServer:\\x20App-webs/\\r\\nWWW-Authenticate:\\x20Digest\\x20realm=&#xa;SF:\\&quot;"
	"IP\\x20Camera\\&quot;\\r\\n\\r\\n&quot;);\" method=\"table\" conf=\"3\"/></port>\n"
	"<port protocol=\"tcp\" portid=\"23\"><state state=\"closed\" reason=\"reset\" "
	"reason_ttl=\"64\"/><service name=\"telnet\" product=\"Axis webcam telnetd\" "
	"method=\"table\" conf=\"3\"/></port>\n"
	"</ports>\n<times srtt=\"312\" rttvar=\"120\" to=\"100000\"/>\n</host>\n"
	"<host starttime=\"1714557601\" endtime=\"1714557650\"><status state=\"up\" "
	"reason=\"arp-response\" reason_ttl=\"0\"/>\n"
	"<address addr=\"192.0.2.11\" addrtype=\"ipv4\"/>\n"
	"<address addr=\"3C:EF:8C:01:02:03\" addrtype=\"mac\" vendor=\"Zhejiang Dahua "
	"Technology\"/>\n"
	"<hostnames>\n<hostname name=\"cam-lobby.example.net\" type=\"PTR\"/>\n</hostnames>\n"
	"<ports><port protocol=\"tcp\" portid=\"80\"><state state=\"open\" reason=\"syn-ack\" "
	"reason_ttl=\"64\"/><service name=\"http\" product=\"Dahua webcam httpd\" "
	"devicetype=\"webcam\" method=\"probed\" conf=\"10\"/><script id=\"http-title\" "
	"output=\"WEB SERVICE\"><elem key=\"title\">WEB SERVICE</elem></script></port>\n"
	"</ports>\n</host>\n"
	"<host><status state=\"down\" reason=\"no-response\" reason_ttl=\"0\"/>\n"
	"<address addr=\"192.0.2.12\" addrtype=\"ipv4\"/>\n</host>\n"
	"<host starttime=\"1714557601\" endtime=\"1714557650\"><status state=\"up\" "
	"reason=\"echo-reply\" reason_ttl=\"63\"/>\n"
	"<address addr=\"192.0.2.13\" addrtype=\"ipv4\"/>\n"
	"<ports><extraports state=\"filtered\" count=\"1000\"/></ports>\n</host>\n"
	"<runstats><finished time=\"1714557700\" elapsed=\"100.00\" exit=\"success\"/>"
	"<hosts up=\"3\" down=\"13\" total=\"16\"/>\n</runstats>\n</nmaprun>\n";

TEST(nmap_hosts_become_devices)
{
	struct got *g = import_text(nmap_xml, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->stats.records, 3); /* the down host is not a record */
	CHECK_INT(g->stats.devices, 2);
	CHECK_INT(g->stats.skipped, 1);
	CHECK(strstr(g->skips, "192.0.2.13: up, but no open port") != NULL);
	const struct got_dev *d = find_dev(g, "192.0.2.10");
	if (d != NULL) {
		CHECK_STR(d->maker, "Hikvision");
		CHECK_STR(d->basis, "hardware");
		CHECK_STR(d->type, "camera");
		CHECK_STR(d->address, "192.0.2.10");
		CHECK_STR(d->mac, "44:19:b6:0a:0b:0c");
		/* open ports only: 23 was closed */
		CHECK_STR(d->ports, "80/tcp,443/tcp,554/tcp,8000/tcp");
		CHECK(strstr(d->froms, "nmap t.csv 192.0.2.10 port 80/tcp http-server-header") !=
		      NULL);
		CHECK(strstr(d->froms, "port 443/tcp ssl-cert") != NULL);
		CHECK(strstr(d->froms, "port 554/tcp rtsp-methods") != NULL);
		CHECK(strstr(d->signals, "http.realm") != NULL); /* decoded from servicefp */
		CHECK(strstr(d->signals, "tls.") != NULL);
		CHECK(strstr(d->signals, "telnet") == NULL);
		CHECK(strstr(d->signals, "http.title") == NULL); /* nmap's "no title" words */
	}
	d = find_dev(g, "192.0.2.11");
	if (d != NULL) {
		CHECK_STR(d->maker, "Dahua");
		CHECK_STR(d->mac, "3c:ef:8c:01:02:03");
		CHECK_STR(d->ports, "80/tcp");
	}
	free(g);
}

TEST(nmap_mac_vendor_only_without_registry)
{
	/* With no IEEE registry, nmap's own vendor name for the MAC stands in for it. */
	struct cs_kb *nokb = NULL;
	struct cs_kb_opts o = {getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data", "",
			       "/nonexistent-ieee"};
	struct cs_err err;
	REQUIRE(cs_kb_load(&nokb, &o, &err) == CS_OK);
	struct cs_kb *saved = kb;
	kb = nokb;
	static const char x[] =
		"<nmaprun><host><status state=\"up\"/><address addr=\"192.0.2.5\" "
		"addrtype=\"ipv4\"/><address addr=\"44:19:B6:00:00:09\" addrtype=\"mac\" "
		"vendor=\"Hangzhou Hikvision Digital Technology\"/></host></nmaprun>";
	struct got *g = import_text(x, NULL);
	kb = saved;
	cs_kb_free(nokb);
	REQUIRE(g != NULL && g->ndev == 1);
	CHECK_STR(g->dev[0].maker, "Hikvision");
	CHECK(strstr(g->dev[0].froms, "mac vendor") != NULL);
	free(g);
	/* With the registry, the vendor is not counted a second time. */
	g = import_text(x, NULL);
	REQUIRE(g != NULL && g->ndev == 1);
	CHECK(strstr(g->dev[0].froms, "mac vendor") == NULL);
	free(g);
}

TEST(nmap_cut_file_keeps_earlier_hosts)
{
	const char *cut = strstr(nmap_xml, "<address addr=\"192.0.2.11\"");
	REQUIRE(cut != NULL);
	struct got *g =
		import_as(CS_IMPORT_NMAP_XML, nmap_xml, (size_t)(cut - nmap_xml) + 10, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->ndev, 1);
	CHECK(strstr(g->skips, "the file ends inside this host") != NULL);
	free(g);
	/* Every cut: no crash, no over-read, no hang (stride keeps it quick under ASan). */
	for (size_t n = 0; n < sizeof(nmap_xml) - 1; n += 37) {
		g = import_as(CS_IMPORT_NMAP_XML, nmap_xml, n, NULL);
		REQUIRE(g != NULL);
		CHECK(g->ndev <= 2);
		free(g);
	}
}

TEST(nmap_hostile_xml_is_refused)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n"
		"<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		"<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		"<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		"]>\n<nmaprun><host><status state=\"up\"/><address addr=\"192.0.2.1\" "
		"addrtype=\"ipv4\"/><hostnames><hostname name=\"&f;\"/></hostnames></host>"
		"</nmaprun>\n";
	struct got *g = import_text(laughs, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	CHECK(strstr(g->err.msg, "entity") != NULL);
	CHECK_INT(g->ndev, 0);
	free(g);

	static const char external[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n"
		"<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		"<nmaprun><host><status state=\"up\"/><address addr=\"192.0.2.1\" "
		"addrtype=\"ipv4\"/><hostnames><hostname name=\"&x;\"/></hostnames></host>"
		"</nmaprun>\n";
	g = import_text(external, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	CHECK_INT(g->ndev, 0);
	free(g);

	/* 10,000 nested elements inside a host. */
	size_t depth = 10000, o = 0;
	char *deep = malloc(depth * 7 + 200);
	REQUIRE(deep != NULL);
	o += (size_t)snprintf(deep, 100, "<nmaprun><host>");
	for (size_t i = 0; i < depth; i++)
		memcpy(deep + o, "<ports>", 7), o += 7;
	g = import_as(CS_IMPORT_NMAP_XML, deep, o, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	CHECK(strstr(g->err.msg, "deeper") != NULL);
	free(g);
	free(deep);

	/* Not nmap at all. */
	g = import_as(CS_IMPORT_NMAP_XML, "<html><body>x</body></html>", 27, NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	CHECK(strstr(g->err.msg, "nmaprun") != NULL);
	free(g);
	g = import_as(CS_IMPORT_NMAP_XML, "<nmapxrun><host", 15, NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	free(g);
	/* Cut inside the first host: nothing to keep, but the file was nmap's. */
	g = import_as(CS_IMPORT_NMAP_XML, "<nmaprun><host><status state=\"up\"/>", 35, NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->ndev, 0);
	CHECK_INT(g->nskips, 1);
	free(g);
}

/* ---- masscan JSON ---- */

/* masscan 1.3's -oJ with --banners: a comma after each record and the "finished" line. */
static const char masscan_json[] =
	"[\n"
	"{   \"ip\": \"192.0.2.10\",   \"timestamp\": \"1714557600\", \"ports\": [ {\"port\": 80, "
	"\"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] }\n"
	",\n"
	"{   \"ip\": \"192.0.2.20\",   \"timestamp\": \"1714557600\", \"ports\": [ {\"port\": 554, "
	"\"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] }\n"
	",\n"
	"{   \"ip\": \"192.0.2.10\",   \"timestamp\": \"1714557601\", \"ports\": [ {\"port\": 80, "
	"\"proto\": \"tcp\", \"service\": {\"name\": \"http\", \"banner\": \"HTTP/1.1 200 "
	"OK\\r\\nServer: App-webs/\\r\\nContent-Type: text/html\\r\\nContent-Length: "
	"0\\r\\n\\r\\n\"} } ] }\n"
	",\n"
	"{   \"ip\": \"192.0.2.10\",   \"timestamp\": \"1714557601\", \"ports\": [ {\"port\": 80, "
	"\"proto\": \"tcp\", \"service\": {\"name\": \"title\", \"banner\": \"WEB SERVICE\"} } ] "
	"}\n"
	",\n"
	"{   \"ip\": \"192.0.2.20\",   \"timestamp\": \"1714557602\", \"ports\": [ {\"port\": 554, "
	"\"proto\": \"tcp\", \"service\": {\"name\": \"rtsp\", \"banner\": \"RTSP/1.0 401 "
	"Unauthorized\\r\\nCSeq: 1\\r\\nWWW-Authenticate: Digest realm=\\\"Login to "
	"4J0186FPAG00123\\\", nonce=\\\"abc\\\"\\r\\n\\r\\n\"} } ] }\n"
	",\n"
	"{finished: 1}\n"
	"]\n";

TEST(masscan_records_group_by_address)
{
	REQUIRE(cs_import_detect(masscan_json, sizeof(masscan_json) - 1) == CS_IMPORT_MASSCAN_JSON);
	struct got *g = import_text(masscan_json, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->ndev, 2);
	const struct got_dev *d = find_dev(g, "192.0.2.10");
	if (d != NULL) {
		CHECK_STR(d->maker, "Hikvision");
		CHECK_STR(d->ports, "80/tcp"); /* once, though three records name it */
		CHECK_STR(d->address, "192.0.2.10");
	}
	d = find_dev(g, "192.0.2.20");
	if (d != NULL) {
		CHECK_STR(d->maker, "Dahua");
		CHECK_STR(d->serial, "4J0186FPAG00123");
	}
	free(g);
}

TEST(masscan_other_shapes)
{
	/* A proper array (newer masscan), and one object per line. */
	static const char array[] =
		"[{\"ip\":\"192.0.2.30\",\"timestamp\":\"1\",\"ports\":[{\"port\":80,\"proto\":"
		"\"tcp\",\"service\":{\"name\":\"http.server\",\"banner\":\"DNVRS-Webs\"}}]},"
		"{\"ip\":\"192.0.2.31\",\"timestamp\":\"1\",\"ports\":[{\"port\":23,\"proto\":"
		"\"tcp\",\"status\":\"open\"}]}]";
	static const char lines[] =
		"{\"ip\":\"192.0.2.30\",\"timestamp\":\"1\",\"ports\":[{\"port\":80,\"proto\":"
		"\"tcp\",\"service\":{\"name\":\"http.server\",\"banner\":\"DNVRS-Webs\"}}]}\n"
		"{\"ip\":\"192.0.2.31\",\"timestamp\":\"1\",\"ports\":[{\"port\":23,\"proto\":"
		"\"tcp\",\"status\":\"open\"}]}\n";
	const char *forms[] = {array, lines};
	for (size_t i = 0; i < 2; i++) {
		struct got *g = import_text(forms[i], NULL);
		REQUIRE(g != NULL);
		CHECK_INT(g->rc, CS_OK);
		CHECK_INT(g->ndev, 2);
		const struct got_dev *d = find_dev(g, "192.0.2.30");
		if (d != NULL)
			CHECK_STR(d->maker, "Hikvision");
		d = find_dev(g, "192.0.2.31");
		if (d != NULL)
			CHECK_STR(d->maker, "");
		free(g);
	}
}

TEST(masscan_hostile_and_cut)
{
	/* Cut inside the last record: the records before it stay. */
	const char *last = strstr(masscan_json, "{   \"ip\": \"192.0.2.20\",   \"timestamp\": "
						"\"1714557602\"");
	REQUIRE(last != NULL);
	struct got *g = import_as(CS_IMPORT_MASSCAN_JSON, masscan_json,
				  (size_t)(last - masscan_json) + 40, NULL);
	REQUIRE(g != NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->ndev, 2);
	CHECK(strstr(g->skips, "ends inside a record") != NULL);
	free(g);
	for (size_t n = 0; n < sizeof(masscan_json) - 1; n += 13) {
		g = import_as(CS_IMPORT_MASSCAN_JSON, masscan_json, n, NULL);
		REQUIRE(g != NULL);
		CHECK(g->ndev <= 2);
		free(g);
	}
	/* Deep nesting, garbage, a record without an address. */
	char deep[5000];
	size_t o = 0;
	o += (size_t)snprintf(deep, sizeof(deep), "{\"ip\":\"192.0.2.1\",\"x\":");
	while (o < sizeof(deep) - 1)
		deep[o++] = '[';
	g = import_as(CS_IMPORT_MASSCAN_JSON, deep, o, NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	free(g);
	g = import_as(CS_IMPORT_MASSCAN_JSON, "{\"ip\": nonsense}", 16, NULL);
	CHECK_INT(g->rc, CS_EPARSE);
	free(g);
	g = import_text("{\"ip\":\"192.0.2.1\"}\n{\"ip\":\"192.0.2.2\",\"ports\":[{\"port\":80,"
			"\"proto\":\"tcp\"}]}\n",
			NULL);
	CHECK_INT(g->rc, CS_OK);
	CHECK_INT(g->ndev, 1);
	CHECK_INT(g->stats.skipped, 1);
	free(g);
}

TEST(import_detects_formats)
{
	CHECK(cs_import_detect(nmap_xml, sizeof(nmap_xml) - 1) == CS_IMPORT_NMAP_XML);
	CHECK(cs_import_detect(register_quirks, sizeof(register_quirks) - 1) == CS_IMPORT_CSV);
	static const char ms[] = "\xef\xbb\xbf  [\n{ \"ip\": \"192.0.2.1\"";
	CHECK(cs_import_detect(ms, sizeof(ms) - 1) == CS_IMPORT_MASSCAN_JSON);
	CHECK(cs_import_format_lookup("nmap-xml") == CS_IMPORT_NMAP_XML);
	CHECK(cs_import_format_lookup("xml") == CS_IMPORT_FORMAT_COUNT);
}
