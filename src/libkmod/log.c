// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkmod's logging: a callback with syslog priorities and the place of
 * the message, errors only unless KMOD_LOG or kmod_set_log_priority() say
 * more.  The engine's messages take the same way.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkmod/internal.h"

void mt_kmod_log_stderr(void *data, int priority, const char *file, int line, const char *fn,
			const char *format, va_list args)
{
	fputs("libkmod: ", stderr);
	if (fn && *fn)
		fprintf(stderr, "%s: ", fn);
	vfprintf(stderr, format, args);
}

void mt_kmod_log(const struct kmod_ctx *ctx, int priority, const char *fn, const char *format,
		 ...)
{
	va_list args;

	if (!ctx || !ctx->log_fn || priority > modtool_ctx_get_log_priority(ctx->mt))
		return;
	va_start(args, format);
	ctx->log_fn((void *)ctx->log_data, priority, __FILE__, 0, fn, format, args);
	va_end(args);
}

void mt_kmod_forward_log(void *data, int priority, const char *format, va_list args)
{
	const struct kmod_ctx *ctx = data;

	/* the engine's message does not say where it arose: name the library */
	if (ctx->log_fn)
		ctx->log_fn((void *)ctx->log_data, priority, "libmodtool", 0, "", format, args);
}

int mt_kmod_log_priority_of(const char *text)
{
	char *end;
	long prio = strtol(text, &end, 10);

	if (end != text && (*end == '\0' || isspace((unsigned char)*end)))
		return (int)prio;
	if (strncmp(text, "err", 3) == 0)
		return LOG_ERR;
	if (strncmp(text, "info", 4) == 0)
		return LOG_INFO;
	if (strncmp(text, "debug", 5) == 0)
		return LOG_DEBUG;
	return 0;
}
