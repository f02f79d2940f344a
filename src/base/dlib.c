// SPDX-License-Identifier: LGPL-2.1-or-later
/* Loading optional libraries on first use. */
#include <dlfcn.h>
#include <pthread.h>

#include "base/dlib.h"
#include "base/internal.h"

static pthread_mutex_t dlib_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The libraries dlopen()ed here are invisible to ldd, so initramfs builders
 * and package tools that copy what ldd names leave them out.  systemd's
 * "ELF dlopen metadata" note lists them for those that read it (dracut-ng,
 * mkosi, systemd's packaging tools): owner "FDO", type 0x407c0c0a, a
 * NUL-terminated JSON array, in a 4-byte-aligned allocated section.  It
 * lives in this file, not one of its own, because an object of a static
 * archive is linked only when something it defines is used: every binary
 * that can dlopen (the tools link libmodtool's objects) carries the note.
 * The JSON comes from meson's one list of the optional libraries.
 */
#ifdef MT_DLOPEN_NOTE_JSON
#define DLOPEN_NOTE_OWNER "FDO"
#define DLOPEN_NOTE_TYPE 0x407c0c0au

static const struct {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
	char name[(sizeof(DLOPEN_NOTE_OWNER) + 3) & ~3u];
	char desc[(sizeof(MT_DLOPEN_NOTE_JSON) + 3) & ~3u];
} dlopen_note __attribute__((section(".note.dlopen"), aligned(4), used)) = {
	.n_namesz = sizeof(DLOPEN_NOTE_OWNER),
	.n_descsz = sizeof(MT_DLOPEN_NOTE_JSON),
	.n_type = DLOPEN_NOTE_TYPE,
	.name = DLOPEN_NOTE_OWNER,
	.desc = MT_DLOPEN_NOTE_JSON,
};
#endif

static int dlib_resolve(struct mt_dlib *lib)
{
	lib->handle = dlopen(lib->soname, RTLD_LAZY | RTLD_LOCAL);
	if (!lib->handle) {
		lib->why = lib->soname;
		return -ELIBACC;
	}
	for (size_t i = 0; i < lib->count; i++) {
		void *sym = dlsym(lib->handle, lib->names[i]);

		if (!sym) {
			lib->why = lib->names[i];
			dlclose(lib->handle);
			lib->handle = NULL;
			return -ELIBACC;
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
