// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the appended-signature reader and the DER reader.
 *
 * Build and run from the source tree (no meson wiring needed):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *       tests/fuzz/fuzz-signature.c src/module/signature.c src/module/der.c -o fuzz-signature
 *   mkdir -p corpus && ./fuzz-signature -max_total_time=120 corpus SEEDS_DIR
 *
 * A good seed is the tail of a real module (its PKCS#7 blob, info block and
 * marker): e.g. `tail -c 800 foo.ko > SEEDS_DIR/foo`.  The input is taken
 * as a whole module; a second pass rebuilds a valid trailer around the
 * input so the fuzzer's bytes reach the PKCS#7 parser even when they do
 * not end in a marker.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "module/signature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads of the returned fields go here, so that none is optimised away. */
static volatile uint8_t sink;

static void check(const uint8_t *data, size_t size)
{
	struct mt_signature sig;
	const char *why = NULL;
	const uint8_t *end = data + size;
	size_t i;
	int r;

	r = mt_signature_parse(data, size, &sig, &why);
	if (r != 0 && r != -ENODATA && r != -EBADMSG)
		abort();
	if (r != 0) {
		if (!why)
			abort();
		return;
	}
	/* Every field must lie inside the input (or key_id_buf); touch it all. */
	if (sig.signer && ((const uint8_t *)sig.signer < data ||
			   (const uint8_t *)sig.signer + sig.signer_len > end))
		abort();
	if (sig.sig + sig.sig_len > end || sig.sig < data || sig.signed_len > size)
		abort();
	for (i = 0; i < sig.signer_len; i++)
		sink ^= sig.signer[i];
	for (i = 0; i < sig.key_id_len; i++)
		sink ^= sig.key_id[i];
	for (i = 0; i < sig.sig_len; i++)
		sink ^= sig.sig[i];
	if (!sig.hash_algo || !sig.id_type_name)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *m;
	size_t n;

	check(data, size);

	/* The input as a PKCS#7 blob behind a well-formed trailer. */
	if (size == 0 || size > 1 << 16)
		return 0;
	n = size + MT_SIG_INFO_LEN + MT_SIG_MAGIC_LEN;
	m = malloc(n);
	if (!m)
		return 0;
	memcpy(m, data, size);
	memset(m + size, 0, MT_SIG_INFO_LEN);
	m[size + 2] = MT_SIG_ID_PKCS7;
	m[size + 8] = size >> 24;
	m[size + 9] = size >> 16;
	m[size + 10] = size >> 8;
	m[size + 11] = size;
	memcpy(m + size + MT_SIG_INFO_LEN, MT_SIG_MAGIC, MT_SIG_MAGIC_LEN);
	check(m, n);
	free(m);
	return 0;
}
