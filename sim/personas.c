/*
 * personas.c - what each simulated device is: its ports and the exact bytes it answers.
 *
 * This file is data. Each persona is a list of services (port, kind, mode) and each HTTP or
 * RTSP service a list of routes, first match wins, ending in the persona's own 404 shape.
 * Answers are templates (device.c): status lines, header order and header case are written
 * exactly as the device sends them, because a scanner's fingerprints depend on all three.
 *
 * Sources, in order of trust (the reference files are in ../shared/reference/):
 *   - captures: examples/captures/ and tests/fixtures/ (the shapes camsweep already reads);
 *   - nmap-service-probes match lines (nmap_service_probes_camera_matches.txt), which are
 *     written from real responses: where a line anchors a whole answer it is reproduced;
 *   - fingerprinting-signals.md sections 1, 1.7 and 5, Recog examples, the Besder/Xiongmai
 *     captures, the Axis VAPIX and Reolink API samples;
 *   - general knowledge, marked UNVERIFIED next to the bytes it produced.
 * MAC prefixes were checked against /usr/share/ieee-data/oui.csv (Debian 12, 2022-08-27).
 */
#include "sim.h"

#include <string.h>

#define LIST(a) a, CS_ARRAY_SIZE(a)

/* One route with no hook; the services, by kind. */
#define R(M, P, N, RESP)                                                                           \
	{                                                                                          \
		(M), (P), (N), (RESP), NULL, SIM_HOOK_NONE                                         \
	}
#define HTTP(PORT, RT)                                                                             \
	{                                                                                          \
		.port = (PORT), .kind = SIM_HTTP, .routes = (RT), .nroutes = CS_ARRAY_SIZE(RT)     \
	}
#define HTTP_MODE(PORT, RT, MODE)                                                                  \
	{                                                                                          \
		.port = (PORT), .kind = SIM_HTTP, .mode = (MODE), .routes = (RT),                  \
		.nroutes = CS_ARRAY_SIZE(RT)                                                       \
	}
#define HTTPS(PORT, RT)                                                                            \
	{                                                                                          \
		.port = (PORT), .kind = SIM_HTTP, .routes = (RT), .nroutes = CS_ARRAY_SIZE(RT),    \
		.tls = true                                                                        \
	}
#define RTSP(PORT, RT)                                                                             \
	{                                                                                          \
		.port = (PORT), .kind = SIM_RTSP, .routes = (RT), .nroutes = CS_ARRAY_SIZE(RT)     \
	}
#define RTSP_MODE(PORT, RT, MODE)                                                                  \
	{                                                                                          \
		.port = (PORT), .kind = SIM_RTSP, .mode = (MODE), .routes = (RT),                  \
		.nroutes = CS_ARRAY_SIZE(RT)                                                       \
	}
#define GREET(PORT, G)                                                                             \
	{                                                                                          \
		.port = (PORT), .kind = SIM_BANNER, .greet = (G), .ngreet = sizeof(G)              \
	}
#define ANSWER(PORT, A)                                                                            \
	{                                                                                          \
		.port = (PORT), .kind = SIM_BANNER, .reply = (A), .nreply = sizeof(A)              \
	}
#define HOLD(PORT)                                                                                 \
	{                                                                                          \
		.port = (PORT), .kind = SIM_HOLD                                                   \
	}
#define DVRIP(PORT, RT, TMPL)                                                                      \
	{                                                                                          \
		.port = (PORT), .kind = SIM_DVRIP, .routes = (RT), .nroutes = CS_ARRAY_SIZE(RT),   \
		.tmpl = (TMPL)                                                                     \
	}
#define UDP(PORT, KIND, TMPL)                                                                      \
	{                                                                                          \
		.port = (PORT), .kind = (KIND), .tmpl = (TMPL), .types = WSD_TYPES                 \
	}
#define UDP_TYPES(PORT, KIND, TMPL, TYPES)                                                         \
	{                                                                                          \
		.port = (PORT), .kind = (KIND), .tmpl = (TMPL), .types = (TYPES)                   \
	}

/* ---------------------------------------------------------------- shared pieces */

/* ONVIF device service (SOAP 1.2). GetSystemDateAndTime is answered without authentication
 * by every ONVIF device (clients need it to build WS-Security digests). */
#define ONVIF_DT_BODY                                                                              \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                             \
	"<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" "                     \
	"xmlns:tt=\"http://www.onvif.org/ver10/schema\" "                                          \
	"xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\"><env:Body>"                          \
	"<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"                                \
	"<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"     \
	"<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Date>"                  \
	"<tt:Year>{year}</tt:Year><tt:Month>{mon}</tt:Month><tt:Day>{day}</tt:Day></tt:Date>"      \
	"<tt:Time><tt:Hour>{hour}</tt:Hour><tt:Minute>{min}</tt:Minute><tt:Second>{sec}"           \
	"</tt:Second></tt:Time></tt:UTCDateTime></tds:SystemDateAndTime>"                          \
	"</tds:GetSystemDateAndTimeResponse></env:Body></env:Envelope>\n"

/* What most devices answer to any other unauthenticated device-service call. */
#define ONVIF_FAULT_BODY                                                                           \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                             \
	"<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" "                     \
	"xmlns:ter=\"http://www.onvif.org/ver10/error\"><env:Body><env:Fault><env:Code>"           \
	"<env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value>"   \
	"</env:Subcode></env:Code><env:Reason><env:Text xml:lang=\"en\">Sender not Authorized"     \
	"</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>\n"

/* GetDeviceInformation as some OEM firmware answers it anonymously (SharpOnvif PR #30). */
#define ONVIF_DEVINFO_BODY(MANUFACTURER, HWID)                                                     \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                             \
	"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "                         \
	"xmlns:tt=\"http://www.onvif.org/ver10/schema\" "                                          \
	"xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\">\n  <s:Body>\n"                      \
	"    <tds:GetDeviceInformationResponse>\n"                                                 \
	"      <tds:Manufacturer>" MANUFACTURER "</tds:Manufacturer>\n"                            \
	"      <tds:Model>{model}</tds:Model>\n"                                                   \
	"      <tds:FirmwareVersion>{fw}</tds:FirmwareVersion>\n"                                  \
	"      <tds:SerialNumber>{serial}</tds:SerialNumber>\n"                                    \
	"      <tds:HardwareId>" HWID "</tds:HardwareId>\n"                                        \
	"    </tds:GetDeviceInformationResponse>\n  </s:Body>\n</s:Envelope>\n"

#define SOAP_CT "application/soap+xml; charset=utf-8"

