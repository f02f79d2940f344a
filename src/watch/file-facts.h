/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the monitor and the audit trail tell of a module's file: where it
 * is, its SHA-256 (of the file as it lies on disk, compressed or not) and
 * the signer its signature names (modinfo's "signer", not verified).
 */
#ifndef MODTOOL_WATCH_FILE_FACTS_H
#define MODTOOL_WATCH_FILE_FACTS_H

#include "base/sha256.h"

struct modtool_ctx;

struct mt_file_facts {
	char *path;		/* NULL: the module tree has no file of that name */
	char *signer;		/* NULL: unsigned, or the signature unreadable */
	char sha256[MT_SHA256_HEX_LEN];	/* "": the file could not be read */
};

/* Facts remembered by file identity (device, inode, size, mtime), for a long-lived monitor. */
struct mt_facts_cache;
struct mt_facts_cache *mt_facts_cache_new(void);
void mt_facts_cache_free(struct mt_facts_cache *cache);

/*
 * The facts of module @name's file: @path when given, else the file the
 * context's module tree has for that name.  @cache may be NULL.  0 (the
 * fields that could not be found left empty), or -ENOMEM.
 */
int mt_file_facts_read(struct modtool_ctx *ctx, struct mt_facts_cache *cache, const char *name,
		       const char *path, struct mt_file_facts *out);
void mt_file_facts_clear(struct mt_file_facts *f);

#endif
