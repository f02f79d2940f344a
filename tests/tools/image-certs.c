// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The certificates built into a kernel image, for kernel-image-certs.sh:
 * each is written to OUT_DIR/cert-N.der and the count printed; errors go to
 * stderr as the library logs them, and the exit status is 1.
 *
 * Usage: image-certs IMAGE OUT_DIR
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/internal.h"
#include "image/kernel-image.h"

struct out {
	const char *dir;
	int n;
};

static void print_log(void *data, int priority, const char *format, va_list args)
{
	vfprintf(stderr, format, args);
}

static int write_cert(void *data, const uint8_t *der, size_t len)
{
	struct out *o = data;
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cert-%d.der", o->dir, o->n++);
	f = fopen(path, "wb");
	if (!f || fwrite(der, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct modtool_ctx *ctx;
	struct out o = { 0 };
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s IMAGE OUT_DIR\n", argv[0]);
		return 2;
	}
	o.dir = argv[2];
	if (modtool_ctx_new("/nonexistent", &ctx) < 0)
		return 2;
	modtool_ctx_set_log_fn(ctx, print_log, NULL);
	r = mt_kernel_image_certs(ctx, argv[1], write_cert, &o);
	modtool_ctx_free(ctx);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", argv[0], strerror(-r));
		return 1;
	}
	printf("%d\n", r);
	return 0;
}
