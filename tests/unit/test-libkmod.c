// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libkmod.so.2's semantics that programs rely on, through kmod's interface
 * only (our libkmod.h, our library), on a small tree made here: indexes
 * written with the index writer, empty module files, a configuration of
 * every directive.  The module syscalls are faked by defining syscall(),
 * which the library calls for finit_module, and libc's delete_module().  What the
 * kernel shows in /sys/module and /proc/modules is faked, when this runs as
 * root, in a private mount namespace.
 *
 * The tree: a needs b and c, b needs c; d and snd_x stand alone; e is built
 * in (fs-e its kernel alias).  Aliases: pci:v1234d* -> a, pci:v1234d9999 -> b
 * (a pattern and a key: both match), usb:foo* -> d; symbol:c_func -> c.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/write.h"
#include "libkmod.h"
#include "test-util.h"

static char root[64];	/* tree/ and conf/ below */
static char tree[128], conf[128];
static char calls[1024];	/* the faked module syscalls, "; "-separated */
static bool fake_sysfs;		/* /sys/module is ours to write */
static bool fake_proc;		/* and /proc/modules (a kernel without modules has none) */

/* ---- the fake kernel ------------------------------------------------------- */

__attribute__((format(printf, 1, 2))) static void call(const char *fmt, ...)
{
	size_t n = strlen(calls);
	va_list ap;

	if (n + 3 >= sizeof(calls))
		return;
	if (n)
		n += snprintf(calls + n, sizeof(calls) - n, "; ");
	va_start(ap, fmt);
	vsnprintf(calls + n, sizeof(calls) - n, fmt, ap);
	va_end(ap);
}

/* visible to the library: the project builds with -fvisibility=hidden */
__attribute__((visibility("default"))) long syscall(long nr, ...)
{
	char link[64], path[PATH_MAX];
	long a[3];
	ssize_t n;
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 3; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_finit_module) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", (int)a[0]);
		n = readlink(link, path, sizeof(path) - 1);
		path[n < 0 ? 0 : n] = '\0';
		call("insmod %s [%s] %ld", strrchr(path, '/') + 1, (const char *)a[1], a[2]);
		return 0;
	}
	errno = ENOSYS;
	return -1;
}

/* libc's wrapper, which the library calls (kmod's testsuite traps that name) */
__attribute__((visibility("default"))) int delete_module(const char *name, unsigned int flags);
__attribute__((visibility("default"))) int delete_module(const char *name, unsigned int flags)
{
	call("rmmod %s %x", name, flags);
	return 0;
}

/* ---- the tree ---------------------------------------------------------------- */

static void put_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_file(path, text, strlen(text));
}

