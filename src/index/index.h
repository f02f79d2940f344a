/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The modules.*.bin tries kmod's depmod writes: reading (mmap, zero-copy).
 * Format: big-endian u32s; header magic 0xB007F457, version 0x0002xxxx (the
 * major half is checked), root node offset.  A node offset's top nibble holds
 * flags (0x80000000 prefix, 0x40000000 values, 0x20000000 children); the low
 * 28 bits are the file offset.  Node: [prefix\0] [u8 first][u8 last]
 * [u32 child x (last-first+1)] [u32 count]{u32 priority, value\0} x count.
 */
#ifndef MODTOOL_INDEX_H
#define MODTOOL_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/internal.h"	/* struct modtool_ctx, enum mt_index_id */

#define MT_INDEX_MAGIC 0xB007F457u
#define MT_INDEX_VERSION_MAJOR 0x0002u
#define MT_INDEX_VERSION_MINOR 0x0001u
#define MT_INDEX_NODE_PREFIX 0x80000000u
#define MT_INDEX_NODE_VALUES 0x40000000u
#define MT_INDEX_NODE_CHILDS 0x20000000u
#define MT_INDEX_NODE_FLAGS 0xF0000000u
#define MT_INDEX_NODE_MASK 0x0FFFFFFFu

struct modtool_ctx;
struct mt_index;

struct mt_index_value {
	uint32_t priority;
	const char *value;	/* NUL-terminated, points into the mapped file */
	size_t len;
};

/*
 * Map @path.  -ENOENT when it does not exist; -EBADMSG (logged with the path
 * and the reason) when it is not an index of a version we read.
 */
int mt_index_open(struct modtool_ctx *ctx, const char *path, struct mt_index **idx);
void mt_index_close(struct mt_index *idx);
const char *mt_index_path(const struct mt_index *idx);

/*
 * Exact lookup of @key: 1 and the first (lowest priority) value in @out, 0
 * when absent, -EBADMSG when the trie is corrupt on the way (logged).
 */
int mt_index_lookup(const struct mt_index *idx, const char *key, struct mt_index_value *out);

/*
 * Every value of every key that, read as an fnmatch(3) pattern, matches @key
 * (keys without wildcard characters match only themselves).  Values are
 * ordered as kmod orders them: by ascending priority, and among equal
 * priorities the one found later first.  Returns their number (caller frees
 * *values) or a negative errno.
 */
int mt_index_lookup_wild(const struct mt_index *idx, const char *key,
			 struct mt_index_value **values);

/*
 * Call @fn for every key/value in key order (values in file order); stops
 * and returns what @fn returns when it is non-zero.  Work is bounded even on
 * a trie whose child offsets loop.
 */
typedef int (*mt_index_visit_fn)(void *data, const char *key,
				 const struct mt_index_value *value);
int mt_index_foreach(const struct mt_index *idx, mt_index_visit_fn fn, void *data);

/* The context's index @id if the tree has it, else NULL (a broken one is logged). */
struct mt_index *mt_ctx_index(struct modtool_ctx *ctx, enum mt_index_id id);
/* Has an index the context holds open been replaced or changed on disk since? */
bool mt_ctx_indexes_changed(const struct modtool_ctx *ctx);

#endif
