// SPDX-License-Identifier: GPL-2.0-or-later
/* modtool sign: being written (placeholder so the tree builds). */
#include "modtool.h"
#include "tool.h"

int modtool_sign_main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	tool_error("sign: not built yet\n");
	return 1;
}