/* The three ONVIF routes, for a persona that has defined id_dt and id_fault. */
#define ONVIF_ROUTES(id)                                                                           \
	R("POST", "/onvif/device_service", "GetSystemDateAndTime", &id##_dt),                      \
		R("POST", "/onvif/*", NULL, &id##_fault)

/* WS-Discovery ProbeMatches, Hikvision shape (tests/fixtures/wsd/probematches-hikvision.xml):
 * the EndpointReference UUID and the IPv6 XAddr carry the MAC; NAME is the name scope, which
 * relabelled units change while the MAC scope stays. */
#define WSD_HIK(NAME)                                                                              \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<env:Envelope "                               \
	"xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" "                                   \
	"xmlns:soapenc=\"http://www.w3.org/2003/05/soap-encoding\" "                               \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "                                 \
	"xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "                                           \
	"xmlns:tt=\"http://www.onvif.org/ver10/schema\" "                                          \
	"xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" "                                    \
	"xmlns:trt=\"http://www.onvif.org/ver10/media/wsdl\" "                                     \
	"xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\" "                                    \
	"xmlns:wsadis=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "                       \
	"xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\"><env:Header>"                 \
	"<wsadis:MessageID>urn:uuid:{msgid}</wsadis:MessageID>"                                    \
	"<wsadis:RelatesTo>{relates_to}</wsadis:RelatesTo>"                                        \
	"<wsadis:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsadis:To>"   \
	"<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"              \
	"</wsadis:Action><d:AppSequence InstanceId=\"{instance}\" MessageNumber=\"{msgnum}\"/>"    \
	"</env:Header><env:Body><d:ProbeMatches><d:ProbeMatch><wsadis:EndpointReference>"          \
	"<wsadis:Address>urn:uuid:{uuid}</wsadis:Address></wsadis:EndpointReference>"              \
	"<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>"                       \
	"onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming "        \
	"onvif://www.onvif.org/Profile/G onvif://www.onvif.org/Profile/T "                         \
	"onvif://www.onvif.org/MAC/{mac} onvif://www.onvif.org/hardware/{model} "                  \
	"onvif://www.onvif.org/name/" NAME " onvif://www.onvif.org/location/city/hangzhou"         \
	"</d:Scopes><d:XAddrs>http://{hostport80}/onvif/device_service "                           \
	"http://[{ipv6ll}]/onvif/device_service</d:XAddrs>"                                        \
	"<d:MetadataVersion>10</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></env:Body>"     \
	"</env:Envelope>\n"

/* Dahua shape (tests/fixtures/wsd/probematches-dahua.xml): one line, no MAC anywhere. */
#define WSD_DAHUA(NAME)                                                                            \
	"<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\" ?><s:Envelope "               \
	"xmlns:sc=\"http://www.w3.org/2003/05/soap-encoding\" "                                    \
	"xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "                                     \
	"xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\" "                                    \
	"xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" "                                    \
	"xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "                             \
	"xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\"><s:Header>"                  \
	"<a:MessageID>urn:uuid:{msgid}</a:MessageID>"                                              \
	"<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"                                \
	"<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>"        \
	"<a:RelatesTo>{relates_to}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches>"               \
	"<d:ProbeMatch><a:EndpointReference><a:Address>uuid:{uuid}</a:Address>"                    \
	"</a:EndpointReference><d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"           \
	"<d:Scopes>onvif://www.onvif.org/location/country/china "                                  \
	"onvif://www.onvif.org/name/" NAME " onvif://www.onvif.org/hardware/{model} "              \
	"onvif://www.onvif.org/Profile/Streaming "                                                 \
	"onvif://www.onvif.org/type/Network_Video_Transmitter "                                    \
	"onvif://www.onvif.org/extension/unique_identifier/1 onvif://www.onvif.org/Profile/T"      \
	"</d:Scopes><d:XAddrs>http://{hostport80}/onvif/device_service</d:XAddrs>"                 \
	"<d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body>"        \
	"</s:Envelope>\n"

/* A plain ProbeMatches for the other makers: SCOPES are theirs, XADDR the service address. */
#define WSD_GENERIC(SCOPES, XADDR)                                                                 \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope "                          \
	"xmlns:SOAP-ENV=\"http://www.w3.org/2003/05/soap-envelope\" "                              \
	"xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "                          \
	"xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "                             \
	"xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\" "                                    \
	"xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\"><SOAP-ENV:Header>"                   \
	"<wsa:MessageID>urn:uuid:{msgid}</wsa:MessageID><wsa:RelatesTo>{relates_to}"               \
	"</wsa:RelatesTo><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"  \
	"</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"        \
	"</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>"             \
	"<wsa:EndpointReference><wsa:Address>urn:uuid:{uuid}</wsa:Address>"                        \
	"</wsa:EndpointReference><d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"         \
	"<d:Scopes>" SCOPES "</d:Scopes><d:XAddrs>" XADDR "</d:XAddrs>"                            \
	"<d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches>"                 \
	"</SOAP-ENV:Body></SOAP-ENV:Envelope>\n"

#define WSD_TYPES "NetworkVideoTransmitter|Device"

/* Hikvision SADP inquiry answer (examples/captures/01-hikvision-camera/sadp.xml). */
#define SADP_REPLY(DEVTYPE)                                                                        \
	"<?xml version=\"1.0\" "                                                                   \
	"encoding=\"UTF-8\"?>\r\n<ProbeMatch>\r\n<Uuid>{relates_to}</Uuid>\r\n"                    \
	"<Types>inquiry</Types>\r\n<DeviceType>" DEVTYPE "</DeviceType>\r\n"                       \
	"<DeviceDescription>{model}</DeviceDescription>\r\n<DeviceSN>{serial}</DeviceSN>\r\n"      \
	"<CommandPort>{port8000}</CommandPort>\r\n<HttpPort>{port80}</HttpPort>\r\n"               \
	"<MAC>{mac_dash}</MAC>\r\n<IPv4Address>{ip}</IPv4Address>\r\n"                             \
	"<IPv4SubnetMask>255.0.0.0</IPv4SubnetMask>\r\n<IPv4Gateway>127.0.0.1</IPv4Gateway>\r\n"   \
	"<DHCP>false</DHCP>\r\n<AnalogChannelNum>0</AnalogChannelNum>\r\n"                         \
	"<DigitalChannelNum>1</DigitalChannelNum>\r\n<SoftwareVersion>{fw_nospace}"                \
	"</SoftwareVersion>\r\n<DSPVersion>V7.3 build {yymmdd}</DSPVersion>\r\n"                   \
	"<BootTime>2026-11-01 06:40:13</BootTime>\r\n<Activated>true</Activated>\r\n"              \
	"<PasswordResetAbility>true</PasswordResetAbility>\r\n</ProbeMatch>\r\n"

/* Dahua DHIP client.notifyDevInfo (tests/fixtures/dhip/make-notifydevinfo.sh). */
#define DHIP_REPLY(CLASS, VENDOR)                                                                  \
	"{\"mac\":\"{mac}\",\"method\":\"client.notifyDevInfo\",\"params\":{\"deviceInfo\":{"      \
	"\"AlarmInputChannels\":1,\"AlarmOutputChannels\":1,\"DeviceClass\":\"" CLASS "\","        \
	"\"DeviceType\":\"{model}\",\"HttpPort\":{port80},\"IPv4Address\":{\"DefaultGateway\":"    \
	"\"127.0.0.1\",\"DhcpEnable\":false,\"IPAddress\":\"{ip}\",\"SubnetMask\":\"255.0.0.0\"}," \
	"\"MachineName\":\"{serial}\",\"Port\":{port37777},\"RemoteVideoInputChannels\":0,"        \
	"\"SerialNo\":\"{serial}\",\"Vendor\":\"" VENDOR "\",\"Version\":\"{fw}\","                \
	"\"VideoInputChannels\":1,\"VideoOutputChannels\":0}}}"

/* ---------------------------------------------------------------- Hikvision */

static const char *const hik_ouis[] = {"5850ED", "BCAD28", "C056E3", "4419B6", "8CE748",
				       "A41437", "E0CA3C", "2428FD", "44A642", "C42F90"};

/* GoAhead-style error pages (examples/captures/02-hikvision-nvr-old/isapi-401.txt). */
#define GOAHEAD_401_BODY                                                                           \
	"<!DOCTYPE html>\r\n<html><head><title>Document Error: Unauthorized</title></head>\r\n"    \
	"<body><h2>Access Error: 401 -- Unauthorized</h2>\r\n"                                     \
	"<p>Authentication Error</p></body></html>\r\n"
/* UNVERIFIED: the 404 page is the 401 page's shape with 404 text. */
#define GOAHEAD_404_BODY                                                                           \
	"<!DOCTYPE html>\r\n<html><head><title>Document Error: Not Found</title></head>\r\n"       \
	"<body><h2>Access Error: 404 -- Not Found</h2>\r\n"                                        \
	"<p>Cannot open URL</p></body></html>\r\n"

/* Current firmware's root: a BOM, a doctype and a script that goes to /doc/page/login.asp
 * (examples/captures/01-hikvision-camera/http-root.txt; nmap l.10643-10645). TITLE is empty on
 * Hikvision's own firmware and the OEM's name on relabelled units. */
#define HIK_ROOT_BODY(TITLE)                                                                       \
	"\xef\xbb\xbf"                                                                             \
	"<!doctype html>\r\n<html>\r\n<head>\r\n"                                                  \
	"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n"              \
	"<meta http-equiv=\"Pragma\" content=\"no-cache\">\r\n"                                    \
	"<meta http-equiv=\"Cache-Control\" content=\"no-cache\">\r\n"                             \
	"<meta http-equiv=\"Expires\" content=\"0\">\r\n<title>" TITLE "</title>\r\n<script>\r\n"  \
	"var szLanguage = '';\r\n"                                                                 \
	"window.location.href = \"/doc/page/login.asp?_\" + (new Date()).getTime();\r\n"           \
	"</script>\r\n</head>\r\n<body>\r\n</body>\r\n</html>\r\n"

/* The login page: g_szCacheTime and the seajs version are what Ingram and Greenbone look for
 * (fingerprinting-signals.md 1.3, 1.6). The markup around them is UNVERIFIED. */
#define HIK_LOGIN_BODY(TITLE)                                                                      \
	"\xef\xbb\xbf"                                                                             \
	"<!DOCTYPE html>\r\n<html>\r\n<head>\r\n"                                                  \
	"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n"              \
	"<title>" TITLE "</title>\r\n<script type=\"text/javascript\">\r\n"                        \
	"var g_szCacheTime = \"{ymd}120000\";\r\n</script>\r\n"                                    \
	"<script type=\"text/javascript\" src=\"../script/lib/seajs/sea.js?version={ymd}\">"       \
	"</script>\r\n</head>\r\n<body>\r\n<div id=\"login\"></div>\r\n</body>\r\n</html>\r\n"

/* Current firmware: Server: webserver and X-Frame-Options (capture 01). */
#define HIK_PRE "Date: {date}\r\nServer: webserver\r\nX-Frame-Options: SAMEORIGIN\r\n"
#define HIK_HTML(STATUS)                                                                           \
	"HTTP/1.1 " STATUS "\r\n" HIK_PRE "Content-Length: {len}\r\n"                              \
	"Content-Type: text/html\r\nConnection: close\r\n"

static const struct sim_resp hik_root = {HIK_HTML("200 OK") "\r\n", HIK_ROOT_BODY(""), 0};
static const struct sim_resp hik_login = {HIK_HTML("200 OK") "\r\n", HIK_LOGIN_BODY(""), 0};
/* ISAPI without credentials: a 401 with the short-id realm and no device information
 * (fingerprinting-signals.md 1.7: Digest qop="auth", realm="IP Camera(C2183)"). */
static const struct sim_resp hik_401 = {
	HIK_HTML("401 Unauthorized") "WWW-Authenticate: Digest qop=\"auth\", "
				     "realm=\"IP Camera({realm_id})\", nonce=\"{nonce}\", "
				     "stale=\"FALSE\"\r\n\r\n",
	GOAHEAD_401_BODY, 0};
static const struct sim_resp hik_404 = {HIK_HTML("404 Not Found") "\r\n", GOAHEAD_404_BODY, 0};
#define HIK_SOAP(STATUS)                                                                           \
	"HTTP/1.1 " STATUS "\r\n" HIK_PRE "Content-Type: " SOAP_CT "\r\n"                          \
	"Content-Length: {len}\r\nConnection: close\r\n\r\n"
static const struct sim_resp hik_dt = {HIK_SOAP("200 OK"), ONVIF_DT_BODY, 0};
static const struct sim_resp hik_fault = {HIK_SOAP("400 Bad Request"), ONVIF_FAULT_BODY, 0};

static const struct sim_route hik_http[] = {
	R("GET", "/", NULL, &hik_root),
	R("HEAD", "/", NULL, &hik_root),
	R("GET", "/doc/page/login.asp", NULL, &hik_login),
	R("*", "/ISAPI/*", NULL, &hik_401),
	R("*", "/PSIA/*", NULL, &hik_401),
	ONVIF_ROUTES(hik),
	R("*", "*", NULL, &hik_404),
};

/* RTSP: OPTIONS as nmap's "Hikvision 7513" line (the CSeq echoed whole, "42 OPTIONS" to its
 * SIP probe; Public; then Date); DESCRIBE as
 * examples/captures/01-hikvision-camera/rtsp-describe-401.txt (Date with two spaces). */
static const struct sim_resp hik_rtsp_options = {
	"RTSP/1.0 200 OK\r\n{cseq_raw_line}Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, "
	"TEARDOWN, "
	"SET_PARAMETER, GET_PARAMETER\r\nDate:  {hikdate}\r\n\r\n",
	NULL, 0};
static const struct sim_resp hik_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}WWW-Authenticate: Digest realm=\"IP Camera("
	"{realm_id})\", nonce=\"{nonce}\", stale=\"FALSE\"\r\nDate:  {hikdate}\r\n\r\n",
	NULL, 0};
/* UNVERIFIED: what an RTSP server says to a request that is not RTSP. */
static const struct sim_resp rtsp_400 = {"RTSP/1.0 400 Bad Request\r\n{cseq_line}\r\n", NULL, 0};

static const struct sim_route hik_rtsp[] = {
	R("OPTIONS", "*", NULL, &hik_rtsp_options),   R("DESCRIBE", "*", NULL, &hik_rtsp_401),
	R("SETUP", "*", NULL, &hik_rtsp_401),	      R("PLAY", "*", NULL, &hik_rtsp_401),
	R("GET_PARAMETER", "*", NULL, &hik_rtsp_401), R("*", "*", NULL, &rtsp_400),
};

/* TCP 8000, the SDK port. nmap matches the 0x1e packet under its NULL probe, i.e. sent on
 * connect ("Hikvision IPCam control port"), and the 0x0d packet as the answer to its SMB probe
 * ("HikVision camera control", anchored at both ends: that device sent nothing first). The
 * current-firmware personas greet; the old-firmware persona waits and answers with 0x0d. */
static const unsigned char hik_sdk_greet[] = {0, 0, 0, 0x10, 0, 0, 0, 0x1e,
					      0, 0, 0, 0x1e, 0, 0, 0, 0};
static const unsigned char hik_sdk_error[] = {0, 0, 0, 0x10, 0, 0, 0, 0x0d,
					      0, 0, 0, 0x0d, 0, 0, 0, 0};

static const struct sim_service hik_cam_svcs[] = {
	HTTP(80, hik_http),
	HTTPS(443, hik_http),
	RTSP(554, hik_rtsp),
	GREET(8000, hik_sdk_greet),
	UDP(3702, SIM_UDP_WSD, WSD_HIK("HIKVISION%20{model}")),
	UDP(37020, SIM_UDP_SADP, SADP_REPLY("138")),
};

static const char *const hik_cam_models[] = {"DS-2CD2143G2-I", "DS-2CD2387G2-LU", "DS-2CD2047G2-LU",
					     "DS-2CD2T47G2-L", "DS-2DE2A404IW-DE3"};
static const char *const hik_cam_fws[] = {"V5.7.3 build 220112", "V5.5.82 build 190909",
					  "V5.6.5 build 210628", "V5.7.12 build 221222"};

static const struct sim_persona p_hik_cam = {
	.name = "hikvision-camera",
	.maker = "Hikvision",
	.label = "-",
	.type = "camera",
	.note = "current firmware: Server: webserver, ISAPI 401 realm IP Camera(id), SDK 8000 "
		"greets",
	.weight = 18,
	.ouis = LIST(hik_ouis),
	.models = LIST(hik_cam_models),
	.firmwares = LIST(hik_cam_fws),
	.serial_fmt = "{model}{ymd}AAWR?########",
	.uuid_fmt = "aa85c000-6324-11b3-819e-{machex}",
	.svcs = LIST(hik_cam_svcs),
	/* The default certificate of Hikvision firmware (Recog x509_subjects.xml:823;
	 * fingerprinting-signals.md 1.7), self-signed. */
	.tls_subject = "/CN=www.hikvision.com/OU=DVRNVR/O=HIKVISION/L=HangZhou/ST=ZheJiang/C=CN",
};

/* ---- old firmware: App-webs/ over HTTP/1.0 (nmap l.9762) and realm "Hikvision" */

#define HIKOLD_PRE "Date: {date}\r\nServer: App-webs/\r\n"
#define HIKOLD_HTML(STATUS)                                                                        \
	"HTTP/1.0 " STATUS "\r\n" HIKOLD_PRE "Content-Type: text/html\r\n"                         \
	"Content-Length: {len}\r\nConnection: close\r\n"

/* UNVERIFIED: the old root page's markup (only the redirect target is attested). */
static const struct sim_resp hikold_root = {
	HIKOLD_HTML("200 OK") "\r\n",
	"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	"\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\r\n"
	"<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n<title></title>\r\n"
	"<script>\r\nwindow.location.href = \"/doc/page/login.asp\";\r\n</script>\r\n</head>\r\n"
	"<body>\r\n</body>\r\n</html>\r\n",
	0};
