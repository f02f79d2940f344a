// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening module files: format by magic bytes, mmap or bounded decompression. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "module/file.h"

struct compression_format {
	enum mt_compression id;
	const char *name;
	uint8_t magic[6];
	size_t magic_len;
	mt_decompress_fn decompress;
	bool built_in;		/* its library was there at build time (meson -Dxz=...) */
};

static const struct compression_format formats[] = {
	{ MT_COMPRESSION_XZ, "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, mt_decompress_xz, ENABLE_XZ },
	{ MT_COMPRESSION_ZSTD, "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, mt_decompress_zstd, ENABLE_ZSTD },
	{ MT_COMPRESSION_GZIP, "gzip", { 0x1f, 0x8b }, 2, mt_decompress_gzip, ENABLE_ZLIB },
};

static const struct compression_format *format_of(enum mt_compression c)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].id == c)
			return &formats[i];
	return NULL;
}

const char *mt_compression_name(enum mt_compression c)
{
	const struct compression_format *f = format_of(c);

	return f ? f->name : NULL;
}

bool mt_compression_built_in(enum mt_compression c)
{
	const struct compression_format *f = format_of(c);

	return f ? f->built_in : c == MT_COMPRESSION_NONE;
}

mt_decompress_fn mt_decompressor_of(enum mt_compression c)
{
	const struct compression_format *f = format_of(c);

	return f ? f->decompress : NULL;
}

enum mt_compression mt_compression_detect(const uint8_t *magic, size_t len)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (len >= formats[i].magic_len &&
		    memcmp(magic, formats[i].magic, formats[i].magic_len) == 0)
			return formats[i].id;
	return MT_COMPRESSION_NONE;
}

int mt_file_open(struct modtool_ctx *ctx, const char *path, struct mt_file **filep)
{
	struct mt_file *file;
	struct stat st = { 0 };
	uint8_t magic[6];
	size_t n;
	int err;

	file = calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	file->ctx = ctx;
	file->fd = -1;
	file->path = strdup(path);
	if (!file->path) {
		mt_file_free(file);
		return -ENOMEM;
	}
	/* O_NONBLOCK: a FIFO or device in place of a module must not hang us */
	file->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (file->fd < 0 || fstat(file->fd, &st) < 0) {
		err = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		mt_err(ctx, "%s: not a regular file\n", path);
		mt_file_free(file);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	/* just opened: the magic bytes are the first read */
	err = mt_read_full(file->fd, magic, sizeof(magic), &n);
	if (err < 0)
		goto fail;
	file->compression = mt_compression_detect(magic, n);
	*filep = file;
	return 0;
fail:
	mt_err(ctx, "%s: %s\n", path, strerror(-err));
	mt_file_free(file);
	return err;
}

static int map_file(struct mt_file *file, const uint8_t **data, size_t *size)
{
	struct stat st;
	void *p;

	if (fstat(file->fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size == 0) {
		*data = NULL;
		*size = 0;
		return 0;
	}
	if ((uint64_t)st.st_size > SIZE_MAX)
		return -EFBIG;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, file->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	*data = p;
	*size = st.st_size;
	return 0;
}

static int load_compressed(struct mt_file *file)
{
	const struct compression_format *fmt = format_of(file->compression);
	struct mt_decompressed out = { 0 };
	const uint8_t *in;
	size_t in_size;
	const char *why = NULL;
	int err;

	err = map_file(file, &in, &in_size);
	if (err < 0) {
		mt_err(file->ctx, "%s: %s\n", file->path, strerror(-err));
		return err;
	}
	err = fmt->decompress(in, in_size, &out, &why);
	munmap((void *)in, in_size);
	if (err < 0) {
		mt_decompressed_release(&out);
		/* a library that cannot be loaded is not the data's fault */
		mt_err(file->ctx, mt_err_is_environment(err) ? "%s: cannot decompress %s: %s\n"
							     : "%s: %s data: %s\n",
		       file->path, fmt->name, why ? why : strerror(-err));
		return err;
	}
	file->data = out.data;
	file->size = out.size;
	file->map_size = out.capacity;
	file->mapped = false;
	return 0;
}

int mt_file_load(struct mt_file *file)
{
	int err;

	if (file->load_tried)
		return file->load_err;
	file->load_tried = true;
	if (file->compression != MT_COMPRESSION_NONE) {
		err = load_compressed(file);
	} else {
		err = map_file(file, &file->data, &file->size);
		if (err < 0)
			mt_err(file->ctx, "%s: %s\n", file->path, strerror(-err));
		file->map_size = file->size;
		file->mapped = true;
	}
	file->load_err = err;
	return err;
}

void mt_file_free(struct mt_file *file)
{
	if (!file)
		return;
	if (file->data)
		munmap((void *)file->data, file->map_size);
	if (file->fd >= 0)
		close(file->fd);
	free(file->path);
	free(file);
}

/* Resize the mapping, contents kept: the kernel moves page tables, no byte is copied. */
static int remap(struct mt_decompressed *out, size_t size)
{
	void *p = mremap(out->data, out->capacity, size, MREMAP_MAYMOVE);

	if (p == MAP_FAILED)
		return -ENOMEM;
	out->data = p;
	out->capacity = size;
	return 0;
}

int mt_decompressed_reserve(struct mt_decompressed *out, size_t size)
{
	void *p;

	if (size > MT_MAX_MODULE_SIZE)
		return -EFBIG;
	if (out->data)
		return size <= out->capacity ? 0 : remap(out, size);
	/* a zero-length mapping is refused: keep one page for an empty stream */
	p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	out->data = p;
	out->capacity = size ? size : 1;
	return 0;
}

int mt_decompressed_grow(struct mt_decompressed *out, size_t hint, const char **why)
{
	size_t want = out->capacity ? out->capacity * 2 : hint;

	if (out->capacity >= MT_MAX_MODULE_SIZE) {
		*why = "decompressed size exceeds 1 GiB";
		return -EFBIG;
	}
	if (want < 64 * 1024)
		want = 64 * 1024;
	if (want > MT_MAX_MODULE_SIZE)
		want = MT_MAX_MODULE_SIZE;
	return mt_decompressed_reserve(out, want);	/* maps, or remaps what there is */
}

void mt_decompressed_release(struct mt_decompressed *out)
{
	if (out->data)
		munmap(out->data, out->capacity);
	out->data = NULL;
	out->size = out->capacity = 0;
}

void mt_decompressed_reset(struct mt_decompressed *out)
{
	/* the bytes stay mapped and resident; the next stream overwrites them */
	out->size = 0;
}

void mt_decompressed_trim(struct mt_decompressed *out, size_t keep)
{
	if (out->capacity <= keep)
		return;
	/* shrinking never moves; should it fail (no mapping left to split), give all back */
	if (keep == 0 || mremap(out->data, out->capacity, keep, 0) == MAP_FAILED) {
		mt_decompressed_release(out);
		return;
	}
	out->capacity = keep;
}
