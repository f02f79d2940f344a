/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modtool check's insides: the kernel a module is checked against, the
 * findings of each module, and the order in which the kernel's own
 * load_module() would meet them (which decides its error and the taint it
 * leaves behind).  Nothing here loads a module.
 */
#ifndef MODTOOL_CHECK_H
#define MODTOOL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libmodtool.h"
#include "module/elf-reader.h"
#include "module/module-symbols.h"

/* ---- exports: what symbols a module can bind to ---- */

struct mt_export {
	const char *name;	/* owned by the table's string pool */
	const char *ns;		/* NULL: none */
	const char *owner;	/* NULL: the kernel itself, else the module's name */
	uint32_t crc;
	bool has_crc;
	bool gpl_only;
};

/* A table of exports by name (open addressing); strings copied in. */
struct mt_export_table;
int mt_export_table_new(struct mt_export_table **t);
void mt_export_table_free(struct mt_export_table *t);
/* Add (a later entry of a name is ignored, as the first provider wins): 0 or -ENOMEM. */
int mt_export_table_add(struct mt_export_table *t, const struct mt_export *e);
const struct mt_export *mt_export_table_find(const struct mt_export_table *t, const char *name);
size_t mt_export_table_count(const struct mt_export_table *t);
/* Slot @i (0 to the capacity; its name NULL when empty), NULL past the last. */
const struct mt_export *mt_export_table_at(const struct mt_export_table *t, size_t i);

/* The exports of the kernel image @img's vmlinux into @t: the count or a negative errno (logged). */
struct mt_kernel_image;
int mt_export_table_add_vmlinux(struct modtool_ctx *ctx, struct mt_export_table *t,
				const struct mt_kernel_image *img);
/*
 * A Module.symvers ("0xCRC\tname\tmodule\tEXPORT_SYMBOL[_GPL]\tnamespace"):
 * vmlinux's lines as the kernel's, the others with their module.  The count
 * or a negative errno (logged, naming the file and line).
 */
int mt_export_table_add_symvers(struct modtool_ctx *ctx, struct mt_export_table *t,
				const char *path);

/*
 * A System.map: the names of the exports (__ksymtab_NAME), GPL-only by the
 * bounds of __ksymtab_gpl; no CRC, no namespace.  The count, -ENODATA for
 * a map without exports (logged as a warning), or another negative errno.
 */
int mt_export_table_add_system_map(struct modtool_ctx *ctx, struct mt_export_table *t,
				   const char *path);

/* A kernel text file, regular files only, never blocking: NULL and *@err (logged). */
FILE *mt_check_open_text(struct modtool_ctx *ctx, const char *path, int *err);

/* ---- findings ---- */

/*
 * The order load_module() checks things in (6.1 and 6.12 alike): a refusal
 * at an earlier stage hides the later ones, and the taint letters are set
 * on the kernel at MT_STAGE_TAINTS, before the symbols are resolved.
 */
enum mt_stage {
	MT_STAGE_TOOL,		/* modprobe and the load policy, before any syscall */
	MT_STAGE_SIGNATURE,	/* module_sig_check() */
	MT_STAGE_ELF,		/* the ELF, .gnu.linkonce.this_module, .modinfo */
	MT_STAGE_MODSTRUCT,	/* check_modstruct_version(): module_layout */
	MT_STAGE_VERMAGIC,	/* check_modinfo(): vermagic, livepatch support */
	MT_STAGE_EXISTS,	/* a module of that name is loaded already */
	MT_STAGE_TAINTS,	/* O, C, K, P, N, E are set on the kernel here */
	MT_STAGE_SYMBOLS,	/* simplify_symbols(): unknown, CRC, namespace */
	MT_STAGE_AFTER,		/* not a load check: removal, firmware, modprobe's config */
};

struct mt_finding {
	const char *code;	/* stable identifier ("crc-mismatch") */
	int severity;		/* enum modtool_check_severity */
	int stage;		/* enum mt_stage */
	char letter;		/* a taint letter, or '\0' */
	int error;		/* a refusal's negative errno, else 0 */
	char *symbol;		/* the symbol, firmware or module it is about, or NULL */
	char *message;
	char *advice;
	bool reached;		/* the kernel gets this far (set by mt_checked_conclude) */
};

struct mt_checked {
	char *name;
	char *path;		/* NULL: built in */
	bool target;		/* asked for, not a dependency */
	struct mt_finding *findings;
	size_t n_findings, cap;
	/* concluded from the findings (mt_checked_conclude): */
	int verdict;		/* enum modtool_check_verdict */
	int error;		/* the kernel's answer, 0 when it loads */
	char taint[24];		/* letters the load leaves on the kernel, the kernel's order */
	bool removable;
};

struct modtool_check_result {
	struct mt_checked *mods;
	size_t n, cap;
};

/* Append a module to @res: the new entry, or NULL (-ENOMEM). */
struct mt_checked *mt_result_add(struct modtool_check_result *res, const char *name,
				 const char *path, bool target);
