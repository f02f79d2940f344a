// SPDX-License-Identifier: GPL-2.0-or-later
/* lsmod: list the loaded modules in kmod's format. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "tool.h"

/* kmod's columns: name padded to 19, size right-aligned in 8, then users. */
static int print_loaded(struct modtool_ctx *ctx, FILE *out)
{
	struct modtool_loaded *list;
	int err = modtool_loaded_list(ctx, &list);

	if (err < 0) {
		fprintf(stderr, "Error: could not get list of modules: %s\n", strerror(-err));
		return err;
	}
	fputs("Module                  Size  Used by\n", out);
	for (size_t i = 0; i < modtool_loaded_count(list); i++) {
		const char *holders = modtool_loaded_get_holders(list, i);

		fprintf(out, "%-19s %8lu  %d%s%s\n", modtool_loaded_get_name(list, i),
			modtool_loaded_get_size(list, i), modtool_loaded_get_refcount(list, i),
			*holders ? " " : "", holders);
	}
	modtool_loaded_free(list);
	return 0;
}

/* "a,b" as ["a","b"]. */
static int json_holders(struct modtool_json *j, const char *holders)
{
	char *copy = strdup(holders), *save = NULL;

	if (!copy)
		return -ENOMEM;
	modtool_json_key(j, "holders");
	modtool_json_begin_array(j);
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save))
		modtool_json_string(j, name);
	modtool_json_end_array(j);
	free(copy);
	return 0;
}

/* The same list as JSON: [{"name", "size", "refcount", "holders"}...]. */
static int print_loaded_json(struct modtool_ctx *ctx)
{
	struct modtool_loaded *list;
	struct modtool_json *j;
	int err = modtool_loaded_list(ctx, &list), wr;

	if (err < 0) {
		fprintf(stderr, "Error: could not get list of modules: %s\n", strerror(-err));
		return err;
	}
	err = 0;
	j = modtool_json_new(STDOUT_FILENO);
	if (!j) {
		modtool_loaded_free(list);
		return -ENOMEM;
	}
	modtool_json_begin_array(j);
	for (size_t i = 0; i < modtool_loaded_count(list) && !err; i++) {
		modtool_json_begin_object(j);
		modtool_json_member_string(j, "name", modtool_loaded_get_name(list, i));
		modtool_json_member_int(j, "size", (long long)modtool_loaded_get_size(list, i));
		modtool_json_member_int(j, "refcount", modtool_loaded_get_refcount(list, i));
		err = json_holders(j, modtool_loaded_get_holders(list, i));
		modtool_json_end_object(j);
	}
	modtool_json_end_array(j);
	modtool_loaded_free(list);
	wr = modtool_json_free(j);
	if (err < 0 || wr < 0)
		fprintf(stderr, "Error: could not write the list: %s\n", strerror(err < 0 ? -err : -wr));
	return err < 0 ? err : wr;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage:\n"
		"\t%s [options]\n"
		"Options:\n"
		"\t-s, --syslog      print to syslog, not stderr (accepted)\n"
		"\t-v, --verbose     enables more messages (accepted)\n"
		"\t    --json        print JSON: name, size, refcount, holders\n"
		"\t-V, --version     show version\n"
		"\t-h, --help        show this help\n", program_invocation_short_name);
}

int main(int argc, char *argv[])
{
	/* kmod 30's lsmod took no option; newer ones take these */
	static const struct option longopts[] = {
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct modtool_ctx *ctx;
	bool json = false;
	int c, err;

	while ((c = getopt_long(argc, argv, "svVh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'v':
			break;
		case 'J': json = true; break;
		case 'V': tool_print_version(); return EXIT_SUCCESS;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		default: usage(stderr); return EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		/* kmod 30's words for an argument it does not take */
		fprintf(stderr, "Usage: %s\n", argv[0]);
		return EXIT_FAILURE;
	}
	err = modtool_ctx_new(NULL, &ctx);
	if (err < 0) {
		fprintf(stderr, "Error: cannot create context: %s\n", strerror(-err));
		return EXIT_FAILURE;
	}
	modtool_ctx_set_log_fn(ctx, NULL, NULL);
	err = json ? print_loaded_json(ctx) : print_loaded(ctx, stdout);
	modtool_ctx_free(ctx);
	return err < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
