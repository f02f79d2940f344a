// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Verifying a module's appended signature as the kernel does (kernel/module
 * signing, crypto/asymmetric_keys/pkcs7_verify.c), offline and against the
 * certificates of a keyring only:
 *
 *   the trailer as mod_check_sig() reads it  -> unsigned / malformed / unsupported
 *   the PKCS#7 SignedData over plain data,
 *   without signed attributes (6.x refuses them in a module signature)
 *                                            -> malformed / unsupported
 *   every signer named by a keyring certificate (issuer and serial, or
 *   subjectKeyIdentifier); a certificate the signature carries is never
 *   used (CMS_NOINTERN)                      -> unknown key
 *   a digest and key algorithm the kernel verifies -> unsupported
 *   the signature over the module's bytes    -> bad signature, or valid
 *
 * The keyring is only read, so threads may share it.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "base/internal.h"
#include "module/file.h"
#include "module/signature.h"
#include "trust/keyring.h"
#include "trust/libcrypto.h"
#include "trust/verify.h"

struct modtool_verification {
	enum modtool_verdict verdict;
	char *signer;
	char *key_id;
	const char *hash_algo;
	const char *key_algo;
	char *reason;
};

static const char *const verdict_names[] = {
	[MODTOOL_VERDICT_VALID] = "valid",
	[MODTOOL_VERDICT_UNSIGNED] = "unsigned",
	[MODTOOL_VERDICT_BAD_SIGNATURE] = "bad-signature",
	[MODTOOL_VERDICT_UNKNOWN_KEY] = "unknown-key",
	[MODTOOL_VERDICT_UNSUPPORTED] = "unsupported",
	[MODTOOL_VERDICT_MALFORMED] = "malformed",
};

MT_EXPORT const char *modtool_verdict_name(enum modtool_verdict verdict)
{
	if ((unsigned int)verdict >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return NULL;
	return verdict_names[verdict];
}

/* Settle the verdict: 0, or -ENOMEM when even the reason cannot be kept. */
static int conclude(struct modtool_verification *v, enum modtool_verdict verdict,
		    const char *format, ...) MT_PRINTF(3, 4);
static int conclude(struct modtool_verification *v, enum modtool_verdict verdict,
		    const char *format, ...)
{
	va_list ap;
	int n;

	v->verdict = verdict;
	if (!format)
		return 0;
	va_start(ap, format);
	n = vasprintf(&v->reason, format, ap);
	va_end(ap);
	if (n < 0) {
		v->reason = NULL;
		return -ENOMEM;
	}
	return 0;
}

#if ENABLE_LIBCRYPTO
#define C mt_libcrypto

/* The digests the kernel's PKCS#7 parser knows, named as sign-file names them. */
static const struct {
	int nid;
	const char *name;
} digests[] = {
	{ NID_sha1, "sha1" },		{ NID_sha224, "sha224" },
	{ NID_sha256, "sha256" },	{ NID_sha384, "sha384" },
	{ NID_sha512, "sha512" },	{ NID_sha3_256, "sha3-256" },
	{ NID_sha3_384, "sha3-384" },	{ NID_sha3_512, "sha3-512" },
	{ NID_sm3, "sm3" },
};

static const char *digest_name(int nid)
{
	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (digests[i].nid == nid)
			return digests[i].name;
	return NULL;
}

static int algorithm_nid(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *obj = NULL;

	if (!alg)
		return NID_undef;
	C.X509_ALGOR_get0(&obj, NULL, NULL, alg);
	return obj ? C.OBJ_obj2nid(obj) : NID_undef;
}

/*
 * The signer as the signature names it: key_id is the serial number or the
 * subjectKeyIdentifier ("AB:CD:..", as modinfo's sig_key), signer the
 * issuer's commonName (replaced by the certificate's subject once one matches).
 */
static int note_signer_id(struct modtool_verification *v, CMS_SignerInfo *si)
{
	ASN1_OCTET_STRING *skid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;
	const ASN1_STRING *id;

	if (C.CMS_SignerInfo_get0_signer_id(si, &skid, &issuer, &serial) != 1)
		return 0;
	id = skid ? skid : serial;
	if (id) {
		v->key_id = mt_hex_colons(C.ASN1_STRING_get0_data(id),
					  (size_t)C.ASN1_STRING_length(id));
		if (!v->key_id)
			return -ENOMEM;
	}
	if (issuer) {
		v->signer = mt_x509_name_of(issuer);
		if (!v->signer)
			return -ENOMEM;
	}
	return 0;
}

/* The keyring certificate that signed @si, or NULL. */
static const struct mt_cert *signer_cert(const struct modtool_keyring *kr, CMS_SignerInfo *si)
{
	for (size_t i = 0; i < kr->n_certs; i++)
		if (C.CMS_SignerInfo_cert_cmp(si, kr->certs[i].x509) == 0)
			return &kr->certs[i];
	return NULL;
}

static int signer_digest(CMS_SignerInfo *si)
{
	X509_ALGOR *dig = NULL;

	C.CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	return algorithm_nid(dig);
}

/* Can the kernel verify @si made with @cert's key?  0, or a concluded verdict. */
static int check_algorithms(struct modtool_verification *v, CMS_SignerInfo *si,
			    const struct mt_cert *cert)
{
	X509_ALGOR *sig = NULL;
	EVP_PKEY *pkey = C.X509_get0_pubkey(cert->x509);
	int dig_nid = signer_digest(si), key_type = pkey ? C.EVP_PKEY_get_base_id(pkey) : NID_undef;

	C.CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sig);
	if (!digest_name(dig_nid))
		return conclude(v, MODTOOL_VERDICT_UNSUPPORTED, "digest %s is not one the kernel verifies",
				dig_nid == NID_undef ? "(unknown)" : C.OBJ_nid2sn(dig_nid)) ?: 1;
	if (key_type == EVP_PKEY_RSA) {
		v->key_algo = "rsa";
		if (algorithm_nid(sig) == NID_rsassaPss)
			return conclude(v, MODTOOL_VERDICT_UNSUPPORTED,
					"RSA-PSS, which the kernel does not take for modules") ?: 1;
		return 0;
	}
	if (key_type == EVP_PKEY_EC) {
		v->key_algo = "ecdsa";
		return 0;
	}
	return conclude(v, MODTOOL_VERDICT_UNSUPPORTED, "key type %s of certificate '%s' is not RSA or ECDSA",
			key_type == NID_undef ? "(unknown)" : C.OBJ_nid2sn(key_type), cert->subject) ?: 1;
}