static const struct sim_resp hikold_login = {HIKOLD_HTML("200 OK") "\r\n", HIK_LOGIN_BODY(""), 0};
static const struct sim_resp hikold_401 = {
	HIKOLD_HTML("401 Unauthorized") "WWW-Authenticate: Basic realm=\"Hikvision\"\r\n\r\n",
	GOAHEAD_401_BODY, 0};
static const struct sim_resp hikold_404 = {HIKOLD_HTML("404 Not Found") "\r\n", GOAHEAD_404_BODY,
					   0};
#define HIKOLD_SOAP(STATUS)                                                                        \
	"HTTP/1.1 " STATUS "\r\n" HIKOLD_PRE "Content-Type: " SOAP_CT "\r\n"                       \
	"Content-Length: {len}\r\nConnection: close\r\n\r\n"
static const struct sim_resp hikold_dt = {HIKOLD_SOAP("200 OK"), ONVIF_DT_BODY, 0};
static const struct sim_resp hikold_fault = {HIKOLD_SOAP("400 Bad Request"), ONVIF_FAULT_BODY, 0};

static const struct sim_route hikold_http[] = {
	R("GET", "/", NULL, &hikold_root),
	R("HEAD", "/", NULL, &hikold_root),
	R("GET", "/doc/page/login.asp", NULL, &hikold_login),
	R("*", "/ISAPI/*", NULL, &hikold_401),
	R("*", "/PSIA/*", NULL, &hikold_401),
	ONVIF_ROUTES(hikold),
	R("*", "*", NULL, &hikold_404),
};

/* nmap l.12380 (OPTIONS, "Hikvision DVR rtspd") and l.12367 (the 401 with two challenges). */
static const struct sim_resp hikdvr_rtsp_options = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, "
	"PAUSE\r\n\r\n",
	NULL, 0};
static const struct sim_resp hikdvr_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}WWW-Authenticate: Digest realm=\"Hikvision\", "
	"nonce=\"{nonce}\", stale=\"FALSE\"\r\nWWW-Authenticate: Basic realm=\"/\"\r\n\r\n",
	NULL, 0};
static const struct sim_route hikdvr_rtsp[] = {
	R("OPTIONS", "*", NULL, &hikdvr_rtsp_options),
	R("DESCRIBE", "*", NULL, &hikdvr_rtsp_401),
	R("SETUP", "*", NULL, &hikdvr_rtsp_401),
	R("PLAY", "*", NULL, &hikdvr_rtsp_401),
	R("*", "*", NULL, &rtsp_400),
};

static const struct sim_service hikold_svcs[] = {
	HTTP(80, hikold_http),
	RTSP(554, hikdvr_rtsp),
	ANSWER(8000, hik_sdk_error),
	UDP(3702, SIM_UDP_WSD, WSD_HIK("HIKVISION%20{model}")),
	UDP(37020, SIM_UDP_SADP, SADP_REPLY("138")),
};

static const char *const hikold_models[] = {"DS-2CD2032-I", "DS-2CD2142FWD-I", "DS-2CD2432F-IW",
					    "DS-2CD2012-I"};
static const char *const hikold_fws[] = {"V5.4.5 build 170124", "V5.3.0 build 150513",
					 "V5.2.5 build 141201"};

static const struct sim_persona p_hik_old = {
	.name = "hikvision-camera-old",
	.maker = "Hikvision",
	.label = "-",
	.type = "camera",
	.note = "old firmware: HTTP/1.0 Server: App-webs/, realm Hikvision, SDK 8000 answers 0x0d",
	.weight = 6,
	.ouis = LIST(hik_ouis),
	.models = LIST(hikold_models),
	.firmwares = LIST(hikold_fws),
	.serial_fmt = "{model}{ymd}CCWR?########",
	.uuid_fmt = "aa85c000-6324-11b3-819e-{machex}",
	.svcs = LIST(hikold_svcs),
};

/* ---- NVR: DNVRS-Webs, 302 to /index.asp, realm DVRNVRDVS (capture 02; nmap l.9906, 10282) */

#define HIKNVR_HTML(STATUS)                                                                        \
	"HTTP/1.1 " STATUS "\r\nDate: {date}\r\nServer: DNVRS-Webs\r\n"                            \
	"Content-Length: {len}\r\nContent-Type: text/html\r\nConnection: close\r\n"

static const struct sim_resp hiknvr_root = {
	"HTTP/1.1 302 Redirect\r\nServer: DNVRS-Webs\r\nDate: {date}\r\nConnection: close\r\n"
	"Location: http://{ip}:{port80}/index.asp\r\n\r\n",
	NULL, 0};
/* UNVERIFIED: the index page's markup. */
static const struct sim_resp hiknvr_index = {
	HIKNVR_HTML("200 OK") "\r\n",
	"<html><head><title>index</title>\r\n<script>window.location.href = "
	"\"/doc/page/login.asp\";</script>\r\n</head><body></body></html>\r\n",
	0};
static const struct sim_resp hiknvr_login = {HIKNVR_HTML("200 OK") "\r\n", HIK_LOGIN_BODY(""), 0};
static const struct sim_resp hiknvr_401 = {
	HIKNVR_HTML("401 Unauthorized") "WWW-Authenticate: Basic realm=\"DVRNVRDVS\"\r\n\r\n",
	GOAHEAD_401_BODY, 0};
static const struct sim_resp hiknvr_404 = {HIKNVR_HTML("404 Not Found") "\r\n", GOAHEAD_404_BODY,
					   0};
#define HIKNVR_SOAP(STATUS)                                                                        \
	"HTTP/1.1 " STATUS "\r\nDate: {date}\r\nServer: DNVRS-Webs\r\n"                            \
	"Content-Type: " SOAP_CT "\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
static const struct sim_resp hiknvr_dt = {HIKNVR_SOAP("200 OK"), ONVIF_DT_BODY, 0};
static const struct sim_resp hiknvr_fault = {HIKNVR_SOAP("400 Bad Request"), ONVIF_FAULT_BODY, 0};

static const struct sim_route hiknvr_http[] = {
	R("GET", "/", NULL, &hiknvr_root),
	R("HEAD", "/", NULL, &hiknvr_root),
	R("GET", "/index.asp", NULL, &hiknvr_index),
	R("GET", "/doc/page/login.asp", NULL, &hiknvr_login),
	R("*", "/ISAPI/*", NULL, &hiknvr_401),
	R("*", "/PSIA/*", NULL, &hiknvr_401),
	ONVIF_ROUTES(hiknvr),
	R("*", "*", NULL, &hiknvr_404),
};

/* UNVERIFIED: SADP DeviceType codes of recorders; the camera's code is reused. */
static const struct sim_service hiknvr_svcs[] = {
	HTTP(80, hiknvr_http),
	HTTPS(443, hiknvr_http),
	RTSP(554, hikdvr_rtsp),
	GREET(8000, hik_sdk_greet),
	UDP(3702, SIM_UDP_WSD, WSD_HIK("HIKVISION%20{model}")),
	UDP(37020, SIM_UDP_SADP, SADP_REPLY("138")),
};

static const char *const hiknvr_models[] = {"DS-7608NI-K2", "DS-7616NI-K2", "DS-7732NI-K4",
					    "DS-7604NI-K1"};
static const char *const hiknvr_fws[] = {"V4.30.085 build 200916", "V4.22.005 build 191206",
					 "V4.61.010 build 220409"};

static const struct sim_persona p_hik_nvr = {
	.name = "hikvision-nvr",
	.maker = "Hikvision",
	.label = "-",
	.type = "nvr",
	.note = "Server: DNVRS-Webs, 302 to /index.asp, Basic realm DVRNVRDVS, Hikvision DVR rtspd",
	.weight = 4,
	.ouis = LIST(hik_ouis),
	.models = LIST(hiknvr_models),
	.firmwares = LIST(hiknvr_fws),
	.serial_fmt = "{model}{ymd}CCRR?########",
	.uuid_fmt = "aa85c000-6324-11b3-819e-{machex}",
	.svcs = LIST(hiknvr_svcs),
	/* The default certificate of Hikvision firmware (Recog x509_subjects.xml:823;
	 * fingerprinting-signals.md 1.7), self-signed. */
	.tls_subject = "/CN=www.hikvision.com/OU=DVRNVR/O=HIKVISION/L=HangZhou/ST=ZheJiang/C=CN",
};

/* ---- relabel: an LTS-branded Hikvision camera. The title, the ONVIF name scope and the
 * ONVIF Manufacturer say LTS; the web server, realms, SDK port, SADP, firmware format, serial
 * grammar and MAC prefix stay Hikvision's. It answers GetDeviceInformation anonymously. */

static const struct sim_resp lts_root = {HIK_HTML("200 OK") "\r\n", HIK_ROOT_BODY("LTS"), 0};
static const struct sim_resp lts_login = {HIK_HTML("200 OK") "\r\n", HIK_LOGIN_BODY("LTS"), 0};
static const struct sim_resp lts_devinfo = {HIK_SOAP("200 OK"), ONVIF_DEVINFO_BODY("LTS", "88"), 0};

static const struct sim_route lts_http[] = {
	R("GET", "/", NULL, &lts_root),
	R("HEAD", "/", NULL, &lts_root),
	R("GET", "/doc/page/login.asp", NULL, &lts_login),
	R("*", "/ISAPI/*", NULL, &hik_401),
	R("*", "/PSIA/*", NULL, &hik_401),
	R("POST", "/onvif/device_service", "GetDeviceInformation", &lts_devinfo),
	ONVIF_ROUTES(hik),
	R("*", "*", NULL, &hik_404),
};

static const struct sim_service lts_svcs[] = {
	HTTP(80, lts_http),
	RTSP(554, hik_rtsp),
	GREET(8000, hik_sdk_greet),
	UDP(3702, SIM_UDP_WSD, WSD_HIK("LTS%20{model}")),
	UDP(37020, SIM_UDP_SADP, SADP_REPLY("138")),
};

/* UNVERIFIED: LTS model numbers in their catalogue style. */
static const char *const lts_models[] = {"CMIP7442W-28M", "CMIP3C42W-28", "CMIP9342-28"};
static const char *const lts_fws[] = {"V5.5.82 build 190909", "V5.6.5 build 210628"};

static const struct sim_persona p_hik_relabel = {
	.name = "hikvision-relabel",
	.maker = "Hikvision",
	.label = "LTS",
	.type = "camera",
	.note = "LTS title and ONVIF Manufacturer on a Hikvision stack and OUI; anonymous "
		"GetDeviceInformation",
	.weight = 4,
	.ouis = LIST(hik_ouis),
	.models = LIST(lts_models),
	.firmwares = LIST(lts_fws),
	.serial_fmt = "{model}{ymd}AAWR?########",
	.uuid_fmt = "aa85c000-6324-11b3-819e-{machex}",
	.svcs = LIST(lts_svcs),
};

/* ---------------------------------------------------------------- Dahua */

static const char *const dahua_ouis[] = {"E0508B", "3CEF8C", "9002A9", "BC325F", "4C11BF"};

/* No Server header, upper-case header names, P3P, a BOM and the WEB SERVICE page with
 * @WebVersion@ and t_username (examples/captures/03-dahua-camera; nmap l.10444; Greenbone). */
#define DH_HEAD_HTML                                                                               \
	"HTTP/1.1 200 OK\r\nCONNECTION: close\r\nCONTENT-LENGTH: {len}\r\n"                        \
	"P3P: CP=CAO PSA OUR\r\nCACHE-CONTROL: max-age=0\r\nCONTENT-TYPE: text/html\r\n\r\n"
#define DH_ROOT_BODY(TITLE)                                                                        \
	"\xef\xbb\xbf"                                                                             \
	"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "                        \
	"\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\r\n"                         \
	"<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n<title>" TITLE "</title>\r\n"  \
	"<script src=\"jsBase/lib/jquery.js?version=@WebVersion@\"></script>\r\n</head>\r\n"       \
	"<body><div class=\"ui-dialog-content\"><input id=\"login_user\" class=\"t_username\"/>"   \
	"</div></body>\r\n</html>\r\n"

/* The RPC2_Login challenge (examples/captures/04-amcrest-relabel; fingerprinting-signals.md 5.5):
 * realm "Login to <serial>" and the MAC without separators. Only the first step of the login
 * is ever answered this way; anything else gets the error below (hook DAHUA_LOGIN). */
