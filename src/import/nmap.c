/*
 * nmap.c - nmap's XML output (-oX) to devices, one per host that is up.
 *
 * e.g.  <host><status state="up" .../>
 *         <address addr="192.0.2.10" addrtype="ipv4"/>
 *         <address addr="44:19:B6:00:00:01" addrtype="mac" vendor="Hangzhou Hikvision ..."/>
 *         <ports><port protocol="tcp" portid="80"><state state="open" .../>
 *           <service name="http" product="Hikvision IP camera httpd" devicetype="webcam"/>
 *           <script id="http-server-header" output="App-webs/"/> ...
 *
 * What nmap captured is fed to the engine as what it is: script outputs as HTTP headers, page
 * titles, RTSP methods and certificate names; the raw responses inside a service fingerprint
 * (servicefp, for services nmap could not name) as whole replies; nmap's own conclusions
 * (product names, OS guesses) only at a lower trust, since they are someone else's verdict.
 *
 * The file is untrusted: entity declarations are refused (so nothing can expand), expat's
 * amplification limits are set as well, nesting is capped, and every value is capped.
 */
#include "common/buf.h"
#include "import/import_int.h"
#include "proto/http.h"
#include "proto/tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef XML_DTD
#define XML_DTD 1 /* see xmlflat.c: exposes expat's billion-laughs limits */
#endif
#include <expat.h>

#define HAVE_BILLION_LAUGHS_LIMITS                                                                 \
	(XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4))

enum {
	NMAP_MAX_DEPTH = 32,	   /* nmap's own documents nest 6 deep */
	NMAP_MAX_OUTPUT = 65536,   /* bytes of one script output or fingerprint read */
	NMAP_MAX_RESPONSE = 65536, /* bytes of one response decoded from a fingerprint */
	NMAP_PORTS_TEXT = 512,	   /* "80/tcp,554/tcp,..." */
};

/* nmap's product names and device types are its verdict on a banner, not the device's words;
 * its OS guesses are statistics. */
static const double TRUST_VERDICT = 0.6, TRUST_OS_GUESS = 0.4;

struct nmap {
	struct cs_import *im;
	XML_Parser xp;
	int rc; /* first error or sink code; once set, handlers do nothing */
	int depth;
	bool root_seen;
	size_t hosts;
	/* the host being read */
	bool in_host, down, observed, os_done, in_osmatch;
	size_t host_line;
	char addr[64], mac[32], mac_vendor[256];
	char ports[NMAP_PORTS_TEXT];
	size_t ports_len;
	/* the port being read */
	bool in_port, port_open;
	char port[32];
};

static void fail(struct nmap *x, int code, const char *msg)
{
	if (x->rc != 0)
		return;
	x->rc = cs_err_set(x->im->err, code, "%s: %s", x->im->name, msg);
	XML_StopParser(x->xp, XML_FALSE);
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (size_t i = 0; a[i] != NULL && a[i + 1] != NULL; i += 2)
		if (strcmp(a[i], name) == 0)
			return a[i + 1];
	return NULL;
}

static struct cs_sv capped(const char *s, size_t cap)
{
	size_t n = s != NULL ? strnlen(s, cap) : 0;
	return cs_sv_make(s != NULL ? s : "", n);
}

/* Where the evidence came from: "nmap FILE ADDR port 80/tcp WHAT". */
static const char *from(struct nmap *x, const char *what)
{
	return cs_arena_printf(cs_ident_arena(x->im->id), "nmap %s %s%s%s %s", x->im->name,
			       x->addr[0] ? x->addr : "host", x->in_port ? " port " : "",
			       x->in_port ? x->port : "", what);
}

static void observe(struct nmap *x, enum cs_signal sig, struct cs_sv v, const char *what,
		    double trust)
{
	v = cs_sv_trim(v);
	if (v.n == 0)
		return;
	imp_observe(x->im, sig, v, from(x, what), trust);
	x->observed = true;
}

/* nmap's name of a product ("Hikvision IP camera httpd"): when it starts with a maker's name,
 * that is nmap's verdict on the maker. */
static void observe_product(struct nmap *x, const char *product, const char *what)
{
	struct cs_sv p = cs_sv_trim(capped(product, 256));
	double trust = TRUST_VERDICT;
	if (p.n == 0)
		return;
	observe(x, CS_SIG_BANNER, p, what, trust);
	/* One word, then two ("IC Realtime ..."). */
	const char *sp = memchr(p.p, ' ', p.n);
	struct cs_sv one = cs_sv_make(p.p, sp != NULL ? (size_t)(sp - p.p) : p.n);
	if (cs_kb_maker_find(x->im->kb, one) >= 0) {
		observe(x, CS_SIG_VENDOR, one, what, trust);
	} else if (sp != NULL) {
		const char *sp2 = memchr(sp + 1, ' ', p.n - one.n - 1);
		struct cs_sv two = cs_sv_make(p.p, sp2 != NULL ? (size_t)(sp2 - p.p) : p.n);
		if (cs_kb_maker_find(x->im->kb, two) >= 0)
			observe(x, CS_SIG_VENDOR, two, what, trust);
	}
}

