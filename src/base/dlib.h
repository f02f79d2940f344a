/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Optional libraries (liblzma, zlib, libzstd, libcrypto) are dlopen()ed the
 * first time a file needs them: a call that reads no compressed or signed
 * data never pays for loading and relocating them.
 */
#ifndef MODTOOL_DLIB_H
#define MODTOOL_DLIB_H

#include <stddef.h>

struct mt_dlib {
	const char *soname;
	const char *const *names;	/* symbols to resolve, in the order of @syms */
	void *syms;			/* a struct of function pointers, one per name */
	size_t count;
	/* filled by mt_dlib_load */
	int state;			/* 0 not tried, 1 tried (see err) */
	int err;
	const char *why;
	void *handle;
};

#define MT_DLIB(so, names_, syms_) \
	{ .soname = (so), .names = (names_), .syms = &(syms_), \
	  .count = sizeof(names_) / sizeof((names_)[0]) }

/*
 * Load @lib once (thread-safe): 0, or -ELIBACC with lib->why saying which
 * library or symbol was missing (a fault of the machine, not of any file).  Later calls return the first result.
 */
int mt_dlib_load(struct mt_dlib *lib);

#endif
