/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmodtool: read, index, resolve, load and remove Linux kernel modules.
 *
 * Conventions: every type is opaque; functions that can fail return 0 or a
 * positive count on success and a negative errno on failure; nothing here
 * writes to stdout or stderr except through the log callback of the context.
 * A context is not thread-safe: use one per thread.
 */
#ifndef LIBMODTOOL_H
#define LIBMODTOOL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- context --------------------------------------------------------- */

struct modtool_ctx;

/* Log priorities are syslog's: 3 error, 4 warning, 6 info, 7 debug. */
typedef void (*modtool_log_fn)(void *userdata, int priority, const char *format,
			       va_list args);

/*
 * Create a context for the module tree at @module_dir, or for
 * /lib/modules/$(uname -r) when @module_dir is NULL.
 */
int modtool_ctx_new(const char *module_dir, struct modtool_ctx **ctx);
void modtool_ctx_free(struct modtool_ctx *ctx);
const char *modtool_ctx_get_module_dir(const struct modtool_ctx *ctx);
/* Replace the default logger (stderr, errors only); @fn NULL silences. */
void modtool_ctx_set_log_fn(struct modtool_ctx *ctx, modtool_log_fn fn, void *userdata);
void modtool_ctx_set_log_priority(struct modtool_ctx *ctx, int priority);
int modtool_ctx_get_log_priority(const struct modtool_ctx *ctx);

/* Library version string and the optional features it was built with. */
const char *modtool_version(void);
const char *modtool_features(void);

/* ---- modules --------------------------------------------------------- */

struct modtool_module;
struct modtool_list;

/*
 * A module from a file.  The file is opened and checked lazily: errors in its
 * contents are reported by the calls that need them.
 */
int modtool_module_new_from_path(struct modtool_ctx *ctx, const char *path,
				 struct modtool_module **mod);
struct modtool_module *modtool_module_ref(struct modtool_module *mod);
void modtool_module_unref(struct modtool_module *mod);

/* Module name ("e1000e"), with '-' turned into '_' as the kernel does. */
const char *modtool_module_get_name(const struct modtool_module *mod);
/* Path of the module file, or NULL for a module built into the kernel. */
const char *modtool_module_get_path(const struct modtool_module *mod);
bool modtool_module_is_builtin(const struct modtool_module *mod);

enum modtool_lookup_flags {
	/* Only a module name (modules.dep, then built-in modules), no alias. */
	MODTOOL_LOOKUP_NAME_ONLY = 1 << 0,
};

/*
 * Resolve a module name or alias against the context's module tree the way
 * kmod does without configuration: modules.dep.bin, modules.symbols.bin,
 * modules.alias.bin (patterns), modules.builtin.bin, modules.builtin.alias.bin.
 * Returns the number of modules found (0: none) and the list in @list.
 */
int modtool_module_lookup(struct modtool_ctx *ctx, const char *name, unsigned int flags,
			  struct modtool_list **list);

size_t modtool_list_count(const struct modtool_list *list);
/* Borrowed: valid while the list lives; take a reference to keep it. */
struct modtool_module *modtool_list_get(const struct modtool_list *list, size_t i);
void modtool_list_free(struct modtool_list *list);

/* ---- module information (modinfo) ----------------------------------- */

struct modtool_info;

enum modtool_info_flags {
	/* Append the signature fields kmod shows: sig_id, signer, sig_key,
	 * sig_hashalgo, signature (hex bytes, 20 a line). */
	MODTOOL_INFO_SIGNATURE = 1 << 0,
};

/*
 * The module's .modinfo key=value pairs in file order (for a built-in module,
 * from modules.builtin.modinfo), then the signature fields if asked for.
 */
int modtool_module_get_info(struct modtool_module *mod, unsigned int flags,
			    struct modtool_info **info);
size_t modtool_info_count(const struct modtool_info *info);
const char *modtool_info_get_key(const struct modtool_info *info, size_t i);
const char *modtool_info_get_value(const struct modtool_info *info, size_t i);
void modtool_info_free(struct modtool_info *info);

/*
 * Module parameters, merged from the "parm" and "parmtype" keys of @info by
 * name, in kmod's order (the reverse of each name's first appearance).
 * Description or type may be NULL when the module lacks that key.
 */
struct modtool_params;
int modtool_info_get_params(const struct modtool_info *info, struct modtool_params **params);
size_t modtool_params_count(const struct modtool_params *params);
const char *modtool_params_get_name(const struct modtool_params *params, size_t i);
const char *modtool_params_get_description(const struct modtool_params *params, size_t i);
const char *modtool_params_get_type(const struct modtool_params *params, size_t i);
void modtool_params_free(struct modtool_params *params);

#ifdef __cplusplus
}
#endif
#endif
