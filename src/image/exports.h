/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a vmlinux exports to modules (its export tables), and the version
 * magic it compares modules' against: read from the unpacked ELF, whose
 * section headers survive in a vmlinuz's payload even though its symbols
 * do not.
 */
#ifndef MODTOOL_IMAGE_EXPORTS_H
#define MODTOOL_IMAGE_EXPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One exported symbol; the strings point into the image. */
struct mt_kernel_export {
	const char *name;
	const char *ns;		/* its namespace, NULL for none */
	uint32_t crc;
	bool has_crc;		/* the kernel was built with modversions */
	bool gpl_only;		/* from __ksymtab_gpl */
};

/* Called for each export; a non-zero return stops the walk and is returned. */
typedef int (*mt_kernel_export_fn)(void *data, const struct mt_kernel_export *e);

/*
 * Each entry of __ksymtab then __ksymtab_gpl of the vmlinux ELF @elf (@size
 * bytes), with its CRC from __kcrctab/__kcrctab_gpl (the same index) when
 * those exist.  Entries are struct kernel_symbol: three 32-bit offsets each
 * relative to its own field (CONFIG_HAVE_ARCH_PREL32_RELOCATIONS) or three
 * absolute pointers; the layout is told by which one puts every name inside
 * __ksymtab_strings.  Returns the number of exports, or -ENOEXEC (not an
 * ELF), -ENODATA (no export tables: no module support) or -EBADMSG (a table
 * that lies: a name outside the strings, CRC and symbol tables of different
 * lengths), with the reason in *@why.
 */
int mt_vmlinux_exports(const uint8_t *elf, size_t size, mt_kernel_export_fn fn, void *data,
		       const char **why);

/*
 * The version magic the kernel compares a module's "vermagic=" with
 * (VERMAGIC_STRING: "RELEASE SMP preempt mod_unload modversions "), found in
 * the vmlinux's read-only data as a string of such words starting with
 * @release (the image's own, from its banner when NULL or "").  0 with
 * *@vermagic pointing into @elf (@len bytes, no NUL), -ENODATA, -ENOEXEC.
 */
int mt_vmlinux_vermagic(const uint8_t *elf, size_t size, const char *release,
			const char **vermagic, size_t *len);

/*
 * The kernel release of the vmlinux @elf from its banner ("Linux version
 * RELEASE (...") into @out: 0 or -ENODATA.
 */
int mt_vmlinux_release(const uint8_t *elf, size_t size, char *out, size_t outsize);

#endif
