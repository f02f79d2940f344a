// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Keyrings and verification on small inputs: every verdict reached by the
 * damage that earns it, certificates the signature carries never trusted,
 * keyring files that hold anything else refused with a message naming them,
 * and the parallel run handing results back in order.  The "module" is this
 * test's own executable; keys and certificates are made by openssl(1).
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
#include "module/signature.h"
#include "trust/verify.h"
#include "test-util.h"

static char dir[] = "/tmp/test-verify.XXXXXX";
static uint8_t *elf;
static size_t elf_size;

static char *in_dir(const char *name)
{
	static char buf[8][PATH_MAX];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

static int make_cert(const char *name, const char *newkey)
{
	return run_status("openssl req -new -nodes -batch -x509 -subj /CN=%s %s "
			  "-keyout %s/%s.key -out %s/%s.crt 2>/dev/null && "
			  "openssl x509 -in %s/%s.crt -outform DER -out %s/%s.der",
			  name, newkey, dir, name, dir, name, dir, name, dir, name);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	if (make_cert("rsa", "-newkey rsa:2048") || make_cert("other", "-newkey rsa:2048") ||
	    make_cert("ec", "-newkey ec -pkeyopt ec_paramgen_curve:P-384"))
		return -1;
	elf = read_file("/proc/self/exe", &elf_size);
	write_file(in_dir("plain.ko"), elf, elf_size);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	run_status("rm -rf %s", dir);
	free(elf);
	return 0;
}

struct fixture {
	struct modtool_ctx *ctx;
	struct log_capture log;
	struct modtool_keyring *kr;
};

static struct fixture *fixture_new(const char *const *certs)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(modtool_ctx_new(NULL, &fx->ctx), 0);
	modtool_ctx_set_log_fn(fx->ctx, capture_log, &fx->log);
	assert_int_equal(modtool_keyring_new(fx->ctx, &fx->kr), 0);
	for (; certs && *certs; certs++)
		assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir(*certs)), 1);
	return fx;
}

static void fixture_free(struct fixture *fx)
{
	modtool_keyring_free(fx->kr);
	modtool_ctx_free(fx->ctx);
	free(fx);
}

/* Sign @in with key @name into @out (modtool's signer, as sign-file does). */
static void sign_file_with(const char *name, const char *hash, unsigned int flags, const char *in,
			   const char *out)
{
	struct modtool_signer *signer;
	struct modtool_ctx *ctx;
	char key[PATH_MAX], crt[PATH_MAX];

	snprintf(key, sizeof(key), "%s/%s.key", dir, name);
	snprintf(crt, sizeof(crt), "%s/%s.crt", dir, name);
	assert_int_equal(modtool_ctx_new(NULL, &ctx), 0);
	assert_int_equal(modtool_signer_new(ctx, hash, key, crt, &signer), 0);
	assert_int_equal(modtool_signer_sign(signer, in_dir(in), in_dir(out), flags), 0);
	modtool_signer_free(signer);
	modtool_ctx_free(ctx);
}

static void sign_with(const char *name, const char *hash, unsigned int flags, const char *out)
{
	sign_file_with(name, hash, flags, "plain.ko", out);
}

/* Append the DER signature in @p7s to plain.ko with the kernel's trailer, into @out. */
static void append_signature(const char *p7s, uint8_t id_type, const char *out)
{
	size_t sig_size;
	uint8_t *sig = read_file(in_dir(p7s), &sig_size);
	uint8_t info[MT_SIG_INFO_LEN] = { 0, 0, id_type, 0, 0, 0, 0, 0,
					  sig_size >> 24, sig_size >> 16, sig_size >> 8, sig_size };
	FILE *f = fopen(in_dir(out), "wb");

	assert_non_null(f);
	fwrite(elf, 1, elf_size, f);
	fwrite(sig, 1, sig_size, f);
	fwrite(info, 1, sizeof(info), f);
	fwrite(MT_SIG_MAGIC, 1, MT_SIG_MAGIC_LEN, f);
	assert_int_equal(fclose(f), 0);
	free(sig);
}

