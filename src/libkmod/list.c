// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod_list: a circular doubly linked list reached through its first entry
 * (NULL when empty).  Programs compiled against kmod's header walk it with
 * macros that call these functions, so the shape is the ABI.
 */
#include <stdlib.h>

#include "libkmod/internal.h"

KMOD_EXPORT struct kmod_list *kmod_list_next(const struct kmod_list *list,
					     const struct kmod_list *curr)
{
	if (!list || !curr || curr->next == list)
		return NULL;
	return curr->next;
}

KMOD_EXPORT struct kmod_list *kmod_list_prev(const struct kmod_list *list,
					     const struct kmod_list *curr)
{
	if (!list || !curr || curr == list)
		return NULL;
	return curr->prev;
}

KMOD_EXPORT struct kmod_list *kmod_list_last(const struct kmod_list *list)
{
	return list ? list->prev : NULL;
}

struct kmod_list *mt_kmod_list_append(struct kmod_list *list, void *data)
{
	struct kmod_list *entry = malloc(sizeof(*entry));

	if (!entry)
		return NULL;
	entry->data = data;
	if (!list) {
		entry->next = entry->prev = entry;
		return entry;
	}
	entry->next = list;
	entry->prev = list->prev;
	list->prev->next = entry;
	list->prev = entry;
	return list;
}

void mt_kmod_list_free(struct kmod_list *list, void (*free_data)(void *data))
{
	struct kmod_list *entry = list;

	if (!list)
		return;
	/* cut the circle once, then walk to its end */
	list->prev->next = NULL;
	while (entry) {
		struct kmod_list *next = entry->next;

		if (free_data)
			free_data(entry->data);
		free(entry);
		entry = next;
	}
}