/*
 * Add a finding (message and advice printf-formatted; advice may be NULL):
 * 0 or -ENOMEM.
 */
int mt_finding_add(struct mt_checked *m, const char *code, int severity, int stage, char letter,
		   int error, const char *symbol, const char *advice, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));
/* The first finding of @code, or NULL. */
const struct mt_finding *mt_finding_find(const struct mt_checked *m, const char *code);
/* The verdict, the kernel's error, the taint letters, removability. */
void mt_checked_conclude(struct mt_checked *m);
void mt_result_clear(struct modtool_check_result *res);

/* ---- the kernel checked against ---- */

struct mt_tree_exports;

struct modtool_check {
	struct modtool_ctx *ctx;
	char *release;			/* the kernel release, NULL unknown */
	char *vermagic;			/* its version magic, NULL unknown */
	const char *vermagic_from;	/* where it came from, for messages */
	char vermagic_source[300];	/* vermagic_from, when made up */
	bool vermagic_tried;		/* the tree's modules asked for it already */
	struct mt_export_table *exports;	/* the kernel's and a symvers' modules' */
	bool exports_known;
	struct mt_export_table *tree_exports;	/* the tree's modules', read on demand */
	char **tree_read;		/* modules whose exports were read into it */
	size_t n_tree_read, tree_read_cap;
	struct modtool_keyring *keyring;
	bool keys_known;
	/* the kernel's configuration: 1 yes, 0 no, -1 unknown */
	int module_sig, modversions, force_load, livepatch, module_unload, force_unload;
	int allow_missing_ns;
	/* its state: 1, 0, -1 unknown */
	int sig_enforce, lockdown, modules_disabled;
	bool running;			/* compare with the kernel running now */
	char *root;			/* where /lib/firmware is ("" the real one) */
	char *firmware_path;		/* firmware_class.path, or NULL */
	bool policy_loaded;
};

/* One module file being checked: what the rule files below share. */
struct mt_view {
	struct modtool_check *chk;
	struct modtool_ctx *ctx;
	struct modtool_module *mod;
	struct mt_checked *m;
	const char *name, *path;
	const uint8_t *data;		/* decompressed */
	size_t size;
	struct mt_elf elf;
	struct mt_msym ms;
	struct modtool_info *info;
	bool has_versions;		/* a __versions section (the kernel's has_crcs) */
	struct mt_msym_versions *versions;	/* its entries by name, NULL without */
	bool gpl_compatible;		/* its licence, as license_is_gpl_compatible() */
};

/* The first value of .modinfo key @key, or NULL. */
const char *mt_view_info(const struct mt_view *v, const char *key);
/* Does .modinfo hold @key=@value? */
bool mt_view_info_has(const struct mt_view *v, const char *key, const char *value);

/* The CRC the module's __versions gives @name: true and *@crc, or false when not listed. */
bool mt_view_version(const struct mt_view *v, const char *name, uint32_t *crc);
/* Can the kernel force what it would refuse (CONFIG_MODULE_FORCE_LOAD), tainting F? */
int mt_view_force(struct mt_view *v, const char *code, int stage, const char *what,
		  const char *advice);

/* The rules, each adding its findings to v->m: 0 or -ENOMEM. */
int mt_rules_signature(struct mt_view *v);	/* signature-rules.c */
int mt_rules_version(struct mt_view *v);	/* version-rules.c: vermagic, module_layout */
int mt_rules_taint(struct mt_view *v);		/* taint-rules.c */
int mt_rules_symbols(struct mt_view *v);	/* symbol-rules.c */
int mt_rules_removal(struct mt_view *v);	/* after-rules.c: exit, firmware */
int mt_rules_firmware(struct mt_view *v);
/* modprobe's configuration, the policy, loaded or built in: for files and built-ins alike */
int mt_rules_state(struct modtool_check *chk, struct modtool_module *mod, struct mt_checked *m);

/* Check one module file (or built-in module) into @m; dependencies are the caller's. */
int mt_check_module(struct modtool_check *chk, struct modtool_module *mod, struct mt_checked *m);
/* Only what its file tells (no state rules, not concluded): what a worker thread may do. */
int mt_check_module_file(struct modtool_check *chk, struct modtool_module *mod,
			 struct mt_checked *m);
/*
 * A copy of @chk for another thread: its own cache of the tree's exports;
 * the context (its indexes opened before: then only read), the kernel's
 * exports, keys and strings are shared, read-only.  Free with
 * mt_check_clone_free().
 */
int mt_check_clone(const struct modtool_check *chk, struct modtool_check **clone);
void mt_check_clone_free(struct modtool_check *clone);
/* The version magic of the tree's modules when the image gave none: 0 or -ENOMEM. */
int mt_check_tree_vermagic(struct modtool_check *chk);
/* The exports of the tree module providing @name (modules.symbols), read once: NULL if none. */
const struct mt_export *mt_check_tree_export(struct modtool_check *chk, const char *name);

#endif
