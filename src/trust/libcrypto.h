/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcrypto, dlopen()ed on first use, for everything trust/ does with it:
 * keyrings, verification and signing share one table.  Call the functions
 * as mt_libcrypto.NAME(...) after mt_libcrypto_need() returned 0.  OpenSSL's
 * stack macros (sk_X509_push...) are inline calls of OPENSSL_sk_*, which the
 * library does not link: use the sk_* members here instead.
 */
#ifndef MODTOOL_TRUST_LIBCRYPTO_H
#define MODTOOL_TRUST_LIBCRYPTO_H

#include <stddef.h>

#include "build-config.h"

struct modtool_ctx;

#if ENABLE_LIBCRYPTO
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/store.h>
#include <openssl/ui.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Every function used, once: the pointer struct and the name table agree. */
#define MT_LIBCRYPTO_FUNCS(X) \
	X(BIO_new_mem_buf) X(BIO_free) X(BIO_new) X(BIO_f_buffer) X(BIO_push) X(BIO_free_all) \
	X(ERR_get_error) X(ERR_error_string_n) X(ERR_reason_error_string) X(ERR_clear_error) \
	X(ERR_peek_last_error) \
	X(PEM_read_bio_X509) X(d2i_X509) X(X509_free) X(X509_get_subject_name) \
	X(X509_NAME_get_index_by_NID) X(X509_NAME_get_entry) X(X509_NAME_ENTRY_get_data) \
	X(X509_NAME_oneline) X(X509_get0_subject_key_id) X(X509_get0_pubkey) \
	X(X509_check_private_key) X(X509_ALGOR_get0) \
	X(ASN1_STRING_get0_data) X(ASN1_STRING_length) \
	X(EVP_PKEY_get_base_id) X(EVP_get_digestbyname) X(EVP_PKEY_free) \
	X(d2i_AutoPrivateKey) X(PEM_read_bio_PrivateKey) \
	X(d2i_CMS_ContentInfo) X(i2d_CMS_ContentInfo) X(CMS_ContentInfo_free) X(CMS_get0_type) \
	X(CMS_get0_eContentType) X(CMS_get0_SignerInfos) X(CMS_SignerInfo_cert_cmp) \
	X(CMS_SignerInfo_get0_algs) X(CMS_SignerInfo_get0_signer_id) \
	X(CMS_signed_get_attr_count) X(CMS_verify) X(CMS_sign) X(CMS_add1_signer) X(CMS_final) \
	X(OBJ_obj2nid) X(OBJ_nid2sn) \
	X(OPENSSL_sk_new_null) X(OPENSSL_sk_push) X(OPENSSL_sk_num) X(OPENSSL_sk_value) \
	X(OPENSSL_sk_free) \
	X(OSSL_PROVIDER_try_load) X(OSSL_STORE_open) X(OSSL_STORE_load) X(OSSL_STORE_eof) \
	X(OSSL_STORE_close) X(OSSL_STORE_INFO_get_type) X(OSSL_STORE_INFO_get1_PKEY) \
	X(OSSL_STORE_INFO_free) X(UI_UTIL_wrap_read_pem_callback) X(UI_destroy_method)

#define MT_LIBCRYPTO_POINTER(f) typeof(&f) f;
struct mt_libcrypto {
	MT_LIBCRYPTO_FUNCS(MT_LIBCRYPTO_POINTER)
};

extern struct mt_libcrypto mt_libcrypto;

/*
 * The last reason OpenSSL's error queue holds (its words, as "content verify
 * error", else its code written into @buf), or @fallback when it holds none.
 * The queue (per thread) is emptied.
 */
const char *mt_libcrypto_reason(char *buf, size_t size, const char *fallback);
#endif

/*
 * Load libcrypto once (thread-safe): 0, or a negative errno logged as
 * "[@name: ]cannot @doing: libcrypto (SONAME) cannot be loaded (why)":
 * -ELIBACC when the machine lacks it, -ENOTSUP when built without it.
 */
int mt_libcrypto_need(struct modtool_ctx *ctx, const char *name, const char *doing);

#endif
