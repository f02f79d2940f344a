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
#include <stdint.h>

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

/*
 * The module tree's indexes, opened now rather than on first use (a daemon
 * pays once, at start): 0, or why one could not be (-ENOENT: not generated;
 * modules.builtin.alias.bin may be missing).  Closing them makes the next
 * use open them again.
 */
int modtool_ctx_open_indexes(struct modtool_ctx *ctx);
void modtool_ctx_close_indexes(struct modtool_ctx *ctx);

enum modtool_resources {
	MODTOOL_RESOURCES_CURRENT = 0,
	/* an index the context holds open was replaced (depmod ran): close and reopen */
	MODTOOL_RESOURCES_INDEXES_CHANGED = 1,
	/* a configuration file or directory changed: read the configuration again */
	MODTOOL_RESOURCES_CONFIG_CHANGED = 2,
};
/* Is what the context read still what is on disk? (the worst change found) */
int modtool_ctx_check_resources(const struct modtool_ctx *ctx);

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
	/*
	 * A module name as modinfo -m takes it (cut at the first '.'): looked
	 * up in modules.dep, then modules.builtin, then the kernel's built-in
	 * aliases - never modules.alias, symbols or configuration.
	 */
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

/*
 * Module @name (as the kernel spells it: '_', no ".ko") with its file from
 * modules.dep, else built in when modules.builtin lists it, else neither.
 */
int modtool_module_new_from_name(struct modtool_ctx *ctx, const char *name,
				 struct modtool_module **mod);

/* An empty list, and a module appended to it (a new reference) found by @alias (or NULL). */
int modtool_list_new(struct modtool_ctx *ctx, struct modtool_list **list);
int modtool_list_append(struct modtool_list *list, struct modtool_module *mod, const char *alias);
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
/* Is @key one of the signature fields MODTOOL_INFO_SIGNATURE appends? */
bool modtool_info_is_signature_key(const char *key);

/* ---- module symbols (module-symbols.c) ------------------------------- */

/*
 * A module file's symbols, read from its ELF sections as kmod reads them:
 *   versions      the __versions table: the CRC it expects of each symbol it
 *                 uses, in file order (modprobe --show-modversions)
 *   exports       the symbols it exports: its __crc_* symbols with their CRCs,
 *                 else the names in __ksymtab_strings with CRC 0
 *                 (modprobe --show-exports)
 *   dependency    its undefined symbols in symbol-table order, with their
 *   symbols       binding and the CRC __versions expects (0 if none)
 * Each returns the number of entries and the list in @list (free it with
 * modtool_symbols_free()), or a negative errno: -ENOENT when the module has
 * no such table (kmod's answer too) or no file, -ENOEXEC when the file is
 * not ELF (or too short to be), -EBADMSG for malformed tables, or why the
 * file cannot be read (logged).
 */
struct modtool_symbols;

/* Binding as kmod's letters: what nm would call the symbol's kind. */
enum modtool_symbol_bind {
	MODTOOL_SYMBOL_NONE = '\0',
	MODTOOL_SYMBOL_LOCAL = 'L',
	MODTOOL_SYMBOL_GLOBAL = 'G',
	MODTOOL_SYMBOL_WEAK = 'W',
	MODTOOL_SYMBOL_UNDEF = 'U',
};

int modtool_module_get_versions(struct modtool_module *mod, struct modtool_symbols **list);
int modtool_module_get_exports(struct modtool_module *mod, struct modtool_symbols **list);
int modtool_module_get_dependency_symbols(struct modtool_module *mod,
					  struct modtool_symbols **list);
size_t modtool_symbols_count(const struct modtool_symbols *list);
/* Borrowed: valid while the list lives.  NULL past the end. */
const char *modtool_symbols_get_name(const struct modtool_symbols *list, size_t i);
/* kmod prints it as "0x%08lx"; UINT64_MAX for a __crc_ symbol pointing outside its section. */
uint64_t modtool_symbols_get_crc(const struct modtool_symbols *list, size_t i);
/*
 * An enum modtool_symbol_bind, as kmod gives it: versions and
 * __ksymtab_strings names GLOBAL, exports their ELF binding, dependency
 * symbols WEAK or else UNDEF.
 */
int modtool_symbols_get_bind(const struct modtool_symbols *list, size_t i);
void modtool_symbols_free(struct modtool_symbols *list);

/* ---- the running kernel (kernel/: the only place making module syscalls) ---- */

/*
 * Where /proc and /sys are read from: "" (the default) for the real ones, or
 * a directory laid out like them (tests).  Syscalls are not redirected.
 */
int modtool_ctx_set_sysroot(struct modtool_ctx *ctx, const char *sysroot);

enum modtool_load_flags {
	MODTOOL_LOAD_FORCE_VERMAGIC = 1 << 0,	/* MODULE_INIT_IGNORE_VERMAGIC */
	MODTOOL_LOAD_FORCE_MODVERSION = 1 << 1,	/* MODULE_INIT_IGNORE_MODVERSIONS */
};

/*
 * Insert @mod's file into the kernel with @params ("a=1 b=2", may be NULL):
 * finit_module() on the file, with MODULE_INIT_COMPRESSED_FILE when the
 * kernel decompresses that format itself (/sys/module/compression), else the
 * image decompressed here through init_module().  Returns 0 or the kernel's
 * negative errno (-EEXIST: already loaded); -ELIBACC when the library that
 * decompresses the file cannot be loaded (logged, naming file and library):
 * a fault of the machine, not of the module.
 */
int modtool_module_insert(struct modtool_module *mod, const char *params, unsigned int flags);

enum modtool_remove_flags {
	MODTOOL_REMOVE_FORCE = 1 << 0,		/* O_TRUNC */
	/*
	 * Call delete_module() without O_NONBLOCK.  Kernels since 3.13 ignore
	 * that and fail with EWOULDBLOCK all the same: a caller that wants to
	 * wait for a busy module polls its refcount (modprobe -w does).
	 */
	MODTOOL_REMOVE_WAIT = 1 << 1,
};
/* delete_module(@name): 0 or the kernel's negative errno. */
int modtool_module_remove(struct modtool_ctx *ctx, const char *name, unsigned int flags);

enum modtool_module_state {
	MODTOOL_STATE_NOT_LOADED,
	MODTOOL_STATE_BUILTIN,
	MODTOOL_STATE_LIVE,
	MODTOOL_STATE_COMING,
	MODTOOL_STATE_GOING,
};
/* State of module @name in the running kernel (/sys/module/NAME/initstate). */
int modtool_module_get_state(struct modtool_ctx *ctx, const char *name);
/* Reference count (/sys/module/NAME/refcnt), or a negative errno. */
int modtool_module_get_refcount(struct modtool_ctx *ctx, const char *name);

/* The modules holding loaded module @name (/sys/module/NAME/holders), comma-separated, in
 * directory order ("" for none); the caller frees *@holders.  -ENOENT: not loaded. */
int modtool_module_get_holders(struct modtool_ctx *ctx, const char *name, char **holders);
/* Its size in bytes (coresize, else /proc/modules), or a negative errno. */
long modtool_module_get_size(struct modtool_ctx *ctx, const char *name);
/*
 * Where its sections were placed (/sys/module/NAME/sections/, readable by
 * root): their number, or a negative errno.
 */
