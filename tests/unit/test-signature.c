// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the appended-signature reader (src/module/signature.c).
 *
 * Signed fake modules are made here with libcrypto the way the kernel's
 * scripts/sign-file does it (a detached CMS without certificates or signed
 * attributes, appended with the 12-byte info block and the marker), and
 * odd PKCS#7 blobs are built by hand.  libcrypto also serves as the oracle:
 * openssl_fields() reads a blob the way kmod 30 does (d2i_PKCS7, first
 * SignerInfo, issuer CN, serial through a BIGNUM, digest NID), and what we
 * read must agree with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "module/signature.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a tiny DER writer, for hand-made blobs ---- */

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob bytes(const void *p, size_t n)
{
	struct blob b = { malloc(n ? n : 1), n };

	assert_non_null(b.p);
	memcpy(b.p, p, n);
	return b;
}

static struct blob cat(struct blob a, struct blob b)
{
	a.p = realloc(a.p, a.len + b.len + 1);
	assert_non_null(a.p);
	memcpy(a.p + a.len, b.p, b.len);
	a.len += b.len;
	free(b.p);
	return a;
}

/* tag, length, then the @n blobs that follow (consumed) as contents */
static struct blob tlv(uint8_t tag, int n, ...)
{
	struct blob body = bytes("", 0), out;
	uint8_t hdr[6] = { tag };
	size_t h = 2;
	va_list ap;

	va_start(ap, n);
	while (n-- > 0)
		body = cat(body, va_arg(ap, struct blob));
	va_end(ap);
	if (body.len < 0x80) {
		hdr[1] = body.len;
	} else if (body.len < 0x100) {
		hdr[1] = 0x81, hdr[2] = body.len, h = 3;
	} else {
		assert_true(body.len < 0x10000);
		hdr[1] = 0x82, hdr[2] = body.len >> 8, hdr[3] = body.len, h = 4;
	}
	out = bytes(hdr, h);
	return cat(out, body);
}

static struct blob prim(uint8_t tag, const void *p, size_t n)
{
	return tlv(tag, 1, bytes(p, n));
}

static struct blob str(uint8_t tag, const char *s)
{
	return prim(tag, s, strlen(s));
}

/* An OID in DER, from libcrypto's own tables (dotted text or a NID). */
static struct blob oid_obj(ASN1_OBJECT *obj)
{
	unsigned char *der = NULL;
	int n = i2d_ASN1_OBJECT(obj, &der);
	struct blob b;

	assert_true(n > 0);
	b = bytes(der, n);
	OPENSSL_free(der);
	ASN1_OBJECT_free(obj);
	return b;
}

static struct blob oid_txt(const char *dotted)
{
	return oid_obj(OBJ_txt2obj(dotted, 1));
}

static struct blob oid_nid(int nid)
{
	return oid_obj(OBJ_dup(OBJ_nid2obj(nid)));
}

#define SEQ(n, ...) tlv(0x30, n, __VA_ARGS__)
#define SET(n, ...) tlv(0x31, n, __VA_ARGS__)

static struct blob name_entry(struct blob type, struct blob value)
{
	return SET(1, SEQ(2, type, value));
}

static struct blob cn_name(const char *cn)
{
	return SEQ(1, name_entry(oid_nid(NID_commonName), str(0x0c, cn)));
}

static struct blob rsa_alg(void)
{
	return SEQ(2, oid_nid(NID_rsaEncryption), prim(0x05, "", 0));
}

/* SignerInfo with issuerAndSerialNumber; @serial is the INTEGER's contents. */
static struct blob signer_info(struct blob issuer, const void *serial, size_t serial_len,
			       struct blob digest_oid, const char *sig)
{
	return SEQ(6, prim(0x02, "\x01", 1),
		   SEQ(2, issuer, prim(0x02, serial, serial_len)),
		   SEQ(1, digest_oid), rsa_alg(), str(0x04, sig),
		   bytes("", 0));
}

static struct blob signed_data(struct blob signer_infos_contents)
{
	return SEQ(2, oid_nid(NID_pkcs7_signed),
		   tlv(0xa0, 1, SEQ(4, prim(0x02, "\x01", 1),
				    SET(1, SEQ(1, oid_nid(NID_sha256))),
				    SEQ(1, oid_nid(NID_pkcs7_data)),
				    tlv(0x31, 1, signer_infos_contents))));
}

static struct blob simple_p7(struct blob issuer, const void *serial, size_t serial_len,
			     int digest_nid)
{
	return signed_data(signer_info(issuer, serial, serial_len, oid_nid(digest_nid), "SIG"));
}

/* ---- fake modules ---- */

static const char module_body[] = "\x7f" "ELF pretend module contents, signed below";

