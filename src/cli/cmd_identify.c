/*
 * cmd_identify.c - `camsweep identify`: one device from captured replies, no network.
 */
#include "cli/cli.h"
#include "common/buf.h"
#include "common/json.h"
#include "ident/ident.h"
#include "policy/policy.h"
#include "report/device_out.h"
#include "store/store.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_INPUTS = 64, INPUT_CAP = 16 * 1024 * 1024 };

static int run(int argc, char **argv);

const struct cs_cli_cmd cs_cmd_identify = {
	"identify",
	"identify one device from captured replies (no network)",
	"usage: camsweep identify [--as KIND] [--format json|text] [--policy ID,...]\n"
	"                         [--store] [--db PATH] [--address IP] [-e TEXT]... [INPUT...]\n"
	"\n"
	"Identify one device from what it said: its maker (the real one, not just the label),\n"
	"brand, model, firmware, serial, MAC and type, with the evidence for each conclusion,\n"
	"and whether each policy profile covers it. Nothing is sent on the network.\n"
	"\n"
	"INPUT is a file, or - for standard input. Several inputs describe ONE device and are\n"
	"fused into one verdict. An input may be prefixed with its kind, as KIND:FILE.\n"
	"\n"
	"Options:\n"
	"  --as KIND        the kind of every input (default: detected from the content):\n"
	"                   http      a whole HTTP response (status line, headers, body), or a "
	"page\n"
	"                   rtsp      an RTSP response\n"
	"                   ssdp      an SSDP NOTIFY or search reply\n"
	"                   onvif     a SOAP GetDeviceInformation response\n"
	"                   wsd       a WS-Discovery ProbeMatches or Hello message\n"
	"                   sadp      a Hikvision SADP XML ProbeMatch\n"
	"                   dhip      a Dahua DHIP discovery reply, with or without its header\n"
	"                   isapi     Hikvision /ISAPI/System/deviceInfo XML\n"
	"                   dahua-cgi Dahua magicBox/configManager key=value replies\n"
	"                   ubnt      a Ubiquiti discovery reply (UDP 10001, binary TLVs)\n"
	"                   tls       a certificate (PEM or DER), or a subject or issuer line\n"
	"                   mac       a MAC address\n"
	"                   model     a model as written in an asset register\n"
	"                   banner    one header value, page title or banner line\n"
	"                   favicon   a favicon file\n"
	"                   json, xml, kv   other device documents\n"
	"  -e, --text TEXT  an input given on the command line instead of a file (repeatable)\n"
	"  --format FMT     json (one object per device) or text; default: text on a terminal,\n"
	"                   json otherwise\n"
	"  --pretty         indent the JSON\n"
	"  --policy IDS     judge against these profiles only (comma-separated; default: all)\n"
	"  --store          record the device in the inventory\n"
	"  --db PATH        the inventory (default: $XDG_DATA_HOME/camsweep/inventory.db)\n"
	"  --address IP     the device's address, kept with the record\n"
	"  --data-dir DIR   fingerprints, makers and policies (default: built in)\n"
	"  --oui-dir DIR    the IEEE registry CSVs (default: /usr/share/ieee-data)\n"
	"\n"
	"Exit status: 0 when the inputs were read (even if the maker is unknown), 1 when an input\n"
	"is malformed or unreadable, 2 on a usage error.\n"
	"\n"
	"Examples:\n"
	"  camsweep identify --as http response.txt\n"
	"  camsweep identify --as mac -e 58:50:ed:1f:e3:85 --as banner -e 'App-webs/'\n"
	"  camsweep identify onvif.xml rtsp.txt --format json --policy uk-nil\n"
	"  camsweep identify --store --address 192.0.2.10 sadp.xml\n",
	run,
};

struct input {
	enum cs_input_kind kind;
	const char *path; /* NULL for -e text */
	const char *text;
};

