/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel images (an x86 bzImage or a vmlinux ELF): the certificates built
 * into them, for checking module signatures offline against the keys the
 * kernel itself trusts.
 */
#ifndef MODTOOL_KERNEL_IMAGE_H
#define MODTOOL_KERNEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <stdbool.h>

#include "module/file.h"

struct modtool_ctx;

/*
 * A kernel image opened once for several readers (certificates, exports):
 * @vmlinux is the ELF, the file itself or its bzImage payload unpacked.
 */
struct mt_kernel_image {
	const char *name;		/* for messages: borrowed */
	const uint8_t *vmlinux;
	size_t vmlinux_size;
	char version[160];		/* a bzImage header's kernel_version, "" none */
	bool from_bzimage;
	/* owned: */
	const uint8_t *map;
	size_t map_size;
	struct mt_decompressed unpacked;
};

/*
 * Open the kernel image @path (or @image in memory, not copied: it must
 * outlive @img): 0, or the errors of mt_kernel_image_certs() but -ENODATA,
 * logged once.  Close with mt_kernel_image_close() after success.
 */
int mt_kernel_image_open(struct modtool_ctx *ctx, const char *path, struct mt_kernel_image *img);
int mt_kernel_image_open_mem(struct modtool_ctx *ctx, const char *name, const uint8_t *image,
			     size_t size, struct mt_kernel_image *img);
void mt_kernel_image_close(struct mt_kernel_image *img);

/* Called for each X.509 certificate (DER, one whole certificate) built into the image; a non-zero return stops the walk and is returned. */
typedef int (*mt_image_cert_fn)(void *data, const uint8_t *der, size_t len);
/*
 * The certificates of the kernel's built-in trusted list (system_certificate_list) in the kernel
 * image @path: a bzImage (x86 boot protocol; payload compressed with gzip, xz, lzma, lz4, zstd or bzip2,
 * as the kernel's CONFIG_KERNEL_* builds it) or an uncompressed vmlinux ELF.
 * Returns the number of certificates passed to @fn, or a negative errno, logged once through
 * mt_err(ctx, ...) naming the file and the problem: -ENOEXEC not a kernel image, -EBADMSG corrupt
 * payload/ELF, -ENODATA no certificate list found, -ELIBACC a needed decompression library missing
 * (a fault of the machine), -EFBIG payload larger than the cap, open/read errors as they are.
 * Also -ENOTSUP: a payload format known but not readable here (lzo; a library left out of the build).
 */
int mt_kernel_image_certs(struct modtool_ctx *ctx, const char *path, mt_image_cert_fn fn, void *data);

/* The certificates of an opened image, as mt_kernel_image_certs() gives them. */
int mt_kernel_image_walk_certs(struct modtool_ctx *ctx, const struct mt_kernel_image *img,
			       mt_image_cert_fn fn, void *data);

/*
 * The same on an image already in memory (@name only names it in messages):
 * what the fuzz target and the unit tests call.
 */
int mt_kernel_image_certs_mem(struct modtool_ctx *ctx, const char *name, const uint8_t *image,
			      size_t size, mt_image_cert_fn fn, void *data);

/*
 * The certificate list in a vmlinux ELF @elf of @size bytes (already
 * decompressed): 0 with the list's bounds, or -ENOEXEC (not an ELF or no
 * init data section: not a kernel), -EBADMSG (*why set), -ENODATA.
 */
int mt_vmlinux_cert_list(const uint8_t *elf, size_t size, const uint8_t **list, size_t *len,
			 const char **why);

/*
 * The length of the DER X.509 Certificate at @p (at most @avail bytes), by
 * its structure (SEQUENCE { tbsCertificate, signatureAlgorithm, BIT STRING }),
 * or 0 when there is none.
 */
size_t mt_x509_certificate_at(const uint8_t *p, size_t avail);

#endif
