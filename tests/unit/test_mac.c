/* test_mac.c - MAC parsing and formatting, and MACs recovered from EUI-64 IPv6 and UUIDs. */
#include "test.h"

#include "common/err.h"
#include "proto/mac.h"

/* Parse s through a guard page and return the lower-case colon form, or "ERR". */
static const char *parsed(const char *s)
{
	static char out[18];
	uint8_t mac[6];
	size_t n = strlen(s);
	if (cs_mac_parse(cs_sv_make(cs_test_guarded(s, n), n), mac) != CS_OK)
		return "ERR";
	cs_mac_format(mac, out);
	return out;
}

TEST(mac_parse_forms)
{
	CHECK_STR(parsed("58:50:ed:1f:e3:85"), "58:50:ed:1f:e3:85");
	CHECK_STR(parsed("58-50-ED-1F-E3-85"), "58:50:ed:1f:e3:85"); /* SADP */
	CHECK_STR(parsed("58-50-ed-1f-e3-85"), "58:50:ed:1f:e3:85");
	CHECK_STR(parsed("5850.ed1f.e385"), "58:50:ed:1f:e3:85"); /* Cisco */
	CHECK_STR(parsed("3CEF8C6101C0"), "3c:ef:8c:61:01:c0");	  /* Dahua RPC2 */
	CHECK_STR(parsed(" \t3c:ef:8c:61:01:c0\r\n"), "3c:ef:8c:61:01:c0");
	CHECK_STR(parsed("00:00:00:00:00:00"), "00:00:00:00:00:00");

	static const char *const bad[] = {
		"",
		"58:50:ed:1f:e3",
		"58:50:ed:1f:e3:8",
		"58:50:ed:1f:e3:85:00",
		"58:50-ed:1f:e3:85",
		"58:50:ed:1f:e3:8g",
		"5:50:ed:1f:e3:855",
		"58.50.ed.1f.e3.85",
		"5850ed1fe38",
		"5850ed1fe3855",
		"5850ed1fe385ff",
		"5850:ed1f:e385",
		"5850.ed1f-e385",
		"58:50:ed:1f:e3:85 x",
		"0x5850ed1fe3",
		"58 50 ed 1f e3 85",
		"zz:zz:zz:zz:zz:zz",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++)
		if (strcmp(parsed(bad[i]), "ERR") != 0)
			cs_test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);

	/* A failed parse leaves the output alone. */
	uint8_t mac[6] = {1, 2, 3, 4, 5, 6};
	CHECK_INT(cs_mac_parse(CS_SV("nope"), mac), CS_EPARSE);
	CHECK(mac[0] == 1 && mac[5] == 6);
	CHECK_INT(cs_mac_parse(cs_sv_make(NULL, 0), mac), CS_EPARSE);
}

TEST(mac_parse_every_truncation)
{
	static const char *const forms[] = {"AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff", "aabbccddeeff"};
	for (size_t f = 0; f < CS_ARRAY_SIZE(forms); f++) {
		size_t n = strlen(forms[f]);
		for (size_t i = 0; i <= n; i++) {
			uint8_t mac[6];
			const char *g = cs_test_guarded(forms[f], i);
			int rc = cs_mac_parse(cs_sv_make(g, i), mac);
			CHECK_INT(rc, i == n ? CS_OK : CS_EPARSE);
		}
	}
}

TEST(mac_bits)
{
	uint8_t hik[6] = {0x58, 0x50, 0xed, 0x1f, 0xe3, 0x85};
	uint8_t local[6] = {0x5a, 0x50, 0xed, 0x1f, 0xe3, 0x85};
	uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
	CHECK(!cs_mac_is_local(hik) && !cs_mac_is_multicast(hik));
	CHECK(cs_mac_is_local(local) && !cs_mac_is_multicast(local));
	CHECK(!cs_mac_is_local(mcast) && cs_mac_is_multicast(mcast));
	char out[18];
	cs_mac_format(mcast, out);
	CHECK_STR(out, "01:00:5e:7f:ff:fa");
}

static const char *from_ipv6(const char *s)
{
	static char out[18];
	uint8_t mac[6];
	size_t n = strlen(s);
	int rc = cs_mac_from_eui64_ipv6(cs_sv_make(cs_test_guarded(s, n), n), mac);
	if (rc != CS_OK)
		return rc == CS_ENOTFOUND ? "NOTFOUND" : "ERR";
	cs_mac_format(mac, out);
	return out;
}