#define DH_JSON_HEAD                                                                               \
	"HTTP/1.1 200 OK\r\nCONNECTION: close\r\nCONTENT-LENGTH: {len}\r\n"                        \
	"CONTENT-TYPE: application/json\r\n\r\n"
#define DH_CHALLENGE_BODY                                                                          \
	"{\"error\":{\"code\":268632079,\"message\":\"Component error: login challenge!\"},"       \
	"\"id\":{rpc_id|1},\"params\":{\"authorization\":\"{authz}\",\"encryption\":\"Default\","  \
	"\"mac\":\"{MACHEX}\",\"random\":\"{random}\",\"realm\":\"Login to {serial}\"},"           \
	"\"result\":false,\"session\":{session}}"
/* UNVERIFIED: the exact wording of the failure (code 268632085 is from public reports). */
#define DH_LOGIN_FAIL_BODY                                                                         \
	"{\"error\":{\"code\":268632085,\"message\":\"Component error: User or password not "      \
	"valid!\"},\"id\":{rpc_id|2},\"params\":{\"remainLockSecond\":0,\"remainLoginTimes\":4},"  \
	"\"result\":false,\"session\":{session}}"
/* UNVERIFIED: an RPC2 call without a session. */
#define DH_NO_SESSION_BODY                                                                         \
	"{\"error\":{\"code\":287637505,\"message\":\"Invalid session in request data!\"},"        \
	"\"id\":{rpc_id|1},\"result\":false,\"session\":0}"

static const struct sim_resp dh_root = {DH_HEAD_HTML, DH_ROOT_BODY("WEB SERVICE"), 0};
static const struct sim_resp dh_challenge = {DH_JSON_HEAD, DH_CHALLENGE_BODY, 0};
static const struct sim_resp dh_login_fail = {DH_JSON_HEAD, DH_LOGIN_FAIL_BODY, 0};
static const struct sim_resp dh_no_session = {DH_JSON_HEAD, DH_NO_SESSION_BODY, 0};
/* UNVERIFIED: header case of the challenge on /cgi-bin (the realm is attested: Recog, nmap). */
static const struct sim_resp dh_cgi_401 = {
	"HTTP/1.1 401 Unauthorized\r\nCONNECTION: close\r\nCONTENT-LENGTH: {len}\r\n"
	"WWW-AUTHENTICATE: Digest realm=\"Login to {serial}\", qop=\"auth\", nonce=\"{random}\", "
	"opaque=\"{authz}\"\r\nCONTENT-TYPE: text/html\r\n\r\n",
	"<html><head><title>401 Unauthorized</title></head><body>401 Unauthorized</body></html>",
	0};
/* UNVERIFIED: the 404 page. */
static const struct sim_resp dh_404 = {
	"HTTP/1.1 404 Not Found\r\nCONNECTION: close\r\nCONTENT-LENGTH: {len}\r\n"
	"CONTENT-TYPE: text/html\r\n\r\n",
	"<html><head><title>404 Not Found</title></head><body>404 Not Found</body></html>", 0};
#define DH_SOAP(STATUS)                                                                            \
	"HTTP/1.1 " STATUS "\r\nCONNECTION: close\r\nCONTENT-LENGTH: {len}\r\n"                    \
	"CONTENT-TYPE: " SOAP_CT "\r\n\r\n"
static const struct sim_resp dh_dt = {DH_SOAP("200 OK"), ONVIF_DT_BODY, 0};
static const struct sim_resp dh_fault = {DH_SOAP("400 Bad Request"), ONVIF_FAULT_BODY, 0};

#define DH_COMMON_ROUTES                                                                           \
	{"POST", "/RPC2_Login", NULL, &dh_challenge, &dh_login_fail, SIM_HOOK_DAHUA_LOGIN},        \
		R("POST", "/RPC2", NULL, &dh_no_session), R("*", "/cgi-bin/*", NULL, &dh_cgi_401), \
		ONVIF_ROUTES(dh), R("*", "*", NULL, &dh_404)

static const struct sim_route dh_http[] = {
	R("GET", "/", NULL, &dh_root),
	R("HEAD", "/", NULL, &dh_root),
	DH_COMMON_ROUTES,
};

/* RTSP: OPTIONS as examples/captures/03-dahua-camera/rtsp-options.txt; the 401 of current
 * firmware as nmap's SIPOptions line (Digest realm "Login to <serial>"); any other method the
 * 405 of nmap l.11572. */
static const struct sim_resp dh_rtsp_options = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Server: Dahua Rtsp Server\r\nPublic: OPTIONS, DESCRIBE, "
	"ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\n\r\n",
	NULL, 0};
static const struct sim_resp dh_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}WWW-Authenticate: Digest realm=\"Login to "
	"{serial}\", nonce=\"{nonce}\"\r\n\r\n",
	NULL, 0};
static const struct sim_resp dh_rtsp_405 = {
	"RTSP/1.0 405 Method Not Allowed\r\n{cseq_line}Server: Dahua Rtsp Server\r\n\r\n", NULL, 0};
static const struct sim_route dh_rtsp[] = {
	R("OPTIONS", "*", NULL, &dh_rtsp_options), R("DESCRIBE", "*", NULL, &dh_rtsp_401),
	R("SETUP", "*", NULL, &dh_rtsp_401),	   R("PLAY", "*", NULL, &dh_rtsp_401),
	R("*", "*", NULL, &dh_rtsp_405),
};

/* TCP 37777: DHIP-framed global.login gets the same challenge as RPC2_Login. */
static const struct sim_route dh_dhip[] = {
	{"*", "*", NULL, &dh_challenge, &dh_login_fail, SIM_HOOK_DAHUA_LOGIN},
};
/* The DVRIP realm answer mcw0's console parses: "Realm:<realm>\r\nRandom:<n>\r\n". */
#define DVRIP_REALM "Realm:Login to {serial}\r\nRandom:{random}\r\n"

static const struct sim_service dh_cam_svcs[] = {
	HTTP(80, dh_http),
	HTTPS(443, dh_http),
	RTSP(554, dh_rtsp),
	DVRIP(37777, dh_dhip, DVRIP_REALM),
	UDP(3702, SIM_UDP_WSD, WSD_DAHUA("Dahua")),
	UDP(37810, SIM_UDP_DHIP, DHIP_REPLY("IPC", "General")),
};

static const char *const dh_cam_models[] = {"IPC-HFW2431S-S-S2", "IPC-HDW2231T-AS-S2",
					    "IPC-HFW2228M-I1-V2", "IPC-HDBW2431E-S-S2"};
static const char *const dh_cam_fws[] = {"2.800.0000016.0.R", "2.800.0000018.0.R",
					 "2.820.0000000.9.R"};

static const struct sim_persona p_dh_cam = {
	.name = "dahua-camera",
	.maker = "Dahua",
	.label = "-",
	.type = "camera",
	.note = "no Server header, WEB SERVICE, RPC2_Login challenge, Dahua Rtsp Server, DVRIP "
		"37777",
	.weight = 12,
	.ouis = LIST(dahua_ouis),
	.models = LIST(dh_cam_models),
	.firmwares = LIST(dh_cam_fws),
	.serial_fmt = "#?0###?PAG#####",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(dh_cam_svcs),
	/* Dahua: issued by "Dahua Device NVR CA" with non-breaking spaces in the issuer (Plum-Island
	 * #204; fingerprinting-signals.md 1.7), subject CN the device's address: here the factory
	 * default 192.168.1.108 (UNVERIFIED: whether the CN follows a changed address). */
	.tls_subject = "/CN=192.168.1.108/C=CN",
	.tls_issuer = "/CN=Dahua\xc2\xa0"
		      "Device\xc2\xa0"
		      "NVR\xc2\xa0"
		      "CA/O=Zhejiang\xc2\xa0"
		      "Dahua\xc2\xa0"
		      "Technology\xc2\xa0"
		      "Co.,Ltd."
		      "/L=Hangzhou/ST=Zhejiang/C=CN",
};

/* ---- NVR: older RTSP stack, nmap l.12373: Basic realm "device" even for OPTIONS */

static const struct sim_resp dhnvr_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}WWW-Authenticate: Basic realm=\"device\"\r\n"
	"Server: Dahua Rtsp Server\r\nContent-Length: 0\r\n\r\n",
	NULL, 0};
static const struct sim_route dhnvr_rtsp[] = {
	R("OPTIONS", "*", NULL, &dhnvr_rtsp_401), R("DESCRIBE", "*", NULL, &dhnvr_rtsp_401),
	R("SETUP", "*", NULL, &dhnvr_rtsp_401),	  R("PLAY", "*", NULL, &dhnvr_rtsp_401),
	R("*", "*", NULL, &dh_rtsp_405),
};
static const struct sim_service dh_nvr_svcs[] = {
	HTTP(80, dh_http),
	HTTPS(443, dh_http),
	RTSP(554, dhnvr_rtsp),
	DVRIP(37777, dh_dhip, DVRIP_REALM),
	UDP(3702, SIM_UDP_WSD, WSD_DAHUA("Dahua")),
	UDP(37810, SIM_UDP_DHIP, DHIP_REPLY("NVR", "General")),
};
static const char *const dh_nvr_models[] = {"NVR4208-8P-4KS2", "NVR5216-16P-4KS2E", "NVR2104HS-S2",
					    "NVR4108HS-4KS2"};
static const char *const dh_nvr_fws[] = {"4.001.0000000.1.R", "4.000.0000003.2.R"};

static const struct sim_persona p_dh_nvr = {
	.name = "dahua-nvr",
	.maker = "Dahua",
	.label = "-",
	.type = "nvr",
	.note = "Dahua web stack; RTSP 401 Basic realm device with Server: Dahua Rtsp Server",
	.weight = 3,
	.ouis = LIST(dahua_ouis),
	.models = LIST(dh_nvr_models),
	.firmwares = LIST(dh_nvr_fws),
	.serial_fmt = "#?0###?PAG#####",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(dh_nvr_svcs),
	/* Dahua: issued by "Dahua Device NVR CA" with non-breaking spaces in the issuer (Plum-Island
	 * #204; fingerprinting-signals.md 1.7), subject CN the device's address: here the factory
	 * default 192.168.1.108 (UNVERIFIED: whether the CN follows a changed address). */
	.tls_subject = "/CN=192.168.1.108/C=CN",
	.tls_issuer = "/CN=Dahua\xc2\xa0"
		      "Device\xc2\xa0"
		      "NVR\xc2\xa0"
		      "CA/O=Zhejiang\xc2\xa0"
		      "Dahua\xc2\xa0"
		      "Technology\xc2\xa0"
		      "Co.,Ltd."
		      "/L=Hangzhou/ST=Zhejiang/C=CN",
};

/* ---- relabel: Amcrest (examples/captures/04-amcrest-relabel) on Amcrest's own OUI 9C:8E:CD;
 * the page, realm, RPC2 challenge, RTSP server and firmware format stay Dahua's. */

static const struct sim_resp amc_root = {
	"HTTP/1.1 200 OK\r\nCONNECTION: close\r\nCONTENT-LENGTH: {len}\r\nCONTENT-TYPE: "
	"text/html\r\n\r\n",
	"<!DOCTYPE html>\r\n<html><head><title>Amcrest Technologies</title>\r\n"
	"<script src=\"jsBase/lib/jquery.js?version=@WebVersion@\"></script>\r\n"
	"</head><body><input id=\"login_user\" class=\"t_username\"/></body></html>\r\n",
	0};
static const struct sim_route amc_http[] = {
	R("GET", "/", NULL, &amc_root),
	R("HEAD", "/", NULL, &amc_root),
	DH_COMMON_ROUTES,
};
static const struct sim_service amc_svcs[] = {
	HTTP(80, amc_http),
	RTSP(554, dh_rtsp),
	DVRIP(37777, dh_dhip, DVRIP_REALM),
	UDP(3702, SIM_UDP_WSD, WSD_DAHUA("Amcrest")),
	UDP(37810, SIM_UDP_DHIP, DHIP_REPLY("IPC", "Amcrest")),
};
static const char *const amc_ouis[] = {"9C8ECD"};
static const char *const amc_models[] = {"IP4M-1041B", "IP8M-2496EB", "IP5M-T1179EW", "IP4M-1051W"};
/* UNVERIFIED: Amcrest builds of Dahua firmware carry an "AC" marker. */
static const char *const amc_fws[] = {"2.800.00AC006.0.R", "2.820.00AC001.0.R"};

