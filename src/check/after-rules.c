// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What happens after a load: can the module be taken out again, and will it
 * find its firmware?  delete_module() refuses (EBUSY) a module that has an
 * init function but no exit function unless forced (rmmod -f, with
 * CONFIG_MODULE_FORCE_UNLOAD, tainting R); a kernel without
 * CONFIG_MODULE_UNLOAD removes nothing.  The firmware loader looks in
 * firmware_class.path, then /lib/firmware/updates/RELEASE,
 * /lib/firmware/updates, /lib/firmware/RELEASE and /lib/firmware.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "base/internal.h"
#include "check/check.h"

struct init_exit {
	bool init, exit;
};

static int find_init_exit(void *data, const struct mt_msym_symbol *sym)
{
	struct init_exit *ie = data;

	if (sym->shndx == 0)
		return 0;
	if (mt_streq(sym->name, "init_module"))
		ie->init = true;
	else if (mt_streq(sym->name, "cleanup_module"))
		ie->exit = true;
	return 0;
}

int mt_rules_removal(struct mt_view *v)
{
	struct init_exit ie = { false, false };
	const char *kmagic = v->chk->vermagic;

	if (v->chk->module_unload == 0 || (kmagic && !strstr(kmagic, " mod_unload")))
		return mt_finding_add(v->m, "no-exit", MODTOOL_FINDING_WARNING, MT_STAGE_AFTER, 0, 0,
				      NULL, NULL, "the kernel cannot remove modules "
				      "(no CONFIG_MODULE_UNLOAD): once loaded it stays");
	mt_msym_foreach_symbol(&v->ms, find_init_exit, &ie);
	if (!ie.init || ie.exit)
		return 0;
	return mt_finding_add(v->m, "no-exit", MODTOOL_FINDING_WARNING, MT_STAGE_AFTER, 0, 0, NULL,
			      "reboot to be rid of it; rmmod -f forces it out (taints R) where "
			      "the kernel allows forced removal",
			      "it has an init function but no cleanup function (no "
			      "module_exit): once loaded it cannot be removed (rmmod: EBUSY)");
}

static bool exists_in(const char *root, const char *dir, const char *release, const char *name)
{
	static const char *const suffixes[] = { "", ".xz", ".zst" };
	char path[4096];
	struct stat st;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		int n = release ? snprintf(path, sizeof(path), "%s%s/%s/%s%s", root, dir, release,
					   name, suffixes[i])
				: snprintf(path, sizeof(path), "%s%s/%s%s", root, dir, name,
					   suffixes[i]);

		if (n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return true;
	}
	return false;
}

static bool firmware_found(const struct modtool_check *chk, const char *name)
{
	const char *root = chk->root ? chk->root : "";
	const char *rel = chk->release;

	if (chk->firmware_path && exists_in("", chk->firmware_path, NULL, name))
		return true;
	return (rel && exists_in(root, "/lib/firmware/updates", rel, name)) ||
	       exists_in(root, "/lib/firmware/updates", NULL, name) ||
	       (rel && exists_in(root, "/lib/firmware", rel, name)) ||
	       exists_in(root, "/lib/firmware", NULL, name);
}

int mt_rules_firmware(struct mt_view *v)
{
	size_t n = modtool_info_count(v->info);
	int err = 0;

	for (size_t i = 0; i < n && err == 0; i++) {
		const char *fw = modtool_info_get_value(v->info, i);

		if (!mt_streq(modtool_info_get_key(v->info, i), "firmware") || !fw[0])
			continue;
		/* a pattern names a family of files, not one to look for */
		if (strpbrk(fw, "*?[") || strstr(fw, "..") || fw[0] == '/')
			continue;
		if (!firmware_found(v->chk, fw))
			err = mt_finding_add(v->m, "firmware-missing", MODTOOL_FINDING_WARNING,
					     MT_STAGE_AFTER, 0, 0, fw,
					     "install the package that ships it (firmware-*), or "
					     "ignore it if the device is not there",
					     "firmware %s is not in the firmware search path: the "
					     "module loads, its device may not start", fw);
	}
	return err;
}