static int parse_kind(const char *s, enum cs_input_kind *k)
{
	*k = cs_input_kind_lookup(s);
	if (*k == CS_IN_COUNT) {
		fprintf(stderr, "camsweep identify: unknown kind '%s' (see --help)\n", s);
		return CS_EXIT_USAGE;
	}
	return CS_EXIT_OK;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"as", required_argument, NULL, 'a'},
		{"text", required_argument, NULL, 'e'},
		{"format", required_argument, NULL, 'f'},
		{"pretty", no_argument, NULL, 'P'},
		{"policy", required_argument, NULL, 'p'},
		{"store", no_argument, NULL, 's'},
		{"db", required_argument, NULL, 'd'},
		{"address", required_argument, NULL, 'A'},
		{"data-dir", required_argument, NULL, 'D'},
		{"oui-dir", required_argument, NULL, 'O'},
		{NULL, 0, NULL, 0},
	};
	struct input inputs[MAX_INPUTS];
	size_t ninputs = 0;
	enum cs_input_kind kind = CS_IN_AUTO;
	const char *format = NULL, *policy = NULL, *db = cs_cli_globals.db, *address = NULL;
	struct cs_kb_opts kopts = {cs_cli_globals.data_dir, NULL, NULL};
	bool pretty = false, store = false;
	struct cs_kb *kb = NULL;
	struct cs_ident *id = NULL;
	struct cs_store *st = NULL;
	struct cs_buf in, out;
	struct cs_err err = {0, ""};
	int c, rc = CS_EXIT_FAIL;

	cs_buf_init(&in, INPUT_CAP);
	cs_buf_init(&out, 64 * 1024 * 1024);
	/* '-' in optstring: non-options come back in order, so --as applies to what follows. */
	while ((c = getopt_long(argc, argv, "-e:", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if ((rc = parse_kind(optarg, &kind)) != CS_EXIT_OK)
				goto out;
			break;
		case 1:
		case 'e':
			if (ninputs == MAX_INPUTS) {
				fprintf(stderr, "camsweep identify: at most %d inputs\n",
					MAX_INPUTS);
				rc = CS_EXIT_USAGE;
				goto out;
			}
			inputs[ninputs] = (struct input){kind, c == 1 ? optarg : NULL,
							 c == 'e' ? optarg : NULL};
			if (c == 1) {
				/* KIND:FILE names the kind of one input. */
				const char *colon = strchr(optarg, ':');
				char k[32];
				if (colon != NULL && (size_t)(colon - optarg) < sizeof(k)) {
					memcpy(k, optarg, (size_t)(colon - optarg));
					k[colon - optarg] = '\0';
					enum cs_input_kind kk = cs_input_kind_lookup(k);
					if (kk != CS_IN_COUNT && kk != CS_IN_AUTO) {
						inputs[ninputs].kind = kk;
						inputs[ninputs].path = colon + 1;
					}
				}
			}
			ninputs++;
			break;
		case 'f': format = optarg; break;
		case 'P': pretty = true; break;
		case 'p': policy = optarg; break;
		case 's': store = true; break;
		case 'd': db = optarg; break;
		case 'A': address = optarg; break;
		case 'D': kopts.data_dir = optarg; break;
		case 'O': kopts.oui_dir = optarg; break;
		default: rc = CS_EXIT_USAGE; goto out;
		}
	}
	if (ninputs == 0) {
		fprintf(stderr, "camsweep identify: no input (give a file, - for standard input, "
				"or -e TEXT)\n");
		rc = CS_EXIT_USAGE;
		goto out;
	}
	rc = CS_EXIT_FAIL; /* from here on, every early exit is a runtime failure unless said */
	if (format == NULL)
		format = isatty(STDOUT_FILENO) ? "text" : "json";
	if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
		fprintf(stderr, "camsweep identify: --format is json or text\n");
		rc = CS_EXIT_USAGE;
		goto out;
	}
	if (cs_kb_load(&kb, &kopts, &err) != CS_OK) {
		fprintf(stderr, "camsweep: %s\n", err.msg);
		goto out;
	}
	if (cs_policy_check_ids(kb, policy, &err) != CS_OK) {
		fprintf(stderr, "camsweep identify: %s\n", err.msg);
		rc = CS_EXIT_USAGE;
		goto out;
	}
	if (cs_ident_new(&id, kb) != CS_OK) {
		fprintf(stderr, "camsweep identify: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < ninputs; i++) {
		const char *name = inputs[i].path != NULL ? inputs[i].path : "-e";
		cs_buf_reset(&in);
		if (inputs[i].path != NULL) {
			int r = cs_buf_read_file(&in, inputs[i].path);
			if (r != CS_OK) {
				fprintf(stderr, "camsweep identify: %s: %s\n", name,
					r == CS_ETOOBIG ? "larger than 16 MiB" : "cannot read");
				goto out;
			}
		} else if (cs_buf_puts(&in, inputs[i].text) != CS_OK) {
			goto out;
		}
		err.msg[0] = '\0';
		if (cs_ident_feed(id, inputs[i].kind, in.data, in.len, &err) != CS_OK) {
			fprintf(stderr, "camsweep identify: %s: %s\n", name,
				err.msg[0] ? err.msg : "malformed input");
			goto out;
		}
	}
	if (address != NULL)
		cs_ident_set_address(id, address);
	struct cs_device dev;
	cs_ident_finish(id, &dev);
	if (cs_policy_judge(kb, &dev, policy, cs_ident_arena(id), &err) != CS_OK) {
		fprintf(stderr, "camsweep identify: %s\n", err.msg);
		goto out;
	}
	if (store) {
		int64_t devid;
		char source[600];
		snprintf(source, sizeof(source), "identify:%s",
			 inputs[0].path != NULL ? inputs[0].path : "-e");
		if (cs_store_open(&st, db, &err) != CS_OK ||
		    cs_store_put_device(st, &dev, source, &devid, &err) != CS_OK) {
			fprintf(stderr, "camsweep identify: inventory: %s\n", err.msg);
			goto out;
		}
		fprintf(stderr, "camsweep identify: stored as device %lld\n", (long long)devid);
	}
	if (strcmp(format, "json") == 0) {
		struct cs_json j;
		cs_json_init(&j, &out, pretty);
		cs_device_json(&j, &dev);
		if (cs_json_end(&j) != CS_OK)
			goto out;
		cs_buf_putc(&out, '\n');
	} else {
		cs_device_text(&out, &dev);
	}
	fwrite(out.data, 1, out.len, stdout);
	rc = fflush(stdout) == 0 ? CS_EXIT_OK : CS_EXIT_FAIL;
out:
	cs_store_close(st);
	cs_ident_free(id);
	cs_kb_free(kb);
	cs_buf_free(&in);
	cs_buf_free(&out);
	return rc;
}
