/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The audit trail's writer, installed in every context (context.c). */
#ifndef MODTOOL_WATCH_AUDIT_H
#define MODTOOL_WATCH_AUDIT_H

#include "base/buf.h"

struct modtool_ctx;
struct mt_audit_record;

/* Set @ctx's audit hook; the configuration is read on the first record. 0 or -ENOMEM. */
int mt_audit_install(struct modtool_ctx *ctx);
/*
 * The native journal record for @r (without sending it): the fields
 * modtool_ctx_set_audit() documents.  @requested_by_kernel and @parent as
 * found for this process.  Its syslog priority in *@priority.
 */
void mt_audit_format(struct modtool_ctx *ctx, const struct mt_audit_record *r,
		     bool requested_by_kernel, const char *parent, struct mt_buf *b, int *priority);

#endif
