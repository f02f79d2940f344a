/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the fuzz targets share: the library reads files by path, so a
 * target puts its input in a memfd and hands the library /proc/self/fd/N;
 * and a log function that formats every message (a bad format argument
 * then shows up under the sanitizers) but prints nothing.
 */
#ifndef MODTOOL_FUZZ_UTIL_H
#define MODTOOL_FUZZ_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmodtool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_file {
	int fd;
	char path[64];
};

/* A memfd holding @data, reachable by path; abort() when the system fails us. */
static inline void fuzz_file_open(struct fuzz_file *f, const char *name, const uint8_t *data,
				  size_t size)
{
	size_t done = 0;

	f->fd = memfd_create(name, MFD_CLOEXEC);
	if (f->fd < 0)
		abort();
	while (done < size) {
		ssize_t n = write(f->fd, data + done, size - done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

static inline void fuzz_file_close(struct fuzz_file *f)
{
	close(f->fd);
}

static void fuzz_log(void *userdata, int priority, const char *format, va_list args)
{
	char buf[512];

	(void)userdata;
	(void)priority;
	vsnprintf(buf, sizeof(buf), format, args);
}

/* One context for the whole run, logging every priority into fuzz_log. */
static char *fuzz_root;

static inline void fuzz_remove_root(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_root);
	if (system(cmd) != 0)
		return;
}

/* mkdtemp(@tmpl), removed when the process exits (a fake sysroot); abort() on failure. */
static inline void fuzz_make_temp_root(char *tmpl)
{
	if (!mkdtemp(tmpl))
		abort();
	fuzz_root = tmpl;
	atexit(fuzz_remove_root);
}

static inline struct modtool_ctx *fuzz_ctx(void)
{
	static struct modtool_ctx *ctx;

	if (!ctx) {
		if (modtool_ctx_new("/nonexistent/modtool-fuzz", &ctx) < 0)
			abort();
		modtool_ctx_set_log_fn(ctx, fuzz_log, NULL);
		modtool_ctx_set_log_priority(ctx, 7);
	}
	return ctx;
}

#endif
