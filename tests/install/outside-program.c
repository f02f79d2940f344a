// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An outside program built against the installed libmodtool with pkg-config
 * alone: prints the description and the number of aliases of a module file.
 */
#include <libmodtool.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char *argv[])
{
	struct modtool_module *mod;
	struct modtool_info *info;
	struct modtool_ctx *ctx;
	size_t aliases = 0;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MODULE_DIR MODULE_FILE\n", argv[0]);
		return 2;
	}
	err = modtool_ctx_new(argv[1], &ctx);
	if (err < 0)
		return 1;
	err = modtool_module_new_from_path(ctx, argv[2], &mod);
	if (err == 0)
		err = modtool_module_get_info(mod, 0, &info);
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", argv[2], strerror(-err));
		return 1;
	}
	for (size_t i = 0; i < modtool_info_count(info); i++) {
		const char *key = modtool_info_get_key(info, i);

		if (strcmp(key, "description") == 0)
			printf("%s: %s\n", modtool_module_get_name(mod), modtool_info_get_value(info, i));
		aliases += strcmp(key, "alias") == 0;
	}
	printf("aliases: %zu\nlibmodtool %s (%s)\n", aliases, modtool_version(), modtool_features());
	modtool_info_free(info);
	modtool_module_unref(mod);
	modtool_ctx_free(ctx);
	return 0;
}