/*
 * Find the keyring certificate of each signer and check what the kernel
 * checks before the cryptography: 0 with @signers filled, 1 when a verdict
 * is concluded, or a negative errno.
 */
static int match_signers(struct modtool_verification *v, const struct modtool_keyring *kr,
			 CMS_ContentInfo *cms, STACK_OF(X509) *signers)
{
	STACK_OF(CMS_SignerInfo) *infos = C.CMS_get0_SignerInfos(cms);
	int n = infos ? C.sk_num((const OPENSSL_STACK *)infos) : 0, err;

	if (n <= 0)
		return conclude(v, MODTOOL_VERDICT_MALFORMED, "no signer in the signature") ?: 1;
	for (int i = 0; i < n; i++) {
		CMS_SignerInfo *si = C.sk_value((const OPENSSL_STACK *)infos, i);
		const struct mt_cert *cert;

		if (i == 0) {
			err = note_signer_id(v, si);
			if (err < 0)
				return err;
			v->hash_algo = digest_name(signer_digest(si));
		}
		if (C.CMS_signed_get_attr_count(si) > 0)
			return conclude(v, MODTOOL_VERDICT_UNSUPPORTED,
					"signed attributes, which Linux 6 refuses in a module signature") ?: 1;
		cert = signer_cert(kr, si);
		if (!cert)
			return conclude(v, MODTOOL_VERDICT_UNKNOWN_KEY, "signed by %s%s%s, no trusted certificate",
					v->signer ? v->signer : "a key", v->key_id ? " key " : "",
					v->key_id ? v->key_id : "") ?: 1;
		if (i == 0) {
			free(v->signer);
			v->signer = strdup(cert->subject);
			if (!v->signer)
				return -ENOMEM;
		}
		err = check_algorithms(v, si, cert);
		if (err)
			return err;
		if (!C.sk_push((OPENSSL_STACK *)signers, cert->x509))
			return -ENOMEM;
	}
	return 0;
}

/*
 * The module's bytes for CMS_verify(), behind a buffering filter: given a
 * memory BIO itself, OpenSSL 3.0's CMS_verify() copies it into one of its
 * own and leaks that copy when the signature's digest algorithms cannot be
 * set up (found by the fuzz target verify).
 */
static BIO *content_bio(const uint8_t *data, size_t len)
{
	BIO *mem = C.BIO_new_mem_buf(data, (int)len), *buf;

	if (!mem)
		return NULL;
	buf = C.BIO_new(C.BIO_f_buffer());
	if (!buf) {
		C.BIO_free(mem);
		return NULL;
	}
	return C.BIO_push(buf, mem);
}

/* The cryptography: the signature over the first @len bytes of @data. */
static int check_signature(struct modtool_verification *v, CMS_ContentInfo *cms,
			   STACK_OF(X509) *signers, const uint8_t *data, size_t len)
{
	char reason[256];
	BIO *content;
	int ok;

	if (len > INT_MAX)
		return conclude(v, MODTOOL_VERDICT_UNSUPPORTED, "a module of %zu bytes", len);
	content = content_bio(data, len);
	if (!content)
		return -ENOMEM;
	ok = C.CMS_verify(cms, signers, NULL, content, NULL,
			  CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY | CMS_DETACHED);
	C.BIO_free_all(content);
	if (ok == 1)
		return conclude(v, MODTOOL_VERDICT_VALID, NULL);
	return conclude(v, MODTOOL_VERDICT_BAD_SIGNATURE, "the signature does not match the content (%s)",
			mt_libcrypto_reason(reason, sizeof(reason), "verification failure"));
}

