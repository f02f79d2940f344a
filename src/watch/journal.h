/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing records to the journal's native socket and to syslog, without
 * libsystemd: the native protocol is KEY=VALUE lines in one datagram, a
 * value holding a newline written as KEY, newline, its length (64-bit
 * little-endian), the bytes, newline; a record too large for a datagram
 * goes in a sealed memfd passed over the socket.
 */
#ifndef MODTOOL_WATCH_JOURNAL_H
#define MODTOOL_WATCH_JOURNAL_H

#include <stddef.h>

#include "base/buf.h"

#define MT_JOURNAL_SOCKET "/run/systemd/journal/socket"
#define MT_SYSLOG_SOCKET "/dev/log"

/* Append the field @key=@value (@len bytes, any bytes) to the record @b. */
void mt_journal_field(struct mt_buf *b, const char *key, const char *value, size_t len);
void mt_journal_field_str(struct mt_buf *b, const char *key, const char *value);
/* Send the record @b to the journal socket @path: 0 or -errno (nothing listens: -ENOENT...). */
int mt_journal_send(const char *path, const struct mt_buf *b);
/*
 * The same record as one syslog line to @path: "<PRI>TIMESTAMP IDENT[PID]:
 * MESSAGE KEY=VALUE...", values quoted where they hold spaces, newlines
 * escaped.  0 or -errno.
 */
int mt_syslog_send(const char *path, const struct mt_buf *b, int priority, const char *ident);

#endif
