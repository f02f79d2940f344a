/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The signer's use of libcrypto, dlopen()ed on first use: reading the key
 * and the certificate, naming the digest, and making the CMS signature the
 * kernel's scripts/sign-file makes.  libcrypto's types stay opaque here so
 * that sign.c does not need OpenSSL's headers.
 */
#ifndef MODTOOL_SIGN_CRYPTO_H
#define MODTOOL_SIGN_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct modtool_ctx;
struct evp_pkey_st;
struct x509_st;
struct evp_md_st;

/* Load libcrypto once: 0, or -ELIBACC (logged: a fault of the machine). */
int mt_sign_crypto_load(struct modtool_ctx *ctx);

/* The digest called @name by libcrypto ("sha256", "sha3-384"), or NULL (logged). */
const struct evp_md_st *mt_sign_digest(struct modtool_ctx *ctx, const char *name);

/*
 * The private key in the file @path (PEM, possibly encrypted with the
 * passphrase in KBUILD_SIGN_PIN, or DER), or behind the "pkcs11:" URI @path
 * through an OpenSSL 3 provider named pkcs11 (the PIN again from
 * KBUILD_SIGN_PIN).  0 with *@key set, or a negative errno (logged).
 */
int mt_sign_read_key(struct modtool_ctx *ctx, const char *path, struct evp_pkey_st **key);
/* The X.509 certificate in @path, DER or PEM (told as sign-file tells them). */
int mt_sign_read_cert(struct modtool_ctx *ctx, const char *path, struct x509_st **cert);
/* Does @key belong to @cert?  -EKEYREJECTED (logged, naming both files) if not. */
int mt_sign_check_pair(struct modtool_ctx *ctx, struct evp_pkey_st *key, const char *key_path,
		       struct x509_st *cert, const char *cert_path);
void mt_sign_key_free(struct evp_pkey_st *key);
void mt_sign_cert_free(struct x509_st *cert);

/*
 * The DER of a detached CMS SignedData over @data, as sign-file makes it: no
 * certificates, no signed attributes, binary content; the signer named by
 * subjectKeyIdentifier when @by_key_id, else by issuer and serial number.
 * *@der is malloc()ed.  0, or a negative errno (logged, naming @path, the
 * module).
 */
int mt_sign_cms(struct modtool_ctx *ctx, struct evp_pkey_st *key, struct x509_st *cert,
		const struct evp_md_st *md, bool by_key_id, const uint8_t *data, size_t size,
		const char *path, uint8_t **der, size_t *der_size);

/* Is @der (read from @path) one DER CMS or PKCS#7 SignedData?  0 or -EBADMSG (logged). */
int mt_sign_check_raw(struct modtool_ctx *ctx, const char *path, const uint8_t *der,
		      size_t size);

/*
 * Read a whole small file (a key, a certificate, a raw signature) of at
 * most @max bytes into a malloc()ed buffer.  0 or a negative errno (logged,
 * naming @path and @what).
 */
int mt_sign_read_small_file(struct modtool_ctx *ctx, const char *path, const char *what,
			    size_t max, uint8_t **data, size_t *size);

#endif