/* An index of @n key/value pairs (@kv: key, value, key, value...). */
static void put_index(const char *name, const char *const *kv, size_t n)
{
	struct mt_index_builder *b;
	char path[PATH_MAX];
	size_t size;
	uint8_t *buf;

	assert_int_equal(mt_index_builder_new(&b), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(mt_index_builder_add(b, kv[2 * i], kv[2 * i + 1], (uint32_t)i), 0);
	assert_int_equal(mt_index_builder_write(b, &buf, &size), 0);
	mt_index_builder_free(b);
	snprintf(path, sizeof(path), "%s/%s", tree, name);
	write_file(path, buf, size);
	free(buf);
}

static void make_tree(void)
{
	static const char *const dep[] = {
		"a", "kernel/a.ko: kernel/b.ko kernel/c.ko",
		"b", "kernel/b.ko: kernel/c.ko",
		"c", "kernel/c.ko:",
		"d", "kernel/d.ko:",
		"snd_x", "kernel/snd-x.ko:",
	};
	static const char *const alias[] = {
		"pci:v1234d*", "a", "pci:v1234d9999", "b", "usb:foo*", "d",
	};
	static const char *const symbols[] = { "symbol:c_func", "c" };
	static const char *const builtin[] = { "e", "" };
	static const char *const builtin_alias[] = { "fs_e", "e" };	/* depmod writes keys with '_' */
	char path[PATH_MAX];

	snprintf(tree, sizeof(tree), "%s/tree", root);
	snprintf(conf, sizeof(conf), "%s/conf", root);
	mkdir(tree, 0755);
	mkdir(conf, 0755);
	snprintf(path, sizeof(path), "%s/kernel", tree);
	mkdir(path, 0755);
	for (const char *const *m = (const char *const[]){ "a", "b", "c", "d", "snd-x", NULL }; *m;
	     m++) {
		snprintf(path, sizeof(path), "kernel/%s.ko", *m);
		put_text(tree, path, "");
	}
	put_index("modules.dep.bin", dep, 5);
	put_index("modules.alias.bin", alias, 3);
	put_index("modules.symbols.bin", symbols, 1);
	put_index("modules.builtin.bin", builtin, 1);
	put_index("modules.builtin.alias.bin", builtin_alias, 1);
	put_text(conf, "test.conf",
		 "alias myalias d\n"
		 "options a x=1\n"
		 "options myalias y=2\n"
		 "install d echo installing-d $CMDLINE_OPTS\n"
		 "remove d echo removing-d\n"
		 "blacklist b\n"
		 "softdep a pre: d post: symbol:c_func\n"
		 "weakdep c d snd-x\n");
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Root in a mount namespace of its own: /sys/module and /proc/modules faked. */
static void enter_fake_sysfs(void)
{
	char path[PATH_MAX];

	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("none", "/sys/module", "tmpfs", 0, NULL) < 0)
		return;
	snprintf(path, sizeof(path), "%s/proc-modules", root);
	fake_sysfs = true;
	put_text(root, "proc-modules", "a 16384 0 - Live 0x0\n");
	fake_proc = mount(path, "/proc/modules", "none", MS_BIND, NULL) == 0;
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/test-libkmod-XXXXXX");
	assert_non_null(mkdtemp(root));
	make_tree();
	enter_fake_sysfs();
	return 0;
}

static int teardown(void **state)
{
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct kmod_ctx *new_ctx(void)
{
	const char *paths[] = { conf, NULL };
	struct kmod_ctx *ctx = kmod_new(tree, paths);

	assert_non_null(ctx);
	return ctx;
}

/* The module of a list's entry, borrowed (the list keeps its reference). */
static struct kmod_module *mod_of(const struct kmod_list *entry)
{
	struct kmod_module *m = kmod_module_get_module(entry);

	kmod_module_unref(m);
	return m;
}

/* The names of a module list, space-separated, in @buf. */
static const char *names(const struct kmod_list *list, char *buf, size_t size)
{
	const struct kmod_list *l;
	size_t n = 0;

	buf[0] = '\0';
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		n += snprintf(buf + n, size - n, "%s%s", n ? " " : "", kmod_module_get_name(m));
		kmod_module_unref(m);
	}
	return buf;
}

/* ---- references and pooling ------------------------------------------------------ */

static void test_references(void **state)
{
	struct kmod_ctx *ctx = new_ctx();
	struct kmod_module *a, *a2, *x;

	assert_ptr_equal(kmod_ref(ctx), ctx);
	assert_ptr_equal(kmod_unref(ctx), ctx);
	assert_int_equal(kmod_module_new_from_name(ctx, "a", &a), 0);
	assert_int_equal(kmod_module_new_from_name(ctx, "a.ko", &a2), 0);
	assert_ptr_equal(a, a2);
	assert_ptr_equal(kmod_module_unref(a2), a);
	assert_int_equal(kmod_module_new_from_name(ctx, "snd-x", &x), 0);
	assert_string_equal(kmod_module_get_name(x), "snd_x");
	assert_string_equal(kmod_module_get_path(x), strcat(strcpy((char[PATH_MAX]){ 0 }, tree),
							     "/kernel/snd-x.ko"));
	assert_ptr_equal(kmod_module_ref(x), x);
	assert_ptr_equal(kmod_module_unref(x), x);
	assert_null(kmod_module_unref(x));
	/* the module keeps the context: dropping the last outside reference leaves it */
	assert_ptr_equal(kmod_unref(ctx), ctx);
	assert_string_equal(kmod_module_get_name(a), "a");
	assert_null(kmod_module_unref(a));
	assert_null(kmod_unref(NULL));
	assert_null(kmod_module_unref(NULL));
}

static void test_from_path(void **state)
{
	struct kmod_ctx *ctx = new_ctx();
	struct kmod_module *m, *byname, *other;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/kernel/d.ko", tree);
	assert_int_equal(kmod_module_new_from_path(ctx, path, &m), 0);
	assert_string_equal(kmod_module_get_name(m), "d");
	assert_string_equal(kmod_module_get_path(m), path);
	assert_int_equal(kmod_module_new_from_name(ctx, "d", &byname), 0);
	assert_ptr_equal(byname, m);
	/* another file of that name: refused */
	put_text(root, "d.ko", "");
	snprintf(path, sizeof(path), "%s/d.ko", root);
	assert_int_equal(kmod_module_new_from_path(ctx, path, &other), -EEXIST);
	assert_int_equal(kmod_module_new_from_path(ctx, "/nonexistent/x.ko", &other), -ENOENT);
	kmod_module_unref(byname);
	kmod_module_unref(m);
	assert_null(kmod_unref(ctx));
}

/* ---- lookups and lists ------------------------------------------------------------------ */

static void test_lookup(void **state)
{
	struct kmod_ctx *ctx = new_ctx();
	struct kmod_list *list = NULL, *again = NULL, *l;
	struct kmod_module *a, *m = NULL;
	char buf[256];

	assert_int_equal(kmod_module_new_from_lookup(ctx, "nosuch", &list), 0);
	assert_null(list);
	assert_int_equal(kmod_module_new_from_lookup(ctx, "[bad", &list), -EINVAL);
	assert_int_equal(kmod_module_new_from_lookup(ctx, "pci:v1234d9999", &list), 0);
	assert_string_equal(names(list, buf, sizeof(buf)), "a b");
	/* a found by an alias is a module object of its own, pooled by name and alias */
	assert_int_equal(kmod_module_new_from_name(ctx, "a", &a), 0);
	assert_ptr_not_equal(mod_of(list), a);
	assert_int_equal(kmod_module_new_from_lookup(ctx, "pci:v1234d9999", &again), 0);
	assert_ptr_equal(mod_of(again), mod_of(list));
	kmod_module_unref_list(again);
	/* a list to fill must be empty */
	again = list;
	assert_int_equal(kmod_module_new_from_lookup(ctx, "a", &again), -ENOSYS);
	kmod_module_unref_list(list);
	list = NULL;
	assert_int_equal(kmod_module_new_from_lookup(ctx, "a", &list), 0);
	assert_ptr_equal(mod_of(list), a);
	kmod_module_unref_list(list);
	list = NULL;
	assert_int_equal(kmod_module_new_from_lookup(ctx, "symbol:c_func", &list), 0);
	assert_string_equal(names(list, buf, sizeof(buf)), "c");
	kmod_module_unref_list(list);
	list = NULL;
	assert_int_equal(kmod_module_new_from_lookup(ctx, "myalias", &list), 0);
	assert_string_equal(names(list, buf, sizeof(buf)), "d");
	assert_string_equal(kmod_module_get_options(mod_of(list)), "y=2");
	kmod_module_unref_list(list);
	list = NULL;
	assert_int_equal(kmod_module_new_from_lookup(ctx, "fs-e", &list), 0);
	assert_string_equal(names(list, buf, sizeof(buf)), "e");
	assert_int_equal(kmod_module_get_initstate(mod_of(list)), KMOD_MODULE_BUILTIN);
	assert_null(kmod_module_get_path(mod_of(list)));
	kmod_module_unref_list(list);
	/* names only: modules.dep, built-in; not found leaves *mod alone */
	assert_int_equal(kmod_module_new_from_name_lookup(ctx, "e", &m), 0);
	assert_string_equal(kmod_module_get_name(m), "e");
	kmod_module_unref(m);
	m = (struct kmod_module *)buf;
	assert_int_equal(kmod_module_new_from_name_lookup(ctx, "myalias", &m), 0);
	assert_ptr_equal(m, buf);
	/* the list: circular, walked both ways */
	list = kmod_module_get_dependencies(a);
	assert_string_equal(names(list, buf, sizeof(buf)), "c b");
	assert_ptr_equal(kmod_list_last(list), kmod_list_next(list, list));
	assert_null(kmod_list_prev(list, list));
	assert_null(kmod_list_next(list, kmod_list_last(list)));
	buf[0] = '\0';
	kmod_list_foreach_reverse(l, list)
		strcat(buf, kmod_module_get_name(mod_of(l)));
	assert_string_equal(buf, "bc");
	kmod_module_unref_list(list);
	assert_null(kmod_list_next(NULL, NULL));
	assert_null(kmod_list_last(NULL));
	kmod_module_unref(a);
	assert_null(kmod_unref(ctx));
}

/* ---- configuration ------------------------------------------------------------------------ */

static const char *iter_all(struct kmod_config_iter *iter, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	while (kmod_config_iter_next(iter)) {
		const char *v = kmod_config_iter_get_value(iter);

		n += snprintf(buf + n, size - n, "[%s=%s]", kmod_config_iter_get_key(iter),
			      v ? v : "NULL");
	}
	/* past the end it starts over */
	assert_true(kmod_config_iter_next(iter) || n == 0);
	kmod_config_iter_free_iter(iter);
	return buf;
}

static void test_config(void **state)
{
	static const char *const none[] = { NULL };
	struct kmod_ctx *ctx = new_ctx(), *empty;
	struct kmod_config_iter *iter;
	char buf[512];

	assert_string_equal(iter_all(kmod_config_get_blacklists(ctx), buf, sizeof(buf)),
			    "[b=NULL]");
	assert_string_equal(iter_all(kmod_config_get_install_commands(ctx), buf, sizeof(buf)),
			    "[d=echo installing-d $CMDLINE_OPTS]");
	assert_string_equal(iter_all(kmod_config_get_remove_commands(ctx), buf, sizeof(buf)),
			    "[d=echo removing-d]");
	assert_string_equal(iter_all(kmod_config_get_aliases(ctx), buf, sizeof(buf)),
			    "[myalias=d]");
	assert_true(strstr(iter_all(kmod_config_get_options(ctx), buf, sizeof(buf)),
			   "[a=x=1][myalias=y=2]") == buf);
	assert_string_equal(iter_all(kmod_config_get_softdeps(ctx), buf, sizeof(buf)),
			    "[a=pre: dpost: symbol:c_func]"	/* sic: kmod 30 */);
	assert_string_equal(iter_all(kmod_config_get_weakdeps(ctx), buf, sizeof(buf)),
			    "[c=d snd-x]");
	iter = kmod_config_get_aliases(ctx);
	assert_null(kmod_config_iter_get_key(iter));	/* before the first entry */
	kmod_config_iter_free_iter(iter);
	assert_null(kmod_config_get_aliases(NULL));
	/* an empty list of paths: no configuration at all */
	empty = kmod_new(tree, none);
	assert_non_null(empty);
	assert_string_equal(iter_all(kmod_config_get_blacklists(empty), buf, sizeof(buf)), "");
	assert_string_equal(iter_all(kmod_config_get_aliases(empty), buf, sizeof(buf)), "");
	kmod_unref(empty);
	kmod_unref(ctx);
}

static void test_relations(void **state)
{
	struct kmod_ctx *ctx = new_ctx();
	struct kmod_list *pre = NULL, *post = NULL, *weak = NULL, *in = NULL, *out = NULL;
	struct kmod_module *a, *c, *d, *e;
	char buf[256];

	assert_int_equal(kmod_module_new_from_name(ctx, "a", &a), 0);
	assert_int_equal(kmod_module_new_from_name(ctx, "c", &c), 0);
	assert_int_equal(kmod_module_new_from_name(ctx, "d", &d), 0);
	assert_int_equal(kmod_module_new_from_name(ctx, "e", &e), 0);
	assert_string_equal(kmod_module_get_options(a), "x=1");
	assert_null(kmod_module_get_options(c));
	assert_string_equal(kmod_module_get_install_commands(d), "echo installing-d $CMDLINE_OPTS");
	assert_string_equal(kmod_module_get_remove_commands(d), "echo removing-d");
	assert_null(kmod_module_get_install_commands(a));
	assert_int_equal(kmod_module_get_softdeps(a, &pre, &post), 0);
	assert_string_equal(names(pre, buf, sizeof(buf)), "d");
	assert_string_equal(names(post, buf, sizeof(buf)), "c");
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	assert_int_equal(kmod_module_get_weakdeps(c, &weak), 0);
	assert_string_equal(names(weak, buf, sizeof(buf)), "d snd_x");
	kmod_module_unref_list(weak);
	/* filters: the blacklist names b; e is built in */
	assert_int_equal(kmod_module_new_from_lookup(ctx, "pci:v1234d9999", &in), 0);
	assert_int_equal(kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, in, &out), 0);
	assert_string_equal(names(out, buf, sizeof(buf)), "a");
	kmod_module_unref_list(out);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	assert_int_equal(kmod_module_get_filtered_blacklist(ctx, in, &out), 0);
#pragma GCC diagnostic pop
	assert_string_equal(names(out, buf, sizeof(buf)), "a");
	kmod_module_unref_list(out);
	kmod_module_unref_list(in);
	in = NULL;
	assert_int_equal(kmod_module_new_from_lookup(ctx, "e", &in), 0);
	assert_int_equal(kmod_module_apply_filter(ctx, KMOD_FILTER_BUILTIN, in, &out), 0);
	assert_null(out);
	assert_int_equal(kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, NULL, &out), 0);
	assert_null(out);
	kmod_module_unref_list(in);
	kmod_module_unref(a);
	kmod_module_unref(c);
	kmod_module_unref(d);
	kmod_module_unref(e);
	kmod_unref(ctx);
}

