// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's security state as far as modules go, read from /proc and
 * /sys: taint (and which modules carry which letters), modules_disabled,
 * sig_enforce, lockdown, LoadPin, IPE, the keys of the trusted keyrings,
 * modules that /proc/modules and /sys/module disagree about, and whether a
 * load is possible now.  Every file is optional (a kernel without the
 * feature has none): what is missing reads as unknown, never as "off".
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/internal.h"
#include "kernel/status.h"
#include "kernel/sysfs.h"

/* /proc/keys of a machine with thousands of keys stays well under this. */
#define PROC_KEYS_MAX ((size_t)16 << 20)
/* A keyring with more members than this is listed in part. */
#define KEYRING_MEMBERS_MAX 4096
#define KEYCTL_READ 11
#define CAP_SYS_MODULE_BIT 16

/* The keyrings the kernel checks module signatures against (and the blacklist). */
static const char *const trusted_keyrings[] = {
	".builtin_trusted_keys", ".secondary_trusted_keys", ".machine", ".platform", ".blacklist",
};

/* A small file under the sysroot, trailing newline cut: its length or -errno. */
static int read_small(const struct modtool_ctx *ctx, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	int n = mt_sys_path(ctx, path, sizeof(path), "%s", file);

	if (n < 0)
		return n;
	n = mt_read_attr(AT_FDCWD, path, buf, size);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

/* A decimal number file: 0 with *@value, or -errno / -EINVAL. */
static int read_number(const struct modtool_ctx *ctx, const char *file, unsigned long *value)
{
	char buf[64], *end;
	int n = read_small(ctx, file, buf, sizeof(buf));

	if (n < 0)
		return n;
	errno = 0;
	*value = strtoul(buf, &end, 10);
	if (end == buf || *end || errno || buf[0] == '-')
		return -EINVAL;
	return 0;
}

/* 0/1 from a number or Y/N file; -1 when absent or unreadable. */
static int read_flag(const struct modtool_ctx *ctx, const char *file)
{
	unsigned long v;
	char buf[16];

	if (read_small(ctx, file, buf, sizeof(buf)) == 1 && (buf[0] == 'Y' || buf[0] == 'N'))
		return buf[0] == 'Y';
	if (read_number(ctx, file, &v) == 0)
		return v != 0;
	return -1;
}

/* "none [integrity] confidentiality": the bracketed word. */
static char *read_lockdown(const struct modtool_ctx *ctx)
{
	char buf[128], *open, *close;

	if (read_small(ctx, "/sys/kernel/security/lockdown", buf, sizeof(buf)) <= 0)
		return NULL;
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || close == open + 1)
		return strdup("(unreadable)");
	return strndup(open + 1, (size_t)(close - open - 1));
}

static int push_entry(struct mt_status_entries *list, const char *a, const char *b)
{
	struct mt_status_entry *p = mt_grow(list->v, &list->cap, list->n + 1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	list->v = p;
	p[list->n].a = strdup(a);
	p[list->n].b = strdup(b);
	if (!p[list->n].a || !p[list->n].b) {
		free(p[list->n].a);
		free(p[list->n].b);
		return -ENOMEM;
	}
	list->n++;
	return 0;
}

static void free_entries(struct mt_status_entries *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].a);
		free(list->v[i].b);
	}
	free(list->v);
}

/* ---- /proc/modules: the modules and their taint letters ------------------ */

/*
 * "name size refs holders state address [(letters)]": the letters between
 * the parentheses of the last field, "" when there are none.  0, or
 * -EINVAL for a line that is not one.
 */
int mt_proc_modules_line_taint(char *line, const char **name, const char **letters)
{
	char *save, *tok, *last = NULL;
	size_t n;

	*name = strtok_r(line, " \t", &save);
	if (!*name || strlen(*name) > NAME_MAX)
		return -EINVAL;
	while ((tok = strtok_r(NULL, " \t", &save)))
		last = tok;
	*letters = "";
	if (!last || last[0] != '(')
		return 0;
	n = strlen(last);
	if (n < 2 || last[n - 1] != ')')
		return -EINVAL;
	last[n - 1] = '\0';
	for (char *c = last + 1; *c; c++)
		if (*c < 'A' || *c > 'Z')
			return -EINVAL;
	*letters = last + 1;
	return 0;
}

