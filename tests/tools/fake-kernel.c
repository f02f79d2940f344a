// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A fake kernel for tool tests, loaded with LD_PRELOAD into kmod's tools and
 * ours alike: absolute paths under /sys and /proc are read from
 * $FAKE_KERNEL_ROOT instead, and the module syscalls act on that tree.
 *
 * With FAKE_KERNEL_MODPROBE_D set, the modprobe.d directories are read from
 * the tree too (a configuration of the test's own, none of the machine's).
 *
 * The tree holds /sys/module/NAME/{initstate,refcnt,holders/} for loaded
 * modules (no initstate: built in); /proc/modules is regenerated from it
 * when a program starts and after each change.  Every module syscall is
 * appended to $FAKE_KERNEL_ROOT/log, so a test compares what two tools asked
 * the kernel to do, in order.
 *
 * delete_module behaves as the kernel does: ENOENT when not loaded (or built
 * in), EWOULDBLOCK while held by another module or in use, else the module
 * goes away and releases what it held.  finit_module loads a module named
 * after the file, holding nothing, or fails with the errno written in
 * $FAKE_KERNEL_ROOT/fail/NAME (an init that fails); init_module loads the
 * module its image names (.modinfo "name=") the same way, and only records
 * a call whose image names none.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#undef _FILE_OFFSET_BITS	/* define open() and open64() both, as libc exports them */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

/* libc has these two wrappers, without a header */
int delete_module(const char *name, unsigned int flags);
int init_module(void *image, unsigned long len, const char *params);

static const char *fake_root(void)
{
	const char *r = getenv("FAKE_KERNEL_ROOT");

	return r && *r ? r : NULL;
}

/* With FAKE_KERNEL_MODPROBE_D set, modprobe.d's directories too. */
static bool is_config_path(const char *path)
{
	static const char *const dirs[] = {
		"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
		"/usr/lib/modprobe.d", "/lib/modprobe.d",
	};

	if (!getenv("FAKE_KERNEL_MODPROBE_D"))
		return false;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t len = strlen(dirs[i]);

		if (strncmp(path, dirs[i], len) == 0 && (path[len] == '\0' || path[len] == '/'))
			return true;
	}
	return false;
}

static bool is_kernel_path(const char *path)
{
	return is_config_path(path) || strncmp(path, "/sys/", 5) == 0 || strncmp(path, "/proc/", 6) == 0 ||
	       strcmp(path, "/sys") == 0 || strcmp(path, "/proc") == 0 ||
	       strcmp(path, "/dev/kmsg") == 0 ||	/* the kernel log: a file in the tree */
	       strncmp(path, "/lib/modules/", 13) == 0;	/* kmod static-nodes' tree */
}

/* @path, or where it lives in the fake tree when it is under /sys or /proc (or /dev/kmsg). */
static const char *redirect(const char *path, char *buf, size_t size)
{
	const char *root = fake_root();

	if (!root || !path || !is_kernel_path(path))
		return path;
	/* our own /proc/self/fd readlinks must see the real /proc */
	if (strncmp(path, "/proc/self/", 11) == 0)
		return path;
	if ((size_t)snprintf(buf, size, "%s%s", root, path) >= size)
		return path;
	return buf;
}

/* The build hides symbols by default: these must interpose libc's. */
#define EXPORT __attribute__((visibility("default")))

#define REAL(name) \
	static typeof(name) *real_##name; \
	if (!real_##name) \
		real_##name = (typeof(name) *)dlsym(RTLD_NEXT, #name)

static int open_common(int (*fn)(const char *, int, ...), const char *path, int flags,
		       va_list ap)
{
	char buf[PATH_MAX];
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;

	return fn(redirect(path, buf, sizeof(buf)), flags, mode);
}

EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	int r;

	REAL(open);
	va_start(ap, flags);
	r = open_common(real_open, path, flags, ap);
	va_end(ap);
	return r;
}

EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	int r;

	REAL(open64);
	va_start(ap, flags);
	r = open_common(real_open64, path, flags, ap);
	va_end(ap);
	return r;
}

EXPORT int openat(int dfd, const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	va_list ap;
	mode_t mode;

	REAL(openat);
	va_start(ap, flags);
	mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return real_openat(dfd, redirect(path, buf, sizeof(buf)), flags, mode);
}

EXPORT int openat64(int dfd, const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	va_list ap;
	mode_t mode;

	REAL(openat64);
	va_start(ap, flags);
	mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return real_openat64(dfd, redirect(path, buf, sizeof(buf)), flags, mode);
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
	char buf[PATH_MAX];

	REAL(fopen);
	return real_fopen(redirect(path, buf, sizeof(buf)), mode);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	char buf[PATH_MAX];

	REAL(fopen64);
	return real_fopen64(redirect(path, buf, sizeof(buf)), mode);
}

