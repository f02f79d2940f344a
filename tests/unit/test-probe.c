// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Carrying out plans and removals (probe.c) against a kernel faked here: the
 * test defines syscall(), which the library's kernel.c calls for
 * finit_module, and libc's delete_module(), and keeps the loaded modules in a table
 * that it lays out as /proc/modules and /sys/module under the context's
 * sysroot.  The tree is small and made here: modules.dep written with the
 * index writer, empty module files, configuration from text.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/write.h"
#include "base/internal.h"
#include "test-util.h"

static char root[PATH_MAX];	/* tree/, conf/, sys/ and proc/ below */

/* ---- the fake kernel -------------------------------------------------------- */

struct loaded {
	char name[32];
	char uses[64];	/* the modules it holds a reference on, ",a,b," */
	int busy;	/* references from elsewhere (a process) */
};

static struct {
	struct loaded mods[16];
	int count;
	char calls[1024];	/* the module syscalls, "; "-separated */
	const char *eexist;	/* finit_module says EEXIST for it though it is not loaded */
	const char *fail;	/* finit_module fails for it with ENOEXEC */
} k;

/* @buf (PATH_MAX) = root/ + the formatted path. */
__attribute__((format(printf, 2, 3))) static void path_of(char *buf, const char *fmt, ...)
{
	int n = snprintf(buf, PATH_MAX, "%s/", root);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, PATH_MAX - n, fmt, ap);
	va_end(ap);
}

static void write_text(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static bool holds(const struct loaded *m, const char *name)
{
	char key[40];

	snprintf(key, sizeof(key), ",%s,", name);
	return strstr(m->uses, key) != NULL;
}

/* /proc/modules and /sys/module/NAME/{initstate,refcnt} from the table. */
static void publish(void)
{
	char path[PATH_MAX], line[256];
	FILE *proc;

	path_of(path, "sys");
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(path, 0755);
	path_of(path, "sys/module");
	mkdir(path, 0755);
	path_of(path, "proc/modules");
	proc = fopen(path, "w");
	assert_non_null(proc);
	for (int i = 0; i < k.count; i++) {
		const char *name = k.mods[i].name;
		int refs = k.mods[i].busy;
		char holders[128] = "";

		for (int j = 0; j < k.count; j++) {
			if (!holds(&k.mods[j], name))
				continue;
			refs++;
			strcat(strcat(holders, k.mods[j].name), ",");
		}
		fprintf(proc, "%s 16384 %d %s Live 0x0\n", name, refs, *holders ? holders : "-");
		path_of(path, "sys/module/%s", name);
		mkdir(path, 0755);
		strcat(path, "/initstate");
		write_text(path, "live\n");
		snprintf(line, sizeof(line), "%d\n", refs);
		path_of(path, "sys/module/%s/refcnt", name);
		write_text(path, line);
	}
	fclose(proc);
}

static int find_loaded(const char *name)
{
	for (int i = 0; i < k.count; i++)
		if (mt_streq(k.mods[i].name, name))
			return i;
	return -1;
}

/* Load @name holding the modules in @uses ("a,b"). */
static void load(const char *name, const char *uses)
{
	struct loaded *m = &k.mods[k.count++];

	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->uses, sizeof(m->uses), ",%s,", uses);
	publish();
}

__attribute__((format(printf, 1, 2))) static void call(const char *fmt, ...)
{
	size_t n = strlen(k.calls);
	va_list ap;

	if (n + 3 >= sizeof(k.calls))
		return;
	if (n)
		n += snprintf(k.calls + n, sizeof(k.calls) - n, "; ");
	va_start(ap, fmt);
	vsnprintf(k.calls + n, sizeof(k.calls) - n, fmt, ap);
	va_end(ap);
}

static long fake_finit(int fd, const char *params, long flags)
{
	char link[64], path[PATH_MAX], *base;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	path[n < 0 ? 0 : n] = '\0';
	base = strrchr(path, '/') + 1;
	*strstr(base, ".ko") = '\0';
	for (char *c = base; *c; c++)
		*c = *c == '-' ? '_' : *c;
	call("insmod %s [%s] %ld", base, params, flags);
	if (find_loaded(base) >= 0 || (k.eexist && mt_streq(base, k.eexist)))
		return errno = EEXIST, -1;
	if (k.fail && mt_streq(base, k.fail))
		return errno = ENOEXEC, -1;
	load(base, "");
	return 0;
}