/* ---- probe ---------------------------------------------------------------------------------- */

static char actions[1024];

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	size_t n = strlen(actions);

	snprintf(actions + n, sizeof(actions) - n, "%s%s%s[%s]", n ? " " : "",
		 install ? "install:" : "", kmod_module_get_name(m), options);
}

static int run_install(struct kmod_module *m, const char *cmdline, void *data)
{
	call("run %s %s (%s)", kmod_module_get_name(m), cmdline, (const char *)data);
	return *(const char *)data == '!' ? -EPERM : 0;
}

static int probe(struct kmod_ctx *ctx, const char *name, unsigned int flags, const char *extra)
{
	struct kmod_list *list = NULL;
	int err;

	actions[0] = calls[0] = '\0';
	assert_int_equal(kmod_module_new_from_lookup(ctx, name, &list), 0);
	assert_non_null(list);
	err = kmod_module_probe_insert_module(mod_of(list), flags, extra, run_install, "cb",
					      print_action);
	kmod_module_unref_list(list);
	return err;
}

static void test_probe(void **state)
{
	struct kmod_ctx *ctx = new_ctx();
	unsigned int dry = KMOD_PROBE_DRY_RUN;

	/* deps deepest first, softdep pre (an install command), the module, softdep post
	 * (c again: reached through an alias it is another object) */
	assert_int_equal(probe(ctx, "a", dry, "z=9"), 0);
	assert_string_equal(actions, "c[] b[] install:d[] a[x=1 z=9] c[]");
	assert_string_equal(calls, "");
	assert_int_equal(probe(ctx, "a", dry | KMOD_PROBE_IGNORE_COMMAND, NULL), 0);
	assert_string_equal(actions, "c[] b[] a[x=1 ]");
	/* the blacklist: the module asked for, as the flag that stopped it */
	assert_int_equal(probe(ctx, "b", dry | KMOD_PROBE_APPLY_BLACKLIST, NULL),
			 KMOD_PROBE_APPLY_BLACKLIST);
	assert_int_equal(probe(ctx, "b", dry | KMOD_PROBE_APPLY_BLACKLIST_ALL, NULL),
			 KMOD_PROBE_APPLY_BLACKLIST_ALL);
	assert_int_equal(probe(ctx, "b", dry | KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY, NULL), 0);
	assert_string_equal(actions, "c[] b[]");
	assert_int_equal(probe(ctx, "pci:v1234d9999", dry | KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY,
			       NULL), 0);	/* a: the first of the list */
	{
		/* b found by an alias: stopped by ALIAS_ONLY, loaded without a blacklist flag */
		struct kmod_list *list = NULL;
		struct kmod_module *b;

		assert_int_equal(kmod_module_new_from_lookup(ctx, "pci:v1234d9999", &list), 0);
		b = mod_of(kmod_list_next(list, list));
		assert_string_equal(kmod_module_get_name(b), "b");
		assert_int_equal(kmod_module_probe_insert_module(b, dry |
				 KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY, NULL, NULL, NULL,
				 print_action), KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY);
		actions[0] = '\0';
		assert_int_equal(kmod_module_probe_insert_module(b, dry, NULL, NULL, NULL,
								 print_action), 0);
		assert_string_equal(actions, "c[] b[]");
		kmod_module_unref_list(list);
	}
	/* ALL leaves out a blacklisted dependency */
	assert_int_equal(probe(ctx, "a", dry | KMOD_PROBE_APPLY_BLACKLIST_ALL, NULL), 0);
	assert_string_equal(actions, "c[] install:d[] a[x=1 ] c[]");
	/* for real: the fake kernel's finit_module, the callback for the command */
	assert_int_equal(probe(ctx, "a", KMOD_PROBE_FORCE_VERMAGIC, "z=9"), 0);
	assert_string_equal(calls, "insmod c.ko [] 2; insmod b.ko [] 2; "
			    "run d echo installing-d  (cb); insmod a.ko [x=1 z=9] 2; "
			    "insmod c.ko [] 2");
	assert_int_equal(probe(ctx, "myalias", 0, "q=1"), 0);
	assert_string_equal(calls, "run d echo installing-d y=2 q=1 (cb)");
	actions[0] = calls[0] = '\0';
	{
		struct kmod_module *d;

		assert_int_equal(kmod_module_new_from_name(ctx, "d", &d), 0);
		assert_int_equal(kmod_module_probe_insert_module(d, 0, NULL, run_install, "!",
								 print_action), -EPERM);
		assert_int_equal(kmod_module_insert_module(d, KMOD_INSERT_FORCE_MODVERSION, "p=1"),
				 0);
		assert_int_equal(kmod_module_remove_module(d, KMOD_REMOVE_FORCE), 0);
		kmod_module_unref(d);
	}
	assert_string_equal(calls, "run d echo installing-d  (!); insmod d.ko [p=1] 1; "
			    "rmmod d a00");	/* O_TRUNC | O_NONBLOCK */
	assert_int_equal(kmod_module_probe_insert_module(NULL, 0, NULL, NULL, NULL, NULL), -ENOENT);
	kmod_unref(ctx);
}

