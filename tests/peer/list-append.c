// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmod's test-blacklist builds a kmod_list itself, calling kmod_list_append(),
 * which libkmod.so.2 does not export.  This stands in for it, in the list
 * layout programs see through the exported kmod_list_next/prev/last: a
 * circular doubly linked list of nodes {next, prev, data}, its handle the
 * first node.  The library frees the nodes with free().
 */
#include <stdlib.h>

struct list_node {
	struct list_node *next, *prev;
};

struct kmod_list {
	struct list_node node;
	void *data;
};

struct kmod_list *kmod_list_append(struct kmod_list *list, const void *data);

struct kmod_list *kmod_list_append(struct kmod_list *list, const void *data)
{
	struct kmod_list *n = malloc(sizeof(*n));

	if (!n)
		return NULL;
	n->data = (void *)data;
	if (!list) {
		n->node.next = n->node.prev = &n->node;
		return n;
	}
	n->node.next = &list->node;
	n->node.prev = list->node.prev;
	list->node.prev->next = &n->node;
	list->node.prev = &n->node;
	return list;
}
