/*
 * capture.c - the libpcap side of `camsweep pcap` (see capture.h). The only file that includes
 * <pcap.h>: everything after the frame bytes is libpcap-free and tested without it.
 */
#include "pcap/capture.h"

#include "pcap/decode.h"

#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

bool cs_capture_link_supported(int link)
{
	switch (link) {
	case CS_LINK_NULL:
	case CS_LINK_ETHER:
	case CS_LINK_RAW:
	case CS_LINK_RAW14:
	case CS_LINK_RAW101:
	case CS_LINK_SLL:
	case CS_LINK_IPV4:
	case CS_LINK_IPV6:
	case CS_LINK_SLL2: return true;
	default: return false;
	}
}

static int check_link(pcap_t *pc, const char *what, struct cs_capture_result *res,
		      struct cs_err *err)
{
	res->link = pcap_datalink(pc);
	if (!cs_capture_link_supported(res->link)) {
		const char *name = pcap_datalink_val_to_name(res->link);
		return cs_err_set(err, CS_EUNSUPP, "%s: link type %d (%s) is not supported", what,
				  res->link, name != NULL ? name : "unknown");
	}
	return CS_OK;
}

int cs_capture_file(struct cs_passive *pa, const char *path, volatile int *stop,
		    struct cs_capture_result *res, struct cs_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *ph;
	const u_char *data;
	int r;

	memset(res, 0, sizeof(*res));
	pcap_t *pc = pcap_open_offline(path, ebuf);
	if (pc == NULL)
		return cs_err_set(err, CS_EIO, "%s: %s", path, ebuf);
	if ((r = check_link(pc, path, res, err)) != CS_OK)
		goto out;
	while ((stop == NULL || !*stop) && (r = pcap_next_ex(pc, &ph, &data)) == 1) {
		size_t n = ph->caplen;
		res->frames++;
		cs_passive_frame(pa, res->link, data, n);
	}
	if (r == PCAP_ERROR) {
		/* "truncated dump file; tried to read 1000 captured bytes, only got 200" */
		res->cut = true;
		snprintf(res->warning, sizeof(res->warning), "%s", pcap_geterr(pc));
	}
	r = CS_OK;
out:
	pcap_close(pc);
	return r;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cs_capture_live(struct cs_passive *pa, const char *ifname, uint64_t count, double duration,
		    bool promisc, volatile int *stop, struct cs_capture_result *res,
		    struct cs_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *ph;
	const u_char *data;
	int r;

	memset(res, 0, sizeof(*res));
	pcap_t *pc = pcap_create(ifname, ebuf);
	if (pc == NULL)
		return cs_err_set(err, CS_EIO, "%s: %s", ifname, ebuf);
	pcap_set_snaplen(pc, 65535);
	pcap_set_promisc(pc, promisc ? 1 : 0);
	pcap_set_timeout(pc, 100); /* wake up to check the deadline and the stop flag */
	pcap_set_immediate_mode(pc, 1);
	if ((r = pcap_activate(pc)) < 0) {
		r = cs_err_set(err, CS_EIO, "%s: %s", ifname, pcap_geterr(pc));
		goto out;
	}
	if ((r = check_link(pc, ifname, res, err)) != CS_OK)
		goto out;
	/*
	 * Non-blocking reads and our own poll(): a read timeout alone does not wake a quiet
	 * interface on every platform, and --duration must end the capture on time.
	 */
	int fd = pcap_get_selectable_fd(pc);
	if (fd < 0 || pcap_setnonblock(pc, 1, ebuf) != 0) {
		r = cs_err_set(err, CS_EIO, "%s: cannot poll the capture", ifname);
		goto out;
	}
	double end = duration > 0 ? now_s() + duration : 0;
	while ((stop == NULL || !*stop) && (count == 0 || res->frames < count)) {
		double left = end > 0 ? end - now_s() : 0.2;
		if (end > 0 && left <= 0)
			break;
		r = pcap_next_ex(pc, &ph, &data);
		if (r == 0) {
			struct pollfd pfd = {fd, POLLIN, 0};
			poll(&pfd, 1, left > 0.2 ? 200 : (int)(left * 1000) + 1);
			continue;
		}
		if (r != 1) {
			res->cut = true;
			snprintf(res->warning, sizeof(res->warning), "%s", pcap_geterr(pc));
			break;
		}
		res->frames++;
		cs_passive_frame(pa, res->link, data, ph->caplen);
	}
	r = CS_OK;
out:
	pcap_close(pc);
	return r;
}
