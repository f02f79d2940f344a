// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for a module file as modinfo and depmod read it: magic
 * bytes -> gz/xz/zstd decompression (capped) -> ELF -> .modinfo ->
 * parameters -> appended signature, through modtool_module_get_info(); the
 * same as modinfo --json writes it (modtool_json_module_info()), which must
 * be one line of valid UTF-8 (glibc's iconv, not our decoder, says so)
 * without a raw control byte; and the same bytes through depmod's
 * per-module parser (symbol tables, __versions, __ksymtab_strings), whose
 * record must then be well formed.
 *
 * Built and run by tests/fuzz/run-fuzzers.sh; the replay build
 * (fuzz-module-replay, a plain program) runs tests/fuzz/regressions/module.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "depmod/depmod.h"
#include "fuzz-util.h"

static volatile size_t sink;

/* @out (@len bytes) is valid UTF-8 by glibc's converter. */
static bool valid_utf8(char *out, size_t len)
{
	static iconv_t cd = (iconv_t)-1;
	char buf[4096];
	bool ok = true;

	if (cd == (iconv_t)-1)
		cd = iconv_open("UTF-32LE", "UTF-8");
	if (cd == (iconv_t)-1)
		abort();
	iconv(cd, NULL, NULL, NULL, NULL);
	while (len && ok) {
		char *o = buf;
		size_t room = sizeof(buf);

		if (iconv(cd, &out, &len, &o, &room) == (size_t)-1 && errno != E2BIG)
			ok = false;
	}
	return ok;
}

/* modinfo --json's object for the module: one valid line, escapes only. */
static void check_json(struct modtool_module *mod)
{
	int fd = memfd_create("fuzz-json", MFD_CLOEXEC);
	struct modtool_json *j;
	char *out;
	off_t len;

	if (fd < 0)
		abort();
	j = modtool_json_new(fd);
	modtool_json_module_info(j, mod, NULL);
	if (modtool_json_free(j) < 0)
		abort();
	len = lseek(fd, 0, SEEK_END);
	out = malloc(len + 1);
	if (!out || len < 1 || pread(fd, out, len, 0) != len)
		abort();
	for (off_t i = 0; i + 1 < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
	if (out[len - 1] != '\n' || !valid_utf8(out, len))
		abort();
	free(out);
	close(fd);
}

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
	check_json(mod);
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
