/*
 * test_engine.c - the fusion logic on a small knowledge base written by the test itself, so that
 * these expectations do not move when data/ grows: relabels, sub-brands, look-alike OUIs,
 * former subsidiaries, conflicting evidence, derived values, caps and data-file validation.
 */
#include "ident/ident.h"
#include "policy/policy.h"
#include "test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void make_kb_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cs-kb-XXXXXX");
	if (mkdtemp(dir) == NULL)
		exit(2);
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/fingerprints", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/policies", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/ieee", dir);
	mkdir(sub, 0700);
	put("makers.tsv",
	    "# name\tkind\tcountry\tnil\taliases\tsource\n"
	    "Hikvision\tmanufacturer\tCN\tyes\tHangzhou Hikvision Digital Technology "
	    "Co.,Ltd.|HIKVISION\ttest\n"
	    "Dahua\tmanufacturer\tCN\tyes\tZhejiang Dahua Technology Co., Ltd.\ttest\n"
	    "EZVIZ\tbrand\tCN\tyes\tHangzhou Ezviz Software Co.,Ltd.\ttest\n"
	    "Amcrest\tbrand\tUS\tno\tAmcrest Technologies\ttest\n"
	    "Lorex\tbrand\tCA\tunknown\tLorex Technology Inc.\ttest\n"
	    "Axis\tmanufacturer\tSE\tno\tAxis Communications AB|AXIS\ttest\n"
	    "Uniview\tmanufacturer\tCN\tyes\t-\ttest\n");
	put("brands.tsv", "EZVIZ\tHikvision\tsubsidiary\t-\t-\tall\ttest\n"
			  "Amcrest\tDahua\toem\t-\t-\tall\ttest\n"
			  "Lorex\tDahua\tsubsidiary\t2018\t2023-01\tall\ttest\n");
	put("fields.tsv", "onvif\tManufacturer\tvendor\ttest\n*\tModel\tmodel\ttest\n");
	put("oui-makers.tsv", "^Shanghai Dahua Scale\t-\tlook-alike\n"
			      "^Zhejiang Dahua\tDahua\ttest\n"
			      "^Hangzhou Hikvision\tHikvision\ttest\n"
			      "^Hangzhou Ezviz\tEZVIZ\ttest\n");
	put("ieee/oui.csv",
	    "Registry,Assignment,Organization Name,Organization Address\n"
	    "MA-L,5850ED,\"Hangzhou Hikvision Digital Technology Co.,Ltd.\",Hangzhou CN\n"
	    "MA-L,3CEF8C,\"Zhejiang Dahua Technology Co., Ltd.\",\"Hangzhou, CN\"\n"
	    "MA-L,64F2FB,\"Hangzhou Ezviz Software Co.,Ltd.\",CN\n"
	    "MA-L,402C76,Somebody Else,XX\n");
	put("ieee/mam.csv", "Registry,Assignment,Organization Name,Organization Address\n"
			    "MA-M,402C761,Shanghai Dahua Scale Factory,Shanghai CN\n");
	put("fingerprints/test.rules",
	    "# id\tsignal\top\tpattern\tweight\tsets\tnote\n"
	    "hik-appwebs\thttp.server\teq\tApp-webs/\t0.9\tmaker=Hikvision;type=camera\ttest\n"
	    "hik-webserver\thttp.server\teq\twebserver\t0.3\tmaker=Hikvision\tweak\n"
	    "dahua-rtsp\trtsp.server\teq\tDahua Rtsp Server\t0.9\tmaker=Dahua;type=camera\ttest\n"
	    "amcrest-title\thttp.title\thas\tAmcrest\t0.9\tbrand=Amcrest\ttest\n"
	    "lorex-title\thttp.title\thas\tLorex\t0.9\tbrand=Lorex\ttest\n"
	    "ezviz-title\thttp.title\thas\tEZVIZ\t0.9\tmaker=EZVIZ\ttest\n"
	    "axis-ftp\tftp\tre\t^AXIS (\\S+) Network Camera "
	    "([\\d.]+)\t0.9\tmaker=Axis;type=camera;model=$1;firmware=$2\ttest\n"
	    "hik-model\tmodel\tre\t^DS-2CD\\w\t0.6\tmaker=Hikvision;type=camera\ttest\n"
	    "hik-body\thttp.body\thas\tdoc/page/login.asp\t0.7\tmaker=Hikvision\ttest\n"
	    "generic-cam\thttp.realm\teq\tcamera\t0.5\ttype=camera\tno maker\n");
	put("policies/test.policy", "id\ttest-889\ntitle\tTest\njurisdiction\tUS\nbasis\tTest Act\n"
				    "entity\tHikvision\tvideo\tTest Act s.1\t2019\n"
				    "entity\tDahua\tvideo\tTest Act s.1\t2019\n");
	put("policies/nil.policy", "id\ttest-nil\ntitle\tNIL\nbasis\tWMS\ninclude\tnil=yes\n");
}

