/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SHA-256 (FIPS 180-4), small and self-contained: the audit trail and the
 * uevent monitor fingerprint module files on every load the kernel asks
 * for, where starting libcrypto would cost more than hashing the file.
 */
#ifndef MODTOOL_BASE_SHA256_H
#define MODTOOL_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define MT_SHA256_LEN 32
#define MT_SHA256_HEX_LEN (2 * MT_SHA256_LEN + 1)

struct mt_sha256 {
	uint32_t state[8];
	uint64_t bytes;		/* message length so far */
	uint8_t block[64];
	size_t used;		/* bytes waiting in @block */
};

void mt_sha256_init(struct mt_sha256 *s);
void mt_sha256_update(struct mt_sha256 *s, const void *data, size_t len);
void mt_sha256_final(struct mt_sha256 *s, uint8_t digest[MT_SHA256_LEN]);
/* The digest of the rest of the file open at @fd, as lower-case hex: 0 or -errno. */
int mt_sha256_fd_hex(int fd, char hex[MT_SHA256_HEX_LEN]);

#endif