TEST(mac_from_eui64_ipv6)
{
	CHECK_STR(from_ipv6("fe80::5a50:edff:fe1f:e385"), "58:50:ed:1f:e3:85");
	CHECK_STR(from_ipv6("FE80::5A50:EDFF:FE1F:E385"), "58:50:ed:1f:e3:85");
	CHECK_STR(from_ipv6("fe80:0:0:0:5a50:edff:fe1f:e385%eth0"), "58:50:ed:1f:e3:85");
	CHECK_STR(from_ipv6("fe80::3eef:8cff:fe61:1c0/64"), "3c:ef:8c:61:01:c0"); /* DHIP */
	CHECK_STR(from_ipv6("2001:db8::3eef:8cff:fe61:1c0"), "3c:ef:8c:61:01:c0");
	CHECK_STR(from_ipv6("http://[fe80::5a50:edff:fe1f:e385]/onvif/device_service"),
		  "58:50:ed:1f:e3:85");
	CHECK_STR(from_ipv6("http://[fe80::5a50:edff:fe1f:e385]:8080/onvif/device_service"),
		  "58:50:ed:1f:e3:85");
	/* WS-Discovery XAddrs: the IPv4 URL first, the EUI-64 one second. */
	CHECK_STR(from_ipv6("http://192.168.1.64/onvif/device_service "
			    "http://[fe80::5a50:edff:fe1f:e385]/onvif/device_service"),
		  "58:50:ed:1f:e3:85");
	/* A locally administered MAC (U/L bit set in the identifier means 0 here). */
	CHECK_STR(from_ipv6("fe80::50:edff:fe1f:e385"), "02:50:ed:1f:e3:85");

	static const char *const no[] = {
		"",
		"fe80::1",
		"fe80::5a50:edff:fe1f",
		"fe80::5a50:edfe:fe1f:e385",
		"fe80::5a50:edff:fd1f:e385",
		"192.168.1.64",
		"http://192.168.1.64/onvif/device_service",
		"http://[fe80::5a50:edff:fe1f:e385/onvif",
		"[]",
		"[::]",
		"::ffff:192.168.1.64",
		"fe80::5a50:edff:fe1f:e385:1:2:3:4:5",
		"fe80::5a50:edff:fe1f:e38g",
		"fe80::5a50:edff:fe1f:e385aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"not an address at all",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(no); i++)
		if (strcmp(from_ipv6(no[i]), "NOTFOUND") != 0)
			cs_test_fail(__FILE__, __LINE__, "\"%s\" gave %s", no[i], from_ipv6(no[i]));
	uint8_t mac[6];
	CHECK_INT(cs_mac_from_eui64_ipv6(cs_sv_make(NULL, 0), mac), CS_ENOTFOUND);

	/* Every truncation of a URL. */
	const char *url = "http://[fe80::5a50:edff:fe1f:e385]/onvif/device_service";
	for (size_t i = 0; i <= strlen(url); i++) {
		int rc = cs_mac_from_eui64_ipv6(cs_sv_make(cs_test_guarded(url, i), i), mac);
		CHECK_INT(rc,
			  i >= strlen("http://[fe80::5a50:edff:fe1f:e385]") ? CS_OK : CS_ENOTFOUND);
	}
}

static const char *from_uuid(const char *s)
{
	static char out[18];
	uint8_t mac[6];
	size_t n = strlen(s);
	int rc = cs_mac_from_uuid(cs_sv_make(cs_test_guarded(s, n), n), mac);
	if (rc != CS_OK)
		return rc == CS_ENOTFOUND ? "NOTFOUND" : "ERR";
	cs_mac_format(mac, out);
	return out;
}

TEST(mac_from_uuid)
{
	/* Hikvision WS-Discovery endpoint references carry the MAC in the node field. */
	CHECK_STR(from_uuid("urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385"), "58:50:ed:1f:e3:85");
	CHECK_STR(from_uuid("uuid:cea94000-fb96-11b3-8260-686dbc5cb15d"), "68:6d:bc:5c:b1:5d");
	CHECK_STR(from_uuid("URN:UUID:AA85C000-6324-11B3-819E-B4A3820FD92D"), "b4:a3:82:0f:d9:2d");
	CHECK_STR(from_uuid("{aa85c000-6324-11b3-819e-5850ed1fe385}"), "58:50:ed:1f:e3:85");
	CHECK_STR(from_uuid(" aa85c000-6324-11b3-819e-5850ed1fe385\n"), "58:50:ed:1f:e3:85");

	static const char *const no[] = {
		"",
		"urn:uuid:",
		"uuid:7d3c1a52-94be-4f07-8e61-0b2d9c4f1e83", /* random node: multicast bit */
		"urn:uuid:aa85c000-6324-11b3-819e-000000000000",
		"urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe38",
		"urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe3855",
		"urn:uuid:aa85c000_6324-11b3-819e-5850ed1fe385",
		"urn:uuid:aa85c0006-324-11b3-819e-5850ed1fe385",
		"urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe3zz",
		"urn:uuid:aa85c000-6324-11b3-819e5850ed1fe385",
		"{aa85c000-6324-11b3-819e-5850ed1fe385",
		"5850ed1fe385",
		"1b77a2db-c51d-44b8-bf2d-418760240ab-6",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(no); i++)
		if (strcmp(from_uuid(no[i]), "NOTFOUND") != 0)
			cs_test_fail(__FILE__, __LINE__, "\"%s\" gave %s", no[i], from_uuid(no[i]));

	const char *u = "urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385";
	for (size_t i = 0; i <= strlen(u); i++) {
		uint8_t mac[6];
		int rc = cs_mac_from_uuid(cs_sv_make(cs_test_guarded(u, i), i), mac);
		CHECK_INT(rc, i == strlen(u) ? CS_OK : CS_ENOTFOUND);
	}
}