static const struct sim_persona p_dh_relabel = {
	.name = "dahua-relabel",
	.maker = "Dahua",
	.label = "Amcrest",
	.type = "camera",
	.note = "Amcrest title and OUI 9C:8E:CD on a Dahua stack (RPC2_Login realm, Dahua Rtsp "
		"Server)",
	.weight = 3,
	.ouis = LIST(amc_ouis),
	.models = LIST(amc_models),
	.firmwares = LIST(amc_fws),
	.serial_fmt = "AMC0%%%%%%%%%%%%%",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(amc_svcs),
};

/* ---- relabel: a Lorex recorder made by Dahua, on Dahua OUIs. Its HTTP 401 is Recog's
 * "Lorex NR900" example and its RTSP 401 nmap's "Lorex IP camera rtspd" (both "Login to ND..."). */

static const struct sim_resp lorex_root = {DH_HEAD_HTML, DH_ROOT_BODY("LOREX"), 0};
static const struct sim_resp lorex_cgi_401 = {
	"HTTP/1.1 401 Unauthorized\r\nCONNECTION: close\r\nCONTENT-LENGTH: {len}\r\n"
	"WWW-Authenticate: Digest realm=\"Login to {serial}\", nonce=\"{nonce}\"\r\n"
	"CONTENT-TYPE: text/html\r\n\r\n",
	"<html><head><title>401 Unauthorized</title></head><body>401 Unauthorized</body></html>",
	0};
static const struct sim_route lorex_http[] = {
	R("GET", "/", NULL, &lorex_root),
	R("HEAD", "/", NULL, &lorex_root),
	R("*", "/cgi-bin/*", NULL, &lorex_cgi_401),
	DH_COMMON_ROUTES,
};
static const struct sim_route lorex_rtsp[] = {
	R("*", "*", NULL, &dh_rtsp_401),
};
static const struct sim_service lorex_svcs[] = {
	HTTP(80, lorex_http),
	RTSP(554, lorex_rtsp),
	DVRIP(37777, dh_dhip, DVRIP_REALM),
	UDP(3702, SIM_UDP_WSD, WSD_DAHUA("Lorex")),
	UDP(37810, SIM_UDP_DHIP, DHIP_REPLY("NVR", "Lorex")),
};
/* UNVERIFIED: Lorex model numbers. */
static const char *const lorex_models[] = {"NR9082", "N841A6", "N862A6"};

static const struct sim_persona p_dh_lorex = {
	.name = "dahua-relabel-lorex",
	.maker = "Dahua",
	.label = "Lorex",
	.type = "nvr",
	.note = "LOREX title on a Dahua NVR and Dahua OUI; realms Login to ND...",
	.weight = 2,
	.ouis = LIST(dahua_ouis),
	.models = LIST(lorex_models),
	.firmwares = LIST(dh_nvr_fws),
	.serial_fmt = "ND0118########",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(lorex_svcs),
};

/* ---------------------------------------------------------------- Uniview
 * UNVERIFIED throughout except the MAC prefixes, the favicon/logo paths Ingram probes
 * (/skin/default_1/images/logo.png) and the model grammar: no capture of a Uniview answer is
 * in the reference. The choices are deliberately bland: no Server header, a Digest challenge
 * on LAPI (Uniview's HTTP API), a generic ONVIF stack. */

static const struct sim_resp unv_root = {
	"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len}\r\nConnection: "
	"close\r\n"
	"X-Frame-Options: SAMEORIGIN\r\n\r\n",
	"<!DOCTYPE html>\r\n<html>\r\n<head>\r\n<meta charset=\"utf-8\">\r\n"
	"<link rel=\"icon\" href=\"/favicon.ico\">\r\n<title>Web</title>\r\n</head>\r\n<body>\r\n"
	"<img src=\"/skin/default_1/images/logo.png\">\r\n<script "
	"src=\"/script/main.js\"></script>\r\n"
	"</body>\r\n</html>\r\n",
	0};
static const struct sim_resp unv_401 = {
	"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nContent-Length: 0\r\n"
	"Connection: close\r\nWWW-Authenticate: Digest realm=\"Web\", qop=\"auth\", "
	"nonce=\"{nonce}\"\r\n\r\n",
	NULL, 0};
static const struct sim_resp unv_404 = {
	"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: {len}\r\n"
	"Connection: close\r\n\r\n",
	"<html><body><h1>404 Not Found</h1></body></html>", 0};
#define PLAIN_SOAP(STATUS)                                                                         \
	"HTTP/1.1 " STATUS "\r\nContent-Type: " SOAP_CT "\r\n"                                     \
	"Content-Length: {len}\r\nConnection: close\r\n\r\n"
static const struct sim_resp plain_dt = {PLAIN_SOAP("200 OK"), ONVIF_DT_BODY, 0};
static const struct sim_resp plain_fault = {PLAIN_SOAP("400 Bad Request"), ONVIF_FAULT_BODY, 0};
static const struct sim_route unv_http[] = {
	R("GET", "/", NULL, &unv_root),
	R("HEAD", "/", NULL, &unv_root),
	R("*", "/LAPI/*", NULL, &unv_401),
	R("*", "/cgi-bin/*", NULL, &unv_401),
	ONVIF_ROUTES(plain),
	R("*", "*", NULL, &unv_404),
};
static const struct sim_resp unv_rtsp_options = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, "
	"GET_PARAMETER, SET_PARAMETER\r\n\r\n",
	NULL, 0};
static const struct sim_resp unv_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}WWW-Authenticate: Digest realm=\"Web\", "
	"nonce=\"{nonce}\"\r\n\r\n",
	NULL, 0};
static const struct sim_route unv_rtsp[] = {
	R("OPTIONS", "*", NULL, &unv_rtsp_options),
	R("DESCRIBE", "*", NULL, &unv_rtsp_401),
	R("*", "*", NULL, &rtsp_400),
};
static const struct sim_service unv_svcs[] = {
	HTTP(80, unv_http),
	RTSP(554, unv_rtsp),
	UDP(3702, SIM_UDP_WSD,
	    WSD_GENERIC("onvif://www.onvif.org/type/NetworkVideoTransmitter "
			"onvif://www.onvif.org/name/IPC onvif://www.onvif.org/hardware/{model} "
			"onvif://www.onvif.org/Profile/Streaming",
			"http://{hostport80}/onvif/device_service")),
};
static const char *const unv_ouis[] = {"48EA63", "C47905", "6CF17E"};
static const char *const unv_models[] = {"IPC2122LB-SF28-A", "IPC322LB-DSF28K-G",
					 "IPC3612LB-ADF28K-G"};
static const char *const unv_fws[] = {"IPC_G6103-B0007P62D1907", "IPC_6201-B5050P71D1712"};

static const struct sim_persona p_unv = {
	.name = "uniview",
	.maker = "Uniview",
	.label = "-",
	.type = "camera",
	.note = "UNVERIFIED behaviour (bland on purpose): the OUI and model grammar are the "
		"signals",
	.weight = 3,
	.ouis = LIST(unv_ouis),
	.models = LIST(unv_models),
	.firmwares = LIST(unv_fws),
	.serial_fmt = "210235C3EN3#########",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(unv_svcs),
};

/* ---------------------------------------------------------------- Axis
 * Apache in front of VAPIX: 401 Digest realm AXIS_<MAC> on /axis-cgi/ (capture 05, whose body
 * is replaced here by Apache 2.4's real 401 text), param.cgi behind it. basicdeviceinfo.cgi
 * getAllUnrestrictedProperties answers without credentials on AXIS OS (UNVERIFIED which
 * properties are unrestricted; the values follow axis_vapix_kane610.txt axis-01). */

#define AXIS_PRE "Date: {date}\r\nServer: Apache/2.4.57 (Unix) OpenSSL/3.0.11\r\n"
#define APACHE_401_BODY                                                                            \
	"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"                     \
	"<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n"                  \
	"<p>This server could not verify that you\nare authorized to access the document\n"        \
	"requested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\n"   \
	"browser doesn't understand how to supply\nthe credentials "                               \
	"required.</p>\n</body></html>\n"
#define APACHE_404_BODY                                                                            \
	"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"                     \
	"<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n"                        \
	"<p>The requested URL was not found on this server.</p>\n</body></html>\n"

static const struct sim_resp axis_root = {
	"HTTP/1.1 302 Found\r\n" AXIS_PRE
	"Location: /camera/index.html\r\nContent-Length: {len}\r\n"
	"Content-Type: text/html; charset=iso-8859-1\r\n\r\n",
	"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>302 "
	"Found</title>\n"
	"</head><body>\n<h1>Found</h1>\n<p>The document has moved <a href=\"/camera/index.html\">"
	"here</a>.</p>\n</body></html>\n",
	0};
/* UNVERIFIED: the web application's shell page. */
static const struct sim_resp axis_index = {
	"HTTP/1.1 200 OK\r\n" AXIS_PRE "Content-Length: {len}\r\nContent-Type: text/html\r\n\r\n",
	"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>AXIS</title></head>"
	"<body><div id=\"root\"></div><script src=\"/camera/main.js\"></script></body></html>\n",
	0};
static const struct sim_resp axis_401 = {
	"HTTP/1.1 401 Unauthorized\r\n" AXIS_PRE
	"WWW-Authenticate: Digest realm=\"AXIS_{MACHEX}\", "
	"nonce=\"{apache_nonce}\", algorithm=MD5, qop=\"auth\"\r\nContent-Length: {len}\r\n"
	"Content-Type: text/html; charset=iso-8859-1\r\n\r\n",
	APACHE_401_BODY, 0};
static const struct sim_resp axis_bdi = {
	"HTTP/1.1 200 OK\r\n" AXIS_PRE
	"Content-Length: {len}\r\nContent-Type: application/json\r\n\r\n",
	"{\"apiVersion\":\"1.1\",\"method\":\"getAllUnrestrictedProperties\",\"data\":{"
	"\"propertyList\":{\"Brand\":\"AXIS\",\"BuildDate\":\"Apr 29 2020 06:50\","
	"\"ProdFullName\":\"AXIS {model} Network Camera\",\"ProdNbr\":\"{model}\","
	"\"ProdShortName\":\"AXIS {model}\",\"ProdType\":\"Network Camera\",\"ProdVariant\":\"\","
	"\"SerialNumber\":\"{MACHEX}\",\"Version\":\"{fw}\",\"WebURL\":\"http://www.axis.com\"}}}",
	0};
static const struct sim_resp axis_404 = {"HTTP/1.1 404 Not Found\r\n" AXIS_PRE
					 "Content-Length: {len}\r\n"
					 "Content-Type: text/html; charset=iso-8859-1\r\n\r\n",
					 APACHE_404_BODY, 0};
#define AXIS_SOAP(STATUS)                                                                          \
	"HTTP/1.1 " STATUS "\r\n" AXIS_PRE "Content-Length: {len}\r\n"                             \
	"Content-Type: " SOAP_CT "\r\n\r\n"
static const struct sim_resp axis_dt = {AXIS_SOAP("200 OK"), ONVIF_DT_BODY, 0};
static const struct sim_resp axis_fault = {AXIS_SOAP("400 Bad Request"), ONVIF_FAULT_BODY, 0};

static const struct sim_route axis_http[] = {
	R("GET", "/", NULL, &axis_root),
	R("HEAD", "/", NULL, &axis_root),
	R("GET", "/camera/index.html", NULL, &axis_index),
	R("POST", "/axis-cgi/basicdeviceinfo.cgi", "getAllUnrestrictedProperties", &axis_bdi),
	R("*", "/axis-cgi/*", NULL, &axis_401),
	ONVIF_ROUTES(axis),
	R("*", "*", NULL, &axis_404),
};
/* OPTIONS as nmap's "AXIS 207W or 212 PTZ" line; a request that is not RTSP gets nmap's
 * "Axis M1054 or P3364" HTTP/1.0 501; the RTSP realm is UNVERIFIED (camsweep assumes the
 * HTTP realm). */