struct modtool_sections;
int modtool_module_get_sections(struct modtool_ctx *ctx, const char *name,
				struct modtool_sections **sections);
size_t modtool_sections_count(const struct modtool_sections *sections);
const char *modtool_sections_get_name(const struct modtool_sections *sections, size_t i);
unsigned long modtool_sections_get_address(const struct modtool_sections *sections, size_t i);
void modtool_sections_free(struct modtool_sections *sections);

/* The modules loaded now, as /proc/modules lists them. */
struct modtool_loaded;
int modtool_loaded_list(struct modtool_ctx *ctx, struct modtool_loaded **list);
size_t modtool_loaded_count(const struct modtool_loaded *list);
const char *modtool_loaded_get_name(const struct modtool_loaded *list, size_t i);
unsigned long modtool_loaded_get_size(const struct modtool_loaded *list, size_t i);
int modtool_loaded_get_refcount(const struct modtool_loaded *list, size_t i);
/* Comma-separated holder names as /proc/modules shows them ("" for none). */
const char *modtool_loaded_get_holders(const struct modtool_loaded *list, size_t i);
void modtool_loaded_free(struct modtool_loaded *list);

/* ---- the load policy (trust/policy.c): modtool-policy.d(5) ---- */

/*
 * Read the load policy into @ctx from the directories @dirs (NULL-terminated;
 * NULL: $MODTOOL_POLICY_DIRS, colon-separated, else /usr/lib/modtool/policy.d,
 * /run/modtool/policy.d, /etc/modtool/policy.d, a file of a later directory
 * replacing a same-named one).  From then on every module the library inserts
 * through @ctx is checked first: an enforce rule refuses with -ECANCELED (a
 * code the kernel's module calls do not return), naming the rule (FILE:LINE)
 * in one logged line; a warn rule logs and lets it
 * load.  A file or line that cannot be read refuses every load (logged).
 * Returns the number of rules, or a negative errno.
 */
int modtool_ctx_load_policy(struct modtool_ctx *ctx, const char *const *dirs);
/* Would the policy let @mod be loaded?  0, or -ECANCELED (logged).  No policy: 0. */
int modtool_policy_check(struct modtool_module *mod);

/* ---- the kernel's security state (kernel/status.c): modtool status ---- */

/* The taint bits known here: 0 (P) to 19 (J); a set bit past them is unknown. */
#define MODTOOL_TAINT_BITS 20
/*
 * Taint bit @bit's letter ('P'...), name ("PROPRIETARY_MODULE") and what
 * sets it, one line: 0, or -ENOENT for a bit not known here.
 */
int modtool_taint_flag(unsigned int bit, char *letter, const char **name, const char **meaning);
/* The bit of taint letter @letter, or -ENOENT. */
int modtool_taint_bit_of(char letter);

/*
 * A snapshot of what decides module loading: /proc/sys/kernel/tainted and
 * modules_disabled, sig_enforce, the lockdown level, LoadPin, IPE, the taint
 * letters of each loaded module, the keys on the trusted keyrings, modules
 * that /proc/modules and /sys/module disagree about.  A file the kernel does
 * not have reads as unknown (-1 or NULL), never as "off".
 */
struct modtool_status;
int modtool_status_read(struct modtool_ctx *ctx, struct modtool_status **st);
void modtool_status_free(struct modtool_status *st);
/* /proc/sys/kernel/tainted, or -1. */
long long modtool_status_get_taint(const struct modtool_status *st);
/* 0, 1, or -1 unknown. */
int modtool_status_get_modules_disabled(const struct modtool_status *st);
int modtool_status_get_sig_enforce(const struct modtool_status *st);
/* LoadPin's enforce: 0, 1, or -1 when LoadPin is not there. */
int modtool_status_get_loadpin(const struct modtool_status *st);
/* "none", "integrity", "confidentiality", or NULL (no lockdown LSM or securityfs). */
const char *modtool_status_get_lockdown(const struct modtool_status *st);
/* 1 when IPE is there (its active policy in *@policy, NULL for none), else 0. */
int modtool_status_get_ipe(const struct modtool_status *st, const char **policy);

enum modtool_status_list {
	MODTOOL_STATUS_MODULES,	/* each loaded module; second: its taint letters ("" none) */
	MODTOOL_STATUS_HIDDEN,	/* a module on one side only; second: "/sys/module only"... */
	MODTOOL_STATUS_KEYS,	/* a trusted keyring's name; second: one key of it */
};
size_t modtool_status_count(const struct modtool_status *st, enum modtool_status_list which);
const char *modtool_status_get(const struct modtool_status *st, enum modtool_status_list which,
			       size_t i, const char **second);

enum modtool_status_checks {
	MODTOOL_STATUS_CHECKED_SYSFS = 1 << 0,	/* /sys/module was compared with /proc/modules */
	MODTOOL_STATUS_CHECKED_KEYS = 1 << 1,	/* /proc/keys was read */
	MODTOOL_STATUS_PROC_MODULES_DAMAGED = 1 << 2,	/* a line of /proc/modules was unreadable */
};
int modtool_status_get_checks(const struct modtool_status *st);
/* Could this process load a module now?  *@why says why not, or under what rule. */
bool modtool_status_load_allowed(const struct modtool_status *st, const char **why);

/* ---- configuration and resolution (config/, resolve/) --------- */

/*
 * Read the modprobe configuration into @ctx, once: the *.conf and *.alias
 * files of @paths (files or directories; NULL: /etc/modprobe.d,
 * /run/modprobe.d, /usr/local/lib/modprobe.d, /usr/lib/modprobe.d and
 * /lib/modprobe.d), with the tree's modules.softdep and modules.weakdep, all
 * in file-name order (of two files with one name the earlier place wins),
 * then the kernel command line read from @cmdline (NULL: /proc/cmdline; "":
 * none).  Bad lines are logged as warnings with file and line, and skipped.
 * Lookups and plans made with @ctx afterwards apply it.
 */
int modtool_ctx_load_config(struct modtool_ctx *ctx, const char *const *paths,
			    const char *cmdline);

/* What the configuration holds, in the order of `modprobe -c`. */
enum modtool_config_kind {
	MODTOOL_CONFIG_BLACKLIST,
	MODTOOL_CONFIG_INSTALL,
	MODTOOL_CONFIG_REMOVE,
	MODTOOL_CONFIG_ALIAS,
	MODTOOL_CONFIG_OPTIONS,
	MODTOOL_CONFIG_SOFTDEP,
	MODTOOL_CONFIG_WEAKDEP,
	MODTOOL_CONFIG_KIND_COUNT,
};
size_t modtool_config_count(const struct modtool_ctx *ctx, enum modtool_config_kind kind);
/*
 * Entry @i of @kind: @key is the module name or pattern (with '-' made '_'),
 * @value the rest as kmod's `modprobe -c` prints it (NULL for blacklist),
 * @file and @line where it was read ("" and 0: the kernel command line).
 * Any output pointer may be NULL.
 */
int modtool_config_get(const struct modtool_ctx *ctx, enum modtool_config_kind kind, size_t i,
		       const char **key, const char **value, const char **file,
		       unsigned int *line);