EXPORT DIR *opendir(const char *path)
{
	char buf[PATH_MAX];

	REAL(opendir);
	return real_opendir(redirect(path, buf, sizeof(buf)));
}

EXPORT int stat(const char *path, struct stat *st)
{
	char buf[PATH_MAX];

	REAL(stat);
	return real_stat(redirect(path, buf, sizeof(buf)), st);
}

EXPORT int stat64(const char *path, struct stat64 *st)
{
	char buf[PATH_MAX];

	REAL(stat64);
	return real_stat64(redirect(path, buf, sizeof(buf)), st);
}

EXPORT int access(const char *path, int mode)
{
	char buf[PATH_MAX];

	REAL(access);
	return real_access(redirect(path, buf, sizeof(buf)), mode);
}

/* ---- the module state ----------------------------------------------------- */

static int read_int(const char *path)
{
	FILE *f;
	int v = 0;

	REAL(fopen);
	f = real_fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void write_int(const char *path, int v)
{
	FILE *f;

	REAL(fopen);
	f = real_fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%d\n", v);
	fclose(f);
}

static bool is_loaded(const char *root, const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/sys/module/%s/initstate", root, name);
	REAL(access);
	return real_access(p, F_OK) == 0;
}

/* Count (and with @list, join with ',') the holders of @name. */
static int holders(const char *root, const char *name, char *list, size_t size)
{
	char p[PATH_MAX];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(p, sizeof(p), "%s/sys/module/%s/holders", root, name);
	REAL(opendir);
	dir = real_opendir(p);
	if (list && size)
		*list = '\0';
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		n++;
		if (list && strlen(list) + strlen(d->d_name) + 2 < size) {
			strcat(list, d->d_name);
			strcat(list, ",");
		}
	}
	closedir(dir);
	return n;
}

/* /proc/modules as the kernel prints it, from /sys/module. */
static void write_proc_modules(const char *root)
{
	char p[PATH_MAX], list[4096];
	struct dirent *d;
	FILE *out;
	DIR *dir;

	snprintf(p, sizeof(p), "%s/proc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/proc/modules", root);
	REAL(fopen);
	out = real_fopen(p, "w");
	snprintf(p, sizeof(p), "%s/sys/module", root);
	REAL(opendir);
	dir = real_opendir(p);
	while (out && dir && (d = readdir(dir))) {
		char rc[PATH_MAX];

		if (d->d_name[0] == '.' || !is_loaded(root, d->d_name))
			continue;
		snprintf(rc, sizeof(rc), "%s/sys/module/%s/refcnt", root, d->d_name);
		holders(root, d->d_name, list, sizeof(list));
		fprintf(out, "%s 16384 %d %s Live 0x0000000000000000\n", d->d_name,
			read_int(rc) < 0 ? 0 : read_int(rc), *list ? list : "-");
	}
	if (dir)
		closedir(dir);
	if (out)
		fclose(out);
}

__attribute__((constructor)) static void fake_kernel_init(void)
{
	if (fake_root())
		write_proc_modules(fake_root());
}

