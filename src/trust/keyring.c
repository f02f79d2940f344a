// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Keyrings: the certificates a module's signature is checked against, from
 * PEM or DER files, directories of them, or a kernel image.  A file that
 * holds anything but certificates is an error, not skipped: a keyring is a
 * trust decision, and half of one must not pass for the whole.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "image/kernel-image.h"
#include "trust/keyring.h"
#include "trust/libcrypto.h"

#if ENABLE_LIBCRYPTO
#define C mt_libcrypto

char *mt_hex_colons(const unsigned char *p, size_t len)
{
	char *s = malloc(len ? 3 * len : 1), *q = s;

	if (!s)
		return NULL;
	*q = '\0';
	for (size_t i = 0; i < len; i++)
		q += sprintf(q, i ? ":%02X" : "%02X", p[i]);
	return s;
}

char *mt_x509_name_of(X509_NAME *name)
{
	int i = name ? C.X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
	char buf[512];

	if (i >= 0) {
		ASN1_STRING *cn = C.X509_NAME_ENTRY_get_data(C.X509_NAME_get_entry(name, i));
		int len = cn ? C.ASN1_STRING_length(cn) : -1;

		if (len >= 0)
			return strndup((const char *)C.ASN1_STRING_get0_data(cn), (size_t)len);
	}
	if (!name || !C.X509_NAME_oneline(name, buf, sizeof(buf)))
		return strdup("");
	return strdup(buf);
}

static int add_x509(struct modtool_keyring *kr, X509 *x)
{
	const ASN1_OCTET_STRING *skid = C.X509_get0_subject_key_id(x);
	struct mt_cert *certs, cert = { .x509 = x };

	certs = mt_grow(kr->certs, &kr->certs_cap, kr->n_certs + 1, sizeof(*certs));
	if (!certs)
		return -ENOMEM;
	kr->certs = certs;
	cert.subject = mt_x509_name_of(C.X509_get_subject_name(x));
	cert.key_id = skid ? mt_hex_colons(C.ASN1_STRING_get0_data(skid),
					(size_t)C.ASN1_STRING_length(skid)) : strdup("");
	if (!cert.subject || !cert.key_id) {
		free(cert.subject);
		free(cert.key_id);
		return -ENOMEM;
	}
	kr->certs[kr->n_certs++] = cert;
	return 0;
}

static int add_der(struct modtool_keyring *kr, const char *path, const unsigned char *p,
		   size_t len)
{
	const unsigned char *q = p;
	char reason[256];
	X509 *x;
	int err;

	if (len > LONG_MAX)
		return -EFBIG;
	x = C.d2i_X509(NULL, &q, (long)len);
	if (!x || q != p + len) {
		mt_err(kr->ctx, "%s: not an X.509 certificate (DER): %s\n", path,
		       x ? "bytes after the certificate" :
		       mt_libcrypto_reason(reason, sizeof(reason), "not a certificate"));
		if (x)
			C.X509_free(x);
		return -EBADMSG;
	}
	err = add_x509(kr, x);
	if (err < 0)
		C.X509_free(x);
	return err < 0 ? err : 1;
}

static int add_pem(struct modtool_keyring *kr, const char *path, const void *data, size_t len)
{
	BIO *bio = C.BIO_new_mem_buf(data, (int)len);
	unsigned long last;
	char reason[256];
	int n = 0, err = 0;
	X509 *x;

	if (!bio)
		return -ENOMEM;
	C.ERR_clear_error();
	while ((x = C.PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		err = add_x509(kr, x);
		if (err < 0) {
			C.X509_free(x);
			break;
		}
		n++;
	}
	C.BIO_free(bio);
	if (err < 0)
		return err;
	/* the walk ends on "no start line" at the end; anything else is damage */
	last = C.ERR_peek_last_error();
	if (ERR_GET_REASON(last) == PEM_R_NO_START_LINE && n > 0) {
		C.ERR_clear_error();
		return n;
	}
	mt_err(kr->ctx, "%s: %s\n", path, n ? mt_libcrypto_reason(reason, sizeof(reason), "not a certificate") :
	       "no PEM certificate in the file");
	C.ERR_clear_error();
	return -EBADMSG;
}

int mt_keyring_add_buffer(struct modtool_keyring *kr, const char *path, const void *data,
			  size_t len)
{
	static const char pem_mark[] = "-----BEGIN ";
	int err = mt_libcrypto_need(kr->ctx, path, "read certificates");

	if (err < 0)
		return err;
	if (len > INT_MAX)
		return -EFBIG;
	if (memmem(data, len, pem_mark, sizeof(pem_mark) - 1))
		return add_pem(kr, path, data, len);
	return add_der(kr, path, data, len);
}

static void free_certs(struct modtool_keyring *kr)
{
	for (size_t i = 0; i < kr->n_certs; i++) {
		C.X509_free(kr->certs[i].x509);
		free(kr->certs[i].subject);
		free(kr->certs[i].key_id);
	}
}
#else
int mt_keyring_add_buffer(struct modtool_keyring *kr, const char *path, const void *data,
			  size_t len)
{
	(void)data;
	(void)len;
	return mt_libcrypto_need(kr->ctx, path, "read certificates");
}

static void free_certs(struct modtool_keyring *kr)
{
	(void)kr;
}
#endif

static int add_file(struct modtool_keyring *kr, const char *path, int fd)
{
	struct stat st;
	size_t got;
	void *data;
	int err;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		mt_err(kr->ctx, "%s: not a regular file\n", path);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > MT_CERT_FILE_MAX) {
		mt_err(kr->ctx, "%s: too large for a certificate file (%jd bytes)\n", path,
		       (intmax_t)st.st_size);
		return -EFBIG;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data)
		return -ENOMEM;
	err = mt_read_full(fd, data, (size_t)st.st_size, &got);
	if (err == 0)
		err = mt_keyring_add_buffer(kr, path, data, got);
	else
		mt_err(kr->ctx, "%s: %s\n", path, strerror(-err));
	free(data);
	return err;
}

