/*
 * ident_int.h - what the identification engine's own files share and its users do not see.
 */
#ifndef CS_IDENT_INT_H
#define CS_IDENT_INT_H

#include "ident/ident.h"

/*
 * The last few certificates an identification context has read, with what was read from them
 * (input.c). A scanner identifies a host again each time a reply arrives, and the pcap reader
 * meets one server's certificate on every connection to it: reading a certificate costs far
 * more than comparing its bytes. Owned by the context; freed by cs_cert_memo_free.
 */
struct cs_cert_memo;
struct cs_cert_memo **cs_ident_cert_memo(struct cs_ident *id);
void cs_cert_memo_free(struct cs_cert_memo *m);

#endif