/* [module_body][@blob][info: algo hash id_type signer_len key_id_len pad be32 sig_len][marker] */
static uint8_t *make_module(const struct blob *b, const uint8_t info5[5], uint32_t sig_len,
			    size_t *size)
{
	size_t body = sizeof(module_body) - 1;
	uint8_t info[MT_SIG_INFO_LEN] = { 0 };
	uint8_t *m;

	memcpy(info, info5, 5);
	info[8] = sig_len >> 24, info[9] = sig_len >> 16, info[10] = sig_len >> 8, info[11] = sig_len;
	*size = body + b->len + sizeof(info) + MT_SIG_MAGIC_LEN;
	m = malloc(*size);
	assert_non_null(m);
	memcpy(m, module_body, body);
	memcpy(m + body, b->p, b->len);
	memcpy(m + body + b->len, info, sizeof(info));
	memcpy(m + body + b->len + sizeof(info), MT_SIG_MAGIC, MT_SIG_MAGIC_LEN);
	return m;
}

static uint8_t *make_pkcs7_module(const struct blob *b, size_t *size)
{
	static const uint8_t info5[5] = { 0, 0, MT_SIG_ID_PKCS7, 0, 0 };

	return make_module(b, info5, b->len, size);
}

/* ---- the oracle: what kmod 30 gets out of a blob through OpenSSL ---- */

struct fields {
	int ok;
	char signer[256];
	size_t signer_len;
	bool has_signer;
	uint8_t key_id[256];
	size_t key_id_len;
	const char *hash;
	uint8_t sig[1024];
	size_t sig_len;
};

static const char *kmod_hash_name(int nid)
{
	switch (nid) {
	case NID_md4: return "md4";
	case NID_md5: return "md5";
	case NID_sha1: return "sha1";
	case NID_ripemd160: return "rmd160";
	case NID_sha256: return "sha256";
	case NID_sha384: return "sha384";
	case NID_sha512: return "sha512";
	case NID_sha224: return "sha224";
	case NID_sm3: return "sm3";
	default: return NULL;
	}
}

static void copy_signer(struct fields *f, X509_NAME *name)
{
	X509_NAME_ENTRY *e = NULL;
	int i, nid = -1;
	ASN1_STRING *d;
	const char *s;

	for (i = 0; i < X509_NAME_entry_count(name); i++) {
		e = X509_NAME_get_entry(name, i);
		nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		if (nid == NID_commonName)
			break;
	}
	if (nid == -1)
		return;
	d = X509_NAME_ENTRY_get_data(e);
	s = (const char *)ASN1_STRING_get0_data(d);
	/* kmod uses strlen(); bounded here (a BIT STRING has no NUL after it). */
	f->signer_len = s ? strnlen(s, ASN1_STRING_length(d)) : 0;
	if (f->signer_len > sizeof(f->signer))
		f->signer_len = sizeof(f->signer);
	memcpy(f->signer, s, f->signer_len);
	f->has_signer = true;
}

static void openssl_fields(const uint8_t *p, size_t len, struct fields *f)
{
	const unsigned char *in = p;
	PKCS7 *p7 = d2i_PKCS7(NULL, &in, len);
	STACK_OF(PKCS7_SIGNER_INFO) *sis;
	PKCS7_SIGNER_INFO *si;
	const ASN1_OBJECT *obj;
	X509_ALGOR *dig;
	BIGNUM *bn;

	memset(f, 0, sizeof(*f));
	if (!p7)
		return;
	sis = PKCS7_get_signer_info(p7);
	si = sis ? sk_PKCS7_SIGNER_INFO_value(sis, 0) : NULL;
	if (!si || !si->issuer_and_serial || !si->enc_digest)
		goto out;
	copy_signer(f, si->issuer_and_serial->issuer);
	bn = ASN1_INTEGER_to_BN(si->issuer_and_serial->serial, NULL);
	if (!bn || BN_num_bytes(bn) > (int)sizeof(f->key_id)) {
		BN_free(bn);
		goto out;
	}
	f->key_id_len = BN_bn2bin(bn, f->key_id);
	BN_free(bn);
	PKCS7_SIGNER_INFO_get0_algs(si, NULL, &dig, NULL);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	f->hash = kmod_hash_name(OBJ_obj2nid(obj));
	f->sig_len = ASN1_STRING_length(si->enc_digest);
	if (!f->hash || f->sig_len > sizeof(f->sig))
		goto out;
	memcpy(f->sig, ASN1_STRING_get0_data(si->enc_digest), f->sig_len);
	f->ok = 1;
out:
	PKCS7_free(p7);
}

/* Parse @m and check every field against the oracle's reading of @b. */
static void check_against_openssl(const uint8_t *m, size_t size, const struct blob *b,
				  struct mt_signature *sig)
{
	struct fields f;
	const char *why = NULL;
	int r = mt_signature_parse(m, size, sig, &why);

