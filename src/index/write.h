/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing the modules.*.bin tries (format in index.h), byte for byte as kmod
 * 30's depmod writes them for the same keys, values and priorities:
 *
 * - the trie is the path-compressed one: the root never has a prefix; every
 *   other node holds the longest prefix its keys share and has values or at
 *   least two children;
 * - nodes are written children first (post-order), children in character
 *   order, so the root is the last node of the file; absent children inside a
 *   node's [first, last] range are written as offset 0;
 * - a key's values are sorted by ascending priority, and among equal
 *   priorities the one added last comes first;
 * - nothing is dropped: the same key and value added twice is stored twice;
 * - an empty builder gives the 12-byte header whose root offset (12) points
 *   at an empty node.
 *
 * Building sorts the entries once and emits the nodes from the sorted array
 * with an explicit stack: O(n log n) time, memory proportional to the input,
 * no recursion however long the keys.
 */
#ifndef MODTOOL_INDEX_WRITE_H
#define MODTOOL_INDEX_WRITE_H

#include <stddef.h>
#include <stdint.h>

struct mt_index_builder;

int mt_index_builder_new(struct mt_index_builder **b);
void mt_index_builder_free(struct mt_index_builder *b);

/*
 * Add @value under @key (both copied).  Keys are 7-bit ASCII: a byte >= 128
 * gives -EINVAL, as does a NULL key or value.  Values may hold any byte but
 * NUL.  The empty key is allowed (its values go to the root node).
 */
int mt_index_builder_add(struct mt_index_builder *b, const char *key, const char *value,
			 uint32_t priority);

/* Number of key/value pairs added so far. */
size_t mt_index_builder_count(const struct mt_index_builder *b);

/*
 * Serialize everything added so far into a new buffer (*buf, *size; the
 * caller frees *buf).  The builder stays usable.  -EFBIG when a node would
 * lie beyond the 28 bits a node offset holds, -ENOMEM.
 */
int mt_index_builder_write(struct mt_index_builder *b, uint8_t **buf, size_t *size);

#endif
