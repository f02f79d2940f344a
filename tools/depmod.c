// SPDX-License-Identifier: GPL-2.0-or-later
/* depmod: generate modules.dep and the other module indexes, as kmod's depmod. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include "tool.h"

/* kmod 30's module directory under the base directory */
#define MODULE_DIRECTORY "/lib/modules"

static const char usage[] =
	"Usage:\n"
	"\t%s -[aA] [options] [forced_version]\n"
	"\n"
	"If no arguments (except options) are given, \"depmod -a\" is assumed\n"
	"\n"
	"depmod will output a dependency list suitable for the modprobe utility.\n"
	"\n"
	"Options:\n"
	"\t-a, --all            Probe all modules\n"
	"\t-A, --quick          Only does the work if there's a new module\n"
	"\t-e, --errsyms        Report not supplied symbols\n"
	"\t-n, --show           Write the dependency file on stdout only\n"
	"\t    --json           With -n: write the files' contents as JSON\n"
	"\t-P, --symbol-prefix  Architecture symbol prefix\n"
	"\t-C, --config=PATH    Read configuration from PATH\n"
	"\t-v, --verbose        Enable verbose mode\n"
	"\t-w, --warn           Warn on duplicates\n"
	"\t-V, --version        show version\n"
	"\t-h, --help           show this help\n"
	"\n"
	"The following options are useful for people managing distributions:\n"
	"\t-b, --basedir=DIR    Use an image of a module tree.\n"
	"\t-m, --moduledir=DIR  Module directory under the base (default " MODULE_DIRECTORY ").\n"
	"\t-o, --outdir=DIR     Output directory for generated files.\n"
	"\t-F, --filesyms=FILE  Use the file instead of the\n"
	"\t                     current kernel symbols.\n"
	"\t-E, --symvers=FILE   Use Module.symvers file to check\n"
	"\t                     symbol versions.\n"
	"\t    --no-cache       Parse every module (no incremental cache).\n";

enum { OPT_NO_CACHE = 256, OPT_JSON };

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "quick", no_argument, NULL, 'A' },
	{ "basedir", required_argument, NULL, 'b' },
	{ "outdir", required_argument, NULL, 'o' },
	{ "moduledir", required_argument, NULL, 'm' },
	{ "config", required_argument, NULL, 'C' },
	{ "symvers", required_argument, NULL, 'E' },
	{ "filesyms", required_argument, NULL, 'F' },
	{ "errsyms", no_argument, NULL, 'e' },
	{ "unresolved-error", no_argument, NULL, 'u' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "root", no_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "show", no_argument, NULL, 'n' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "symbol-prefix", required_argument, NULL, 'P' },
	{ "warn", no_argument, NULL, 'w' },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	bool all, quick, show, json;
	const char *basedir, *outdir, *moduledir, *symvers, *system_map;
	const char *configs[64];
	int n_configs;
	unsigned int flags;
	char prefix;
	int verbose;
};

/* kmod takes the first argument as a version when it reads as "N.N". */
static bool is_version(const char *s)
{
	unsigned int a, b;

	return sscanf(s, "%u.%u", &a, &b) == 2;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c, idx;

	while ((c = getopt_long(argc, argv, "aAb:o:m:C:E:F:euqrvnP:wVh", longopts, &idx)) != -1) {
		switch (c) {
		case 'a': o->all = true; break;
		case 'A': o->quick = true; break;
		case 'b': o->basedir = optarg; break;
		case 'o': o->outdir = optarg; break;
		case 'm': o->moduledir = optarg; break;
		case 'C':
			if (o->n_configs == (int)(sizeof(o->configs) / sizeof(o->configs[0]))) {
				tool_error("too many -C options\n");
				return -1;
			}
			o->configs[o->n_configs++] = optarg;
			break;
		case 'E': o->symvers = optarg; break;
		case 'F': o->system_map = optarg; break;
		case 'e': o->flags |= MODTOOL_DEPMOD_ERRSYMS; break;
		case 'w': o->flags |= MODTOOL_DEPMOD_WARN_DUPS; break;
		case OPT_NO_CACHE: o->flags |= MODTOOL_DEPMOD_NO_CACHE; break;
		case 'v': o->verbose++; break;
		case 'n': o->show = true; break;
		case OPT_JSON: o->json = true; break;
		case 'P':
			if (optarg[0] == 0 || optarg[1] != 0) {
				tool_error("-P only takes a single char\n");
				return -1;
			}
			o->prefix = optarg[0];
			break;
		case 'u': case 'q': case 'r':
			fprintf(stderr, "Ignored deprecated option -%c\n", c);
			break;
		case 'h':
			printf(usage, program_invocation_short_name);
			exit(EXIT_SUCCESS);
		case 'V':
			tool_print_version();
			exit(EXIT_SUCCESS);
		default:
			return -1;
		}
	}
	if (o->json && !o->show) {
		tool_error("--json needs -n: it prints what would be written\n");
		return -1;
	}
	return 0;
}

