/*
 * ident.h - turning what a device says into who made it, with the evidence for each conclusion.
 *
 * Usage, per device:
 *
 *	cs_ident_reset(id);
 *	cs_ident_feed(id, CS_IN_HTTP, response, len, &err);   // any number of inputs
 *	cs_ident_observe(id, CS_SIG_MAC, CS_SV("58:50:ed:..."), 1.0);
 *	cs_ident_finish(id, &dev);                              // fused verdict
 *
 * Every input is broken into observations (signal, value). Each observation is matched against
 * the fingerprint rules for its signal; a match is evidence for a maker, a brand, a device type,
 * or yields a new value (a model number inside a banner, say) that is observed in turn. Evidence
 * for each maker combines as 1 - prod(1 - w). See docs/internals/identification.md.
 *
 * A struct cs_ident is reusable and not thread-safe; use one per thread. Everything in the
 * struct cs_device it fills is owned by the cs_ident and valid until the next reset or free.
 */
#ifndef CS_IDENT_H
#define CS_IDENT_H

#include "common/arena.h"
#include "common/err.h"
#include "ident/device.h"
#include "ident/kb.h"

struct cs_ident;

/* Input kinds for cs_ident_feed; names are what `identify --as` accepts. */
#define CS_INPUT_KINDS(X)                                                                          \
	X(AUTO, "auto")                                                                            \
	X(HTTP, "http")                                                                            \
	X(RTSP, "rtsp")                                                                            \
	X(SSDP, "ssdp")                                                                            \
	X(ONVIF, "onvif")                                                                          \
	X(WSD, "wsd")                                                                              \
	X(SADP, "sadp")                                                                            \
	X(DHIP, "dhip")                                                                            \
	X(ISAPI, "isapi")                                                                          \
	X(DAHUA_CGI, "dahua-cgi")                                                                  \
	X(TLS, "tls")                                                                              \
	X(MAC, "mac")                                                                              \
	X(MODEL, "model")                                                                          \
	X(BANNER, "banner")                                                                        \
	X(FAVICON, "favicon")                                                                      \
	X(JSON, "json")                                                                            \
	X(XML, "xml")                                                                              \
	X(KV, "kv")                                                                                \
	X(UBNT, "ubnt")

enum cs_input_kind {
#define X(id, name) CS_IN_##id,
	CS_INPUT_KINDS(X)
#undef X
		CS_IN_COUNT
};

const char *cs_input_kind_name(enum cs_input_kind k);
enum cs_input_kind cs_input_kind_lookup(const char *name); /* CS_IN_COUNT when unknown */
/* Guess the kind of a capture from its content; CS_IN_BANNER when nothing more specific fits. */
enum cs_input_kind cs_input_detect(const char *p, size_t n);

int cs_ident_new(struct cs_ident **out, const struct cs_kb *kb);
void cs_ident_free(struct cs_ident *id);
void cs_ident_reset(struct cs_ident *id);

/* Parse one input of the given kind (CS_IN_AUTO: detect) and observe everything in it.
 * CS_EPARSE (with detail in err) when the input is not of that kind or is malformed. */
int cs_ident_feed(struct cs_ident *id, enum cs_input_kind kind, const char *p, size_t n,
		  struct cs_err *err);

/* Observe one value directly. trust (0..1) scales the weight of what it implies. */
int cs_ident_observe(struct cs_ident *id, enum cs_signal sig, struct cs_sv value, double trust);

/* Record the device's address (not evidence of identity; kept for the inventory). */
void cs_ident_set_address(struct cs_ident *id, const char *address);

/* Fuse the evidence into a verdict. */
int cs_ident_finish(struct cs_ident *id, struct cs_device *out);

/* Scratch memory that lives until the next reset. */
struct cs_arena *cs_ident_arena(struct cs_ident *id);
const struct cs_kb *cs_ident_kb(const struct cs_ident *id);

/* Internal: observe with provenance (used by the input parsers in input.c). */
int cs_ident_observe_from(struct cs_ident *id, enum cs_signal sig, struct cs_sv value,
			  const char *from, double trust);
/* Internal: a value that may be of this signal; kept only if one of its rules matches. */
int cs_ident_observe_tentative(struct cs_ident *id, enum cs_signal sig, struct cs_sv value,
			       const char *from, double trust);

#endif
