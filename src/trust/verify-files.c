// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Verifying many modules on every core: workers take the next file from a
 * shared counter; the calling thread hands the results to the caller in the
 * order of the list, as soon as each one and all before it are done, so the
 * output of a parallel run is the output of a serial one.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/internal.h"
#include "module/tree.h"

/* More threads than this gain nothing on the digest-bound work here. */
#define MAX_THREADS 64

struct result {
	int err;
	struct modtool_verification *v;
	bool done;
};

struct run {
	const struct modtool_keyring *kr;
	struct modtool_ctx *ctx;
	const char *const *paths;
	size_t n;
	struct result *results;
	atomic_size_t next;
	atomic_bool stop;
	pthread_mutex_t lock;
	pthread_cond_t done;
};

static void *worker(void *arg)
{
	struct run *run = arg;
	size_t i;

	while (!atomic_load(&run->stop) && (i = atomic_fetch_add(&run->next, 1)) < run->n) {
		struct modtool_verification *v = NULL;
		int err = modtool_keyring_verify(run->kr, run->ctx, run->paths[i], &v);

		pthread_mutex_lock(&run->lock);
		run->results[i] = (struct result){ .err = err, .v = v, .done = true };
		pthread_cond_broadcast(&run->done);
		pthread_mutex_unlock(&run->lock);
	}
	return NULL;
}

static unsigned int thread_count(unsigned int threads, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (threads == 0)
		threads = cpus > 0 ? (unsigned int)cpus : 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	return n < threads ? (unsigned int)(n ? n : 1) : threads;
}

/* Hand result @i to @fn once it is done; what @fn returned. */
static int deliver(struct run *run, size_t i, modtool_verify_fn fn, void *data)
{
	struct result r;
	int ret;

	pthread_mutex_lock(&run->lock);
	while (!run->results[i].done)
		pthread_cond_wait(&run->done, &run->lock);
	r = run->results[i];
	run->results[i].v = NULL;
	pthread_mutex_unlock(&run->lock);
	ret = fn(data, run->paths[i], r.err, r.v);
	modtool_verification_free(r.v);
	return ret;
}

static int run_threads(struct run *run, unsigned int threads, modtool_verify_fn fn, void *data)
{
	pthread_t tids[MAX_THREADS];
	unsigned int started = 0;
	int ret = 0;

	for (; started < threads; started++)
		if (pthread_create(&tids[started], NULL, worker, run) != 0)
			break;
	if (started == 0)
		worker(run);	/* no thread to be had: work in this one */
	for (size_t i = 0; i < run->n && ret == 0; i++)
		ret = deliver(run, i, fn, data);
	atomic_store(&run->stop, true);
	for (unsigned int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	for (size_t i = 0; i < run->n; i++)
		modtool_verification_free(run->results[i].v);
	return ret;
}

MT_EXPORT int modtool_keyring_verify_files(const struct modtool_keyring *kr,
					   struct modtool_ctx *ctx, const char *const *paths,
					   size_t n, unsigned int threads, modtool_verify_fn fn,
					   void *data)
{
	struct run run = { .kr = kr, .ctx = ctx, .paths = paths, .n = n };
	int ret;

	if (!kr || !ctx || (!paths && n) || !fn)
		return -EINVAL;
	if (n == 0)
		return 0;
	run.results = calloc(n, sizeof(*run.results));
	if (!run.results)
		return -ENOMEM;
	atomic_init(&run.next, 0);
	atomic_init(&run.stop, false);
	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.done, NULL);
	ret = run_threads(&run, thread_count(threads, n), fn, data);
	pthread_cond_destroy(&run.done);
	pthread_mutex_destroy(&run.lock);
	free(run.results);
	return ret;
}

MT_EXPORT int modtool_keyring_verify_tree(const struct modtool_keyring *kr,
					  struct modtool_ctx *ctx, const char *dir,
					  unsigned int threads, modtool_verify_fn fn, void *data)
{
	char **paths = NULL;
	size_t n = 0;
	int err;

	if (!kr || !ctx || !dir || !fn)
		return -EINVAL;
	err = mt_module_tree_list(ctx, dir, &paths, &n);
	if (err < 0)
		return err;
	err = modtool_keyring_verify_files(kr, ctx, (const char *const *)paths, n, threads, fn,
					   data);
	mt_strv_free(paths, n);
	return err;
}