/* Each line of s (capped), trimmed, to fn. */
static void each_line(struct nmap *x, const char *s, void (*fn)(struct nmap *, struct cs_sv))
{
	struct cs_sv all = capped(s, NMAP_MAX_OUTPUT);
	const char *p = all.p, *end = all.p + all.n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;
		struct cs_sv line = cs_sv_trim(cs_sv_make(p, (size_t)(le - p)));
		if (line.n > 0)
			fn(x, line);
		p = le + 1;
	}
}

/* http-headers: "  Server: App-webs/" per line, then "(Request type: GET)". */
static void header_line(struct nmap *x, struct cs_sv line)
{
	const char *colon = memchr(line.p, ':', line.n);
	if (colon == NULL || colon == line.p || line.p[0] == '(')
		return;
	struct cs_sv name = cs_sv_trim(cs_sv_make(line.p, (size_t)(colon - line.p)));
	struct cs_sv v = cs_sv_trim(cs_sv_make(colon + 1, line.n - (size_t)(colon + 1 - line.p)));
	for (size_t i = 0; i < name.n; i++)
		if (name.p[i] == ' ')
			return; /* not a header line */
	observe(x, CS_SIG_HTTP_HEADER, line, "http-headers", 1.0);
	if (cs_sv_ieq(name, CS_SV("Server"))) {
		observe(x, CS_SIG_HTTP_SERVER, v, "http-headers", 1.0);
	} else if (cs_sv_ieq(name, CS_SV("WWW-Authenticate"))) {
		struct cs_sv realm;
		observe(x, CS_SIG_HTTP_AUTH, v, "http-headers", 1.0);
		if (cs_http_auth_realm(v, &realm))
			observe(x, CS_SIG_HTTP_REALM, realm, "http-headers", 1.0);
	} else if (cs_sv_ieq(name, CS_SV("Location"))) {
		observe(x, CS_SIG_HTTP_LOCATION, v, "http-headers", 1.0);
	} else if (cs_sv_ieq(name, CS_SV("Set-Cookie"))) {
		const char *eq = memchr(v.p, '=', v.n);
		if (eq != NULL)
			observe(x, CS_SIG_HTTP_COOKIE, cs_sv_make(v.p, (size_t)(eq - v.p)),
				"http-headers", 1.0);
	}
}

static void server_line(struct nmap *x, struct cs_sv line)
{
	observe(x, CS_SIG_HTTP_SERVER, line, "http-server-header", 1.0);
}

/* Any script's line naming a realm (http-auth: "Digest realm=..."). */
static void auth_line(struct nmap *x, struct cs_sv line)
{
	struct cs_sv realm;
	long at = cs_sv_ifind(line, CS_SV("realm="));
	if (at < 0)
		return;
	long scheme = cs_sv_ifind(line, CS_SV("Basic "));
	if (scheme < 0 || scheme > at)
		scheme = cs_sv_ifind(line, CS_SV("Digest "));
	struct cs_sv v = scheme >= 0 && scheme < at
				 ? cs_sv_make(line.p + scheme, line.n - (size_t)scheme)
				 : line;
	observe(x, CS_SIG_HTTP_AUTH, v, "http-auth", 1.0);
	if (cs_http_auth_realm(v, &realm))
		observe(x, CS_SIG_HTTP_REALM, realm, "http-auth", 1.0);
}

