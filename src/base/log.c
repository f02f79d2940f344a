// SPDX-License-Identifier: LGPL-2.1-or-later
/* Logging through the context's callback: messages as severe as its priority or more. */
#include <stdarg.h>

#include "base/internal.h"

void mt_log(const struct modtool_ctx *ctx, int priority, const char *format, ...)
{
	va_list args;

	if (!ctx || !ctx->log_fn || priority > ctx->log_priority)
		return;
	va_start(args, format);
	ctx->log_fn(ctx->log_data, priority, format, args);
	va_end(args);
}