static void log_call(const char *fmt, ...)
{
	char p[PATH_MAX];
	va_list ap;
	FILE *f;

	snprintf(p, sizeof(p), "%s/log", fake_root());
	REAL(fopen);
	f = real_fopen(p, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static void remove_tree(const char *path)
{
	struct dirent *d;
	DIR *dir;

	REAL(opendir);
	dir = real_opendir(path);
	while (dir && (d = readdir(dir))) {
		char p[PATH_MAX];

		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, d->d_name);
		if (d->d_type == DT_DIR)
			remove_tree(p);
		else
			unlink(p);
	}
	if (dir)
		closedir(dir);
	rmdir(path);
}

/* Drop @name from the holders of every module, giving back its reference. */
static void release_held(const char *root, const char *name)
{
	char p[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	snprintf(p, sizeof(p), "%s/sys/module", root);
	REAL(opendir);
	dir = real_opendir(p);
	while (dir && (d = readdir(dir))) {
		char h[PATH_MAX], rc[PATH_MAX];

		if (d->d_name[0] == '.')
			continue;
		snprintf(h, sizeof(h), "%s/sys/module/%s/holders/%s", root, d->d_name, name);
		if (rmdir(h) < 0 && unlink(h) < 0)
			continue;
		snprintf(rc, sizeof(rc), "%s/sys/module/%s/refcnt", root, d->d_name);
		write_int(rc, read_int(rc) > 0 ? read_int(rc) - 1 : 0);
	}
	if (dir)
		closedir(dir);
}

static long fake_delete_module(const char *name, unsigned int flags)
{
	const char *root = fake_root();
	char p[PATH_MAX];

	log_call("delete_module %s%s\n", name, flags & O_TRUNC ? " force" : "");
	if (!is_loaded(root, name)) {
		errno = ENOENT;
		return -1;
	}
	snprintf(p, sizeof(p), "%s/sys/module/%s/refcnt", root, name);
	if (holders(root, name, NULL, 0) > 0 || read_int(p) > 0) {
		errno = EWOULDBLOCK;
		return -1;
	}
	release_held(root, name);
	snprintf(p, sizeof(p), "%s/sys/module/%s", root, name);
	remove_tree(p);
	write_proc_modules(root);
	return 0;
}

/* The module name of an open file: its base name up to ".ko", '-' as '_'. */
static void name_of_fd(int fd, char *name, size_t size)
{
	char link[64], path[PATH_MAX], *base, *dot;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	path[n < 0 ? 0 : n] = '\0';
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strstr(base, ".ko");
	if (dot)
		*dot = '\0';
	snprintf(name, size, "%s", base);
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
}

/* Load @name: EEXIST when loaded, the errno of root/fail/NAME when there. */
static long fake_load(const char *name)
{
	const char *root = fake_root();
	char p[PATH_MAX + 300];

	if (is_loaded(root, name)) {
		errno = EEXIST;
		return -1;
	}
	/* $FAKE_KERNEL_ROOT/fail/NAME holds the errno NAME's init fails with */
	snprintf(p, sizeof(p), "%s/fail/%s", root, name);
	if ((errno = read_int(p)) > 0)
		return -1;
	snprintf(p, sizeof(p), "%s/sys/module/%s", root, name);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/module/%s/holders", root, name);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/module/%s/refcnt", root, name);
	write_int(p, 0);
	snprintf(p, sizeof(p), "%s/sys/module/%s/initstate", root, name);
	REAL(fopen);
	FILE *f = real_fopen(p, "w");

	if (f) {
		fputs("live\n", f);
		fclose(f);
	}
	write_proc_modules(root);
	return 0;
}

static long fake_finit_module(int fd, const char *params, int flags)
{
	char name[PATH_MAX];

	name_of_fd(fd, name, sizeof(name));
	log_call("finit_module %s [%s] %d\n", name, params ? params : "", flags);
	return fake_load(name);
}

/* The name an image gives itself: its .modinfo "name=" string, if any. */
static bool name_of_image(const void *image, unsigned long len, char *name, size_t size)
{
	static const char key[] = "\0name=";
	const char *p = memmem(image, len, key, sizeof(key) - 1), *end = (const char *)image + len;
	size_t n;

	if (!p)
		return false;
	p += sizeof(key) - 1;
	n = strnlen(p, end - p);
	if (n == 0 || n >= size || p + n == end)
		return false;
	memcpy(name, p, n + 1);
	return true;
}

/* An image with a name is loaded like a file; one without, only recorded. */
static long fake_init_module(const void *image, unsigned long len, const char *params)
{
	char name[PATH_MAX];

	if (!name_of_image(image, len, name, sizeof(name))) {
		log_call("init_module %lu bytes [%s]\n", len, params ? params : "");
		return 0;
	}
	log_call("init_module %s %lu bytes [%s]\n", name, len, params ? params : "");
	return fake_load(name);
}

/* kmod calls libc's wrappers for these two, ours syscall(): both are faked. */
/* FAKE_KERNEL_RELEASE, when set, is the running kernel's release (uname -r). */
EXPORT int uname(struct utsname *u)
{
	const char *release = getenv("FAKE_KERNEL_RELEASE");
	REAL(uname);

	if (real_uname(u) < 0)
		return -1;
	if (release && fake_root())
		snprintf(u->release, sizeof(u->release), "%s", release);
	return 0;
}

EXPORT int delete_module(const char *name, unsigned int flags)
{
	REAL(delete_module);
	if (fake_root())
		return (int)fake_delete_module(name, flags);
	return real_delete_module(name, flags);
}

EXPORT int init_module(void *image, unsigned long len, const char *params)
{
	REAL(init_module);
	if (fake_root())
		return (int)fake_init_module(image, len, params);
	return real_init_module(image, len, params);
}

EXPORT long syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	REAL(syscall);
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (fake_root()) {
		switch (nr) {
		case SYS_delete_module:
			return fake_delete_module((const char *)a[0], (unsigned int)a[1]);
		case SYS_finit_module:
			return fake_finit_module((int)a[0], (const char *)a[1], (int)a[2]);
		case SYS_init_module:
			return fake_init_module((const void *)a[0], (unsigned long)a[1],
						(const char *)a[2]);
		}
	}
	return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
