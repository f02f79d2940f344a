// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the configuration readers: the input as a
 * modprobe.d file (continuation lines, every directive), as a kernel
 * command line, and as a depmod.d file; then the queries modprobe makes of
 * what was read, with names taken from the entries themselves.
 *
 * Built and run by tests/fuzz/run-fuzzers.sh; the replay build
 * (fuzz-config-replay, a plain program) runs tests/fuzz/regressions/config.
 */
#include <errno.h>
#include <string.h>

#include "depmod/depmod.h"
#include "fuzz-util.h"
#include "config/config.h"

static volatile size_t sink;

static void query(const struct mt_config *cfg, const char *name, const char *alias)
{
	const struct mt_config_entry *e;
	char *opts = NULL;

	for (int k = 0; k < MODTOOL_CONFIG_KIND_COUNT; k++) {
		e = mt_config_first_match(cfg, k, name);
		if (e)
			sink += strlen(e->key);
	}
	sink += mt_config_is_blacklisted(cfg, name);
	if (mt_config_options(cfg, name, alias, "extra=1", &opts) >= 0)
		free(opts);
}

static void walk_entries(const struct mt_config *cfg)
{
	for (int k = 0; k < MODTOOL_CONFIG_KIND_COUNT; k++) {
		size_t n = 0;
		const struct mt_config_entry *e = mt_config_entries(cfg, k, &n);

		for (size_t i = 0; i < n; i++) {
			sink += strlen(e[i].key) + strlen(e[i].file) + e[i].line;
			if (e[i].value)
				sink += strlen(e[i].value);
			for (unsigned int d = 0; e[i].deps && d < e[i].npre + e[i].npost; d++)
				sink += strlen(e[i].deps[d]);
			/* the first few keys are asked about, as modprobe would */
			if (i < 4)
				query(cfg, e[i].key, e[i].key);
		}
	}
}

static void modprobe_config(struct modtool_ctx *ctx, const uint8_t *data, size_t size)
{
	struct mt_config *cfg;

	if (mt_config_new(&cfg) < 0)
		abort();
	mt_config_parse_buffer(ctx, cfg, "fuzz.conf", (const char *)data, size);
	mt_config_parse_cmdline(ctx, cfg, (const char *)data, size);
	walk_entries(cfg);
	query(cfg, "snd_hda_intel", "pci:v00008086d*");
	query(cfg, "", NULL);
	mt_config_free(cfg);
}

static void depmod_config(struct modtool_ctx *ctx, const uint8_t *data, size_t size)
{
	struct mt_depmod_cfg cfg = { 0 };
	struct fuzz_file f;
	char *paths[1];

	fuzz_file_open(&f, "fuzz-depmod.conf", data, size);
	paths[0] = f.path;
	mt_depmod_cfg_load(ctx, &cfg, paths, 1, "6.1.0-fuzz-amd64");
	mt_depmod_cfg_free(&cfg);
	fuzz_file_close(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modtool_ctx *ctx = fuzz_ctx();

	modprobe_config(ctx, data, size);
	depmod_config(ctx, data, size);
	return 0;
}