	openssl_fields(b->p, b->len, &f);
	if (!f.ok) {
		assert_int_equal(r, -EBADMSG);
		assert_non_null(why);
		return;
	}
	if (r != 0)
		fail_msg("we refuse (%s) what OpenSSL reads", why);
	assert_int_equal(sig->signer_len, f.signer_len);
	assert_memory_equal(sig->signer ? sig->signer : "", f.signer, f.signer_len);
	assert_true(sig->signer != NULL || !f.has_signer);
	assert_int_equal(sig->key_id_len, f.key_id_len);
	assert_memory_equal(sig->key_id ? sig->key_id : (const uint8_t *)"", f.key_id, f.key_id_len);
	assert_string_equal(sig->hash_algo, f.hash);
	assert_int_equal(sig->sig_len, f.sig_len);
	assert_memory_equal(sig->sig, f.sig, f.sig_len);
}

/* ---- real CMS signatures, as sign-file makes them ---- */

struct keys {
	EVP_PKEY *rsa;
	EVP_PKEY *ec;
};

static int setup_keys(void **state)
{
	static struct keys k;

	k.rsa = EVP_RSA_gen(2048);
	k.ec = EVP_EC_gen("P-384");
	if (!k.rsa || !k.ec)
		return -1;
	*state = &k;
	return 0;
}

static int teardown_keys(void **state)
{
	struct keys *k = *state;

	EVP_PKEY_free(k->rsa);
	EVP_PKEY_free(k->ec);
	return 0;
}

/* A self-signed certificate; @serial is big-endian magnitude bytes. */
static X509 *make_cert(EVP_PKEY *key, X509_NAME *name, const uint8_t *serial, size_t serial_len)
{
	X509 *x = X509_new();
	BIGNUM *bn = BN_bin2bn(serial, serial_len, NULL);
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	assert_non_null(x);
	assert_non_null(bn);
	assert_non_null(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
	BN_free(bn);
	X509_set_version(x, 2);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	/* A subject key identifier, as the kernel's certificates have (sign-file -k uses it). */
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier, "hash");
	assert_non_null(ext);
	assert_true(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	return x;
}

static X509_NAME *name_of(const char *const *pairs)
{
	X509_NAME *n = X509_NAME_new();

	for (; pairs[0]; pairs += 2)
		assert_true(X509_NAME_add_entry_by_txt(n, pairs[0], MBSTRING_UTF8,
						       (const unsigned char *)pairs[1], -1, -1, 0));
	return n;
}

struct cms_result {
	struct blob der;
	struct blob sig;	/* what libcrypto says the signature is */
	struct blob serial;	/* BN_bn2bin() of the certificate's serial */
};

static struct cms_result cms_sign(X509 *cert, EVP_PKEY *key, const EVP_MD *md, bool keyid)
{
	const unsigned int flags = CMS_NOCERTS | CMS_BINARY | CMS_NOSMIMECAP | CMS_NOATTR;
	BIO *content = BIO_new_mem_buf(module_body, sizeof(module_body) - 1);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING *os;
	unsigned char *der = NULL;
	struct cms_result r;
	uint8_t serial[64];
	BIGNUM *bn;
	int n;

	cms = CMS_sign(NULL, NULL, NULL, NULL,
		       CMS_NOCERTS | CMS_PARTIAL | CMS_BINARY | CMS_DETACHED | CMS_NOATTR);
	assert_non_null(cms);
	si = CMS_add1_signer(cms, cert, key, md, flags | (keyid ? CMS_USE_KEYID : 0));
	assert_non_null(si);
	assert_true(CMS_final(cms, content, NULL, CMS_NOCERTS | CMS_BINARY));
	n = i2d_CMS_ContentInfo(cms, &der);
	assert_true(n > 0);
	r.der = bytes(der, n);
	OPENSSL_free(der);
	os = CMS_SignerInfo_get0_signature(si);
	r.sig = bytes(ASN1_STRING_get0_data(os), ASN1_STRING_length(os));
	bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), NULL);
	assert_true(BN_num_bytes(bn) <= (int)sizeof(serial));
	n = BN_bn2bin(bn, serial);
	r.serial = bytes(serial, n);
	BN_free(bn);
	CMS_ContentInfo_free(cms);
	BIO_free(content);
	return r;
}

static void cms_result_free(struct cms_result *r)
{
	free(r->der.p);
	free(r->sig.p);
	free(r->serial.p);
}

