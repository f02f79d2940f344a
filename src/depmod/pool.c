// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parsing every module that needs it on a thread per core.  Work is handed
 * out biggest file first from one atomic counter, so the long xz decodes
 * start early and the small ones fill the gaps at the end.  Threads only
 * fill their module's record; nothing is logged from them, so messages come
 * out in a stable order afterwards.
 */
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "base/internal.h"
#include "depmod/depmod.h"

struct pool {
	struct mt_dm_module **todo;
	size_t n;
	size_t next;		/* atomic */
	int dirfd;
};

static int size_desc(const void *a, const void *b)
{
	const struct mt_dm_module *x = *(struct mt_dm_module *const *)a;
	const struct mt_dm_module *y = *(struct mt_dm_module *const *)b;

	if (x->file_size != y->file_size)
		return x->file_size < y->file_size ? 1 : -1;
	return strcmp(x->path, y->path);
}

static void *worker(void *data)
{
	struct pool *pool = data;
	struct mt_dm_reader *r = mt_dm_reader_new(pool->dirfd);

	for (;;) {
		size_t i = __atomic_fetch_add(&pool->next, 1, __ATOMIC_RELAXED);

		if (i >= pool->n)
			break;
		if (r)
			mt_depmod_parse_module_with(pool->todo[i], r);
		else
			mt_depmod_parse_module(pool->todo[i]);	/* says "out of memory" */
	}
	mt_dm_reader_free(r);
	return NULL;
}

int mt_depmod_parse_all(struct mt_dm_module **mods, size_t n, unsigned int threads,
			const char *dirname)
{
	struct pool pool = { .dirfd = -1 };
	pthread_t *tid;
	unsigned int started = 0;

	pool.todo = malloc((n ? n : 1) * sizeof(*pool.todo));
	if (!pool.todo)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!mods[i]->rec.data && !mods[i]->broken)
			pool.todo[pool.n++] = mods[i];
	qsort(pool.todo, pool.n, sizeof(*pool.todo), size_desc);
	if (dirname)
		pool.dirfd = open(dirname, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (threads == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		threads = c > 0 ? (unsigned int)c : 1;
	}
	if (threads > pool.n)
		threads = pool.n ? (unsigned int)pool.n : 1;
	tid = calloc(threads, sizeof(*tid));
	/* this thread works too: threads - 1 helpers */
	for (unsigned int t = 1; tid && t < threads; t++) {
		if (pthread_create(&tid[t], NULL, worker, &pool) != 0)
			break;
		started++;
	}
	worker(&pool);
	for (unsigned int t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	free(tid);
	free(pool.todo);
	if (pool.dirfd >= 0)
		close(pool.dirfd);
	return 0;
}
