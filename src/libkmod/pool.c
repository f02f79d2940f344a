// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A context's module objects by key ("name", or "name\alias" for one found
 * by an alias): asking twice gives the same object.  An object leaves the
 * pool when its last reference goes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libkmod/internal.h"

struct mt_kmod_pool {
	struct kmod_module **slots;	/* open addressing; NULL empty, TOMBSTONE removed */
	size_t size, used, live;
};

static struct kmod_module tombstone;
#define TOMBSTONE (&tombstone)

static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

int mt_kmod_pool_new(struct mt_kmod_pool **poolp)
{
	struct mt_kmod_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return -ENOMEM;
	pool->size = 64;
	pool->slots = calloc(pool->size, sizeof(*pool->slots));
	if (!pool->slots) {
		free(pool);
		return -ENOMEM;
	}
	*poolp = pool;
	return 0;
}

void mt_kmod_pool_free(struct mt_kmod_pool *pool)
{
	if (!pool)
		return;
	free(pool->slots);
	free(pool);
}

/* The slot holding @key, or the empty one where it would go. */
static size_t find_slot(const struct mt_kmod_pool *pool, const char *key)
{
	size_t mask = pool->size - 1, i = key_hash(key) & mask, reuse = SIZE_MAX;

	for (;; i = (i + 1) & mask) {
		struct kmod_module *m = pool->slots[i];

		if (!m)
			return reuse != SIZE_MAX ? reuse : i;
		if (m == TOMBSTONE) {
			if (reuse == SIZE_MAX)
				reuse = i;
		} else if (strcmp(m->key, key) == 0) {
			return i;
		}
	}
}

struct kmod_module *mt_kmod_pool_get(const struct mt_kmod_pool *pool, const char *key)
{
	struct kmod_module *m = pool->slots[find_slot(pool, key)];

	return m == TOMBSTONE ? NULL : m;
}

static int grow(struct mt_kmod_pool *pool)
{
	struct mt_kmod_pool bigger = { .size = pool->size * 2 };

	if (pool->live * 2 < pool->size)
		bigger.size = pool->size;	/* mostly tombstones: rehash in place */
	bigger.slots = calloc(bigger.size, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (size_t i = 0; i < pool->size; i++) {
		struct kmod_module *m = pool->slots[i];

		if (m && m != TOMBSTONE)
			bigger.slots[find_slot(&bigger, m->key)] = m;
	}
	free(pool->slots);
	pool->slots = bigger.slots;
	pool->size = bigger.size;
	pool->used = pool->live;
	return 0;
}

int mt_kmod_pool_add(struct mt_kmod_pool *pool, struct kmod_module *mod)
{
	size_t i;

	/* keep at least a quarter free so that probing ends quickly */
	if ((pool->used + 1) * 4 > pool->size * 3 && grow(pool) < 0)
		return -ENOMEM;
	i = find_slot(pool, mod->key);
	if (!pool->slots[i])
		pool->used++;
	pool->slots[i] = mod;
	pool->live++;
	return 0;
}

void mt_kmod_pool_del(struct mt_kmod_pool *pool, struct kmod_module *mod)
{
	size_t i = find_slot(pool, mod->key);

	if (pool->slots[i] == mod) {
		pool->slots[i] = TOMBSTONE;
		pool->live--;
	}
}