/* Sign, append, parse; check every field against libcrypto's values. */
static void check_signed(EVP_PKEY *key, const char *const *name_pairs, const uint8_t *serial,
			 size_t serial_len, const EVP_MD *md, const char *hash,
			 const char *signer)
{
	X509_NAME *name = name_of(name_pairs);
	X509 *cert = make_cert(key, name, serial, serial_len);
	struct cms_result r = cms_sign(cert, key, md, false);
	struct mt_signature sig;
	const char *why = NULL;
	size_t size;
	uint8_t *m = make_pkcs7_module(&r.der, &size);

	assert_int_equal(mt_signature_parse(m, size, &sig, &why), 0);
	assert_int_equal(sig.id_type, MT_SIG_ID_PKCS7);
	assert_string_equal(sig.id_type_name, "PKCS#7");
	assert_int_equal(sig.signer_len, strlen(signer));
	assert_memory_equal(sig.signer, signer, sig.signer_len);
	assert_int_equal(sig.key_id_len, r.serial.len);
	assert_memory_equal(sig.key_id, r.serial.p, r.serial.len);
	assert_string_equal(sig.hash_algo, hash);
	assert_int_equal(sig.sig_len, r.sig.len);
	assert_memory_equal(sig.sig, r.sig.p, r.sig.len);
	assert_int_equal(sig.signed_len, sizeof(module_body) - 1);
	assert_ptr_equal(sig.pkcs7, m + sizeof(module_body) - 1);
	assert_int_equal(sig.pkcs7_len, r.der.len);
	check_against_openssl(m, size, &r.der, &sig);
	free(m);
	cms_result_free(&r);
	X509_free(cert);
	X509_NAME_free(name);
}

static const char *const kernel_name[] = { "CN", "Build time autogenerated kernel key", NULL };
/* DER writes this one with a leading 00, since its high bit is set. */
static const uint8_t serial_high[] = { 0x86, 0xf5, 0x4e, 0x15, 0x66, 0xa0, 0x43, 0xcc, 0x30, 0x30,
				       0x42, 0x0e, 0x18, 0x1c, 0xf8, 0x50, 0xfb, 0x9f, 0x42, 0xac };
static const uint8_t serial_small[] = { 0x05 };

static void test_rsa_hashes(void **state)
{
	struct keys *k = *state;

	check_signed(k->rsa, kernel_name, serial_high, sizeof(serial_high), EVP_sha256(),
		     "sha256", "Build time autogenerated kernel key");
	check_signed(k->rsa, kernel_name, serial_high, sizeof(serial_high), EVP_sha1(),
		     "sha1", "Build time autogenerated kernel key");
	check_signed(k->rsa, kernel_name, serial_high, sizeof(serial_high), EVP_sha512(),
		     "sha512", "Build time autogenerated kernel key");
	check_signed(k->rsa, kernel_name, serial_small, sizeof(serial_small), EVP_sha256(),
		     "sha256", "Build time autogenerated kernel key");
}

static void test_ec_p384(void **state)
{
	struct keys *k = *state;

	check_signed(k->ec, kernel_name, serial_high, sizeof(serial_high), EVP_sha384(),
		     "sha384", "Build time autogenerated kernel key");
	check_signed(k->ec, kernel_name, serial_small, sizeof(serial_small), EVP_sha256(),
		     "sha256", "Build time autogenerated kernel key");
}

static void test_names(void **state)
{
	static const char *const no_cn[] = { "O", "Some Org", "C", "DE", NULL };
	static const char *const cn_middle[] = { "C", "DE", "CN", "Middle", "O", "Org", NULL };
	static const char *const two_cn[] = { "CN", "first", "CN", "second", NULL };
	static const char *const utf8[] = { "CN", "Schl\xc3\xbcssel \xe2\x82\xac", NULL };
	struct keys *k = *state;

	/* Without a CN, kmod's loop leaves the last attribute selected. */
	check_signed(k->rsa, no_cn, serial_small, 1, EVP_sha256(), "sha256", "DE");
	check_signed(k->rsa, cn_middle, serial_small, 1, EVP_sha256(), "sha256", "Middle");
	check_signed(k->rsa, two_cn, serial_small, 1, EVP_sha256(), "sha256", "first");
	check_signed(k->rsa, utf8, serial_small, 1, EVP_sha256(), "sha256",
		     "Schl\xc3\xbcssel \xe2\x82\xac");
}

/* sign-file -k names the signer by subject key id: kmod 30 shows nothing. */
static void test_subject_key_id(void **state)
{
	struct keys *k = *state;
	X509_NAME *name = name_of(kernel_name);
	X509 *cert = make_cert(k->rsa, name, serial_small, 1);
	struct cms_result r = cms_sign(cert, k->rsa, EVP_sha256(), true);
	struct mt_signature sig;
	const char *why = NULL;
	size_t size;
	uint8_t *m = make_pkcs7_module(&r.der, &size);

	assert_int_equal(mt_signature_parse(m, size, &sig, &why), -EBADMSG);
	assert_non_null(why);
	check_against_openssl(m, size, &r.der, &sig);
	free(m);
	cms_result_free(&r);
	X509_free(cert);
	X509_NAME_free(name);
}

