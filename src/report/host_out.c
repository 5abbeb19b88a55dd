/* host_out.c - the device line of scan, discover and pcap as jsonl, CSV and table (host_out.h). */
#include "report/host_out.h"

#include "common/err.h"
#include "report/device_out.h"

void cs_host_json_port(struct cs_json *j, unsigned port, const char *proto, bool tls,
		       const char *transport)
{
	cs_json_obj_begin(j);
	cs_json_key(j, "port");
	cs_json_int(j, port);
	cs_json_key(j, "proto");
	cs_json_str(j, proto);
	cs_json_key(j, "tls");
	cs_json_bool(j, tls);
	if (transport != NULL) {
		cs_json_key(j, "transport");
		cs_json_str(j, transport);
	}
	cs_json_obj_end(j);
}

static void at(const struct cs_host_json *h, struct cs_json *j, enum cs_host_at where)
{
	if (h->hook != NULL)
		h->hook(j, where, h->ctx);
}

void cs_host_json_print(FILE *out, const struct cs_host_json *h, const struct cs_device *d)
{
	struct cs_buf b;
	struct cs_json j;

	cs_buf_init(&b, 8 << 20);
	cs_json_init(&j, &b, false);
	cs_json_obj_begin(&j);
	cs_json_key(&j, "ip");
	cs_json_str(&j, h->ip);
	at(h, &j, CS_HOST_AT_IP);
	cs_json_key(&j, "ports");
	cs_json_arr_begin(&j);
	at(h, &j, CS_HOST_AT_PORTS);
	cs_json_arr_end(&j);
	at(h, &j, CS_HOST_AT_PORTS_END);
	cs_json_key(&j, "scan_id");
	if (h->scan_id != NULL)
		cs_json_int(&j, *h->scan_id);
	else
		cs_json_null(&j);
	at(h, &j, CS_HOST_AT_SCAN_ID);
	cs_device_json_fields(&j, d);
	cs_json_obj_end(&j);
	if (cs_json_end(&j) == CS_OK) {
		fwrite(b.data, 1, b.len, out);
		fputc('\n', out);
	}
	cs_buf_free(&b);
}

static void csv_cell(FILE *f, const char *s)
{
	fputc('"', f);
	if (s != NULL && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@'))
		fputc('\'', f);
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc((unsigned char)*s < 0x20 && *s != '\t' ? '?' : *s, f);
	}
	fputc('"', f);
}

void cs_host_csv_row(FILE *out, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		csv_cell(out, cells[i]);
	}
	fputs("\r\n", out);
}

void cs_host_csv_device(FILE *out, const char *ip, const char *ports, const struct cs_device *d)
{
	const char *cells[] = {ip,
			       ports,
			       d->manufacturer,
			       d->brand,
			       d->model,
			       cs_devtype_name(d->type),
			       d->firmware,
			       d->serial,
			       d->mac,
			       d->covered_status};
	cs_host_csv_row(out, cells, CS_ARRAY_SIZE(cells));
}

void cs_host_table_row(struct cs_buf *line, const char *const *cols, const size_t *w, size_t n,
		       bool pad_last)
{
	for (size_t i = 0; i < n; i++) {
		struct cs_buf cell;
		cs_buf_init(&cell, 256);
		cs_term_safe(&cell, cols[i], w[i]);
		if (pad_last || i + 1 < n)
			cs_buf_printf(line, "%-*s ", (int)w[i], cell.data != NULL ? cell.data : "");
		else
			cs_buf_puts(line, cell.data != NULL ? cell.data : "");
		cs_buf_free(&cell);
	}
}
