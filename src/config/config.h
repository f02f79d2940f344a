/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modprobe configuration: modprobe.d files, the tree's modules.softdep and
 * modules.weakdep, and the kernel command line, read once into a context.
 */
#ifndef MODTOOL_MODPROBE_CONFIG_H
#define MODTOOL_MODPROBE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "libmodtool.h"

struct modtool_ctx;

struct mt_config_entry {
	const char *key;	/* module name, or alias/name pattern, '-' made '_' */
	const char *value;	/* as kmod's -c prints it; NULL for a blacklist line */
	const char *const *deps;	/* softdep: pre then post; weakdep: all */
	unsigned int npre, npost;
	/*
	 * softdep and weakdep: the list as written, until mt_config_entry_ready()
	 * cuts it into deps and value (then NULL).  Most lists are never asked
	 * for: modules.softdep alone is dozens of lines read by every modprobe.
	 */
	char *list;
	const char *file;	/* "" for the kernel command line */
	unsigned int line;	/* 0 for the kernel command line */
	bool glob;		/* key has fnmatch(3) specials (mt_underscores() says) */
};
/* The strings of an entry live as long as its configuration (its memory, below). */

struct mt_config;

int mt_config_new(struct mt_config **cfg);
void mt_config_free(struct mt_config *cfg);

/*
 * Read the files of @paths (files, or directories of *.conf and *.alias; the
 * standard directories when NULL) and the tree's modules.softdep and
 * modules.weakdep, all in file-name order (the first file of a name wins),
 * then the kernel command line from @cmdline ("/proc/cmdline" when NULL,
 * nothing when "").  Bad lines are logged with file:line and skipped.
 */
int mt_config_load(struct modtool_ctx *ctx, const char *const *paths, const char *cmdline,
		   struct mt_config **cfg);

/* Are the configuration paths @cfg was read from as they were then? */
bool mt_config_is_current(const struct mt_config *cfg);
/*
 * Memory that lives as long as @cfg, aligned for any type: file contents,
 * strings of entries.  NULL when out of memory.
 */
void *mt_config_alloc(struct mt_config *cfg, size_t size);
/* @name copied into @cfg's memory (once for consecutive calls with one name). */
const char *mt_config_file_name(struct mt_config *cfg, const char *name);
/* Append a copy of @e (its strings are not copied: they must live in @cfg). */
int mt_config_add(struct mt_config *cfg, enum modtool_config_kind kind,
		  const struct mt_config_entry *e);

/*
 * parse.c: parse @len bytes of @buf, a block of mt_config_alloc() with
 * room for one more byte, in place (it is cut into the entries' strings) as
 * read from file @name.
 */
int mt_config_parse_owned(struct modtool_ctx *ctx, struct mt_config *cfg, const char *name,
			  char *buf, size_t len);
/* Parse @len bytes of configuration as if read from file @name (copied first). */
int mt_config_parse_buffer(struct modtool_ctx *ctx, struct mt_config *cfg, const char *name,
			   const char *buf, size_t len);
/* cmdline.c: a kernel command line (modprobe.blacklist=, mod.param=value). */
int mt_config_parse_cmdline(struct modtool_ctx *ctx, struct mt_config *cfg, const char *buf,
			    size_t len);

const struct mt_config_entry *mt_config_entries(const struct mt_config *cfg,
						enum modtool_config_kind kind, size_t *n);
/* Entry @i of @kind with its softdep or weakdep list cut (see list): -ENOENT past the end. */
int mt_config_entry_at(struct mt_config *cfg, enum modtool_config_kind kind, size_t i,
		       const struct mt_config_entry **e);
/* parse.c: cut @e's softdep or weakdep list into deps and value, once. */
int mt_config_entry_ready(struct mt_config *cfg, enum modtool_config_kind kind,
			  struct mt_config_entry *e);
/* The first softdep (or weakdep: @kind) line for @name, its list cut; *e NULL if none. */
int mt_config_first_list(struct mt_config *cfg, enum modtool_config_kind kind, const char *name,
			 const struct mt_config_entry **e);

/* First entry of @kind whose key, read as a pattern, matches @name (kmod's rule
 * for install, remove, softdep and weakdep); NULL when none. */
const struct mt_config_entry *mt_config_first_match(const struct mt_config *cfg,
						    enum modtool_config_kind kind,
						    const char *name);
/* Does @e's key, read as an fnmatch(3) pattern when it is one, match @name? */
bool mt_config_entry_matches(const struct mt_config_entry *e, const char *name);

/* strcmp() == 0, without the call when the first bytes differ (most keys). */
static inline bool mt_config_streq(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}
/* Does a blacklist line name @name exactly? */
bool mt_config_is_blacklisted(const struct mt_config *cfg, const char *name);
/* Does options line @e apply to module @name reached by @alias (may be NULL)? */
bool mt_config_options_apply(const struct mt_config_entry *e, const char *name, const char *alias);
/*
 * The options of every line for @name or @alias, joined by spaces, then a
 * space and @extra when @extra is not NULL (kmod's order and spacing).
 * *out is NULL when there is nothing; the caller frees it.
 */
int mt_config_options(const struct mt_config *cfg, const char *name, const char *alias,
		      const char *extra, char **out);

/*
 * kmod's underscores(): '-' to '_' outside [...]; -EINVAL on a lone
 * bracket, else 1 when @s has fnmatch(3) specials (a pattern), 0 if not.
 */
int mt_underscores(char *s);

#endif
