// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program written for kmod's library, built against Debian's libkmod-dev
 * and run unchanged on Debian's libkmod.so.2 and on ours (LD_LIBRARY_PATH):
 * compare.sh diffs what it prints.  For each name read from stdin (module
 * names, modaliases, symbols, nonsense) it prints what a libkmod user sees:
 * the lookup, each module's path, options, commands, dependencies,
 * softdeps, filters, state, a dry-run probe with print_action and (for the
 * first modules) info with the signature, versions, symbols and dependency
 * symbols; then the configuration iterators, the indexes dumped, name
 * lookups, modules from paths, and the reference counting and pooling.
 *
 * Usage: compare TREE CONFIG_DIR DETAIL_COUNT < names
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libkmod.h>

static const char *tree;

/* Paths below the tree are printed relative to it: the same for both libraries anyway. */
static const char *rel(const char *path)
{
	size_t n = strlen(tree);

	if (!path)
		return "(null)";
	if (strncmp(path, tree, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

static const char *str(const char *s)
{
	return s ? s : "(null)";
}

static void print_modules(const char *what, struct kmod_list *list)
{
	struct kmod_list *l;

	printf("  %s:", what);
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		printf(" %s", kmod_module_get_name(m));
		kmod_module_unref(m);
	}
	printf("\n");
}

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	printf("    action %s %s install=%d path=%s options=[%s]\n", kmod_module_get_name(m),
	       install ? str(kmod_module_get_install_commands(m)) : "-", install,
	       rel(kmod_module_get_path(m)), str(options));
}

static int run_install(struct kmod_module *m, const char *cmdline, void *data)
{
	printf("    run_install %s [%s] data=%s\n", kmod_module_get_name(m), cmdline,
	       (const char *)data);
	return 0;
}

static void print_info(struct kmod_module *m)
{
	struct kmod_list *list = NULL, *l;
	int n = kmod_module_get_info(m, &list);

	printf("  info: %d\n", n);
	kmod_list_foreach(l, list)
		printf("   [%s]=[%s]\n", kmod_module_info_get_key(l), kmod_module_info_get_value(l));
	kmod_module_info_free_list(list);

	list = NULL;
	n = kmod_module_get_versions(m, &list);
	printf("  versions: %d\n", n);
	kmod_list_foreach(l, list)
		printf("   %s 0x%08" PRIx64 "\n", kmod_module_version_get_symbol(l),
		       kmod_module_version_get_crc(l));
	kmod_module_versions_free_list(list);

	list = NULL;
	n = kmod_module_get_symbols(m, &list);
	printf("  symbols: %d\n", n);
	kmod_list_foreach(l, list)
		printf("   %s 0x%08" PRIx64 "\n", kmod_module_symbol_get_symbol(l),
		       kmod_module_symbol_get_crc(l));
	kmod_module_symbols_free_list(list);

	list = NULL;
	n = kmod_module_get_dependency_symbols(m, &list);
	printf("  dependency symbols: %d\n", n);
	kmod_list_foreach(l, list)
		printf("   %s 0x%08" PRIx64 " %c\n", kmod_module_dependency_symbol_get_symbol(l),
		       kmod_module_dependency_symbol_get_crc(l),
		       kmod_module_dependency_symbol_get_bind(l) ?: '0');
	kmod_module_dependency_symbols_free_list(list);
}

static void print_module(struct kmod_ctx *ctx, struct kmod_module *m, bool detail)
{
	struct kmod_list *deps, *pre = NULL, *post = NULL, *one = NULL, *out;
	int err, state;

	printf(" module %s path=%s\n", kmod_module_get_name(m), rel(kmod_module_get_path(m)));
	printf("  options=[%s] install=[%s] remove=[%s]\n", str(kmod_module_get_options(m)),
	       str(kmod_module_get_install_commands(m)), str(kmod_module_get_remove_commands(m)));
	deps = kmod_module_get_dependencies(m);
	print_modules("dependencies", deps);
	kmod_module_unref_list(deps);
	err = kmod_module_get_softdeps(m, &pre, &post);
	printf("  softdeps: %d\n", err);
	print_modules("pre", pre);
	print_modules("post", post);
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	state = kmod_module_get_initstate(m);
	printf("  initstate: %d %s\n", state < 0 ? state : 0,
	       state < 0 ? "-" : str(kmod_module_initstate_str(state)));

	kmod_module_new_from_lookup(ctx, kmod_module_get_name(m), &one);
	for (int f = KMOD_FILTER_BLACKLIST; f <= (KMOD_FILTER_BLACKLIST | KMOD_FILTER_BUILTIN); f++) {
		out = NULL;
		err = kmod_module_apply_filter(ctx, f, one, &out);
		printf("  filter %d: %d", f, err);
		print_modules("", out);
		kmod_module_unref_list(out);
	}
	kmod_module_unref_list(one);

	err = kmod_module_probe_insert_module(m, KMOD_PROBE_DRY_RUN | KMOD_PROBE_IGNORE_LOADED,
					      "extra=1", NULL, NULL, print_action);
	printf("  probe dry ignore-loaded: %d\n", err);
	err = kmod_module_probe_insert_module(m, KMOD_PROBE_DRY_RUN, NULL, NULL, NULL,
					      print_action);
	printf("  probe dry: %d\n", err);
	err = kmod_module_probe_insert_module(m, KMOD_PROBE_DRY_RUN | KMOD_PROBE_IGNORE_LOADED |
					      KMOD_PROBE_IGNORE_COMMAND, NULL, NULL, NULL,
					      print_action);
	printf("  probe dry ignore-command: %d\n", err);
	for (unsigned int bl = KMOD_PROBE_APPLY_BLACKLIST_ALL;
	     bl <= KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY; bl <<= 1) {
		err = kmod_module_probe_insert_module(m, KMOD_PROBE_DRY_RUN |
						      KMOD_PROBE_IGNORE_LOADED | bl, NULL,
						      NULL, NULL, print_action);
		printf("  probe dry blacklist 0x%x: %d\n", bl, err);
	}
	/* built-in modules' information comes from modules.builtin.modinfo: cheap, always */
	if (detail || state == KMOD_MODULE_BUILTIN)
		print_info(m);
}

static void lookup(struct kmod_ctx *ctx, const char *name, int *detail_left)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *byname = NULL;
	int err = kmod_module_new_from_lookup(ctx, name, &list);

	printf("lookup %s: %d%s\n", name, err, list ? "" : " empty");
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		print_module(ctx, m, *detail_left > 0);
		if (*detail_left > 0)
			(*detail_left)--;
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	err = kmod_module_new_from_name_lookup(ctx, name, &byname);
	printf("name lookup %s: %d %s path=%s\n", name, err,
	       byname ? kmod_module_get_name(byname) : "(none)",
	       byname ? rel(kmod_module_get_path(byname)) : "-");
	kmod_module_unref(byname);
}

