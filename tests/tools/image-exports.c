// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Print the exports our reader finds in a kernel image, one a line as
 * Module.symvers has them ("0xCRC\tNAME\tvmlinux\tEXPORT_SYMBOL[_GPL]\tNS"):
 * the check-symvers test compares them with Debian's own Module.symvers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/internal.h"
#include "image/exports.h"
#include "image/kernel-image.h"

static void print_log(void *data, int priority, const char *format, va_list args)
{
	(void)data;
	(void)priority;
	vfprintf(stderr, format, args);
}

static int print_export(void *data, const struct mt_kernel_export *e)
{
	(void)data;
	printf("0x%08" PRIx32 "\t%s\tvmlinux\t%s\t%s\n", e->crc, e->name,
	       e->gpl_only ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL", e->ns ? e->ns : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct modtool_ctx *ctx;
	struct mt_kernel_image img;
	const char *why = NULL;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: %s IMAGE\n", argv[0]);
		return 2;
	}
	if (modtool_ctx_new("/nonexistent", &ctx) < 0)
		return 2;
	modtool_ctx_set_log_fn(ctx, print_log, NULL);
	r = mt_kernel_image_open(ctx, argv[1], &img);
	if (r == 0) {
		r = mt_vmlinux_exports(img.vmlinux, img.vmlinux_size, print_export, NULL, &why);
		if (r < 0)
			fprintf(stderr, "%s: %s\n", argv[1], why ? why : strerror(-r));
		mt_kernel_image_close(&img);
	}
	modtool_ctx_free(ctx);
	return r < 0 ? 1 : 0;
}
