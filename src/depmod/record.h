/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One module's facts as depmod keeps them, in memory and in the cache file. */
#ifndef MODTOOL_DEPMOD_RECORD_H
#define MODTOOL_DEPMOD_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/*
 * What depmod needs of one module, as one flat record (also the cache's
 * on-disk form, so it is native-endian and position-independent):
 *   u32 n_info,    then n_info   x "key=value\0"   (alias, softdep, weakdep only)
 *   u32 n_exports, then n_exports x { u64 crc, name\0 }
 *   u32 n_undefs,  then n_undefs  x { u64 crc, u8 weak, name\0 }
 */
struct mt_record {
	uint8_t *data;
	size_t size;
};

/* Building a record. */
void mt_record_put_u32(struct mt_buf *b, uint32_t v);
void mt_record_put_u64(struct mt_buf *b, uint64_t v);
void mt_record_patch_u32(struct mt_buf *b, size_t at, uint32_t v);
/* Walk the record: returns false when it is malformed (a corrupt cache). */
struct mt_record_iter {
	const uint8_t *p, *end;
};
bool mt_record_valid(const uint8_t *data, size_t size);
/* Sections: 0 info, 1 exports, 2 undefs.  Returns the count, iter at the first. */
uint32_t mt_record_section(const struct mt_record *r, int which, struct mt_record_iter *it);
const char *mt_record_next_info(struct mt_record_iter *it);
const char *mt_record_next_symbol(struct mt_record_iter *it, uint64_t *crc, bool *weak);

/* The value of info string @s ("key=value") when its key is @key, else NULL. */
const char *mt_record_info_value(const char *s, const char *key);
/* modules.devname's entry: the devname: alias and the first char- or block-major one. */
struct mt_record_devname {
	const char *devname;	/* into the record; NULL when none */
	char type;		/* 'c', 'b', or 0 when no major */
	unsigned int major, minor;
};
/* true when the record has both (an entry of modules.devname). */
bool mt_record_devname(const struct mt_record *r, struct mt_record_devname *d);

#endif
