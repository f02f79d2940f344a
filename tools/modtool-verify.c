// SPDX-License-Identifier: GPL-2.0-or-later
/* modtool verify: being written (placeholder so the tree builds). */
#include "modtool.h"
#include "tool.h"

int modtool_verify_main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	tool_error("verify: not built yet\n");
	return 1;
}