/* The names of a softdep entry's pre: (@post false) or post: list, or of a weakdep. */
size_t modtool_config_get_deps(const struct modtool_ctx *ctx, enum modtool_config_kind kind,
			       size_t i, bool post, const char *const **names);
/*
 * Index of the first entry of @kind at or after @start that concerns module
 * @name reached by @alias (may be NULL): blacklist by exact name, options by
 * name or alias, alias lines whose pattern matches @alias (or @name), the
 * others by pattern on @name.  -ENOENT when none.  Where kmod uses only one
 * entry (install, remove, softdep, weakdep) it is the first found.
 */
int modtool_config_find(const struct modtool_ctx *ctx, enum modtool_config_kind kind,
			const char *name, const char *alias, size_t start);

/* The indexes of the tree (kmod's `modprobe -c` dumps the first two after the configuration). */
enum modtool_index_kind {
	MODTOOL_INDEX_ALIASES,	/* modules.alias.bin */
	MODTOOL_INDEX_SYMBOLS,	/* modules.symbols.bin */
	MODTOOL_INDEX_DEP,	/* modules.dep.bin: name -> "path: dependencies" */
	MODTOOL_INDEX_BUILTIN,	/* modules.builtin.bin: names, empty values */
	MODTOOL_INDEX_BUILTIN_ALIASES,	/* modules.builtin.alias.bin */
};
typedef int (*modtool_index_fn)(void *data, const char *key, const char *value);
/* Call @fn for every key and value in key order; stops at a non-zero return. */
int modtool_index_foreach(struct modtool_ctx *ctx, enum modtool_index_kind kind,
			  modtool_index_fn fn, void *data);

/* Where modtool_module_lookup() found a name, in kmod's order of trying. */
enum modtool_lookup_source {
	MODTOOL_SOURCE_NONE,
	MODTOOL_SOURCE_CONFIG_ALIAS,	/* an alias line of the configuration */
	MODTOOL_SOURCE_MODULES_DEP,	/* a module name */
	MODTOOL_SOURCE_SYMBOLS,		/* symbol:NAME */
	MODTOOL_SOURCE_COMMANDS,	/* an install or remove line */
	MODTOOL_SOURCE_ALIASES,		/* modules.alias patterns */
	MODTOOL_SOURCE_BUILTIN,		/* modules.builtin */
	MODTOOL_SOURCE_BUILTIN_ALIASES,	/* modules.builtin.alias */
};
int modtool_list_get_source(const struct modtool_list *list);
/* The alias (pattern or key) entry @i was found by; NULL when found by name. */
const char *modtool_list_get_alias(const struct modtool_list *list, size_t i);
/* The configuration entry (index of kind alias) that gave entry @i, or -ENOENT. */
int modtool_list_get_config_index(const struct modtool_list *list, size_t i);

/* Names as modprobe resolves them: dependency names from modules.dep, in load order. */
int modtool_resolve_dependencies(struct modtool_ctx *ctx, const char *name,
				 struct modtool_list **list);
/*
 * The modules of the first softdep line matching @name: pre: and post:
 * names each looked up as modprobe does (aliases included).
 */
int modtool_resolve_softdeps(struct modtool_ctx *ctx, const char *name,
			     struct modtool_list **pre, struct modtool_list **post);
/* The modules of the first weakdep line matching @name, each name looked up as modprobe does. */
int modtool_resolve_weakdeps(struct modtool_ctx *ctx, const char *name,
			     struct modtool_list **weak);
/* The first install (or remove) command configured for module @name, or NULL. */
const char *modtool_resolve_command(struct modtool_ctx *ctx, const char *name, bool remove);
/*
 * The options of every options line for module @name or for @alias (may be
 * NULL), joined by spaces in the configuration's order; *@options NULL when
 * there are none, else the caller frees it.
 */
int modtool_resolve_options(struct modtool_ctx *ctx, const char *name, const char *alias,
			    char **options);
/* Is @name named by a blacklist line? */
bool modtool_resolve_is_blacklisted(struct modtool_ctx *ctx, const char *name);

/*
 * What loading entry @i of @list would do, step by step, as kmod 30 orders
 * it: for each dependency (from modules.dep, deepest first) its softdep pre:
 * modules, itself and its post: modules; then the same for the module.  A
 * module appears once (per alias it was reached by).  Nothing is read from
 * the running kernel: whether a step is already done is the caller's to ask.
 * @extra_options are the command line's, for the module itself only.
 */
enum modtool_plan_flags {
	MODTOOL_PLAN_IGNORE_COMMANDS = 1 << 0,	/* -i: no install command nor softdep for it */
	MODTOOL_PLAN_BLACKLIST = 1 << 1,	/* -b: a blacklisted module is skipped by name too */
	/* the blacklist skips nothing: the caller has applied it (libkmod's rules) */
	MODTOOL_PLAN_IGNORE_BLACKLIST = 1 << 2,
};
struct modtool_plan;
int modtool_plan_new(struct modtool_list *list, size_t i, const char *extra_options,
		     unsigned int flags, struct modtool_plan **plan);
void modtool_plan_free(struct modtool_plan *plan);
/* The module was skipped whole because it is blacklisted (found by alias, or -b). */
bool modtool_plan_is_blacklisted(const struct modtool_plan *plan);
size_t modtool_plan_count(const struct modtool_plan *plan);

enum modtool_step_action {
	MODTOOL_STEP_INSERT,	/* insert the module's file */
	MODTOOL_STEP_INSTALL,	/* run its install command instead */
	MODTOOL_STEP_BUILTIN,	/* built into the kernel (modules.builtin): nothing to do */
	MODTOOL_STEP_NONE,	/* no file and not built in: nothing kmod would do */
};
enum modtool_step_reason {
	MODTOOL_STEP_TARGET,		/* the module asked for */
	MODTOOL_STEP_DEPENDENCY,	/* from modules.dep */
	MODTOOL_STEP_SOFTDEP_PRE,
	MODTOOL_STEP_SOFTDEP_POST,
};
/* Borrowed: valid while the plan lives. */
struct modtool_module *modtool_plan_get_module(const struct modtool_plan *plan, size_t i);
int modtool_plan_get_action(const struct modtool_plan *plan, size_t i);
int modtool_plan_get_reason(const struct modtool_plan *plan, size_t i);
/* The module whose dependency or soft dependency step @i is (NULL for the target). */
const char *modtool_plan_get_parent(const struct modtool_plan *plan, size_t i);
/* The alias the step's module was reached by, or NULL. */
const char *modtool_plan_get_alias(const struct modtool_plan *plan, size_t i);
/* Parameters as kmod passes them ("" when none). */
const char *modtool_plan_get_options(const struct modtool_plan *plan, size_t i);
/* The install command of an MODTOOL_STEP_INSTALL step, as configured. */
const char *modtool_plan_get_command(const struct modtool_plan *plan, size_t i);
/* A dependency or soft dependency that is loaded although blacklisted. */
bool modtool_plan_step_is_blacklisted(const struct modtool_plan *plan, size_t i);
/*
 * The module asked for or one of its dependencies: its failure stops the
 * load.  A soft dependency's failure (and that of what only soft
 * dependencies need) does not, as in kmod: softdep pre: crc32c names
 * crc32c-intel, which fails on a CPU without SSE4.2, and crc32c_generic.
 */
