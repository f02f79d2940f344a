// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod's hash function: depmod's outputs list symbols in kmod's table order. */
#include "depmod/depmod.h"

static inline uint32_t le16_at(const char *p)
{
	return (uint32_t)(uint8_t)p[0] | (uint32_t)(uint8_t)p[1] << 8;
}

/*
 * Paul Hsieh's SuperFastHash, as kmod's hash tables use it: we need the same
 * bucket order to write modules.symbols in kmod's order.  kmod reads the
 * 16-bit words in host order (little endian on the machines it runs on here)
 * and the odd last byte as a signed char.
 */
uint32_t mt_superfast_hash(const char *key, size_t len)
{
	uint32_t hash = (uint32_t)len, tmp;
	size_t rem = len & 3;

	for (len /= 4; len > 0; len--, key += 4) {
		hash += le16_at(key);
		tmp = (le16_at(key + 2) << 11) ^ hash;
		hash = (hash << 16) ^ tmp;
		hash += hash >> 11;
	}
	switch (rem) {
	case 3:
		hash += le16_at(key);
		hash ^= hash << 16;
		hash ^= (uint32_t)((int32_t)(signed char)key[2] << 18);
		hash += hash >> 11;
		break;
	case 2:
		hash += le16_at(key);
		hash ^= hash << 11;
		hash += hash >> 17;
		break;
	case 1:
		hash += (uint32_t)(int32_t)(signed char)*key;
		hash ^= hash << 10;
		hash += hash >> 1;
		break;
	}
	hash ^= hash << 3;
	hash += hash >> 5;
	hash ^= hash << 4;
	hash += hash >> 17;
	hash ^= hash << 25;
	hash += hash >> 6;
	return hash;
}
