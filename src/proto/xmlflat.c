/*
 * xmlflat.c - XML documents from devices to leaves, with expat (see xmlflat.h and leaf.h).
 *
 * e.g. an ONVIF reply:
 *   <SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" ...>
 *     <SOAP-ENV:Body><tds:GetDeviceInformationResponse>
 *       <tds:Manufacturer>HIKVISION</tds:Manufacturer> ...
 * gives ("Envelope/Body/GetDeviceInformationResponse/Manufacturer", "Manufacturer", "HIKVISION").
 *
 * The document is untrusted: expat parses it from the caller's buffer in one call (it never
 * reads past n), element text is collected on one stack that grows on demand (only the
 * innermost open element receives text, so each level's text sits on top while it grows and
 * is popped when the element closes; at most CS_FLAT_MAX_VALUE per level), the path lives in a
 * fixed buffer, and depth, leaf count and input size are capped. Entity declarations are refused
 * outright, so no entity can expand; expat's own amplification limits are set as a second line.
 */
#include "proto/xmlflat.h"

#include "common/str.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * expat declares its billion-laughs limits (2.4.0+) only when the includer defines XML_DTD,
 * which expat's own build defines (Debian's too) but does not export. Define it so that the
 * declarations appear; a libexpat built without DTD support would fail to link, not misbehave.
 */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>

#define HAVE_BILLION_LAUGHS_LIMITS                                                                 \
	(XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4))

/* Separates namespace URI from local name in the names expat reports; it cannot occur in XML. */
#define NS_SEP '\x01'

struct xflat {
	XML_Parser xp;
	cs_leaf_fn fn;
	void *ctx;
	struct cs_xml_info *info;
	struct cs_err *err;
	int rc;		/* first error or callback value; once set, handlers do nothing */
	int depth;	/* open elements; the root is depth 1 */
	int body_depth; /* depth of the SOAP Body while inside it, else 0 */
	bool body_child_seen;
	size_t leaves;
	size_t path_len;
	size_t plen[CS_FLAT_MAX_DEPTH + 1];	/* path length before the element at depth d */
	size_t name_off[CS_FLAT_MAX_DEPTH + 1]; /* where that element's local name starts */
	size_t tstart[CS_FLAT_MAX_DEPTH + 1];	/* where that element's text starts in text[] */
	char *text;				/* the text stack; owned */
	size_t text_len, text_alloc;
	char path[CS_FLAT_MAX_PATH];
};

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void stop(struct xflat *x, int rc)
{
	if (x->rc == 0) {
		x->rc = rc;
		XML_StopParser(x->xp, XML_FALSE);
	}
}

static void fail(struct xflat *x, int code, const char *what)
{
	if (x->rc != 0)
		return;
	cs_err_set(x->err, code, "xml: %s at line %lu", what,
		   (unsigned long)XML_GetCurrentLineNumber(x->xp));
	stop(x, code);
}

/* Split an expat name "uri<NS_SEP>local" (or plain "local"). */
static void split_name(const XML_Char *name, struct cs_sv *uri, struct cs_sv *local)
{
	const char *sep = strrchr(name, NS_SEP);
	if (sep == NULL) {
		*uri = cs_sv_make(name, 0);
		*local = cs_sv_cstr(name);
	} else {
		*uri = cs_sv_make(name, (size_t)(sep - name));
		*local = cs_sv_cstr(sep + 1);
	}
}

/* Append "/" (unless at the root), prefix and s to the path; the new component starts at *off. */
static int path_push(struct xflat *x, const char *prefix, struct cs_sv s, size_t *off)
{
	size_t plen = strlen(prefix);
	size_t need = (x->path_len > 0 ? 1 : 0) + plen + s.n;
	if (need >= sizeof(x->path) - x->path_len) {
		fail(x, CS_ETOOBIG, "element path too long");
		return CS_ETOOBIG;
	}
	if (x->path_len > 0)
		x->path[x->path_len++] = '/';
	*off = x->path_len;
	memcpy(x->path + x->path_len, prefix, plen);
	memcpy(x->path + x->path_len + plen, s.p, s.n);
	x->path_len += plen + s.n;
	return CS_OK;
}

