// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The signer on small inputs: the trailer it writes, re-signing replacing
 * the signature, compressed modules kept in their format, the .p7s, modes,
 * and refusals of hostile input, each with one message naming the file.
 * The "module" is this test's own executable: an ELF file of modest size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "module/compress.h"
#include "module/file.h"
#include "module/signature.h"
#include "test-util.h"

static char dir[] = "/tmp/test-sign.XXXXXX";
static char path_key[PATH_MAX], path_cert[PATH_MAX], path_ec_key[PATH_MAX], path_ec_cert[PATH_MAX];
static uint8_t *elf;
static size_t elf_size;

static char *in_dir(const char *name)
{
	static char buf[4][PATH_MAX];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(path_key, sizeof(path_key), "%s/rsa.key", dir);
	snprintf(path_cert, sizeof(path_cert), "%s/rsa.crt", dir);
	snprintf(path_ec_key, sizeof(path_ec_key), "%s/ec.key", dir);
	snprintf(path_ec_cert, sizeof(path_ec_cert), "%s/ec.crt", dir);
	if (run_status("openssl req -new -nodes -batch -x509 -subj /CN=t -newkey rsa:2048 "
		       "-keyout %s -out %s 2>/dev/null", path_key, path_cert) != 0 ||
	    run_status("openssl req -new -nodes -batch -x509 -subj /CN=e -newkey ec "
		       "-pkeyopt ec_paramgen_curve:P-256 -keyout %s -out %s 2>/dev/null",
		       path_ec_key, path_ec_cert) != 0)
		return -1;
	elf = read_file("/proc/self/exe", &elf_size);
	return 0;
}

static int teardown(void **state)
{
	run_status("rm -rf %s", dir);
	free(elf);
	return 0;
}

struct fixture {
	struct modtool_ctx *ctx;
	struct log_capture log;
	struct modtool_signer *signer;
};

static struct fixture *fixture_new(const char *hash)
{
	struct fixture *fx;

	NEED_BUILT_IN(LIBCRYPTO);
	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	assert_int_equal(modtool_ctx_new(NULL, &fx->ctx), 0);
	modtool_ctx_set_log_fn(fx->ctx, capture_log, &fx->log);
	assert_int_equal(modtool_signer_new(fx->ctx, hash, path_key, path_cert, &fx->signer), 0);
	return fx;
}

static void fixture_free(struct fixture *fx)
{
	modtool_signer_free(fx->signer);
	modtool_ctx_free(fx->ctx);
	free(fx);
}

/* The signed file's content before its signature, checked by the kernel's reading. */
static size_t signed_len(const uint8_t *data, size_t size)
{
	struct mt_signature_span span;

	assert_int_equal(mt_signature_locate(data, size, &span, NULL), 0);
	assert_int_equal(span.signed_len + span.sig_len + MT_SIG_INFO_LEN + MT_SIG_MAGIC_LEN, size);
	return span.signed_len;
}

