/*
 * signal.h - every kind of observation camsweep can make about a device, in one list.
 *
 * A signal is "where a value was seen": the Server header of an HTTP response, a WS-Discovery
 * scope, the vendor field of a DHIP reply. Fingerprint rules (the .rules files in data/fingerprints) name
 * the signal they apply to by the string in the second column. Derived signals (model,
 * firmware, serial, mac, vendor, type) collect values from every source so that one model
 * grammar serves ONVIF, SADP, an asset register and a page title alike.
 *
 * The numbers are not persisted (the store keeps the names), so the list may be reordered.
 */
#ifndef CS_SIGNAL_H
#define CS_SIGNAL_H

#include "common/str.h"

#define CS_SIGNALS(X)                                                                              \
	X(HTTP_STATUS, "http.status", "HTTP status line")                                          \
	X(HTTP_SERVER, "http.server", "HTTP Server header")                                        \
	X(HTTP_AUTH, "http.auth", "HTTP WWW-Authenticate header")                                  \
	X(HTTP_REALM, "http.realm", "realm of an HTTP authentication challenge")                   \
	X(HTTP_TITLE, "http.title", "HTML page title")                                             \
	X(HTTP_BODY, "http.body", "HTTP body (marker search)")                                     \
	X(HTTP_HEADER, "http.header", "an HTTP header line, as 'Name: value'")                     \
	X(HTTP_SHAPE, "http.shape", "header order and case of an HTTP response")                   \
	X(HTTP_LOCATION, "http.location", "HTTP Location header")                                  \
	X(HTTP_COOKIE, "http.cookie", "name of a cookie set by the device")                        \
	X(FAVICON_MD5, "favicon.md5", "MD5 of a favicon")                                          \
	X(FAVICON_MMH3, "favicon.mmh3", "Shodan-style MurmurHash3 of a favicon")                   \
	X(RTSP_SERVER, "rtsp.server", "RTSP Server header")                                        \
	X(RTSP_AUTH, "rtsp.auth", "RTSP WWW-Authenticate header")                                  \
	X(RTSP_REALM, "rtsp.realm", "realm of an RTSP authentication challenge")                   \
	X(RTSP_PUBLIC, "rtsp.public", "RTSP Public header (methods)")                              \
	X(RTSP_SHAPE, "rtsp.shape", "header order and case of an RTSP response")                   \
	X(WSD_SCOPE, "wsd.scope", "ONVIF WS-Discovery scope URI")                                  \
	X(WSD_TYPES, "wsd.types", "WS-Discovery Types")                                            \
	X(WSD_XADDR, "wsd.xaddr", "WS-Discovery XAddrs URL")                                       \
	X(WSD_ENDPOINT, "wsd.endpoint", "WS-Discovery endpoint reference address")                 \
	X(TLS_SUBJECT, "tls.subject", "TLS certificate subject")                                   \
	X(TLS_ISSUER, "tls.issuer", "TLS certificate issuer")                                      \
	X(TLS_SAN, "tls.san", "TLS certificate subject alternative name")                          \
	X(TLS_JARM, "tls.jarm", "JARM hash of a TLS server")                                       \
	X(TELNET, "telnet", "telnet banner")                                                       \
	X(FTP, "ftp", "FTP banner")                                                                \
	X(SNMP_SYSDESCR, "snmp.sysdescr", "SNMP sysDescr")                                         \
	X(SIP_UA, "sip.ua", "SIP User-Agent or Server")                                            \
	X(DHCP_VENDOR, "dhcp.vendor", "DHCP vendor class (option 60)")                             \
	X(DHCP_PRL, "dhcp.prl", "DHCP parameter request list (option 55), decimal codes")          \
	X(UPNP_SERVER, "upnp.server", "SSDP/UPnP SERVER header")                                   \
	X(DNS_VERSION, "dns.version", "DNS version.bind")                                          \
	X(PROTO, "proto", "a vendor protocol or document format the device spoke")                 \
	X(DOC_NS, "doc.ns", "XML namespace of a device document")                                  \
	X(VENDOR, "vendor", "maker or brand the device names for itself")                          \
	X(MODEL, "model", "model number or name")                                                  \
	X(FIRMWARE, "firmware", "firmware version string")                                         \
	X(SERIAL, "serial", "serial number")                                                       \
	X(MAC, "mac", "MAC address")                                                               \
	X(OUI, "oui", "IEEE registrant of a MAC address prefix")                                   \
	X(HARDWARE, "hardware", "hardware id or revision")                                         \
	X(TYPE, "type", "device type as the device states it")                                     \
	X(HOSTNAME, "hostname", "host or device name")                                             \
	X(OEM, "oem", "OEM field of a vendor protocol")                                            \
	X(LABEL, "label", "maker or brand on a label or in an asset register (not hardware)")      \
	X(BANNER, "banner", "a banner line of unknown origin")

enum cs_signal {
#define X(id, name, desc) CS_SIG_##id,
	CS_SIGNALS(X)
#undef X
		CS_SIG_COUNT
};

const char *cs_signal_name(enum cs_signal s);
const char *cs_signal_desc(enum cs_signal s);
/* Returns CS_SIG_COUNT when the name is unknown. */
enum cs_signal cs_signal_lookup(struct cs_sv name);

#endif
