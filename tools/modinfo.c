// SPDX-License-Identifier: GPL-2.0-or-later
/* modinfo: show what a kernel module says about itself. Output as kmod's. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
	"\t%s [options] <modulename|filename> [args]\n"
	"Options:\n"
	"\t-a, --author                Print only 'author'\n"
	"\t-d, --description           Print only 'description'\n"
	"\t-l, --license               Print only 'license'\n"
	"\t-p, --parameters            Print only 'parm'\n"
	"\t-n, --filename              Print only 'filename'\n"
	"\t-0, --null                  Use \\0 instead of \\n\n"
	"\t-m, --modname               Handle argument as module name instead of alias or filename\n"
	"\t-F, --field=FIELD           Print only provided FIELD\n"
	"\t    --json                  Print JSON (an array, one object per module)\n"
	"\t-k, --set-version=VERSION   Use VERSION instead of `uname -r`\n"
	"\t-b, --basedir=DIR           Use DIR as filesystem root for /lib/modules\n"
	"\t-V, --version               Show version\n"
	"\t-h, --help                  Show this help\n";

static const struct option longopts[] = {
	{ "author", no_argument, NULL, 'a' },
	{ "description", no_argument, NULL, 'd' },
	{ "license", no_argument, NULL, 'l' },
	{ "parameters", no_argument, NULL, 'p' },
	{ "filename", no_argument, NULL, 'n' },
	{ "null", no_argument, NULL, '0' },
	{ "modname", no_argument, NULL, 'm' },
	{ "field", required_argument, NULL, 'F' },
	{ "json", no_argument, NULL, 'J' },
	{ "set-version", required_argument, NULL, 'k' },
	{ "basedir", required_argument, NULL, 'b' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *field;
static char sep = '\n';
static struct modtool_json *json;	/* --json: the writer, else NULL */

/* kmod prints parameters grouped by name, after the other keys. */
static void print_params(const struct modtool_params *params, bool only)
{
	for (size_t i = 0; i < modtool_params_count(params); i++) {
		const char *name = modtool_params_get_name(params, i);
		const char *desc = modtool_params_get_description(params, i);
		const char *type = modtool_params_get_type(params, i);

		if (!only)
			printf("%-16s", "parm:");
		if (!desc)
			printf(only ? "%s: (%s)%c" : "%s:%s%c", name, type, sep);
		else if (type)
			printf("%s:%s (%s)%c", name, desc, type, sep);
		else
			printf("%s:%s%c", name, desc, sep);
	}
}

static void print_info(const struct modtool_info *info)
{
	for (size_t i = 0; i < modtool_info_count(info); i++) {
		const char *key = modtool_info_get_key(info, i);
		const char *value = modtool_info_get_value(info, i);

		if (field) {
			if (strcmp(field, key) == 0)
				printf("%s%c", value, sep);
		} else if (strcmp(key, "parm") == 0 || strcmp(key, "parmtype") == 0) {
			continue;
		} else if (sep == '\0') {
			printf("%s=%s%c", key, value, sep);
		} else {
			printf("%s:%-*s%s%c", key, 15 - (int)strlen(key), "", value, sep);
		}
	}
}

static int show_module(struct modtool_module *mod)
{
	const char *filename = modtool_module_get_path(mod);
	struct modtool_params *params = NULL;
	struct modtool_info *info;
	unsigned int flags = 0;
	int err;

	if (json)
		return modtool_json_module_info(json, mod, field);
	if (!filename) {
		if (!field)
			printf("%-16s%s%c", "name:", modtool_module_get_name(mod), sep);
		else if (strcmp(field, "name") == 0)
			printf("%s%c", modtool_module_get_name(mod), sep);
		filename = "(builtin)";
	}
	if (field && strcmp(field, "filename") == 0) {
		printf("%s%c", filename, sep);
		return 0;
	}
	if (!field)
		printf("%-16s%s%c", "filename:", filename, sep);
	if (!field || modtool_info_is_signature_key(field))
		flags |= MODTOOL_INFO_SIGNATURE;
	err = modtool_module_get_info(mod, flags, &info);
	if (err == -ENOENT && modtool_module_is_builtin(mod))
		return 0;	/* an old kernel without modules.builtin.modinfo */
	if (err < 0)
		return err;
	if (!field || strcmp(field, "parm") == 0) {
		err = modtool_info_get_params(info, &params);
		if (err < 0)
			goto out;
	}
	if (field && strcmp(field, "parm") == 0) {
		print_params(params, true);
	} else {
		print_info(info);
		if (!field)
			print_params(params, false);
	}
	err = 0;
out:
	modtool_params_free(params);
	modtool_info_free(info);
	return err;
}