/* ssl-cert: "Subject: commonName=x/organizationName=y/countryName=CN" to a DN line. */
static void cert_line(struct nmap *x, struct cs_sv line)
{
	static const struct {
		const char *lng, *shrt;
	} names[] = {{"commonName", "CN"},
		     {"organizationName", "O"},
		     {"organizationalUnitName", "OU"},
		     {"countryName", "C"},
		     {"stateOrProvinceName", "ST"},
		     {"localityName", "L"}};
	bool issuer = cs_sv_iprefix(line, CS_SV("Issuer:"));
	if (!issuer && !cs_sv_iprefix(line, CS_SV("Subject:")))
		return;
	struct cs_sv rest = cs_sv_trim(cs_sv_make(line.p + 8 - !issuer, line.n - 8 + !issuer));
	struct cs_buf dn;
	struct cs_tls_cert cert;
	cs_buf_init(&dn, 4096);
	cs_buf_puts(&dn, issuer ? "issuer=" : "subject=");
	/* Each "/name=" becomes ", SHORT=" (a value's own '/' stays when no name follows it). */
	for (size_t i = 0; i < rest.n;) {
		bool done = false;
		if (i == 0 || rest.p[i] == '/') {
			size_t j = i == 0 ? 0 : i + 1;
			for (size_t k = 0; k < CS_ARRAY_SIZE(names) && !done; k++) {
				size_t l = strlen(names[k].lng);
				if (j + l < rest.n && memcmp(rest.p + j, names[k].lng, l) == 0 &&
				    rest.p[j + l] == '=') {
					cs_buf_printf(&dn, "%s%s=", i == 0 ? "" : ", ",
						      names[k].shrt);
					i = j + l + 1;
					done = true;
				}
			}
		}
		if (!done)
			cs_buf_putc(&dn, rest.p[i++]);
	}
	memset(&cert, 0, sizeof(cert));
	if (dn.data != NULL && cs_tls_parse_dn_line(dn.data, dn.len, &cert) == CS_OK) {
		if (!issuer && cert.subject[0] != '\0')
			observe(x, CS_SIG_TLS_SUBJECT, cs_sv_cstr(cert.subject), "ssl-cert", 1.0);
		if (issuer && cert.issuer[0] != '\0')
			observe(x, CS_SIG_TLS_ISSUER, cs_sv_cstr(cert.issuer), "ssl-cert", 1.0);
	}
	cs_buf_free(&dn);
}

static void on_script(struct nmap *x, const char *id, const char *output)
{
	if (id == NULL || output == NULL)
		return;
	if (strcmp(id, "http-title") == 0) {
		struct cs_sv t = capped(output, NMAP_MAX_OUTPUT);
		const char *nl = memchr(t.p, '\n', t.n);
		if (nl != NULL)
			t.n = (size_t)(nl - t.p);
		/* nmap's own words when there is no title are not the device's. */
		if (!cs_sv_iprefix(t, CS_SV("Site doesn't have a title")))
			observe(x, CS_SIG_HTTP_TITLE, t, "http-title", 1.0);
	} else if (strcmp(id, "http-server-header") == 0) {
		each_line(x, output, server_line);
	} else if (strcmp(id, "http-headers") == 0) {
		each_line(x, output, header_line);
	} else if (strcmp(id, "rtsp-methods") == 0) {
		observe(x, CS_SIG_RTSP_PUBLIC, capped(output, NMAP_MAX_OUTPUT), "rtsp-methods",
			1.0);
	} else if (strcmp(id, "ssl-cert") == 0) {
		each_line(x, output, cert_line);
	} else if (strcmp(id, "banner") == 0) {
		struct cs_sv b = capped(output, NMAP_MAX_OUTPUT);
		cs_ident_feed(x->im->id, CS_IN_BANNER, b.p, b.n, NULL);
		x->observed = true;
	} else {
		each_line(x, output, auth_line);
	}
}

/*
 * A service fingerprint carries the replies nmap got, escaped:
 *   SF-Port80-TCP:V=7.94%I=7%D=5/1%Time=...%r(GetRequest,1A2,"HTTP/1\.1\x20200\x20OK\r\n
 *   SF:Server:\x20App-webs/\r\n...")%r(RTSPRequest,...)
 * Lines after the first start with "SF:". Each reply is decoded and fed as a whole capture.
 */
static void on_servicefp(struct nmap *x, const char *fp)
{
	struct cs_sv s = capped(fp, NMAP_MAX_OUTPUT);
	struct cs_buf resp;
	cs_buf_init(&resp, NMAP_MAX_RESPONSE);
	for (size_t i = 0; i + 3 < s.n; i++) {
		if (memcmp(s.p + i, "%r(", 3) != 0)
			continue;
		/* probe name, hex length, then the quoted reply */
		const char *q = memchr(s.p + i, '"', s.n - i);
		if (q == NULL)
			break;
		size_t j = (size_t)(q - s.p) + 1;
		cs_buf_reset(&resp);
		while (j < s.n && s.p[j] != '"') {
			char ch = s.p[j];
			if (ch == '\n') {
				/* a line break in the attribute: the next line starts "SF:" */
				j++;
				if (j + 3 <= s.n && memcmp(s.p + j, "SF:", 3) == 0)
					j += 3;
				continue;
			}
			if (ch == '\\' && j + 1 < s.n) {
				char e = s.p[j + 1];
				int h1, h2;
				j += 2;
				if (e == 'x' && j + 1 < s.n &&
				    (h1 = cs_hexval((unsigned char)s.p[j])) >= 0 &&
				    (h2 = cs_hexval((unsigned char)s.p[j + 1])) >= 0) {
					ch = (char)(h1 << 4 | h2);
					j += 2;
				} else {
					ch = e == 'r'	? '\r'
					     : e == 'n' ? '\n'
					     : e == 't' ? '\t'
					     : e == '0' ? '\0'
							: e;
				}
			} else {
				j++;
			}
			if (cs_buf_putc(&resp, ch) != CS_OK)
				break;
		}
		if (resp.len > 0) {
			cs_ident_feed(x->im->id, CS_IN_AUTO, resp.data, resp.len, NULL);
			x->observed = true;
		}
		i = j;
	}
	cs_buf_free(&resp);
}

