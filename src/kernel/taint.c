// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's taint flags (include/linux/panic.h, kernel/panic.c's
 * taint_flags[]): bit, letter and what set it.  Bits past the last one
 * known here are reported as unknown, never dropped.
 */
#include "base/internal.h"

struct taint_flag {
	char letter;
	const char *name;
	const char *meaning;
};

static const struct taint_flag flags[MODTOOL_TAINT_BITS] = {
	{ 'P', "PROPRIETARY_MODULE", "a proprietary module was loaded" },
	{ 'F', "FORCED_MODULE", "a module was force-loaded" },
	{ 'S', "CPU_OUT_OF_SPEC", "the system runs out of specification (CPU or SMP)" },
	{ 'R', "FORCED_RMMOD", "a module was force-unloaded" },
	{ 'M', "MACHINE_CHECK", "a machine check exception occurred" },
	{ 'B', "BAD_PAGE", "a bad page was referenced or an unexpected page flag seen" },
	{ 'U', "USER", "a user program asked for the taint" },
	{ 'D', "DIE", "the kernel died recently (an oops or a BUG)" },
	{ 'A', "OVERRIDDEN_ACPI_TABLE", "an ACPI table was overridden" },
	{ 'W', "WARN", "the kernel issued a warning" },
	{ 'C', "CRAP", "a staging driver was loaded" },
	{ 'I', "FIRMWARE_WORKAROUND", "a workaround for a firmware bug is in use" },
	{ 'O', "OOT_MODULE", "an out-of-tree module was loaded" },
	{ 'E', "UNSIGNED_MODULE", "an unsigned module (or one signed by an unknown key) was loaded" },
	{ 'L', "SOFTLOCKUP", "a soft lockup occurred" },
	{ 'K', "LIVEPATCH", "the kernel was live patched" },
	{ 'X', "AUX", "an auxiliary taint, set by a distribution" },
	{ 'T', "RANDSTRUCT", "the kernel was built with structure layout randomization" },
	{ 'N', "TEST", "an in-kernel test ran" },
	{ 'J', "FWCTL", "userspace used a mutating fwctl ioctl" },
};

MT_EXPORT int modtool_taint_flag(unsigned int bit, char *letter, const char **name,
				 const char **meaning)
{
	if (bit >= MODTOOL_TAINT_BITS)
		return -ENOENT;
	if (letter)
		*letter = flags[bit].letter;
	if (name)
		*name = flags[bit].name;
	if (meaning)
		*meaning = flags[bit].meaning;
	return 0;
}

MT_EXPORT int modtool_taint_bit_of(char letter)
{
	for (unsigned int i = 0; i < MODTOOL_TAINT_BITS; i++)
		if (flags[i].letter == letter)
			return (int)i;
	return -ENOENT;
}
