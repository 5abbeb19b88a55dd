/*
 * devtype.c - names of the device types declared in device.h.
 *
 * The name, not the number, is what the store persists and what every output prints, so the
 * lookup is the only way back from text to the enum.
 */
#include "ident/device.h"

#include <string.h>

static const char *const names[] = {
#define X(id, name) name,
	CS_DEVTYPES(X)
#undef X
};

const char *cs_devtype_name(enum cs_devtype t)
{
	return (unsigned)t < CS_DT_COUNT ? names[t] : "unknown";
}

enum cs_devtype cs_devtype_lookup(const char *name)
{
	if (name == NULL)
		return CS_DT_COUNT;
	for (int i = 0; i < CS_DT_COUNT; i++)
		if (strcmp(name, names[i]) == 0)
			return (enum cs_devtype)i;
	return CS_DT_COUNT;
}