static void host_begin(struct nmap *x)
{
	imp_begin(x->im);
	x->in_host = true;
	x->down = x->observed = x->os_done = x->in_osmatch = false;
	x->addr[0] = x->mac[0] = x->mac_vendor[0] = '\0';
	x->ports[0] = '\0';
	x->ports_len = 0;
	x->host_line = (size_t)XML_GetCurrentLineNumber(x->xp);
}

static bool have_oui_evidence(struct nmap *x)
{
	struct cs_device d;
	if (cs_ident_finish(x->im->id, &d) != CS_OK)
		return false;
	for (size_t i = 0; i < d.nevidence; i++)
		if (d.evidence[i].signal == CS_SIG_OUI)
			return true;
	return false;
}

static void host_end(struct nmap *x)
{
	char where[96];
	x->in_host = false;
	x->hosts++;
	snprintf(where, sizeof(where), "%s", x->addr[0] ? x->addr : "host");
	if (x->down)
		return; /* nmap -v lists hosts that did not answer: not records */
	x->im->stats->records++;
	if (x->mac[0] != '\0') {
		observe(x, CS_SIG_MAC, cs_sv_cstr(x->mac), "mac", 1.0);
		/* nmap's vendor for the MAC is its copy of the IEEE registry: used only when ours
		 * did not answer, so that one registration is not counted twice. */
		if (x->mac_vendor[0] != '\0' && !have_oui_evidence(x))
			observe(x, CS_SIG_OUI, cs_sv_cstr(x->mac_vendor), "mac vendor", 0.9);
	}
	if (!x->observed) {
		imp_skip(x->im, where, "up, but no open port, MAC or name to identify it by");
		return;
	}
	if (x->addr[0] != '\0')
		cs_ident_set_address(x->im->id, x->addr);
	int r = imp_end(x->im, where, NULL, x->ports_len > 0 ? x->ports : NULL);
	if (r != CS_OK && x->rc == 0) {
		x->rc = r;
		XML_StopParser(x->xp, XML_FALSE);
	}
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct nmap *x = ud;
	if (x->rc != 0)
		return;
	if (++x->depth > NMAP_MAX_DEPTH) {
		fail(x, CS_EPARSE, "nmap XML nested deeper than 32 elements");
		return;
	}
	if (!x->root_seen) {
		x->root_seen = true;
		if (strcmp(name, "nmaprun") != 0)
			fail(x, CS_EPARSE, "not nmap XML (the root element is not <nmaprun>)");
		return;
	}
	if (strcmp(name, "host") == 0) {
		host_begin(x);
		return;
	}
	if (!x->in_host)
		return;
	if (strcmp(name, "status") == 0) {
		const char *st = attr(a, "state");
		x->down = st != NULL && strcmp(st, "up") != 0;
	} else if (strcmp(name, "address") == 0) {
		const char *addr = attr(a, "addr"), *type = attr(a, "addrtype");
		if (addr == NULL || type == NULL)
			return;
		if (strcmp(type, "mac") == 0) {
			snprintf(x->mac, sizeof(x->mac), "%s", addr);
			const char *v = attr(a, "vendor");
			if (v != NULL)
				snprintf(x->mac_vendor, sizeof(x->mac_vendor), "%s", v);
		} else if (x->addr[0] == '\0') {
			snprintf(x->addr, sizeof(x->addr), "%s", addr);
		}
	} else if (strcmp(name, "hostname") == 0) {
		observe(x, CS_SIG_HOSTNAME, capped(attr(a, "name"), 256), "hostname", 1.0);
	} else if (strcmp(name, "port") == 0) {
		const char *proto = attr(a, "protocol"), *id = attr(a, "portid");
		x->in_port = true;
		x->port_open = false;
		snprintf(x->port, sizeof(x->port), "%.8s/%.8s", id ? id : "?",
			 proto ? proto : "tcp");
	} else if (strcmp(name, "state") == 0 && x->in_port) {
		const char *st = attr(a, "state");
		x->port_open = st != NULL && strncmp(st, "open", 4) == 0;
		if (x->port_open && x->ports_len + strlen(x->port) + 2 < sizeof(x->ports))
			x->ports_len += (size_t)snprintf(x->ports + x->ports_len,
							 sizeof(x->ports) - x->ports_len, "%s%s",
							 x->ports_len ? "," : "", x->port);
	} else if (strcmp(name, "service") == 0 && x->in_port && x->port_open) {
		observe_product(x, attr(a, "product"), "service product");
		observe(x, CS_SIG_TYPE, capped(attr(a, "devicetype"), 64), "service devicetype",
			TRUST_VERDICT);
		observe(x, CS_SIG_HOSTNAME, capped(attr(a, "hostname"), 256), "service hostname",
			1.0);
		const char *fp = attr(a, "servicefp");
		if (fp != NULL)
			on_servicefp(x, fp);
	} else if (strcmp(name, "script") == 0 && (!x->in_port || x->port_open)) {
		on_script(x, attr(a, "id"), attr(a, "output"));
	} else if (strcmp(name, "osmatch") == 0) {
		x->in_osmatch = !x->os_done; /* only nmap's best guess */
	} else if (strcmp(name, "osclass") == 0 && x->in_osmatch) {
		/* OS detection is a statistical guess: weaker still than a product name. */
		struct cs_sv v = capped(attr(a, "vendor"), 128);
		if (cs_kb_maker_find(x->im->kb, v) >= 0)
			observe(x, CS_SIG_VENDOR, v, "osclass", TRUST_OS_GUESS);
		observe(x, CS_SIG_TYPE, capped(attr(a, "type"), 64), "osclass", TRUST_OS_GUESS);
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct nmap *x = ud;
	if (x->rc != 0)
		return;
	x->depth--;
	if (strcmp(name, "host") == 0 && x->in_host)
		host_end(x);
	else if (strcmp(name, "port") == 0)
		x->in_port = false;
	else if (strcmp(name, "osmatch") == 0 && x->in_osmatch)
		x->in_osmatch = false, x->os_done = true;
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
				   const XML_Char *value, int value_len, const XML_Char *base,
				   const XML_Char *system_id, const XML_Char *public_id,
				   const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)system_id;
	(void)public_id, (void)notation;
	fail(ud, CS_EPARSE, "nmap XML: entity declarations are refused");
}