static void emit(struct xflat *x, size_t name_off, const char *v, size_t vn)
{
	if (x->leaves >= CS_FLAT_MAX_LEAVES) {
		fail(x, CS_ETOOBIG, "too many leaves");
		return;
	}
	x->leaves++;
	x->info->leaves = x->leaves;
	struct cs_sv path = cs_sv_make(x->path, x->path_len);
	struct cs_sv name = cs_sv_make(x->path + name_off, x->path_len - name_off);
	int r = x->fn(x->ctx, path, name, cs_sv_trim(cs_sv_make(v, vn)));
	if (r != 0) {
		cs_err_set(x->err, r, "xml: stopped by the leaf callback");
		stop(x, r);
	}
}

static void note_info(struct xflat *x, struct cs_sv uri, struct cs_sv local)
{
	struct cs_xml_info *in = x->info;

	if (x->depth == 1) {
		cs_sv_copy_clipped(in->root, sizeof(in->root), local.p, local.n);
		cs_sv_copy_clipped(in->root_ns, sizeof(in->root_ns), uri.p, uri.n);
		return;
	}
	if (x->depth == 2 && x->body_depth == 0 && !x->body_child_seen &&
	    strcmp(in->root, "Envelope") == 0 && cs_sv_eq(local, CS_SV("Body"))) {
		x->body_depth = 2;
		return;
	}
	if (x->body_depth == 0)
		return;
	if (x->depth == x->body_depth + 1 && !x->body_child_seen) {
		x->body_child_seen = true;
		cs_sv_copy_clipped(in->body, sizeof(in->body), local.p, local.n);
	}
	if (in->body_ns[0] == '\0' && uri.n > 0)
		cs_sv_copy_clipped(in->body_ns, sizeof(in->body_ns), uri.p, uri.n);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xflat *x = ud;
	struct cs_sv uri, local;

	if (x->rc != 0)
		return;
	if (x->depth >= CS_FLAT_MAX_DEPTH) {
		fail(x, CS_ETOOBIG, "elements nested too deeply");
		return;
	}
	split_name(name, &uri, &local);
	size_t before = x->path_len, off;
	if (path_push(x, "", local, &off) != CS_OK)
		return;
	x->depth++;
	x->plen[x->depth] = before;
	x->name_off[x->depth] = off;
	x->tstart[x->depth] = x->text_len;
	note_info(x, uri, local);

	for (size_t i = 0; atts[i] != NULL && atts[i + 1] != NULL && x->rc == 0; i += 2) {
		struct cs_sv auri, alocal;
		size_t elem_len = x->path_len, aoff;
		split_name(atts[i], &auri, &alocal);
		if (path_push(x, "@", alocal, &aoff) != CS_OK)
			return;
		const char *v = atts[i + 1];
		size_t vn = strlen(v);
		if (vn > CS_FLAT_MAX_VALUE)
			vn = cs_utf8_clip(v, CS_FLAT_MAX_VALUE);
		emit(x, aoff, v, vn);
		x->path_len = elem_len;
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct xflat *x = ud;
	(void)name;

	if (x->rc != 0 || x->depth == 0)
		return;
	size_t start = x->tstart[x->depth], tn = x->text_len - start;
	if (tn > 0)
		emit(x, x->name_off[x->depth], x->text + start, cs_utf8_clip(x->text + start, tn));
	x->text_len = start;
	x->path_len = x->plen[x->depth];
	if (x->depth == x->body_depth)
		x->body_depth = 0;
	x->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct xflat *x = ud;

	if (x->rc != 0 || x->depth == 0 || len <= 0)
		return;
	size_t n = (size_t)len;
	size_t have = x->text_len - x->tstart[x->depth];
	if (have == 0) {
		/* Leading whitespace is dropped here so that it does not use up the cap. */
		while (n > 0 && is_space((unsigned char)*s)) {
			s++;
			n--;
		}
	}
	if (n > CS_FLAT_MAX_VALUE - have)
		n = CS_FLAT_MAX_VALUE - have;
	if (n == 0)
		return;
	if (n > x->text_alloc - x->text_len) {
		/* Bounded: at most CS_FLAT_MAX_VALUE for each of CS_FLAT_MAX_DEPTH levels. */
		size_t want = x->text_alloc != 0 ? x->text_alloc : 1024;
		while (want - x->text_len < n)
			want *= 2;
		char *t = realloc(x->text, want);
		if (t == NULL) {
			fail(x, CS_ENOMEM, "out of memory");
			return;
		}
		x->text = t;
		x->text_alloc = want;
	}
	memcpy(x->text + x->text_len, s, n);
	x->text_len += n;
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
				   const XML_Char *value, int value_len, const XML_Char *base,
				   const XML_Char *system_id, const XML_Char *public_id,
				   const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)system_id;
	(void)public_id, (void)notation;
	fail(ud, CS_EPARSE, "entity declaration refused");
}

