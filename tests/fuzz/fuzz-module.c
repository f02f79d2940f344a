// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for a module file as modinfo and depmod read it: magic
 * bytes -> gz/xz/zstd decompression (capped) -> ELF -> .modinfo ->
 * parameters -> appended signature, through modtool_module_get_info(); and
 * the same bytes through depmod's per-module parser (symbol tables,
 * __versions, __ksymtab_strings), whose record must then be well formed.
 *
 * Built and run by tests/fuzz/run-fuzzers.sh; the replay build
 * (fuzz-module-replay, a plain program) runs tests/fuzz/regressions/module.
 */
#include <errno.h>
#include <string.h>

#include "depmod/depmod.h"
#include "fuzz-util.h"

static volatile size_t sink;

static void check_info(struct modtool_ctx *ctx, const char *path)
{
	struct modtool_params *params;
	struct modtool_module *mod;
	struct modtool_info *info;

	if (modtool_module_new_from_path(ctx, path, &mod) < 0)
		abort();
	if (modtool_module_get_info(mod, MODTOOL_INFO_SIGNATURE, &info) == 0) {
		for (size_t i = 0; i < modtool_info_count(info); i++)
			sink += strlen(modtool_info_get_key(info, i)) +
				strlen(modtool_info_get_value(info, i));
		if (modtool_info_get_params(info, &params) >= 0) {
			for (size_t i = 0; i < modtool_params_count(params); i++) {
				const char *d = modtool_params_get_description(params, i);
				const char *t = modtool_params_get_type(params, i);

				sink += strlen(modtool_params_get_name(params, i));
				sink += d ? strlen(d) : 0;
				sink += t ? strlen(t) : 0;
			}
			modtool_params_free(params);
		}
		modtool_info_free(info);
	}
	modtool_module_unref(mod);
}

static void check_depmod(char *path)
{
	struct mt_dm_module m = { .path = path };
	struct mt_record_iter it;
	uint64_t crc;
	bool weak;

	mt_depmod_parse_module(&m);
	if (m.broken) {
		/* a module left out must say why */
		if (!m.problem || !m.problem[0])
			abort();
		free(m.problem);
		free(m.rec.data);
		return;
	}
	if (!mt_record_valid(m.rec.data, m.rec.size))
		abort();
	for (uint32_t n = mt_record_section(&m.rec, 0, &it); n; n--)
		sink += strlen(mt_record_next_info(&it));
	for (int s = 1; s <= 2; s++)
		for (uint32_t n = mt_record_section(&m.rec, s, &it); n; n--)
			sink += strlen(mt_record_next_symbol(&it, &crc, s == 2 ? &weak : NULL));
	free(m.problem);
	free(m.rec.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modtool_ctx *ctx = fuzz_ctx();
	struct fuzz_file f;

	fuzz_file_open(&f, "fuzz-module.ko", data, size);
	check_info(ctx, f.path);
	check_depmod(f.path);
	fuzz_file_close(&f);
	return 0;
}
