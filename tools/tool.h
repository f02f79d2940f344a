/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every command shares: its name in messages and the library's log. */
#ifndef MODTOOL_TOOL_H
#define MODTOOL_TOOL_H

#include <stddef.h>

#include <libmodtool.h>

#define TOOL_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* "PROG: ERROR: ..." on stderr, as kmod's tools print it. */
void tool_error(const char *format, ...) TOOL_PRINTF(1, 2);
void tool_warning(const char *format, ...) TOOL_PRINTF(1, 2);
/* Route the library's messages through the same prefixes. */
void tool_log_setup(struct modtool_ctx *ctx, int priority);
/* "modtool version X" and the feature line, for --version. */
void tool_print_version(void);
/* Append @arg to the growing array *@v of *@n (a repeated option); -ENOMEM. */
int tool_push_arg(const char ***v, size_t *n, const char *arg);

#endif