/* Every regular file of @dir whose name does not start with '.', in name order. */
static int add_dir(struct modtool_keyring *kr, const char *dir, int dfd)
{
	struct dirent **names;
	int n = scandirat(dfd, ".", &names, NULL, alphasort), total = 0, err = 0;

	if (n < 0) {
		err = -errno;
		mt_err(kr->ctx, "%s: %s\n", dir, strerror(-err));
		return err;
	}
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		int fd;

		if (err < 0 || names[i]->d_name[0] == '.')
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		fd = openat(dfd, names[i]->d_name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			err = -errno;
			mt_err(kr->ctx, "%s: %s\n", path, strerror(-err));
			goto next;
		}
		err = add_file(kr, path, fd);
		close(fd);
		total += err > 0 ? err : 0;
next:
		free(names[i]);
	}
	free(names);
	if (err < 0)
		return err;
	if (total == 0) {
		mt_err(kr->ctx, "%s: no certificate in the directory\n", dir);
		return -ENODATA;
	}
	return total;
}

MT_EXPORT int modtool_keyring_add_path(struct modtool_keyring *kr, const char *path)
{
	struct stat st;
	int fd, err;

	if (!kr || !path)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = -errno;
		mt_err(kr->ctx, "%s: %s\n", path, strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	err = S_ISDIR(st.st_mode) ? add_dir(kr, path, fd) : add_file(kr, path, fd);
	close(fd);
	return err;
}

struct image_walk {
	struct modtool_keyring *kr;
	const char *path;
};

static int add_image_cert(void *data, const uint8_t *der, size_t len)
{
	struct image_walk *walk = data;
	int err = mt_keyring_add_buffer(walk->kr, walk->path, der, len);

	return err < 0 ? err : 0;
}

MT_EXPORT int modtool_keyring_add_kernel_image(struct modtool_keyring *kr, const char *path)
{
	struct image_walk walk = { kr, path };

	if (!kr || !path)
		return -EINVAL;
	/* a certificate libcrypto cannot read fails the whole image, as a file would */
	return mt_kernel_image_certs(kr->ctx, path, add_image_cert, &walk);
}

MT_EXPORT int modtool_keyring_new(struct modtool_ctx *ctx, struct modtool_keyring **kr)
{
	if (!ctx || !kr)
		return -EINVAL;
	*kr = calloc(1, sizeof(**kr));
	if (!*kr)
		return -ENOMEM;
	(*kr)->ctx = ctx;
	return 0;
}

MT_EXPORT void modtool_keyring_free(struct modtool_keyring *kr)
{
	if (!kr)
		return;
	free_certs(kr);
	free(kr->certs);
	free(kr);
}

MT_EXPORT size_t modtool_keyring_count(const struct modtool_keyring *kr)
{
	return kr ? kr->n_certs : 0;
}

MT_EXPORT const char *modtool_keyring_get_subject(const struct modtool_keyring *kr, size_t i)
{
	return kr && i < kr->n_certs ? kr->certs[i].subject : NULL;
}

MT_EXPORT const char *modtool_keyring_get_key_id(const struct modtool_keyring *kr, size_t i)
{
	return kr && i < kr->n_certs ? kr->certs[i].key_id : NULL;
}