/* Parse a hand-made blob in a module and compare with the oracle. */
static void check_blob(struct blob b, int expect)
{
	struct mt_signature sig;
	const char *why = NULL;
	size_t size;
	uint8_t *m = make_pkcs7_module(&b, &size);

	assert_int_equal(mt_signature_parse(m, size, &sig, &why), expect);
	check_against_openssl(m, size, &b, &sig);
	free(m);
	free(b.p);
}

/* Parse a hand-made blob; return its fields for the caller to check. */
static uint8_t *parse_blob(struct blob *b, struct mt_signature *sig)
{
	const char *why = NULL;
	size_t size;
	uint8_t *m = make_pkcs7_module(b, &size);

	assert_int_equal(mt_signature_parse(m, size, sig, &why), 0);
	check_against_openssl(m, size, b, sig);
	return m;
}

static void test_digest_oids(void **state)
{
	static const struct {
		int nid;
		const char *name;
	} digests[] = {
		{ NID_md4, "md4" }, { NID_md5, "md5" }, { NID_sha1, "sha1" },
		{ NID_ripemd160, "rmd160" }, { NID_sha256, "sha256" }, { NID_sha384, "sha384" },
		{ NID_sha512, "sha512" }, { NID_sha224, "sha224" }, { NID_sm3, "sm3" },
	};
	struct mt_signature sig;
	size_t i;

	for (i = 0; i < ARRAY_LEN(digests); i++) {
		struct blob b = simple_p7(cn_name("k"), "\x01", 1, digests[i].nid);
		uint8_t *m = parse_blob(&b, &sig);

		assert_string_equal(sig.hash_algo, digests[i].name);
		free(m);
		free(b.p);
	}
	/* Digests kmod 30 has no name for: it shows no signature at all. */
	check_blob(simple_p7(cn_name("k"), "\x01", 1, NID_sha3_256), -EBADMSG);
	check_blob(simple_p7(cn_name("k"), "\x01", 1, NID_sha256WithRSAEncryption), -EBADMSG);
	check_blob(signed_data(signer_info(cn_name("k"), "\x01", 1, oid_txt("1.2.3.4"), "S")),
		   -EBADMSG);
}

static void test_serials(void **state)
{
	static const struct {
		const char *der;
		size_t len;
		const char *key;
		size_t key_len;
	} cases[] = {
		{ "\x00", 1, "", 0 },
		{ "\x01", 1, "\x01", 1 },
		{ "\x00\x80", 2, "\x80", 1 },
		{ "\x7f\xff", 2, "\x7f\xff", 2 },
		/* Negative: kmod shows BN_bn2bin(), the magnitude. */
		{ "\xff", 1, "\x01", 1 },
		{ "\x80", 1, "\x80", 1 },
		{ "\xff\x7f", 2, "\x81", 1 },
		{ "\xff\x00", 2, "\x01\x00", 2 },
		{ "\x80\x00\x00", 3, "\x80\x00\x00", 3 },
	};
	struct mt_signature sig;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct blob b = simple_p7(cn_name("k"), cases[i].der, cases[i].len, NID_sha256);
		uint8_t *m = parse_blob(&b, &sig);

		assert_int_equal(sig.key_id_len, cases[i].key_len);
		assert_memory_equal(sig.key_id, cases[i].key, cases[i].key_len);
		free(m);
		free(b.p);
	}
	/* Not minimal, or empty: OpenSSL refuses them. */
	check_blob(simple_p7(cn_name("k"), "\x00\x01", 2, NID_sha256), -EBADMSG);
	check_blob(simple_p7(cn_name("k"), "\xff\xff", 2, NID_sha256), -EBADMSG);
	check_blob(simple_p7(cn_name("k"), "", 0, NID_sha256), -EBADMSG);
}