static long fake_delete(const char *name, long flags)
{
	int i = find_loaded(name);

	call("rmmod %s%s", name, flags & O_TRUNC ? " force" : "");
	if (i < 0)
		return errno = ENOENT, -1;
	for (int j = 0; j < k.count; j++)
		if (holds(&k.mods[j], name))
			return errno = EWOULDBLOCK, -1;
	if (k.mods[i].busy)
		return errno = EWOULDBLOCK, -1;
	k.mods[i] = k.mods[--k.count];
	publish();
	return 0;
}

/* kernel.c's module syscalls land here; nothing else of the library calls syscall(). */
long syscall(long nr, ...)
{
	long a[3];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 3; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_finit_module)
		return fake_finit((int)a[0], (const char *)a[1], a[2]);
	errno = ENOSYS;
	return -1;
}

/* libc's wrapper, which kernel.c calls (as kmod's testsuite traps it) */
int delete_module(const char *name, unsigned int flags);
int delete_module(const char *name, unsigned int flags)
{
	return (int)fake_delete(name, flags);
}

/* ---- the tree and the context ------------------------------------------------------ */

static const char *const dep_lines[] = {
	"kernel/top.ko: kernel/mid.ko kernel/low-er.ko",
	"kernel/mid.ko: kernel/low-er.ko",
	"kernel/low-er.ko:",
	"kernel/pre.ko:",
	"kernel/post.ko:",
	"kernel/bl.ko:",
	"kernel/usesbl.ko: kernel/bl.ko",
	"kernel/cmd.ko:",
	NULL,
};

/* @name in the tree: an index, its keys each with @value or its modules.dep line. */
static void put_index(const char *name, const char *const *keys, const char *value)
{
	struct mt_index_builder *b;
	char path[PATH_MAX];
	uint8_t *buf;
	size_t size;

	assert_int_equal(mt_index_builder_new(&b), 0);
	for (size_t i = 0; keys[i]; i++) {
		/* a modules.dep line is keyed by its module's name */
		size_t len = strcspn(keys[i], ":");
		const char *base = memrchr(keys[i], '/', len);
		char key[32];

		base = base ? base + 1 : keys[i];
		len = strcspn(base, ".");
		assert_true(len < sizeof(key));
		memcpy(key, base, len);
		key[len] = '\0';
		mt_modname_normalize(key, key, sizeof(key));
		assert_int_equal(mt_index_builder_add(b, key, value ? value : keys[i], 0), 0);
	}
	assert_int_equal(mt_index_builder_write(b, &buf, &size), 0);
	mt_index_builder_free(b);
	path_of(path, "tree/%s", name);
	write_file(path, buf, size);
	free(buf);
}

