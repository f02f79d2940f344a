// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A kernel's exports from its System.map ("ADDRESS TYPE NAME" lines), when
 * neither its image nor a Module.symvers is at hand: each export has a
 * __ksymtab_NAME symbol, and whether it is GPL-only is told by where that
 * lies, between __start___ksymtab_gpl and __stop___ksymtab_gpl.  A
 * System.map has no CRCs (they live in __kcrctab's contents) and no
 * namespaces: those stay unchecked.  Debian ships a one-line placeholder,
 * which holds no export and is said to.
 */
#include <inttypes.h>
#include <stdio.h>

#include "base/internal.h"
#include "check/check.h"

struct map_symbol {
	uint64_t addr;
	char *name;
};

struct map_read {
	struct map_symbol *syms;
	size_t n, cap;
	uint64_t gpl_start, gpl_stop;
	bool have_gpl_bounds;
};

/* One line: its __ksymtab_ symbol kept, the GPL section's bounds noted; -EBADMSG. */
static int map_line(struct map_read *r, const char *line)
{
	char type, name[512];
	uint64_t addr;
	struct map_symbol *s;

	if (sscanf(line, "%" SCNx64 " %c %511s", &addr, &type, name) != 3)
		return -EBADMSG;
	if (mt_streq(name, "__start___ksymtab_gpl")) {
		r->gpl_start = addr;
		r->have_gpl_bounds = true;
	} else if (mt_streq(name, "__stop___ksymtab_gpl")) {
		r->gpl_stop = addr;
	} else if (strncmp(name, "__ksymtab_", 10) == 0 && name[10]) {
		s = mt_grow(r->syms, &r->cap, r->n + 1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		r->syms = s;
		s[r->n].addr = addr;
		s[r->n].name = strdup(name + 10);
		if (!s[r->n].name)
			return -ENOMEM;
		r->n++;
	}
	return 0;
}

static int read_map(struct modtool_ctx *ctx, const char *path, struct map_read *r)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int err = 0;
	FILE *f = mt_check_open_text(ctx, path, &err);

	if (!f)
		return err;
	while (err == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		err = map_line(r, line);
		if (err == -EBADMSG)
			mt_err(ctx, "%s:%zu: not a System.map line (ADDRESS TYPE NAME)\n", path,
			       lineno);
	}
	if (err == 0 && ferror(f)) {
		err = -EIO;
		mt_err(ctx, "%s: %s\n", path, strerror(EIO));
	}
	free(line);
	fclose(f);
	return err;
}

int mt_export_table_add_system_map(struct modtool_ctx *ctx, struct mt_export_table *t,
				   const char *path)
{
	struct map_read r = { 0 };
	int err = read_map(ctx, path, &r);

	for (size_t i = 0; err == 0 && i < r.n; i++) {
		struct mt_export e = {
			.name = r.syms[i].name,
			.gpl_only = r.have_gpl_bounds && r.syms[i].addr >= r.gpl_start &&
				    r.syms[i].addr < r.gpl_stop,
		};

		err = mt_export_table_add(t, &e);
	}
	if (err == 0 && r.n == 0) {
		mt_warn(ctx, "%s: no exports in it (no __ksymtab_ symbols): a placeholder?\n",
			path);
		err = -ENODATA;
	}
	for (size_t i = 0; i < r.n; i++)
		free(r.syms[i].name);
	free(r.syms);
	return err < 0 ? err : (int)r.n;
}