static int read_module_taints(struct modtool_ctx *ctx, struct modtool_status *st)
{
	char *text, *line, *save;
	size_t len;
	int err = mt_read_proc_modules(ctx, &text, &len);

	if (err < 0) {
		st->modular = err == -ENOENT ? 0 : -1;
		return err == -ENOENT || err == -EACCES ? 0 : err;
	}
	st->modular = 1;
	for (line = strtok_r(text, "\n", &save); line && err == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *name, *letters;

		if (mt_proc_modules_line_taint(line, &name, &letters) < 0) {
			st->proc_modules_damaged = true;
			continue;
		}
		err = push_entry(&st->loaded, name, letters);
	}
	free(text);
	return err;
}

/* ---- /proc/modules against /sys/module ----------------------------------- */

static bool listed(const struct mt_status_entries *loaded, const char *name)
{
	for (size_t i = 0; i < loaded->n; i++)
		if (mt_streq(loaded->v[i].a, name))
			return true;
	return false;
}

/*
 * A loadable module has /sys/module/NAME/initstate; built-in ones have no
 * such file.  A name on one side only hints at a module hiding itself (or
 * at a load or removal between the two reads).
 */
static int compare_sysfs(struct modtool_ctx *ctx, struct modtool_status *st)
{
	char path[PATH_MAX];
	struct dirent *de;
	int err = mt_sys_path(ctx, path, sizeof(path), "/sys/module"), dfd;
	DIR *d;

	if (err < 0 || st->modular != 1)
		return err < 0 ? err : 0;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;	/* no sysfs: nothing to compare with */
	d = mt_opendir_fd(ctx, dfd, path, &err);
	if (!d)
		return 0;
	st->sysfs_compared = true;
	while (err == 0 && (de = readdir(d))) {
		char initstate[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(initstate, sizeof(initstate), "%s/initstate", de->d_name);
		if (faccessat(dirfd(d), initstate, F_OK, 0) < 0)
			continue;
		if (!listed(&st->loaded, de->d_name))
			err = push_entry(&st->hidden, de->d_name, "/sys/module only");
	}
	for (size_t i = 0; i < st->loaded.n && err == 0; i++) {
		char initstate[PATH_MAX];

		snprintf(initstate, sizeof(initstate), "%s/initstate", st->loaded.v[i].a);
		if (faccessat(dirfd(d), initstate, F_OK, 0) < 0)
			err = push_entry(&st->hidden, st->loaded.v[i].a, "/proc/modules only");
	}
	closedir(d);
	return err;
}

/* ---- /proc/keys and the trusted keyrings --------------------------------- */

/*
 * "ID FLAGS USAGE TIMEOUT PERM UID GID TYPE DESCRIPTION[: SUMMARY]", the
 * type cut to 9 characters.  0 with the fields, -EINVAL otherwise.
 */
int mt_proc_keys_line(char *line, unsigned long *id, const char **type, const char **desc)
{
	char *save, *tok, *end;
	int i;

	tok = strtok_r(line, " \t", &save);
	if (!tok)
		return -EINVAL;
	errno = 0;
	*id = strtoul(tok, &end, 16);
	if (*end || end == tok || errno || *id == 0 || *id > 0x7fffffffUL)
		return -EINVAL;
	for (i = 0; i < 6 && (tok = strtok_r(NULL, " \t", &save)); i++)
		;
	*type = strtok_r(NULL, " \t", &save);
	*desc = *type ? strtok_r(NULL, "", &save) : NULL;
	if (i < 6 || !*type || !*desc)
		return -EINVAL;
	while (**desc == ' ')
		(*desc)++;
	return 0;
}

/* The serials in keyring @id, or -errno (unreadable, or not the running kernel's). */
static long keyring_members(unsigned long id, int32_t *serials, size_t max)
{
	long n = syscall(SYS_keyctl, KEYCTL_READ, (long)id, serials, (long)(max * sizeof(*serials)));

	if (n < 0)
		return -errno;
	return n / (long)sizeof(*serials) > (long)max ? (long)max : n / (long)sizeof(*serials);
}

struct key_line {
	unsigned long id;
	char *type, *desc;
};

/* A key's description without the summary after its last ": " (the keyring's count too). */
static char *key_name(const char *desc)
{
	const char *colon = strrchr(desc, ':');

	return colon ? strndup(desc, (size_t)(colon - desc)) : strdup(desc);
}

static int add_keyring(struct modtool_status *st, const struct key_line *keys, size_t n,
		       const struct key_line *ring)
{
	int32_t serials[KEYRING_MEMBERS_MAX];
	MT_AUTOFREE char *ring_name = key_name(ring->desc);
	long m = keyring_members(ring->id, serials, KEYRING_MEMBERS_MAX);
	int err = 0;

	if (!ring_name)
		return -ENOMEM;
	if (m < 0)
		return push_entry(&st->keys, ring_name, "(members unreadable)");
	for (long j = 0; j < m && err == 0; j++)
		for (size_t i = 0; i < n; i++)
			if (keys[i].id == (unsigned long)(uint32_t)serials[j]) {
				MT_AUTOFREE char *name = key_name(keys[i].desc);
				MT_AUTOFREE char *shown = NULL;

				/* a keyring linked in (.secondary links .builtin...) says so */
				if (name && mt_streq(keys[i].type, "keyring") &&
				    asprintf(&shown, "(linked keyring) %s", name) < 0)
					shown = NULL;
				else if (name && !shown)
					shown = strdup(name);
				err = shown ? push_entry(&st->keys, ring_name, shown) : -ENOMEM;
				break;
			}
	return err;
}

static bool is_trusted_keyring(const char *desc)
{
	for (size_t i = 0; i < sizeof(trusted_keyrings) / sizeof(trusted_keyrings[0]); i++) {
		size_t len = strlen(trusted_keyrings[i]);

		if (strncmp(desc, trusted_keyrings[i], len) == 0 && desc[len] == ':')
			return true;
	}
	return false;
}

static int read_keys(struct modtool_ctx *ctx, struct modtool_status *st)
{
	struct key_line *keys = NULL;
	size_t n = 0, cap = 0, len;
	char *text, *line, *save;
	int err = mt_read_whole(ctx, "/proc/keys", PROC_KEYS_MAX, &text, &len);

	if (err < 0)
		return err == -ENOENT || err == -EACCES ? 0 : err;
	st->keys_read = true;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct key_line k, *p;
		const char *type, *desc;

		if (mt_proc_keys_line(line, &k.id, &type, &desc) < 0)
			continue;
		p = mt_grow(keys, &cap, n + 1, sizeof(*keys));
		if (!p) {
			err = -ENOMEM;
			break;
		}
		keys = p;
		keys[n].id = k.id;
		keys[n].type = (char *)type;
		keys[n].desc = (char *)desc;
		n++;
	}
	/* membership is the running kernel's: a sysroot's /proc/keys has none to ask */
	for (size_t i = 0; i < n && err == 0 && !ctx->sysroot; i++)
		if (mt_streq(keys[i].type, "keyring") && is_trusted_keyring(keys[i].desc))
			err = add_keyring(st, keys, n, &keys[i]);
	free(keys);
	free(text);
	return err;
}