static const struct sim_resp axis_rtsp_options = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Public: DESCRIBE, GET_PARAMETER, PAUSE, PLAY, SETUP, "
	"SET_PARAMETER, TEARDOWN\r\n\r\n",
	NULL, 0};
static const struct sim_resp axis_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}WWW-Authenticate: Digest realm=\"AXIS_{MACHEX}\", "
	"nonce=\"{nonce}\", stale=FALSE\r\n\r\n",
	NULL, 0};
static const struct sim_resp axis_rtsp_501 = {
	"HTTP/1.0 501 Not Implemented\r\nAllow: DESCRIBE, GET_PARAMETER, PAUSE, PLAY, SETUP, "
	"SET_PARAMETER, TEARDOWN\r\n\r\n",
	NULL, SIM_R_CLOSE};
static const struct sim_route axis_rtsp[] = {
	R("OPTIONS", "*", NULL, &axis_rtsp_options), R("DESCRIBE", "*", NULL, &axis_rtsp_401),
	R("SETUP", "*", NULL, &axis_rtsp_401),	     R("PLAY", "*", NULL, &axis_rtsp_401),
	R("*", "*", NULL, &axis_rtsp_501),
};
static const struct sim_service axis_svcs[] = {
	HTTP(80, axis_http),
	RTSP(554, axis_rtsp),
	UDP(3702, SIM_UDP_WSD,
	    WSD_GENERIC("onvif://www.onvif.org/type/video_encoder "
			"onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Profile/T "
			"onvif://www.onvif.org/hardware/{model} "
			"onvif://www.onvif.org/name/AXIS%20{model}",
			"http://{hostport80}/onvif/device_service")),
};
static const char *const axis_ouis[] = {"ACCC8E", "B8A44F", "00408C"};
static const char *const axis_models[] = {"P3245-V", "M3106-L", "Q6135-LE", "M1065-LW", "P1455-LE"};
static const char *const axis_fws[] = {"10.12.182", "9.80.3.2", "11.5.64"};

static const struct sim_persona p_axis = {
	.name = "axis",
	.maker = "Axis",
	.label = "-",
	.type = "camera",
	.note = "Apache, 401 Digest realm AXIS_<MAC> on /axis-cgi/, anonymous basicdeviceinfo",
	.weight = 10,
	.ouis = LIST(axis_ouis),
	.models = LIST(axis_models),
	.firmwares = LIST(axis_fws),
	.serial_fmt = "{MACHEX}",
	.uuid_fmt = "5581ad80-95b0-11e0-b883-{machex}",
	.svcs = LIST(axis_svcs),
};

/* ---------------------------------------------------------------- Hanwha (Samsung Techwin)
 * RTSP answers everything with nmap's "Samsung SNB-2000" 401 (realm NET-i, nonce of 24 zeros
 * and 8 hex digits). HTTP is UNVERIFIED: a redirect to /wmf/ (the Wisenet web viewer) and a
 * Digest challenge on SUNAPI (/stw-cgi/) with the realm "iPOLiS_<MAC>" from general knowledge. */

static const struct sim_resp hw_root = {
	"HTTP/1.1 302 Found\r\nLocation: /wmf/index.html\r\nContent-Length: 0\r\nConnection: "
	"close\r\n\r\n",
	NULL, 0};
static const struct sim_resp hw_index = {
	"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len}\r\nConnection: "
	"close\r\n\r\n",
	"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Web Viewer</title></head>"
	"<body><div id=\"wrap\"></div></body></html>\r\n",
	0};
static const struct sim_resp hw_401 = {
	"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nContent-Length: 0\r\n"
	"Connection: close\r\nWWW-Authenticate: Digest realm=\"iPOLiS_{MAC}\", nonce=\"{nonce}\", "
	"qop=\"auth\"\r\n\r\n",
	NULL, 0};
static const struct sim_route hw_http[] = {
	R("GET", "/", NULL, &hw_root),
	R("HEAD", "/", NULL, &hw_root),
	R("GET", "/wmf/index.html", NULL, &hw_index),
	R("*", "/stw-cgi/*", NULL, &hw_401),
	ONVIF_ROUTES(plain),
	R("*", "*", NULL, &unv_404),
};
static const struct sim_resp hw_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq|0}\r\nDate: {date}\r\nExpires: {date}\r\n"
	"Cache-Control: must-revalidate\r\nWWW-Authenticate: Digest realm=\"NET-i\", "
	"nonce=\"000000000000000000000000{NONCE8}\"\r\n\r\n",
	NULL, 0};
static const struct sim_route hw_rtsp[] = {
	R("*", "*", NULL, &hw_rtsp_401),
};
static const struct sim_service hw_svcs[] = {
	HTTP(80, hw_http),
	RTSP(554, hw_rtsp),
	UDP(3702, SIM_UDP_WSD,
	    WSD_GENERIC("onvif://www.onvif.org/type/video_encoder "
			"onvif://www.onvif.org/Profile/Streaming "
			"onvif://www.onvif.org/hardware/{model} "
			"onvif://www.onvif.org/name/{model}",
			"http://{hostport80}/onvif/device_service")),
};
static const char *const hw_ouis[] = {"000918", "E43022"};
static const char *const hw_models[] = {"XNV-6080R", "QNV-6082R", "XND-8081REV", "PNM-9000VD"};
static const char *const hw_fws[] = {"2.21.02_20220531", "1.41.01_20200820"};

static const struct sim_persona p_hanwha = {
	.name = "hanwha",
	.maker = "Hanwha",
	.label = "-",
	.type = "camera",
	.note = "RTSP 401 realm NET-i (Samsung Techwin); OUIs Samsung Techwin / Hanwha Techwin",
	.weight = 4,
	.ouis = LIST(hw_ouis),
	.models = LIST(hw_models),
	.firmwares = LIST(hw_fws),
	.serial_fmt = "Z&&&&V2M&#####?",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(hw_svcs),
};

/* ---------------------------------------------------------------- Bosch
 * HTTP: nmap l.294 ("Bosch DINION IP Bullet 5000"): HTTP/1.0 401, the "Use 'live' as User
 * Name" Digest realm, no Server header, no body. The RTSP answers are UNVERIFIED. The MAC
 * prefix 00:07:5F is registered to "VCS Video Communication Systems AG", Bosch's video unit. */

static const struct sim_resp bosch_401 = {
	"HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"Use 'live' as User Name in "
	"order to log in to the respective level\",nonce=\"{nonce}\",opaque=\"\",stale=FALSE,"
	"algorithm=MD5,qop=\"auth\"\r\n\r\n",
	NULL, 0};
static const struct sim_route bosch_http[] = {
	ONVIF_ROUTES(plain),
	R("*", "*", NULL, &bosch_401),
};
static const struct sim_resp bosch_rtsp_options = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, "
	"GET_PARAMETER, SET_PARAMETER\r\n\r\n",
	NULL, 0};
static const struct sim_resp bosch_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}WWW-Authenticate: Digest realm=\"Use 'live' as "
	"User Name\",nonce=\"{nonce}\",opaque=\"\",stale=FALSE,algorithm=MD5\r\n\r\n",
	NULL, 0};
static const struct sim_route bosch_rtsp[] = {
	R("OPTIONS", "*", NULL, &bosch_rtsp_options),
	R("DESCRIBE", "*", NULL, &bosch_rtsp_401),
	R("*", "*", NULL, &rtsp_400),
};
static const struct sim_service bosch_svcs[] = {
	HTTP(80, bosch_http),
	RTSP(554, bosch_rtsp),
	UDP(3702, SIM_UDP_WSD,
	    WSD_GENERIC("onvif://www.onvif.org/type/video_encoder "
			"onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/name/Bosch "
			"onvif://www.onvif.org/hardware/{model}",
			"http://{hostport80}/onvif/device_service")),
};
static const char *const bosch_ouis[] = {"00075F"};
static const char *const bosch_models[] = {"NBE-5503-AL", "NDE-5503-AL", "NDI-5503-A",
					   "NBN-80052-BA"};
static const char *const bosch_fws[] = {"7.80.0128", "7.61.0023", "8.10.0005"};

static const struct sim_persona p_bosch = {
	.name = "bosch",
	.maker = "Bosch",
	.label = "-",
	.type = "camera",
	.note = "HTTP/1.0 401 Digest realm Use 'live' as User Name...; OUI 00:07:5F (VCS, Bosch)",
	.weight = 3,
	.ouis = LIST(bosch_ouis),
	.models = LIST(bosch_models),
	.firmwares = LIST(bosch_fws),
	.serial_fmt = "0441########",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(bosch_svcs),
};

/* ---------------------------------------------------------------- Vivotek
 * HTTP: nmap l.219 whole (401, Server: Vivotek Network Camera, no Content-Length, the body
 * ends with the connection). RTSP OPTIONS: nmap l.359 ("CSeq: -1" when the request has none).
 * The RTSP 401 is UNVERIFIED. */

static const struct sim_resp viv_401 = {
	"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Remote-Motion CCD Network "
	"Camera\"\r\nContent-Type: text/html\r\nServer: Vivotek Network Camera\r\n\r\n",
	"<HTML>\n<HEAD>\n<TITLE>Protected Object</TITLE></HEAD><BODY>\n<H1>Protected Object</H1>"
	"This object on the server is protected.<P>\n</BODY></HTML>",
	0};
#define VIV_SOAP(STATUS)                                                                           \
	"HTTP/1.1 " STATUS "\r\nServer: Vivotek Network Camera\r\n"                                \
	"Content-Type: " SOAP_CT "\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
static const struct sim_resp viv_dt = {VIV_SOAP("200 OK"), ONVIF_DT_BODY, 0};
static const struct sim_resp viv_fault = {VIV_SOAP("400 Bad Request"), ONVIF_FAULT_BODY, 0};
static const struct sim_route viv_http[] = {
	ONVIF_ROUTES(viv),
	R("*", "*", NULL, &viv_401),
};
static const struct sim_resp viv_rtsp_options = {
	"RTSP/1.0 200 OK\r\nCSeq: {cseq|-1}\r\nDate: {date}\r\nPublic: OPTIONS, DESCRIBE, PLAY, "
	"SETUP, GET_PARAMETER, SET_PARAMETER, TEARDOWN\r\n\r\n",
	NULL, 0};
static const struct sim_resp viv_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq|-1}\r\nDate: {date}\r\n"
	"WWW-Authenticate: Basic realm=\"streaming_server\"\r\n\r\n",
	NULL, 0};
static const struct sim_route viv_rtsp[] = {
	R("OPTIONS", "*", NULL, &viv_rtsp_options),
	R("*", "*", NULL, &viv_rtsp_401),
};
static const struct sim_service viv_svcs[] = {
	HTTP(80, viv_http),
	RTSP(554, viv_rtsp),
	UDP(3702, SIM_UDP_WSD,
	    WSD_GENERIC(
		    "onvif://www.onvif.org/type/video_encoder "
		    "onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/name/VIVOTEK "
		    "onvif://www.onvif.org/hardware/{model}",
		    "http://{hostport80}/onvif/device_service")),
};
static const char *const viv_ouis[] = {"0002D1"};
static const char *const viv_models[] = {"FD8134V", "IB9389-EH", "FD9189-H", "IP9181-H"};
static const char *const viv_fws[] = {"IB9389-VVTK-0100h", "FD9189-VVTK-0104a",
				      "FD8134V-VVTK-0103a"};

static const struct sim_persona p_vivotek = {
	.name = "vivotek",
	.maker = "Vivotek",
	.label = "-",
	.type = "camera",
	.note = "401 Server: Vivotek Network Camera without Content-Length; RTSP CSeq: -1",
	.weight = 2,
	.ouis = LIST(viv_ouis),
	.models = LIST(viv_models),
	.firmwares = LIST(viv_fws),
	.serial_fmt = "{MACHEX}",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(viv_svcs),
};

/* ---------------------------------------------------------------- Reolink
 * /api.cgi answers JSON arrays as in the vendor guide (reolink_api_guide_examples.txt); without
 * a token every command gets "please login first" (rspCode -6). UNVERIFIED: Server: nginx,
 * the root page, the RTSP realm, and ONVIF on TCP 8000 (Reolink's default ONVIF port, which
 * is also Hikvision's SDK port: a port number is not an identity). */