/* plain.ko signed by openssl's CMS with key @key and @options, the kernel's trailer added: @out. */
static void openssl_sign(const char *key, const char *options, const char *out)
{
	char p7s[64];

	snprintf(p7s, sizeof(p7s), "%s.p7s", out);
	/* the options last: -keyopt applies to the -signer before it */
	assert_int_equal(run_status("openssl cms -sign -binary -outform DER -signer %s/%s.crt "
				    "-inkey %s/%s.key -in %s/plain.ko -out %s/%s %s 2>/dev/null",
				    dir, key, dir, key, dir, dir, p7s, options), 0);
	append_signature(p7s, 2, out);
}

/* The verdict on @module, checking that verification itself succeeded. */
static enum modtool_verdict verdict_of(struct fixture *fx, const char *module,
				       struct modtool_verification **out)
{
	struct modtool_verification *v = NULL;
	enum modtool_verdict verdict;

	assert_int_equal(modtool_keyring_verify(fx->kr, fx->ctx, in_dir(module), &v), 0);
	assert_non_null(v);
	verdict = modtool_verification_get_verdict(v);
	if (verdict != MODTOOL_VERDICT_VALID)
		assert_non_null(modtool_verification_get_reason(v));
	if (out)
		*out = v;
	else
		modtool_verification_free(v);
	return verdict;
}

static void test_valid_rsa_and_ecdsa(void **state)
{
	static const char *const certs[] = { "rsa.crt", "ec.der", NULL };
	struct fixture *fx = fixture_new(certs);
	struct modtool_verification *v;

	(void)state;
	sign_with("rsa", "sha256", 0, "rsa.ko");
	assert_int_equal(verdict_of(fx, "rsa.ko", &v), MODTOOL_VERDICT_VALID);
	assert_string_equal(modtool_verification_get_signer(v), "rsa");
	assert_string_equal(modtool_verification_get_hash_algo(v), "sha256");
	assert_string_equal(modtool_verification_get_key_algo(v), "rsa");
	assert_non_null(modtool_verification_get_key_id(v));
	assert_null(modtool_verification_get_reason(v));
	modtool_verification_free(v);

	sign_with("ec", "sha384", MODTOOL_SIGN_KEY_ID, "ec.ko");
	assert_int_equal(verdict_of(fx, "ec.ko", &v), MODTOOL_VERDICT_VALID);
	assert_string_equal(modtool_verification_get_signer(v), "e" "c");
	assert_string_equal(modtool_verification_get_hash_algo(v), "sha384");
	assert_string_equal(modtool_verification_get_key_algo(v), "ecdsa");
	/* named by subjectKeyIdentifier: the key id is the certificate's */
	assert_string_equal(modtool_verification_get_key_id(v),
			    modtool_keyring_get_key_id(fx->kr, 1));
	modtool_verification_free(v);

	/* compressed: verified inside, as the kernel decompresses before checking */
	assert_int_equal(run_status("xz -C crc32 -k -c %s/plain.ko > %s/plain.ko.xz && "
				    "zstd -q -c %s/plain.ko > %s/plain.ko.zst", dir, dir, dir, dir), 0);
	if (ENABLE_XZ) {
		sign_file_with("rsa", "sha512", 0, "plain.ko.xz", "rsa512.ko.xz");
		assert_int_equal(verdict_of(fx, "rsa512.ko.xz", NULL), MODTOOL_VERDICT_VALID);
	}
	if (ENABLE_ZSTD) {
		sign_file_with("ec", "sha256", 0, "plain.ko.zst", "ec.ko.zst");
		assert_int_equal(verdict_of(fx, "ec.ko.zst", NULL), MODTOOL_VERDICT_VALID);
	}
	assert_int_equal(fx->log.count, 0);
	fixture_free(fx);
}

