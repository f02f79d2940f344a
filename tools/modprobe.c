// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe: load or remove modules with what they need, or say what that
 * would take.  Option parsing and printing only: lookups, plans and the
 * kernel calls are the library's.  Output as kmod 30's where scripts read it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include "tool.h"

static const char usage[] =
	"Usage:\n"
	"\t%1$s [options] [-i] [-b] modulename\n"
	"\t%1$s [options] -a [-i] [-b] modulename [modulename...]\n"
	"\t%1$s [options] -r [-i] modulename\n"
	"\t%1$s [options] -r -a [-i] modulename [modulename...]\n"
	"\t%1$s [options] -c\n"
	"\t%1$s [options] --dump-modversions filename\n"
	"Management Options:\n"
	"\t-a, --all                   Consider every non-argument to\n"
	"\t                            be a module name to be inserted\n"
	"\t                            or removed (-r)\n"
	"\t-r, --remove                Remove modules instead of inserting\n"
	"\t    --remove-dependencies   Deprecated: use --remove-holders\n"
	"\t    --remove-holders        Also remove module holders (use together with -r)\n"
	"\t-w, --wait <MSEC>           When removing a module, wait up to MSEC for\n"
	"\t                            module's refcount to become 0 so it can be\n"
	"\t                            removed (use together with -r)\n"
	"\t    --first-time            Fail if module already inserted or removed\n"
	"\t-i, --ignore-install        Ignore install commands\n"
	"\t-i, --ignore-remove         Ignore remove commands\n"
	"\t-b, --use-blacklist         Apply blacklist to resolved alias.\n"
	"\t-f, --force                 Force module insertion or removal.\n"
	"\t                            implies --force-modversions and\n"
	"\t                            --force-vermagic\n"
	"\t    --force-modversion      Ignore module's version\n"
	"\t    --force-vermagic        Ignore module's version magic\n"
	"\n"
	"Query Options:\n"
	"\t-R, --resolve-alias         Only lookup and print alias and exit\n"
	"\t-D, --show-depends          Only print module dependencies and exit\n"
	"\t    --explain               Print how each module resolves and exit\n"
	"\t    --json                  With -D or -c: print JSON\n"
	"\t-c, --showconfig            Print out known configuration and exit\n"
	"\t-c, --show-config           Same as --showconfig\n"
	"\t    --show-modversions      Dump module symbol version and exit\n"
	"\t    --dump-modversions      Same as --show-modversions\n"
	"\t    --show-exports          Only print module exported symbol versions and exit\n"
	"\n"
	"General Options:\n"
	"\t-n, --dry-run               Do not execute operations, just print out\n"
	"\t-n, --show                  Same as --dry-run\n"
	"\t-C, --config=FILE           Use FILE instead of default search paths\n"
	"\t-d, --dirname=DIR           Use DIR as filesystem root for " MODULE_DIRECTORY "\n"
	"\t-S, --set-version=VERSION   Use VERSION instead of `uname -r`\n"
	"\t-s, --syslog                print to syslog, not stderr\n"
	"\t-q, --quiet                 disable messages\n"
	"\t-v, --verbose               enables more messages\n"
	"\t-V, --version               show version\n"
	"\t-h, --help                  show this help\n";

