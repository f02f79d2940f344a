// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod -n --json: what a run would write, as data instead of text.  One
 * object with a member per file, each an array of its entries in the
 * file's order, taken from the resolved run as output.c formats it (its
 * dependency lists, symbol order and devname rule are shared, not redone).
 * The binary indexes hold the same entries by key; the built-in ones are
 * made from files depmod only reads (modules.builtin and .modinfo).
 */
#include "base/internal.h"
#include "depmod/depmod.h"

/* {"module": relpath, "name", "depends": [relpaths]} per module. */
static int json_deps(struct mt_depmod_run *run, struct modtool_json *j)
{
	int err = 0;

	modtool_json_key(j, "modules.dep");
	modtool_json_begin_array(j);
	for (size_t i = 0; !err && i < run->n_mods; i++) {
		const struct mt_dm_module *m = run->mods[i];
		uint32_t *deps;
		size_t n;

		err = mt_depmod_all_deps(run, m, &deps, &n);
		if (err)
			break;
		modtool_json_begin_object(j);
		modtool_json_member_string(j, "module", m->relpath);
		modtool_json_member_string(j, "name", m->name);
		modtool_json_key(j, "depends");
		modtool_json_begin_array(j);
		for (size_t k = 0; k < n; k++)
			modtool_json_string(j, run->mods[deps[k]]->relpath);
		modtool_json_end_array(j);
		modtool_json_end_object(j);
		free(deps);
	}
	modtool_json_end_array(j);
	return err;
}

/* {"@label": value, "module": name} for each module's .modinfo @key. */
static void json_keyed(struct mt_depmod_run *run, struct modtool_json *j, const char *file,
		       const char *key, const char *label)
{
	modtool_json_key(j, file);
	modtool_json_begin_array(j);
	for (size_t i = 0; i < run->n_mods; i++) {
		const struct mt_dm_module *m = run->mods[i];
		struct mt_record_iter it;
		uint32_t n = mt_record_section(&m->rec, 0, &it);

		for (uint32_t k = 0; k < n; k++) {
			const char *v = mt_record_info_value(mt_record_next_info(&it), key);

			if (!v)
				continue;
			modtool_json_begin_object(j);
			modtool_json_member_string(j, label, v);
			modtool_json_member_string(j, "module", m->name);
			modtool_json_end_object(j);
		}
	}
	modtool_json_end_array(j);
}

static int json_symbols(struct mt_depmod_run *run, struct modtool_json *j)
{
	const struct mt_dm_symbol **v;
	struct mt_buf key = { 0 };
	size_t n;
	int err = mt_symtab_kmod_order(&run->syms, &v, &n);

	if (err)
		return err;
	modtool_json_key(j, "modules.symbols");
	modtool_json_begin_array(j);
	for (size_t i = 0; !err && i < n; i++) {
		key.len = 0;
		mt_buf_puts(&key, "symbol:");
		mt_buf_puts(&key, v[i]->name);
		mt_buf_putc(&key, '\0');
		err = key.err;
		if (err)
			break;
		modtool_json_begin_object(j);
		modtool_json_member_string(j, "alias", key.p);
		modtool_json_member_string(j, "module", run->mods[v[i]->owner]->name);
		modtool_json_end_object(j);
	}
	modtool_json_end_array(j);
	mt_buf_free(&key);
	free(v);
	return err;
}

static void json_devnames(struct mt_depmod_run *run, struct modtool_json *j)
{
	char type[2] = "";

	modtool_json_key(j, "modules.devname");
	modtool_json_begin_array(j);
	for (size_t i = 0; i < run->n_mods; i++) {
		struct mt_record_devname d;

		if (!mt_depmod_devname(run, run->mods[i], &d))
			continue;
		type[0] = d.type;
		modtool_json_begin_object(j);
		modtool_json_member_string(j, "module", run->mods[i]->name);
		modtool_json_member_string(j, "devname", d.devname);
		modtool_json_member_string(j, "type", type);
		modtool_json_member_int(j, "major", d.major);
		modtool_json_member_int(j, "minor", d.minor);
		modtool_json_end_object(j);
	}
	modtool_json_end_array(j);
}

int mt_depmod_write_json(struct mt_depmod_run *run, struct modtool_json *j)
{
	int err;

	modtool_json_begin_object(j);
	err = json_deps(run, j);
	if (!err) {
		json_keyed(run, j, "modules.alias", "alias", "alias");
		json_keyed(run, j, "modules.softdep", "softdep", "softdep");
		json_keyed(run, j, "modules.weakdep", "weakdep", "weakdep");
		err = json_symbols(run, j);
	}
	if (!err)
		json_devnames(run, j);
	modtool_json_end_object(j);
	return err;
}
