// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every module of the tree, on every core: decompressing and verifying each
 * file is most of the work (xz and ECDSA on the 6.12 tree).  Workers, each
 * with its own cache of the tree's exports, share the context (its indexes
 * opened first, then only read, as the kernel's exports and keys) and take
 * the next file from a shared counter to read what the file tells; the
 * calling thread adds what the configuration and the running kernel say,
 * and hands the results to the caller in path order, as a serial run would.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/internal.h"
#include "check/check.h"
#include "index/index.h"
#include "module/tree.h"

#define MAX_THREADS 16

struct slot {
	struct modtool_check_result *res;
	int err;
	bool done;
};

struct tree_run {
	const struct modtool_check *chk;
	char **paths;
	size_t n;
	struct slot *slots;
	atomic_size_t next;
	atomic_bool stop;
	pthread_mutex_t lock;
	pthread_cond_t done;
};

/* What @path's file tells, into a new one-module result. */
static int check_file(struct modtool_check *clone, const char *path,
		      struct modtool_check_result **out)
{
	struct modtool_check_result *res = calloc(1, sizeof(*res));
	struct modtool_module *mod = NULL;
	struct mt_checked *m;
	int err;

	if (!res)
		return -ENOMEM;
	err = modtool_module_new_from_path(clone->ctx, path, &mod);
	if (err == 0) {
		m = mt_result_add(res, modtool_module_get_name(mod), path, true);
		err = m ? mt_check_module_file(clone, mod, m) : -ENOMEM;
	}
	modtool_module_unref(mod);
	if (err < 0) {
		modtool_check_result_free(res);
		return err;
	}
	*out = res;
	return 0;
}

static void *worker(void *arg)
{
	struct tree_run *run = arg;
	struct modtool_check *clone = NULL;
	int clone_err = mt_check_clone(run->chk, &clone);
	size_t i;

	while ((i = atomic_fetch_add(&run->next, 1)) < run->n) {
		struct modtool_check_result *res = NULL;
		int err = clone_err;

		if (err == 0 && !atomic_load(&run->stop))
			err = check_file(clone, run->paths[i], &res);
		else if (err == 0)
			err = -ECANCELED;
		pthread_mutex_lock(&run->lock);
		run->slots[i] = (struct slot){ res, err, true };
		pthread_cond_broadcast(&run->done);
		pthread_mutex_unlock(&run->lock);
	}
	mt_check_clone_free(clone);
	return NULL;
}

static unsigned int thread_count(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int threads = cpus > 0 ? (unsigned int)cpus : 1;

	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	return n < threads ? (unsigned int)(n ? n : 1) : threads;
}

/* Slot @i once done: the state rules, the verdict, then @fn. */
static int deliver(struct modtool_check *chk, struct tree_run *run, size_t i,
		   modtool_check_fn fn, void *data)
{
	struct modtool_module *mod = NULL;
	struct slot s;
	int err;

	pthread_mutex_lock(&run->lock);
	while (!run->slots[i].done)
		pthread_cond_wait(&run->done, &run->lock);
	s = run->slots[i];
	run->slots[i].res = NULL;
	pthread_mutex_unlock(&run->lock);
	err = s.err;
	if (err == 0)
		err = modtool_module_new_from_path(chk->ctx, run->paths[i], &mod);
	if (err == 0)
		err = mt_rules_state(chk, mod, &s.res->mods[0]);
	if (err == 0) {
		mt_checked_conclude(&s.res->mods[0]);
		err = fn(data, s.res);
	}
	modtool_module_unref(mod);
	modtool_check_result_free(s.res);
	return err;
}

MT_EXPORT int modtool_check_tree(struct modtool_check *chk, modtool_check_fn fn, void *data)
{
	struct tree_run run = { .chk = chk };
	pthread_t threads[MAX_THREADS];
	unsigned int n_threads = 0, want;
	int err, ret = 0;

	if (!chk || !fn)
		return -EINVAL;
	err = mt_check_tree_vermagic(chk);
	if (err == 0)
		err = mt_module_tree_list(chk->ctx, chk->ctx->module_dir, &run.paths, &run.n);
	if (err < 0)
		return err;
	run.slots = calloc(run.n ? run.n : 1, sizeof(*run.slots));
	if (!run.slots) {
		mt_strv_free(run.paths, run.n);
		return -ENOMEM;
	}
	/* opened now: the workers' lookups then only read the context */
	for (int id = 0; id < MT_INDEX_COUNT; id++)
		mt_ctx_index(chk->ctx, id);
	atomic_init(&run.next, 0);
	atomic_init(&run.stop, false);
	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.done, NULL);
	want = thread_count(run.n);
	while (n_threads < want && pthread_create(&threads[n_threads], NULL, worker, &run) == 0)
		n_threads++;
	if (n_threads == 0)
		ret = -EAGAIN;
	for (size_t i = 0; ret == 0 && i < run.n; i++)
		ret = deliver(chk, &run, i, fn, data);
	atomic_store(&run.stop, true);
	for (unsigned int t = 0; t < n_threads; t++)
		pthread_join(threads[t], NULL);
	for (size_t i = 0; i < run.n; i++)
		modtool_check_result_free(run.slots[i].res);
	pthread_cond_destroy(&run.done);
	pthread_mutex_destroy(&run.lock);
	free(run.slots);
	mt_strv_free(run.paths, run.n);
	return ret;
}