enum {
	OPT_FORCE_VERMAGIC = 1, OPT_FORCE_MODVERSION, OPT_FIRST_TIME, OPT_SHOW_MODVERSIONS,
	OPT_REMOVE_HOLDERS, OPT_SHOW_EXPORTS, OPT_EXPLAIN, OPT_JSON,
};

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "remove", no_argument, NULL, 'r' },
	{ "remove-dependencies", no_argument, NULL, OPT_REMOVE_HOLDERS },
	{ "remove-holders", no_argument, NULL, OPT_REMOVE_HOLDERS },
	{ "wait", required_argument, NULL, 'w' },
	{ "resolve-alias", no_argument, NULL, 'R' },
	{ "first-time", no_argument, NULL, OPT_FIRST_TIME },
	{ "ignore-install", no_argument, NULL, 'i' },
	{ "ignore-remove", no_argument, NULL, 'i' },
	{ "use-blacklist", no_argument, NULL, 'b' },
	{ "force", no_argument, NULL, 'f' },
	{ "force-modversion", no_argument, NULL, OPT_FORCE_MODVERSION },
	{ "force-vermagic", no_argument, NULL, OPT_FORCE_VERMAGIC },
	{ "show-depends", no_argument, NULL, 'D' },
	{ "showconfig", no_argument, NULL, 'c' },
	{ "show-config", no_argument, NULL, 'c' },
	{ "show-modversions", no_argument, NULL, OPT_SHOW_MODVERSIONS },
	{ "dump-modversions", no_argument, NULL, OPT_SHOW_MODVERSIONS },
	{ "show-exports", no_argument, NULL, OPT_SHOW_EXPORTS },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "show", no_argument, NULL, 'n' },
	{ "config", required_argument, NULL, 'C' },
	{ "dirname", required_argument, NULL, 'd' },
	{ "set-version", required_argument, NULL, 'S' },
	{ "syslog", no_argument, NULL, 's' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static struct {
	bool all, remove, remove_holders, first_time, ignore_commands, use_blacklist;
	bool force, force_vermagic, force_modversion, show_depends, resolve, showconfig;
	bool modversions, exports, explain, json, dry_run, ignore_loaded, use_syslog, quiet;
	int verbose;		/* syslog priority up to which messages are shown */
	unsigned long wait_msec;
	const char **config;
	size_t nconfig;
	const char *root, *kver;
} o = { .verbose = LOG_WARNING };

static struct modtool_ctx *ctx;

static unsigned int plan_flags(void)
{
	return (o.ignore_commands ? MODTOOL_PLAN_IGNORE_COMMANDS : 0) |
	       (o.use_blacklist ? MODTOOL_PLAN_BLACKLIST : 0);
}
static bool log_as_warning;	/* -a: a missing module is a warning, not fatal */

static void vlog(int prio, const char *fmt, va_list ap)
{
	static const char *const names[] = { "FATAL", "FATAL", "FATAL", "ERROR", "WARNING",
					     "NOTICE", "INFO", "DEBUG" };

	if (prio > o.verbose)
		return;
	if (o.use_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	fprintf(stderr, "%s: %s: ", program_invocation_short_name, names[prio & 7]);
	vfprintf(stderr, fmt, ap);
}

TOOL_PRINTF(2, 3) static void say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

/* kmod's LOG(): fatal, or a warning with -a; silenced by -q. */
#define LOG(...) say(log_as_warning ? LOG_WARNING : LOG_CRIT, __VA_ARGS__)
#define ERR(...) say(LOG_ERR, __VA_ARGS__)
#define WRN(...) say(LOG_WARNING, __VA_ARGS__)

static void lib_log(void *data, int prio, const char *fmt, va_list ap)
{
	vlog(prio, fmt, ap);
}

/* ---- MODPROBE_OPTIONS ------------------------------------------------------ */

/* Words of $MODPROBE_OPTIONS (quotes group, as kmod reads them) before argv[1..]. */
static char **prepend_env_options(int *argc, char **argv)
{
	const char *env = getenv("MODPROBE_OPTIONS");
	size_t n = 1, len;
	char **nargv, *s, *w;
	char quote = 0;

	if (!env)
		return argv;
	len = strlen(env);
	nargv = malloc((len / 2 + 2 + *argc) * sizeof(*nargv) + len + 1);
	if (!nargv)
		return NULL;
	s = (char *)(nargv + len / 2 + 2 + *argc);
	nargv[0] = argv[0];
	w = s;
	for (const char *p = env;; p++) {
		if (*p && (quote ? *p != quote : (*p == '"' || *p == '\''))) {
			if (!quote && (*p == '"' || *p == '\''))
				quote = *p;
			else
				*w++ = *p;
			continue;
		}
		if (*p && quote) {
			quote = 0;
			continue;
		}
		if (*p == ' ' || !*p) {
			if (w > s) {
				*w++ = '\0';
				nargv[n++] = s;
				s = w;
			}
			if (!*p)
				break;
			continue;
		}
	}
	for (int i = 1; i < *argc; i++)
		nargv[n++] = argv[i];
	nargv[n] = NULL;
	*argc = (int)n;
	return nargv;
}

static void env_append(const char *word)
{
	const char *old = getenv("MODPROBE_OPTIONS");
	char *v;

	if (!old) {
		setenv("MODPROBE_OPTIONS", word, 1);
		return;
	}
	if (asprintf(&v, "%s %s", old, word) < 0)
		return;
	setenv("MODPROBE_OPTIONS", v, 1);
	free(v);
}

/* ---- -c -------------------------------------------------------------------- */

static const char *const kind_names[MODTOOL_CONFIG_KIND_COUNT] = {
	"blacklist", "install", "remove", "alias", "options", "softdep", "weakdep",
};

/* "alias KEY VALUE": tens of thousands of lines, so one stdio call each. */
static int print_index_entry(void *data, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value);
	char line[1024];

	if (klen + vlen + 8 > sizeof(line)) {
		printf("alias %s %s\n", key, value);
		return 0;
	}
	memcpy(line, "alias ", 6);
	memcpy(line + 6, key, klen);
	line[6 + klen] = ' ';
	memcpy(line + 7 + klen, value, vlen);
	line[7 + klen + vlen] = '\n';
	fwrite_unlocked(line, 1, klen + vlen + 8, stdout);
	return 0;
}

static int show_config(void)
{
	if (o.json) {
		struct modtool_json *j = modtool_json_new(STDOUT_FILENO);

		if (!j)
			return -ENOMEM;
		modtool_json_config(ctx, j);
		return modtool_json_free(j);
	}
	for (int k = 0; k < MODTOOL_CONFIG_KIND_COUNT; k++) {
		for (size_t i = 0; i < modtool_config_count(ctx, k); i++) {
			const char *key, *value;

			modtool_config_get(ctx, k, i, &key, &value, NULL, NULL);
			printf(value ? "%s %s %s\n" : "%s %s\n", kind_names[k], key, value);
		}
	}
	puts("\n# End of configuration files. Dumping indexes now:\n");
	modtool_index_foreach(ctx, MODTOOL_INDEX_ALIASES, print_index_entry, NULL);
	modtool_index_foreach(ctx, MODTOOL_INDEX_SYMBOLS, print_index_entry, NULL);
	return 0;
}

/* ---- --show-modversions, --show-exports -------------------------------------- */

/* The module file @path's __versions table, or what it exports, as kmod lists them. */
static int show_symbols(const char *path, bool exports)
{
	struct modtool_symbols *syms;
	struct modtool_module *mod;
	struct stat st;
	int err;

	/* kmod takes a file only: a name, or no such file, is "not found" */
	err = stat(path, &st) < 0 ? -errno : modtool_module_new_from_path(ctx, path, &mod);
	if (err < 0) {
		LOG("Module %s not found.\n", path);
		return err;
	}
	err = exports ? modtool_module_get_exports(mod, &syms)
		      : modtool_module_get_versions(mod, &syms);
	if (err < 0) {
		LOG("could not get %s of %s: %s\n", exports ? "symbols" : "modversions", path,
		    strerror(-err));
		modtool_module_unref(mod);
		return err;
	}
	for (size_t i = 0; i < modtool_symbols_count(syms); i++)
		printf("0x%08" PRIx64 "\t%s\n", modtool_symbols_get_crc(syms, i),
		       modtool_symbols_get_name(syms, i));
	modtool_symbols_free(syms);
	modtool_module_unref(mod);
	return 0;
}

/* ---- loading and removing: the library does it, this prints it ---------------- */

/* The options as the library's probe flags: -f forces the load and the removal. */
static unsigned int probe_flags(void)
{
	return plan_flags() |
	       (o.force || o.force_vermagic ? MODTOOL_PROBE_FORCE_VERMAGIC : 0) |
	       (o.force || o.force_modversion ? MODTOOL_PROBE_FORCE_MODVERSION : 0) |
	       (o.force ? MODTOOL_PROBE_FORCE_REMOVE : 0) |
	       (o.dry_run ? MODTOOL_PROBE_DRY_RUN : 0) |
	       (o.ignore_loaded ? MODTOOL_PROBE_IGNORE_LOADED : 0) |
	       (o.first_time ? MODTOOL_PROBE_FIRST_TIME : 0) |
	       (o.remove_holders ? MODTOOL_PROBE_REMOVE_HOLDERS : 0);
}

/* What the library is about to do, as -D and -v print it (fputs: this is most of -D). */
static void print_action(const struct modtool_probe_event *ev)
{
	static const char *const words[] = {
		[MODTOOL_PROBE_INSERT] = "insmod ", [MODTOOL_PROBE_INSTALL] = "install ",
		[MODTOOL_PROBE_BUILTIN] = "builtin ", [MODTOOL_PROBE_RUN_INSTALL] = "install ",
		[MODTOOL_PROBE_RUN_REMOVE] = "remove ", [MODTOOL_PROBE_REMOVE] = "rmmod ",
	};
	bool plan_step = ev->kind == MODTOOL_PROBE_INSERT || ev->kind == MODTOOL_PROBE_INSTALL ||
			 ev->kind == MODTOOL_PROBE_BUILTIN || ev->kind == MODTOOL_PROBE_NONE;

	if (ev->kind != MODTOOL_PROBE_NONE) {
		fputs(words[ev->kind], stdout);
		fputs(ev->path ? ev->path : ev->command ? ev->command : ev->name, stdout);
		if (ev->options) {
			putchar(' ');
			fputs(ev->options, stdout);
		}
		putchar('\n');
	}
	/* a plan's steps go out before they are carried out, as kmod's do */
	if (plan_step)
		fflush(stdout);
}

/* The library's account of a load or removal, in kmod 30's words. */
static int report(void *data, const struct modtool_probe_event *ev)
{
	static const char *const why[] = {
		[MODTOOL_PROBE_NOT_LOADED] = "not in kernel", [MODTOOL_PROBE_IS_BUILTIN] = "builtin",
		[MODTOOL_PROBE_IN_USE] = "in use",
	};

	switch (ev->kind) {
	case MODTOOL_PROBE_BLACKLISTED:
		if (!o.quiet)
			WRN("%s is blacklisted but loaded for %s (blacklisting does not stop dependencies)\n",
			    ev->name, ev->target);
		break;
	case MODTOOL_PROBE_NOT_LOADED:
	case MODTOOL_PROBE_IS_BUILTIN:
	case MODTOOL_PROBE_IN_USE:
		LOG("Module %s is %s.\n", ev->name, why[ev->kind]);
		break;
	case MODTOOL_PROBE_NO_SHELL:
		/* a load runs only install commands, a removal only remove commands */
		LOG("Error running %s command for %s: %s\n", o.remove ? "remove" : "install",
		    ev->name, strerror(-ev->err));
		break;
	default:
		if (o.show_depends || o.verbose > LOG_WARNING)
			print_action(ev);
	}
	return 0;
}

static int insert_one(struct modtool_list *list, size_t i, const char *opts)
{
	const char *name = modtool_module_get_name(modtool_list_get(list, i));
	int err;

	if (o.resolve) {
		printf("%s\n", name);
		return 0;
	}
	err = modtool_probe_insert(list, i, opts, probe_flags(), report, NULL);
	if (err == -EEXIST)
		ERR("could not insert '%s': Module already in kernel\n", name);
	else if (err == -ENOENT)
		ERR("could not insert '%s': Unknown symbol in module, or unknown parameter (see dmesg)\n",
		    name);
	/* else the library said which library, or which policy rule refused it */
	else if (err < 0 && err != -ELIBACC && err != -ECANCELED)
		ERR("could not insert '%s': %s\n", name, strerror(-err));
	return err;
}

static int insert(const char *arg, const char *opts)
{
	struct modtool_list *list = NULL;
	int err = modtool_module_lookup(ctx, arg, 0, &list);

	if (err <= 0) {
		LOG("Module %s not found in directory %s\n", arg, modtool_ctx_get_module_dir(ctx));
		modtool_list_free(list);
		return -ENOENT;
	}
	for (size_t i = 0; i < modtool_list_count(list); i++)
		err = insert_one(list, i, opts);
	modtool_list_free(list);
	return err;
}

/* The command line's module parameters, values with spaces quoted as kmod does. */
static char *options_from_args(char **args, int n)
{
	size_t len = 1;
	char *s, *p;

	for (int i = 1; i < n; i++)
		len += strlen(args[i]) + 3;
	p = s = malloc(len);
	if (!s)
		return NULL;
	*s = '\0';
	for (int i = 1; i < n; i++) {
		const char *eq = strchr(args[i], '=');

		if (i > 1)
			*p++ = ' ';
		if (eq && eq[1] != '"' && eq[1] != '\'' && strchr(eq + 1, ' '))
			p += sprintf(p, "%.*s\"%s\"", (int)(eq + 1 - args[i]), args[i], eq + 1);
		else
			p = stpcpy(p, args[i]);
	}
	return s;
}

/* ---- removing ----------------------------------------------------------------- */

static int remove_arg(const char *arg)
{
	struct modtool_list *list = NULL;
	int err = modtool_module_lookup(ctx, arg, 0, &list);

	if (err < 0)
		return err;
	if (err == 0) {
		LOG("Module %s not found.\n", arg);
		err = -ENOENT;
	}
	for (size_t i = 0; i < modtool_list_count(list); i++) {
		err = modtool_probe_remove(modtool_list_get(list, i), probe_flags(), o.wait_msec,
					   report, NULL);
		if (err < 0)
			break;
	}
	modtool_list_free(list);
	return err;
}

/* ---- --explain and --json: the library's reports ------------------------------- */

static int explain_all(char **args, int n, const char *opts)
{
	int err = 0;

	fflush(stdout);
	for (int i = 0; i < n; i++) {
		int r = modtool_explain(ctx, args[i], i == 0 ? opts : NULL, plan_flags(),
					STDOUT_FILENO);

		if (r < 0)
			err = r;
	}
	return err;
}

static int show_depends_json(char **args, int n, const char *opts)
{
	struct modtool_json *j = modtool_json_new(STDOUT_FILENO);
	int err = 0;

	if (!j)
		return -ENOMEM;
	modtool_json_begin_array(j);
	for (int a = 0; a < n; a++) {
		int r = modtool_json_plans(ctx, j, args[a], a == 0 ? opts : NULL, plan_flags());

		if (r < 0)
			LOG("Module %s not found in directory %s\n", args[a],
			    modtool_ctx_get_module_dir(ctx));
		if (r < 0)
			err = r;
	}
	modtool_json_end_array(j);
	if (modtool_json_free(j) < 0 && !err)
		err = -EIO;
	return err;
}

/* ---- main -------------------------------------------------------------------------- */

static int parse_options(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "arw:RibfDcnC:d:S:sqvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o.all = log_as_warning = true; break;
		case 'r': o.remove = true; break;
		case OPT_REMOVE_HOLDERS: o.remove_holders = true; break;
		case 'w': {
			char *end;

			o.wait_msec = strtoul(optarg, &end, 0);
			if (!*optarg || *end) {
				ERR("unexpected wait value '%s'.\n", optarg);
				return -1;
			}
			break;
		}
		case OPT_FIRST_TIME: o.first_time = true; break;
		case 'i': o.ignore_commands = true; break;
		case 'b': o.use_blacklist = true; break;
		case 'f': o.force = true; break;
		case OPT_FORCE_MODVERSION: o.force_modversion = true; break;
		case OPT_FORCE_VERMAGIC: o.force_vermagic = true; break;
		case 'D': o.show_depends = o.dry_run = o.ignore_loaded = true; break;
		case 'R': o.resolve = true; break;
		case 'c': o.showconfig = true; break;
		case OPT_SHOW_MODVERSIONS: o.modversions = true; break;
		case OPT_SHOW_EXPORTS: o.exports = true; break;
		case OPT_EXPLAIN: o.explain = true; break;
		case OPT_JSON: o.json = true; break;
		case 'n': o.dry_run = true; break;
		case 'C': {
			const char **p = reallocarray(o.config, o.nconfig + 2, sizeof(*p));

			if (!p)
				return -1;
			o.config = p;
			p[o.nconfig++] = optarg;
			p[o.nconfig] = NULL;
			env_append("-C");
			env_append(optarg);
			break;
		}
		case 'd': o.root = optarg; break;
		case 'S': o.kver = optarg; break;
		case 's': env_append("-s"); o.use_syslog = true; break;
		case 'q': env_append("-q"); o.verbose = LOG_EMERG; o.quiet = true; break;
		case 'v': env_append("-v"); o.verbose++; break;
		case 'V': tool_print_version(); return 0;
		case 'h': printf(usage, program_invocation_short_name); return 0;
		default: return -1;
		}
	}
	return 1;
}

