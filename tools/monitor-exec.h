/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modtool monitor --exec: one command per event, run one at a time in
 * event order, never through a shell (unless the command is one), while
 * events go on being read: a slow command makes the next ones wait in a
 * queue of MONITOR_EXEC_QUEUE; past that, an event's command is skipped
 * (said on stderr).
 */
#ifndef MODTOOL_MONITOR_EXEC_H
#define MODTOOL_MONITOR_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include <libmodtool.h>

#define MONITOR_EXEC_QUEUE 1024

struct monitor_exec;

/*
 * Split @command into words (blanks separate; '...' and "..." group; a
 * backslash escapes the next character outside '...'): NULL with a message
 * when it is empty or a quote is not closed.  @output_fd: the command's
 * standard output.
 */
struct monitor_exec *monitor_exec_new(const char *command, int output_fd);
void monitor_exec_free(struct monitor_exec *x);
/* Run the command for @ev now, or queue it. */
void monitor_exec_event(struct monitor_exec *x, const struct modtool_monitor_event *ev);
/* After SIGCHLD: reap the finished command, start the next one waiting. */
void monitor_exec_reap(struct monitor_exec *x);
/* Commands waiting (not started) now. */
size_t monitor_exec_waiting(const struct monitor_exec *x);

#endif