static int setup_tree(void **state)
{
	static const char *const builtin[] = { "inside", NULL };
	char path[PATH_MAX];

	snprintf(root, sizeof(root), "%s/test-probe-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	assert_non_null(mkdtemp(root));
	for (const char *const *d = (const char *const[]){ "tree", "tree/kernel", "conf", "proc",
							   NULL }; *d; d++) {
		path_of(path, "%s", *d);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	put_index("modules.dep.bin", dep_lines, NULL);
	put_index("modules.builtin.bin", builtin, "");
	for (size_t i = 0; dep_lines[i]; i++) {
		char file[PATH_MAX];

		snprintf(file, sizeof(file), "tree/%.*s", (int)strcspn(dep_lines[i], ":"),
			 dep_lines[i]);
		path_of(path, "%s", file);
		write_text(path, "");
	}
	return 0;
}

static int teardown_tree(void **state)
{
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

struct test {
	struct modtool_ctx *ctx;
	struct log_capture log;
	char events[1024];	/* what the library told, "; "-separated */
	int refuse_kind;	/* the callback refuses events of this kind ... */
	int refuse_err;		/* ... with this error (0: never) */
};

static const char default_conf[] =
	"softdep mid pre: pre\n"
	"softdep top post: post\n"
	"options low-er x=1\n"
	"blacklist bl\n";

/* A context on the tree with @conf (and the commands, which write to out). */
static void make_ctx(struct test *t, const char *conf)
{
	const char *paths[2] = { NULL, NULL };
	char path[PATH_MAX], *text;

	path_of(path, "tree");
	assert_int_equal(modtool_ctx_new(path, &t->ctx), 0);
	modtool_ctx_set_log_fn(t->ctx, capture_log, &t->log);
	modtool_ctx_set_log_priority(t->ctx, LOG_ERR);
	assert_int_equal(modtool_ctx_set_sysroot(t->ctx, root), 0);
	assert_true(asprintf(&text, "%sinstall cmd echo \"[$CMDLINE_OPTS] $MODPROBE_MODULE "
			     "<$CMDLINE_OPTS>\" > %s/out\n"
			     "remove cmd echo \"removed [$CMDLINE_OPTS]\" > %s/out\n"
			     "options cmd z=0\n", conf, root, root) > 0);
	path_of(path, "conf/t.conf");
	write_text(path, text);
	free(text);
	path_of(path, "conf");
	paths[0] = path;
	assert_int_equal(modtool_ctx_load_config(t->ctx, paths, ""), 0);
}

/* The test's context again, with @conf instead. */
static void reconfigure(struct test *t, const char *conf)
{
	modtool_ctx_free(t->ctx);
	make_ctx(t, conf);
}

static int setup(void **state)
{
	struct test *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	memset(&k, 0, sizeof(k));
	publish();
	make_ctx(t, default_conf);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct test *t = *state;
	char path[PATH_MAX];

	modtool_ctx_free(t->ctx);
	free(t);
	path_of(path, "out");
	unlink(path);
	return 0;
}

/* ---- what the library tells -------------------------------------------------------- */

static int record(void *data, const struct modtool_probe_event *ev)
{
	static const char *const words[] = {
		[MODTOOL_PROBE_INSERT] = "insmod", [MODTOOL_PROBE_INSTALL] = "install",
		[MODTOOL_PROBE_BUILTIN] = "builtin", [MODTOOL_PROBE_NONE] = "none",
		[MODTOOL_PROBE_RUN_INSTALL] = "run", [MODTOOL_PROBE_RUN_REMOVE] = "run",
		[MODTOOL_PROBE_REMOVE] = "rmmod", [MODTOOL_PROBE_BLACKLISTED] = "blacklisted",
		[MODTOOL_PROBE_NOT_LOADED] = "not-loaded", [MODTOOL_PROBE_IS_BUILTIN] = "is-builtin",
		[MODTOOL_PROBE_IN_USE] = "in-use", [MODTOOL_PROBE_NO_SHELL] = "no-shell",
	};
	struct test *t = data;
	size_t n = strlen(t->events);
	const char *what = ev->command ? ev->command : ev->name;

	snprintf(t->events + n, sizeof(t->events) - n, "%s%s %s", n ? "; " : "", words[ev->kind],
		 what);
	n = strlen(t->events);
	if (ev->options)
		snprintf(t->events + n, sizeof(t->events) - n, " [%s]", ev->options);
	else if (ev->target)
		snprintf(t->events + n, sizeof(t->events) - n, " for %s", ev->target);
	if (ev->kind == MODTOOL_PROBE_INSERT)
		assert_non_null(strstr(ev->path, "/tree/kernel/"));
	return t->refuse_err && ev->kind == t->refuse_kind ? t->refuse_err : 0;
}

static struct modtool_list *lookup(struct test *t, const char *name)
{
	struct modtool_list *list;

	assert_int_equal(modtool_module_lookup(t->ctx, name, 0, &list), 1);
	return list;
}

static int probe(struct test *t, const char *name, const char *opts, unsigned int flags)
{
	struct modtool_list *list = lookup(t, name);
	int err = modtool_probe_insert(list, 0, opts, flags, record, t);

	modtool_list_free(list);
	return err;
}

static int unload(struct test *t, const char *name, unsigned int flags, unsigned long wait)
{
	struct modtool_list *list = lookup(t, name);
	int err = modtool_probe_remove(modtool_list_get(list, 0), flags, wait, record, t);

	modtool_list_free(list);
	return err;
}

static char *read_out(void)
{
	static char text[256];
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	path_of(path, "out");
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* ---- loading ---------------------------------------------------------------------- */

/* Dependencies deepest first, each with its softdeps; the target's post: after it. */
static void load_order(void **state)
{
	struct test *t = *state;

	assert_int_equal(probe(t, "top", "y=2", 0), 0);
	assert_string_equal(t->events, "insmod low_er [x=1 ]; insmod pre []; insmod mid []; "
			    "insmod top [y=2]; insmod post []");
	assert_string_equal(k.calls, "insmod low_er [x=1 ] 0; insmod pre [] 0; insmod mid [] 0; "
			    "insmod top [y=2] 0; insmod post [] 0");
	assert_int_equal(k.count, 5);
}

/* What is loaded is skipped without a word; a loaded target is no plan at all. */
static void loaded_skipped(void **state)
{
	struct test *t = *state;

	load("pre", "");
	load("mid", "");
	assert_int_equal(probe(t, "top", NULL, MODTOOL_PROBE_FORCE_VERMAGIC), 0);
	assert_string_equal(t->events, "insmod low_er [x=1 ]; insmod top []; insmod post []");
	/* forced: finit_module's MODULE_INIT_IGNORE_VERMAGIC */
	assert_string_equal(k.calls, "insmod low_er [x=1 ] 2; insmod top [] 2; insmod post [] 2");
	*t->events = *k.calls = '\0';
	assert_int_equal(probe(t, "top", NULL, 0), 0);
	assert_int_equal(probe(t, "top", NULL, MODTOOL_PROBE_FIRST_TIME), -EEXIST);
	assert_int_equal(probe(t, "inside", NULL, MODTOOL_PROBE_FIRST_TIME), -EEXIST);
	assert_string_equal(t->events, "");
	assert_string_equal(k.calls, "");
}

/* EEXIST from the kernel: ignored, but for the target with --first-time. */
static void first_time_rules(void **state)
{
	struct test *t = *state;
	struct modtool_list *list = lookup(t, "top");
	struct modtool_plan *plan;

	assert_int_equal(modtool_plan_new(list, 0, NULL, 0, &plan), 0);
	k.eexist = "mid";
	assert_int_equal(modtool_plan_run(plan, MODTOOL_PROBE_FIRST_TIME, record, t), 0);
	assert_int_equal(k.count, 4);
	/* the target loaded meanwhile: the plan stops there, its post: is not loaded */
	k.eexist = NULL;
	k.count = 0;
	load("top", "");
	*t->events = *k.calls = '\0';
	assert_int_equal(modtool_plan_run(plan, MODTOOL_PROBE_FIRST_TIME, record, t), -EEXIST);
	assert_string_equal(k.calls, "insmod low_er [x=1 ] 0; insmod pre [] 0; insmod mid [] 0");
	assert_int_equal(find_loaded("post"), -1);
	/* without --first-time it goes on; a kernel's EEXIST for the target too */
	k.count = 0;
	publish();
	k.eexist = "top";
	*k.calls = '\0';
	assert_int_equal(modtool_plan_run(plan, 0, record, t), 0);
	assert_int_equal(find_loaded("post") >= 0, 1);
	k.count = 0;
	publish();
	assert_int_equal(modtool_plan_run(plan, MODTOOL_PROBE_FIRST_TIME, record, t), -EEXIST);
	modtool_plan_free(plan);
	modtool_list_free(list);
}

/* The first failure ends the plan; what was loaded before it stays. */
static void failure_stops(void **state)
{
	struct test *t = *state;

	k.fail = "mid";
	assert_int_equal(probe(t, "top", NULL, 0), -ENOEXEC);
	assert_string_equal(k.calls, "insmod low_er [x=1 ] 0; insmod pre [] 0; insmod mid [] 0");
	assert_int_equal(k.count, 2);
	/* refused by the caller: not carried out, and the error is the caller's */
	t->refuse_kind = MODTOOL_PROBE_INSERT;
	t->refuse_err = -EACCES;
	*k.calls = '\0';
	assert_int_equal(probe(t, "post", NULL, 0), -EACCES);
	assert_string_equal(k.calls, "");
}

/*
 * kmod 30's rule: the failure of a soft dependency, or of what only a soft
 * dependency needs, is passed over; the target's and its dependencies' stop
 * the load, even where a softdep names one of them.
 */
static void softdep_failure_passed_over(void **state)
{
	struct test *t = *state;
	const char *all = "insmod low_er [x=1 ] 0; insmod pre [] 0; insmod mid [] 0; "
			  "insmod top [] 0; insmod post [] 0";

	k.fail = "pre";		/* mid's softdep pre: */
	assert_int_equal(probe(t, "top", NULL, 0), 0);
	assert_string_equal(k.calls, all);
	assert_int_equal(k.count, 4);

	memset(&k, 0, sizeof(k));
	publish();
	k.fail = "post";	/* top's softdep post: */
	assert_int_equal(probe(t, "top", NULL, 0), 0);
	assert_string_equal(k.calls, all);

	/* a dependency of a soft dependency only */
	memset(&k, 0, sizeof(k));
	publish();
	reconfigure(t, "softdep post pre: usesbl\n");
	k.fail = "bl";
	assert_int_equal(probe(t, "post", NULL, 0), 0);
	assert_string_equal(k.calls, "insmod bl [] 0; insmod usesbl [] 0; insmod post [] 0");

	/* a softdep that is also a dependency of the target is required */
	memset(&k, 0, sizeof(k));
	publish();
	reconfigure(t, "softdep top pre: low-er\n");
	k.fail = "low_er";
	assert_int_equal(probe(t, "top", NULL, 0), -ENOEXEC);
	assert_string_equal(k.calls, "insmod low_er [] 0");

	/* and the target's own failure is the load's */
	memset(&k, 0, sizeof(k));
	publish();
	k.fail = "top";
	assert_int_equal(probe(t, "top", NULL, 0), -ENOEXEC);
}

/* A plan says which steps are required. */
static void plan_required(void **state)
{
	struct test *t = *state;
	struct modtool_list *list;
	struct modtool_plan *plan;
	char got[256] = "";

	assert_true(modtool_module_lookup(t->ctx, "top", 0, &list) > 0);
	assert_int_equal(modtool_plan_new(list, 0, NULL, 0, &plan), 0);
	for (size_t i = 0; i < modtool_plan_count(plan); i++) {
		strcat(got, modtool_module_get_name(modtool_plan_get_module(plan, i)));
		strcat(got, modtool_plan_step_is_required(plan, i) ? "+ " : "- ");
	}
	assert_string_equal(got, "low_er+ pre- mid+ top+ post- ");
	assert_false(modtool_plan_step_is_required(plan, modtool_plan_count(plan)));
	assert_false(modtool_plan_step_is_required(NULL, 0));
	modtool_plan_free(plan);
	modtool_list_free(list);
}

/* A dry run tells every step and makes no call; -D's ignores what is loaded. */
static void dry_run(void **state)
{
	struct test *t = *state;
	const char *all = "insmod low_er [x=1 ]; insmod pre []; insmod mid []; insmod top []; "
			  "insmod post []";

	load("mid", "");
	assert_int_equal(probe(t, "top", NULL, MODTOOL_PROBE_DRY_RUN), 0);
	assert_string_equal(t->events, "insmod low_er [x=1 ]; insmod pre []; insmod top []; "
			    "insmod post []");
	*t->events = '\0';
	load("top", "");
	assert_int_equal(probe(t, "top", NULL,
			       MODTOOL_PROBE_DRY_RUN | MODTOOL_PROBE_IGNORE_LOADED), 0);
	assert_string_equal(t->events, all);
	*t->events = '\0';
	assert_int_equal(probe(t, "inside", NULL,
			       MODTOOL_PROBE_DRY_RUN | MODTOOL_PROBE_IGNORE_LOADED), 0);
	assert_string_equal(t->events, "builtin inside");
	assert_string_equal(k.calls, "");
}

/* A dependency the blacklist names is loaded all the same, and said so. */
static void blacklisted_dependency(void **state)
{
	struct test *t = *state;

	/* asked for by name, the blacklist does not stop it; -b does */
	assert_int_equal(probe(t, "bl", NULL, MODTOOL_PROBE_BLACKLIST), 0);
	assert_string_equal(t->events, "");
	assert_int_equal(probe(t, "usesbl", NULL, 0), 0);
	assert_string_equal(t->events, "blacklisted bl for usesbl; insmod bl []; insmod usesbl []");
}

/* $CMDLINE_OPTS and MODPROBE_MODULE in the install command, which the shell runs. */
static void install_command(void **state)
{
	struct test *t = *state;
	char expect[3 * PATH_MAX];

	setenv("MODPROBE_MODULE", "outer", 1);
	assert_int_equal(probe(t, "cmd", "a=1 b=2", 0), 0);
	assert_string_equal(read_out(), "[z=0 a=1 b=2] cmd <z=0 a=1 b=2>\n");
	assert_string_equal(getenv("MODPROBE_MODULE"), "outer");
	unsetenv("MODPROBE_MODULE");
	snprintf(expect, sizeof(expect), "install echo \"[$CMDLINE_OPTS] $MODPROBE_MODULE "
		 "<$CMDLINE_OPTS>\" > %s/out [z=0 a=1 b=2]; run echo \"[z=0 a=1 b=2] "
		 "$MODPROBE_MODULE <z=0 a=1 b=2>\" > %s/out", root, root);
	assert_string_equal(t->events, expect);
	assert_string_equal(k.calls, "");
	/* -i: the module's own file instead */
	assert_int_equal(probe(t, "cmd", NULL, MODTOOL_PROBE_IGNORE_COMMANDS), 0);
	assert_string_equal(k.calls, "insmod cmd [z=0 ] 0");
}

/* Commands refused: by the flag, by the callback; not run in a dry run. */
static void install_command_refused(void **state)
{
	struct test *t = *state;

	assert_int_equal(probe(t, "cmd", NULL, MODTOOL_PROBE_NO_COMMANDS), -EPERM);
	assert_null(read_out());
	assert_int_equal(probe(t, "cmd", NULL, MODTOOL_PROBE_DRY_RUN | MODTOOL_PROBE_NO_COMMANDS), 0);
	assert_int_equal(probe(t, "cmd", NULL, MODTOOL_PROBE_DRY_RUN), 0);
	assert_null(read_out());
	t->refuse_kind = MODTOOL_PROBE_RUN_INSTALL;
	t->refuse_err = -EACCES;
	assert_int_equal(probe(t, "cmd", NULL, 0), -EACCES);
	assert_null(read_out());
}

/* A command that fails is EINVAL, as kmod 30 reports it. */
static void install_command_fails(void **state)
{
	struct test *t = *state;

	reconfigure(t, "install top exit 3\n");
	assert_int_equal(probe(t, "top", NULL, 0), -EINVAL);
	/* its dependencies were loaded before it */
	assert_string_equal(k.calls, "insmod low_er [] 0; insmod mid [] 0");
}

/* ---- removing ---------------------------------------------------------------------- */

static void load_top_and_all(void)
{
	load("low_er", "");
	load("mid", "low_er");
	load("top", "mid,low_er");
	load("pre", "");
	load("post", "");
}

/*
 * Post softdeps, the module, its unused dependencies, pre softdeps.  The
 * dependencies are taken in load order, as kmod 30 does: low_er, still held
 * by mid when its turn comes, stays.
 */
static void remove_order(void **state)
{
	struct test *t = *state;

	reconfigure(t, "softdep top pre: pre post: post\n");
	load_top_and_all();
	assert_int_equal(unload(t, "top", 0, 0), 0);
	assert_string_equal(t->events, "rmmod post; rmmod top; rmmod mid; rmmod pre");
	assert_string_equal(k.calls, "rmmod post; rmmod top; rmmod mid; rmmod pre");
	assert_int_equal(k.count, 1);
}

/* In use: the post softdeps go first all the same (kmod's order), then it stops. */
static void remove_in_use(void **state)
{
	struct test *t = *state;

	load_top_and_all();
	k.mods[find_loaded("top")].busy = 1;
	publish();
	assert_int_equal(unload(t, "top", MODTOOL_PROBE_FORCE_REMOVE, 0), -EBUSY);
	assert_string_equal(t->events, "rmmod post; in-use top");
	assert_string_equal(k.calls, "rmmod post force");
	/* with a wait, the kernel is asked until the time is up */
	*t->events = *k.calls = '\0';
	assert_int_equal(unload(t, "top", 0, 20), -EAGAIN);
	assert_string_equal(t->events, "rmmod top");
	assert_true(strlen(k.calls) > strlen("rmmod top; rmmod top; rmmod top"));
	assert_non_null(strstr(t->log.text, "could not remove 'top': "));
}

/* Not loaded: nothing to do, or -ENOENT with --first-time; built in: -ENOENT. */
static void remove_not_there(void **state)
{
	struct test *t = *state;

	assert_int_equal(unload(t, "pre", 0, 0), 0);
	assert_int_equal(unload(t, "pre", MODTOOL_PROBE_FIRST_TIME, 0), -ENOENT);
	assert_int_equal(unload(t, "inside", 0, 0), -ENOENT);
	assert_int_equal(unload(t, "inside", MODTOOL_PROBE_IGNORE_BUILTIN, 0), 0);
	assert_string_equal(t->events, "not-loaded pre; is-builtin inside");
	assert_string_equal(k.calls, "");
}

/* --remove-holders: the holders first, the last listed first. */
static void remove_holders(void **state)
{
	struct test *t = *state;

	reconfigure(t, "");
	load("low_er", "");
	load("pre", "low_er");
	load("post", "low_er");
	assert_int_equal(unload(t, "low_er", MODTOOL_PROBE_REMOVE_HOLDERS, 0), 0);
	assert_string_equal(t->events, "rmmod post; rmmod pre; rmmod low_er");
	assert_string_equal(k.calls, "rmmod post; rmmod pre; rmmod low_er");
	/* without, it is in use */
	load("low_er", "");
	load("pre", "low_er");
	*t->events = '\0';
	assert_int_equal(unload(t, "low_er", 0, 0), -EBUSY);
	assert_string_equal(t->events, "in-use low_er");
}

/* A remove command instead of the module, $CMDLINE_OPTS empty; -i removes the module. */
static void remove_command(void **state)
{
	struct test *t = *state;

	load("cmd", "");
	assert_int_equal(unload(t, "cmd", 0, 0), 0);
	assert_string_equal(read_out(), "removed []\n");
	assert_string_equal(k.calls, "");
	assert_int_equal(unload(t, "cmd", MODTOOL_PROBE_NO_COMMANDS, 0), -EPERM);
	assert_int_equal(unload(t, "cmd", MODTOOL_PROBE_IGNORE_COMMANDS, 0), 0);
	assert_string_equal(k.calls, "rmmod cmd");
	assert_int_equal(k.count, 0);
}

/* A dry run tells the removals and makes none; the callback may refuse one. */
static void remove_dry_run_and_refused(void **state)
{
	struct test *t = *state;

	load_top_and_all();
	/* (the dependencies are in use still: nothing was removed) */
	assert_int_equal(unload(t, "top", MODTOOL_PROBE_DRY_RUN, 0), 0);
	assert_string_equal(t->events, "rmmod post; rmmod top");
	assert_string_equal(k.calls, "");
	t->refuse_kind = MODTOOL_PROBE_REMOVE;
	t->refuse_err = -EPERM;
	assert_int_equal(unload(t, "top", 0, 0), -EPERM);
	assert_string_equal(k.calls, "");
	assert_int_equal(k.count, 5);
}

/*
 * Softdeps naming each other (kmod 30 recurses until it crashes): a module
 * whose removal is under way is not started again, so each goes once.
 */
static void remove_softdep_loop(void **state)
{
	struct test *t = *state;

	reconfigure(t, "softdep pre post: post\nsoftdep post post: pre\n");
	load("pre", "");
	load("post", "");
	assert_int_equal(unload(t, "pre", 0, 0), 0);
	assert_int_equal(k.count, 0);
	assert_string_equal(t->events, "rmmod post; rmmod pre");
	assert_int_equal(t->log.len, 0);
}

static void bad_arguments(void **state)
{
	struct test *t = *state;
	struct modtool_list *list = lookup(t, "top");

	assert_int_equal(modtool_probe_insert(list, 5, NULL, 0, NULL, NULL), -EINVAL);
	assert_int_equal(modtool_probe_insert(list, 0, NULL, 1u << 20, NULL, NULL), -EINVAL);
	assert_int_equal(modtool_probe_remove(NULL, 0, 0, NULL, NULL), -EINVAL);
	assert_int_equal(modtool_probe_remove(modtool_list_get(list, 0), 1u << 20, 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(modtool_plan_run(NULL, 0, NULL, NULL), -EINVAL);
	modtool_list_free(list);
	/* no callback: done all the same */
	assert_int_equal(probe(t, "post", NULL, 0), 0);
	assert_int_equal(k.count, 1);
}

/* every test starts from nothing loaded and the default configuration */
#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(load_order), TEST(loaded_skipped), TEST(first_time_rules),
		TEST(failure_stops), TEST(softdep_failure_passed_over), TEST(plan_required),
		TEST(dry_run), TEST(blacklisted_dependency),
		TEST(install_command), TEST(install_command_refused),
		TEST(install_command_fails), TEST(remove_order), TEST(remove_in_use),
		TEST(remove_not_there), TEST(remove_holders), TEST(remove_command),
		TEST(remove_dry_run_and_refused), TEST(remove_softdep_loop),
		TEST(bad_arguments),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
