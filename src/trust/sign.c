// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Signing modules as the kernel's scripts/sign-file does, byte for byte on a
 * plain unsigned module: [module][CMS DER][struct module_signature]
 * ["~Module signature appended~\n"].  Unlike sign-file, an existing
 * signature is replaced rather than stacked, a compressed module is signed
 * inside and compressed again in its own format, and every file is written
 * to a temporary in its directory and renamed over the target.
 */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/internal.h"
#include "module/compress.h"
#include "module/elf-reader.h"
#include "module/file.h"
#include "module/signature.h"
#include "trust/sign-crypto.h"

/* A raw signature is a few KiB; the trailer's be32 length could say 4 GiB. */
#define RAW_SIG_MAX (1u << 20)
#define PKEY_ID_PKCS7 2

struct modtool_signer {
	struct modtool_ctx *ctx;
	struct evp_pkey_st *key;	/* NULL for a raw signer */
	struct x509_st *cert;
	const struct evp_md_st *md;
	uint8_t *raw_sig;		/* sign-file -s: appended as it is */
	size_t raw_sig_size;
};

/* Hand @s over when all went well (@err 0), else free it. */
static int signer_done(struct modtool_signer *s, int err, struct modtool_signer **signerp)
{
	if (err < 0) {
		modtool_signer_free(s);
		return err;
	}
	*signerp = s;
	return 0;
}

static int signer_alloc(struct modtool_ctx *ctx, const char *hash, const char *cert,
			struct modtool_signer **signerp)
{
	struct modtool_signer *s;
	int err;

	if (!ctx || !hash || !cert || !signerp)
		return -EINVAL;
	err = mt_sign_crypto_load(ctx);
	if (err < 0)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->md = mt_sign_digest(ctx, hash);
	err = s->md ? mt_sign_read_cert(ctx, cert, &s->cert) : -EINVAL;
	return signer_done(s, err, signerp);
}

MT_EXPORT int modtool_signer_new(struct modtool_ctx *ctx, const char *hash, const char *key,
				 const char *cert, struct modtool_signer **signerp)
{
	struct modtool_signer *s;
	int err;

	if (!key)
		return -EINVAL;
	err = signer_alloc(ctx, hash, cert, &s);
	if (err < 0)
		return err;
	err = mt_sign_read_key(ctx, key, &s->key);
	if (err >= 0)
		err = mt_sign_check_pair(ctx, s->key, key, s->cert, cert);
	return signer_done(s, err, signerp);
}

MT_EXPORT int modtool_signer_new_raw(struct modtool_ctx *ctx, const char *hash,
				     const char *raw_sig, const char *cert,
				     struct modtool_signer **signerp)
{
	struct modtool_signer *s;
	int err;

	if (!raw_sig)
		return -EINVAL;
	err = signer_alloc(ctx, hash, cert, &s);
	if (err < 0)
		return err;
	err = mt_sign_read_small_file(ctx, raw_sig, "raw signature", RAW_SIG_MAX, &s->raw_sig,
				      &s->raw_sig_size);
	if (err >= 0)
		err = mt_sign_check_raw(ctx, raw_sig, s->raw_sig, s->raw_sig_size);
	return signer_done(s, err, signerp);
}

MT_EXPORT void modtool_signer_free(struct modtool_signer *s)
{
	if (!s)
		return;
	mt_sign_key_free(s->key);
	mt_sign_cert_free(s->cert);
	free(s->raw_sig);
	free(s);
}

/*
 * Write @iov to @target through a temporary in its directory, with @mode,
 * synced, then renamed over it: readers see the old file or the new one,
 * and a failure leaves neither a temporary nor a half-written target.
 */
static int write_atomic(struct modtool_ctx *ctx, const char *target, const struct iovec *iov,
			int iovcnt, mode_t mode)
{
	const char *slash = strrchr(target, '/'), *step = "cannot create a temporary file";
	char *copy = strdup(target), *tmp = NULL;
	bool created = false;
	int fd = -1, err = 0;

	if (!copy || asprintf(&tmp, "%s/.%s.XXXXXX", dirname(copy),
			      slash ? slash + 1 : target) < 0) {
		free(copy);
		return -ENOMEM;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	created = true;
	step = "cannot write";
	if (fchmod(fd, mode) < 0) {
		err = -errno;
		goto out;
	}
	for (int i = 0; i < iovcnt; i++) {
		const uint8_t *p = iov[i].iov_base;
		size_t left = iov[i].iov_len;

		while (left) {
			ssize_t w = write(fd, p, left);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				err = w < 0 ? -errno : -EIO;
				goto out;
			}
			p += w;
			left -= (size_t)w;
		}
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		err = -errno;
		fd = -1;
		goto out;
	}
	fd = -1;
	step = "cannot replace";
	if (rename(tmp, target) < 0)
		err = -errno;
out:
	if (fd >= 0)
		close(fd);
	if (err < 0) {
		mt_err(ctx, "%s: %s: %s\n", target, step, strerror(-err));
		if (created)
			unlink(tmp);
	}
	free(tmp);
	free(copy);
	return err;
}

/*
 * The module's own bytes: without its signature when it has one (signing
 * again replaces it), after checking it is an ELF file at all.
 */
