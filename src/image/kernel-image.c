// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel images: a bzImage's payload, unpacked, or a vmlinux as it is, and
 * the certificates built into it (cert-list.c finds them).
 *
 * A bzImage (Documentation/arch/x86/boot.rst) starts with the real-mode
 * setup: its header at 0x1f1 says how many 512-byte sectors the setup takes
 * (setup_sects, 0 meaning 4), the protected-mode code follows them, and since
 * boot protocol 2.08 the header gives the payload's place in that code
 * (payload_offset, payload_length).  The payload is the vmlinux ELF (and
 * its relocations) compressed in the format CONFIG_KERNEL_* chose, told here
 * by its magic bytes; every format but gzip is followed by the decompressed
 * length as a little-endian 32-bit number (the kernel's size_append).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "image/kernel-image.h"
#include "image/unpack.h"
#include "module/file.h"

/* The setup header's fields (x86 boot protocol) */
#define BZ_SETUP_SECTS 0x1f1
#define BZ_HEADER_MAGIC 0x202	/* "HdrS" */
#define BZ_KERNEL_VERSION 0x20e	/* its string, less 0x200 */
#define BZ_VERSION 0x206
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24c
#define BZ_HEADER_END 0x250
#define BZ_SECTOR 512
#define BZ_PAYLOAD_VERSION 0x0208

struct payload_format {
	const char *name;
	uint8_t magic[6];
	size_t magic_len;
	bool size_appended;	/* the decompressed length follows the stream */
	mt_decompress_fn decompress;	/* NULL: known, not supported */
};

static const struct payload_format payload_formats[] = {
	{ "gzip", { 0x1f, 0x8b }, 2, false, mt_decompress_gzip },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, true, mt_decompress_xz },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, true, mt_decompress_zstd },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4, true, mt_unpack_lz4 },
	{ "bzip2", { 'B', 'Z', 'h' }, 3, true, mt_unpack_bzip2 },
	/* lzma's first byte holds lc/lp/pb (3/0/2 by default), then the dictionary size */
	{ "lzma", { 0x5d, 0x00, 0x00 }, 3, true, mt_decompress_lzma_alone },
	{ "lzo", { 0x89, 'L', 'Z', 'O', 0x00 }, 5, true, NULL },
};

/* What went wrong, said once by the caller: a fixed reason or one with numbers. */
struct image_error {
	const char *why;
	char text[160];
};

static int fail(struct image_error *e, int err, const char *fmt, ...) MT_PRINTF(3, 4);
static int fail(struct image_error *e, int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, args);
	va_end(args);
	e->why = e->text;
	return err;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static const struct payload_format *payload_format_of(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < sizeof(payload_formats) / sizeof(payload_formats[0]); i++)
		if (len >= payload_formats[i].magic_len &&
		    memcmp(p, payload_formats[i].magic, payload_formats[i].magic_len) == 0)
			return &payload_formats[i];
	return NULL;
}

static bool is_bzimage(const uint8_t *image, size_t size)
{
	return size >= BZ_HEADER_MAGIC + 4 && memcmp(image + BZ_HEADER_MAGIC, "HdrS", 4) == 0;
}

/* The compressed payload of a bzImage, bounds-checked. */
static int bzimage_payload(const uint8_t *image, size_t size, const uint8_t **payload,
			   size_t *len, struct image_error *e)
{
	uint16_t version;
	uint64_t start;
	uint32_t off;
	unsigned sects;

	if (size < BZ_HEADER_END)
		return fail(e, -EBADMSG, "bzImage setup header truncated (%zu bytes)", size);
	version = image[BZ_VERSION] | image[BZ_VERSION + 1] << 8;
	if (version < BZ_PAYLOAD_VERSION)
		return fail(e, -ENOEXEC, "boot protocol %u.%02u, before 2.08: no payload fields",
			    version >> 8, version & 0xff);
	sects = image[BZ_SETUP_SECTS] ? image[BZ_SETUP_SECTS] : 4;
	off = get_le32(image + BZ_PAYLOAD_OFFSET);
	*len = get_le32(image + BZ_PAYLOAD_LENGTH);
	start = (uint64_t)(sects + 1) * BZ_SECTOR + off;
	if (*len == 0 || !mt_in_bounds(start, *len, size))
		return fail(e, -EBADMSG, "payload (%" PRIu64 " bytes at %" PRIu64
			    ") lies outside the file (%zu bytes)", (uint64_t)*len, start, size);
	*payload = image + start;
	return 0;
}