#define RL_HEAD(STATUS, CT)                                                                        \
	"HTTP/1.1 " STATUS "\r\nServer: nginx\r\nDate: {date}\r\n"                                 \
	"Content-Type: " CT "\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
static const struct sim_resp rl_root = {
	RL_HEAD("200 OK", "text/html"),
	"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Reolink</title></head><body>"
	"<div id=\"app\"></div></body></html>\n",
	0};
static const struct sim_resp rl_login_first = {
	RL_HEAD("200 OK", "text/html"),
	"[\n   {\n      \"cmd\" : \"{cmd|Unknown}\",\n      \"code\" : 1,\n      \"error\" : {\n"
	"         \"detail\" : \"please login first\",\n         \"rspCode\" : -6\n      }\n   "
	"}\n]\n",
	0};
static const struct sim_resp rl_login_failed = {
	RL_HEAD("200 OK", "text/html"),
	"[\n   {\n      \"cmd\" : \"Login\",\n      \"code\" : 1,\n      \"error\" : {\n"
	"         \"detail\" : \"login failed\",\n         \"rspCode\" : -7\n      }\n   }\n]\n",
	0};
static const struct sim_resp rl_404 = {
	RL_HEAD("404 Not Found", "text/html"),
	"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
	"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n"
	"</html>\r\n",
	0};
static const struct sim_route rl_http[] = {
	R("GET", "/", NULL, &rl_root),
	R("HEAD", "/", NULL, &rl_root),
	R("*", "/api.cgi", "cmd=Login", &rl_login_failed),
	R("*", "/cgi-bin/api.cgi", "cmd=Login", &rl_login_failed),
	R("*", "/api.cgi", NULL, &rl_login_first),
	R("*", "/cgi-bin/api.cgi", NULL, &rl_login_first),
	R("*", "*", NULL, &rl_404),
};
static const struct sim_route rl_onvif[] = {
	ONVIF_ROUTES(plain),
	R("*", "*", NULL, &unv_404),
};
static const struct sim_resp rl_rtsp_options = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, "
	"GET_PARAMETER, SET_PARAMETER\r\n\r\n",
	NULL, 0};
static const struct sim_resp rl_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}WWW-Authenticate: Digest realm=\"BC Streaming "
	"Media\", nonce=\"{nonce}\"\r\n\r\n",
	NULL, 0};
static const struct sim_route rl_rtsp[] = {
	R("OPTIONS", "*", NULL, &rl_rtsp_options),
	R("*", "*", NULL, &rl_rtsp_401),
};
static const struct sim_service rl_svcs[] = {
	HTTP(80, rl_http),
	RTSP(554, rl_rtsp),
	HTTP(8000, rl_onvif),
	HOLD(9000),
	UDP(3702, SIM_UDP_WSD,
	    WSD_GENERIC(
		    "onvif://www.onvif.org/type/NetworkVideoTransmitter "
		    "onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/name/{model} "
		    "onvif://www.onvif.org/hardware/{model}",
		    "http://{hostport8000}/onvif/device_service")),
};
static const char *const rl_ouis[] = {"EC71DB"};
static const char *const rl_models[] = {"RLC-810A", "RLC-520A", "RLC-811A", "RLC-1224A"};
static const char *const rl_fws[] = {"v3.1.0.956_22041503", "v3.0.0.660_21110804"};

static const struct sim_persona p_reolink = {
	.name = "reolink",
	.maker = "Reolink",
	.label = "-",
	.type = "camera",
	.note = "/api.cgi 'please login first'; ONVIF on 8000 (not Hikvision's SDK); 9000 silent",
	.weight = 3,
	.ouis = LIST(rl_ouis),
	.models = LIST(rl_models),
	.firmwares = LIST(rl_fws),
	.serial_fmt = "##############",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(rl_svcs),
};

/* ---------------------------------------------------------------- Ubiquiti
 * A UniFi Protect camera (models and firmware from ubiquiti_unifi_protect_models.tsv): the
 * identifying answer is the UDP 10001 discovery reply (nmap's UbiquitiDiscoveryv1 matches:
 * model in TLV 0x0c). UNVERIFIED: the HTTP redirect and the dropbear version on SSH. */

static const struct sim_resp ubnt_redirect = {
	"HTTP/1.1 302 Found\r\nLocation: https://{ip}/\r\nContent-Length: 0\r\nConnection: "
	"close\r\n\r\n",
	NULL, 0};
static const struct sim_route ubnt_http[] = {
	R("*", "*", NULL, &ubnt_redirect),
};
static const unsigned char ubnt_ssh[] = "SSH-2.0-dropbear_2019.78\r\n";
static const struct sim_service ubnt_svcs[] = {
	HTTP(80, ubnt_http),
	{.port = 22, .kind = SIM_BANNER, .greet = ubnt_ssh, .ngreet = sizeof(ubnt_ssh) - 1},
	UDP(10001, SIM_UDP_UBNT, NULL),
};
static const char *const ubnt_ouis[] = {"245A4C", "788A20", "F09FC2", "802AA8", "E063DA", "7483C2"};
static const char *const ubnt_models[] = {"UVC G4 Bullet", "UVC G4 Dome", "UVC G4 Pro",
					  "UVC AI Bullet", "UVC G4 Doorbell"};
static const char *const ubnt_fws[] = {"4.47.13", "4.48.16", "4.47.15"};

static const struct sim_persona p_ubnt = {
	.name = "ubiquiti",
	.maker = "Ubiquiti",
	.label = "-",
	.type = "camera",
	.note = "UniFi Protect camera: discovery on UDP 10001 (model TLV), SSH dropbear, HTTP to "
		"HTTPS",
	.weight = 3,
	.ouis = LIST(ubnt_ouis),
	.models = LIST(ubnt_models),
	.firmwares = LIST(ubnt_fws),
	.serial_fmt = "{MACHEX}",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(ubnt_svcs),
};

/* ---------------------------------------------------------------- Xiongmai
 * besder_xiongmai_captures.txt: HTTP/1.0, "NETSurveillance WEB" (besder-03/04, body below is
 * the captured start, closed off), RTSP "H264DVR 1.0" with nmap's Public list, ONVIF on 8899
 * answering GetDeviceInformation anonymously with Manufacturer "H264" (besder-05), the DVRIP
 * "Sofia" port 34567. The Server header is the older DVR firmware's "uc-httpd 1.0.0" (Recog;
 * nmap l.10782); its position among the headers is UNVERIFIED. Xiongmai has no IEEE prefix. */

static const struct sim_resp xm_root = {
	"HTTP/1.0 200 OK\r\nContent-type: text/html\r\nServer: uc-httpd 1.0.0\r\nExpires: "
	"0\r\n\r\n",
	"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	"\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\r\n"
	"<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n"
	"    <meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\" />\r\n"
	"\t<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\"/>\r\n"
	"    <link rel=\"stylesheet\" type=\"text/css\" media=\"screen\" href=\"m.css\" />\r\n"
	"    \r\n    <title>NETSurveillance WEB</title>\r\n    \r\n    <!-- m.js -->\r\n\r\n"
	"    <script type=\"text/javascript\" language=\"JavaScript\">\r\n"
	"     var bCrossBrow=false;\r\n\t var bnpCheck = false;\r\nvar showemailflag=0;\r\n"
	"var ShowTipFlag=2;\r\n    </script>\r\n</head>\r\n<body>\r\n</body>\r\n</html>\r\n",
	0};
static const struct sim_resp xm_404 = {
	"HTTP/1.0 404 Not Found\r\nContent-type: text/html\r\nServer: uc-httpd 1.0.0\r\n\r\n",
	"<html><body><h1>404 Not Found</h1></body></html>\r\n", 0};
static const struct sim_route xm_http[] = {
	R("GET", "/", NULL, &xm_root),
	R("HEAD", "/", NULL, &xm_root),
	R("GET", "/index.html", NULL, &xm_root),
	R("*", "*", NULL, &xm_404),
};
static const struct sim_resp xm_devinfo = {PLAIN_SOAP("200 OK"),
					   ONVIF_DEVINFO_BODY("H264", "00001"), 0};
static const struct sim_route xm_onvif[] = {
	R("POST", "/onvif/device_service", "GetDeviceInformation", &xm_devinfo),
	ONVIF_ROUTES(plain),
	R("*", "*", NULL, &unv_404),
};
static const struct sim_resp xm_rtsp_options = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Server: H264DVR 1.0\r\nPublic: OPTIONS, DESCRIBE, SETUP, "
	"TEARDOWN, GET_PARAMETER, SET_PARAMETER, PLAY, PAUSE\r\n\r\n",
	NULL, 0};
/* UNVERIFIED: the 401. */
static const struct sim_resp xm_rtsp_401 = {
	"RTSP/1.0 401 Unauthorized\r\n{cseq_line}Server: H264DVR 1.0\r\n"
	"WWW-Authenticate: Basic realm=\"H264DVR\"\r\n\r\n",
	NULL, 0};
static const struct sim_route xm_rtsp[] = {
	R("OPTIONS", "*", NULL, &xm_rtsp_options),
	R("*", "*", NULL, &xm_rtsp_401),
};
static const struct sim_service xm_svcs[] = {
	HTTP(80, xm_http),
	RTSP(554, xm_rtsp),
	HTTP(8899, xm_onvif),
	HOLD(34567),
	UDP(3702, SIM_UDP_WSD,
	    WSD_GENERIC("onvif://www.onvif.org/type/NetworkVideoTransmitter "
			"onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/name/H264 "
			"onvif://www.onvif.org/hardware/{model}",
			"http://{hostport8899}/onvif/device_service")),
};
static const char *const xm_ouis[] = {"*"};
static const char *const xm_models[] = {"XM530_50X50-WG_8M", "AHB7804R-MH", "NBD7904T-F"};
static const char *const xm_fws[] = {"V5.00.R02.00030747.10010.349f17..ONVIF 16.12",
				     "V4.02.R11.A6380347.10010.140400.0000000"};

static const struct sim_persona p_xm = {
	.name = "xiongmai-dvr",
	.maker = "Xiongmai",
	.label = "-",
	.type = "dvr",
	.note = "uc-httpd / NETSurveillance WEB, RTSP H264DVR, anonymous ONVIF on 8899, no IEEE "
		"OUI",
	.weight = 2,
	.ouis = LIST(xm_ouis),
	.models = LIST(xm_models),
	.firmwares = LIST(xm_fws),
	.serial_fmt = "@@@@@@@@@@@@@@@@",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(xm_svcs),
};

/* ---------------------------------------------------------------- not cameras */

/* examples/captures/06-plain-nginx, with nginx 1.22's real 404 page; keep-alive supported. */
static const struct sim_resp ngx_root = {
	"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: {date}\r\nContent-Type: text/html\r\n"
	"Content-Length: {len}\r\nConnection: {connection}\r\n\r\n",
	"<!DOCTYPE html><html><head><title>Welcome to "
	"nginx!</title></head><body></body></html>\r\n",
	SIM_R_KEEP};
static const struct sim_resp ngx_404 = {
	"HTTP/1.1 404 Not Found\r\nServer: nginx/1.22.1\r\nDate: {date}\r\nContent-Type: "
	"text/html\r\n"
	"Content-Length: {len}\r\nConnection: {connection}\r\n\r\n",
	"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
	"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
	"</body>\r\n</html>\r\n",
	SIM_R_KEEP};
static const struct sim_route ngx_http[] = {
	R("GET", "/", NULL, &ngx_root),
	R("HEAD", "/", NULL, &ngx_root),
	R("GET", "/index.html", NULL, &ngx_root),
	R("*", "*", NULL, &ngx_404),
};
static const struct sim_service ngx_svcs[] = {HTTP(80, ngx_http)};
static const char *const ngx_ouis[] = {"005056", "000C29"};

static const struct sim_persona p_nginx = {
	.name = "nginx",
	.maker = "-",
	.label = "-",
	.type = "web",
	.note = "a plain nginx web server on a VMware guest: not a camera",
	.weight = 8,
	.ouis = LIST(ngx_ouis),
	.serial_fmt = "",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(ngx_svcs),
};

/* An HP-like printer: embedded web server banner, JetDirect 9100, and a WS-Discovery answer
 * that is not ONVIF (only to untyped or printer-typed probes). UNVERIFIED: the banner's exact
 * layout and the WSD metadata. */