static void test_hand_made_names(void **state)
{
	struct mt_signature sig;
	struct blob b;
	uint8_t *m;

	/* Empty Name: kmod passes a NULL signer (an empty value). */
	b = simple_p7(tlv(0x30, 0), "\x01", 1, NID_sha256);
	m = parse_blob(&b, &sig);
	assert_null(sig.signer);
	assert_int_equal(sig.signer_len, 0);
	free(m);
	free(b.p);

	/* kmod takes strlen() of the value: it stops at a NUL. */
	b = simple_p7(SEQ(1, name_entry(oid_nid(NID_commonName), prim(0x0c, "ab\0cd", 5))),
		      "\x01", 1, NID_sha256);
	m = parse_blob(&b, &sig);
	assert_int_equal(sig.signer_len, 2);
	free(m);
	free(b.p);

	/* A SEQUENCE value is kept whole, header included. */
	b = simple_p7(SEQ(1, name_entry(oid_nid(NID_commonName), SEQ(1, prim(0x02, "\x07", 1)))),
		      "\x01", 1, NID_sha256);
	m = parse_blob(&b, &sig);
	assert_int_equal(sig.signer_len, 5);
	assert_memory_equal(sig.signer, "\x30\x03\x02\x01\x07", 5);
	free(m);
	free(b.p);

	/* An unknown attribute type, last: its value is shown. */
	b = simple_p7(SEQ(2, name_entry(oid_nid(NID_organizationName), str(0x0c, "Org")),
			  name_entry(oid_txt("1.2.3.4"), str(0x13, "unknown"))),
		      "\x01", 1, NID_sha256);
	m = parse_blob(&b, &sig);
	assert_int_equal(sig.signer_len, 7);
	assert_memory_equal(sig.signer, "unknown", 7);
	free(m);
	free(b.p);

	/* Values OpenSSL refuses anywhere in the Name: no signature at all. */
	check_blob(simple_p7(SEQ(2, name_entry(oid_nid(NID_commonName), str(0x0c, "ok")),
				 name_entry(oid_nid(NID_organizationName), prim(0x0c, "\xff", 1))),
			     "\x01", 1, NID_sha256), -EBADMSG);
	check_blob(simple_p7(SEQ(1, name_entry(oid_nid(NID_commonName), str(0x04, "octets"))),
			     "\x01", 1, NID_sha256), -EBADMSG);
	check_blob(simple_p7(SEQ(1, name_entry(oid_nid(NID_commonName), prim(0x1e, "\x00", 1))),
			     "\x01", 1, NID_sha256), -EBADMSG);
	check_blob(simple_p7(SEQ(1, name_entry(oid_nid(NID_commonName), str(0x1a, "visible"))),
			     "\x01", 1, NID_sha256), -EBADMSG);
	/* A BMPString CN starts with a 00 octet: shown empty. */
	check_blob(simple_p7(SEQ(1, name_entry(oid_nid(NID_commonName), prim(0x1e, "\0A\0B", 4))),
			     "\x01", 1, NID_sha256), 0);
}

static void test_structure(void **state)
{
	struct blob b;

	/* Bytes after the ContentInfo are ignored, as d2i_PKCS7_bio() does. */
	b = simple_p7(cn_name("k"), "\x01", 1, NID_sha256);
	check_blob(cat(b, bytes("\0garbage", 8)), 0);
	/* The first of two SignerInfos is shown. */
	check_blob(signed_data(cat(signer_info(cn_name("one"), "\x01", 1, oid_nid(NID_sha1), "A"),
				   signer_info(cn_name("two"), "\x02", 1, oid_nid(NID_sha256), "B"))),
		   0);
	/* ... but the second one must be well formed too. */
	check_blob(signed_data(cat(signer_info(cn_name("one"), "\x01", 1, oid_nid(NID_sha1), "A"),
				   prim(0x02, "\x01", 1))),
		   -EBADMSG);
	/* No SignerInfo. */
	check_blob(signed_data(bytes("", 0)), -EBADMSG);
	/* Not signedData. */
	check_blob(SEQ(2, oid_nid(NID_pkcs7_data), tlv(0xa0, 1, str(0x04, "x"))), -EBADMSG);
	/* signedData without content. */
	check_blob(SEQ(1, oid_nid(NID_pkcs7_signed)), -EBADMSG);
	/* Something after the signature value. */
	check_blob(signed_data(SEQ(7, prim(0x02, "\x01", 1),
				   SEQ(2, cn_name("k"), prim(0x02, "\x01", 1)),
				   SEQ(1, oid_nid(NID_sha256)), rsa_alg(), str(0x04, "S"),
				   prim(0x02, "\x01", 1), bytes("", 0))),
		   -EBADMSG);
	/* Unsigned attributes are allowed. */
	check_blob(signed_data(SEQ(6, prim(0x02, "\x01", 1),
				   SEQ(2, cn_name("k"), prim(0x02, "\x01", 1)),
				   SEQ(1, oid_nid(NID_sha256)), rsa_alg(), str(0x04, "S"),
				   tlv(0xa1, 1, SEQ(2, oid_txt("1.2.3"), SET(1, prim(0x02, "\x01", 1)))))),
		   0);
	/* PKCS#7 signedAndEnvelopedData also carries signers. */
	check_blob(SEQ(2, oid_nid(NID_pkcs7_signedAndEnveloped),
		       tlv(0xa0, 1, SEQ(5, prim(0x02, "\x01", 1), tlv(0x31, 0),
					SET(1, SEQ(1, oid_nid(NID_sha256))),
					SEQ(3, oid_nid(NID_pkcs7_data),
					    SEQ(1, oid_nid(NID_aes_128_cbc)), prim(0x80, "e", 1)),
					SET(1, signer_info(cn_name("sae"), "\x01", 1,
							   oid_nid(NID_sha256), "S"))))),
		   0);
}

/* ---- the trailer ---- */