static void print_iter(const char *what, struct kmod_config_iter *iter)
{
	printf("config %s:\n", what);
	while (kmod_config_iter_next(iter))
		printf(" [%s] [%s]\n", str(kmod_config_iter_get_key(iter)),
		       str(kmod_config_iter_get_value(iter)));
	kmod_config_iter_free_iter(iter);
}

static void config(struct kmod_ctx *ctx)
{
	print_iter("blacklist", kmod_config_get_blacklists(ctx));
	print_iter("install", kmod_config_get_install_commands(ctx));
	print_iter("remove", kmod_config_get_remove_commands(ctx));
	print_iter("alias", kmod_config_get_aliases(ctx));
	print_iter("options", kmod_config_get_options(ctx));
	print_iter("softdep", kmod_config_get_softdeps(ctx));
}

/* Pooling and references, as programs rely on them. */
static void references(struct kmod_ctx *ctx)
{
	struct kmod_module *a = NULL, *b = NULL, *c = NULL;
	struct kmod_list *list = NULL, *l;
	int n = 0;

	kmod_module_new_from_name(ctx, "snd-hda-intel", &a);
	kmod_module_new_from_name(ctx, "snd_hda_intel.ko", &b);
	printf("pool: same=%d name=%s\n", a == b, kmod_module_get_name(a));
	printf("unref b: %s\n", kmod_module_unref(b) ? "alive" : "freed");
	printf("unref a: %s\n", kmod_module_unref(a) ? "alive" : "freed");
	printf("ref ctx: %d\n", kmod_ref(ctx) == ctx);
	printf("unref ctx: %s\n", kmod_unref(ctx) ? "alive" : "freed");
	kmod_module_new_from_name(ctx, "ext4", &c);
	kmod_module_new_from_lookup(ctx, "ext4", &list);
	printf("lookup pools name: %d\n", list && kmod_module_get_module(list) == c);
	if (list)
		kmod_module_unref(c);	/* the reference get_module took */
	kmod_module_unref(c);
	kmod_list_foreach(l, list)
		n++;
	printf("list: %d last=%d prev-of-first=%p\n", n, kmod_list_last(list) != NULL,
	       (void *)kmod_list_prev(list, list));
	kmod_list_foreach_reverse(l, list)
		n--;
	printf("reverse: %d\n", n);
	kmod_module_unref_list(list);
	list = (struct kmod_list *)1;
	printf("non-empty out list: %d\n", kmod_module_new_from_lookup(ctx, "ext4", &list));
}