static struct cs_kb *kb;
static struct cs_ident *id;

static void setup(void)
{
	if (kb != NULL) {
		cs_ident_reset(id);
		return;
	}
	make_kb_dir();
	char ieee[128];
	snprintf(ieee, sizeof(ieee), "%s/ieee", dir);
	struct cs_kb_opts o = {dir, "", ieee};
	struct cs_err err;
	if (cs_kb_load(&kb, &o, &err) != CS_OK) {
		fprintf(stderr, "kb: %s\n", err.msg);
		exit(2);
	}
	cs_ident_new(&id, kb);
}

static void judge(struct cs_device *d)
{
	struct cs_err err;
	cs_ident_finish(id, d);
	cs_policy_judge(kb, d, NULL, cs_ident_arena(id), &err);
}

static const struct cs_coverage *coverage(const struct cs_device *d, const char *policy)
{
	for (size_t i = 0; i < d->ncoverage; i++)
		if (strcmp(d->coverage[i].policy, policy) == 0)
			return &d->coverage[i];
	return NULL;
}

TEST(engine_server_header_names_maker)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_HTTP_SERVER, CS_SV("App-webs/"), 1.0);
	judge(&d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK_STR(d.basis, "hardware");
	CHECK(d.brand == NULL);
	CHECK_INT(d.type, CS_DT_CAMERA);
	CHECK(d.confidence > 0.85 && d.confidence <= 0.9);
	CHECK(d.covered);
	REQUIRE(coverage(&d, "test-889") != NULL);
	CHECK_STR(coverage(&d, "test-889")->status, "covered");
	CHECK_STR(coverage(&d, "test-889")->basis, "Test Act");
	CHECK_STR(coverage(&d, "test-889")->why, "Test Act s.1");
	REQUIRE(d.nevidence >= 1);
	CHECK_STR(d.evidence[0].rule, "hik-appwebs");
}

TEST(engine_weak_signal_alone_is_not_a_maker)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_HTTP_SERVER, CS_SV("webserver"), 1.0);
	judge(&d);
	CHECK(d.manufacturer == NULL);
	CHECK(!d.covered);
	CHECK_INT(d.npossible, 1);
	/* ...but a second independent signal confirms it. */
	cs_ident_observe(id, CS_SIG_HTTP_BODY,
			 CS_SV("<script>location='/doc/page/login.asp?_'</script>"), 1.0);
	judge(&d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK(d.confidence > 0.75);
}

TEST(engine_unknown_device_is_null_not_a_guess)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_HTTP_SERVER, CS_SV("nginx/1.22.1"), 1.0);
	cs_ident_observe(id, CS_SIG_HTTP_REALM, CS_SV("camera"), 1.0);
	judge(&d);
	CHECK(d.manufacturer == NULL);
	CHECK(d.brand == NULL);
	CHECK_INT(d.type, CS_DT_CAMERA);
	CHECK(!d.covered);
	CHECK_STR(d.covered_status, "not_covered");
}

TEST(engine_relabel_unmasked_by_oui)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_HTTP_TITLE, CS_SV("Amcrest Web Client"), 1.0);
	cs_ident_observe(id, CS_SIG_MAC, CS_SV("3C-EF-8C-61-01-C0"), 1.0);
	judge(&d);
	CHECK_STR(d.manufacturer, "Dahua");
	CHECK_STR(d.brand, "Amcrest");
	CHECK_STR(d.basis, "hardware");
	CHECK_STR(d.mac, "3c:ef:8c:61:01:c0");
	CHECK(d.covered);
}

