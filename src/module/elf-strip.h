/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A forced load on a kernel without finit_module() (before 3.8), which has no
 * flags to ignore symbol versions or the version magic: the module's image
 * is changed instead, in a private copy, never in its file.
 */
#ifndef MODTOOL_ELF_STRIP_H
#define MODTOOL_ELF_STRIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * @modversions: __versions no longer allocated (the kernel looks for the
 * section among allocated ones only, and finds no versions to check);
 * @vermagic: the .modinfo "vermagic=" string blanked (no magic to compare).
 * A section that is not there is nothing to strip.  -ENOEXEC when @image is
 * not an ELF file we can read.
 */
int mt_elf_strip_for_force(uint8_t *image, size_t size, bool modversions, bool vermagic);

#endif