static void test_raw_trailer(void **state)
{
	/* signer "abc", key id 12 34, signature de ad be ef, before the info block */
	struct blob b = bytes("abc\x12\x34\xde\xad\xbe\xef", 9);
	struct mt_signature sig;
	const char *why = NULL;
	size_t size, body = sizeof(module_body) - 1;
	uint8_t info5[5] = { 1, 0, MT_SIG_ID_X509, 3, 2 };
	static const char *const hashes[] = { "md4", "md5", "sha1", "rmd160", "sha256",
					      "sha384", "sha512", "sha224", "sm3" };
	uint8_t *m;
	unsigned int h;

	for (h = 0; h < ARRAY_LEN(hashes); h++) {
		info5[1] = h;
		m = make_module(&b, info5, 4, &size);
		assert_int_equal(mt_signature_parse(m, size, &sig, &why), 0);
		assert_string_equal(sig.id_type_name, "X509");
		assert_string_equal(sig.hash_algo, hashes[h]);
		assert_ptr_equal(sig.signer, (const char *)m + body);
		assert_int_equal(sig.signer_len, 3);
		assert_ptr_equal(sig.key_id, m + body + 3);
		assert_int_equal(sig.key_id_len, 2);
		assert_ptr_equal(sig.sig, m + body + 5);
		assert_int_equal(sig.sig_len, 4);
		assert_int_equal(sig.signed_len, body);
		assert_null(sig.pkcs7);
		free(m);
	}
	info5[2] = MT_SIG_ID_PGP;
	m = make_module(&b, info5, 4, &size);
	assert_int_equal(mt_signature_parse(m, size, &sig, NULL), 0);
	assert_string_equal(sig.id_type_name, "PGP");
	free(m);
	/* kmod prints the signer with %s: it ends at a NUL. */
	b.p[1] = 0;
	m = make_module(&b, info5, 4, &size);
	assert_int_equal(mt_signature_parse(m, size, &sig, NULL), 0);
	assert_int_equal(sig.signer_len, 1);
	free(m);
	free(b.p);
}

static int parse_module(const struct blob *b, const uint8_t info5[5], uint32_t sig_len)
{
	struct mt_signature sig;
	const char *why = "unset";
	size_t size;
	uint8_t *m = make_module(b, info5, sig_len, &size);
	int r = mt_signature_parse(m, size, &sig, &why);

	assert_true(r == 0 || r == -EBADMSG || r == -ENODATA);
	if (r)
		assert_true(why && strcmp(why, "unset") != 0);
	free(m);
	return r;
}

static void test_trailer_lies(void **state)
{
	struct blob b = bytes("abc\x12\x34\xde\xad\xbe\xef", 9);
	const size_t avail = sizeof(module_body) - 1 + b.len;
	static const uint8_t ok[5] = { 1, 4, MT_SIG_ID_X509, 3, 2 };
	uint8_t info5[5];

	assert_int_equal(parse_module(&b, ok, 4), 0);
	/* The whole file before the info block may be signature. */
	assert_int_equal(parse_module(&b, ok, avail - 5), 0);
	assert_int_equal(parse_module(&b, ok, avail - 4), -EBADMSG);
	assert_int_equal(parse_module(&b, ok, 0xffffffff), -EBADMSG);
	assert_int_equal(parse_module(&b, ok, 0), -EBADMSG);
	memcpy(info5, ok, 5);
	info5[0] = 2;
	assert_int_equal(parse_module(&b, info5, 4), -EBADMSG);
	memcpy(info5, ok, 5);
	info5[1] = 9;
	assert_int_equal(parse_module(&b, info5, 4), -EBADMSG);
	memcpy(info5, ok, 5);
	info5[2] = 3;
	assert_int_equal(parse_module(&b, info5, 4), -EBADMSG);
	memcpy(info5, ok, 5);
	info5[3] = 255;
	info5[4] = 255;
	assert_int_equal(parse_module(&b, info5, 4), -EBADMSG);
	/* For PKCS#7 too kmod checks the (unused) signer and key id lengths. */
	info5[2] = MT_SIG_ID_PKCS7;
	assert_int_equal(parse_module(&b, info5, 4), -EBADMSG);
	free(b.p);
}