static void test_unsigned_and_unknown_key(void **state)
{
	static const char *const certs[] = { "rsa.crt", NULL };
	struct fixture *fx = fixture_new(certs);
	struct modtool_verification *v;

	(void)state;
	assert_int_equal(verdict_of(fx, "plain.ko", NULL), MODTOOL_VERDICT_UNSIGNED);
	sign_with("other", "sha256", 0, "other.ko");
	assert_int_equal(verdict_of(fx, "other.ko", &v), MODTOOL_VERDICT_UNKNOWN_KEY);
	assert_string_equal(modtool_verification_get_signer(v), "other");
	assert_non_null(strstr(modtool_verification_get_reason(v), "no trusted certificate"));
	modtool_verification_free(v);
	fixture_free(fx);
}

/* A signature carrying its own certificate is still checked against the keyring only. */
static void test_embedded_certificate_not_trusted(void **state)
{
	static const char *const certs[] = { "rsa.crt", NULL };
	struct fixture *fx = fixture_new(certs);

	(void)state;
	openssl_sign("other", "-noattr -nosmimecap -md sha256", "embedded.ko");
	assert_int_equal(verdict_of(fx, "embedded.ko", NULL), MODTOOL_VERDICT_UNKNOWN_KEY);
	fixture_free(fx);
}

static void damage(const char *from, const char *to, long offset, uint8_t xor)
{
	size_t size;
	uint8_t *p = read_file(in_dir(from), &size);

	p[offset < 0 ? (long)size + offset : offset] ^= xor;
	write_file(in_dir(to), p, size);
	free(p);
}

/* The offset of the last byte of the first sha256 OID after the module: the digest set's. */
static long digest_set_oid_end(const char *module)
{
	static const uint8_t sha256_oid[] = { 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
					      0x04, 0x02, 0x01 };
	size_t size;
	uint8_t *p = read_file(in_dir(module), &size);
	uint8_t *at = memmem(p + elf_size, size - elf_size, sha256_oid, sizeof(sha256_oid));
	long off;

	assert_non_null(at);
	off = (long)(at - p) + (long)sizeof(sha256_oid) - 1;
	free(p);
	return off;
}

static void test_tampered(void **state)
{
	static const char *const certs[] = { "rsa.crt", NULL };
	struct fixture *fx = fixture_new(certs);
	long trailer = -(long)(MT_SIG_INFO_LEN + MT_SIG_MAGIC_LEN);

	(void)state;
	sign_with("rsa", "sha256", 0, "good.ko");
	damage("good.ko", "code.ko", 0x1000, 0x01);		/* a byte of content */
	assert_int_equal(verdict_of(fx, "code.ko", NULL), MODTOOL_VERDICT_BAD_SIGNATURE);
	damage("good.ko", "sigval.ko", trailer - 5, 0x80);	/* the signature value */
	assert_int_equal(verdict_of(fx, "sigval.ko", NULL), MODTOOL_VERDICT_BAD_SIGNATURE);
	damage("good.ko", "der.ko", (long)elf_size, 0xff);	/* the DER's first byte */
	assert_int_equal(verdict_of(fx, "der.ko", NULL), MODTOOL_VERDICT_MALFORMED);
	damage("good.ko", "algo.ko", trailer, 0x01);		/* a field the kernel wants 0 */
	assert_int_equal(verdict_of(fx, "algo.ko", NULL), MODTOOL_VERDICT_MALFORMED);
	damage("good.ko", "len.ko", trailer + 8, 0x7f);		/* sig_len past the file */
	assert_int_equal(verdict_of(fx, "len.ko", NULL), MODTOOL_VERDICT_MALFORMED);
	damage("good.ko", "magic.ko", -2, 0x20);		/* no marker: unsigned */
	assert_int_equal(verdict_of(fx, "magic.ko", NULL), MODTOOL_VERDICT_UNSIGNED);
	damage("good.ko", "x509.ko", trailer + 2, 0x03);	/* id_type 1: not PKCS#7 */
	assert_int_equal(verdict_of(fx, "x509.ko", NULL), MODTOOL_VERDICT_UNSUPPORTED);
	/*
	 * SignedData's digest set naming no digest libcrypto has, the signer's
	 * own still sha256: CMS_verify() fails setting up (and OpenSSL 3.0
	 * leaked there, which valgrind would see)
	 */
	damage("good.ko", "digestset.ko", digest_set_oid_end("good.ko"), 0x70);
	assert_int_equal(verdict_of(fx, "digestset.ko", NULL), MODTOOL_VERDICT_BAD_SIGNATURE);
	fixture_free(fx);
}