TEST(engine_label_only_oem_is_review_not_covered)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_HTTP_TITLE, CS_SV("Amcrest"), 1.0);
	judge(&d);
	/* Amcrest relabels Dahua: say so, but the hardware is not evidenced. */
	CHECK_STR(d.manufacturer, "Dahua");
	CHECK_STR(d.basis, "label");
	CHECK_STR(d.brand, "Amcrest");
	CHECK(!d.covered);
	CHECK_STR(d.covered_status, "review");
}

TEST(engine_sub_brand_resolves_to_parent)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_HTTP_TITLE, CS_SV("EZVIZ"), 1.0);
	judge(&d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK_STR(d.brand, "EZVIZ");
	CHECK(d.covered);
	/* The EZVIZ OUI does the same. */
	cs_ident_reset(id);
	cs_ident_observe(id, CS_SIG_MAC, CS_SV("64:f2:fb:00:00:01"), 1.0);
	judge(&d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK_STR(d.brand, "EZVIZ");
}

TEST(engine_lookalike_oui_is_not_dahua)
{
	struct cs_device d;
	setup();
	/* 40:2C:76:1x is Shanghai Dahua Scale Factory's MA-M block inside someone else's MA-L. */
	cs_ident_observe(id, CS_SIG_MAC, CS_SV("40:2c:76:1a:bb:cc"), 1.0);
	judge(&d);
	CHECK(d.manufacturer == NULL);
	CHECK(!d.covered);
	bool said = false;
	for (size_t i = 0; i < d.nevidence; i++)
		said |= strstr(d.evidence[i].implies, "not a known maker") != NULL;
	CHECK(said);
	/* Outside the MA-M block the MA-L holder answers. */
	cs_ident_reset(id);
	cs_ident_observe(id, CS_SIG_MAC, CS_SV("40:2c:76:2a:bb:cc"), 1.0);
	judge(&d);
	CHECK(d.manufacturer == NULL);
}

TEST(engine_former_subsidiary_is_review)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_HTTP_TITLE, CS_SV("Lorex Cloud"), 1.0);
	judge(&d);
	CHECK(!d.covered);
	CHECK_STR(d.covered_status, "review");
	const struct cs_coverage *c = coverage(&d, "test-889");
	REQUIRE(c != NULL);
	CHECK(strstr(c->via, "was a subsidiary") != NULL);
	/* With Dahua hardware evidence it is covered. */
	cs_ident_observe(id, CS_SIG_RTSP_SERVER, CS_SV("Dahua Rtsp Server"), 1.0);
	judge(&d);
	CHECK_STR(d.manufacturer, "Dahua");
	CHECK_STR(d.brand, "Lorex");
	CHECK(d.covered);
}

TEST(engine_maker_outside_profiles_is_never_covered)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_FTP, CS_SV("AXIS P1346 Network Camera 5.50.3 (2014) ready"),
			 1.0);
	judge(&d);
	CHECK_STR(d.manufacturer, "Axis");
	CHECK_STR(d.model, "P1346");
	CHECK_STR(d.firmware, "5.50.3");
	CHECK(!d.covered);
	CHECK_STR(d.covered_status, "not_covered");
	CHECK_INT(d.ncoverage, 0);
}

TEST(engine_nil_include_covers_unnamed_prc_maker)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_VENDOR, CS_SV("Uniview"), 1.0);
	judge(&d);
	CHECK_STR(d.manufacturer, "Uniview");
	CHECK(d.covered);
	CHECK(coverage(&d, "test-nil") != NULL);
	CHECK(coverage(&d, "test-889") == NULL);
	/* --policy restricts the profiles. */
	struct cs_err err;
	cs_policy_judge(kb, &d, "test-889", cs_ident_arena(id), &err);
	CHECK(!d.covered);
	CHECK_INT(cs_policy_judge(kb, &d, "nope", cs_ident_arena(id), &err), CS_ENOTFOUND);
}

TEST(engine_conflict_lowers_confidence)
{
	struct cs_device d;
	setup();
	cs_ident_observe(id, CS_SIG_HTTP_SERVER, CS_SV("App-webs/"), 1.0);
	judge(&d);
	double alone = d.confidence;
	cs_ident_observe(id, CS_SIG_RTSP_SERVER, CS_SV("Dahua Rtsp Server"), 1.0);
	judge(&d);
	CHECK(d.confidence < alone * 0.7);
	if (cs_test_failed_now())
		printf("alone %f now %f %s\n", alone, d.confidence, d.manufacturer);
}