bool modtool_plan_step_is_required(const struct modtool_plan *plan, size_t i);

/* ---- loading and removing with what they need (resolve/probe.c): modprobe, modprobe -r ---- */

/*
 * What the calls below do is told to their caller first, one event at a
 * time, through a modtool_probe_fn: the actions before they are carried out
 * (in a dry run instead), in the words modprobe -v prints them; and why a
 * removal stops where it does.
 *
 * Install and remove commands of the configuration (modprobe.d, which root
 * writes) are shell commands: they are run with system(), "$CMDLINE_OPTS" in
 * them replaced by the module's options, and MODPROBE_MODULE set to the
 * module's name in this process's environment while they run (the previous
 * value is put back after: not safe while other threads use the
 * environment).  MODTOOL_PROBE_NO_COMMANDS refuses them all; the callback can
 * refuse each one.
 */
enum modtool_probe_event_kind {
	/* a step of a plan, when it is not done already: */
	MODTOOL_PROBE_INSERT,		/* insert the file @path with @options */
	MODTOOL_PROBE_INSTALL,		/* run the install @command as configured, @options */
	/* built in (modules.builtin, or /sys/module says so): nothing to do */
	MODTOOL_PROBE_BUILTIN,
	MODTOOL_PROBE_NONE,		/* no file and not built in: nothing to do */
	/* a command about to be run: @command with $CMDLINE_OPTS replaced */
	MODTOOL_PROBE_RUN_INSTALL,
	MODTOOL_PROBE_RUN_REMOVE,
	MODTOOL_PROBE_REMOVE,		/* remove module @name from the kernel */
	/* a dependency loaded although the blacklist names it: @name for @target */
	MODTOOL_PROBE_BLACKLISTED,
	/* why an operation stops at @name (what the callback returns is ignored) */
	MODTOOL_PROBE_NOT_LOADED,	/* a removal with MODTOOL_PROBE_FIRST_TIME */
	MODTOOL_PROBE_IS_BUILTIN,	/* the module to remove is built in */
	MODTOOL_PROBE_IN_USE,		/* it is in use, and no wait was asked for */
	MODTOOL_PROBE_NO_SHELL,		/* @command could not be started: @err */
};

struct modtool_probe_event {
	int kind;		/* enum modtool_probe_event_kind */
	const char *name;	/* the module */
	const char *path;	/* INSERT: its file */
	const char *options;	/* INSERT, INSTALL: its parameters ("" for none) */
	const char *command;	/* INSTALL, RUN_*, NO_SHELL */
	const char *target;	/* BLACKLISTED: the module asked for */
	int err;		/* NO_SHELL: a negative errno */
};

/*
 * Called with each event; NULL pointers for the fields an event has not.
 * 0 goes on.  For an action, a negative errno refuses it: it is not carried
 * out and counts as failed with that error (the failure of a step a removal
 * does on the side, such as an unused dependency's, is ignored, as kmod
 * does).
 */
typedef int (*modtool_probe_fn)(void *data, const struct modtool_probe_event *event);
/*
 * What a modtool_probe_fn returns for MODTOOL_PROBE_RUN_INSTALL or
 * MODTOOL_PROBE_RUN_REMOVE when it has carried the command out itself, with
 * success: the library then does not run it (a failure: a negative errno).
 */
#define MODTOOL_PROBE_HANDLED 1

enum modtool_probe_flags {
	/* -i: no install or remove command and no softdep of the module (a
	 * plan is built with the same bits of enum modtool_plan_flags) */
	MODTOOL_PROBE_IGNORE_COMMANDS = MODTOOL_PLAN_IGNORE_COMMANDS,
	MODTOOL_PROBE_BLACKLIST = MODTOOL_PLAN_BLACKLIST,	/* -b */
	MODTOOL_PROBE_DRY_RUN = 1 << 2,		/* -n: tell every action, carry none out */
	MODTOOL_PROBE_IGNORE_LOADED = 1 << 3,	/* act as if nothing were loaded (-D) */
	/* --first-time: -EEXIST when the module is loaded already, -ENOENT when
	 * a module to remove is not */
	MODTOOL_PROBE_FIRST_TIME = 1 << 4,
	MODTOOL_PROBE_FORCE_VERMAGIC = 1 << 5,	/* as MODTOOL_LOAD_FORCE_VERMAGIC */
	MODTOOL_PROBE_FORCE_MODVERSION = 1 << 6,	/* as MODTOOL_LOAD_FORCE_MODVERSION */
	MODTOOL_PROBE_FORCE_REMOVE = 1 << 7,	/* as MODTOOL_REMOVE_FORCE */
	/* removal: first the modules that hold this one (/proc/modules) */
	MODTOOL_PROBE_REMOVE_HOLDERS = 1 << 8,
	/* removal: a module built in is nothing to do, not -ENOENT */
	MODTOOL_PROBE_IGNORE_BUILTIN = 1 << 9,
	/* run no shell command: a step that would run one fails with -EPERM */
	MODTOOL_PROBE_NO_COMMANDS = 1 << 10,
	/* leave out every step whose module the blacklist names (libkmod's
	 * KMOD_PROBE_APPLY_BLACKLIST_ALL) */
	MODTOOL_PROBE_SKIP_BLACKLISTED = 1 << 11,
};

/*
 * Carry out @plan in order, as kmod 30 does: a step whose module is loaded
 * (or built in) already is skipped (unless MODTOOL_PROBE_IGNORE_LOADED), so
 * is -EEXIST from the kernel, except for the module asked for with
 * MODTOOL_PROBE_FIRST_TIME, which ends the plan with -EEXIST.  The first
 * other failure ends it: 0 or that negative errno.  Modules loaded before a
 * failure stay loaded.
 */
int modtool_plan_run(struct modtool_plan *plan, unsigned int flags, modtool_probe_fn fn,
		     void *data);
/*
 * What `modprobe NAME` does for entry @i of a lookup's @list: nothing when
 * the module is loaded already (-EEXIST with MODTOOL_PROBE_FIRST_TIME), else
 * build its plan with @extra_options (nothing when the blacklist skips it)
 * and run it.
 */
int modtool_probe_insert(struct modtool_list *list, size_t i, const char *extra_options,
			 unsigned int flags, modtool_probe_fn fn, void *data);
/*
 * What `modprobe -r` does for @mod, in kmod 30's order: its softdep post:
 * modules, with MODTOOL_PROBE_REMOVE_HOLDERS the modules holding it, the
 * module itself (or its remove command), the dependencies no longer used,
 * then its softdep pre: modules.  A module that is not loaded is nothing to
 * do (see MODTOOL_PROBE_FIRST_TIME); -ENOENT for a built-in one (see
 * MODTOOL_PROBE_IGNORE_BUILTIN); -EBUSY when it is in use, unless
 * @wait_msec: then the kernel is asked again for up to that long.  A failure
 * of the kernel's is logged ("could not remove") and returned.  A module
 * whose removal is under way is not started again (soft dependencies that
 * name each other); removals nested 4096 deep end with -ELOOP (logged).
 */