/* ---- may a module be loaded now? ----------------------------------------- */

/* Does this process have CAP_SYS_MODULE (its /proc/self/status CapEff)? -1 unknown. */
static int has_cap_sys_module(const struct modtool_ctx *ctx)
{
	char *text, *cap;
	size_t len;
	unsigned long long eff;
	int r = -1;

	if (mt_read_whole(ctx, "/proc/self/status", (size_t)1 << 20, &text, &len) < 0)
		return -1;
	cap = strncmp(text, "CapEff:", 7) == 0 ? text : strstr(text, "\nCapEff:");
	if (cap && *cap == '\n')
		cap++;
	if (cap && sscanf(cap + 7, "%llx", &eff) == 1)
		r = (eff >> CAP_SYS_MODULE_BIT) & 1;
	free(text);
	return r;
}

static int decide(struct modtool_ctx *ctx, struct modtool_status *st)
{
	int cap = has_cap_sys_module(ctx);
	const char *only = NULL;

	st->load_allowed = false;
	if (st->modular == 0)
		return asprintf(&st->load_why, "the kernel has no module support (no /proc/modules)");
	if (st->modules_disabled == 1)
		return asprintf(&st->load_why,
				"modules_disabled is 1: no module can be loaded until the next boot");
	if (cap == 0)
		return asprintf(&st->load_why, "this process lacks CAP_SYS_MODULE");
	st->load_allowed = true;
	if (st->sig_enforce == 1)
		only = "only modules signed by a trusted key (sig_enforce)";
	else if (st->lockdown && !mt_streq(st->lockdown, "none"))
		only = "only modules signed by a trusted key (lockdown)";
	else if (st->loadpin == 1)
		only = "only from the filesystem the first module came from (LoadPin)";
	return asprintf(&st->load_why, "%s", only ? only : "any module the kernel accepts");
}

