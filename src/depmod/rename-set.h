/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Renaming a set of files into place so that a kill cannot stop it half-way.
 */
#pragma once

#include <stddef.h>

/*
 * Rename from[i] to to[i] (names in the directory @dfd) for every i, then
 * fsync @dfd, in a child process that a signal sent to this process does not
 * reach.  @dfd must be held locked (flock) by the caller: the child inherits
 * the lock and holds it until the last rename is done, so a reader that takes
 * the lock sees a whole set even when this process was killed.
 *
 * Returns 0, or -errno with *failed set to the index of the rename that
 * failed (n when the directory's fsync did).
 */
int mt_rename_set(int dfd, const char *const *from, const char *const *to, size_t n,
		  size_t *failed);