static void test_sign_and_resign(void **state)
{
	struct fixture *fx = fixture_new("sha256");
	uint8_t *once, *twice;
	size_t once_size, twice_size;
	struct stat st;

	write_file(in_dir("m.ko"), elf, elf_size);
	chmod(in_dir("m.ko"), 0640);
	assert_int_equal(modtool_signer_sign(fx->signer, in_dir("m.ko"), NULL, 0), 0);
	once = read_file(in_dir("m.ko"), &once_size);
	assert_int_equal(signed_len(once, once_size), elf_size);
	assert_memory_equal(once, elf, elf_size);
	assert_int_equal(once[once_size - MT_SIG_MAGIC_LEN - MT_SIG_INFO_LEN + 2], 2);
	assert_int_equal(stat(in_dir("m.ko"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* RSA with no signed attributes is deterministic: signing again changes nothing */
	assert_int_equal(modtool_signer_sign(fx->signer, in_dir("m.ko"), in_dir("m2.ko"), 0), 0);
	twice = read_file(in_dir("m2.ko"), &twice_size);
	assert_int_equal(twice_size, once_size);
	assert_memory_equal(twice, once, once_size);
	assert_int_equal(fx->log.count, 0);
	free(once);
	free(twice);
	fixture_free(fx);
}

static void test_detached_and_p7s(void **state)
{
	struct fixture *fx = fixture_new("sha512");
	uint8_t *mod, *p7s;
	size_t mod_size, p7s_size, len;

	write_file(in_dir("d.ko"), elf, elf_size);
	unlink(in_dir("d.ko.p7s"));
	assert_int_equal(modtool_signer_sign(fx->signer, in_dir("d.ko"), NULL,
					     MODTOOL_SIGN_DETACHED), 0);
	mod = read_file(in_dir("d.ko"), &mod_size);
	assert_int_equal(mod_size, elf_size);	/* untouched */
	free(mod);
	p7s = read_file(in_dir("d.ko.p7s"), &p7s_size);
	assert_int_equal(p7s[0], 0x30);
	free(p7s);
	unlink(in_dir("d.ko.p7s"));
	assert_int_equal(modtool_signer_sign(fx->signer, in_dir("d.ko"), NULL,
					     MODTOOL_SIGN_SAVE_P7S | MODTOOL_SIGN_KEY_ID), 0);
	mod = read_file(in_dir("d.ko"), &mod_size);
	p7s = read_file(in_dir("d.ko.p7s"), &p7s_size);
	len = signed_len(mod, mod_size);
	assert_memory_equal(mod + len, p7s, p7s_size);
	free(mod);
	free(p7s);
	fixture_free(fx);
}

static void test_compressors_round_trip(void **state)
{
	for (enum mt_compression c = MT_COMPRESSION_GZIP; c <= MT_COMPRESSION_ZSTD; c++) {
		struct mt_decompressed back = { 0 };
		const char *why = NULL;
		uint8_t *packed;
		size_t packed_size;

		if (!mt_compression_built_in(c)) {
			/* left out of the build: refused, saying so */
			assert_int_equal(mt_compressor_of(c)(elf, elf_size, &packed, &packed_size,
							     &why), -ENOTSUP);
			assert_non_null(strstr(why, "not built in"));
			continue;
		}
		assert_int_equal(mt_compressor_of(c)(elf, elf_size, &packed, &packed_size, &why), 0);
		assert_int_equal(mt_compression_detect(packed, packed_size), c);
		assert_int_equal(mt_decompressor_of(c)(packed, packed_size, &back, &why), 0);
		assert_int_equal(back.size, elf_size);
		assert_memory_equal(back.data, elf, elf_size);
		mt_decompressed_release(&back);
		free(packed);
	}
	assert_null(mt_compressor_of(MT_COMPRESSION_NONE));
}

static void test_compressed_module(void **state)
{
	struct fixture *fx = fixture_new("sha384");

	for (enum mt_compression c = MT_COMPRESSION_GZIP; c <= MT_COMPRESSION_ZSTD; c++) {
		struct mt_decompressed back = { 0 };
		const char *why = NULL;
		uint8_t *packed, *out;
		size_t packed_size, out_size;

		if (!mt_compression_built_in(c))
			continue;
		assert_int_equal(mt_compressor_of(c)(elf, elf_size, &packed, &packed_size, &why), 0);
		write_file(in_dir("c.ko.x"), packed, packed_size);
		free(packed);
		/* twice: the second replaces the first signature inside */
		assert_int_equal(modtool_signer_sign(fx->signer, in_dir("c.ko.x"), NULL, 0), 0);
		assert_int_equal(modtool_signer_sign(fx->signer, in_dir("c.ko.x"), NULL, 0), 0);
		out = read_file(in_dir("c.ko.x"), &out_size);
		assert_int_equal(mt_compression_detect(out, out_size), c);
		assert_int_equal(mt_decompressor_of(c)(out, out_size, &back, &why), 0);
		assert_int_equal(signed_len(back.data, back.size), elf_size);
		assert_memory_equal(back.data, elf, elf_size);
		mt_decompressed_release(&back);
		free(out);
	}
	fixture_free(fx);
}

static void test_ecdsa(void **state)
{
	struct modtool_signer *s;
	struct modtool_ctx *ctx;
	uint8_t *out;
	size_t out_size;

	NEED_BUILT_IN(LIBCRYPTO);
	assert_int_equal(modtool_ctx_new(NULL, &ctx), 0);
	assert_int_equal(modtool_signer_new(ctx, "sha256", path_ec_key, path_ec_cert, &s), 0);
	write_file(in_dir("e.ko"), elf, elf_size);
	assert_int_equal(modtool_signer_sign(s, in_dir("e.ko"), NULL, MODTOOL_SIGN_KEY_ID), 0);
	out = read_file(in_dir("e.ko"), &out_size);
	assert_int_equal(signed_len(out, out_size), elf_size);
	free(out);
	modtool_signer_free(s);
	modtool_ctx_free(ctx);
}

/* Each bad input: a negative errno and exactly one message naming @name. */
static void expect_one_message(struct log_capture *log, const char *name)
{
	assert_int_equal(log->count, 1);
	assert_non_null(strstr(log->text, name));
	log->count = 0;
	log->len = 0;
	log->text[0] = 0;
}

static void test_bad_signer_input(void **state)
{
	struct modtool_signer *s = NULL;
	struct log_capture log = { 0 };
	struct modtool_ctx *ctx;

	NEED_BUILT_IN(LIBCRYPTO);
	assert_int_equal(modtool_ctx_new(NULL, &ctx), 0);
	modtool_ctx_set_log_fn(ctx, capture_log, &log);
	assert_true(modtool_signer_new(ctx, "sha999", path_key, path_cert, &s) < 0);
	expect_one_message(&log, "sha999");
	assert_true(modtool_signer_new(ctx, "sha256", in_dir("none.key"), path_cert, &s) < 0);
	expect_one_message(&log, "none.key");
	assert_true(modtool_signer_new(ctx, "sha256", path_key, in_dir("none.crt"), &s) < 0);
	expect_one_message(&log, "none.crt");
	assert_true(modtool_signer_new(ctx, "sha256", path_ec_key, path_cert, &s) < 0);
	expect_one_message(&log, "ec.key");
	write_file(in_dir("junk"), "junk\n", 5);
	assert_true(modtool_signer_new(ctx, "sha256", in_dir("junk"), path_cert, &s) < 0);
	expect_one_message(&log, "junk");
	assert_true(modtool_signer_new(ctx, "sha256", path_key, in_dir("junk"), &s) < 0);
	expect_one_message(&log, "junk");
	assert_true(modtool_signer_new_raw(ctx, "sha256", in_dir("junk"), path_cert, &s) < 0);
	expect_one_message(&log, "junk");
	assert_null(s);
	modtool_ctx_free(ctx);
}

static void test_bad_modules(void **state)
{
	struct fixture *fx = fixture_new("sha256");
	uint8_t *lying, *corrupt, *packed;
	size_t size, packed_size;
	const char *why;

	/* truncated: the section table lies past the end */
	write_file(in_dir("t.ko"), elf, 200);
	assert_true(modtool_signer_sign(fx->signer, in_dir("t.ko"), NULL, 0) < 0);
	expect_one_message(&fx->log, "t.ko");
	/* a trailer whose length runs past the start of the file */
	write_file(in_dir("l.ko"), elf, elf_size);
	assert_int_equal(modtool_signer_sign(fx->signer, in_dir("l.ko"), NULL, 0), 0);
	lying = read_file(in_dir("l.ko"), &size);
	lying[size - MT_SIG_MAGIC_LEN - 4] = 0x7f;
	write_file(in_dir("l.ko"), lying, size);
	assert_int_equal(modtool_signer_sign(fx->signer, in_dir("l.ko"), NULL, 0), -EBADMSG);
	expect_one_message(&fx->log, "l.ko");
	/* a non-zero field the kernel requires to be zero */
	lying[size - MT_SIG_MAGIC_LEN - 4] = 0;
	lying[size - MT_SIG_MAGIC_LEN - MT_SIG_INFO_LEN] = 1;
	write_file(in_dir("l.ko"), lying, size);
	assert_int_equal(modtool_signer_sign(fx->signer, in_dir("l.ko"), NULL, 0), -EBADMSG);
	expect_one_message(&fx->log, "l.ko");
	free(lying);
	/* a corrupt xz stream, and nothing left behind in the directory */
	if (ENABLE_XZ) {
		assert_int_equal(mt_compress_xz(elf, elf_size, &packed, &packed_size, &why), 0);
		corrupt = packed;
		memset(corrupt + packed_size / 2, 0xa5, 16);
		write_file(in_dir("x.ko.xz"), corrupt, packed_size);
		assert_true(modtool_signer_sign(fx->signer, in_dir("x.ko.xz"), NULL, 0) < 0);
		expect_one_message(&fx->log, "x.ko.xz");
		free(packed);
	}
	assert_int_equal(run_status("test -z \"$(ls -A %s | grep '^\\.')\"", dir), 0);
	/* a missing module, a destination in a missing directory */
	assert_true(modtool_signer_sign(fx->signer, in_dir("none.ko"), NULL, 0) < 0);
	expect_one_message(&fx->log, "none.ko");
	write_file(in_dir("ok.ko"), elf, elf_size);
	assert_true(modtool_signer_sign(fx->signer, in_dir("ok.ko"), in_dir("no/dir.ko"), 0) < 0);
	expect_one_message(&fx->log, "no/dir.ko");
	fixture_free(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_and_resign),
		cmocka_unit_test(test_detached_and_p7s),
		cmocka_unit_test(test_compressors_round_trip),
		cmocka_unit_test(test_compressed_module),
		cmocka_unit_test(test_ecdsa),
		cmocka_unit_test(test_bad_signer_input),
		cmocka_unit_test(test_bad_modules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
