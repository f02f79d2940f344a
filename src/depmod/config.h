/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* depmod.d: where depmod searches, which copy of a module wins, what it skips. */
#ifndef MODTOOL_DEPMOD_CONFIG_H
#define MODTOOL_DEPMOD_CONFIG_H

#include <stddef.h>

struct modtool_ctx;

enum mt_search_type { MT_SEARCH_PATH, MT_SEARCH_BUILTIN, MT_SEARCH_EXTERNAL };

struct mt_search {
	enum mt_search_type type;
	char *path;		/* relative to the module dir (MT_SEARCH_PATH) */
};

struct mt_override {
	char *modname;		/* normalized */
	char *subdir;		/* relative to the module dir, no trailing '/' */
};

struct mt_depmod_cfg {
	struct mt_search *searches;
	size_t n_searches, searches_cap;
	struct mt_override *overrides;
	size_t n_overrides, overrides_cap;
	char **externals;	/* absolute directories */
	size_t n_externals, externals_cap;
	char **excludes;	/* entry names never walked into */
	size_t n_excludes, excludes_cap;
};

/* Read @paths (files or directories of *.conf, first file of a name wins). */
int mt_depmod_cfg_load(struct modtool_ctx *ctx, struct mt_depmod_cfg *cfg,
		       char *const *paths, size_t n_paths, const char *kversion);
void mt_depmod_cfg_free(struct mt_depmod_cfg *cfg);

#endif
