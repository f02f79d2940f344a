// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the kernel image reader: bzImage header, payload
 * decompression (every format), the vmlinux ELF and the certificate list.
 *
 * Built and run by run-fuzzers.sh (target kernel-image); its seeds come
 * from make-kernel-image-seeds.py.  The input is taken as a whole image;
 * a second pass wraps it in a bzImage header as its payload, so that the
 * fuzzer's bytes reach the decompressors even when they do not start with
 * a setup header.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "image/kernel-image.h"

/* Reads of the certificates go here, so that none is optimised away. */
static volatile uint8_t sink;

static int touch_cert(void *data, const uint8_t *der, size_t len)
{
	/* what is returned is one whole certificate, by the reader's own rule */
	if (len == 0 || mt_x509_certificate_at(der, len) != len)
		abort();
	for (size_t i = 0; i < len; i++)
		sink ^= der[i];
	return 0;
}

static void check(const uint8_t *data, size_t size)
{
	int r = mt_kernel_image_certs_mem(fuzz_ctx(), "fuzz-image", data, size, touch_cert, NULL);

	if (r >= 0)
		return;
	switch (-r) {
	case ENOEXEC: case EBADMSG: case ENODATA: case EFBIG: case ENOTSUP:
	case ELIBACC: case ENOMEM:
		return;
	default:
		abort();
	}
}

/* A bzImage (boot protocol 2.15, one setup sector) whose payload is @data. */
#define WRAP_SETUP 1024
static void check_as_payload(const uint8_t *data, size_t size)
{
	size_t n = WRAP_SETUP + size;
	uint8_t *m = calloc(1, n);

	if (!m)
		return;
	m[0x1f1] = 1;
	memcpy(m + 0x202, "HdrS", 4);
	m[0x206] = 0x0f;
	m[0x207] = 0x02;
	/* payload_offset 0, payload_length the input's */
	for (int i = 0; i < 4; i++)
		m[0x24c + i] = (uint8_t)(size >> (8 * i));
	memcpy(m + WRAP_SETUP, data, size);
	check(m, n);
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size);
	if (size > 0 && size <= 1 << 20)
		check_as_payload(data, size);
	return 0;
}
