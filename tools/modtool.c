// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modtool: what no other module tool does, as subcommands.  Run under the
 * name sign-file it is the kernel's scripts/sign-file, so DKMS's sign_file
 * setting and kernel build trees can point at it directly.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "modtool.h"
#include "tool.h"

static const struct {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *what;
} subcommands[] = {
	{ "verify", modtool_verify_main, "check modules' signatures against trusted certificates" },
	{ "sign", modtool_sign_main, "sign modules (scripts/sign-file's command line)" },
	{ "status", modtool_status_main, "the kernel's taint, module signing and lockdown state" },
	{ "check", modtool_check_main, "will a module load, what taint, can it be removed (offline)" },
	{ "monitor", modtool_monitor_main, "print module loads and removals as they happen" },
};
#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *out)
{
	fprintf(out, "Usage: modtool COMMAND [options] [args]\n\nCommands:\n");
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].what);
	fprintf(out, "  %-8s %s\n  %-8s %s\n\n'modtool COMMAND --help' tells more.\n",
		"help", "show this help", "version", "show the version");
}

int main(int argc, char *argv[])
{
	const char *cmd;

	if (strcmp(program_invocation_short_name, "sign-file") == 0)
		return modtool_sign_main(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	cmd = argv[1];
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (strcmp(cmd, subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		tool_print_version();
		return 0;
	}
	tool_error("unknown command '%s'\n", cmd);
	usage(stderr);
	return 1;
}