int modtool_probe_remove(struct modtool_module *mod, unsigned int flags, unsigned long wait_msec,
			 modtool_probe_fn fn, void *data);

/* ---- output (base/output.c): the JSON writer every tool shares -------------- */

/*
 * Strings are bytes (a module's are whatever its author put there), and
 * the writer always produces valid JSON in valid UTF-8 from them: '"' and
 * '\\' escaped, the control bytes 0x01-0x1f as \b \f \n \r \t or \u00XX,
 * DEL (0x7f) as \u007f, valid UTF-8 sequences as they are, and each byte
 * that does not begin a valid UTF-8 sequence (a stray continuation byte, a
 * truncated, overlong or surrogate sequence, past U+10FFFF) as \ufffd, the
 * replacement character: such a byte cannot be told apart afterwards.  A C
 * string holds no NUL, so none is ever written.
 */
struct modtool_json;
/* A writer to @fd; values are separated and strings escaped by the writer. */
struct modtool_json *modtool_json_new(int fd);
void modtool_json_begin_object(struct modtool_json *json);
void modtool_json_end_object(struct modtool_json *json);
void modtool_json_begin_array(struct modtool_json *json);
void modtool_json_end_array(struct modtool_json *json);
void modtool_json_key(struct modtool_json *json, const char *key);
/* A string (NULL writes null). */
void modtool_json_string(struct modtool_json *json, const char *value);
void modtool_json_int(struct modtool_json *json, long long value);
void modtool_json_bool(struct modtool_json *json, bool value);
/* A key and its value in one call: an object's member. */
void modtool_json_member_string(struct modtool_json *json, const char *key, const char *value);
void modtool_json_member_int(struct modtool_json *json, const char *key, long long value);
void modtool_json_member_bool(struct modtool_json *json, const char *key, bool value);
/* Finish with a newline, flush and free: 0 or the first write error. */
int modtool_json_free(struct modtool_json *json);

/* ---- reports on resolution (resolve/report.c): modprobe --explain, --json ---- */

/*
 * How @name resolves, as text for people, to @fd: the source that found it
 * (configuration alias, modules.dep, symbols, commands, modules.alias,
 * builtin), then per module the configuration lines that apply with their
 * file:line, blacklisting, and the plan step by step.  @extra_options and
 * @flags (enum modtool_plan_flags) as for modtool_plan_new().  -ENOENT when
 * nothing is found (reported too).
 */
int modtool_explain(struct modtool_ctx *ctx, const char *name, const char *extra_options,
		    unsigned int flags, int fd);
/*
 * Append to @json an object for @name: "name", "found_by" and "modules",
 * one per module found with its "steps" (action, module, path, options,
 * command, reason, parent, blacklisted).  -ENOENT when nothing is found
 * (the object is written, with no modules).
 */
int modtool_json_plans(struct modtool_ctx *ctx, struct modtool_json *json, const char *name,
		       const char *extra_options, unsigned int flags);
/* Append the configuration (every kind, with file and line) and the alias indexes. */
int modtool_json_config(struct modtool_ctx *ctx, struct modtool_json *json);

/* ---- a module's information as JSON (module/info-json.c): modinfo --json ---- */

/*
 * Append to @json an object for @mod, as modinfo --json prints it: "name",
 * "filename" (null when built in), "builtin", "fields" (each .modinfo key but
 * parm and parmtype, to an array of its values in file order; keys in order
 * of first appearance), "parameters" (name, type, description; null where
 * the module lacks one) and "signature" (sig_id, signer, sig_key,
 * sig_hashalgo, signature, hex without line breaks; null when unsigned).
 * With @field (modinfo -F) only the part it selects follows "builtin":
 * "fields" with that key alone (an empty array when absent), "parameters"
 * for "parm", "signature" with that key alone, nothing for "filename".
 * A module that cannot be read writes nothing and returns the error.
 */
int modtool_json_module_info(struct modtool_json *json, struct modtool_module *mod,
			     const char *field);

/* ---- depmod: the tree's modules.* indexes --------------------------- */

/*
 * Generate every modules.* file for the context's module tree, as kmod's
 * depmod does, in parallel, with a per-module cache for incremental runs
 * (".modtool-depmod.cache" in the output directory).  The files are
 * published together: each is written to a temporary file, fsynced and only
 * then renamed; on any error the old files stay as they were.
 */
struct modtool_depmod;

enum modtool_depmod_flags {
	/* -e: warn about symbols nothing provides (needs a symvers or System.map) */
	MODTOOL_DEPMOD_ERRSYMS = 1 << 0,
	/* -w: warn about duplicate index entries (an alias repeated by a module) */
	MODTOOL_DEPMOD_WARN_DUPS = 1 << 1,
	/* neither read nor write the incremental cache */
	MODTOOL_DEPMOD_NO_CACHE = 1 << 2,
};

struct modtool_depmod_stats {
	size_t modules;		/* module files found (after duplicates) */
	size_t cached;		/* of which taken unchanged from the cache */
	size_t skipped;		/* malformed, warned about and left out */
};

/* @kversion is matched by depmod.d's override and external lines. */
int modtool_depmod_new(struct modtool_ctx *ctx, const char *kversion,
		       struct modtool_depmod **dm);
void modtool_depmod_free(struct modtool_depmod *dm);
/* Where the files go (default: the context's module dir); created if missing. */
int modtool_depmod_set_output_dir(struct modtool_depmod *dm, const char *dir);
/* A depmod.d file or directory; none added: kmod's default directories. */
int modtool_depmod_add_config(struct modtool_depmod *dm, const char *path);
/* Index only these module files instead of walking the tree (no depmod.d). */
int modtool_depmod_add_module(struct modtool_depmod *dm, const char *path);
/* The kernel's exports: Module.symvers (with CRCs) or System.map. */
int modtool_depmod_set_symvers(struct modtool_depmod *dm, const char *path);
int modtool_depmod_set_system_map(struct modtool_depmod *dm, const char *path);
void modtool_depmod_set_flags(struct modtool_depmod *dm, unsigned int flags);
/* Architecture symbol prefix ignored in front of names ('\0': none). */
void modtool_depmod_set_symbol_prefix(struct modtool_depmod *dm, char prefix);
/* Parsing threads; 0 (the default): one per online CPU. */
void modtool_depmod_set_threads(struct modtool_depmod *dm, unsigned int threads);
/* 1 when the output's modules.dep is newer than every module, 0 if not. */
int modtool_depmod_is_up_to_date(struct modtool_depmod *dm);
/*
 * Write the files.  -ELOOP: dependency cycles (reported, nothing written);
 * other negative errno: nothing was replaced.  With the context's log
 * priority at LOG_NOTICE or above, each dependency found is logged at
 * LOG_NOTICE as kmod's depmod -v prints it: "PATH needs \"SYMBOL\": PATH\n".
 * MODTOOL_DEPMOD_WARN_DUPS logs kmod's -w warnings at LOG_WARNING.
 */
