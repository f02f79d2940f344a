// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exports of the tree's modules, read on demand: modules.symbols names
 * the module that provides a symbol, and that module's own symbol table
 * tells each export's CRC (__crc_NAME), whether it is GPL-only (the section
 * of __ksymtab_NAME) and its namespace (the string __kstrtabns_NAME points
 * at), in 6.1 and 6.12 alike.  A module is read once, all its exports at once.
 */
#include <elf.h>
#include <stdio.h>

#include "base/internal.h"
#include "check/check.h"
#include "index/index.h"
#include "module/file.h"
#include "module/module.h"

/* What a module's symbol table says, gathered before it is combined. */
struct module_exports {
	const struct mt_msym *ms;
	const char *owner;
	struct mt_export_table *ksymtab;	/* exported names, gpl_only set */
	struct mt_export_table *extra;		/* "c:NAME" CRCs, "n:NAME" namespaces */
};

static int add_extra(struct module_exports *x, char kind, const char *name, uint32_t crc,
		     const char *ns)
{
	char key[512];
	struct mt_export e = { .name = key, .crc = crc, .has_crc = kind == 'c', .ns = ns };

	if ((size_t)snprintf(key, sizeof(key), "%c:%s", kind, name) >= sizeof(key))
		return 0;
	return mt_export_table_add(x->extra, &e);
}

static int gather(void *data, const struct mt_msym_symbol *sym)
{
	struct module_exports *x = data;
	const char *section = NULL, *name = sym->name;
	const uint8_t *p;

	if (strncmp(name, "__ksymtab_", 10) == 0 && sym->shndx != 0) {
		struct mt_export e = { .name = name + 10, .owner = x->owner };

		mt_msym_symbol_data(x->ms, sym, 0, &section);
		e.gpl_only = section && mt_streq(section, "__ksymtab_gpl");
		return mt_export_table_add(x->ksymtab, &e);
	}
	if (strncmp(name, "__crc_", 6) == 0) {
		if (sym->shndx == SHN_ABS)
			return add_extra(x, 'c', name + 6, (uint32_t)sym->value, NULL);
		p = mt_msym_symbol_data(x->ms, sym, 4, NULL);
		return p ? add_extra(x, 'c', name + 6, mt_elf_u32(x->ms->elf, p), NULL) : 0;
	}
	if (strncmp(name, "__kstrtabns_", 12) == 0) {
		p = mt_msym_symbol_data(x->ms, sym, 1, NULL);
		/* the string must end inside its section */
		if (p && memchr(p, 0, (size_t)(x->ms->elf->data + x->ms->elf->size - p)) && *p)
			return add_extra(x, 'n', name + 12, 0, (const char *)p);
	}
	return 0;
}

/* Each gathered export, with its CRC and namespace, into the tree's table. */
static int combine(struct modtool_check *chk, struct module_exports *x)
{
	char key[512];

	for (size_t i = 0; ; i++) {
		const struct mt_export *e = mt_export_table_at(x->ksymtab, i);
		const struct mt_export *c, *n;
		struct mt_export out;

		if (!e)
			break;
		if (!e->name)
			continue;
		out = *e;
		snprintf(key, sizeof(key), "c:%s", e->name);
		c = mt_export_table_find(x->extra, key);
		snprintf(key, sizeof(key), "n:%s", e->name);
		n = mt_export_table_find(x->extra, key);
		out.crc = c ? c->crc : 0;
		out.has_crc = c != NULL;
		out.ns = n ? n->ns : NULL;
		if (mt_export_table_add(chk->tree_exports, &out) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int read_module_exports(struct modtool_check *chk, const char *owner, const char *path)
{
	struct modtool_module *mod = NULL;
	struct module_exports x = { .owner = owner };
	struct mt_file *file;
	struct mt_msym ms;
	struct mt_elf elf;
	const char *why;
	int err;

	err = modtool_module_new_from_path(chk->ctx, path, &mod);
	if (err == 0)
		err = mt_module_file(mod, &file);
	/* a provider that cannot be read provides nothing: its users say so */
	if (err == 0 && (mt_elf_init(&elf, file->data, file->size, &why) < 0 ||
			 mt_msym_init(&ms, &elf, &why) < 0))
		err = -ENOEXEC;
	if (err == 0) {
		x.ms = &ms;
		err = mt_export_table_new(&x.ksymtab);
		if (err == 0)
			err = mt_export_table_new(&x.extra);
		if (err == 0)
			err = mt_msym_foreach_symbol(&ms, gather, &x);
		if (err == 0)
			err = combine(chk, &x);
	}
	mt_export_table_free(x.ksymtab);
	mt_export_table_free(x.extra);
	modtool_module_unref(mod);
	return mt_err_is_environment(err) ? err : 0;
}

static bool already_read(const struct modtool_check *chk, const char *owner)
{
	for (size_t i = 0; i < chk->n_tree_read; i++)
		if (mt_streq(chk->tree_read[i], owner))
			return true;
	return false;
}

const struct mt_export *mt_check_tree_export(struct modtool_check *chk, const char *name)
{
	const struct mt_export *e = mt_export_table_find(chk->tree_exports, name);
	struct mt_index *idx;
	struct mt_index_value v;
	struct modtool_list *list = NULL;
	char key[512], owner[256];

	if (e)
		return e;
	idx = mt_ctx_index(chk->ctx, MT_INDEX_SYMBOLS);
	if (!idx || (size_t)snprintf(key, sizeof(key), "symbol:%s", name) >= sizeof(key) ||
	    mt_index_lookup(idx, key, &v) <= 0 || v.len >= sizeof(owner))
		return NULL;
	memcpy(owner, v.value, v.len);
	owner[v.len] = '\0';
	if (already_read(chk, owner))
		return NULL;
	if (mt_strv_push(&chk->tree_read, &chk->n_tree_read, &chk->tree_read_cap, owner) < 0)
		return NULL;
	if (modtool_module_lookup(chk->ctx, owner, MODTOOL_LOOKUP_NAME_ONLY, &list) > 0 &&
	    modtool_module_get_path(modtool_list_get(list, 0)))
		read_module_exports(chk, owner, modtool_module_get_path(modtool_list_get(list, 0)));
	modtool_list_free(list);
	return mt_export_table_find(chk->tree_exports, name);
}
