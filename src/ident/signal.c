/* signal.c - names and descriptions of the signals declared in signal.h. */
#include "ident/signal.h"

static const char *const names[] = {
#define X(id, name, desc) name,
	CS_SIGNALS(X)
#undef X
};

static const char *const descs[] = {
#define X(id, name, desc) desc,
	CS_SIGNALS(X)
#undef X
};

const char *cs_signal_name(enum cs_signal s)
{
	return (unsigned)s < CS_SIG_COUNT ? names[s] : "?";
}

const char *cs_signal_desc(enum cs_signal s)
{
	return (unsigned)s < CS_SIG_COUNT ? descs[s] : "?";
}

enum cs_signal cs_signal_lookup(struct cs_sv name)
{
	for (int i = 0; i < CS_SIG_COUNT; i++)
		if (cs_sv_eq(name, cs_sv_cstr(names[i])))
			return (enum cs_signal)i;
	return CS_SIG_COUNT;
}
