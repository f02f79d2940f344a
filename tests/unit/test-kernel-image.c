// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The built-in certificates of kernel images made here: a small vmlinux
 * ELF whose init data holds a certificate list laid out as
 * certs/system_certificates.S lays it out, as it is and inside a bzImage
 * whose payload is compressed with each format's command-line tool found
 * (gzip, xz, zstd, lzma, lz4 -l, bzip2).  Then hostile images, each with
 * its exact errno and one message naming the file.
 */
#include <elf.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/internal.h"
#include "image/kernel-image.h"
#include "test-util.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

static char tmpdir[PATH_MAX];
static struct log_capture logbuf;

/* ---- bytes ----------------------------------------------------------- */

struct bytes {
	uint8_t *p;
	size_t len;
};

static void put(struct bytes *b, const void *data, size_t len)
{
	b->p = realloc(b->p, b->len + len + 1);
	assert_non_null(b->p);
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void put_zeros(struct bytes *b, size_t n)
{
	static const uint8_t zero[64];

	while (n) {
		size_t k = n < sizeof(zero) ? n : sizeof(zero);

		put(b, zero, k);
		n -= k;
	}
}

static void put_le(struct bytes *b, uint64_t v, unsigned size)
{
	uint8_t x[8];

	for (unsigned i = 0; i < size; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	put(b, x, size);
}

static void set_le(uint8_t *p, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- DER certificates ------------------------------------------------ */

/* tag, definite length (short or long form), contents */
static void der(struct bytes *b, uint8_t tag, const struct bytes *content)
{
	uint8_t hdr[6] = { tag };
	size_t n = 1, len = content->len;

	if (len < 0x80) {
		hdr[n++] = (uint8_t)len;
	} else if (len < 0x100) {
		hdr[n++] = 0x81;
		hdr[n++] = (uint8_t)len;
	} else {
		hdr[n++] = 0x82;
		hdr[n++] = (uint8_t)(len >> 8);
		hdr[n++] = (uint8_t)len;
	}
	put(b, hdr, n);
	put(b, content->p, content->len);
}

static void der_raw(struct bytes *b, uint8_t tag, const void *data, size_t len)
{
	struct bytes c = { (uint8_t *)data, len };

	der(b, tag, &c);
}

static const uint8_t oid_sha256_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b };
static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t oid_cn[] = { 0x55, 0x04, 0x03 };

static void algorithm(struct bytes *b, const uint8_t *oid, size_t len)
{
	struct bytes c = { 0 };

	der_raw(&c, 0x06, oid, len);
	der_raw(&c, 0x05, NULL, 0);
	der(b, 0x30, &c);
	free(c.p);
}

static void name(struct bytes *b, const char *cn)
{
	struct bytes atv = { 0 }, set = { 0 }, rdn = { 0 };

	der_raw(&atv, 0x06, oid_cn, sizeof(oid_cn));
	der_raw(&atv, 0x0c, cn, strlen(cn));
	der(&set, 0x30, &atv);
	der(&rdn, 0x31, &set);
	der(b, 0x30, &rdn);
	free(atv.p);
	free(set.p);
	free(rdn.p);
}

/*
 * A certificate by its structure (nothing is signed): @sig_len bytes of
 * signature make it as long as wanted, past 255 bytes for the 0x30 0x82
 * form the kernel's own list uses.
 */
static struct bytes make_cert(uint8_t serial, const char *cn, size_t sig_len)
{
	struct bytes tbs = { 0 }, t = { 0 }, v = { 0 }, spki = { 0 }, cert = { 0 }, out = { 0 };
	static const uint8_t version[] = { 0x02, 0x01, 0x02 };
	uint8_t *sig = calloc(1, sig_len + 1);
	uint8_t key[40];

	assert_non_null(sig);
	der_raw(&tbs, 0xa0, version, sizeof(version));
	der_raw(&tbs, 0x02, &serial, 1);
	algorithm(&tbs, oid_sha256_rsa, sizeof(oid_sha256_rsa));
	name(&tbs, cn);
	der_raw(&v, 0x17, "250101000000Z", 13);
	der_raw(&v, 0x17, "350101000000Z", 13);
	der(&tbs, 0x30, &v);
	name(&tbs, cn);
	algorithm(&spki, oid_rsa, sizeof(oid_rsa));
	memset(key, serial, sizeof(key));
	key[0] = 0;
	der_raw(&spki, 0x03, key, sizeof(key));
	der(&tbs, 0x30, &spki);
	der(&t, 0x30, &tbs);
	algorithm(&t, oid_sha256_rsa, sizeof(oid_sha256_rsa));
	memset(sig + 1, 0xa5 ^ serial, sig_len);
	der_raw(&t, 0x03, sig, sig_len + 1);
	der(&out, 0x30, &t);
	free(tbs.p);
	free(v.p);
	free(spki.p);
	free(cert.p);
	free(t.p);
	free(sig);
	return out;
}

/* ---- a vmlinux ------------------------------------------------------- */

#define INIT_ADDR 0xffffffff83000000ull

/* What goes into the init data section around the certificates. */
enum list_shape {
	LIST_KERNEL,		/* list, its length, module_cert_size (5.13 and later) */
	LIST_OLD,		/* list and its length only (before 5.13) */
	LIST_NO_LENGTH,		/* certificates, nothing after them */
	LIST_NONE,		/* no certificate at all */
};

static struct bytes certs[2];

/* The init data: other data, then the list aligned to 8 bytes, as the kernel has it. */
static struct bytes init_data(enum list_shape shape, unsigned word)
{
	struct bytes d = { 0 };
	size_t len = certs[0].len + certs[1].len;

	put(&d, "init_on_free\0mminit_loglevel\0", 29);
	put_zeros(&d, 8 - d.len % 8);
	if (shape != LIST_NONE) {
		put(&d, certs[0].p, certs[0].len);
		put(&d, certs[1].p, certs[1].len);
		put_zeros(&d, (8 - d.len % 8) % 8);
	}
	if (shape == LIST_KERNEL || shape == LIST_OLD) {
		put_le(&d, len, word);
		put_zeros(&d, (8 - d.len % 8) % 8);
	}
	if (shape == LIST_KERNEL) {
		put_le(&d, certs[0].len, word);
		put_zeros(&d, (8 - d.len % 8) % 8);
	}
	put(&d, "\x30\x82\x01\x00 not a certificate", 22);
	return d;
}

/*
 * An ELF executable: header, .text, the init section named @sec_name holding
 * @data, .shstrtab, the section table.  32-bit when !@is64.
 */
static struct bytes make_elf(bool is64, const char *sec_name, const struct bytes *data)
{
	static const char text[] = "\x0f\x0b\xc3\x90";
	struct bytes e = { 0 }, names = { 0 };
	size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t shentsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t off[4] = { 0 }, size[4] = { 0 }, addr[4] = { 0 }, name_at[4] = { 0 };
	uint32_t type[4] = { SHT_NULL, SHT_PROGBITS, SHT_PROGBITS, SHT_STRTAB };
	uint64_t shoff;

	put(&names, "", 1);
	name_at[1] = names.len;
	put(&names, ".text", 6);
	name_at[2] = names.len;
	put(&names, sec_name, strlen(sec_name) + 1);
	name_at[3] = names.len;
	put(&names, ".shstrtab", 10);

	put_zeros(&e, ehsize);
	off[1] = e.len, size[1] = sizeof(text) - 1, addr[1] = 0xffffffff81000000ull;
	put(&e, text, size[1]);
	put_zeros(&e, (8 - e.len % 8) % 8);
	off[2] = e.len, size[2] = data->len, addr[2] = is64 ? INIT_ADDR : 0xc3000000u;
	put(&e, data->p, data->len);
	off[3] = e.len, size[3] = names.len;
	put(&e, names.p, names.len);
	put_zeros(&e, (8 - e.len % 8) % 8);
	shoff = e.len;
	for (int i = 0; i < 4; i++) {
		unsigned w = is64 ? 8 : 4;

		put_le(&e, name_at[i], 4);
		put_le(&e, type[i], 4);
		put_le(&e, i == 1 ? SHF_ALLOC | SHF_EXECINSTR : i == 2 ? SHF_ALLOC | SHF_WRITE : 0, w);
		put_le(&e, addr[i], w);
		put_le(&e, off[i], w);
		put_le(&e, size[i], w);
		put_le(&e, 0, 4);	/* link */
		put_le(&e, 0, 4);	/* info */
		put_le(&e, i == 0 ? 0 : 8, w);	/* addralign */
		put_le(&e, 0, w);	/* entsize */
	}
	memcpy(e.p, ELFMAG, SELFMAG);
	e.p[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	e.p[EI_DATA] = ELFDATA2LSB;
	e.p[EI_VERSION] = EV_CURRENT;
	if (is64) {
		set_le(e.p + offsetof(Elf64_Ehdr, e_type), ET_EXEC, 2);
		set_le(e.p + offsetof(Elf64_Ehdr, e_machine), EM_X86_64, 2);
		set_le(e.p + offsetof(Elf64_Ehdr, e_version), EV_CURRENT, 4);
		set_le(e.p + offsetof(Elf64_Ehdr, e_shoff), shoff, 8);
		set_le(e.p + offsetof(Elf64_Ehdr, e_ehsize), ehsize, 2);
		set_le(e.p + offsetof(Elf64_Ehdr, e_shentsize), shentsize, 2);
		set_le(e.p + offsetof(Elf64_Ehdr, e_shnum), 4, 2);
		set_le(e.p + offsetof(Elf64_Ehdr, e_shstrndx), 3, 2);
	} else {
		set_le(e.p + offsetof(Elf32_Ehdr, e_type), ET_EXEC, 2);
		set_le(e.p + offsetof(Elf32_Ehdr, e_machine), EM_386, 2);
		set_le(e.p + offsetof(Elf32_Ehdr, e_version), EV_CURRENT, 4);
		set_le(e.p + offsetof(Elf32_Ehdr, e_shoff), shoff, 4);
		set_le(e.p + offsetof(Elf32_Ehdr, e_ehsize), ehsize, 2);
		set_le(e.p + offsetof(Elf32_Ehdr, e_shentsize), shentsize, 2);
		set_le(e.p + offsetof(Elf32_Ehdr, e_shnum), 4, 2);
		set_le(e.p + offsetof(Elf32_Ehdr, e_shstrndx), 3, 2);
	}
	free(names.p);
	return e;
}

static struct bytes kernel_elf(enum list_shape shape)
{
	struct bytes d = init_data(shape, 8), e = make_elf(true, ".init.data", &d);

	free(d.p);
	return e;
}

/* ---- files ----------------------------------------------------------- */

static void path_of(char *out, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", tmpdir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

static struct bytes read_back(const char *path)
{
	struct bytes b = { 0 };
	char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		put(&b, buf, n);
	fclose(f);
	return b;
}

/* The bzImage header's fields used here */
#define SETUP_SECTS 3
#define PM_START ((SETUP_SECTS + 1) * 512)
#define PAYLOAD_OFFSET 0x1a0

/* A bzImage around @payload: boot protocol 2.15, setup code, then the payload. */
static struct bytes make_bzimage(const struct bytes *payload)
{
	struct bytes b = { 0 };

	put_zeros(&b, PM_START + PAYLOAD_OFFSET);
	b.p[0] = 'M';
	b.p[1] = 'Z';
	b.p[0x1f1] = SETUP_SECTS;
	b.p[0x1fe] = 0x55;
	b.p[0x1ff] = 0xaa;
	memcpy(b.p + 0x202, "HdrS", 4);
	set_le(b.p + 0x206, 0x020f, 2);
	set_le(b.p + 0x248, PAYLOAD_OFFSET, 4);
	set_le(b.p + 0x24c, payload->len, 4);
	memset(b.p + PM_START, 0xcc, PAYLOAD_OFFSET);	/* the decompressor's code */
	put(&b, payload->p, payload->len);
	put_zeros(&b, 512);
	return b;
}

/* How the kernel's build compresses each format (scripts/Makefile.lib). */
struct format {
	const char *name;
	const char *tool;
	const char *cmd;
	bool size_appended;
	bool built;	/* its library is in this build (meson -Dxz=disabled...) */
};

static const struct format formats[] = {
	{ "gzip", "gzip", "gzip -n -9 -c", false, ENABLE_ZLIB },
	{ "xz", "xz", "xz --check=crc32 --x86 --lzma2=dict=1MiB -c", true, ENABLE_XZ },
	{ "zstd", "zstd", "zstd -q -19 -c", true, ENABLE_ZSTD },
	{ "lzma", "lzma", "lzma -9 -c", true, ENABLE_XZ },
	{ "lz4", "lz4", "lz4 -q -l -9 -c", true, ENABLE_LZ4 },
	{ "bzip2", "bzip2", "bzip2 -9 -c", true, ENABLE_BZIP2 },
};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

static bool have_tool(const char *tool)
{
	return run_status("command -v %s > /dev/null 2>&1", tool) == 0;
}

/* @data compressed with @f's command, the decompressed length appended as the kernel does. */
static struct bytes compress(const struct format *f, const struct bytes *data)
{
	char in[PATH_MAX], out[PATH_MAX];
	struct bytes c;

	path_of(in, "payload.raw");
	path_of(out, "payload.z");
	write_file(in, data->p, data->len);
	assert_int_equal(run_status("%s < '%s' > '%s'", f->cmd, in, out), 0);
	c = read_back(out);
	if (f->size_appended)
		put_le(&c, data->len, 4);
	unlink(in);
	unlink(out);
	return c;
}

/* ---- running the reader ---------------------------------------------- */

struct seen {
	int n;
	struct bytes der[8];
	int stop_after;		/* 0: never */
	int stop_with;
};

static int collect(void *data, const uint8_t *der_, size_t len)
{
	struct seen *s = data;

	if (s->n < 8) {
		s->der[s->n].p = NULL;
		s->der[s->n].len = 0;
		put(&s->der[s->n], der_, len);
	}
	s->n++;
	if (s->stop_after && s->n == s->stop_after)
		return s->stop_with;
	return 0;
}

static void seen_free(struct seen *s)
{
	for (int i = 0; i < s->n && i < 8; i++)
		free(s->der[i].p);
}

/* The result of reading @image written to a file called @name; @s gets the certificates. */
static int certs_of(const char *name, const struct bytes *image, struct seen *s, char *path)
{
	struct modtool_ctx *ctx;
	int r;

	path_of(path, name);
	write_file(path, image->p, image->len);
	assert_int_equal(modtool_ctx_new(tmpdir, &ctx), 0);
	memset(&logbuf, 0, sizeof(logbuf));
	modtool_ctx_set_log_fn(ctx, capture_log, &logbuf);
	r = mt_kernel_image_certs(ctx, path, collect, s);
	modtool_ctx_free(ctx);
	return r;
}

/* Both certificates, byte for byte, in order, and nothing logged. */
static void expect_certs(const char *name, const struct bytes *image)
{
	struct seen s = { 0 };
	char path[PATH_MAX];
	int r = certs_of(name, image, &s, path);

	if (r != 2)
		fail_msg("%s: %d (log: %s)", name, r, logbuf.text);
	assert_int_equal(s.n, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(s.der[i].len, certs[i].len);
		assert_memory_equal(s.der[i].p, certs[i].p, certs[i].len);
	}
	assert_int_equal(logbuf.count, 0);
	seen_free(&s);
	unlink(path);
}

/* Exactly @err, said in one message naming the file (and @word, when given). */
static void expect_error(const char *name, const struct bytes *image, int err, const char *word)
{
	struct seen s = { 0 };
	char path[PATH_MAX];
	int r = certs_of(name, image, &s, path);

	if (r != err)
		fail_msg("%s: %d, not %d (log: %s)", name, r, err, logbuf.text);
	assert_int_equal(s.n, 0);
	if (logbuf.count != 1 || !strstr(logbuf.text, path))
		fail_msg("%s: %d messages, want one naming the file: %s", name, logbuf.count,
			 logbuf.text);
	if (word && !strstr(logbuf.text, word))
		fail_msg("%s: message does not say \"%s\": %s", name, word, logbuf.text);
	seen_free(&s);
	unlink(path);
}

/* @payload (freed here) in a bzImage: both certificates when @err is 0, else exactly @err. */
static void expect_wrapped(const char *name, struct bytes *payload, int err, const char *word)
{
	struct bytes b = make_bzimage(payload);

	if (err == 0)
		expect_certs(name, &b);
	else
		expect_error(name, &b, err, word);
	free(b.p);
	free(payload->p);
}

/* ---- the good images ------------------------------------------------- */

static void test_certificate_parser(void **state)
{
	struct bytes two = { 0 };
	uint8_t *serial;

	assert_int_equal(mt_x509_certificate_at(certs[0].p, certs[0].len), certs[0].len);
	/* the length of the first of two back to back */
	put(&two, certs[0].p, certs[0].len);
	put(&two, certs[1].p, certs[1].len);
	assert_int_equal(mt_x509_certificate_at(two.p, two.len), certs[0].len);
	/* cut anywhere: no certificate */
	for (size_t n = 0; n < certs[0].len; n++)
		assert_int_equal(mt_x509_certificate_at(certs[0].p, n), 0);
	/* the signature's BIT STRING (41 bytes, at the end) turned into an OCTET STRING */
	assert_int_equal(two.p[certs[0].len - 43], 0x03);
	two.p[certs[0].len - 43] = 0x04;
	assert_int_equal(mt_x509_certificate_at(two.p, two.len), 0);
	two.p[certs[0].len - 43] = 0x03;
	/* the TBSCertificate's serial number made a BOOLEAN */
	serial = memmem(two.p, certs[0].len, "\xa0\x03\x02\x01\x02\x02\x01", 7);
	assert_non_null(serial);
	serial[5] = 0x01;
	assert_int_equal(mt_x509_certificate_at(two.p, two.len), 0);
	free(two.p);
}

static void test_vmlinux(void **state)
{
	struct bytes e = kernel_elf(LIST_KERNEL);

	expect_certs("vmlinux", &e);
	free(e.p);
}

/* Before 5.13 no module_cert_size follows the length. */
static void test_vmlinux_old_layout(void **state)
{
	struct bytes d = init_data(LIST_OLD, 8), e = make_elf(true, ".init.data", &d);

	expect_certs("vmlinux-old", &e);
	free(d.p);
	free(e.p);
}

/* A 32-bit kernel: the lengths are .long; the section may also keep its object name. */
static void test_vmlinux_32bit(void **state)
{
	struct bytes d = init_data(LIST_KERNEL, 4), e = make_elf(false, ".init.rodata", &d);

	expect_certs("vmlinux-32", &e);
	free(d.p);
	free(e.p);
}

/*
 * A revocation list (same shape, but nothing after its length that ends on
 * one of its certificates) and a self-test certificate (nothing after it)
 * before the real list: only the real list is returned.
 */
static void test_list_among_others(void **state)
{
	struct bytes other = make_cert(9, "Revoked key", 300), d = { 0 }, rest, e;

	put(&d, other.p, other.len);
	put_zeros(&d, (8 - d.len % 8) % 8);
	put_le(&d, other.len, 8);
	put_le(&d, 0x1234567, 8);
	put(&d, "pad", 3);
	put(&d, other.p, other.len);	/* a self-test's certificate */
	put(&d, "\x01\x02\x03", 3);
	put_zeros(&d, (8 - d.len % 8) % 8);
	rest = init_data(LIST_KERNEL, 8);
	put(&d, rest.p, rest.len);
	e = make_elf(true, ".init.data", &d);
	expect_certs("vmlinux-others", &e);
	free(other.p);
	free(d.p);
	free(rest.p);
	free(e.p);
}

static void test_bzimage_formats(void **state)
{
	struct bytes e = kernel_elf(LIST_KERNEL);

	for (size_t i = 0; i < N_FORMATS; i++) {
		struct bytes c;
		char name[64];

		if (!have_tool(formats[i].tool)) {
			print_message("%s: no %s here, skipped\n", formats[i].name, formats[i].tool);
			continue;
		}
		c = compress(&formats[i], &e);
		snprintf(name, sizeof(name), "vmlinuz-%s", formats[i].name);
		if (formats[i].built)
			expect_wrapped(name, &c, 0, NULL);
		else	/* left out of the build: refused, saying so */
			expect_wrapped(name, &c, -ENOTSUP, "not built in");
	}
	free(e.p);
}

/* A non-zero return of the callback stops the walk and is the result, unlogged. */
static void test_callback_stops(void **state)
{
	struct bytes e = kernel_elf(LIST_KERNEL);
	struct seen s = { .stop_after = 1, .stop_with = 42 };
	char path[PATH_MAX];

	assert_int_equal(certs_of("vmlinux-stop", &e, &s, path), 42);
	assert_int_equal(s.n, 1);
	s.stop_with = -EINTR;
	seen_free(&s);
	s.n = 0;
	assert_int_equal(certs_of("vmlinux-stop", &e, &s, path), -EINTR);
	assert_int_equal(logbuf.count, 0);
	seen_free(&s);
	free(e.p);
}

/* ---- hostile images -------------------------------------------------- */

static struct bytes gzip_bzimage(enum list_shape shape)
{
	struct bytes e = kernel_elf(shape), c = compress(&formats[0], &e), b = make_bzimage(&c);

	free(e.p);
	free(c.p);
	return b;
}

static void test_not_images(void **state)
{
	struct bytes text = { 0 }, empty = { 0 }, elf, d = init_data(LIST_KERNEL, 8);

	put(&text, "#!/bin/sh\necho this is not a kernel\n", 36);
	expect_error("text", &text, -ENOEXEC, NULL);
	expect_error("empty", &empty, -ENOEXEC, NULL);
	text.len = 3;
	expect_error("tiny", &text, -ENOEXEC, NULL);
	/* an ELF file without init data: a program, not a kernel */
	elf = make_elf(true, ".data", &d);
	expect_error("program", &elf, -ENOEXEC, NULL);
	free(text.p);
	free(elf.p);
	free(d.p);
}

static void test_special_files(void **state)
{
	struct modtool_ctx *ctx;
	struct seen s = { 0 };
	char path[PATH_MAX];

	assert_int_equal(modtool_ctx_new(tmpdir, &ctx), 0);
	memset(&logbuf, 0, sizeof(logbuf));
	modtool_ctx_set_log_fn(ctx, capture_log, &logbuf);
	path_of(path, "no-such-vmlinuz");
	assert_int_equal(mt_kernel_image_certs(ctx, path, collect, &s), -ENOENT);
	assert_int_equal(mt_kernel_image_certs(ctx, tmpdir, collect, &s), -EISDIR);
	path_of(path, "fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(mt_kernel_image_certs(ctx, path, collect, &s), -EINVAL);
	assert_int_equal(logbuf.count, 3);
	unlink(path);
	modtool_ctx_free(ctx);
}

static void test_truncated_header(void **state)
{
	struct bytes b = gzip_bzimage(LIST_KERNEL);
	size_t full = b.len;

	/* "HdrS" there, the payload fields not */
	b.len = 0x240;
	expect_error("cut-header", &b, -EBADMSG, "truncated");
	/* not even "HdrS": nothing says it is a kernel */
	b.len = 0x200;
	expect_error("cut-before-magic", &b, -ENOEXEC, NULL);
	/* the payload cut short */
	b.len = full - 512 - 100;
	expect_error("cut-payload", &b, -EBADMSG, "outside");
	free(b.p);
}

static void test_old_boot_protocol(void **state)
{
	struct bytes b = gzip_bzimage(LIST_KERNEL);

	set_le(b.p + 0x206, 0x0206, 2);
	expect_error("protocol-2.06", &b, -ENOEXEC, "2.06");
	free(b.p);
}

static void test_payload_out_of_bounds(void **state)
{
	struct bytes b = gzip_bzimage(LIST_KERNEL);
	static const uint32_t offsets[] = { 0x7fffffff, 0xffffffff, 0x100000 };
	static const uint32_t lengths[] = { 0xffffffff, 0x10000000, 0 };

	for (size_t i = 0; i < 3; i++) {
		set_le(b.p + 0x248, offsets[i], 4);
		expect_error("payload-offset", &b, -EBADMSG, "outside");
	}
	set_le(b.p + 0x248, PAYLOAD_OFFSET, 4);
	for (size_t i = 0; i < 3; i++) {
		set_le(b.p + 0x24c, lengths[i], 4);
		expect_error("payload-length", &b, -EBADMSG, "outside");
	}
	/* setup_sects so large the payload starts past the end */
	set_le(b.p + 0x24c, 16, 4);
	b.p[0x1f1] = 0xff;
	expect_error("setup-sects", &b, -EBADMSG, "outside");
	free(b.p);
}

/* Every format's stream with bytes flipped, cut short, or its length lying. */
static void test_corrupt_payload(void **state)
{
	struct bytes e = kernel_elf(LIST_KERNEL);

	for (size_t i = 0; i < N_FORMATS; i++) {
		struct bytes c;
		char name[64];

		if (!have_tool(formats[i].tool) || !formats[i].built)
			continue;
		c = compress(&formats[i], &e);
		snprintf(name, sizeof(name), "corrupt-%s", formats[i].name);
		/* the middle of the stream overwritten */
		memset(c.p + c.len / 2 - 16, 0x5a, 32);
		expect_wrapped(name, &c, -EBADMSG, formats[i].name);

		c = compress(&formats[i], &e);
		snprintf(name, sizeof(name), "truncated-%s", formats[i].name);
		/* cut in half, its appended length kept at the end */
		if (formats[i].size_appended) {
			memmove(c.p + c.len / 2, c.p + c.len - 4, 4);
			c.len = c.len / 2 + 4;
		} else {
			c.len /= 2;
		}
		expect_wrapped(name, &c, -EBADMSG, formats[i].name);

		if (formats[i].size_appended) {
			c = compress(&formats[i], &e);
			snprintf(name, sizeof(name), "size-lies-%s", formats[i].name);
			set_le(c.p + c.len - 4, e.len + 1, 4);
			expect_wrapped(name, &c, -EBADMSG, "trailer");
		}
	}
	free(e.p);
}

static void test_payload_formats(void **state)
{
	struct bytes p = { 0 }, c;

	put(&p, "\x89LZO\0\x0d\x0a\x1a\x0a rest of an lzo stream", 31);
	expect_wrapped("lzo", &p, -ENOTSUP, "lzo");
	p = (struct bytes){ 0 };
	put(&p, "PK\x03\x04 a zip file is no payload", 30);
	expect_wrapped("unknown-format", &p, -EBADMSG, "unknown format");
	/* a well-formed gzip stream of something that is not an ELF file */
	if (!ENABLE_ZLIB)
		return;
	p = (struct bytes){ 0 };
	put(&p, "hello, this is not vmlinux", 26);
	c = compress(&formats[0], &p);
	expect_wrapped("payload-not-elf", &c, -EBADMSG, "ELF");
	free(p.p);
}

/* Decompression bombs: one that says so is refused unread; one that lies stops at the cap. */
static void test_declared_bomb(void **state)
{
	struct bytes e = kernel_elf(LIST_KERNEL);

	for (size_t i = 1; i < N_FORMATS; i++) {
		struct bytes c;

		if (!have_tool(formats[i].tool))
			continue;
		c = compress(&formats[i], &e);
		set_le(c.p + c.len - 4, 0xfffffff0u, 4);
		expect_wrapped("declared-bomb", &c, -EFBIG, "1 GiB");
	}
	free(e.p);
}

struct bomb {
	const char *name;
	const char *tool;
	const char *cmd;	/* makes the payload from 1152 MiB of zeros */
	bool built;
};

/* lz4 and zstd read concatenated frames: 18 of 64 MiB each are quick to make */
static const struct bomb bombs[] = {
	{ "lz4", "lz4", "z=$(head -c 64M /dev/zero | lz4 -q -l -c | base64 -w0); "
			 "for i in $(seq 18); do echo $z | base64 -d; done", ENABLE_LZ4 },
	{ "zstd", "zstd", "z=$(head -c 64M /dev/zero | zstd -q -c | base64 -w0); "
			   "for i in $(seq 18); do echo $z | base64 -d; done", ENABLE_ZSTD },
	{ "lzma", "lzma", "head -c 1152M /dev/zero | lzma -0 -c", ENABLE_XZ },
};
#define N_BOMBS (sizeof(bombs) / sizeof(bombs[0]))

static void test_real_bombs(void **state)
{
	/*
	 * valgrind adds its own memory; under ASan the child also keeps what the
	 * parent's quarantine held when it forked.
	 */
	long limit_kib = RUNNING_ON_VALGRIND ? 3L << 20 :
			 UNDER_ASAN ? (1L << 20) + (512L << 10) : (1L << 20) + (256L << 10);
	char paths[N_BOMBS][PATH_MAX], raw[PATH_MAX];
	pid_t pids[N_BOMBS];

	for (size_t i = 0; i < N_BOMBS; i++) {
		struct bytes c, b;

		pids[i] = 0;
		if (!have_tool(bombs[i].tool) || !bombs[i].built)
			continue;
		path_of(raw, "bomb.raw");
		assert_int_equal(run_status("(%s) > '%s'", bombs[i].cmd, raw), 0);
		c = read_back(raw);
		unlink(raw);
		assert_true(c.len < (8 << 20));	/* small on disk: a bomb */
		put_le(&c, 4096, 4);	/* the appended length lies */
		b = make_bzimage(&c);
		snprintf(raw, sizeof(raw), "bomb-%s", bombs[i].name);
		path_of(paths[i], raw);
		write_file(paths[i], b.p, b.len);
		free(b.p);
		free(c.p);
	}
	fflush(NULL);
	for (size_t i = 0; i < N_BOMBS; i++) {
		if (!have_tool(bombs[i].tool) || !bombs[i].built)
			continue;
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct modtool_ctx *ctx;
			struct seen s = { 0 };
			int r;

			if (modtool_ctx_new(tmpdir, &ctx) < 0)
				_exit(2);
			memset(&logbuf, 0, sizeof(logbuf));
			modtool_ctx_set_log_fn(ctx, capture_log, &logbuf);
			r = mt_kernel_image_certs(ctx, paths[i], collect, &s);
			if (r != -EFBIG || logbuf.count != 1 || !strstr(logbuf.text, paths[i])) {
				fprintf(stderr, "%s: %d, log: %s\n", paths[i], r, logbuf.text);
				_exit(3);
			}
			modtool_ctx_free(ctx);
			_exit(0);
		}
	}
	for (size_t i = 0; i < N_BOMBS; i++) {
		struct rusage ru;
		int status;

		if (pids[i] == 0)
			continue;
		assert_int_equal(wait4(pids[i], &status, 0, &ru), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("%s bomb: child status %#x", bombs[i].name, status);
		if (ru.ru_maxrss > limit_kib)
			fail_msg("%s bomb: peak RSS %ld KiB, limit %ld KiB", bombs[i].name,
				 ru.ru_maxrss, limit_kib);
		unlink(paths[i]);
	}
}

/* The ELF's section table lies: in a vmlinux and in a bzImage's payload alike. */
static void test_elf_lies(void **state)
{
	struct bytes e = kernel_elf(LIST_KERNEL), c;
	size_t shoff_at = offsetof(Elf64_Ehdr, e_shoff);
	uint64_t shoff = e.p[shoff_at] | (uint64_t)e.p[shoff_at + 1] << 8 |
			 (uint64_t)e.p[shoff_at + 2] << 16;
	uint8_t *init_sh = e.p + shoff + 2 * sizeof(Elf64_Shdr);

	/* the table past the end */
	set_le(e.p + shoff_at, e.len + 64, 8);
	expect_error("elf-shoff", &e, -EBADMSG, NULL);
	if (ENABLE_ZLIB) {
		c = compress(&formats[0], &e);
		expect_wrapped("payload-elf-shoff", &c, -EBADMSG, NULL);
	}
	set_le(e.p + shoff_at, shoff, 8);
	expect_certs("elf-restored", &e);

	/* the init section lies outside the file */
	set_le(init_sh + offsetof(Elf64_Shdr, sh_size), (uint64_t)1 << 40, 8);
	expect_error("elf-section-size", &e, -EBADMSG, NULL);
	set_le(init_sh + offsetof(Elf64_Shdr, sh_size), 16, 8);
	set_le(init_sh + offsetof(Elf64_Shdr, sh_offset), UINT64_MAX - 8, 8);
	expect_error("elf-section-offset", &e, -EBADMSG, NULL);

	/* cut inside the section table, and right after the ELF header */
	e.len = shoff + 10;
	expect_error("elf-cut-table", &e, -EBADMSG, NULL);
	e.len = sizeof(Elf64_Ehdr) - 1;
	expect_error("elf-cut-header", &e, -EBADMSG, NULL);
	free(e.p);
}

static void test_no_certificates(void **state)
{
	struct bytes e = kernel_elf(LIST_NONE), b;

	expect_error("vmlinux-empty", &e, -ENODATA, "system_certificate_list");
	free(e.p);
	/* certificates with no length after them are no list */
	e = kernel_elf(LIST_NO_LENGTH);
	expect_error("vmlinux-unlisted", &e, -ENODATA, NULL);
	free(e.p);
	if (ENABLE_ZLIB) {
		b = gzip_bzimage(LIST_NONE);
		expect_error("vmlinuz-empty", &b, -ENODATA, NULL);
		free(b.p);
	}
}

/* Every prefix and random flips of a whole image: any result but a crash. */
static void test_every_cut_and_flip(void **state)
{
	struct bytes e = kernel_elf(LIST_KERNEL);
	struct modtool_ctx *ctx;
	unsigned seed = 12345;
	size_t step = RUNNING_ON_VALGRIND ? 61 : 7;

	assert_int_equal(modtool_ctx_new(tmpdir, &ctx), 0);
	modtool_ctx_set_log_fn(ctx, capture_log, &logbuf);
	for (size_t n = 0; n < e.len; n += step) {
		uint8_t *copy = malloc(n + 1);
		struct seen s = { 0 };
		int r;

		memcpy(copy, e.p, n);
		memset(&logbuf, 0, sizeof(logbuf));
		r = mt_kernel_image_certs_mem(ctx, "cut", copy, n, collect, &s);
		assert_true(r < 0 || r <= 2);
		seen_free(&s);
		free(copy);
	}
	for (int i = 0; i < (RUNNING_ON_VALGRIND ? 100 : 2000); i++) {
		uint8_t *copy = malloc(e.len);
		struct seen s = { 0 };

		memcpy(copy, e.p, e.len);
		for (int k = 0; k < 4; k++)
			copy[rand_r(&seed) % e.len] = (uint8_t)rand_r(&seed);
		memset(&logbuf, 0, sizeof(logbuf));
		mt_kernel_image_certs_mem(ctx, "flipped", copy, e.len, collect, &s);
		seen_free(&s);
		free(copy);
	}
	modtool_ctx_free(ctx);
	free(e.p);
}

/* ---- setup ----------------------------------------------------------- */

static int cleanup_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/modtool-test-kernel-image.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	/* one short and one long one (the 0x30 0x81 and 0x30 0x82 forms) */
	certs[0] = make_cert(1, "Build time autogenerated kernel key", 40);
	certs[1] = make_cert(2, "Second test key", 512);
	return 0;
}

static int teardown(void **state)
{
	free(certs[0].p);
	free(certs[1].p);
	nftw(tmpdir, cleanup_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_certificate_parser),
		cmocka_unit_test(test_vmlinux),
		cmocka_unit_test(test_vmlinux_old_layout),
		cmocka_unit_test(test_vmlinux_32bit),
		cmocka_unit_test(test_list_among_others),
		cmocka_unit_test(test_bzimage_formats),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_not_images),
		cmocka_unit_test(test_special_files),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_old_boot_protocol),
		cmocka_unit_test(test_payload_out_of_bounds),
		cmocka_unit_test(test_corrupt_payload),
		cmocka_unit_test(test_payload_formats),
		cmocka_unit_test(test_declared_bomb),
		cmocka_unit_test(test_real_bombs),
		cmocka_unit_test(test_elf_lies),
		cmocka_unit_test(test_no_certificates),
		cmocka_unit_test(test_every_cut_and_flip),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
