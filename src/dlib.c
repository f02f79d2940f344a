// SPDX-License-Identifier: LGPL-2.1-or-later
/* Loading optional libraries on first use. */
#include <dlfcn.h>
#include <pthread.h>

#include "dlib.h"
#include "internal.h"

static pthread_mutex_t dlib_lock = PTHREAD_MUTEX_INITIALIZER;

static int dlib_resolve(struct mt_dlib *lib)
{
	lib->handle = dlopen(lib->soname, RTLD_LAZY | RTLD_LOCAL);
	if (!lib->handle) {
		lib->why = lib->soname;
		return -ENOTSUP;
	}
	for (size_t i = 0; i < lib->count; i++) {
		void *sym = dlsym(lib->handle, lib->names[i]);

		if (!sym) {
			lib->why = lib->names[i];
			dlclose(lib->handle);
			lib->handle = NULL;
			return -ENOTSUP;
		}
		/* POSIX: a dlsym() result converts to the function pointer it names */
		memcpy((char *)lib->syms + i * sizeof(void *), &sym, sizeof(void *));
	}
	return 0;
}

int mt_dlib_load(struct mt_dlib *lib)
{
	if (__atomic_load_n(&lib->state, __ATOMIC_ACQUIRE))
		return lib->err;
	pthread_mutex_lock(&dlib_lock);
	if (!lib->state) {
		lib->err = dlib_resolve(lib);
		__atomic_store_n(&lib->state, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&dlib_lock);
	return lib->err;
}
