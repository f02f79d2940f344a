/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verification of a module already in memory: for the fuzz target and unit tests. */
#ifndef MODTOOL_TRUST_VERIFY_H
#define MODTOOL_TRUST_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "libmodtool.h"

/*
 * modtool_keyring_verify() on the decompressed module @data of @size bytes
 * (@name names it in messages).
 */
int mt_keyring_verify_mem(const struct modtool_keyring *kr, struct modtool_ctx *ctx,
			  const char *name, const uint8_t *data, size_t size,
			  struct modtool_verification **out);

#endif
