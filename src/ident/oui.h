/*
 * oui.h - the IEEE MAC address registry, as Debian's ieee-data package ships it.
 *
 * Reads oui.csv (MA-L, 24-bit prefixes), mam.csv (MA-M, 28-bit), oui36.csv (MA-S, 36-bit) and
 * iab.csv (IAB, 36-bit) from a directory, plus camsweep's own small supplement of newer
 * assignments (data/oui-supplement.csv), which only fills prefixes the registry lacks.
 * A lookup tries the longest prefix first, since an MA-S block lies inside someone's MA-L.
 */
#ifndef CS_OUI_H
#define CS_OUI_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cs_oui_registry;

struct cs_oui_hit {
	const char *org;      /* registrant name, owned by the registry */
	const char *registry; /* "MA-L", "MA-M", "MA-S", "IAB" */
	const char *source;   /* file it came from */
	int org_index;	      /* stable index for caching per registrant */
	char prefix[16];      /* e.g. "58:50:ED" or "40:2C:76:1" */
};

/* Load the registry from dir and the supplement files (NULL entries ignored). */
int cs_oui_load(struct cs_oui_registry **out, const char *dir, const char *const *supplements,
		size_t nsupplements, struct cs_err *err);
void cs_oui_free(struct cs_oui_registry *r);
/* Returns true and fills *hit when the MAC's prefix is registered. */
bool cs_oui_lookup(const struct cs_oui_registry *r, const uint8_t mac[6], struct cs_oui_hit *hit);
size_t cs_oui_count(const struct cs_oui_registry *r);
size_t cs_oui_org_count(const struct cs_oui_registry *r);

#endif
