// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading modules.builtin.modinfo: the .modinfo of every built-in module. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "module/builtin.h"
#include "module/modinfo.h"

struct mapping {
	const char *data;
	size_t size;
};

static int map_builtin_modinfo(struct modtool_ctx *ctx, struct mapping *m)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, err = 0;

	if (snprintf(path, sizeof(path), "%s/modules.builtin.modinfo", ctx->module_dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	m->data = NULL;
	m->size = 0;
	if (fstat(fd, &st) < 0) {
		err = -errno;
	} else if (st.st_size > 0) {
		void *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED)
			err = -errno;
		else
			*m = (struct mapping){ p, st.st_size };
	}
	if (err < 0)
		mt_err(ctx, "%s: %s\n", path, strerror(-err));
	close(fd);
	return err;
}

/* Copy the "key=value" part of every "name.key=value" string, NUL-separated. */
static size_t gather_entries(const struct mapping *m, const char *name, char *out)
{
	size_t name_len = strlen(name), used = 0;
	const char *p = m->data, *end = m->data + m->size;

	while (p < end) {
		const char *nul = memchr(p, '\0', end - p);
		size_t len = (nul ? nul : end) - p;

		if (len > name_len && p[name_len] == '.' && memcmp(p, name, name_len) == 0) {
			memcpy(out + used, p + name_len + 1, len - name_len - 1);
			used += len - name_len - 1;
			out[used++] = '\0';
		}
		if (!nul)
			break;
		p = nul + 1;
	}
	return used;
}

int mt_builtin_get_info(struct modtool_ctx *ctx, const char *name, struct modtool_info **info)
{
	struct mapping m;
	char *buf;
	size_t used;
	int err;

	err = map_builtin_modinfo(ctx, &m);
	if (err < 0)
		return err;
	buf = malloc(m.size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	used = gather_entries(&m, name, buf);
	err = mt_info_new(buf, used, info);
	free(buf);
out:
	if (m.data)
		munmap((void *)m.data, m.size);
	return err;
}
