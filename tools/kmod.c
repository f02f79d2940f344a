// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmod: the multi-call binary a kmod package installs.  Run under the name
 * of a tool (the links insmod, rmmod, lsmod, modprobe, modinfo, depmod) it is
 * that tool; otherwise it takes kmod's commands: list, static-nodes, help.
 * The tools are the same sources as the separate binaries, their main()
 * renamed at build time (tools/meson.build).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kmod.h"
#include "tool.h"

struct command {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *what;
};

static const struct command tools[] = {
	{ "lsmod", lsmod_main, "compat lsmod command" },
	{ "rmmod", rmmod_main, "compat rmmod command" },
	{ "insmod", insmod_main, "compat insmod command" },
	{ "modinfo", modinfo_main, "compat modinfo command" },
	{ "modprobe", modprobe_main, "compat modprobe command" },
	{ "depmod", depmod_main, "compat depmod command" },
};

static int help(int argc, char *argv[]);

static const struct command commands[] = {
	{ "help", help, "Show help message" },
	{ "list", kmod_list_main, "list currently loaded modules" },
	{ "static-nodes", kmod_static_nodes_main,
	  "outputs the static-node information installed with the currently running kernel" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int help(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("kmod - Manage kernel modules: list, load, unload, etc\n"
	       "Usage:\n"
	       "\t%s [options] command [command_options]\n\n"
	       "Options:\n"
	       "\t-V, --version     show version\n"
	       "\t-h, --help        show this help\n\n"
	       "Commands:\n", program_invocation_short_name);
	for (size_t i = 0; i < N(commands); i++)
		printf("  %-12s %s\n", commands[i].name, commands[i].what);
	printf("\nkmod also handles gracefully if called from following symlinks:\n");
	for (size_t i = 0; i < N(tools); i++)
		printf("  %-12s %s\n", tools[i].name, tools[i].what);
	return 0;
}

int kmod_list_main(int argc, char *argv[])
{
	return lsmod_main(argc, argv);
}

int main(int argc, char *argv[])
{
	const char *cmd;

	for (size_t i = 0; i < N(tools); i++)
		if (strcmp(program_invocation_short_name, tools[i].name) == 0)
			return tools[i].main(argc, argv);
	if (argc < 2) {
		fprintf(stderr, "kmod: missing command\n");
		help(argc, argv);
		return 1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		tool_print_version();
		return 0;
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help"))
		return help(argc, argv) == 0 ? 0 : 1;
	for (size_t i = 0; i < N(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "kmod: unknown command '%s'\n", cmd);
	help(argc, argv);
	return 1;
}
