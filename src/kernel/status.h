/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel's security state (status.c): what modtool_status_read() fills. */
#ifndef MODTOOL_KERNEL_STATUS_H
#define MODTOOL_KERNEL_STATUS_H

#include <stdbool.h>
#include <stddef.h>

/* Pairs of strings: (module, taint letters), (module, where), (keyring, key). */
struct mt_status_entry {
	char *a, *b;
};

struct mt_status_entries {
	struct mt_status_entry *v;
	size_t n, cap;
};

struct modtool_status {
	long long taint;		/* -1: unknown */
	int modules_disabled;		/* 0, 1, -1 unknown */
	int sig_enforce;		/* 0, 1, -1 unknown (no module signing) */
	int loadpin;			/* 0, 1, -1 absent */
	int modular;			/* /proc/modules: 1 read, 0 absent, -1 unreadable */
	char *lockdown;			/* "none", "integrity"...; NULL unknown */
	bool ipe_present;
	char *ipe_policy;		/* the active IPE policy, NULL none */
	bool proc_modules_damaged;	/* a line of /proc/modules could not be read */
	bool sysfs_compared;
	bool keys_read;
	struct mt_status_entries loaded;	/* every module, its taint letters */
	struct mt_status_entries hidden;	/* name, "/proc/modules only"... */
	struct mt_status_entries keys;		/* keyring, key description */
	bool load_allowed;
	char *load_why;
};

/* Parsers of one line, for the fuzz target and unit tests (@line is cut up). */
int mt_proc_modules_line_taint(char *line, const char **name, const char **letters);
int mt_proc_keys_line(char *line, unsigned long *id, const char **type, const char **desc);

#endif
