// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for a vmlinux's export tables (image/exports.c): the
 * section headers, __ksymtab/__ksymtab_gpl entries in either layout, the
 * CRC tables beside them, the names and namespaces they point at, and the
 * banner and version magic in .rodata.  Seeds: make-exports-seeds.py.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "image/exports.h"

static volatile uint8_t sink;
static const uint8_t *input;
static size_t input_size;

/* Inside the input and NUL-terminated there, or the reader lied. */
static void inside(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;

	if (p < input || p >= input + input_size || !memchr(p, 0, input_size - (size_t)(p - input)))
		abort();
	sink ^= p[0];
}

static int touch_export(void *data, const struct mt_kernel_export *e)
{
	(void)data;
	inside(e->name);
	if (!e->name[0])
		abort();
	if (e->ns) {
		inside(e->ns);
		if (!e->ns[0])
			abort();
	}
	sink ^= (uint8_t)e->crc;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL, *magic = NULL;
	char release[128];
	size_t len = 0;
	int r;

	input = data;
	input_size = size;
	r = mt_vmlinux_exports(data, size, touch_export, NULL, &why);
	if (r < 0 && r != -ENOEXEC && r != -EBADMSG && r != -ENODATA && r != -ENOMEM)
		abort();
	if (r < 0 && !why)
		abort();
	if (mt_vmlinux_release(data, size, release, sizeof(release)) == 0 && !release[0])
		abort();
	if (mt_vmlinux_vermagic(data, size, NULL, &magic, &len) == 0) {
		const uint8_t *p = (const uint8_t *)magic;

		if (p < data || len > size || p + len > data + size)
			abort();
		sink ^= p[0];
	}
	return 0;
}
