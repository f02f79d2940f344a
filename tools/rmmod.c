// SPDX-License-Identifier: GPL-2.0-or-later
/* rmmod: remove modules from the kernel.  Messages and status as kmod's. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "tool.h"

static const char usage[] =
	"Usage:\n"
	"\t%s [options] modulename ...\n"
	"Options:\n"
	"\t-f, --force       forces a module unload and may crash your\n"
	"\t                  machine. This requires Forced Module Removal\n"
	"\t                  option in your kernel. DANGEROUS\n"
	"\t-s, --syslog      print to syslog, not stderr\n"
	"\t-v, --verbose     enables more messages\n"
	"\t-V, --version     show version\n"
	"\t-h, --help        show this help\n";

static const struct option longopts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "syslog", no_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static bool use_syslog;

static void TOOL_PRINTF(1, 2) error(const char *format, ...)
{
	va_list args;

	va_start(args, format);
	if (use_syslog) {
		vsyslog(LOG_ERR, format, args);
	} else {
		fprintf(stderr, "%s: ERROR: ", program_invocation_short_name);
		vfprintf(stderr, format, args);
	}
	va_end(args);
}

/* The holders of @name, space-separated ("" for none), from the loaded list. */
static char *holders_of(struct modtool_ctx *ctx, const char *name)
{
	struct modtool_loaded *list;
	char *holders = NULL;

	if (modtool_loaded_list(ctx, &list) < 0)
		return NULL;
	for (size_t i = 0; i < modtool_loaded_count(list) && !holders; i++)
		if (strcmp(modtool_loaded_get_name(list, i), name) == 0)
			holders = strdup(modtool_loaded_get_holders(list, i));
	modtool_loaded_free(list);
	for (char *p = holders; p && *p; p++)
		if (*p == ',')
			*p = ' ';
	return holders;
}

/* Refuse, as kmod does, what the kernel would refuse or should not be asked. */
static int check_removable(struct modtool_ctx *ctx, const char *name)
{
	int state = modtool_module_get_state(ctx, name);
	char *holders;

	if (state == MODTOOL_STATE_BUILTIN) {
		error("Module %s is builtin.\n", name);
		return -ENOENT;
	}
	if (state < 0 || state == MODTOOL_STATE_NOT_LOADED) {
		error("Module %s is not currently loaded\n", name);
		return -ENOENT;
	}
	holders = holders_of(ctx, name);
	if (holders && *holders) {
		error("Module %s is in use by: %s\n", name, holders);
		free(holders);
		return -EBUSY;
	}
	free(holders);
	if (modtool_module_get_refcount(ctx, name) != 0) {
		error("Module %s is in use\n", name);
		return -EBUSY;
	}
	return 0;
}

/* A path names its module by file name; else the argument is the name. */
static int module_name(struct modtool_ctx *ctx, const char *arg, char *name, size_t size)
{
	struct modtool_module *mod;
	struct stat st;
	int err;

	if (stat(arg, &st) == 0) {
		err = modtool_module_new_from_path(ctx, arg, &mod);
		if (err < 0)
			return err;
		snprintf(name, size, "%s", modtool_module_get_name(mod));
		modtool_module_unref(mod);
		return 0;
	}
	if (strlen(arg) >= size)
		return -ENAMETOOLONG;
	for (size_t i = 0; i <= strlen(arg); i++)
		name[i] = arg[i] == '-' ? '_' : arg[i];
	return 0;
}

static int remove_all(struct modtool_ctx *ctx, char **args, int count, unsigned int flags)
{
	char name[NAME_MAX + 1];
	int failed = 0;

	for (int i = 0; i < count; i++) {
		int err = module_name(ctx, args[i], name, sizeof(name));

		if (err < 0) {
			error("could not use module %s: %s\n", args[i], strerror(-err));
			return failed + 1;
		}
		if (!(flags & MODTOOL_REMOVE_FORCE) && check_removable(ctx, name) < 0) {
			failed++;
			continue;
		}
		err = modtool_module_remove(ctx, name, flags);
		if (err < 0) {
			error("could not remove module %s: %s\n", args[i], strerror(-err));
			failed++;
		}
	}
	return failed;
}

int main(int argc, char *argv[])
{
	struct modtool_ctx *ctx;
	unsigned int flags = 0;
	int c, verbose = LOG_ERR, err;

	while ((c = getopt_long(argc, argv, "fsvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': flags |= MODTOOL_REMOVE_FORCE; break;
		case 's': use_syslog = true; break;
		case 'v': verbose++; break;
		case 'V': tool_print_version(); return EXIT_SUCCESS;
		case 'h': printf(usage, program_invocation_short_name); return EXIT_SUCCESS;
		default: return EXIT_FAILURE;
		}
	}
	if (use_syslog)
		openlog(program_invocation_short_name, LOG_CONS, LOG_DAEMON);
	if (optind >= argc) {
		error("missing module name.\n");
		return EXIT_FAILURE;
	}
	err = modtool_ctx_new(NULL, &ctx);
	if (err < 0) {
		error("cannot create context: %s\n", strerror(-err));
		return EXIT_FAILURE;
	}
	/* the library's own messages only with -v: ours say it once */
	tool_log_setup(ctx, verbose > LOG_ERR ? verbose : LOG_CRIT);
	err = remove_all(ctx, argv + optind, argc - optind, flags);
	modtool_ctx_free(ctx);
	if (use_syslog)
		closelog();
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