static void test_truncated_signature(void **state)
{
	static const char *const certs[] = { "rsa.crt", NULL };
	struct fixture *fx = fixture_new(certs);
	size_t size;
	uint8_t *p7s;

	(void)state;
	sign_with("rsa", "sha256", MODTOOL_SIGN_DETACHED, "whole.p7s");
	/* cut the detached signature's tail off */
	p7s = read_file(in_dir("whole.p7s"), &size);
	write_file(in_dir("cut.p7s"), p7s, size - 40);
	append_signature("cut.p7s", 2, "cut.ko");
	assert_int_equal(verdict_of(fx, "cut.ko", NULL), MODTOOL_VERDICT_MALFORMED);
	/* and a whole one with bytes after it inside sig_len */
	p7s = realloc(p7s, size + 3);
	memcpy(p7s + size, "xyz", 3);
	write_file(in_dir("long.p7s"), p7s, size + 3);
	append_signature("long.p7s", 2, "long.ko");
	assert_int_equal(verdict_of(fx, "long.ko", NULL), MODTOOL_VERDICT_MALFORMED);
	free(p7s);
	fixture_free(fx);
}

static void test_unsupported(void **state)
{
	static const char *const certs[] = { "rsa.crt", NULL };
	struct fixture *fx = fixture_new(certs);
	struct modtool_verification *v;

	(void)state;
	/* signed attributes: valid CMS, refused by the kernel in a module signature */
	openssl_sign("rsa", "-nocerts -md sha256", "attrs.ko");
	assert_int_equal(verdict_of(fx, "attrs.ko", &v), MODTOOL_VERDICT_UNSUPPORTED);
	assert_non_null(strstr(modtool_verification_get_reason(v), "signed attributes"));
	modtool_verification_free(v);
	/* RSA-PSS, which the kernel does not verify modules with */
	openssl_sign("rsa", "-noattr -nocerts -md sha256 -keyopt rsa_padding_mode:pss", "pss.ko");
	assert_int_equal(verdict_of(fx, "pss.ko", &v), MODTOOL_VERDICT_UNSUPPORTED);
	assert_non_null(strstr(modtool_verification_get_reason(v), "RSA-PSS"));
	modtool_verification_free(v);
	/* md5 */
	openssl_sign("rsa", "-noattr -nocerts -md md5", "md5.ko");
	assert_int_equal(verdict_of(fx, "md5.ko", NULL), MODTOOL_VERDICT_UNSUPPORTED);
	fixture_free(fx);
}

static void test_unreadable_module(void **state)
{
	static const char *const certs[] = { "rsa.crt", NULL };
	struct fixture *fx = fixture_new(certs);
	struct modtool_verification *v = (void *)1;

	(void)state;
	assert_int_equal(modtool_keyring_verify(fx->kr, fx->ctx, in_dir("absent.ko"), &v), -ENOENT);
	assert_null(v);
	write_file(in_dir("bad.ko.xz"), "\xfd" "7zXZ\0garbage-garbage", 20);
	assert_true(modtool_keyring_verify(fx->kr, fx->ctx, in_dir("bad.ko.xz"), &v) < 0);
	assert_non_null(strstr(fx->log.text, "bad.ko.xz"));
	fixture_free(fx);
}