TEST(engine_derived_model_feeds_model_grammar)
{
	struct cs_device d;
	setup();
	cs_ident_feed(
		id, CS_IN_ONVIF,
		"<Envelope><Body><GetDeviceInformationResponse><Manufacturer>ACME</Manufacturer>"
		"<Model>DS-2CD2143G2-I</Model></GetDeviceInformationResponse></Body></Envelope>",
		157, NULL);
	judge(&d);
	CHECK_STR(d.model, "DS-2CD2143G2-I");
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK_INT(d.type, CS_DT_CAMERA);
}

TEST(engine_hostile_flood_is_capped)
{
	struct cs_device d;
	char v[32];
	setup();
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(v, sizeof(v), "App-webs/%d", i);
		cs_ident_observe(id, CS_SIG_HTTP_SERVER, cs_sv_make(v, (size_t)n), 1.0);
		cs_ident_observe(id, CS_SIG_HTTP_TITLE, CS_SV("EZVIZ"), 1.0);
	}
	judge(&d);
	CHECK(d.nevidence <= 512);
	CHECK_STR(d.manufacturer, "Hikvision");
}

static int load_with(const char *rules, struct cs_err *err)
{
	put("fingerprints/zz-bad.rules", rules);
	struct cs_kb *k = NULL;
	struct cs_kb_opts o = {dir, "", NULL};
	int r = cs_kb_load(&k, &o, err);
	cs_kb_free(k);
	put("fingerprints/zz-bad.rules", "# none\n");
	return r;
}

TEST(kb_rejects_broken_data_with_file_and_line)
{
	struct cs_err err;
	setup();
	CHECK_INT(load_with("x\thttp.server\teq\ty\t0.5\tmaker=Nobody\tn\n", &err), CS_EDATA);
	CHECK(strstr(err.msg, "zz-bad.rules:1: unknown maker 'Nobody'") != NULL);
	CHECK_INT(load_with("#c\nx\thttp.server\tre\t([\t0.5\ttype=camera\tn\n", &err), CS_EDATA);
	CHECK(strstr(err.msg, "zz-bad.rules:2: bad regular expression") != NULL);
	CHECK_INT(load_with("x\thttp.nothing\teq\ty\t0.5\ttype=camera\tn\n", &err), CS_EDATA);
	CHECK(strstr(err.msg, "unknown signal") != NULL);
	CHECK_INT(load_with("x\thttp.server\teq\ty\t1.5\ttype=camera\tn\n", &err), CS_EDATA);
	CHECK_INT(load_with("x\thttp.server\teq\ty\t0.5\ttype=toaster\tn\n", &err), CS_EDATA);
	CHECK_INT(load_with("x\thttp.server\teq\ty\t0.5\tcolour=red\tn\n", &err), CS_EDATA);
	CHECK_INT(load_with("x\thttp.server\n", &err), CS_EDATA);
}

TEST(kb_user_rule_overrides_builtin_by_id)
{
	char udir[128], sub[160];
	snprintf(udir, sizeof(udir), "%s-user", dir);
	mkdir(udir, 0700);
	snprintf(sub, sizeof(sub), "%s/fingerprints", udir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/fingerprints/mine.rules", udir);
	FILE *f = fopen(sub, "w");
	REQUIRE(f != NULL);
	fputs("hik-appwebs\thttp.server\teq\tApp-webs/\t0.9\tmaker=Axis\tmy override\n", f);
	fclose(f);
	struct cs_kb *k = NULL;
	struct cs_ident *i2 = NULL;
	struct cs_kb_opts o = {dir, udir, NULL};
	struct cs_err err;
	setup();
	REQUIRE(cs_kb_load(&k, &o, &err) == CS_OK);
	REQUIRE(cs_ident_new(&i2, k) == CS_OK);
	cs_ident_observe(i2, CS_SIG_HTTP_SERVER, CS_SV("App-webs/"), 1.0);
	struct cs_device d;
	cs_ident_finish(i2, &d);
	CHECK_STR(d.manufacturer, "Axis");
	cs_ident_free(i2);
	cs_kb_free(k);
}