static void from_paths(struct kmod_ctx *ctx, char **paths, int n)
{
	for (int i = 0; i < n; i++) {
		struct kmod_module *m = NULL;
		int err = kmod_module_new_from_path(ctx, paths[i], &m);

		printf("path %s: %d %s %s\n", rel(paths[i]), err, m ? kmod_module_get_name(m) : "-",
		       m ? rel(kmod_module_get_path(m)) : "-");
		if (m)
			print_info(m);
		kmod_module_unref(m);
	}
}

/* What /sys/module says (compare.sh fakes it for a few modules): both libraries read it. */
static void kernel_state(struct kmod_ctx *ctx, const char *names)
{
	char buf[1024], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", names);
	for (char *n = strtok_r(buf, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
		struct kmod_module *m = NULL;
		struct kmod_list *list, *l;
		int state;

		kmod_module_new_from_name(ctx, n, &m);
		state = kmod_module_get_initstate(m);
		printf("state %s: %d %s refcnt %d size %ld\n", n, state,
		       state < 0 ? "-" : str(kmod_module_initstate_str(state)),
		       kmod_module_get_refcnt(m), kmod_module_get_size(m));
		list = kmod_module_get_holders(m);
		print_modules("holders", list);
		kmod_module_unref_list(list);
		list = kmod_module_get_sections(m);
		kmod_list_foreach(l, list)
			printf("  section %s %#lx\n", kmod_module_section_get_name(l),
			       kmod_module_section_get_address(l));
		kmod_module_section_free_list(list);
		printf("  probe fail-on-loaded: %d\n",
		       kmod_module_probe_insert_module(m, KMOD_PROBE_DRY_RUN |
						       KMOD_PROBE_FAIL_ON_LOADED, NULL, NULL,
						       NULL, print_action));
		kmod_module_unref(m);
	}
}

/*
 * kmod_validate_resources() as indexes and configuration change, in @dir
 * (a copy of a tree's indexes and an empty configuration directory, made
 * for this run): what udev asks before each event.
 */
static void resources(const char *dir)
{
	struct timespec later[2] = { { 0, UTIME_OMIT }, { 2000000000, 0 } };
	char tree_dir[4096], conf_dir[4096], path[4200];
	const char *paths[] = { conf_dir, NULL };
	struct kmod_ctx *ctx;

	snprintf(tree_dir, sizeof(tree_dir), "%s/tree", dir);
	snprintf(conf_dir, sizeof(conf_dir), "%s/conf", dir);
	ctx = kmod_new(tree_dir, paths);
	printf("resources fresh: %d\n", kmod_validate_resources(ctx));
	printf("load: %d, then: %d\n", kmod_load_resources(ctx), kmod_validate_resources(ctx));
	snprintf(path, sizeof(path), "%s/modules.alias.bin", tree_dir);
	utimensat(AT_FDCWD, path, later, 0);
	printf("an index changed: %d\n", kmod_validate_resources(ctx));
	kmod_unload_resources(ctx);
	printf("unloaded: %d\n", kmod_validate_resources(ctx));
	printf("loaded again: %d, then: %d\n", kmod_load_resources(ctx),
	       kmod_validate_resources(ctx));
	snprintf(path, sizeof(path), "%s/new.conf", conf_dir);
	close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	printf("a configuration file added: %d\n", kmod_validate_resources(ctx));
	kmod_unref(ctx);
	snprintf(path, sizeof(path), "%s/modules.dep.bin", tree_dir);
	unlink(path);
	ctx = kmod_new(tree_dir, paths);
	printf("load without modules.dep.bin: %d\n", kmod_load_resources(ctx));
	kmod_unref(ctx);
}

/* kmod_new()'s configuration argument: NULL reads the standard places, {NULL} none. */
static void default_config(void)
{
	static const char *const none[] = { NULL };
	struct kmod_ctx *ctx = kmod_new(tree, NULL);

	printf("default config:\n");
	config(ctx);
	kmod_unref(ctx);
	ctx = kmod_new(tree, none);
	printf("no config:\n");
	config(ctx);
	printf("dirname relative: ");
	kmod_unref(ctx);
	if (chdir(tree) == 0 && chdir("..") == 0) {
		const char *base = strrchr(tree, '/') + 1;

		ctx = kmod_new(base, none);
		printf("%d\n", strcmp(kmod_get_dirname(ctx), tree) == 0);
		kmod_unref(ctx);
	}
}

int main(int argc, char **argv)
{
	const char *config_dirs[] = { argv[2], NULL };
	char line[4096];
	struct kmod_ctx *ctx;
	int detail;

	if (argc < 4) {
		fprintf(stderr, "usage: %s TREE CONFIG_DIR DETAIL_COUNT [MODULE_FILE...] < names\n",
			argv[0]);
		return 2;
	}
	tree = argv[1];
	detail = atoi(argv[3]);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	ctx = kmod_new(tree, config_dirs);
	if (!ctx)
		return 1;
	printf("dirname %s priority %d userdata %p\n", rel(kmod_get_dirname(ctx)),
	       kmod_get_log_priority(ctx), kmod_get_userdata(ctx));
	kmod_set_userdata(ctx, ctx);
	printf("userdata back: %d\n", kmod_get_userdata(ctx) == ctx);
	printf("load: %d validate: %d\n", kmod_load_resources(ctx), kmod_validate_resources(ctx));
	config(ctx);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			lookup(ctx, line, &detail);
	}
	from_paths(ctx, argv + 4, argc - 4);
	if (getenv("COMPARE_RESOURCES_DIR"))
		resources(getenv("COMPARE_RESOURCES_DIR"));
	if (getenv("COMPARE_SYSFS_MODULES"))
		kernel_state(ctx, getenv("COMPARE_SYSFS_MODULES"));
	references(ctx);
	{
		struct kmod_module *m = NULL;
		int err;

		kmod_module_new_from_name(ctx, "ac97_bus", &m);
		err = kmod_module_probe_insert_module(m, 0, "x=1", run_install, "cb", print_action);
		printf("probe with run_install: %d\n", err);
		kmod_module_unref(m);
	}
	for (int i = KMOD_INDEX_MODULES_DEP; i <= KMOD_INDEX_MODULES_BUILTIN; i++) {
		fflush(stdout);
		printf("dump %d: %d\n", i, kmod_dump_index(ctx, i, STDOUT_FILENO));
	}
	kmod_unload_resources(ctx);
	printf("unref: %s\n", kmod_unref(ctx) ? "alive" : "freed");
	default_config();
	return 0;
}