/* IPE: present when securityfs has its directory; the active policy's name. */
static void read_ipe(const struct modtool_ctx *ctx, struct modtool_status *st)
{
	char path[PATH_MAX], buf[256];
	struct dirent *de;
	int err = 0, dfd;
	DIR *d;

	if (mt_sys_path(ctx, path, sizeof(path), "/sys/kernel/security/ipe/policies") < 0)
		return;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	d = mt_opendir_fd(ctx, dfd, path, &err);
	if (!d)
		return;
	st->ipe_present = true;
	while ((de = readdir(d)) && !st->ipe_policy) {
		char file[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/active", de->d_name);
		if (mt_read_attr(dirfd(d), file, buf, sizeof(buf)) > 0 && buf[0] == '1')
			st->ipe_policy = strdup(de->d_name);
	}
	closedir(d);
}

MT_EXPORT int modtool_status_read(struct modtool_ctx *ctx, struct modtool_status **out)
{
	struct modtool_status *st;
	unsigned long v;
	int err;

	if (!ctx || !out)
		return -EINVAL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->taint = read_number(ctx, "/proc/sys/kernel/tainted", &v) == 0 ? (long long)v : -1;
	st->modules_disabled = read_flag(ctx, "/proc/sys/kernel/modules_disabled");
	st->sig_enforce = read_flag(ctx, "/sys/module/module/parameters/sig_enforce");
	st->loadpin = read_flag(ctx, "/proc/sys/kernel/loadpin/enforce");
	st->lockdown = read_lockdown(ctx);
	read_ipe(ctx, st);
	err = read_module_taints(ctx, st);
	if (err == 0)
		err = compare_sysfs(ctx, st);
	if (err == 0)
		err = read_keys(ctx, st);
	if (err == 0 && decide(ctx, st) < 0)
		err = -ENOMEM;
	if (err < 0) {
		modtool_status_free(st);
		return err;
	}
	*out = st;
	return 0;
}

MT_EXPORT void modtool_status_free(struct modtool_status *st)
{
	if (!st)
		return;
	free(st->lockdown);
	free(st->ipe_policy);
	free(st->load_why);
	free_entries(&st->loaded);
	free_entries(&st->hidden);
	free_entries(&st->keys);
	free(st);
}

MT_EXPORT long long modtool_status_get_taint(const struct modtool_status *st)
{
	return st ? st->taint : -1;
}

MT_EXPORT int modtool_status_get_modules_disabled(const struct modtool_status *st)
{
	return st ? st->modules_disabled : -1;
}

MT_EXPORT int modtool_status_get_sig_enforce(const struct modtool_status *st)
{
	return st ? st->sig_enforce : -1;
}

MT_EXPORT const char *modtool_status_get_lockdown(const struct modtool_status *st)
{
	return st ? st->lockdown : NULL;
}

MT_EXPORT int modtool_status_get_loadpin(const struct modtool_status *st)
{
	return st ? st->loadpin : -1;
}

MT_EXPORT int modtool_status_get_ipe(const struct modtool_status *st, const char **policy)
{
	if (policy)
		*policy = st ? st->ipe_policy : NULL;
	return st && st->ipe_present ? 1 : 0;
}

static const struct mt_status_entries *entries(const struct modtool_status *st,
					       enum modtool_status_list which)
{
	switch (which) {
	case MODTOOL_STATUS_MODULES: return &st->loaded;
	case MODTOOL_STATUS_HIDDEN: return &st->hidden;
	case MODTOOL_STATUS_KEYS: return &st->keys;
	}
	return NULL;
}

MT_EXPORT size_t modtool_status_count(const struct modtool_status *st,
				      enum modtool_status_list which)
{
	const struct mt_status_entries *e = st ? entries(st, which) : NULL;

	return e ? e->n : 0;
}

MT_EXPORT const char *modtool_status_get(const struct modtool_status *st,
					 enum modtool_status_list which, size_t i,
					 const char **second)
{
	const struct mt_status_entries *e = st ? entries(st, which) : NULL;

	if (!e || i >= e->n)
		return NULL;
	if (second)
		*second = e->v[i].b;
	return e->v[i].a;
}

MT_EXPORT int modtool_status_get_checks(const struct modtool_status *st)
{
	int checks = 0;

	if (!st)
		return 0;
	if (st->sysfs_compared)
		checks |= MODTOOL_STATUS_CHECKED_SYSFS;
	if (st->keys_read)
		checks |= MODTOOL_STATUS_CHECKED_KEYS;
	if (st->proc_modules_damaged)
		checks |= MODTOOL_STATUS_PROC_MODULES_DAMAGED;
	return checks;
}

MT_EXPORT bool modtool_status_load_allowed(const struct modtool_status *st, const char **why)
{
	if (why)
		*why = st ? st->load_why : NULL;
	return st && st->load_allowed;
}
