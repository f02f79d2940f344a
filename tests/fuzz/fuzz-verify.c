// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for keyrings and verification: certificate files (PEM
 * or DER, whatever libcrypto makes of hostile bytes) and a module's
 * signature checked against them.
 *
 * The input is [be16 N][N bytes: a certificate file][the rest: a module].
 * The certificate file goes into a keyring (refusals are fine); the module
 * is verified against it and must get a verdict, never a crash.  Seeds from
 * run-fuzzers.sh: a real certificate with modules it signed, tampered ones.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz-util.h"
#include "trust/keyring.h"
#include "trust/verify.h"

static void check_verify(struct modtool_keyring *kr, const uint8_t *data, size_t size)
{
	struct modtool_verification *v = NULL;
	int r = mt_keyring_verify_mem(kr, fuzz_ctx(), "fuzz-module", data, size, &v);

	if (r == -ENOMEM || r == -ELIBACC || r == -ENOTSUP)
		return;
	if (r != 0 || !v)
		abort();
	if (!modtool_verdict_name(modtool_verification_get_verdict(v)))
		abort();
	/* a verdict short of valid always says why */
	if (modtool_verification_get_verdict(v) != MODTOOL_VERDICT_VALID &&
	    !modtool_verification_get_reason(v))
		abort();
	modtool_verification_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modtool_keyring *kr;
	size_t cert_len;
	int r;

	if (size < 2)
		return 0;
	cert_len = (size_t)data[0] << 8 | data[1];
	if (cert_len > size - 2)
		cert_len = size - 2;
	if (modtool_keyring_new(fuzz_ctx(), &kr) < 0)
		abort();
	r = mt_keyring_add_buffer(kr, "fuzz-cert", data + 2, cert_len);
	if (r < 0 && r != -EBADMSG && r != -ENOMEM && r != -EFBIG && r != -ELIBACC &&
	    r != -ENOTSUP)
		abort();
	if (r >= 0 && (size_t)r != modtool_keyring_count(kr))
		abort();
	for (size_t i = 0; i < modtool_keyring_count(kr); i++)
		if (!modtool_keyring_get_subject(kr, i) || !modtool_keyring_get_key_id(kr, i))
			abort();
	check_verify(kr, data + 2 + cert_len, size - 2 - cert_len);
	modtool_keyring_free(kr);
	return 0;
}
