// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcrypto for the signer, dlopen()ed on first use.  Every message names
 * the file at fault and says what is wrong with it in one line; libcrypto's
 * own reason (the first error it queued, the cause) is added where it says
 * more than we can.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "trust/libcrypto.h"
#include "trust/sign-crypto.h"

int mt_sign_read_small_file(struct modtool_ctx *ctx, const char *path, const char *what,
			    size_t max, uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		mt_err(ctx, "%s: cannot open the %s: %s\n", path, what, strerror(-err));
		return err;
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto fail;
	}
	err = -EINVAL;
	if (!S_ISREG(st.st_mode)) {
		mt_err(ctx, "%s: the %s is not a regular file\n", path, what);
		goto out;
	}
	err = -EFBIG;
	if ((uint64_t)st.st_size > max) {
		mt_err(ctx, "%s: the %s is too large (%lld bytes, at most %zu)\n", path, what,
		       (long long)st.st_size, max);
		goto out;
	}
	err = -ENOMEM;
	buf = malloc(st.st_size + 1);	/* + 1: room for a NUL, and never malloc(0) */
	if (!buf)
		goto fail;
	err = mt_read_full(fd, buf, st.st_size, &got);
	if (err < 0)
		goto fail;
	if (got == 0) {
		err = -ENODATA;
		mt_err(ctx, "%s: the %s is empty\n", path, what);
		goto out;
	}
	buf[got] = 0;
	close(fd);
	*data = buf;
	*size = got;
	return 0;
fail:
	mt_err(ctx, "%s: cannot read the %s: %s\n", path, what, strerror(-err));
out:
	free(buf);
	close(fd);
	return err;
}

int mt_sign_crypto_load(struct modtool_ctx *ctx)
{
	return mt_libcrypto_need(ctx, NULL, "sign");
}

#if ENABLE_LIBCRYPTO
#define C mt_libcrypto

/* Keys and certificates are a few KiB; a PEM bundle of many is still small. */
#define KEY_FILE_MAX (1u << 20)

/* libcrypto's reason for the first error it queued (the cause); the queue is emptied. */
static const char *crypto_reason(void)
{
	unsigned long first = C.ERR_get_error();
	const char *r = first ? C.ERR_reason_error_string(first) : NULL;

	C.ERR_clear_error();
	return r ? r : "no reason given by libcrypto";
}

const struct evp_md_st *mt_sign_digest(struct modtool_ctx *ctx, const char *name)
{
	const EVP_MD *md = C.EVP_get_digestbyname(name);

	if (!md) {
		C.ERR_clear_error();
		mt_err(ctx, "%s: unknown hash algorithm (libcrypto has none of that name)\n", name);
	}
	return md;
}

/* The key's passphrase or the token's PIN: sign-file's KBUILD_SIGN_PIN, never a prompt. */
static int pin_callback(char *buf, int size, int rwflag, void *data)
{
	const char *pin = getenv("KBUILD_SIGN_PIN");
	size_t len;

	if (!pin || size <= 0)
		return -1;
	len = strlen(pin);
	if (len >= (size_t)size)
		return -1;
	memcpy(buf, pin, len + 1);
	return (int)len;
}

/*
 * A key behind a pkcs11: URI, through OpenSSL 3's store API and a provider
 * named "pkcs11" (pkcs11-provider); "default" stays loaded beside it for
 * the digests.
 */