static int verify_pkcs7(struct modtool_verification *v, const struct modtool_keyring *kr,
			const uint8_t *data, const struct mt_signature_span *span)
{
	const unsigned char *p = data + span->signed_len;
	STACK_OF(X509) *signers = NULL;
	CMS_ContentInfo *cms;
	char reason[256];
	int err;

	C.ERR_clear_error();
	cms = C.d2i_CMS_ContentInfo(NULL, &p, (long)span->sig_len);
	if (!cms || p != data + span->signed_len + span->sig_len) {
		err = conclude(v, MODTOOL_VERDICT_MALFORMED, "the PKCS#7 signature cannot be read (%s)",
			       cms ? "bytes after it" : mt_libcrypto_reason(reason, sizeof(reason), "bad DER"));
		goto out;
	}
	if (C.OBJ_obj2nid(C.CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    C.OBJ_obj2nid(C.CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		err = conclude(v, MODTOOL_VERDICT_MALFORMED, "not a PKCS#7 SignedData over data");
		goto out;
	}
	signers = (STACK_OF(X509) *)C.sk_new_null();
	if (!signers) {
		err = -ENOMEM;
		goto out;
	}
	err = match_signers(v, kr, cms, signers);
	if (err == 0)
		err = check_signature(v, cms, signers, data, span->signed_len);
out:
	C.sk_free((OPENSSL_STACK *)signers);
	C.CMS_ContentInfo_free(cms);
	C.ERR_clear_error();
	return err < 0 ? err : 0;
}

#else
static int verify_pkcs7(struct modtool_verification *v, const struct modtool_keyring *kr,
			const uint8_t *data, const struct mt_signature_span *span)
{
	(void)v, (void)kr, (void)data, (void)span;
	return -ENOTSUP;
}

#endif

int mt_keyring_verify_mem(const struct modtool_keyring *kr, struct modtool_ctx *ctx,
			  const char *name, const uint8_t *data, size_t size,
			  struct modtool_verification **out)
{
	struct modtool_verification *v;
	struct mt_signature_span span;
	const char *why = NULL;
	int err = mt_signature_locate(data, size, &span, &why);

	/* only a PKCS#7 signature needs libcrypto: the trailer's verdicts do not */
	if (err == 0) {
		int need = mt_libcrypto_need(ctx, name, "verify");

		if (need < 0)
			return need;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (err == -ENODATA)
		err = conclude(v, MODTOOL_VERDICT_UNSIGNED, "no signature appended");
	else if (err == -ENOPKG)
		err = conclude(v, MODTOOL_VERDICT_UNSUPPORTED, "the signature is not PKCS#7 (%s)",
			       why ? why : "another kind");
	else if (err < 0)
		err = conclude(v, MODTOOL_VERDICT_MALFORMED, "%s", why ? why : "bad signature trailer");
	else
		err = verify_pkcs7(v, kr, data, &span);
	if (err < 0) {
		modtool_verification_free(v);
		return err;
	}
	*out = v;
	return 0;
}

MT_EXPORT int modtool_keyring_verify(const struct modtool_keyring *kr, struct modtool_ctx *ctx,
				     const char *path, struct modtool_verification **out)
{
	struct mt_file *file;
	int err;

	if (!kr || !ctx || !path || !out)
		return -EINVAL;
	*out = NULL;
	err = mt_file_open(ctx, path, &file);
	if (err < 0)
		return err;
	err = mt_file_load(file);
	if (err == 0)
		err = mt_keyring_verify_mem(kr, ctx, path, file->data, file->size, out);
	mt_file_free(file);
	return err;
}

MT_EXPORT enum modtool_verdict modtool_verification_get_verdict(const struct modtool_verification *v)
{
	return v ? v->verdict : MODTOOL_VERDICT_MALFORMED;
}

MT_EXPORT const char *modtool_verification_get_signer(const struct modtool_verification *v)
{
	return v ? v->signer : NULL;
}

MT_EXPORT const char *modtool_verification_get_key_id(const struct modtool_verification *v)
{
	return v ? v->key_id : NULL;
}

MT_EXPORT const char *modtool_verification_get_hash_algo(const struct modtool_verification *v)
{
	return v ? v->hash_algo : NULL;
}

MT_EXPORT const char *modtool_verification_get_key_algo(const struct modtool_verification *v)
{
	return v ? v->key_algo : NULL;
}

MT_EXPORT const char *modtool_verification_get_reason(const struct modtool_verification *v)
{
	return v ? v->reason : NULL;
}

MT_EXPORT void modtool_verification_free(struct modtool_verification *v)
{
	if (!v)
		return;
	free(v->signer);
	free(v->key_id);
	free(v->reason);
	free(v);
}