/* Decompress @in into @out: the vmlinux ELF, its length checked against the appended one. */
static int unpack_payload(const uint8_t *in, size_t len, struct mt_decompressed *out,
			  struct image_error *e)
{
	const struct payload_format *fmt = payload_format_of(in, len);
	uint32_t declared;
	const char *why = NULL;
	int err;

	if (!fmt)
		return fail(e, -EBADMSG, "payload in an unknown format (%02x %02x %02x %02x)",
			    in[0], len > 1 ? in[1] : 0, len > 2 ? in[2] : 0, len > 3 ? in[3] : 0);
	if (!fmt->decompress)
		return fail(e, -ENOTSUP, "%s-compressed payload: not supported", fmt->name);
	if (len < fmt->magic_len + 4)
		return fail(e, -EBADMSG, "%s payload truncated (%zu bytes)", fmt->name, len);
	/* gzip's own trailer ends in the length too (modulo 4 GiB): a bomb is refused unread */
	declared = get_le32(in + len - 4);
	if (declared > MT_MAX_MODULE_SIZE)
		return fail(e, -EFBIG, "%s payload declares %" PRIu32
			    " bytes uncompressed, over the 1 GiB limit", fmt->name, declared);
	err = fmt->decompress(in, fmt->size_appended ? len - 4 : len, out, &why);
	if (err < 0)
		return fail(e, err, mt_err_is_environment(err) ? "cannot decompress %s payload: %s"
							       : "%s payload: %s",
			    fmt->name, why ? why : strerror(-err));
	if (fmt->size_appended && out->size != declared)
		return fail(e, -EBADMSG, "%s payload decompresses to %zu bytes, its trailer says %"
			    PRIu32, fmt->name, out->size, declared);
	return 0;
}

/* Each certificate of the list, in order, to @fn. */
static int walk_certs(const uint8_t *list, size_t len, mt_image_cert_fn fn, void *data)
{
	int count = 0, r;

	while (len > 0) {
		size_t n = mt_x509_certificate_at(list, len);

		/* the list was found as whole certificates back to back */
		if (n == 0)
			return -EBADMSG;
		r = fn(data, list, n);
		if (r != 0)
			return r;
		count++;
		list += n;
		len -= n;
	}
	return count;
}

/* The bzImage header's kernel_version string (boot protocol 2.00+), "" when unreadable. */
static void bzimage_version(const uint8_t *image, size_t size, char *out, size_t outsize)
{
	uint64_t at;
	size_t n = 0;

	out[0] = '\0';
	if (size < BZ_KERNEL_VERSION + 2)
		return;
	at = (uint64_t)(image[BZ_KERNEL_VERSION] | image[BZ_KERNEL_VERSION + 1] << 8) + BZ_SECTOR;
	if (at == BZ_SECTOR)
		return;
	while (at + n < size && n + 1 < outsize && image[at + n] >= ' ' && image[at + n] < 0x7f) {
		out[n] = (char)image[at + n];
		n++;
	}
	out[n] = '\0';
}

/* The vmlinux ELF of @image: itself, or its bzImage payload unpacked into @img->unpacked. */
static int image_unpack(const uint8_t *image, size_t size, struct mt_kernel_image *img,
			struct image_error *e)
{
	const uint8_t *payload = NULL;
	size_t len = 0;
	int err;

	if (!is_bzimage(image, size)) {
		if (memcmp(image, "\177ELF", 4) != 0)
			return fail(e, -ENOEXEC, "neither a bzImage nor a vmlinux ELF file");
		img->vmlinux = image;
		img->vmlinux_size = size;
		return 0;
	}
	bzimage_version(image, size, img->version, sizeof(img->version));
	err = bzimage_payload(image, size, &payload, &len, e);
	if (err < 0)
		return err;
	err = unpack_payload(payload, len, &img->unpacked, e);
	if (err < 0)
		return err;
	img->vmlinux = img->unpacked.data;
	img->vmlinux_size = img->unpacked.size;
	img->from_bzimage = true;
	return 0;
}

