// SPDX-License-Identifier: LGPL-2.1-or-later
/* Small helpers shared by several concerns. */
#include "internal.h"

int mt_modname_normalize(const char *name, char *out, size_t outsize)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		if (i + 1 >= outsize)
			return -ENAMETOOLONG;
		out[i] = name[i] == '-' ? '_' : name[i];
	}
	out[i] = '\0';
	return 0;
}
