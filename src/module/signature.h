/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The signature appended to a module: [content][PKCS#7 or raw sig]
 * [struct module_signature, 12 bytes]["~Module signature appended~\n"].
 * Parsing here reads the display fields (what modinfo shows) without
 * libcrypto: a small bounds-checked DER reader does it.
 */
#ifndef MODTOOL_SIGNATURE_H
#define MODTOOL_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#define MT_SIG_MAGIC "~Module signature appended~\n"
#define MT_SIG_MAGIC_LEN (sizeof(MT_SIG_MAGIC) - 1)
#define MT_SIG_INFO_LEN 12	/* u8 algo, hash, id_type, signer_len, key_id_len, pad[3], be32 sig_len */
#define MT_SIG_KEY_ID_BUF 64	/* longest negative serial number we take */

enum mt_sig_id_type {
	MT_SIG_ID_PGP = 0,
	MT_SIG_ID_X509 = 1,
	MT_SIG_ID_PKCS7 = 2,
};

struct mt_signature {
	uint8_t id_type;
	const char *id_type_name;	/* "PGP", "X509", "PKCS#7" */
	const char *signer;		/* not NUL-terminated, no NUL inside; may be NULL */
	size_t signer_len;
	const uint8_t *key_id;		/* PKCS#7: issuer serial, big-endian, no leading zeros */
	size_t key_id_len;
	const char *hash_algo;		/* "sha256", ... */
	const uint8_t *sig;		/* the signature value bytes */
	size_t sig_len;
	size_t signed_len;		/* bytes at the start of @data the signature covers */
	const uint8_t *pkcs7;		/* the whole PKCS#7 blob (id_type PKCS7) */
	size_t pkcs7_len;
	/*
	 * A negative serial number (kmod shows its magnitude, which the DER
	 * does not hold as such) is written here and key_id points here: use
	 * the struct that mt_signature_parse() filled, not a copy of it.
	 */
	uint8_t key_id_buf[MT_SIG_KEY_ID_BUF];
};

/*
 * Find and decode the signature at the end of the (decompressed) module
 * @data.  0 with @sig filled (its pointers point into @data, key_id maybe
 * into @sig->key_id_buf); -ENODATA when the module carries no signature
 * marker; -EBADMSG when the trailer or the PKCS#7 blob is malformed or of a
 * kind kmod 30 shows no signature fields for, with a short reason in *why
 * (@why may be NULL).  No allocation, no libcrypto.
 */
int mt_signature_parse(const void *data, size_t size, struct mt_signature *sig,
		       const char **why);

/* Where a module's signature lies, as the kernel reads the trailer. */
struct mt_signature_span {
	size_t signed_len;	/* the module's own bytes, which the signature covers */
	size_t sig_len;		/* the PKCS#7 blob, right after them */
};

/*
 * The kernel's reading of the trailer (mod_check_sig()), stricter than
 * kmod's: 0 with @span filled; -ENODATA when there is no marker (unsigned);
 * -ENOPKG when the signature is not PKCS#7 (the kernel takes nothing else);
 * -EBADMSG when the trailer is malformed (non-zero fields the kernel
 * requires to be zero, a length past the start of the file), with a short
 * reason in *why (@why may be NULL).
 */
int mt_signature_locate(const void *data, size_t size, struct mt_signature_span *span,
			const char **why);

#endif
