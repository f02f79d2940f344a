// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The taint a load sets from .modinfo (check_modinfo() in 6.1,
 * module_augment_kernel_taints() in 6.12, the same letters): O without
 * "intree", C for "staging", K for "livepatch", P for a licence
 * license_is_gpl_compatible() does not list (and for three modules by
 * name), N for "test".  They are set before the symbols are resolved: a
 * module refused for a symbol has tainted the kernel already.  (X, the
 * auxiliary taint, is set by no mainline kernel from a module: SUSE's
 * "supported" key does it there.)
 */
#include "base/internal.h"
#include "check/check.h"

static int taint(struct mt_view *v, const char *code, char letter, const char *advice,
		 const char *message)
{
	return mt_finding_add(v->m, code, MODTOOL_FINDING_TAINT, MT_STAGE_TAINTS, letter, 0, NULL,
			      advice, "%s: loading it taints the kernel (%c)", message, letter);
}

static int check_license(struct mt_view *v)
{
	static const char *const proprietary_by_name[] = { "ndiswrapper", "driverloader", "lve" };
	const char *license = mt_view_info(v, "license");

	for (size_t i = 0; i < sizeof(proprietary_by_name) / sizeof(proprietary_by_name[0]); i++)
		if (mt_streq(v->name, proprietary_by_name[i]))
			return taint(v, "license", 'P', NULL,
				     "a module the kernel taints as proprietary by its name");
	if (v->gpl_compatible)
		return 0;
	if (!license)
		return mt_finding_add(v->m, "license", MODTOOL_FINDING_TAINT, MT_STAGE_TAINTS, 'P',
				      0, NULL, "add MODULE_LICENSE() to its source",
				      "no licence (license=): the kernel counts it as proprietary "
				      "and taints (P); GPL-only symbols are not available to it");
	return mt_finding_add(v->m, "license", MODTOOL_FINDING_TAINT, MT_STAGE_TAINTS, 'P', 0, NULL,
			      "nothing to do if the licence is right; GPL-only symbols stay "
			      "out of its reach",
			      "licence \"%s\" is not GPL-compatible: loading it taints the kernel "
			      "(P); GPL-only symbols are not available to it", license);
}

int mt_rules_taint(struct mt_view *v)
{
	int err = 0;

	if (mt_view_info(v, "livepatch")) {
		if (v->chk->livepatch == 0)
			return mt_finding_add(v->m, "livepatch-unsupported", MODTOOL_FINDING_REFUSE,
					      MT_STAGE_VERMAGIC, 0, -ENOEXEC, NULL,
					      "use a kernel built with CONFIG_LIVEPATCH",
					      "a livepatch module, and the kernel has no livepatch "
					      "support");
		err = taint(v, "livepatch", 'K', NULL, "a livepatch module");
	}
	if (!err && !mt_view_info(v, "intree"))
		err = taint(v, "out-of-tree", 'O',
			    "nothing to do for a module you build yourself; prefer the "
			    "distribution's build where there is one",
			    "built outside the kernel tree (no intree=Y)");
	if (!err && mt_view_info(v, "staging"))
		err = taint(v, "staging", 'C', "prefer a driver outside drivers/staging if one exists",
			    "from drivers/staging, whose quality is unknown");
	if (!err)
		err = check_license(v);
	if (!err && mt_view_info(v, "test"))
		err = taint(v, "test", 'N', "load test modules on test machines only",
			    "a test module (KUnit)");
	return err;
}
