// SPDX-License-Identifier: LGPL-2.1-or-later
/* libcrypto for keyrings and verification, loaded on first use. */
#include "base/internal.h"
#include "trust/libcrypto.h"

#if ENABLE_LIBCRYPTO
#include "base/dlib.h"

struct mt_libcrypto mt_libcrypto;

/* In the order of struct mt_libcrypto's members. */
static const char *const names[] = {
	"BIO_new_mem_buf", "BIO_free", "BIO_new", "BIO_f_buffer", "BIO_push",
	"BIO_free_all", "PEM_read_bio_X509", "d2i_X509", "X509_free",
	"X509_get_subject_name", "X509_NAME_get_index_by_NID", "X509_NAME_get_entry",
	"X509_NAME_ENTRY_get_data", "X509_NAME_oneline", "X509_get0_subject_key_id",
	"X509_get0_pubkey", "ASN1_STRING_get0_data", "ASN1_STRING_length",
	"EVP_PKEY_get_base_id", "d2i_CMS_ContentInfo", "CMS_ContentInfo_free",
	"CMS_get0_SignerInfos", "CMS_SignerInfo_cert_cmp", "CMS_SignerInfo_get0_algs",
	"CMS_SignerInfo_get0_signer_id", "CMS_signed_get_attr_count", "CMS_get0_type",
	"CMS_get0_eContentType", "CMS_verify", "X509_ALGOR_get0", "OBJ_obj2nid", "OBJ_nid2sn",
	"OPENSSL_sk_new_null", "OPENSSL_sk_push", "OPENSSL_sk_num", "OPENSSL_sk_value",
	"OPENSSL_sk_free", "ERR_get_error", "ERR_error_string_n", "ERR_reason_error_string",
	"ERR_clear_error",
	"ERR_peek_last_error",
};
_Static_assert(sizeof(names) / sizeof(names[0]) == sizeof(struct mt_libcrypto) / sizeof(void *),
	       "one name per member of struct mt_libcrypto");

static struct mt_dlib lib = MT_DLIB(LIBCRYPTO_SONAME, names, mt_libcrypto);

int mt_libcrypto_load(const char **why)
{
	int err = mt_dlib_load(&lib);

	if (err < 0 && why)
		*why = lib.why;
	return err;
}

const char *mt_libcrypto_reason(char *buf, size_t size, const char *fallback)
{
	unsigned long e, last = 0;
	const char *reason;

	while ((e = mt_libcrypto.ERR_get_error()))
		last = e;
	if (!last)
		return fallback;
	reason = mt_libcrypto.ERR_reason_error_string(last);
	if (reason)
		return reason;
	mt_libcrypto.ERR_error_string_n(last, buf, size);
	return buf;
}
#else
int mt_libcrypto_load(const char **why)
{
	if (why)
		*why = "built without libcrypto";
	return -ENOTSUP;
}
#endif