static int module_content(struct modtool_ctx *ctx, const char *path, const uint8_t *data,
			  size_t size, size_t *content_size)
{
	struct mt_signature_span span;
	struct mt_elf elf;
	const char *why = NULL;
	int err;

	err = mt_signature_locate(data, size, &span, &why);
	if (err == -ENODATA) {
		*content_size = size;
	} else if (err == 0) {
		*content_size = span.signed_len;
	} else {
		mt_err(ctx, "%s: malformed signature trailer: %s\n", path, why);
		return -EBADMSG;
	}
	if (mt_elf_init(&elf, data, *content_size, &why) < 0) {
		mt_err(ctx, "%s: not a kernel module (ELF): %s\n", path, why);
		return -ENOEXEC;
	}
	return 0;
}

/* Compress the signed image @img back into @c, checked by decompressing it again. */
static int recompress(struct modtool_ctx *ctx, const char *path, enum mt_compression c,
		      const uint8_t *img, size_t img_size, uint8_t **out, size_t *out_size)
{
	struct mt_decompressed check = { 0 };
	const char *why = NULL;
	int err;

	err = mt_compressor_of(c)(img, img_size, out, out_size, &why);
	if (err < 0) {
		mt_err(ctx, "%s: cannot compress with %s again: %s\n", path,
		       mt_compression_name(c), why);
		return err;
	}
	err = mt_decompressor_of(c)(*out, *out_size, &check, &why);
	if (err == 0 && (check.size != img_size || memcmp(check.data, img, img_size) != 0))
		err = -EIO, why = "the result differs from the input";
	mt_decompressed_release(&check);
	if (err < 0) {
		mt_err(ctx, "%s: %s compression failed its check: %s\n", path,
		       mt_compression_name(c), why ? why : strerror(-err));
		free(*out);
		*out = NULL;
	}
	return err;
}

static int write_signed(struct modtool_signer *s, struct mt_file *f, size_t content_size,
			const uint8_t *sig, size_t sig_size, const char *target, mode_t mode)
{
	uint8_t info[MT_SIG_INFO_LEN] = { 0, 0, PKEY_ID_PKCS7 };
	struct iovec iov[4] = {
		{ (void *)f->data, content_size }, { (void *)sig, sig_size },
		{ info, sizeof(info) }, { (void *)MT_SIG_MAGIC, MT_SIG_MAGIC_LEN },
	};
	uint8_t *img, *packed = NULL;
	size_t img_size = content_size + sig_size + sizeof(info) + MT_SIG_MAGIC_LEN, off = 0;
	struct iovec one;
	int err;

	info[8] = sig_size >> 24;
	info[9] = sig_size >> 16;
	info[10] = sig_size >> 8;
	info[11] = sig_size;
	if (f->compression == MT_COMPRESSION_NONE)
		return write_atomic(s->ctx, target, iov, 4, mode);
	img = malloc(img_size);
	if (!img)
		return -ENOMEM;
	for (int i = 0; i < 4; i++) {
		memcpy(img + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	err = recompress(s->ctx, f->path, f->compression, img, img_size, &packed, &one.iov_len);
	free(img);
	if (err < 0)
		return err;
	one.iov_base = packed;
	err = write_atomic(s->ctx, target, &one, 1, mode);
	free(packed);
	return err;
}

static int write_p7s(struct modtool_signer *s, const char *target, const uint8_t *sig,
		     size_t sig_size, mode_t mode)
{
	struct iovec iov = { (void *)sig, sig_size };

	return write_atomic(s->ctx, target, &iov, 1, mode);
}

MT_EXPORT int modtool_signer_sign(struct modtool_signer *s, const char *path, const char *dest,
				  unsigned int flags)
{
	struct mt_file *f = NULL;
	uint8_t *cms = NULL;
	const uint8_t *sig;
	size_t content_size, sig_size;
	char *p7s = NULL;
	struct stat st;
	int err;

	if (!s || !path)
		return -EINVAL;
	err = mt_file_open(s->ctx, path, &f);
	if (err < 0)
		return err;
	err = mt_file_load(f);
	if (err < 0)
		goto out;
	err = fstat(f->fd, &st) < 0 ? -errno : 0;
	if (err < 0) {
		mt_err(s->ctx, "%s: %s\n", path, strerror(-err));
		goto out;
	}
	err = module_content(s->ctx, path, f->data, f->size, &content_size);
	if (err < 0)
		goto out;
	if (s->raw_sig) {
		sig = s->raw_sig;
		sig_size = s->raw_sig_size;
	} else {
		err = mt_sign_cms(s->ctx, s->key, s->cert, s->md, flags & MODTOOL_SIGN_KEY_ID,
				  f->data, content_size, path, &cms, &sig_size);
		if (err < 0)
			goto out;
		sig = cms;
	}
	err = -ENOMEM;
	if (asprintf(&p7s, "%s.p7s", path) < 0) {
		p7s = NULL;
		goto out;
	}
	if (flags & MODTOOL_SIGN_DETACHED) {
		err = write_p7s(s, dest ? dest : p7s, sig, sig_size, st.st_mode & 07777);
		goto out;
	}
	err = write_signed(s, f, content_size, sig, sig_size, dest ? dest : path,
			   st.st_mode & 07777);
	if (err == 0 && (flags & MODTOOL_SIGN_SAVE_P7S))
		err = write_p7s(s, p7s, sig, sig_size, st.st_mode & 07777);
out:
	free(p7s);
	free(cms);
	mt_file_free(f);
	return err;
}
