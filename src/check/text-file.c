// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening the kernel's text files (Module.symvers, System.map, .config):
 * a regular file only, opened without blocking, so that a FIFO or a device
 * named in their place is refused at once instead of hanging the check.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "check/check.h"

FILE *mt_check_open_text(struct modtool_ctx *ctx, const char *path, int *err)
{
	struct stat st;
	FILE *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = -errno;
		mt_err(ctx, "%s: %s\n", path, strerror(-*err));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		mt_err(ctx, "%s: not a regular file\n", path);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*err = -errno;
		mt_err(ctx, "%s: %s\n", path, strerror(-*err));
		close(fd);
	}
	return f;
}