/*
 * -v: the library logs each new dependency at LOG_NOTICE; kmod prints those
 * lines bare on stdout (flushed, so they stay in order with -n's output).
 * Everything else goes to stderr with the usual "depmod: LEVEL: " prefix.
 */
static void log_fn(void *userdata, int priority, const char *format, va_list args)
{
	(void)userdata;
	if (priority == LOG_NOTICE) {
		vfprintf(stdout, format, args);
		fflush(stdout);
		return;
	}
	fprintf(stderr, "%s: %s: ", program_invocation_short_name,
		priority <= LOG_ERR ? "ERROR" : priority == LOG_WARNING ? "WARNING" :
		priority == LOG_DEBUG ? "DEBUG" : "INFO");
	vfprintf(stderr, format, args);
}

/* ROOT + MODULEDIR + "/" + VERSION, the way kmod builds its module dir. */
static int module_dir(char *out, const char *root, const char *moddir, const char *version)
{
	char abs[PATH_MAX] = "";

	if (root && root[0] != '/') {
		if (!getcwd(abs, sizeof(abs)))
			return -errno;
		strncat(abs, "/", sizeof(abs) - strlen(abs) - 1);
	}
	if (snprintf(out, PATH_MAX, "%s%s%s/%s", abs, root ? root : "", moddir, version) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static int setup(struct modtool_depmod *dm, const struct opts *o, const char *outdir,
		 char **files, int n_files)
{
	int err = 0;

	for (int i = 0; !err && i < o->n_configs; i++)
		err = modtool_depmod_add_config(dm, o->configs[i]);
	for (int i = 0; !err && i < n_files; i++) {
		if (files[i][0] != '/') {
			tool_error("%s: not absolute path.\n", files[i]);
			return -EINVAL;
		}
		err = modtool_depmod_add_module(dm, files[i]);
	}
	if (!err && o->symvers)
		err = modtool_depmod_set_symvers(dm, o->symvers);
	else if (!err && o->system_map)
		err = modtool_depmod_set_system_map(dm, o->system_map);
	if (!err && outdir)
		err = modtool_depmod_set_output_dir(dm, outdir);
	modtool_depmod_set_flags(dm, o->flags);
	modtool_depmod_set_symbol_prefix(dm, o->prefix);
	return err;
}

/* -n --json: what would be written, as one JSON document. */
static int show_json(struct modtool_depmod *dm)
{
	struct modtool_json *j = modtool_json_new(STDOUT_FILENO);
	int err, werr;

	if (!j)
		return -ENOMEM;
	fflush(stdout);		/* -v lines come before */
	err = modtool_depmod_show_json(dm, j);
	werr = modtool_json_free(j);
	if (werr < 0)
		tool_error("could not write the output: %s\n", strerror(-werr));
	return err < 0 ? err : werr;
}

int main(int argc, char **argv)
{
	struct opts o = { .verbose = LOG_WARNING };
	char dir[PATH_MAX], outdir[PATH_MAX];
	const char *version, *moddir;
	struct modtool_ctx *ctx = NULL;
	struct modtool_depmod *dm = NULL;
	struct utsname u;
	int err;

	if (parse_opts(argc, argv, &o) < 0)
		return EXIT_FAILURE;
	if (optind < argc && is_version(argv[optind])) {
		version = argv[optind++];
	} else {
		if (uname(&u) < 0) {
			tool_error("uname() failed: %s\n", strerror(errno));
			return EXIT_FAILURE;
		}
		version = u.release;
	}
	moddir = o.moduledir ? o.moduledir : MODULE_DIRECTORY;
	if (module_dir(dir, o.basedir, moddir, version) < 0 ||
	    (o.outdir && module_dir(outdir, o.outdir, moddir, version) < 0)) {
		tool_error("path too long\n");
		return EXIT_FAILURE;
	}
	err = modtool_ctx_new(dir, &ctx);
	if (err == 0)
		err = modtool_depmod_new(ctx, version, &dm);
	if (err < 0) {
		tool_error("%s: %s\n", dir, strerror(-err));
		modtool_ctx_free(ctx);
		return EXIT_FAILURE;
	}
	tool_log_setup(ctx, o.verbose > LOG_DEBUG ? LOG_DEBUG : o.verbose);
	modtool_ctx_set_log_fn(ctx, log_fn, NULL);
	err = setup(dm, &o, o.outdir ? outdir : NULL, argv + optind, o.all ? 0 : argc - optind);
	if (!err && o.quick && !o.show && modtool_depmod_is_up_to_date(dm) == 1)
		goto out;
	if (!err && o.quick && o.show)
		goto out;	/* kmod does nothing for -A -n */
	if (!err && o.json)
		err = show_json(dm);
	else if (!err)
		err = o.show ? modtool_depmod_show(dm, STDOUT_FILENO) : modtool_depmod_run(dm);
out:
	modtool_depmod_free(dm);
	modtool_ctx_free(ctx);
	return err < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
