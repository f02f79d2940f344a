// SPDX-License-Identifier: GPL-2.0-or-later
/* insmod: insert one module file into the kernel.  Messages as kmod's. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "tool.h"

static const char usage[] =
	"Usage:\n"
	"\t%s [options] filename [args]\n"
	"Options:\n"
	"\t-f, --force              DANGEROUS: forces a module load, may cause\n"
	"\t                         data corruption and crash your machine.\n"
	"\t                         implies --force-modversion and\n"
	"\t                         --force-vermagic\n"
	"\t    --force-modversion   Ignore module's version\n"
	"\t    --force-vermagic     Ignore module's version magic\n"
	"\t-s, --syslog             print to syslog, not stderr (accepted)\n"
	"\t-v, --verbose            enables more messages (accepted)\n"
	"\t-V, --version            show version\n"
	"\t-h, --help               show this help\n";

/* The spellings of newer kmod releases (-f was the only one in kmod 30) */
enum { OPT_FORCE_MODVERSION = 256, OPT_FORCE_VERMAGIC };
static const struct option longopts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "force-modversion", no_argument, NULL, OPT_FORCE_MODVERSION },
	{ "force-vermagic", no_argument, NULL, OPT_FORCE_VERMAGIC },
	{ "syslog", no_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What the kernel's answer means for a module load, in kmod's words. */
static const char *insert_strerror(int err)
{
	switch (err) {
	case ENOEXEC: return "Invalid module format";
	case ENOENT: return "Unknown symbol in module";
	case ESRCH: return "Module has wrong symbol version";
	case EINVAL: return "Invalid parameters";
	default: return strerror(err);
	}
}

/* The arguments after the file, joined by spaces as the kernel takes them. */
static char *join_params(char **args, int count)
{
	size_t len = 1;
	char *s, *p;

	for (int i = 0; i < count; i++)
		len += strlen(args[i]) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (int i = 0; i < count; i++)
		p += sprintf(p, i ? " %s" : "%s", args[i]);
	return s;
}

static int insert(const char *path, const char *params, unsigned int flags)
{
	struct modtool_module *mod;
	struct modtool_ctx *ctx;
	struct stat st;
	int err;

	if (stat(path, &st) < 0) {
		tool_error("could not load module %s: %m\n", path);
		return -errno;
	}
	err = modtool_ctx_new(NULL, &ctx);
	if (err < 0) {
		tool_error("cannot create context: %s\n", strerror(-err));
		return err;
	}
	tool_log_setup(ctx, LOG_ERR);
	err = modtool_ctx_load_policy(ctx, NULL);
	if (err < 0) {
		tool_error("cannot read the load policy: %s\n", strerror(-err));
		modtool_ctx_free(ctx);
		return err;
	}
	err = modtool_module_new_from_path(ctx, path, &mod);
	if (err < 0) {
		tool_error("could not load module %s: %s\n", path, strerror(-err));
	} else {
		err = modtool_module_insert(mod, params, flags);
		/* -ELIBACC: the library named the file and the library it lacks;
		 * -ECANCELED: the load policy refused it, naming its rule */
		if (err < 0 && err != -ELIBACC && err != -ECANCELED)
			tool_error("could not insert module %s: %s\n", path,
				   insert_strerror(-err));
		modtool_module_unref(mod);
	}
	modtool_ctx_free(ctx);
	return err;
}

int main(int argc, char *argv[])
{
	unsigned int flags = 0;
	char *params;
	int c, err;

	while ((c = getopt_long(argc, argv, "psfvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
		case 's':
		case 'v':
			break;	/* accepted and ignored, as by kmod */
		case 'f':
			flags |= MODTOOL_LOAD_FORCE_VERMAGIC | MODTOOL_LOAD_FORCE_MODVERSION;
			break;
		case OPT_FORCE_MODVERSION: flags |= MODTOOL_LOAD_FORCE_MODVERSION; break;
		case OPT_FORCE_VERMAGIC: flags |= MODTOOL_LOAD_FORCE_VERMAGIC; break;
		case 'V': tool_print_version(); return EXIT_SUCCESS;
		case 'h': printf(usage, program_invocation_short_name); return EXIT_SUCCESS;
		default: return EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		tool_error("missing filename.\n");
		return EXIT_FAILURE;
	}
	if (strcmp(argv[optind], "-") == 0) {
		tool_error("this tool does not support loading from stdin!\n");
		return EXIT_FAILURE;
	}
	params = join_params(argv + optind + 1, argc - optind - 1);
	if (!params) {
		tool_error("out of memory\n");
		return EXIT_FAILURE;
	}
	err = insert(argv[optind], params, flags);
	free(params);
	return err < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
