// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One module checked: its file opened as the kernel would read it (the
 * decompressed ELF, .modinfo, .gnu.linkonce.this_module), then each rule
 * file in the order load_module() meets them.
 */
#include "base/internal.h"
#include "check/check.h"
#include "module/file.h"
#include "module/module.h"

const char *mt_view_info(const struct mt_view *v, const char *key)
{
	size_t n = modtool_info_count(v->info);

	for (size_t i = 0; i < n; i++)
		if (mt_streq(modtool_info_get_key(v->info, i), key))
			return modtool_info_get_value(v->info, i);
	return NULL;
}

bool mt_view_info_has(const struct mt_view *v, const char *key, const char *value)
{
	size_t n = modtool_info_count(v->info);

	for (size_t i = 0; i < n; i++)
		if (mt_streq(modtool_info_get_key(v->info, i), key) &&
		    mt_streq(modtool_info_get_value(v->info, i), value))
			return true;
	return false;
}

bool mt_view_version(const struct mt_view *v, const char *name, uint32_t *crc)
{
	uint64_t c;

	if (!v->versions)
		return false;
	c = mt_msym_versions_crc(v->versions, name, strlen(name));
	*crc = (uint32_t)c;
	return c != 0;
}

/*
 * try_to_force_load(): with CONFIG_MODULE_FORCE_LOAD the kernel goes on and
 * taints F, without it the load fails with ENOEXEC.
 */
int mt_view_force(struct mt_view *v, const char *code, int stage, const char *what,
		  const char *advice)
{
	if (v->chk->force_load == 0)
		return mt_finding_add(v->m, code, MODTOOL_FINDING_REFUSE, stage, 0, -ENOEXEC, NULL,
				      advice, "%s, and the kernel cannot force it "
				      "(no CONFIG_MODULE_FORCE_LOAD): refused", what);
	if (v->chk->force_load < 0)
		return mt_finding_add(v->m, code, MODTOOL_FINDING_UNKNOWN, stage, 'F', 0, NULL,
				      advice, "%s: the kernel forces it (taint F) or refuses it, "
				      "as its configuration says (not known)", what);
	return mt_finding_add(v->m, code, MODTOOL_FINDING_TAINT, stage, 'F', 0, NULL, advice,
			      "%s: the kernel loads it by force and taints F", what);
}

/* include/linux/license.h: license_is_gpl_compatible() */
static bool license_gpl_compatible(const char *license)
{
	static const char *const compatible[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
		"Dual MPL/GPL",
	};

	for (size_t i = 0; license && i < sizeof(compatible) / sizeof(compatible[0]); i++)
		if (mt_streq(license, compatible[i]))
			return true;
	return false;
}

/* The name the kernel knows it by (.modinfo's name=), whatever the file is called. */
static int take_module_name(struct mt_view *v)
{
	const char *name = mt_view_info(v, "name");
	char *copy;

	if (!name || !name[0] || mt_streq(name, v->m->name))
		return 0;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	free(v->m->name);
	v->m->name = copy;
	v->name = copy;
	return 0;
}

/* Not a module the kernel can read: refused before anything else is looked at. */
static int not_a_module(struct mt_view *v, const char *why)
{
	return mt_finding_add(v->m, "not-a-module", MODTOOL_FINDING_REFUSE, MT_STAGE_ELF, 0,
			      -ENOEXEC, NULL, "rebuild the module, or restore its file",
			      "%s: %s", v->path, why);
}

/* The ELF and the sections the kernel requires of every module. */
static int open_view(struct mt_view *v, bool *usable)
{
	struct mt_file *file;
	struct mt_elf_section sec;
	const char *why = NULL;
	int err;

	*usable = false;
	err = mt_module_file(v->mod, &file);
	if (err < 0) {
		if (mt_err_is_environment(err))
			return err;
		return mt_finding_add(v->m, "unreadable", MODTOOL_FINDING_UNKNOWN, MT_STAGE_ELF, 0, 0,
				      NULL, "check the file", "%s cannot be read: %s", v->path,
				      strerror(-err));
	}
	v->data = file->data;
	v->size = file->size;
	if (mt_elf_init(&v->elf, v->data, v->size, &why) < 0)
		return not_a_module(v, why ? why : "not an ELF file");
	if (mt_msym_init(&v->ms, &v->elf, &why) < 0)
		return not_a_module(v, why ? why : "malformed section table");
	err = mt_elf_find_section(&v->elf, ".gnu.linkonce.this_module", &sec, &why);
	if (err == -ENOENT)
		return not_a_module(v, "no .gnu.linkonce.this_module section: an object file, "
				       "not a module");
	if (err < 0)
		return not_a_module(v, why ? why : "malformed section table");
	err = modtool_module_get_info(v->mod, 0, &v->info);
	if (err < 0) {
		if (mt_err_is_environment(err))
			return err;
		return not_a_module(v, "its .modinfo cannot be read");
	}
	err = take_module_name(v);
	if (err < 0)
		return err;
	v->has_versions = v->ms.sec[MT_MSYM_VERSIONS].index != 0;
	if (v->has_versions && mt_msym_versions_new(&v->ms, &v->versions) < 0)
		return -ENOMEM;
	v->gpl_compatible = license_gpl_compatible(mt_view_info(v, "license"));
	*usable = true;
	return 0;
}

int mt_check_module_file(struct modtool_check *chk, struct modtool_module *mod,
			 struct mt_checked *m)
{
	struct mt_view v = {
		.chk = chk, .ctx = chk->ctx, .mod = mod, .m = m,
		.name = modtool_module_get_name(mod), .path = modtool_module_get_path(mod),
	};
	int (*const rules[])(struct mt_view *) = {
		mt_rules_signature, mt_rules_version, mt_rules_taint, mt_rules_symbols,
		mt_rules_removal, mt_rules_firmware,
	};
	bool usable;
	int err = 0;

	if (v.path) {
		err = open_view(&v, &usable);
		for (size_t i = 0; err == 0 && usable && i < sizeof(rules) / sizeof(rules[0]); i++)
			err = rules[i](&v);
	}
	modtool_info_free(v.info);
	mt_msym_versions_free(v.versions);
	return err;
}

int mt_check_module(struct modtool_check *chk, struct modtool_module *mod, struct mt_checked *m)
{
	int err = mt_check_module_file(chk, mod, m);

	if (err == 0)
		err = mt_rules_state(chk, mod, m);
	mt_checked_conclude(m);
	return err;
}
