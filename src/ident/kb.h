/*
 * kb.h - the knowledge base: makers, brands, fingerprint rules, field maps, the MAC registry
 * and policy profiles, loaded once from data files (docs/internals/data-formats.md) and then
 * shared read-only by every identification.
 *
 * Loading order: the built-in data directory, then the user's override directory. A record with
 * the id of an earlier one replaces it. Every string in the KB lives until cs_kb_free().
 */
#ifndef CS_KB_H
#define CS_KB_H

#include "common/arena.h"
#include "common/err.h"
#include "common/strmap.h"
#include "ident/device.h"
#include "ident/signal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>

enum cs_maker_kind {
	CS_MK_MANUFACTURER,
	CS_MK_BRAND,
	CS_MK_CHIPMAKER,
	CS_MK_SOFTWARE,
	CS_MK_OTHER
};
enum cs_nil { CS_NIL_UNKNOWN, CS_NIL_YES, CS_NIL_NO };

struct cs_maker {
	const char *name;
	enum cs_maker_kind kind;
	const char *country;
	enum cs_nil nil;
	const char *source;
};

enum cs_relation { CS_REL_SUBSIDIARY, CS_REL_OEM, CS_REL_FORMER_OEM };
enum cs_share { CS_SHARE_ALL, CS_SHARE_MOST, CS_SHARE_SOME };

struct cs_brand_rel {
	int brand; /* maker index */
	int owner; /* maker index */
	enum cs_relation relation;
	int from, to; /* yyyymmdd; 0 = open */
	enum cs_share share;
	const char *from_text, *to_text; /* as written, "-" when open */
	const char *source;
};

enum cs_rule_op { CS_OP_EQ, CS_OP_PRE, CS_OP_HAS, CS_OP_RE };
enum cs_set_key {
	CS_SET_MAKER,
	CS_SET_BRAND,
	CS_SET_TYPE,
	CS_SET_MODEL,
	CS_SET_FIRMWARE,
	CS_SET_SERIAL,
	CS_SET_MAC,
	CS_SET_HARDWARE,
	CS_SET_VENDOR,
};

struct cs_rule_set {
	enum cs_set_key key;
	const char *tmpl; /* may contain $1..$9 */
	int maker;	  /* resolved maker index for maker=/brand= with a literal value, else -1 */
	enum cs_devtype type;
};

enum { CS_RULE_MAX_SETS = 8 };

struct cs_rule {
	const char *id;
	enum cs_signal signal;
	enum cs_rule_op op;
	const char *pattern;
	size_t pattern_len;
	pcre2_code *re;
	bool jit; /* re was JIT-compiled */
	double weight;
	struct cs_rule_set sets[CS_RULE_MAX_SETS];
	int nsets;
	const char *note;
	const char *file;
	int line;
	bool disabled; /* replaced by a later rule with the same id */
};

struct cs_field_map {
	const char *doc; /* "*" for any */
	const char *key; /* leaf name or path suffix */
	size_t key_len;
	bool is_path;
	enum cs_signal signal;
};

struct cs_oui_map {
	pcre2_code *re;
	const char *pattern;
	int maker; /* -1: explicitly not a known maker */
	const char *source;
};

struct cs_policy_entity {
	int maker;
	const char *scope;
	const char *basis;
	const char *from;
};

struct cs_policy {
	const char *id;
	const char *title;
	const char *jurisdiction;
	const char *basis;
	const char *effective;
	const char *source;
	struct cs_policy_entity *entities;
	size_t nentities;
	bool include_nil;
	const char *file;
};

struct cs_oui_registry; /* oui.c */
struct cs_marker_set;	/* markers.c */

struct cs_kb {
	struct cs_arena strings; /* every string above lives here */

	struct cs_maker *makers;
	size_t nmakers;
	struct cs_strmap maker_alias; /* normalised alias -> maker index */

	struct cs_brand_rel *brands;
	size_t nbrands;

	struct cs_rule *rules;
	size_t nrules;
	/* Rule indices per signal, in load order. */
	int *by_signal[CS_SIG_COUNT];
	size_t nby_signal[CS_SIG_COUNT];
	struct cs_marker_set *body_markers; /* the "has" rules on http.body */
	/* Per signal, all its regular expressions as one alternation: one match call tells whether
	 * any of them can match, so the common case (a header no rule cares about) costs one
	 * call instead of one per rule. NULL when a signal has none, or they cannot be combined. */
	pcre2_code *prefilter[CS_SIG_COUNT];
	bool prefilter_jit[CS_SIG_COUNT];

	struct cs_field_map *fields;
	size_t nfields;

	struct cs_oui_map *oui_maps;
	size_t noui_maps;
	struct cs_oui_registry *oui; /* loaded on first use */
	char oui_dir[512];
	char data_dirs[2][512];
	int ndata_dirs;

	struct cs_policy *policies;
	size_t npolicies;

	double report_threshold; /* combined weight needed to name a manufacturer */
};

struct cs_kb_opts {
	const char *data_dir; /* NULL: CAMSWEEP_DATA, then beside the executable, then CS_DATADIR */
	const char *user_dir; /* NULL: $XDG_CONFIG_HOME/camsweep; "" to disable */
	const char *oui_dir;  /* NULL: CAMSWEEP_OUI_DIR, then /usr/share/ieee-data */
};

/* Load everything; on failure *err says file:line. Caller frees with cs_kb_free. */
int cs_kb_load(struct cs_kb **out, const struct cs_kb_opts *opts, struct cs_err *err);
void cs_kb_free(struct cs_kb *kb);

/* Maker index by canonical name or alias (case and punctuation insensitive), or -1. */
int cs_kb_maker_find(const struct cs_kb *kb, struct cs_sv name);

/* Normalise a company name for alias matching: lower-case letters and digits only. */
size_t cs_kb_normalise(struct cs_sv in, char *out, size_t cap);

/* A date written YYYY, YYYY-MM or YYYY-MM-DD as yyyymmdd (start of period when round_up is
 * false, end of period when true); 0 for "-" or empty; -1 when malformed. */
int cs_kb_parse_date(struct cs_sv s, bool round_up);

/* The maker that owns brand m today via a current subsidiary relation, or -1. */
int cs_kb_current_owner(const struct cs_kb *kb, int m);

/* Loaders in other files. */
int cs_kb_load_policies(struct cs_kb *kb, const char *dir, struct cs_err *err);

#endif
