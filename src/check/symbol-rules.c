// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The module's undefined symbols, as simplify_symbols() and
 * resolve_symbol() meet them, in symbol-table order: a symbol nobody
 * exports (or a GPL-only one, for a module whose licence is not
 * GPL-compatible: find_symbol() does not see it) fails with ENOENT unless
 * it is weak; a CRC that differs from the one __versions gives fails with
 * EINVAL, so does a namespace the module does not import.  The kernel goes
 * on through all symbols and answers with the last failure.  An export with
 * a CRC and a module without __versions taints F (try_to_force_load()).
 */
#include <elf.h>

#include "base/internal.h"
#include "check/check.h"

static const char rebuild_advice[] =
	"rebuild the module against this kernel's headers and Module.symvers";

struct symbol_walk {
	struct mt_view *v;
	bool forced, unversioned;	/* each said once */
	int err;
};

static const struct mt_export *provider(struct modtool_check *chk, const char *name)
{
	const struct mt_export *e = mt_export_table_find(chk->exports, name);

	return e ? e : mt_check_tree_export(chk, name);
}

static const char *owner_name(const struct mt_export *e)
{
	return e->owner ? e->owner : "the kernel";
}

static int check_crc(struct symbol_walk *w, const char *name, const struct mt_export *e)
{
	struct mt_view *v = w->v;
	uint32_t crc;

	if (!e->has_crc)
		return 0;
	if (!v->has_versions) {
		if (w->forced || mt_finding_find(v->m, "no-versions"))
			return 0;
		w->forced = true;
		return mt_view_force(v, "no-versions", MT_STAGE_SYMBOLS,
				     "no symbol versions (__versions) for a kernel that has them",
				     rebuild_advice);
	}
	if (!mt_view_version(v, name, &crc)) {
		if (w->unversioned)
			return 0;
		w->unversioned = true;
		return mt_finding_add(v->m, "no-symbol-version", MODTOOL_FINDING_NOTE,
				      MT_STAGE_SYMBOLS, 0, 0, name, NULL,
				      "no symbol version for %s: the kernel warns once and "
				      "binds it unchecked", name);
	}
	if (crc == e->crc)
		return 0;
	return mt_finding_add(v->m, "crc-mismatch", MODTOOL_FINDING_REFUSE, MT_STAGE_SYMBOLS, 0,
			      -EINVAL, name, rebuild_advice,
			      "disagrees about version of symbol %s: the module expects "
			      "0x%08x, %s exports 0x%08x", name, crc, owner_name(e), e->crc);
}

static int check_namespace(struct symbol_walk *w, const char *name, const struct mt_export *e)
{
	struct mt_view *v = w->v;

	if (!e->ns || v->chk->allow_missing_ns == 1 || mt_view_info_has(v, "import_ns", e->ns))
		return 0;
	return mt_finding_add(v->m, "namespace-not-imported", MODTOOL_FINDING_REFUSE,
			      MT_STAGE_SYMBOLS, 0, -EINVAL, name,
			      "add MODULE_IMPORT_NS() for the namespace to its source and rebuild",
			      "uses symbol %s from namespace %s, but does not import it "
			      "(no import_ns=%s)", name, e->ns, e->ns);
}

static int check_symbol(void *data, const struct mt_msym_symbol *sym)
{
	struct symbol_walk *w = data;
	struct mt_view *v = w->v;
	const struct mt_export *e;
	bool weak = sym->bind == STB_WEAK;
	int err;

	if (sym->shndx != SHN_UNDEF)
		return 0;
	e = provider(v->chk, sym->name);
	if (!e) {
		if (weak)
			return 0;
		return mt_finding_add(v->m, "unknown-symbol", MODTOOL_FINDING_REFUSE,
				      MT_STAGE_SYMBOLS, 0, -ENOENT, sym->name,
				      "load the module that exports it first, or rebuild against "
				      "this kernel", "unknown symbol %s: neither the kernel nor "
				      "a module of the tree exports it", sym->name);
	}
	if (e->gpl_only && !v->gpl_compatible) {
		if (weak)
			return 0;
		return mt_finding_add(v->m, "gpl-only-symbol", MODTOOL_FINDING_REFUSE,
				      MT_STAGE_SYMBOLS, 0, -ENOENT, sym->name,
				      "only a module under a GPL-compatible licence may use it",
				      "uses GPL-only symbol %s (from %s) under licence \"%s\": "
				      "the kernel does not bind it (unknown symbol)", sym->name,
				      owner_name(e), mt_view_info(v, "license") ?: "(none)");
	}
	err = check_crc(w, sym->name, e);
	if (err == 0)
		err = check_namespace(w, sym->name, e);
	return err;
}

/*
 * check_export_symbol_versions(): a module that exports symbols without
 * their CRCs, to a kernel with modversions, is loaded by force (F).
 */
static int check_own_exports(struct mt_view *v)
{
	static const char *const names[] = { "__ksymtab", "__kcrctab", "__ksymtab_gpl",
					     "__kcrctab_gpl" };
	struct mt_elf_section sec[4];
	const char *why;
	const struct mt_export *layout = mt_export_table_find(v->chk->exports, "module_layout");

	if (!layout || !layout->has_crc || mt_elf_find_sections(&v->elf, names, 4, sec, &why) < 0)
		return 0;
	for (int i = 0; i < 4; i += 2)
		if (sec[i].index && sec[i].size && !sec[i + 1].index)
			return mt_view_force(v, "exports-without-crcs", MT_STAGE_TAINTS,
					     "it exports symbols without their CRCs (no __kcrctab)",
					     rebuild_advice);
	return 0;
}

int mt_rules_symbols(struct mt_view *v)
{
	struct symbol_walk w = { .v = v };
	int err;

	if (!v->chk->exports_known)
		return mt_finding_add(v->m, "exports-unknown", MODTOOL_FINDING_UNKNOWN,
				      MT_STAGE_SYMBOLS, 0, 0, NULL,
				      "give the kernel image (-b, --kernel) or its Module.symvers",
				      "the kernel's exports are not known: cannot tell whether "
				      "its symbols resolve");
	err = check_own_exports(v);
	if (err == 0)
		err = mt_msym_foreach_symbol(&v->ms, check_symbol, &w);
	return err == -ENOENT ? 0 : err;
}
