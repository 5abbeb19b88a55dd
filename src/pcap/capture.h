/*
 * capture.h - reading frames with libpcap, from capture files (pcap or pcapng) or a live
 * interface, into a struct cs_passive.
 *
 * A file cut in the middle of a record is not a failure: the frames before the cut are kept
 * and the problem is reported in result->warning. Frames shorter than on the wire (snaplen)
 * are decoded as far as they go.
 */
#ifndef CS_PCAP_CAPTURE_H
#define CS_PCAP_CAPTURE_H

#include "common/err.h"
#include "pcap/passive.h"

#include <stdbool.h>
#include <stdint.h>

struct cs_capture_result {
	uint64_t frames;   /* frames read from this source */
	int link;	   /* its DLT_* link type */
	bool cut;	   /* the file ended inside a record, or reading failed part way */
	char warning[256]; /* why, when cut */
};

/* Read every frame of the capture file at path, or until *stop (may be NULL) becomes non-zero.
 * CS_EIO when it cannot be opened or is not a capture, CS_EUNSUPP for a link type camsweep does
 * not decode. */
int cs_capture_file(struct cs_passive *pa, const char *path, volatile int *stop,
		    struct cs_capture_result *res, struct cs_err *err);

/*
 * Capture on interface ifname until count frames (0: no limit), duration seconds (0: no
 * limit) or *stop becomes non-zero. Needs CAP_NET_RAW. Not promiscuous unless promisc.
 */
int cs_capture_live(struct cs_passive *pa, const char *ifname, uint64_t count, double duration,
		    bool promisc, volatile int *stop, struct cs_capture_result *res,
		    struct cs_err *err);

/* Is this DLT_* link type one that decode.h reads? */
bool cs_capture_link_supported(int link);

#endif