#define HP_HEAD(STATUS)                                                                            \
	"HTTP/1.1 " STATUS "\r\nServer: HP HTTP Server; {model}; Serial Number: "                  \
	"{serial}; Built:Thu Mar 10, 2022 09:35:23PM {{002_2210A}\r\nContent-Type: text/html\r\n"  \
	"Cache-Control: must-revalidate, max-age=0\r\nPragma: no-cache\r\nContent-Length: "        \
	"{len}\r\n"                                                                                \
	"Connection: close\r\n\r\n"
static const struct sim_resp hp_root = {
	HP_HEAD("200 OK"),
	"<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"><title>{model}</title></head>"
	"<body><div id=\"pgDevInfo\">{model}</div></body></html>\r\n",
	0};
static const struct sim_resp hp_404 = {HP_HEAD("404 Not Found"),
				       "<html><body>404 Not Found</body></html>\r\n", 0};
static const struct sim_route hp_http[] = {
	R("GET", "/", NULL, &hp_root),
	R("HEAD", "/", NULL, &hp_root),
	R("*", "*", NULL, &hp_404),
};
#define WSD_PRINTER                                                                                \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope "                              \
	"xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" "                                  \
	"xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "                          \
	"xmlns:wsd=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "                           \
	"xmlns:wsdp=\"http://schemas.xmlsoap.org/ws/2006/02/devprof\" "                            \
	"xmlns:wprt=\"http://schemas.microsoft.com/windows/2006/08/wdp/print\"><soap:Header>"      \
	"<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>"         \
	"<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>"    \
	"<wsa:MessageID>urn:uuid:{msgid}</wsa:MessageID><wsa:RelatesTo>{relates_to}"               \
	"</wsa:RelatesTo><wsd:AppSequence InstanceId=\"{instance}\" MessageNumber=\"{msgnum}\"/>"  \
	"</soap:Header><soap:Body><wsd:ProbeMatches><wsd:ProbeMatch><wsa:EndpointReference>"       \
	"<wsa:Address>urn:uuid:{uuid}</wsa:Address></wsa:EndpointReference>"                       \
	"<wsd:Types>wsdp:Device wprt:PrintDeviceType</wsd:Types>"                                  \
	"<wsd:XAddrs>http://{ip}:3911/</wsd:XAddrs><wsd:MetadataVersion>2</wsd:MetadataVersion>"   \
	"</wsd:ProbeMatch></wsd:ProbeMatches></soap:Body></soap:Envelope>\n"
static const struct sim_service hp_svcs[] = {
	HTTP(80, hp_http),
	HOLD(9100),
	UDP_TYPES(3702, SIM_UDP_WSD, WSD_PRINTER, "PrintDeviceType|wsdp:Device"),
};
static const char *const hp_ouis[] = {"10E7C6", "9C7BEF", "3464A9"};
static const char *const hp_models[] = {"HP LaserJet Pro M404dn", "HP Color LaserJet Pro M454dw",
					"HP LaserJet Enterprise M507"};

static const struct sim_persona p_printer = {
	.name = "printer",
	.maker = "-",
	.label = "-",
	.type = "printer",
	.note = "HP-like embedded web server, JetDirect 9100, printer (not ONVIF) WS-Discovery",
	.weight = 6,
	.ouis = LIST(hp_ouis),
	.models = LIST(hp_models),
	.serial_fmt = "PHB??#####",
	.uuid_fmt = "{rand_uuid}",
	.svcs = LIST(hp_svcs),
};

/* ---------------------------------------------------------------- hostile devices
 * Each misbehaves on HTTP (80) and RTSP (554) alike; the mode does the misbehaving and the
 * route gives the bytes it misbehaves with. */

static const char *const any_oui[] = {"*"};

static const struct sim_resp slow_page = {
	"HTTP/1.1 200 OK\r\nServer: thttpd/2.25b 29dec2003\r\nContent-Type: text/html\r\n"
	"Content-Length: {len}\r\nConnection: close\r\n\r\n",
	"<html><head><title>IP Camera</title></head><body>slow</body></html>\r\n", 0};
static const struct sim_resp slow_rtsp = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Server: slow\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n", NULL, 0};
static const struct sim_route slow_http[] = {R("*", "*", NULL, &slow_page)};
static const struct sim_route slow_rtsp_r[] = {R("*", "*", NULL, &slow_rtsp)};

/* Endless: the head of these answers is sent, then one header line per SIM_ENDLESS_MS. */
static const struct sim_resp endless_http_head = {"HTTP/1.1 200 OK\r\nServer: endless\r\n", NULL,
						  0};
static const struct sim_resp endless_rtsp_head = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Server: endless\r\n", NULL, 0};
static const struct sim_route endless_http[] = {R("*", "*", NULL, &endless_http_head)};
static const struct sim_route endless_rtsp[] = {R("*", "*", NULL, &endless_rtsp_head)};

/* Reset: long enough that half of it is more than the head. */
static const struct sim_resp reset_page = {
	"HTTP/1.1 200 OK\r\nServer: Boa/0.94.14rc21\r\nContent-Type: text/html\r\n"
	"Content-Length: {len}\r\nConnection: close\r\n\r\n",
	"<html><head><title>Network Camera</title></head><body>\r\n"
	"<p>0000000000000000000000000000000000000000000000000000000000000000</p>\r\n"
	"<p>1111111111111111111111111111111111111111111111111111111111111111</p>\r\n"
	"<p>2222222222222222222222222222222222222222222222222222222222222222</p>\r\n"
	"<p>3333333333333333333333333333333333333333333333333333333333333333</p>\r\n"
	"</body></html>\r\n",
	0};
static const struct sim_route reset_http[] = {R("*", "*", NULL, &reset_page)};
static const struct sim_route reset_rtsp[] = {R("*", "*", NULL, &hik_rtsp_options)};

/* Lying Content-Length: claims 1 GB, sends exactly 100 bytes (checked by the self-test). */
#define LIE_BODY                                                                                   \
	"<html><head><title>Firmware</title></head><body>"                                         \
	"0123456789012345678901234567890123456789012345678901"
static const struct sim_resp lie_page = {
	"HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.35\r\nContent-Type: text/html\r\n"
	"Content-Length: 1073741824\r\n\r\n",
	LIE_BODY, 0};
static const struct sim_resp lie_rtsp = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Content-Type: application/sdp\r\n"
	"Content-Length: 1073741824\r\n\r\n",
	LIE_BODY, 0};
static const struct sim_route lie_http[] = {R("*", "*", NULL, &lie_page)};
static const struct sim_route lie_rtsp_r[] = {R("*", "*", NULL, &lie_rtsp)};

/* Script in the title and terminal escapes in Server (examples/captures/07-hostile-device,
 * bare LF line ends and all), and the same nastiness in RTSP and WS-Discovery. */
static const struct sim_resp evil_page = {
	"HTTP/1.1 200 OK\nServer: \x1b[2J\x1b[31mEvilCam\x07\nContent-Type: text/html\n\n",
	"<html><head><title><script>alert(1)</script>&lt;b&gt;</title></head></html>\n", 0};
static const struct sim_resp evil_rtsp = {
	"RTSP/1.0 200 OK\r\n{cseq_line}Server: \x1b]0;owned\x07\x1b[5mEvilCam\x1b[0m\r\n"
	"Public: OPTIONS, DESCRIBE\r\n\r\n",
	NULL, 0};
static const struct sim_route evil_http[] = {R("*", "*", NULL, &evil_page)};
static const struct sim_route evil_rtsp_r[] = {R("*", "*", NULL, &evil_rtsp)};

static const struct sim_service trickle_svcs[] = {
	HTTP_MODE(80, slow_http, SIM_TRICKLE),
	RTSP_MODE(554, slow_rtsp_r, SIM_TRICKLE),
};
static const struct sim_service endless_svcs[] = {
	HTTP_MODE(80, endless_http, SIM_ENDLESS),
	RTSP_MODE(554, endless_rtsp, SIM_ENDLESS),
};
static const struct sim_service garbage_svcs[] = {
	HTTP_MODE(80, slow_http, SIM_GARBAGE),
	RTSP_MODE(554, slow_rtsp_r, SIM_GARBAGE),
};
static const struct sim_service reset_svcs[] = {
	HTTP_MODE(80, reset_http, SIM_RESET),
	RTSP_MODE(554, reset_rtsp, SIM_RESET),
};
static const struct sim_service lie_svcs[] = {
	HTTP_MODE(80, lie_http, SIM_LIE),
	RTSP_MODE(554, lie_rtsp_r, SIM_LIE),
};
static const struct sim_service evil_svcs[] = {
	HTTP(80, evil_http),
	RTSP(554, evil_rtsp_r),
	UDP(3702, SIM_UDP_WSD,
	    WSD_GENERIC("onvif://www.onvif.org/name/%3Cscript%3Ealert(1)%3C/script%3E "
			"onvif://www.onvif.org/hardware/\x1b[31mEVIL\x1b[0m "
			"onvif://www.onvif.org/location/<b>here</b>",
			"http://{hostport80}/onvif/device_service javascript:alert(1)")),
};
static const struct sim_service never_svcs[] = {
	HTTP_MODE(80, slow_http, SIM_NEVER),
	RTSP_MODE(554, slow_rtsp_r, SIM_NEVER),
};

#define HOSTILE(ID, NAME, NOTE, SVCS)                                                              \
	static const struct sim_persona ID = {                                                     \
		.name = NAME,                                                                      \
		.maker = "-",                                                                      \
		.label = "-",                                                                      \
		.type = "hostile",                                                                 \
		.note = NOTE,                                                                      \
		.weight = 1,                                                                       \
		.ouis = LIST(any_oui),                                                             \
		.serial_fmt = "",                                                                  \
		.uuid_fmt = "{rand_uuid}",                                                         \
		.svcs = LIST(SVCS),                                                                \
	}

HOSTILE(p_trickle, "byte-at-a-time", "answers one byte per 50 ms", trickle_svcs);
HOSTILE(p_endless, "endless-headers", "a status line, then header lines forever", endless_svcs);
HOSTILE(p_garbage, "garbage", "random bytes on connect, then close", garbage_svcs);
HOSTILE(p_reset, "reset-mid-reply", "half the answer, then RST (SO_LINGER 0)", reset_svcs);
HOSTILE(p_lie, "lying-length", "Content-Length: 1073741824, then 100 bytes and silence", lie_svcs);
HOSTILE(p_evil, "script-in-title", "<script> in the title, ANSI escapes in Server, LF-only lines",
	evil_svcs);
HOSTILE(p_never, "slowloris-accept", "accepts and never answers", never_svcs);

/* ---------------------------------------------------------------- the registry
 * The one list of personas. An estate's index for a persona is its position here + 1, so a
 * new persona goes at the end (estates are text, but --dump output is compared across runs). */

const struct sim_persona *const sim_personas[] = {
	&p_hik_cam,  &p_hik_old, &p_hik_nvr, &p_hik_relabel, &p_dh_cam,	 &p_dh_nvr,  &p_dh_relabel,
	&p_dh_lorex, &p_unv,	 &p_axis,    &p_hanwha,	     &p_bosch,	 &p_vivotek, &p_reolink,
	&p_ubnt,     &p_xm,	 &p_nginx,   &p_printer,     &p_trickle, &p_endless, &p_garbage,
	&p_reset,    &p_lie,	 &p_evil,    &p_never,
};
const size_t sim_npersonas = CS_ARRAY_SIZE(sim_personas);

const struct sim_persona *sim_persona_find(struct cs_sv name, size_t *index)
{
	for (size_t i = 0; i < sim_npersonas; i++) {
		if (cs_sv_eq(name, cs_sv_cstr(sim_personas[i]->name))) {
			if (index != NULL)
				*index = i + 1;
			return sim_personas[i];
		}
	}
	return NULL;
}

bool sim_kind_is_udp(int kind)
{
	return kind == SIM_UDP_WSD || kind == SIM_UDP_SADP || kind == SIM_UDP_DHIP ||
	       kind == SIM_UDP_UBNT;
}

const struct sim_service *sim_persona_service(const struct sim_persona *p, int udp, uint16_t port)
{
	for (size_t i = 0; i < p->nsvcs; i++)
		if (p->svcs[i].port == port && sim_kind_is_udp(p->svcs[i].kind) == (udp != 0))
			return &p->svcs[i];
	return NULL;
}
