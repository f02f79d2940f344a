// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A module file's path, SHA-256 and signer, for monitor events and audit
 * records.  Hashing a file and reading its signature (which for a .ko.xz
 * means decompressing it) is most of what an event costs: a monitor keeps
 * the answers by file identity, so a burst of loads and removals of the
 * same modules reads each file once.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "module/file.h"
#include "module/module.h"
#include "module/signature.h"
#include "watch/file-facts.h"

#define CACHE_SLOTS 64

struct cached_facts {
	char *path, *signer;
	char sha256[MT_SHA256_HEX_LEN];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct mt_facts_cache {
	struct cached_facts slot[CACHE_SLOTS];
	size_t next;		/* the slot replaced next (round robin) */
};

struct mt_facts_cache *mt_facts_cache_new(void)
{
	return calloc(1, sizeof(struct mt_facts_cache));
}

static void cached_clear(struct cached_facts *c)
{
	free(c->path);
	free(c->signer);
	memset(c, 0, sizeof(*c));
}

void mt_facts_cache_free(struct mt_facts_cache *cache)
{
	if (!cache)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		cached_clear(&cache->slot[i]);
	free(cache);
}

void mt_file_facts_clear(struct mt_file_facts *f)
{
	free(f->path);
	free(f->signer);
	memset(f, 0, sizeof(*f));
}

static bool same_file(const struct cached_facts *c, const char *path, const struct stat *st)
{
	return c->path && mt_streq(c->path, path) && c->dev == st->st_dev && c->ino == st->st_ino &&
	       c->size == st->st_size && c->mtime.tv_sec == st->st_mtim.tv_sec &&
	       c->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/*
 * The signer modinfo shows (read straight from the signature: modinfo's
 * fields would also format the signature's bytes as hex), or NULL.
 */
static char *signer_of(struct modtool_module *mod)
{
	struct mt_signature sig;
	struct mt_file *file;

	if (mt_module_file(mod, &file) < 0 ||
	    mt_signature_parse(file->data, file->size, &sig, NULL) < 0 || !sig.signer_len)
		return NULL;
	return strndup(sig.signer, sig.signer_len);
}

/* Hash and read the signature of @mod's file, open at @fd. */
static int read_facts(struct modtool_module *mod, int fd, struct mt_file_facts *out)
{
	if (mt_sha256_fd_hex(fd, out->sha256) < 0)
		out->sha256[0] = '\0';
	out->signer = signer_of(mod);
	return 0;
}

static int remember(struct mt_facts_cache *cache, const struct stat *st,
		    const struct mt_file_facts *f)
{
	struct cached_facts *c = &cache->slot[cache->next];

	cache->next = (cache->next + 1) % CACHE_SLOTS;
	cached_clear(c);
	c->path = strdup(f->path);
	c->signer = f->signer ? strdup(f->signer) : NULL;
	if (!c->path || (f->signer && !c->signer)) {
		cached_clear(c);
		return -ENOMEM;
	}
	memcpy(c->sha256, f->sha256, sizeof(c->sha256));
	c->dev = st->st_dev;
	c->ino = st->st_ino;
	c->size = st->st_size;
	c->mtime = st->st_mtim;
	return 0;
}

static int from_cache(const struct cached_facts *c, struct mt_file_facts *out)
{
	out->signer = c->signer ? strdup(c->signer) : NULL;
	memcpy(out->sha256, c->sha256, sizeof(out->sha256));
	return c->signer && !out->signer ? -ENOMEM : 0;
}

/* The facts of @mod's file @path into @out (whose path is set). */
static int facts_of(struct mt_facts_cache *cache, struct modtool_module *mod,
		    struct mt_file_facts *out)
{
	struct stat st;
	int err, fd = open(out->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return 0;	/* gone since the index was written: only the path is known */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	for (size_t i = 0; cache && i < CACHE_SLOTS; i++)
		if (same_file(&cache->slot[i], out->path, &st)) {
			close(fd);
			return from_cache(&cache->slot[i], out);
		}
	err = read_facts(mod, fd, out);
	close(fd);
	if (err == 0 && cache)
		err = remember(cache, &st, out);
	return err;
}

int mt_file_facts_read(struct modtool_ctx *ctx, struct mt_facts_cache *cache, const char *name,
		       const char *path, struct mt_file_facts *out)
{
	struct modtool_module *mod = NULL;
	struct modtool_list *list = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	if (path)
		err = modtool_module_new_from_path(ctx, path, &mod);
	else if ((err = modtool_module_lookup(ctx, name, MODTOOL_LOOKUP_NAME_ONLY, &list)) > 0)
		mod = modtool_module_ref(modtool_list_get(list, 0));
	modtool_list_free(list);
	if (err == -ENOMEM)
		return err;
	if (!mod || !modtool_module_get_path(mod)) {
		modtool_module_unref(mod);
		return 0;	/* not in the tree, or built in */
	}
	out->path = strdup(modtool_module_get_path(mod));
	err = out->path ? facts_of(cache, mod, out) : -ENOMEM;
	modtool_module_unref(mod);
	if (err < 0)
		mt_file_facts_clear(out);
	return err;
}
