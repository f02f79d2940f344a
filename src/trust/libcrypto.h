/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libcrypto functions keyrings and verification use, dlopen()ed on first
 * use: a tool that verifies nothing never loads OpenSSL.  Call them as
 * mt_libcrypto.NAME(...) after mt_libcrypto_load() returned 0.  OpenSSL's
 * stack macros (sk_X509_push...) are inline calls of OPENSSL_sk_*, which the
 * library does not link: use the sk_* members here instead.
 */
#ifndef MODTOOL_TRUST_LIBCRYPTO_H
#define MODTOOL_TRUST_LIBCRYPTO_H

#include "build-config.h"

#if ENABLE_LIBCRYPTO
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct mt_libcrypto {
	typeof(&BIO_new_mem_buf) BIO_new_mem_buf;
	typeof(&BIO_free) BIO_free;
	typeof(&BIO_new) BIO_new;
	typeof(&BIO_f_buffer) BIO_f_buffer;
	typeof(&BIO_push) BIO_push;
	typeof(&BIO_free_all) BIO_free_all;
	typeof(&PEM_read_bio_X509) PEM_read_bio_X509;
	typeof(&d2i_X509) d2i_X509;
	typeof(&X509_free) X509_free;
	typeof(&X509_get_subject_name) X509_get_subject_name;
	typeof(&X509_NAME_get_index_by_NID) X509_NAME_get_index_by_NID;
	typeof(&X509_NAME_get_entry) X509_NAME_get_entry;
	typeof(&X509_NAME_ENTRY_get_data) X509_NAME_ENTRY_get_data;
	typeof(&X509_NAME_oneline) X509_NAME_oneline;
	typeof(&X509_get0_subject_key_id) X509_get0_subject_key_id;
	typeof(&X509_get0_pubkey) X509_get0_pubkey;
	typeof(&ASN1_STRING_get0_data) ASN1_STRING_get0_data;
	typeof(&ASN1_STRING_length) ASN1_STRING_length;
	typeof(&EVP_PKEY_get_base_id) EVP_PKEY_get_base_id;
	typeof(&d2i_CMS_ContentInfo) d2i_CMS_ContentInfo;
	typeof(&CMS_ContentInfo_free) CMS_ContentInfo_free;
	typeof(&CMS_get0_SignerInfos) CMS_get0_SignerInfos;
	typeof(&CMS_SignerInfo_cert_cmp) CMS_SignerInfo_cert_cmp;
	typeof(&CMS_SignerInfo_get0_algs) CMS_SignerInfo_get0_algs;
	typeof(&CMS_SignerInfo_get0_signer_id) CMS_SignerInfo_get0_signer_id;
	typeof(&CMS_signed_get_attr_count) CMS_signed_get_attr_count;
	typeof(&CMS_get0_type) CMS_get0_type;
	typeof(&CMS_get0_eContentType) CMS_get0_eContentType;
	typeof(&CMS_verify) CMS_verify;
	typeof(&X509_ALGOR_get0) X509_ALGOR_get0;
	typeof(&OBJ_obj2nid) OBJ_obj2nid;
	typeof(&OBJ_nid2sn) OBJ_nid2sn;
	typeof(&OPENSSL_sk_new_null) sk_new_null;
	typeof(&OPENSSL_sk_push) sk_push;
	typeof(&OPENSSL_sk_num) sk_num;
	typeof(&OPENSSL_sk_value) sk_value;
	typeof(&OPENSSL_sk_free) sk_free;
	typeof(&ERR_get_error) ERR_get_error;
	typeof(&ERR_error_string_n) ERR_error_string_n;
	typeof(&ERR_reason_error_string) ERR_reason_error_string;
	typeof(&ERR_clear_error) ERR_clear_error;
	typeof(&ERR_peek_last_error) ERR_peek_last_error;
};

extern struct mt_libcrypto mt_libcrypto;
#endif

/*
 * Load libcrypto once (thread-safe): 0, or -ELIBACC with *@why naming what
 * is missing (also when the library was built without libcrypto: -ENOTSUP).
 */
int mt_libcrypto_load(const char **why);

#if ENABLE_LIBCRYPTO
/*
 * The last reason OpenSSL's error queue holds (its words, as "content verify
 * error", else its code written into @buf), or
 * @fallback when it holds none.  The queue (per thread) is emptied.
 */
const char *mt_libcrypto_reason(char *buf, size_t size, const char *fallback);
#endif

#endif
