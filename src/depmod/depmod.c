// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod as a library call: scan the tree, take unchanged modules from the
 * cache and parse the others in parallel, resolve symbols into dependencies,
 * and publish every modules.* file at once.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>

#include "base/internal.h"
#include "depmod/depmod.h"

struct modtool_depmod {
	struct modtool_ctx *ctx;
	char *kversion;
	char *outdir;
	char **configs;
	size_t n_configs, configs_cap;
	char **files;
	size_t n_files, files_cap;
	char *symvers;
	char *system_map;
	unsigned int flags;
	unsigned int threads;
	char sym_prefix;
	struct modtool_depmod_stats stats;
};

MT_EXPORT int modtool_depmod_new(struct modtool_ctx *ctx, const char *kversion,
				 struct modtool_depmod **dmp)
{
	struct modtool_depmod *dm;

	if (!ctx || !dmp)
		return -EINVAL;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	dm->ctx = ctx;
	dm->kversion = strdup(kversion ? kversion : "");
	if (!dm->kversion) {
		free(dm);
		return -ENOMEM;
	}
	*dmp = dm;
	return 0;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

MT_EXPORT void modtool_depmod_free(struct modtool_depmod *dm)
{
	if (!dm)
		return;
	free(dm->kversion);
	free(dm->outdir);
	free(dm->symvers);
	free(dm->system_map);
	free_strings(dm->configs, dm->n_configs);
	free_strings(dm->files, dm->n_files);
	free(dm);
}

static int set_string(char **field, const char *value)
{
	char *s = value ? strdup(value) : NULL;

	if (value && !s)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

MT_EXPORT int modtool_depmod_set_output_dir(struct modtool_depmod *dm, const char *dir)
{
	return set_string(&dm->outdir, dir);
}

MT_EXPORT int modtool_depmod_add_config(struct modtool_depmod *dm, const char *path)
{
	return mt_strv_push(&dm->configs, &dm->n_configs, &dm->configs_cap, path);
}

MT_EXPORT int modtool_depmod_add_module(struct modtool_depmod *dm, const char *path)
{
	return mt_strv_push(&dm->files, &dm->n_files, &dm->files_cap, path);
}

MT_EXPORT int modtool_depmod_set_symvers(struct modtool_depmod *dm, const char *path)
{
	return set_string(&dm->symvers, path);
}

MT_EXPORT int modtool_depmod_set_system_map(struct modtool_depmod *dm, const char *path)
{
	return set_string(&dm->system_map, path);
}

MT_EXPORT void modtool_depmod_set_flags(struct modtool_depmod *dm, unsigned int flags)
{
	dm->flags = flags;
}

MT_EXPORT void modtool_depmod_set_symbol_prefix(struct modtool_depmod *dm, char prefix)
{
	dm->sym_prefix = prefix;
}

MT_EXPORT void modtool_depmod_set_threads(struct modtool_depmod *dm, unsigned int threads)
{
	dm->threads = threads;
}

MT_EXPORT const struct modtool_depmod_stats *modtool_depmod_get_stats(const struct modtool_depmod *dm)
{
	return &dm->stats;
}

static const char *output_dir(const struct modtool_depmod *dm)
{
	return dm->outdir ? dm->outdir : dm->ctx->module_dir;
}

MT_EXPORT int modtool_depmod_is_up_to_date(struct modtool_depmod *dm)
{
	return mt_depmod_up_to_date(dm->ctx, dm->ctx->module_dir, output_dir(dm));
}

/* ---- the run ------------------------------------------------------------------ */

static void run_free(struct mt_depmod_run *run)
{
	for (size_t i = 0; i < run->n_mods; i++)
		mt_dm_module_free(run->mods[i]);
	free(run->mods);
	mt_symtab_free(&run->syms);
	free(run->kernel_syms);
	if (run->cache_map)
		munmap(run->cache_map, run->cache_size);
}

static int load_kernel_symbols(struct modtool_depmod *dm, struct mt_depmod_run *run)
{
	const char *path = dm->symvers ? dm->symvers : dm->system_map;
	int err;

	if (!path) {
		if (run->print_unknown)
			mt_warn(dm->ctx, "-e needs -E or -F\n");
		run->print_unknown = false;
		return 0;
	}
	err = dm->symvers ? mt_depmod_load_symvers(run, path) :
			    mt_depmod_load_system_map(run, path);
	if (err < 0)
		mt_err(dm->ctx, "could not load %s: %s\n", path, strerror(-err));
	return err;
}

static int find_modules(struct modtool_depmod *dm, struct mt_depmod_run *run,
			struct mt_depmod_cfg *cfg)
{
	int err;

	if (dm->n_files) {
		for (size_t i = 0; i < dm->n_files; i++) {
			err = mt_depmod_add_file(run, dm->files[i]);
			if (err)
				return err;
		}
		return 0;
	}
	err = mt_depmod_cfg_load(dm->ctx, cfg, dm->n_configs ? dm->configs : NULL,
				 dm->n_configs, dm->kversion);
	if (err) {
		mt_err(dm->ctx, "could not load configuration files\n");
		return err;
	}
	err = mt_depmod_scan(run);
	if (err)
		mt_err(dm->ctx, "could not search modules: %s\n", strerror(-err));
	return err;
}

/*
 * A module that could not be read because of the machine (a library that
 * cannot be loaded, memory, the disk) says nothing about the module:
 * publishing indexes without it would wipe it from them.  Stop instead, in
 * one line naming the first such module and its cause.
 */
static int environment_failure(const struct mt_depmod_run *run)
{
	const struct mt_dm_module *first = NULL;
	size_t n = 0;

	for (size_t i = 0; i < run->n_mods; i++) {
		if (!run->mods[i]->env_err)
			continue;
		if (!first)
			first = run->mods[i];
		n++;
	}
	if (!first)
		return 0;
	mt_err(run->ctx, "%s: %s (%zu module%s not read): indexes left unchanged\n",
	       first->path, first->problem ? first->problem : strerror(-first->env_err), n,
	       n == 1 ? "" : "s");
	return first->env_err;
}

/* Warn about each malformed module, in tree order, and drop it. */
static void drop_broken(struct mt_depmod_run *run)
{
	size_t kept = 0;

	for (size_t i = 0; i < run->n_mods; i++) {
		struct mt_dm_module *m = run->mods[i];

		if (m->broken) {
			mt_warn(run->ctx, "%s: %s (skipped)\n", m->path,
				m->problem ? m->problem : "cannot be read");
			mt_dm_module_free(m);
			continue;
		}
		m->idx = (uint32_t)kept;
		run->mods[kept++] = m;
	}
	run->n_mods = kept;
}

static int depmod_run(struct modtool_depmod *dm, int fd, struct modtool_json *json)
{
	struct mt_depmod_cfg cfg = { 0 };
	struct mt_depmod_run run = {
		.ctx = dm->ctx,
		.cfg = &cfg,
		.dirname = dm->ctx->module_dir,
		.sym_prefix = dm->sym_prefix,
		.check_symvers = dm->symvers != NULL,
		.print_unknown = dm->flags & MODTOOL_DEPMOD_ERRSYMS,
		.warn_dups = dm->flags & MODTOOL_DEPMOD_WARN_DUPS,
	};
	bool use_cache = !(dm->flags & MODTOOL_DEPMOD_NO_CACHE) && !dm->n_files;
	bool dry = fd >= 0 || json;
	struct mt_depmod_output out = { .outdir = dry ? NULL : output_dir(dm), .fd = fd,
					.json = json, .cache = use_cache && !dry };
	char cachefile[PATH_MAX];
	int err;

	run.dirnamelen = strlen(run.dirname);
	memset(&dm->stats, 0, sizeof(dm->stats));
	err = load_kernel_symbols(dm, &run);
	if (!err)
		err = find_modules(dm, &run, &cfg);
	if (!err && use_cache &&
	    snprintf(cachefile, sizeof(cachefile), "%s/%s", output_dir(dm),
		     MT_DEPMOD_CACHE_NAME) < (int)sizeof(cachefile))
		err = mt_depmod_cache_apply(&run, cachefile);
	if (!err) {
		dm->stats.modules = run.n_mods;
		dm->stats.cached = run.cache_hits;
		err = mt_depmod_parse_all(run.mods, run.n_mods, dm->threads, run.dirname);
	}
	if (!err)
		err = environment_failure(&run);
	if (!err)
		err = mt_depmod_sort(&run);
	if (!err) {
		drop_broken(&run);
		dm->stats.skipped = dm->stats.modules - run.n_mods;
		err = mt_depmod_resolve(&run);
	}
	if (!err)
		err = mt_depmod_write(&run, &out);
	run_free(&run);
	mt_depmod_cfg_free(&cfg);
	return err;
}

MT_EXPORT int modtool_depmod_run(struct modtool_depmod *dm)
{
	return depmod_run(dm, -1, NULL);
}

MT_EXPORT int modtool_depmod_show(struct modtool_depmod *dm, int fd)
{
	return fd < 0 ? -EBADF : depmod_run(dm, fd, NULL);
}

MT_EXPORT int modtool_depmod_show_json(struct modtool_depmod *dm, struct modtool_json *json)
{
	return json ? depmod_run(dm, -1, json) : -EINVAL;
}
