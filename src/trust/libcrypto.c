// SPDX-License-Identifier: LGPL-2.1-or-later
/* libcrypto for trust/, loaded on first use: one table for every user. */
#include <stdio.h>

#include "base/internal.h"
#include "trust/libcrypto.h"

#if ENABLE_LIBCRYPTO
#include "base/dlib.h"

struct mt_libcrypto mt_libcrypto;

#define MT_LIBCRYPTO_NAME(f) #f,
static const char *const names[] = { MT_LIBCRYPTO_FUNCS(MT_LIBCRYPTO_NAME) };
static struct mt_dlib lib = MT_DLIB(LIBCRYPTO_SONAME, names, mt_libcrypto);

const char *mt_libcrypto_reason(char *buf, size_t size, const char *fallback)
{
	unsigned long e, last = 0;
	const char *reason;

	while ((e = mt_libcrypto.ERR_get_error()))
		last = e;
	if (!last)
		return fallback;
	reason = mt_libcrypto.ERR_reason_error_string(last);
	if (reason)
		return reason;
	mt_libcrypto.ERR_error_string_n(last, buf, size);
	return buf;
}
#endif

int mt_libcrypto_need(struct modtool_ctx *ctx, const char *name, const char *doing)
{
	char detail[128] = "";
#if ENABLE_LIBCRYPTO
	int err = mt_dlib_load(&lib);

	/* dlib's why is the soname when the library is missing, else the symbol it lacks */
	if (err < 0 && lib.why && !mt_streq(lib.why, LIBCRYPTO_SONAME))
		snprintf(detail, sizeof(detail), " (it has no %s)", lib.why);
#else
	int err = -ENOTSUP;

	snprintf(detail, sizeof(detail), " (built without libcrypto)");
#endif
	if (err < 0)
		mt_err(ctx, "%s%scannot %s: libcrypto (" LIBCRYPTO_SONAME ") cannot be loaded%s\n",
		       name ? name : "", name ? ": " : "", doing, detail);
	return err;
}
