/*
 * probes.c - the one place probes are registered: the table recognise() walks, which probe a
 * port number starts with, and the camera-aware default port set (docs/scan.md).
 *
 * Adding a protocol means writing probe_<name>.c (ending in its struct cs_probe), declaring it
 * in probe_int.h and adding it to cs_probes[] below; nothing else changes.
 */
#include "scan/probe_int.h"

#include <string.h>

/*
 * Order matters only for recognise(), and the tests check that every reply is claimed by
 * exactly one probe: each recognises its protocol by its first bytes ("HTTP/", "RTSP/", the
 * Hikvision greeting 00 00 00 10, DVRIP's b0..b3, TLS's 15/16 03), which cannot overlap.
 */
const struct cs_probe *const cs_probes[] = {
	&cs_probe_http, &cs_probe_rtsp, &cs_probe_hik_sdk, &cs_probe_dahua_dvrip, &cs_probe_tls,
};
const size_t cs_nprobes = CS_ARRAY_SIZE(cs_probes);

/* The UDP probes (probe_udp.c), and those a scan sends by default (docs/scan.md). */
const struct cs_probe *const cs_udp_probes[] = {
	&cs_probe_udp_WSD,  &cs_probe_ubnt,	&cs_probe_udp_SADP,
	&cs_probe_udp_DHIP, &cs_probe_udp_SSDP,
};
const size_t cs_nudp_probes = CS_ARRAY_SIZE(cs_udp_probes);
/* WS-Discovery: what ONVIF cameras of every maker answer; Ubiquiti's: what UniFi cameras say
 * instead of a web page. The vendor inquiries (sadp, dhip) and SSDP come with --udp. */
const char *const cs_default_udp_probes[] = {"wsd", "ubnt"};
const size_t cs_ndefault_udp_probes = CS_ARRAY_SIZE(cs_default_udp_probes);

/*
 * The default ports: where surveillance equipment answers, and only there (fingerprinting-
 * signals.md 1.3 Ingram's config.py, 1.1 nmap-service-probes, 1.5 cameradar, 1.7 "Ports").
 */
/*
 * The order matters: the first ports tried (up to --per-host of them) decide whether an address
 * is in use at all (scan.h), so the ports nearly every camera and recorder answers come first.
 */
const uint16_t cs_default_ports[] = {
	80,    /* web UI, Hikvision ISAPI, Dahua CGI and RPC2, ONVIF device service (1.7, Ingram) */
	554,   /* RTSP: Server header and 401 realm (nmap l.11572, 12367, 12373; cameradar) */
	443,   /* the same web UI and APIs over HTTPS; the certificate names the maker (1.7 TLS) */
	8000,  /* Hikvision SDK / iVMS control port (nmap l.1821, 14039; Ingram; 1.7 Ports) */
	37777, /* Dahua DVRIP private protocol (1.6 Metasploit CVE-2013-6117; 5.4; Ingram) */
	81,    /* the usual alternate web port of DVRs and NVRs (Ingram's list) */
	8080,  /* alternate web port on DVRs, NVRs and OEM cameras (Ingram's list) */
	8443,  /* alternate HTTPS port, where 443 is forwarded or taken */
	8554,  /* alternate RTSP port (cameradar's default RTSP ports) */
};
const size_t cs_ndefault_ports = CS_ARRAY_SIZE(cs_default_ports);

static const struct {
	uint16_t port;
	const struct cs_probe *probe;
	bool tls;
} port_probes[] = {
	{80, &cs_probe_http, false},	       {81, &cs_probe_http, false},
	{8080, &cs_probe_http, false},	       {443, &cs_probe_http, true},
	{8443, &cs_probe_http, true},	       {554, &cs_probe_rtsp, false},
	{8554, &cs_probe_rtsp, false},	       {8000, &cs_probe_hik_sdk, false},
	{37777, &cs_probe_dahua_dvrip, false},
};

const struct cs_probe *cs_probe_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < cs_nprobes; i++)
		if (strcmp(cs_probes[i]->name, name) == 0)
			return cs_probes[i];
	return NULL;
}

const struct cs_probe *cs_probe_for_port(uint16_t port, bool *tls)
{
	if (tls != NULL)
		*tls = false;
	for (size_t i = 0; i < CS_ARRAY_SIZE(port_probes); i++) {
		if (port_probes[i].port == port) {
			if (tls != NULL)
				*tls = port_probes[i].tls;
			return port_probes[i].probe;
		}
	}
	return NULL;
}

const struct cs_probe *cs_probe_recognise(const char *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return NULL;
	for (size_t i = 0; i < cs_nprobes; i++)
		if (cs_probes[i]->recognise(buf, len))
			return cs_probes[i];
	return NULL;
}