int modtool_depmod_run(struct modtool_depmod *dm);
/* A dry run: the text files kmod prints for -n, written to @fd. */
int modtool_depmod_show(struct modtool_depmod *dm, int fd);
/*
 * A dry run as JSON, appended to @json: one object with a member per file,
 * each an array of its entries in the file's order: "modules.dep" (module:
 * its path, name, depends: paths), "modules.alias" (alias, module),
 * "modules.softdep" (softdep: the value as the module gives it, module),
 * "modules.weakdep" (weakdep, module), "modules.symbols" (alias
 * "symbol:NAME", module), "modules.devname" (module, devname, type "c" or
 * "b", major, minor).
 */
struct modtool_json;
int modtool_depmod_show_json(struct modtool_depmod *dm, struct modtool_json *json);
/* Counts of the last run. */
const struct modtool_depmod_stats *modtool_depmod_get_stats(const struct modtool_depmod *dm);

/* ---- trust: certificates, verification, signing (trust/) -------------- */

/*
 * A set of trusted certificates (X.509).  Nothing is trusted because a file
 * says so: a module's signature is checked against these only, never against
 * a certificate the signature carries.  Once filled, a keyring is read-only
 * and may be shared by threads, each verifying with a context of its own.
 */
struct modtool_keyring;

int modtool_keyring_new(struct modtool_ctx *ctx, struct modtool_keyring **kr);
void modtool_keyring_free(struct modtool_keyring *kr);
/*
 * Add the certificates of a PEM file (every CERTIFICATE block), a DER file,
 * or a directory of such files (not recursive, as /etc/uefi/certs).
 * Returns how many were added, or a negative errno (logged, naming the file).
 */
int modtool_keyring_add_path(struct modtool_keyring *kr, const char *path);
/*
 * Add the certificates built into a kernel image: a bzImage (payload in any
 * compression the kernel builds with) or a vmlinux ELF.  Returns how many.
 */
int modtool_keyring_add_kernel_image(struct modtool_keyring *kr, const char *path);
size_t modtool_keyring_count(const struct modtool_keyring *kr);
/* Certificate @i's subject (its commonName, else the whole name, one line). */
const char *modtool_keyring_get_subject(const struct modtool_keyring *kr, size_t i);
/* Certificate @i's subjectKeyIdentifier as upper-case hex with ':' (or ""). */
const char *modtool_keyring_get_key_id(const struct modtool_keyring *kr, size_t i);

/* What verification found; the numbers are modtool verify's exit statuses minus 10. */
enum modtool_verdict {
	MODTOOL_VERDICT_VALID = 0,		/* signed by a trusted key, content intact */
	MODTOOL_VERDICT_UNSIGNED,		/* no signature appended */
	MODTOOL_VERDICT_BAD_SIGNATURE,		/* the key is trusted, the content changed */
	MODTOOL_VERDICT_UNKNOWN_KEY,		/* signed by no certificate of the keyring */
	MODTOOL_VERDICT_UNSUPPORTED,		/* a digest or key algorithm not handled */
	MODTOOL_VERDICT_MALFORMED,		/* the signature cannot be read */
};
/* "valid", "unsigned", "bad-signature", "unknown-key", "unsupported", "malformed". */
const char *modtool_verdict_name(enum modtool_verdict verdict);

struct modtool_verification;

/*
 * Verify the signature appended to the module file @path (decompressed first
 * when it is .gz, .xz or .zst).  0 with a verdict in *@out, or a negative
 * errno when the file cannot be read at all (missing, unreadable, corrupt
 * compression: logged, naming the file).  Safe to call from several threads
 * sharing @kr, each with its own @ctx.
 */
int modtool_keyring_verify(const struct modtool_keyring *kr, struct modtool_ctx *ctx,
			   const char *path, struct modtool_verification **out);
enum modtool_verdict modtool_verification_get_verdict(const struct modtool_verification *v);
/* The signer's name and key identifier as the signature states them (may be NULL). */
const char *modtool_verification_get_signer(const struct modtool_verification *v);
const char *modtool_verification_get_key_id(const struct modtool_verification *v);
/* The digest ("sha256") and key ("rsa", "ecdsa") algorithms (may be NULL). */
const char *modtool_verification_get_hash_algo(const struct modtool_verification *v);
const char *modtool_verification_get_key_algo(const struct modtool_verification *v);
/* Why the verdict is not "valid", one line (NULL when valid). */
const char *modtool_verification_get_reason(const struct modtool_verification *v);
void modtool_verification_free(struct modtool_verification *v);

/*
 * Called for each module of a parallel run, in the order of the list, from
 * the calling thread: @err is 0 and @v the verification (freed when the call
 * returns), or the negative errno of a file that could not be read (already
 * logged) and @v NULL.  A non-zero return stops the run and is returned.
 */
typedef int (*modtool_verify_fn)(void *data, const char *path, int err,
				 const struct modtool_verification *v);
/*
 * Verify the @n module files @paths on @threads threads (0: one per online
 * CPU), sharing @kr and logging through @ctx.  0, what @fn returned, or a
 * negative errno.
 */
int modtool_keyring_verify_files(const struct modtool_keyring *kr, struct modtool_ctx *ctx,
				 const char *const *paths, size_t n, unsigned int threads,
				 modtool_verify_fn fn, void *data);
/*
 * The same for every module file (*.ko, *.ko.gz, *.ko.xz, *.ko.zst) under
 * the directory @dir, in bytewise path order.
 */
int modtool_keyring_verify_tree(const struct modtool_keyring *kr, struct modtool_ctx *ctx,
				const char *dir, unsigned int threads, modtool_verify_fn fn,
				void *data);

enum modtool_sign_flags {
	/* Name the signer by subjectKeyIdentifier (sign-file -k), not issuer and serial. */
	MODTOOL_SIGN_KEY_ID = 1 << 0,
	/* Write only the PKCS#7 signature, to @dest or MODULE.p7s (sign-file -d). */
	MODTOOL_SIGN_DETACHED = 1 << 1,
	/* Also keep the signature in MODULE.p7s (sign-file -p). */
	MODTOOL_SIGN_SAVE_P7S = 1 << 2,
};

/*
 * A signing key and its certificate, loaded once for any number of modules.
 * @hash: "sha256", "sha384", "sha512", "sha3-256"...; @key: a PEM or DER
 * private key file or a "pkcs11:" URI (its PIN from KBUILD_SIGN_PIN);
 * @cert: the X.509 certificate, PEM or DER.  Errors are logged.
 */
struct modtool_signer;
int modtool_signer_new(struct modtool_ctx *ctx, const char *hash, const char *key,
		       const char *cert, struct modtool_signer **signer);
/* A signer with a signature made elsewhere over the module (sign-file -s RAWSIG). */
int modtool_signer_new_raw(struct modtool_ctx *ctx, const char *hash, const char *raw_sig,
			   const char *cert, struct modtool_signer **signer);
void modtool_signer_free(struct modtool_signer *signer);
/*
 * Sign the module @path, writing the result to @dest (NULL: replace @path,
 * atomically, keeping its mode).  An existing signature is replaced, never
 * stacked; a compressed module is decompressed, signed and compressed again
 * in its own format with settings the kernel can decompress.
 */
int modtool_signer_sign(struct modtool_signer *signer, const char *path, const char *dest,
			unsigned int flags);

/* ---- watching the kernel (watch/): module uevents, the audit trail ---- */