static void test_truncated_files(void **state)
{
	static const uint8_t info[MT_SIG_INFO_LEN] = { 1, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct mt_signature sig;
	const char *why;
	uint8_t buf[MT_SIG_INFO_LEN + MT_SIG_MAGIC_LEN];
	size_t n;

	memcpy(buf, info, sizeof(info));
	memcpy(buf + sizeof(info), MT_SIG_MAGIC, MT_SIG_MAGIC_LEN);
	/* Each tail of [info][marker], alone in an exactly sized buffer. */
	for (n = 0; n <= sizeof(buf); n++) {
		uint8_t *m = malloc(n ? n : 1);
		int r;

		memcpy(m, buf + sizeof(buf) - n, n);
		why = NULL;
		r = mt_signature_parse(m, n, &sig, &why);
		if (n < MT_SIG_MAGIC_LEN)
			assert_int_equal(r, -ENODATA);
		else	/* the marker with a short or too short an info block */
			assert_int_equal(r, -EBADMSG);
		assert_non_null(why);
		free(m);
	}
	/* No marker, or a damaged one. */
	memcpy(buf, module_body, sizeof(info));
	buf[sizeof(buf) - 2] ^= 1;
	assert_int_equal(mt_signature_parse(buf, sizeof(buf), &sig, NULL), -ENODATA);
	assert_int_equal(mt_signature_parse(module_body, sizeof(module_body) - 1, &sig, NULL),
			 -ENODATA);
}

/* ---- damaged PKCS#7 blobs: never crash, agree with OpenSSL ---- */

static struct cms_result real_like_signature(EVP_PKEY *key)
{
	X509_NAME *name = name_of(kernel_name);
	X509 *cert = make_cert(key, name, serial_high, sizeof(serial_high));
	struct cms_result r = cms_sign(cert, key, EVP_sha256(), false);

	X509_free(cert);
	X509_NAME_free(name);
	return r;
}

static void test_truncated_pkcs7(void **state)
{
	struct keys *k = *state;
	struct cms_result r = real_like_signature(k->rsa);
	struct mt_signature sig;
	size_t n;

	for (n = 1; n < r.der.len; n++) {
		struct blob cut = { r.der.p, n };
		size_t size;
		uint8_t *m = make_pkcs7_module(&cut, &size);

		assert_int_equal(mt_signature_parse(m, size, &sig, NULL), -EBADMSG);
		check_against_openssl(m, size, &cut, &sig);
		free(m);
	}
	cms_result_free(&r);
}

/*
 * Every single-byte change of a real-like blob: our verdict and fields must
 * be OpenSSL's.  One known difference is allowed: a signature OCTET STRING
 * turned constructed, which OpenSSL joins (BER) and we refuse.
 */
static void check_mutations(struct blob der)
{
	static const uint8_t xors[] = { 0x01, 0x02, 0x04, 0x20, 0x40, 0x80, 0xff };
	struct mt_signature sig;
	size_t pos, x;

	for (pos = 0; pos < der.len; pos++) {
		for (x = 0; x < ARRAY_LEN(xors); x++) {
			struct blob b = bytes(der.p, der.len);
			size_t size;
			uint8_t *m;
			const char *why = NULL;
			struct fields f;

			b.p[pos] ^= xors[x];
			m = make_pkcs7_module(&b, &size);
			if (mt_signature_parse(m, size, &sig, &why) == -EBADMSG &&
			    strcmp(why, "malformed signature value") == 0) {
				openssl_fields(b.p, b.len, &f);
				/* The only way OpenSSL reads it: as BER. */
				assert_true(!f.ok || (b.p[pos] & 0x20));
			} else {
				check_against_openssl(m, size, &b, &sig);
			}
			free(m);
			free(b.p);
		}
	}
}

static void test_mutated_pkcs7(void **state)
{
	struct keys *k = *state;
	struct cms_result rsa = real_like_signature(k->rsa);
	struct cms_result ec = real_like_signature(k->ec);

	check_mutations(rsa.der);
	check_mutations(ec.der);
	cms_result_free(&rsa);
	cms_result_free(&ec);
}

static void test_garbage_pkcs7(void **state)
{
	struct mt_signature sig;
	uint32_t x = 777;
	uint8_t buf[96];
	int round;

	for (round = 0; round < 20000; round++) {
		struct blob b;
		size_t i, size, len = 1 + round % sizeof(buf);
		uint8_t *m;
		int r;

		for (i = 0; i < len; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = x >> 23;
		}
		/* Often start like a ContentInfo, to get further in. */
		if (round % 2 && len > 2) {
			buf[0] = 0x30;
			buf[1] = len - 2;
		}
		b.p = buf;
		b.len = len;
		m = make_pkcs7_module(&b, &size);
		r = mt_signature_parse(m, size, &sig, NULL);
		assert_true(r == 0 || r == -EBADMSG);
		free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_hashes),
		cmocka_unit_test(test_ec_p384),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_subject_key_id),
		cmocka_unit_test(test_digest_oids),
		cmocka_unit_test(test_serials),
		cmocka_unit_test(test_hand_made_names),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_raw_trailer),
		cmocka_unit_test(test_trailer_lies),
		cmocka_unit_test(test_truncated_files),
		cmocka_unit_test(test_truncated_pkcs7),
		cmocka_unit_test(test_mutated_pkcs7),
		cmocka_unit_test(test_garbage_pkcs7),
	};

	return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