static void test_keyring_files(void **state)
{
	struct fixture *fx = fixture_new(NULL);

	(void)state;
	/* a PEM bundle, every certificate of it */
	assert_int_equal(run_status("cat %s/rsa.crt %s/ec.crt > %s/bundle.pem", dir, dir, dir), 0);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("bundle.pem")), 2);
	assert_int_equal(modtool_keyring_count(fx->kr), 2);
	assert_string_equal(modtool_keyring_get_subject(fx->kr, 0), "rsa");
	assert_int_equal(strlen(modtool_keyring_get_key_id(fx->kr, 0)), 20 * 3 - 1);
	assert_null(modtool_keyring_get_subject(fx->kr, 2));
	/* a directory: its files, in name order, dot files left out */
	assert_int_equal(run_status("mkdir -p %s/certs && cp %s/other.der %s/certs/b.der && "
				    "cp %s/rsa.crt %s/certs/a.pem && echo junk > %s/certs/.hidden",
				    dir, dir, dir, dir, dir, dir), 0);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("certs")), 2);
	assert_string_equal(modtool_keyring_get_subject(fx->kr, 3), "other");
	assert_int_equal(fx->log.count, 0);

	/* anything but certificates is refused, naming the file */
	write_file(in_dir("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 58);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("junk.pem")), -EBADMSG);
	assert_non_null(strstr(fx->log.text, "junk.pem"));
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("rsa.key")), -EBADMSG);
	write_file(in_dir("junk.der"), "\x30\x03\x02\x01\x01", 5);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("junk.der")), -EBADMSG);
	damage("rsa.der", "trail.der", 0, 0);
	assert_int_equal(run_status("echo x >> %s/trail.der", dir), 0);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("trail.der")), -EBADMSG);
	write_file(in_dir("empty"), "", 0);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("empty")), -EBADMSG);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("none")), -ENOENT);
	assert_int_equal(run_status("mkdir -p %s/emptydir", dir), 0);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("emptydir")), -ENODATA);
	assert_int_equal(run_status("cp %s/junk.der %s/certs/c.der", dir, dir), 0);
	assert_int_equal(modtool_keyring_add_path(fx->kr, in_dir("certs")), -EBADMSG);
	assert_non_null(strstr(fx->log.text, "certs/c.der"));
	/* a kernel image that is none */
	assert_true(modtool_keyring_add_kernel_image(fx->kr, in_dir("rsa.der")) < 0);
	fixture_free(fx);
}

struct order {
	char **seen;
	size_t n;
	size_t valid, unsigned_, errors;
};

static int collect(void *data, const char *path, int err, const struct modtool_verification *v)
{
	struct order *o = data;

	o->seen[o->n++] = strdup(path);
	if (err < 0)
		o->errors++;
	else if (modtool_verification_get_verdict(v) == MODTOOL_VERDICT_VALID)
		o->valid++;
	else
		o->unsigned_++;
	return 0;
}

static int stop_at_third(void *data, const char *path, int err,
			 const struct modtool_verification *v)
{
	size_t *n = data;

	(void)path, (void)err, (void)v;
	return ++*n == 3 ? 42 : 0;
}

static void test_parallel_in_order(void **state)
{
	static const char *const certs[] = { "rsa.crt", NULL };
	struct fixture *fx = fixture_new(certs);
	char *seen[64], names[40][PATH_MAX];
	const char *paths[40];
	struct order o = { .seen = seen };
	size_t n = 0;

	(void)state;
	sign_with("rsa", "sha256", 0, "tree-signed.ko");
	assert_int_equal(run_status("mkdir -p %s/tree/a/b", dir), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], PATH_MAX, "%s/tree/%s/m%02d.ko", dir, i % 2 ? "a" : "a/b", i);
		assert_int_equal(run_status("cp %s/%s %s", dir, i % 3 ? "tree-signed.ko" : "plain.ko",
					    names[i]), 0);
		paths[i] = names[i];
	}
	paths[7] = in_dir("tree/missing.ko");
	assert_int_equal(modtool_keyring_verify_files(fx->kr, fx->ctx, paths, 40, 4, collect, &o), 0);
	assert_int_equal(o.n, 40);
	for (int i = 0; i < 40; i++) {
		assert_string_equal(seen[i], paths[i]);
		free(seen[i]);
	}
	assert_int_equal(o.errors, 1);
	assert_int_equal(o.valid + o.unsigned_, 39);
	assert_int_equal(o.unsigned_, 14);	/* i % 3 == 0: 0, 3, ... 39 (the missing 7 is not one) */

	/* the tree: sorted, a non-module file and a directory loop-free */
	write_file(in_dir("tree/a/readme.txt"), "x", 1);
	assert_int_equal(symlink("..", in_dir("tree/a/up")), 0);
	memset(&o, 0, sizeof(o));
	o.seen = seen;
	assert_int_equal(modtool_keyring_verify_tree(fx->kr, fx->ctx, in_dir("tree"), 0, collect, &o), 0);
	assert_int_equal(o.n, 40);
	for (size_t i = 1; i < o.n; i++)
		assert_true(strcmp(seen[i - 1], seen[i]) < 0);
	for (size_t i = 0; i < o.n; i++)
		free(seen[i]);
	assert_int_equal(o.errors, 0);
	/* a callback's non-zero return stops the run and is returned */
	assert_int_equal(modtool_keyring_verify_tree(fx->kr, fx->ctx, in_dir("tree"), 2,
						     stop_at_third, &n), 42);
	assert_int_equal(n, 3);
	assert_true(modtool_keyring_verify_tree(fx->kr, fx->ctx, in_dir("nodir"), 2, collect, &o) < 0);
	fixture_free(fx);
}