/*
 * A monitor of the kernel's module events for daemons: a non-blocking
 * socket (NETLINK_KOBJECT_UEVENT, the kernel's multicast group, filtered to
 * modules) to poll, and each event read from it with what /sys/module/NAME
 * says at that moment.  The kernel's rules: since 5.11 "add" comes only
 * after a successful init (a failed init sends nothing); built-in modules
 * send nothing; an action written to /sys/module/NAME/uevent by hand is an
 * event too, flagged MODTOOL_MONITOR_EVENT_WRITTEN (since 4.13 the kernel
 * marks those with SYNTH_UUID; before, an "add" of a module known to be
 * loaded is taken for one).  When the kernel drops events because the
 * socket's buffer is full, an MODTOOL_MONITOR_OVERRUN event comes, then
 * what changed in /proc/modules meanwhile as events flagged
 * MODTOOL_MONITOR_EVENT_SYNTHESISED.
 */
struct modtool_monitor;
struct modtool_monitor_event;

enum modtool_monitor_flags {
	/* look each module up in the context's tree: its file, SHA-256 and signer */
	MODTOOL_MONITOR_FILE_INFO = 1 << 0,
};
/* Open the uevent socket (a 16 MiB buffer: SO_RCVBUFFORCE as root, else SO_RCVBUF). */
int modtool_monitor_new(struct modtool_ctx *ctx, unsigned int flags,
			struct modtool_monitor **mon);
/*
 * The same on a socket of the caller's (an uevent netlink socket it opened,
 * or any datagram socket: tests feed crafted datagrams), which the monitor
 * owns from then on (not on failure).
 */
int modtool_monitor_new_from_fd(struct modtool_ctx *ctx, int fd, unsigned int flags,
				struct modtool_monitor **mon);
void modtool_monitor_free(struct modtool_monitor *mon);
/*
 * The socket's receive buffer, in bytes (the kernel doubles it for its
 * bookkeeping; a uevent takes about a kilobyte): 0 or a negative errno.
 */
int modtool_monitor_set_buffer_size(struct modtool_monitor *mon, int bytes);
/* The descriptor to poll for POLLIN. */
int modtool_monitor_get_fd(const struct modtool_monitor *mon);
/*
 * The next event: 0 with *@ev (free it), -EAGAIN when none is waiting
 * (poll again), or another negative errno.  Malformed datagrams and other
 * subsystems' events are skipped (malformed ones logged at LOG_INFO).
 */
int modtool_monitor_next(struct modtool_monitor *mon, struct modtool_monitor_event **ev);

enum modtool_monitor_action {
	MODTOOL_MONITOR_ADD,
	MODTOOL_MONITOR_REMOVE,
	MODTOOL_MONITOR_OTHER,		/* "change", "online"...: see the action's name */
	MODTOOL_MONITOR_OVERRUN,	/* events were lost; the changes found follow */
};
enum modtool_monitor_event_flags {
	/* made from /proc/modules after an overrun (or the overrun itself) */
	MODTOOL_MONITOR_EVENT_SYNTHESISED = 1 << 0,
	/* written to /sys/module/NAME/uevent by hand: nothing was loaded or removed */
	MODTOOL_MONITOR_EVENT_WRITTEN = 1 << 1,
};
enum modtool_monitor_sysfs {
	MODTOOL_MONITOR_TAINT,		/* /sys/module/NAME/taint: letters, "" for none */
	MODTOOL_MONITOR_INITSTATE,	/* "live", "coming", "going" */
	MODTOOL_MONITOR_VERSION,
	MODTOOL_MONITOR_SRCVERSION,
};
void modtool_monitor_event_free(struct modtool_monitor_event *ev);
int modtool_monitor_event_get_action(const struct modtool_monitor_event *ev);
/* "add", "remove", "overrun", or the kernel's word for another action. */
const char *modtool_monitor_event_get_action_name(const struct modtool_monitor_event *ev);
/* NULL for an overrun. */
const char *modtool_monitor_event_get_module(const struct modtool_monitor_event *ev);
/* The kernel's SEQNUM; 0 for synthesised events. */
uint64_t modtool_monitor_event_get_seqnum(const struct modtool_monitor_event *ev);
/* Microseconds since the epoch: when the kernel queued it (else when it was read). */
int64_t modtool_monitor_event_get_time_usec(const struct modtool_monitor_event *ev);
unsigned int modtool_monitor_event_get_flags(const struct modtool_monitor_event *ev);
/* /sys/module/NAME's file at that moment, or NULL when it had none (gone, built in). */
const char *modtool_monitor_event_get_sysfs(const struct modtool_monitor_event *ev,
					    enum modtool_monitor_sysfs which);
/* /sys/module/NAME/refcnt, or -1. */
long modtool_monitor_event_get_refcount(const struct modtool_monitor_event *ev);
/* With MODTOOL_MONITOR_FILE_INFO: the module's file in the tree, its SHA-256 (hex), */
/* its signer as modinfo names it; NULL when not found, unreadable or unsigned. */
const char *modtool_monitor_event_get_path(const struct modtool_monitor_event *ev);
const char *modtool_monitor_event_get_sha256(const struct modtool_monitor_event *ev);
const char *modtool_monitor_event_get_signer(const struct modtool_monitor_event *ev);

/*
 * The audit trail: the library records the loads, failed loads, removals
 * and load-policy refusals it makes to the journal (its native socket,
 * /run/systemd/journal/socket), else to syslog (/dev/log), with structured
 * fields: MESSAGE_ID (one of these), MODTOOL_MODULE, MODTOOL_PATH,
 * MODTOOL_SHA256, MODTOOL_SIGNER, MODTOOL_PARAMETERS, MODTOOL_RESULT,
 * MODTOOL_ERRNO, MODTOOL_UID, MODTOOL_REQUESTED_BY ("kernel" or "user"),
 * MODTOOL_PARENT, MODTOOL_RULE (refusals).  Find them with
 * `journalctl MESSAGE_ID=...`.  What is recorded (modtool(8), AUDIT TRAIL):
 * $MODTOOL_AUDIT, else "audit = MODE" in /etc/modtool/audit.conf, else
 * "kernel".  Recording never fails a load and never blocks.
 */
#define MODTOOL_AUDIT_ID_LOAD "2ca6e38f9680b17cb483c21d71b8bd4e"
#define MODTOOL_AUDIT_ID_LOAD_FAILED "95bf6ca712d70348d41194a653d14202"
#define MODTOOL_AUDIT_ID_REMOVE "befe8fcfcd044a8ae5745a028769fc91"
#define MODTOOL_AUDIT_ID_REMOVE_FAILED "88777103f50df802b42df5be8de11c3b"
#define MODTOOL_AUDIT_ID_REFUSED "c299b77f2711a0e7a767a54e6ae9dfe6"

enum modtool_audit_mode {
	MODTOOL_AUDIT_OFF,		/* nothing */
	MODTOOL_AUDIT_REFUSED,		/* the load policy's refusals */
	/* refusals, and every load (failed or not) the kernel asked for (the default) */
	MODTOOL_AUDIT_KERNEL,
	MODTOOL_AUDIT_ALL,		/* refusals, every load and removal, failed or not */
};
/* Override the configured mode for @ctx (-1: back to the configuration). */
int modtool_ctx_set_audit(struct modtool_ctx *ctx, int mode);