int imp_nmap(struct cs_import *im, const char *p, size_t n)
{
	struct nmap x;
	int r;
	memset(&x, 0, sizeof(x));
	x.im = im;
	if ((x.xp = XML_ParserCreate(NULL)) == NULL)
		return cs_err_set(im->err, CS_ENOMEM, "out of memory");
	XML_SetUserData(x.xp, &x);
	XML_SetElementHandler(x.xp, on_start, on_end);
	XML_SetEntityDeclHandler(x.xp, on_entity_decl);
	XML_SetParamEntityParsing(x.xp, XML_PARAM_ENTITY_PARSING_NEVER);
#if HAVE_BILLION_LAUGHS_LIMITS
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(x.xp, 20.0f);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(x.xp, 1024 * 1024);
#endif
	if (XML_Parse(x.xp, p, (int)n, XML_TRUE) == XML_STATUS_OK) {
		r = x.rc;
	} else if (x.rc != 0) {
		r = x.rc;
	} else {
		enum XML_Error e = XML_GetErrorCode(x.xp);
		unsigned long line = (unsigned long)XML_GetCurrentLineNumber(x.xp);
		if ((e == XML_ERROR_NO_ELEMENTS || e == XML_ERROR_UNCLOSED_TOKEN ||
		     e == XML_ERROR_PARTIAL_CHAR) &&
		    x.root_seen) {
			/* An interrupted scan leaves the file cut short: keep the hosts before
			 * the cut, and say that the one being written is lost. */
			char where[64];
			snprintf(where, sizeof(where), "line %lu", line);
			if (x.in_host)
				imp_skip(im, where,
					 "the file ends inside this host (scan interrupted?)");
			r = CS_OK;
		} else {
			r = cs_err_set(im->err, e == XML_ERROR_NO_MEMORY ? CS_ENOMEM : CS_EPARSE,
				       "%s: not nmap XML: %s at line %lu", im->name,
				       XML_ErrorString(e), line);
		}
	}
	XML_ParserFree(x.xp);
	return r;
}
