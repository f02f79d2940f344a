/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The depmod engine's run and its steps, one file each:
 *   depmod.c    public API, the run from start to end
 *   config.c    depmod.d (search, override, external, exclude)   config.h
 *   scan.c      walking the tree, duplicates, modules.order
 *   parse.c     one module: what depmod needs of it, as a flat record
 *   record.c    that record: built, checked, walked               record.h
 *   pool.c      parsing every module on a thread per core
 *   cache.c     the per-module record cache for incremental runs
 *   resolve.c   symbols, dependencies, order, cycles
 *   hash.c      kmod's hash function (its output order)
 *   output.c    every modules.* file, published atomically
 *   show-json.c the same files' contents as JSON (depmod -n --json)
 */
#ifndef MODTOOL_DEPMOD_H
#define MODTOOL_DEPMOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "base/buf.h"
#include "depmod/config.h"
#include "depmod/record.h"

struct modtool_ctx;
struct modtool_json;

/* The hash kmod's own hash tables use (Paul Hsieh's SuperFastHash). */
uint32_t mt_superfast_hash(const char *key, size_t len);

/* ---- modules ----------------------------------------------------------- */

struct mt_dm_module {
	char *path;		/* as opened */
	const char *relpath;	/* into path, or path itself for external modules */
	char *name;		/* normalized module name */
	uint64_t file_size;
	int64_t mtime_ns;
	uint64_t ino, dev;
	int order;		/* position in modules.order, or INT32_MAX */
	uint32_t hash_bucket;	/* kmod's bucket, orders modules missing from modules.order */
	struct mt_record rec;
	bool from_cache;
	bool broken;		/* malformed: skipped */
	char *problem;		/* why broken (warned after the parallel parse) */
	int env_err;		/* broken by a fault of the machine (-errno), not of the file */

	/* resolution */
	uint32_t idx;		/* position in the sorted array */
	uint32_t *deps;		/* direct dependencies, indexes */
	uint32_t n_deps;
	size_t deps_cap;
	uint32_t users;
	uint32_t dep_sort_idx;
	uint32_t stamp;
};

/*
 * A parsing thread's reusable state: a buffer as big as the biggest file
 * seen, into which only the needed parts of a plain module are read.
 */
struct mt_dm_reader;
/* @dirfd: the module directory, relative paths are opened from it (-1: none). */
struct mt_dm_reader *mt_dm_reader_new(int dirfd);
void mt_dm_reader_free(struct mt_dm_reader *r);
/* Parse @m->path into @m->rec, or set @m->broken and @m->problem. */
void mt_depmod_parse_module_with(struct mt_dm_module *m, struct mt_dm_reader *r);
/* The same with a reader of its own. */
void mt_depmod_parse_module(struct mt_dm_module *m);
/*
 * Parse the modules without a record on @threads threads, biggest first;
 * relative paths are opened from @dirname's descriptor.
 */
int mt_depmod_parse_all(struct mt_dm_module **mods, size_t n, unsigned int threads,
			const char *dirname);

/* ---- the whole run ------------------------------------------------------ */

struct mt_dm_symbol {
	const char *name;	/* borrowed from a record or the symvers buffer */
	uint32_t hash;		/* mt_symbol_hash(); kmod's own only for the output order */
	int32_t owner;		/* module idx, or -1 (kernel) */
	uint64_t crc;
};

struct mt_symtab {
	struct mt_dm_symbol *slots;
	size_t cap, count;	/* open addressing, cap a power of two */
};

struct mt_depmod_run {
	struct modtool_ctx *ctx;
	const struct mt_depmod_cfg *cfg;
	const char *dirname;	/* module dir read from */
	size_t dirnamelen;
	struct mt_dm_module **mods;	/* after scan: the chosen ones, sorted */
	size_t n_mods, mods_cap;
	struct mt_symtab syms;
	char *kernel_syms;	/* Module.symvers or System.map text */
	char sym_prefix;
	bool check_symvers;
	bool print_unknown;
	bool warn_dups;
	uint32_t stamp;
	unsigned int n_cycle_mods;
	void *cache_map;	/* records of unchanged modules point in here */
	size_t cache_size;
	size_t cache_hits;
};

/* scan.c */
int mt_depmod_scan(struct mt_depmod_run *run);
int mt_depmod_add_file(struct mt_depmod_run *run, const char *path);
/* Sort in modules.order; fails only when the machine keeps it from being read. */
int mt_depmod_sort(struct mt_depmod_run *run);
int mt_depmod_up_to_date(struct modtool_ctx *ctx, const char *dirname, const char *outdir);
void mt_dm_module_free(struct mt_dm_module *m);

/* cache.c: fill records from the cache where the file is unchanged */
#define MT_DEPMOD_CACHE_NAME ".modtool-depmod.cache"
int mt_depmod_cache_apply(struct mt_depmod_run *run, const char *cachefile);
int mt_depmod_cache_build(struct mt_depmod_run *run, struct mt_buf *out);

/* resolve.c */
int mt_depmod_load_symvers(struct mt_depmod_run *run, const char *path);
int mt_depmod_load_system_map(struct mt_depmod_run *run, const char *path);
int mt_depmod_resolve(struct mt_depmod_run *run);
/* All dependencies of @m in kmod's order; the caller frees *out. */
int mt_depmod_all_deps(struct mt_depmod_run *run, const struct mt_dm_module *m,
		       uint32_t **out, size_t *n);
void mt_symtab_free(struct mt_symtab *t);
/* Symbols in kmod's hash-table order (modules.symbols); caller frees. */
int mt_symtab_kmod_order(const struct mt_symtab *t, const struct mt_dm_symbol ***out,
			 size_t *n);

/* output.c */
struct mt_depmod_output {
	const char *outdir;	/* NULL: write @fd only (dry run) */
	int fd;			/* dry run: text files go here */
	struct modtool_json *json;	/* a dry run as JSON: to this writer instead */
	bool cache;
	const char *cachefile;
};
int mt_depmod_write(struct mt_depmod_run *run, const struct mt_depmod_output *out);
/*
 * @m's modules.devname entry in @d: true when it has one; a devname without
 * a major is logged as kmod does, and false.
 */
bool mt_depmod_devname(struct mt_depmod_run *run, const struct mt_dm_module *m,
		       struct mt_record_devname *d);

/* show-json.c: what a dry run prints, as one JSON object (modtool_depmod_show_json) */
int mt_depmod_write_json(struct mt_depmod_run *run, struct modtool_json *json);

#endif
