/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkmod's objects over the engine's: a kmod_ctx wraps a modtool_ctx, a
 * kmod_module a modtool_module (made when first needed), and a kmod_list is
 * kmod's circular doubly linked list, which programs walk through
 * kmod_list_next().  Nothing here decides anything the engine decides.
 */
#ifndef MODTOOL_LIBKMOD_INTERNAL_H
#define MODTOOL_LIBKMOD_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "libmodtool.h"
#include "libkmod.h"

#define KMOD_EXPORT __attribute__((visibility("default")))

typedef void (*mt_kmod_log_fn)(void *data, int priority, const char *file, int line,
			       const char *fn, const char *format, va_list args);

struct mt_kmod_pool;

struct kmod_ctx {
	int refcount;
	struct modtool_ctx *mt;
	mt_kmod_log_fn log_fn;
	const void *log_data;
	const void *userdata;
	struct mt_kmod_pool *pool;	/* module objects by "name" or "name\alias" */
};

/* Whether a module is built into the kernel: asked of the engine when first needed. */
enum mt_kmod_builtin {
	MT_KMOD_BUILTIN_UNKNOWN,
	MT_KMOD_BUILTIN_NO,
	MT_KMOD_BUILTIN_YES,
};

struct kmod_module {
	int refcount;
	struct kmod_ctx *ctx;		/* a reference of the module's */
	struct modtool_module *mt;	/* NULL until its file or state is asked for */
	const char *name;		/* as the kernel spells it */
	const char *alias;		/* the alias it was found by, or NULL */
	enum mt_kmod_builtin builtin;
	char *options;			/* made on first use */
	bool options_read;
	char key[];			/* "name" or "name\alias", then the name */
};

struct kmod_list {
	struct kmod_list *next, *prev;
	void *data;
};

/* ---- log.c ---- */
void mt_kmod_log(const struct kmod_ctx *ctx, int priority, const char *fn, const char *format,
		 ...) __attribute__((format(printf, 4, 5)));
#define mt_kmod_err(ctx, ...) mt_kmod_log(ctx, LOG_ERR, __func__, __VA_ARGS__)
/* The engine's log callback: its messages go to the context's log_fn. */
void mt_kmod_forward_log(void *data, int priority, const char *format, va_list args);
/* The default log_fn: stderr. */
void mt_kmod_log_stderr(void *data, int priority, const char *file, int line, const char *fn,
			const char *format, va_list args);
/* KMOD_LOG's value as a priority ("err", "info", "debug" or a number). */
int mt_kmod_log_priority_of(const char *text);

/* ---- list.c ---- */
/* Append @data: the (maybe new) first entry, or NULL when memory ran out (@list unchanged). */
struct kmod_list *mt_kmod_list_append(struct kmod_list *list, void *data);
/* Free every entry, calling @free_data on each entry's data first (when not NULL). */
void mt_kmod_list_free(struct kmod_list *list, void (*free_data)(void *data));

/* ---- pool.c ---- */
int mt_kmod_pool_new(struct mt_kmod_pool **pool);
void mt_kmod_pool_free(struct mt_kmod_pool *pool);
struct kmod_module *mt_kmod_pool_get(const struct mt_kmod_pool *pool, const char *key);
int mt_kmod_pool_add(struct mt_kmod_pool *pool, struct kmod_module *mod);
void mt_kmod_pool_del(struct mt_kmod_pool *pool, struct kmod_module *mod);

/* ---- module.c ---- */
/*
 * The context's object for module @name (as the kernel spells it) found by
 * @alias (may be NULL): the pooled one with a new reference, or a new one.
 * @mt, when not NULL, is the engine's module to use (a reference is taken).
 */
int mt_kmod_module_get(struct kmod_ctx *ctx, const char *name, const char *alias,
		       struct modtool_module *mt, struct kmod_module **mod);
const char *mt_kmod_module_name(const struct kmod_module *mod);
/* The engine's module, made from modules.dep on first use: NULL when out of memory. */
struct modtool_module *mt_kmod_module_engine(struct kmod_module *mod);
bool mt_kmod_module_is_builtin(struct kmod_module *mod);
/* Append the kmod objects of each engine module of @found to *@list: 0 or -errno. */
int mt_kmod_list_from_engine(struct kmod_ctx *ctx, const struct modtool_list *found,
			     struct kmod_list **list);
/* The engine's list of one module, for the engine's calls that take a list entry. */
int mt_kmod_module_as_engine_list(struct kmod_module *mod, struct modtool_list **list);

#endif