static int make_ctx(void)
{
	char dir[PATH_MAX];
	struct utsname u;
	int err;

	if (o.root || o.kver) {
		if (!o.kver) {
			if (uname(&u) < 0) {
				ERR("uname() failed: %m\n");
				return -1;
			}
			o.kver = u.release;
		}
		snprintf(dir, sizeof(dir), "%s" MODULE_DIRECTORY "/%s", o.root ? o.root : "", o.kver);
	}
	err = modtool_ctx_new(o.root || o.kver ? dir : NULL, &ctx);
	if (err < 0) {
		ERR("cannot create context: %s\n", strerror(-err));
		return -1;
	}
	modtool_ctx_set_log_fn(ctx, lib_log, NULL);
	modtool_ctx_set_log_priority(ctx, o.verbose);
	err = modtool_ctx_load_config(ctx, o.config, NULL);
	if (err < 0) {
		ERR("could not read the configuration: %s\n", strerror(-err));
		return -1;
	}
	err = modtool_ctx_load_policy(ctx, NULL);
	if (err < 0) {
		ERR("could not read the load policy: %s\n", strerror(-err));
		return -1;
	}
	return 0;
}

static int run(char **args, int n)
{
	int err = 0;

	if (o.showconfig)
		return show_config();
	if (o.modversions || o.exports)
		return show_symbols(args[0], o.exports && !o.modversions);
	if (o.remove) {
		/* kmod 30 removes every name given: with -a past failures, without
		 * it up to the first one */
		for (int i = 0; i < n && (o.all || err >= 0); i++) {
			int r = remove_arg(args[i]);

			if (r < 0)
				err = r;
		}
		return err;
	}
	if (o.explain || (o.json && o.show_depends)) {
		char *opts = o.all ? NULL : options_from_args(args, n);

		if (o.explain)
			err = explain_all(args, o.all ? n : 1, opts);
		else
			err = show_depends_json(args, o.all ? n : 1, opts);
		free(opts);
		return err;
	}
	if (o.all) {
		for (int i = 0; i < n; i++) {
			int r = insert(args[i], NULL);

			if (r < 0)
				err = r;
		}
		return err;
	}
	{
		char *opts = options_from_args(args, n);

		if (!opts)
			return -ENOMEM;
		err = insert(args[0], opts);
		free(opts);
	}
	return err;
}

int main(int argc, char *argv[])
{
	char **nargv = prepend_env_options(&argc, argv);
	int r, err;

	if (!nargv) {
		ERR("Could not prepend options from command line\n");
		return EXIT_FAILURE;
	}
	r = parse_options(argc, nargv);
	if (r <= 0)
		return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	if (o.use_syslog)
		openlog(program_invocation_short_name, LOG_CONS, LOG_DAEMON);
	if (!o.showconfig && optind >= argc) {
		ERR("missing parameters. See -h.\n");
		return EXIT_FAILURE;
	}
	if (o.json && !o.show_depends && !o.showconfig) {
		ERR("--json goes with -D or -c: nothing else prints JSON\n");
		return EXIT_FAILURE;
	}
	if (make_ctx() < 0)
		return EXIT_FAILURE;
	err = run(nargv + optind, argc - optind);
	fflush(stdout);
	modtool_ctx_free(ctx);
	if (nargv != argv)
		free(nargv);
	free(o.config);
	return err < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