static int read_key_store(struct modtool_ctx *ctx, const char *uri, EVP_PKEY **key)
{
	OSSL_STORE_CTX *store;
	UI_METHOD *ui;

	if (!C.OSSL_PROVIDER_try_load(NULL, "pkcs11", 1)) {
		mt_err(ctx, "%s: cannot use the key: no OpenSSL provider named pkcs11 is "
		       "installed (%s)\n", uri, crypto_reason());
		return -ENOPKG;
	}
	if (!C.OSSL_PROVIDER_try_load(NULL, "default", 1)) {
		mt_err(ctx, "%s: cannot load OpenSSL's default provider (%s)\n", uri,
		       crypto_reason());
		return -ENOPKG;
	}
	ui = C.UI_UTIL_wrap_read_pem_callback(pin_callback, 0);
	if (!ui)
		return -ENOMEM;
	store = C.OSSL_STORE_open(uri, ui, NULL, NULL, NULL);
	if (!store) {
		C.UI_destroy_method(ui);
		mt_err(ctx, "%s: cannot open the key's token (%s)\n", uri, crypto_reason());
		return -ENOKEY;
	}
	/* a bounded walk: a token listing objects without end is not waited on */
	*key = NULL;
	for (int i = 0; i < 4096 && !*key && !C.OSSL_STORE_eof(store); i++) {
		OSSL_STORE_INFO *info = C.OSSL_STORE_load(store);

		if (!info)
			continue;
		if (C.OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
			*key = C.OSSL_STORE_INFO_get1_PKEY(info);
		C.OSSL_STORE_INFO_free(info);
	}
	C.OSSL_STORE_close(store);
	C.UI_destroy_method(ui);
	if (!*key) {
		mt_err(ctx, "%s: no private key found behind the URI (%s)\n", uri,
		       crypto_reason());
		return -ENOKEY;
	}
	C.ERR_clear_error();
	return 0;
}

int mt_sign_read_key(struct modtool_ctx *ctx, const char *path, struct evp_pkey_st **keyp)
{
	EVP_PKEY *key = NULL;
	uint8_t *data;
	size_t size;
	int err;

	if (strncmp(path, "pkcs11:", 7) == 0)
		return read_key_store(ctx, path, keyp);
	err = mt_sign_read_small_file(ctx, path, "private key", KEY_FILE_MAX, &data, &size);
	if (err < 0)
		return err;
	if (memmem(data, size, "-----BEGIN ", 11)) {
		BIO *b = C.BIO_new_mem_buf(data, (int)size);

		if (b)
			key = C.PEM_read_bio_PrivateKey(b, NULL, pin_callback, NULL);
		C.BIO_free(b);
		if (!key)
			mt_err(ctx, "%s: no usable private key in this PEM file%s: %s\n", path,
			       memmem(data, size, "ENCRYPTED", 9) ?
			       " (is KBUILD_SIGN_PIN its passphrase?)" : "", crypto_reason());
	} else {
		const unsigned char *p = data;

		key = C.d2i_AutoPrivateKey(NULL, &p, (long)size);
		/* libcrypto's reason for bytes that are no key says only "unsupported" */
		C.ERR_clear_error();
		if (!key)
			mt_err(ctx, "%s: not a private key (neither PEM nor DER)\n", path);
	}
	if (!key)
		err = -EBADMSG;
	explicit_bzero(data, size);
	free(data);
	*keyp = key;
	return err;
}

int mt_sign_read_cert(struct modtool_ctx *ctx, const char *path, struct x509_st **certp)
{
	X509 *cert = NULL;
	uint8_t *data;
	size_t size;
	int err;

	err = mt_sign_read_small_file(ctx, path, "certificate", KEY_FILE_MAX, &data, &size);
	if (err < 0)
		return err;
	/* sign-file's rule: a DER SEQUENCE with a long-form length, else PEM */
	if (size >= 2 && data[0] == 0x30 && data[1] >= 0x81 && data[1] <= 0x84) {
		const unsigned char *p = data;

		cert = C.d2i_X509(NULL, &p, (long)size);
	} else {
		BIO *b = C.BIO_new_mem_buf(data, (int)size);

		if (b)
			cert = C.PEM_read_bio_X509(b, NULL, NULL, NULL);
		C.BIO_free(b);
	}
	free(data);
	if (!cert) {
		mt_err(ctx, "%s: not an X.509 certificate (PEM or DER): %s\n", path,
		       crypto_reason());
		return -EBADMSG;
	}
	*certp = cert;
	return 0;
}

int mt_sign_check_pair(struct modtool_ctx *ctx, struct evp_pkey_st *key, const char *key_path,
		       struct x509_st *cert, const char *cert_path)
{
	if (C.X509_check_private_key(cert, key) == 1)
		return 0;
	mt_err(ctx, "%s: the private key does not match the certificate %s (%s)\n", key_path,
	       cert_path, crypto_reason());
	return -EKEYREJECTED;
}

void mt_sign_key_free(struct evp_pkey_st *key)
{
	if (key)
		C.EVP_PKEY_free(key);
}

void mt_sign_cert_free(struct x509_st *cert)
{
	if (cert)
		C.X509_free(cert);
}

/* The DER of @cms in a malloc()ed buffer. */
static int cms_to_der(CMS_ContentInfo *cms, uint8_t **der, size_t *der_size)
{
	int len = C.i2d_CMS_ContentInfo(cms, NULL);
	unsigned char *buf, *p;

	if (len <= 0)
		return -EIO;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	p = buf;
	if (C.i2d_CMS_ContentInfo(cms, &p) != len) {
		free(buf);
		return -EIO;
	}
	*der = buf;
	*der_size = len;
	return 0;
}

int mt_sign_cms(struct modtool_ctx *ctx, struct evp_pkey_st *key, struct x509_st *cert,
		const struct evp_md_st *md, bool by_key_id, const uint8_t *data, size_t size,
		const char *path, uint8_t **der, size_t *der_size)
{
	const unsigned int flags = CMS_NOCERTS | CMS_BINARY | CMS_NOSMIMECAP | CMS_NOATTR |
				   (by_key_id ? CMS_USE_KEYID : 0);
	CMS_ContentInfo *cms = NULL;
	const char *step;
	BIO *content;
	int err = -EIO;

	if (size > MT_MAX_MODULE_SIZE) {
		mt_err(ctx, "%s: too large to sign\n", path);
		return -EFBIG;
	}
	/* BIO_new_mem_buf() takes no empty buffer with a NULL pointer */
	content = C.BIO_new_mem_buf(size ? (const void *)data : "", (int)size);
	if (!content)
		return -ENOMEM;
	step = "cannot start a CMS signature";
	cms = C.CMS_sign(NULL, NULL, NULL, NULL, CMS_NOCERTS | CMS_PARTIAL | CMS_BINARY |
			  CMS_DETACHED | CMS_STREAM);
	if (!cms)
		goto fail;
	step = by_key_id ? "cannot add the signer by key identifier (does the certificate "
			   "have a subjectKeyIdentifier?)" : "cannot add the signer";
	if (!C.CMS_add1_signer(cms, cert, key, md, flags))
		goto fail;
	step = "cannot compute the signature";
	if (C.CMS_final(cms, content, NULL, CMS_NOCERTS | CMS_BINARY) != 1)
		goto fail;
	err = cms_to_der(cms, der, der_size);
	step = "cannot encode the signature";
	if (err < 0)
		goto fail;
	C.CMS_ContentInfo_free(cms);
	C.BIO_free(content);
	return 0;
fail:
	mt_err(ctx, "%s: %s: %s\n", path, step, err == -ENOMEM ? strerror(ENOMEM) :
	       crypto_reason());
	if (cms)
		C.CMS_ContentInfo_free(cms);
	C.BIO_free(content);
	return err;
}

int mt_sign_check_raw(struct modtool_ctx *ctx, const char *path, const uint8_t *der,
		      size_t size)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = C.d2i_CMS_ContentInfo(NULL, &p, (long)size);
	bool ok = cms && p == der + size &&
		  C.OBJ_obj2nid(C.CMS_get0_type(cms)) == NID_pkcs7_signed;

	if (cms)
		C.CMS_ContentInfo_free(cms);
	C.ERR_clear_error();
	if (ok)
		return 0;
	mt_err(ctx, "%s: not a DER PKCS#7/CMS SignedData signature\n", path);
	return -EBADMSG;
}
#else
const struct evp_md_st *mt_sign_digest(struct modtool_ctx *ctx, const char *name) { return NULL; }
int mt_sign_read_key(struct modtool_ctx *ctx, const char *path, struct evp_pkey_st **key)
{
	return -ENOTSUP;
}
int mt_sign_read_cert(struct modtool_ctx *ctx, const char *path, struct x509_st **cert)
{
	return -ENOTSUP;
}
int mt_sign_check_pair(struct modtool_ctx *ctx, struct evp_pkey_st *key, const char *key_path,
		       struct x509_st *cert, const char *cert_path)
{
	return -ENOTSUP;
}
void mt_sign_key_free(struct evp_pkey_st *key) { }
void mt_sign_cert_free(struct x509_st *cert) { }
int mt_sign_cms(struct modtool_ctx *ctx, struct evp_pkey_st *key, struct x509_st *cert,
		const struct evp_md_st *md, bool by_key_id, const uint8_t *data, size_t size,
		const char *path, uint8_t **der, size_t *der_size)
{
	return -ENOTSUP;
}
int mt_sign_check_raw(struct modtool_ctx *ctx, const char *path, const uint8_t *der,
		      size_t size)
{
	return -ENOTSUP;
}
#endif