static int XMLCALL dbcs_convert(void *data, const char *s)
{
	(void)data, (void)s;
	return 0xfffd;
}

/*
 * Chinese firmware sometimes declares encoding="GB2312" (or GBK, Big5), which expat does not
 * know. Every byte from 0x81 to 0xfe starts a two-byte character in those encodings (a GB18030
 * four-byte character reads as two such pairs), so the structure and every ASCII character
 * survive; the non-ASCII characters themselves become U+FFFD. Identification keys on ASCII.
 */
static int XMLCALL on_unknown_encoding(void *data, const XML_Char *name, XML_Encoding *info)
{
	static const char *const dbcs[] = {"GB2312", "GBK",  "GB18030",	   "CP936", "EUC-CN",
					   "X-GBK",  "BIG5", "BIG5-HKSCS", "CP950", "EUC-KR"};
	bool known = false;
	(void)data;

	for (size_t i = 0; i < CS_ARRAY_SIZE(dbcs) && !known; i++)
		known = cs_sv_ieq(cs_sv_cstr(name), cs_sv_cstr(dbcs[i]));
	if (!known)
		return XML_STATUS_ERROR;
	for (int i = 0; i < 0x80; i++)
		info->map[i] = i;
	info->map[0x80] = 0xfffd;
	for (int i = 0x81; i < 0xff; i++)
		info->map[i] = -2;
	info->map[0xff] = 0xfffd;
	info->data = NULL;
	info->convert = dbcs_convert;
	info->release = NULL;
	return XML_STATUS_OK;
}

int cs_xml_flatten(const char *p, size_t n, cs_leaf_fn fn, void *ctx, struct cs_xml_info *info,
		   struct cs_err *err)
{
	struct cs_xml_info scratch;
	struct xflat *x = NULL;
	int r = CS_EPARSE;

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	if (p == NULL || fn == NULL)
		return cs_err_set(err, CS_EINVAL, "xml: no input or callback");
	if (n > CS_FLAT_MAX_INPUT)
		return cs_err_set(err, CS_ETOOBIG, "xml: document of %zu bytes exceeds %d", n,
				  CS_FLAT_MAX_INPUT);
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "xml: out of memory");
		goto out;
	}
	if ((x->xp = XML_ParserCreateNS(NULL, NS_SEP)) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "xml: cannot create parser");
		goto out;
	}
	x->fn = fn;
	x->ctx = ctx;
	x->info = info;
	x->err = err;
	XML_SetUserData(x->xp, x);
	XML_SetElementHandler(x->xp, on_start, on_end);
	XML_SetCharacterDataHandler(x->xp, on_text);
	XML_SetEntityDeclHandler(x->xp, on_entity_decl);
	XML_SetUnknownEncodingHandler(x->xp, on_unknown_encoding, NULL);
	/* Never read an external DTD or parameter entity (also expat's default). */
	XML_SetParamEntityParsing(x->xp, XML_PARAM_ENTITY_PARSING_NEVER);
#if HAVE_BILLION_LAUGHS_LIMITS
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(x->xp, 20.0f);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(x->xp, 1024 * 1024);
#endif

	if (XML_Parse(x->xp, p, (int)n, XML_TRUE) != XML_STATUS_OK) {
		if (x->rc != 0) {
			r = x->rc;
			goto out;
		}
		enum XML_Error e = XML_GetErrorCode(x->xp);
		r = e == XML_ERROR_NO_MEMORY ? CS_ENOMEM : CS_EPARSE;
#if HAVE_BILLION_LAUGHS_LIMITS
		if (e == XML_ERROR_AMPLIFICATION_LIMIT_BREACH)
			r = CS_ETOOBIG;
#endif
		cs_err_set(err, r, "xml: %s at line %lu, column %lu", XML_ErrorString(e),
			   (unsigned long)XML_GetCurrentLineNumber(x->xp),
			   (unsigned long)XML_GetCurrentColumnNumber(x->xp));
		goto out;
	}
	r = x->rc;
out:
	if (x != NULL) {
		if (x->xp != NULL)
			XML_ParserFree(x->xp);
		free(x->text);
		free(x);
	}
	return r;
}
