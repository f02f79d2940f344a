// SPDX-License-Identifier: GPL-2.0-or-later
/* Messages and version output shared by the commands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "tool.h"

static void vmessage(const char *level, const char *format, va_list args)
{
	fprintf(stderr, "%s: %s: ", program_invocation_short_name, level);
	vfprintf(stderr, format, args);
}

void tool_error(const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vmessage("ERROR", format, args);
	va_end(args);
}

void tool_warning(const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vmessage("WARNING", format, args);
	va_end(args);
}

static void log_fn(void *userdata, int priority, const char *format, va_list args)
{
	vmessage(priority <= LOG_ERR ? "ERROR" : priority == LOG_WARNING ? "WARNING" :
		 priority == LOG_DEBUG ? "DEBUG" : "INFO", format, args);
}

void tool_log_setup(struct modtool_ctx *ctx, int priority)
{
	modtool_ctx_set_log_fn(ctx, log_fn, NULL);
	modtool_ctx_set_log_priority(ctx, priority);
}

void tool_print_version(void)
{
	printf("modtool version %s\n%s\n", modtool_version(), modtool_features());
}

int tool_push_arg(const char ***v, size_t *n, const char *arg)
{
	const char **p = realloc(*v, (*n + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	p[(*n)++] = arg;
	*v = p;
	return 0;
}