static int show_path(struct modtool_ctx *ctx, const char *path)
{
	struct modtool_module *mod;
	int err = modtool_module_new_from_path(ctx, path, &mod);

	if (err < 0) {
		tool_error("Module file %s not found.\n", path);
		return err;
	}
	err = show_module(mod);
	modtool_module_unref(mod);
	return err;
}

static int show_lookup(struct modtool_ctx *ctx, const char *name, bool name_only)
{
	struct modtool_list *list;
	int err = modtool_module_lookup(ctx, name,
					name_only ? MODTOOL_LOOKUP_NAME_ONLY : 0, &list);

	if (err < 0) {
		tool_error(name_only ? "Module name %s not found.\n" :
			   "Module alias %s not found.\n", name);
		return err;
	}
	if (err == 0) {
		tool_error(name_only ? "Module name %s not found.\n" :
			   "Module %s not found.\n", name);
		modtool_list_free(list);
		return -ENOENT;
	}
	err = 0;
	for (size_t i = 0; i < modtool_list_count(list); i++) {
		int r = show_module(modtool_list_get(list, i));

		if (r < 0)
			err = r;
	}
	modtool_list_free(list);
	return err;
}

/* An existing regular file with a module's extension is a path, not a name. */
static bool is_module_file(const char *arg)
{
	static const char *const exts[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };
	size_t len = strlen(arg);
	struct stat st;

	if (stat(arg, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t n = strlen(exts[i]);

		if (len >= n && strcmp(arg + len - n, exts[i]) == 0)
			return true;
	}
	return false;
}

/* -b and -k name the tree as ROOT/lib/modules/VERSION; neither: the running kernel's. */
static int module_dir(const char *root, const char *kver, char *buf, size_t size)
{
	struct utsname u;

	if (!root && !kver)
		return 0;
	if (!kver) {
		if (uname(&u) < 0) {
			tool_error("uname() failed: %m\n");
			return -1;
		}
		kver = u.release;
	}
	if (snprintf(buf, size, "%s/lib/modules/%s", root ? root : "", kver) >= (int)size) {
		tool_error("module directory name too long\n");
		return -1;
	}
	return 1;
}

int main(int argc, char *argv[])
{
	const char *root = NULL, *kver = NULL;
	struct modtool_ctx *ctx;
	char dir[PATH_MAX];
	bool name_only = false, json_wanted = false;
	int c, r, err = 0;

	while ((c = getopt_long(argc, argv, "adlpn0mF:k:b:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': field = "author"; break;
		case 'd': field = "description"; break;
		case 'l': field = "license"; break;
		case 'p': field = "parm"; break;
		case 'n': field = "filename"; break;
		case '0': sep = '\0'; break;
		case 'm': name_only = true; break;
		case 'F': field = optarg; break;
		case 'J': json_wanted = true; break;
		case 'k': kver = optarg; break;
		case 'b': root = optarg; break;
		case 'V': tool_print_version(); return EXIT_SUCCESS;
		case 'h': printf(usage, program_invocation_short_name); return EXIT_SUCCESS;
		default: return EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		tool_error("missing module or filename.\n");
		return EXIT_FAILURE;
	}
	r = module_dir(root, kver, dir, sizeof(dir));
	if (r < 0)
		return EXIT_FAILURE;
	r = modtool_ctx_new(r ? dir : NULL, &ctx);
	if (r < 0) {
		tool_error("cannot create context: %s\n", strerror(-r));
		return EXIT_FAILURE;
	}
	tool_log_setup(ctx, LOG_WARNING);
	/* one array for every argument; -0 has nothing to separate then */
	if (json_wanted) {
		json = modtool_json_new(STDOUT_FILENO);
		if (!json) {
			tool_error("out of memory\n");
			modtool_ctx_free(ctx);
			return EXIT_FAILURE;
		}
		modtool_json_begin_array(json);
	}
	for (int i = optind; i < argc; i++) {
		if (name_only)
			r = show_lookup(ctx, argv[i], true);
		else if (is_module_file(argv[i]))
			r = show_path(ctx, argv[i]);
		else
			r = show_lookup(ctx, argv[i], false);
		if (r < 0)
			err = r;
	}
	if (json) {
		modtool_json_end_array(json);
		r = modtool_json_free(json);
		if (r < 0) {
			tool_error("could not write the output: %s\n", strerror(-r));
			err = r;
		}
	}
	modtool_ctx_free(ctx);
	return err < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
