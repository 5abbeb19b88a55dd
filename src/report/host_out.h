/*
 * host_out.h - one device line of `camsweep scan`, `discover` and `pcap`: a jsonl object, a CSV
 * row and a table row (docs/json.md).
 *
 * The jsonl object is {"ip", ["ips",] "ports": [...], [extra keys,] "scan_id", [extra keys,]
 * then the identify keys (device_out.h)}. The three commands differ only in the extra keys and
 * in which CSV and table columns they print, so those come from the caller: a hook adds keys at
 * fixed places of the object, and the caller passes its own cells and column widths.
 */
#ifndef CS_REPORT_HOST_OUT_H
#define CS_REPORT_HOST_OUT_H

#include "common/buf.h"
#include "common/json.h"
#include "ident/device.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Where the hook of a jsonl object is called. */
enum cs_host_at {
	CS_HOST_AT_IP,	      /* after "ip": more keys (pcap: "ips") */
	CS_HOST_AT_PORTS,     /* inside the "ports" array: its elements (cs_host_json_port) */
	CS_HOST_AT_PORTS_END, /* after "ports": more keys (discover: "protocols") */
	CS_HOST_AT_SCAN_ID,   /* after "scan_id": more keys (pcap: contacts, packets) */
};

struct cs_host_json {
	const char *ip;
	const int64_t *scan_id; /* NULL: "scan_id": null */
	void (*hook)(struct cs_json *j, enum cs_host_at at, const void *ctx);
	const void *ctx; /* passed to hook */
};

/*
 * Print one jsonl line to out: the object described by h, then the identify keys of d, then
 * '\n'. Nothing is printed when the object cannot be built (no memory).
 */
void cs_host_json_print(FILE *out, const struct cs_host_json *h, const struct cs_device *d);

/* One element of "ports": {"port", "proto", "tls"[, "transport"]}; transport NULL: no key. */
void cs_host_json_port(struct cs_json *j, unsigned port, const char *proto, bool tls,
		       const char *transport);

/*
 * Print the cells as one CSV row and CRLF: every cell quoted (RFC 4180, quotes doubled), a cell
 * starting with = + - @ gets a leading apostrophe against spreadsheet formulas, control
 * characters other than tab become '?'. NULL is an empty cell.
 */
void cs_host_csv_row(FILE *out, const char *const *cells, size_t n);

/*
 * The CSV row of scan and discover: ip, ports, manufacturer, brand, model, device_type,
 * firmware, serial, mac, covered_status.
 */
void cs_host_csv_device(FILE *out, const char *ip, const char *ports, const struct cs_device *d);

/*
 * Append a table row (no newline) to line: each column made terminal-safe and cut to its width
 * w[i], then padded to it and followed by a space; when pad_last is false the last column is
 * neither padded nor followed by a space.
 */
void cs_host_table_row(struct cs_buf *line, const char *const *cols, const size_t *w, size_t n,
		       bool pad_last);

#endif
