/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A keyring's insides, for verification (verify.c). */
#ifndef MODTOOL_TRUST_KEYRING_H
#define MODTOOL_TRUST_KEYRING_H

#include <stddef.h>

#include "build-config.h"

struct modtool_ctx;

struct mt_cert {
	void *x509;		/* X509 * */
	char *subject;
	char *key_id;		/* subjectKeyIdentifier, "AB:CD:..." or "" */
};

struct modtool_keyring {
	struct modtool_ctx *ctx;
	struct mt_cert *certs;
	size_t n_certs, certs_cap;
};

/* Certificate files larger than this are refused: no certificate list is. */
#define MT_CERT_FILE_MAX ((size_t)16 << 20)

/*
 * Add the certificate(s) in @data (@len bytes, PEM or DER) read from @path:
 * how many, or -EBADMSG (logged, naming @path) when the file holds something
 * that is not a certificate or none at all.
 */
int mt_keyring_add_buffer(struct modtool_keyring *kr, const char *path, const void *data,
			  size_t len);

#if ENABLE_LIBCRYPTO
#include <openssl/x509.h>

/* "AB:CD:..." of the @len bytes at @p, as modinfo shows key identifiers (malloc()ed). */
char *mt_hex_colons(const unsigned char *p, size_t len);
/* @name's commonName, else the whole name on one line (malloc()ed). */
char *mt_x509_name_of(X509_NAME *name);
#endif

#endif
