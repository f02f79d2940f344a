// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The incremental cache: one record per module (see record.h), keyed by the
 * module's relative path, size, mtime (ns), inode and device.  It is written
 * with the indexes, into the output directory, so a read-only /usr costs
 * nothing more than the indexes themselves do.  Anything wrong with it (a
 * checksum that does not match, a short file, a bad count, a record that does
 * not parse) makes the whole cache ignored: it only ever saves time, never
 * decides an output.  (Without the checksum, a flipped byte inside a symbol
 * name would still parse, and would change the indexes.)
 *
 * Layout, native endian (the cache never leaves the machine):
 *   "MTDEPC02" u32 count
 *   count x { u32 pathlen, path\0, u64 size, i64 mtime_ns, u64 ino, u64 dev,
 *             u32 reclen, record }         entries sorted by path
 *   u32 crc32 of everything before it
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crc32.h"
#include "base/internal.h"
#include "depmod/depmod.h"

static const char cache_magic[8] = "MTDEPC02";

struct entry {
	const char *path;
	uint64_t size, ino, dev;
	int64_t mtime_ns;
	const uint8_t *rec;
	uint32_t reclen;
};

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static void take(struct reader *r, void *out, size_t len)
{
	if (r->bad || (size_t)(r->end - r->p) < len) {
		r->bad = true;
		memset(out, 0, len);
		return;
	}
	memcpy(out, r->p, len);
	r->p += len;
}

static const uint8_t *take_bytes(struct reader *r, size_t len)
{
	const uint8_t *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < len) {
		r->bad = true;
		return NULL;
	}
	r->p += len;
	return p;
}

static bool read_entry(struct reader *r, struct entry *e)
{
	uint32_t pathlen;
	const uint8_t *path;

	take(r, &pathlen, sizeof(pathlen));
	path = take_bytes(r, (size_t)pathlen + 1);
	if (!path || path[pathlen] != 0 || memchr(path, 0, pathlen))
		return false;
	e->path = (const char *)path;
	take(r, &e->size, sizeof(e->size));
	take(r, &e->mtime_ns, sizeof(e->mtime_ns));
	take(r, &e->ino, sizeof(e->ino));
	take(r, &e->dev, sizeof(e->dev));
	take(r, &e->reclen, sizeof(e->reclen));
	e->rec = take_bytes(r, e->reclen);
	return !r->bad && mt_record_valid(e->rec, e->reclen);
}

static struct entry *read_entries(const uint8_t *map, size_t size, size_t *n)
{
	struct reader r = { map, map + size - sizeof(uint32_t), false };
	char magic[8];
	uint32_t count, crc;
	struct entry *v;

	memcpy(&crc, map + size - sizeof(crc), sizeof(crc));
	if (mt_crc32(0, map, size - sizeof(crc)) != crc)
		return NULL;

	take(&r, magic, sizeof(magic));
	take(&r, &count, sizeof(count));
	/* every entry takes at least 49 bytes: a count beyond that is a lie */
	if (r.bad || memcmp(magic, cache_magic, sizeof(magic)) != 0 ||
	    count > (size_t)(r.end - r.p) / 49 + 1)
		return NULL;
	v = malloc(((size_t)count + 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (uint32_t i = 0; i < count; i++) {
		if (!read_entry(&r, &v[i]) || (i && strcmp(v[i - 1].path, v[i].path) >= 0)) {
			free(v);
			return NULL;
		}
	}
	if (r.p != r.end) {
		free(v);
		return NULL;
	}
	*n = count;
	return v;
}

static int entry_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct entry *)e)->path);
}

int mt_depmod_cache_apply(struct mt_depmod_run *run, const char *cachefile)
{
	struct entry *v;
	struct stat st;
	size_t n = 0;
	void *map;
	int fd = open(cachefile, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 16) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 0;
	v = read_entries(map, (size_t)st.st_size, &n);
	if (!v) {
		mt_info(run->ctx, "%s: ignoring a damaged cache\n", cachefile);
		munmap(map, (size_t)st.st_size);
		return 0;
	}
	for (size_t i = 0; i < run->n_mods; i++) {
		struct mt_dm_module *m = run->mods[i];
		const struct entry *e = bsearch(m->relpath, v, n, sizeof(*v), entry_cmp);

		if (!e || e->size != m->file_size || e->mtime_ns != m->mtime_ns ||
		    e->ino != m->ino || e->dev != m->dev)
			continue;
		m->rec.data = (uint8_t *)e->rec;
		m->rec.size = e->reclen;
		m->from_cache = true;
		run->cache_hits++;
	}
	free(v);
	run->cache_map = map;
	run->cache_size = (size_t)st.st_size;
	return 0;
}

static int relpath_cmp(const void *a, const void *b)
{
	return strcmp((*(struct mt_dm_module *const *)a)->relpath,
		      (*(struct mt_dm_module *const *)b)->relpath);
}

int mt_depmod_cache_build(struct mt_depmod_run *run, struct mt_buf *out)
{
	struct mt_dm_module **v = malloc((run->n_mods ? run->n_mods : 1) * sizeof(*v));
	uint32_t count = 0;
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < run->n_mods; i++)
		if (run->mods[i]->rec.data && !run->mods[i]->broken)
			v[n++] = run->mods[i];
	qsort(v, n, sizeof(*v), relpath_cmp);
	mt_buf_put(out, cache_magic, sizeof(cache_magic));
	mt_buf_put(out, &count, sizeof(count));
	for (size_t i = 0; i < n; i++) {
		const struct mt_dm_module *m = v[i];
		uint32_t pathlen = (uint32_t)strlen(m->relpath), reclen = (uint32_t)m->rec.size;

		if (i && mt_streq(v[i - 1]->relpath, m->relpath))
			continue;
		mt_buf_put(out, &pathlen, sizeof(pathlen));
		mt_buf_put(out, m->relpath, (size_t)pathlen + 1);
		mt_buf_put(out, &m->file_size, sizeof(m->file_size));
		mt_buf_put(out, &m->mtime_ns, sizeof(m->mtime_ns));
		mt_buf_put(out, &m->ino, sizeof(m->ino));
		mt_buf_put(out, &m->dev, sizeof(m->dev));
		mt_buf_put(out, &reclen, sizeof(reclen));
		mt_buf_put(out, m->rec.data, m->rec.size);
		count++;
	}
	free(v);
	if (!out->err) {
		uint32_t crc;

		memcpy(out->p + sizeof(cache_magic), &count, sizeof(count));
		crc = mt_crc32(0, out->p, out->len);
		mt_buf_put(out, &crc, sizeof(crc));
	}
	return out->err;
}
