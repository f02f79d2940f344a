// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for modtool status's readers: the input is written as
 * /proc/modules, /proc/keys, the lockdown file, /proc/sys/kernel/tainted
 * and sig_enforce of a fake sysroot, and the whole state read from there;
 * each line also goes through the line parsers directly.  Seeds from
 * run-fuzzers.sh: this machine's real files and the guest's of tests/vm.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-util.h"
#include "kernel/status.h"

static char root[] = "/tmp/fuzz-status.XXXXXX";

static void write_file(const char *rel, const uint8_t *data, size_t size)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

static const char *const files[] = { "proc/modules", "proc/keys",
	"sys/kernel/security/lockdown", "proc/sys/kernel/tainted",
	"sys/module/module/parameters/sig_enforce" };

static void make_root(void)
{
	static const char *const dirs[] = { "proc", "proc/sys", "proc/sys/kernel", "sys",
		"sys/kernel", "sys/kernel/security", "sys/module", "sys/module/module",
		"sys/module/module/parameters" };
	char path[256];

	fuzz_make_temp_root(root);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		if (mkdir(path, 0755) < 0)
			abort();
	}
}

static void each_line(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *line, *save;

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *a = strdup(line), *b = strdup(line);
		const char *x, *y, *z;
		unsigned long id;

		if (a && mt_proc_modules_line_taint(a, &x, &y) == 0 && (!x || !y))
			abort();
		if (b && mt_proc_keys_line(b, &id, &x, &z) == 0 && (!x || !z || id == 0))
			abort();
		free(a);
		free(b);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modtool_status *st = NULL;
	const char *why;
	int r;

	static const size_t caps[] = { SIZE_MAX, SIZE_MAX, 256, 32, 8 };
	static int made;

	if (!made++)
		make_root();
	each_line(data, size);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		write_file(files[i], data, size < caps[i] ? size : caps[i]);
	if (modtool_ctx_set_sysroot(fuzz_ctx(), root) < 0)
		abort();
	r = modtool_status_read(fuzz_ctx(), &st);
	if (r < 0) {
		if (r != -ENOMEM && r != -EFBIG)
			abort();
		return 0;
	}
	for (size_t i = 0; i < modtool_status_count(st, MODTOOL_STATUS_MODULES); i++)
		if (!modtool_status_get(st, MODTOOL_STATUS_MODULES, i, NULL))
			abort();
	modtool_status_load_allowed(st, &why);
	if (!why)
		abort();
	modtool_status_free(st);
	return 0;
}