int mt_kernel_image_open_mem(struct modtool_ctx *ctx, const char *name, const uint8_t *image,
			     size_t size, struct mt_kernel_image *img)
{
	struct image_error e = { 0 };
	int err;

	*img = (struct mt_kernel_image){ .name = name };
	if (size < 4) {
		mt_err(ctx, "%s: not a kernel image (%zu bytes)\n", name, size);
		return -ENOEXEC;
	}
	err = image_unpack(image, size, img, &e);
	if (err < 0) {
		mt_err(ctx, "%s: %s\n", name, e.why ? e.why : strerror(-err));
		mt_kernel_image_close(img);
	}
	return err;
}

int mt_kernel_image_walk_certs(struct modtool_ctx *ctx, const struct mt_kernel_image *img,
			       mt_image_cert_fn fn, void *data)
{
	const uint8_t *list = NULL;
	const char *why = NULL;
	size_t len = 0;
	int err;

	err = mt_vmlinux_cert_list(img->vmlinux, img->vmlinux_size, &list, &len, &why);
	/* a bzImage whose payload is no kernel ELF is a corrupt bzImage */
	if (err == -ENOEXEC && img->from_bzimage)
		err = -EBADMSG;
	if (err == 0)
		err = walk_certs(list, len, fn, data);
	/* a callback's own result is the caller's to report */
	if (err < 0 && why)
		mt_err(ctx, "%s: %s\n", img->name, why);
	return err;
}

int mt_kernel_image_certs_mem(struct modtool_ctx *ctx, const char *name, const uint8_t *image,
			      size_t size, mt_image_cert_fn fn, void *data)
{
	struct mt_kernel_image img;
	int err;

	err = mt_kernel_image_open_mem(ctx, name, image, size, &img);
	if (err < 0)
		return err;
	err = mt_kernel_image_walk_certs(ctx, &img, fn, data);
	mt_kernel_image_close(&img);
	return err;
}

void mt_kernel_image_close(struct mt_kernel_image *img)
{
	mt_decompressed_release(&img->unpacked);
	if (img->map)
		munmap((void *)img->map, img->map_size);
	img->map = NULL;
	img->vmlinux = NULL;
}

static int map_image(struct modtool_ctx *ctx, const char *path, const uint8_t **image,
		     size_t *size)
{
	struct stat st;
	void *p;
	int fd, err = 0;

	/* O_NONBLOCK: a FIFO in place of the image must not hang us */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = -errno;
		mt_err(ctx, "%s: %s\n", path, strerror(-err));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		mt_err(ctx, "%s: not a regular file\n", path);
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	*size = (size_t)st.st_size;
	*image = NULL;
	if (st.st_size == 0 || (uint64_t)st.st_size > SIZE_MAX)
		goto out;	/* nothing to map: too short to be an image */
	p = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		mt_err(ctx, "%s: %s\n", path, strerror(-err));
		goto out;
	}
	*image = p;
out:
	if (fd >= 0)
		close(fd);
	return err;
}

int mt_kernel_image_open(struct modtool_ctx *ctx, const char *path, struct mt_kernel_image *img)
{
	const uint8_t *image;
	size_t size;
	int err;

	*img = (struct mt_kernel_image){ .name = path };
	err = map_image(ctx, path, &image, &size);
	if (err < 0)
		return err;
	if (!image) {
		mt_err(ctx, "%s: not a kernel image (empty)\n", path);
		return -ENOEXEC;
	}
	err = mt_kernel_image_open_mem(ctx, path, image, size, img);
	if (err < 0) {
		munmap((void *)image, size);
		return err;
	}
	img->map = image;
	img->map_size = size;
	return 0;
}

int mt_kernel_image_certs(struct modtool_ctx *ctx, const char *path, mt_image_cert_fn fn,
			  void *data)
{
	struct mt_kernel_image img;
	int err;

	err = mt_kernel_image_open(ctx, path, &img);
	if (err < 0)
		return err;
	err = mt_kernel_image_walk_certs(ctx, &img, fn, data);
	mt_kernel_image_close(&img);
	return err;
}