/* Each prefix of a signed module, verified from memory: never a crash, always a verdict. */
static void test_every_truncation(void **state)
{
	static const char *const certs[] = { "rsa.crt", NULL };
	struct fixture *fx = fixture_new(certs);
	size_t size;
	uint8_t *p;

	(void)state;
	sign_with("rsa", "sha256", 0, "cutme.ko");
	p = read_file(in_dir("cutme.ko"), &size);
	for (size_t len = elf_size - 64; len < size; len++) {
		struct modtool_verification *v = NULL;

		assert_int_equal(mt_keyring_verify_mem(fx->kr, fx->ctx, "cut", p, len, &v), 0);
		assert_int_not_equal(modtool_verification_get_verdict(v), MODTOOL_VERDICT_VALID);
		modtool_verification_free(v);
	}
	free(p);
	fixture_free(fx);
}

/*
 * Built without libcrypto: a signature cannot be checked, and verifying one
 * is refused, once, naming the module and why; the trailer's verdicts
 * (unsigned here) need no cryptography and are still given.
 */
static void test_without_libcrypto(void **state)
{
	struct modtool_verification *v = NULL;
	struct log_capture log = { 0 };
	struct modtool_keyring *kr;
	struct modtool_ctx *ctx;

	(void)state;
	openssl_sign("rsa", "-noattr -nocerts -md sha256", "signed.ko");
	assert_int_equal(modtool_ctx_new(NULL, &ctx), 0);
	modtool_ctx_set_log_fn(ctx, capture_log, &log);
	assert_int_equal(modtool_keyring_new(ctx, &kr), 0);
	assert_int_equal(modtool_keyring_verify(kr, ctx, in_dir("signed.ko"), &v), -ENOTSUP);
	assert_null(v);
	assert_int_equal(log.count, 1);
	assert_non_null(strstr(log.text, in_dir("signed.ko")));
	assert_non_null(strstr(log.text, "built without libcrypto"));

	assert_int_equal(modtool_keyring_verify(kr, ctx, in_dir("plain.ko"), &v), 0);
	assert_int_equal(modtool_verification_get_verdict(v), MODTOOL_VERDICT_UNSIGNED);
	assert_int_equal(log.count, 1);
	modtool_verification_free(v);
	modtool_keyring_free(kr);
	modtool_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest without_libcrypto[] = {
		cmocka_unit_test(test_without_libcrypto),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_rsa_and_ecdsa),
		cmocka_unit_test(test_unsigned_and_unknown_key),
		cmocka_unit_test(test_embedded_certificate_not_trusted),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_truncated_signature),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_unreadable_module),
		cmocka_unit_test(test_keyring_files),
		cmocka_unit_test(test_parallel_in_order),
		cmocka_unit_test(test_every_truncation),
	};

	/* verifying is libcrypto's work: without it, only its refusal is tested */
	if (!ENABLE_LIBCRYPTO)
		return cmocka_run_group_tests(without_libcrypto, setup, teardown);
	return cmocka_run_group_tests(tests, setup, teardown);
}