/* ---- check (check/): will a module load, what taint, can it be removed ---- */

/*
 * What loading a module would do, told offline from its file and the
 * kernel's own data, before anything touches the kernel: the kernel's
 * exports (its image's export tables, or a Module.symvers), its version
 * magic, its certificates, its configuration and (for the running kernel)
 * its state.  Each module gets a verdict, the taint letters the load would
 * set, the error the kernel would answer, and every finding behind them,
 * each with what to do about it.  Nothing is ever loaded.
 */
struct modtool_check;
struct modtool_check_result;

enum modtool_check_verdict {
	MODTOOL_CHECK_LOADS,	/* would load, nothing tainted */
	MODTOOL_CHECK_TAINTS,	/* would load and taint the kernel */
	MODTOOL_CHECK_REFUSED,	/* the kernel (or the load policy) would refuse it */
	MODTOOL_CHECK_UNKNOWN,	/* cannot tell: something needed is not known */
};
/* "loads", "taints", "refused", "unknown". */
const char *modtool_check_verdict_name(int verdict);

enum modtool_check_severity {
	MODTOOL_FINDING_NOTE,		/* worth knowing; changes nothing */
	MODTOOL_FINDING_WARNING,	/* loads, but something may not work (firmware, removal) */
	MODTOOL_FINDING_TAINT,		/* loads and taints */
	MODTOOL_FINDING_REFUSE,		/* refused */
	MODTOOL_FINDING_UNKNOWN,	/* cannot tell */
};
/* "note", "warning", "taint", "refuse", "unknown". */
const char *modtool_check_severity_name(int severity);

/* A check against nothing yet: set the kernel with the calls below. */
int modtool_check_new(struct modtool_ctx *ctx, struct modtool_check **chk);
void modtool_check_free(struct modtool_check *chk);
/*
 * The kernel's image (bzImage or vmlinux): its release, version magic, the
 * certificates it trusts, and its exports unless a Module.symvers is given.
 * 0 or a negative errno (logged).
 */
int modtool_check_set_kernel_image(struct modtool_check *chk, const char *path);
/* The kernel's exports from a Module.symvers (its CRCs, GPL-only, namespaces). */
int modtool_check_set_symvers(struct modtool_check *chk, const char *path);
/*
 * When neither an image nor a Module.symvers gave the exports: their names
 * and which are GPL-only from a System.map (no CRCs, no namespaces: those
 * are not checked then).  -ENODATA for a map without exports (Debian's
 * placeholder; logged as a warning).
 */
int modtool_check_set_system_map(struct modtool_check *chk, const char *path);
/* The kernel's .config (boot/config-VERSION): module signing, modversions, ... */
int modtool_check_set_kernel_config(struct modtool_check *chk, const char *path);
/* Trust these certificates too (files or directories, as modtool_keyring_add_path()). */
int modtool_check_add_certificates(struct modtool_check *chk, const char *path);
/*
 * The kernel running now: what is loaded or built in, sig_enforce, lockdown,
 * modules_disabled, firmware_class.path (read from the context's /proc and
 * /sys).  The load policy is asked when the context has one
 * (modtool_ctx_load_policy()), the configuration's notes come from what
 * modtool_ctx_load_config() read, whichever kernel is checked.
 */
int modtool_check_use_running_kernel(struct modtool_check *chk);
/*
 * For a kernel that is not running: would it enforce signatures
 * (module.sig_enforce=1), is it locked down ("none", "integrity",
 * "confidentiality")?  Unset: what its configuration says, else not.
 */
void modtool_check_set_sig_enforce(struct modtool_check *chk, bool enforce);
int modtool_check_set_lockdown(struct modtool_check *chk, const char *level);
/* Firmware is looked for under @root/lib/firmware ("" or NULL: /lib/firmware). */
int modtool_check_set_root(struct modtool_check *chk, const char *root);
/* The kernel release and version magic checked against (NULL: not known). */
const char *modtool_check_get_release(const struct modtool_check *chk);
const char *modtool_check_get_vermagic(const struct modtool_check *chk);
/* How many exports of the kernel are known (0: symbols cannot be checked). */
size_t modtool_check_get_export_count(const struct modtool_check *chk);

/*
 * Check @module, a module file's path (contains a '/' or ends in .ko...) or
 * a name resolved as modprobe resolves it, and each module it depends on
 * (modules.dep), dependencies first.  0 with the result in *@res, or a
 * negative errno: -ENOENT nothing of that name (logged).
 */
int modtool_check_module(struct modtool_check *chk, const char *module,
			 struct modtool_check_result **res);
/*
 * Every module file of the context's tree, each alone (its dependencies are
 * checked as themselves): @fn gets each result (one module) in path order;
 * a non-zero return stops the walk and is returned.
 */
typedef int (*modtool_check_fn)(void *data, const struct modtool_check_result *res);
int modtool_check_tree(struct modtool_check *chk, modtool_check_fn fn, void *data);

void modtool_check_result_free(struct modtool_check_result *res);
/* The modules of a result: dependencies first, the one asked for last. */
size_t modtool_check_result_count(const struct modtool_check_result *res);
const char *modtool_check_result_get_name(const struct modtool_check_result *res, size_t i);
/* Its file, NULL when built into the kernel. */
const char *modtool_check_result_get_path(const struct modtool_check_result *res, size_t i);
bool modtool_check_result_is_target(const struct modtool_check_result *res, size_t i);
int modtool_check_result_get_verdict(const struct modtool_check_result *res, size_t i);
/* The negative errno the kernel would answer the load with, 0 when it loads. */
int modtool_check_result_get_error(const struct modtool_check_result *res, size_t i);
/*
 * The taint letters the load would set on the kernel, in the kernel's order
 * ("OE"); also for a refused module when the kernel taints before refusing
 * (a GPL-only symbol under a proprietary licence: P).  "" none.
 */
const char *modtool_check_result_get_taint(const struct modtool_check_result *res, size_t i);
/* Once loaded, can it be removed (rmmod) without forcing? */
bool modtool_check_result_is_removable(const struct modtool_check_result *res, size_t i);
size_t modtool_check_result_finding_count(const struct modtool_check_result *res, size_t i);
/*
 * Finding @j of module @i: its @code ("crc-mismatch"...), @severity, the
 * @letter it taints with ('\0' none), the @error it refuses with (0 none),
 * the @symbol (firmware, module) it is about (NULL none), the @message and
 * what to do about it (@advice, NULL none).  Any output may be NULL.
 */
/*
 * Does the kernel get as far as finding @j of module @i?  Not when it
 * refuses the module at an earlier stage: a vermagic refusal comes before
 * the signature's taint, and a refused module is never removed.
 */
bool modtool_check_result_finding_reached(const struct modtool_check_result *res, size_t i,
					  size_t j);
int modtool_check_result_get_finding(const struct modtool_check_result *res, size_t i, size_t j,
				     const char **code, int *severity, char *letter, int *error,
				     const char **symbol, const char **message,
				     const char **advice);

#ifdef __cplusplus
}
#endif
#endif
