/*
 * cloud.h - the vendor cloud and P2P services a camera may phone home to (Hik-Connect, EZVIZ,
 * Dahua P2P/easy4ip, Imou, Xiongmai's XMEye, ...), read from data/cloud-domains.tsv, and the
 * test of a DNS name against them.
 *
 * A host that looks such a name up, names it in a TLS ClientHello or an HTTP Host header is
 * reported as "contacts vendor cloud". That is a fact about its traffic, not evidence of who
 * made it: a phone running the vendor's app contacts the same service.
 */
#ifndef CS_PCAP_CLOUD_H
#define CS_PCAP_CLOUD_H

#include "common/err.h"
#include "common/str.h"

#include <stdbool.h>
#include <stddef.h>

struct cs_cloud_entry {
	char *domain;  /* matched as the whole name or a suffix after a dot, lower-case */
	char *service; /* e.g. "Hik-Connect" */
	char *vendor;  /* the company behind the service (a makers.tsv name), e.g. "Hikvision" */
	bool verified; /* false: the name was not confirmed in a public source */
};

struct cs_cloud {
	struct cs_cloud_entry *e;
	size_t n;
};

/*
 * Load every dirs[i]/cloud-domains.tsv that exists (later files add to earlier ones; a domain
 * already listed is replaced). A missing file is not an error; a malformed one is CS_EDATA
 * with "path:line: why". Caller must cs_cloud_free(out).
 */
int cs_cloud_load(struct cs_cloud *out, const char *const *dirs, size_t ndirs, struct cs_err *err);
void cs_cloud_free(struct cs_cloud *c);

/* The entry name (a DNS name, any case, optional trailing dot) falls under, or NULL. */
const struct cs_cloud_entry *cs_cloud_match(const struct cs_cloud *c, struct cs_sv name);

#endif