/* ---- the running kernel (faked in a mount namespace) -------------------------------------------- */

static void sys_file(const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;

	snprintf(path, sizeof(path), "/sys/module/%s", rel);
	for (slash = strchr(path + 12, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (text)
		write_file(path, text, strlen(text));
	else
		mkdir(path, 0755);
}

static void test_kernel_state(void **state)
{
	struct kmod_ctx *ctx;
	struct kmod_module *a, *d, *snd;
	struct kmod_list *list = NULL;
	char buf[256];

	if (!fake_sysfs)
		skip();
	ctx = new_ctx();
	sys_file("a/initstate", "live\n");
	sys_file("a/refcnt", "3\n");
	sys_file("a/coresize", "16384\n");
	sys_file("a/holders/b", NULL);
	sys_file("a/sections/.text", "0xffffffffc0a00000\n");
	if (fake_proc)	/* a directory only, not in /proc/modules: built into the running kernel */
		sys_file("d/parameters", NULL);
	assert_int_equal(kmod_module_new_from_name(ctx, "a", &a), 0);
	assert_int_equal(kmod_module_new_from_name(ctx, "d", &d), 0);
	assert_int_equal(kmod_module_new_from_name(ctx, "snd_x", &snd), 0);
	assert_int_equal(kmod_module_get_initstate(a), KMOD_MODULE_LIVE);
	assert_string_equal(kmod_module_initstate_str(KMOD_MODULE_LIVE), "live");
	assert_int_equal(kmod_module_get_initstate(snd), -ENOENT);
	/* kmod says "coming" here: see tests/kmod-differences.md */
	if (fake_proc)
		assert_int_equal(kmod_module_get_initstate(d), KMOD_MODULE_BUILTIN);
	assert_int_equal(kmod_module_get_refcnt(a), 3);
	assert_int_equal(kmod_module_get_refcnt(snd), -ENOENT);
	assert_int_equal(kmod_module_get_size(a), 16384);
	assert_true(kmod_module_get_size(snd) < 0);
	list = kmod_module_get_holders(a);
	assert_string_equal(names(list, buf, sizeof(buf)), "b");
	kmod_module_unref_list(list);
	list = kmod_module_get_sections(a);
	assert_non_null(list);
	assert_string_equal(kmod_module_section_get_name(list), ".text");
	assert_true(kmod_module_section_get_address(list) == 0xffffffffc0a00000ul);
	kmod_module_section_free_list(list);
	list = NULL;
	if (fake_proc) {
		assert_int_equal(kmod_module_new_from_loaded(ctx, &list), 0);
		assert_string_equal(names(list, buf, sizeof(buf)), "a");
		assert_ptr_equal(mod_of(list), a);
		kmod_module_unref_list(list);
	}
	/* loaded: nothing to do, or -EEXIST when asked to fail */
	assert_int_equal(probe(ctx, "a", KMOD_PROBE_DRY_RUN, NULL), 0);
	assert_string_equal(actions, "");
	assert_int_equal(probe(ctx, "a", KMOD_PROBE_DRY_RUN | KMOD_PROBE_FAIL_ON_LOADED, NULL),
			 -EEXIST);
	kmod_module_unref(a);
	kmod_module_unref(d);
	kmod_module_unref(snd);
	kmod_unref(ctx);
}

/* ---- resources, logging, the rest of the context ---------------------------------------------- */

static void test_resources(void **state)
{
	struct kmod_ctx *ctx = new_ctx(), *bare;
	struct timespec later[2] = { { 0, UTIME_OMIT }, { 2000000000, 0 } };
	char path[PATH_MAX];

	assert_int_equal(kmod_load_resources(ctx), 0);
	assert_int_equal(kmod_validate_resources(ctx), KMOD_RESOURCES_OK);
	snprintf(path, sizeof(path), "%s/modules.alias.bin", tree);
	assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
	assert_int_equal(kmod_validate_resources(ctx), KMOD_RESOURCES_MUST_RELOAD);
	kmod_unload_resources(ctx);
	assert_int_equal(kmod_load_resources(ctx), 0);
	assert_int_equal(kmod_validate_resources(ctx), KMOD_RESOURCES_OK);
	assert_int_equal(utimensat(AT_FDCWD, conf, later, 0), 0);
	assert_int_equal(kmod_validate_resources(ctx), KMOD_RESOURCES_MUST_RECREATE);
	kmod_unref(ctx);
	assert_int_equal(kmod_validate_resources(NULL), KMOD_RESOURCES_MUST_RECREATE);
	/* a tree without indexes */
	bare = kmod_new(conf, (const char *const[]){ NULL });
	assert_int_equal(kmod_load_resources(bare), -ENOENT);
	kmod_unref(bare);
}

struct logged {
	int count, priority, line;
	char text[256];
	bool fn_given, file_given;
};

static void log_fn(void *data, int priority, const char *file, int line, const char *fn,
		   const char *format, va_list args)
{
	struct logged *lg = data;

	lg->count++;
	lg->priority = priority;
	lg->fn_given = fn != NULL;
	lg->file_given = file != NULL;
	vsnprintf(lg->text, sizeof(lg->text), format, args);
}

static void test_log_and_context(void **state)
{
	struct logged lg = { 0 };
	struct kmod_list *nonempty = (struct kmod_list *)&lg;
	struct kmod_ctx *ctx;
	char cwd[PATH_MAX], want[PATH_MAX + 8];
	int fds[2];
	char dump[4096] = "";
	ssize_t n;

	unsetenv("KMOD_LOG");
	ctx = new_ctx();
	assert_int_equal(kmod_get_log_priority(ctx), LOG_ERR);
	kmod_set_log_fn(ctx, log_fn, &lg);
	assert_int_equal(kmod_module_new_from_lookup(ctx, "a", &nonempty), -ENOSYS);
	assert_int_equal(lg.count, 1);
	assert_int_equal(lg.priority, LOG_ERR);
	assert_true(lg.fn_given && lg.file_given);
	assert_non_null(strstr(lg.text, "empty list"));
	kmod_set_log_priority(ctx, LOG_DEBUG);
	assert_int_equal(kmod_get_log_priority(ctx), LOG_DEBUG);
	kmod_set_log_priority(ctx, LOG_CRIT);
	assert_int_equal(kmod_module_new_from_lookup(ctx, "a", &nonempty), -ENOSYS);
	assert_int_equal(lg.count, 1);
	assert_null(kmod_get_userdata(ctx));
	kmod_set_userdata(ctx, &lg);
	assert_ptr_equal(kmod_get_userdata(ctx), &lg);
	assert_string_equal(kmod_get_dirname(ctx), tree);
	/* an index as text */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(kmod_dump_index(ctx, KMOD_INDEX_MODULES_DEP, fds[1]), 0);
	assert_int_equal(kmod_dump_index(ctx, KMOD_INDEX_MODULES_ALIAS, fds[1]), 0);
	close(fds[1]);
	n = read(fds[0], dump, sizeof(dump) - 1);
	close(fds[0]);
	assert_true(n > 0);
	assert_non_null(strstr(dump, "a kernel/a.ko: kernel/b.ko kernel/c.ko\n"));
	assert_non_null(strstr(dump, "alias pci:v1234d9999 b\n"));
	kmod_unref(ctx);

	setenv("KMOD_LOG", "debug", 1);
	ctx = new_ctx();
	assert_int_equal(kmod_get_log_priority(ctx), LOG_DEBUG);
	kmod_unref(ctx);
	setenv("KMOD_LOG", "4", 1);
	ctx = new_ctx();
	assert_int_equal(kmod_get_log_priority(ctx), 4);
	kmod_unref(ctx);
	unsetenv("KMOD_LOG");
	/* a relative directory is made absolute */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(root), 0);
	ctx = kmod_new("tree", (const char *const[]){ NULL });
	snprintf(want, sizeof(want), "%s/tree", root);
	assert_string_equal(kmod_get_dirname(ctx), want);
	kmod_unref(ctx);
	assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_from_path),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_relations),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_kernel_state),
		cmocka_unit_test(test_resources),
		cmocka_unit_test(test_log_and_context),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
