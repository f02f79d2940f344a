// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exports a module may bind to, by name: the kernel's (its image's
 * export tables or a Module.symvers) and those of the tree's modules.
 * Open addressing over a power-of-two table; names are hashed with the
 * module reader's symbol hash.
 */
#include <inttypes.h>
#include <stdio.h>

#include "base/internal.h"
#include "check/check.h"
#include "image/exports.h"
#include "image/kernel-image.h"
#include "module/module-symbols.h"

struct mt_export_table {
	struct mt_export *slots;	/* name NULL: empty */
	size_t n, cap;			/* cap: a power of two */
	char **strings;			/* every copied string */
	size_t n_strings, strings_cap;
};

int mt_export_table_new(struct mt_export_table **t)
{
	*t = calloc(1, sizeof(**t));
	return *t ? 0 : -ENOMEM;
}

void mt_export_table_free(struct mt_export_table *t)
{
	if (!t)
		return;
	mt_strv_free(t->strings, t->n_strings);
	free(t->slots);
	free(t);
}

size_t mt_export_table_count(const struct mt_export_table *t)
{
	return t ? t->n : 0;
}

const struct mt_export *mt_export_table_at(const struct mt_export_table *t, size_t i)
{
	return i < t->cap ? &t->slots[i] : NULL;
}

static struct mt_export *slot_of(const struct mt_export_table *t, const char *name)
{
	size_t mask = t->cap - 1, i = mt_symbol_hash(name, strlen(name)) & mask;

	while (t->slots[i].name && !mt_streq(t->slots[i].name, name))
		i = (i + 1) & mask;
	return &t->slots[i];
}

const struct mt_export *mt_export_table_find(const struct mt_export_table *t, const char *name)
{
	const struct mt_export *e;

	if (!t || !t->cap)
		return NULL;
	e = slot_of(t, name);
	return e->name ? e : NULL;
}

static int rehash(struct mt_export_table *t)
{
	struct mt_export *old = t->slots;
	size_t old_cap = t->cap;

	t->cap = old_cap ? old_cap * 2 : 1024;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots) {
		t->slots = old;
		t->cap = old_cap;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].name)
			*slot_of(t, old[i].name) = old[i];
	free(old);
	return 0;
}

/* A copy of @s kept by the table (NULL stays NULL). */
static int keep(struct mt_export_table *t, const char *s, const char **out)
{
	*out = NULL;
	if (!s)
		return 0;
	if (mt_strv_push(&t->strings, &t->n_strings, &t->strings_cap, s) < 0)
		return -ENOMEM;
	*out = t->strings[t->n_strings - 1];
	return 0;
}

int mt_export_table_add(struct mt_export_table *t, const struct mt_export *e)
{
	struct mt_export copy = *e, *slot;

	if ((t->n + 1) * 2 > t->cap && rehash(t) < 0)
		return -ENOMEM;
	slot = slot_of(t, e->name);
	if (slot->name)
		return 0;
	if (keep(t, e->name, &copy.name) < 0 || keep(t, e->ns, &copy.ns) < 0 ||
	    keep(t, e->owner, &copy.owner) < 0)
		return -ENOMEM;
	*slot = copy;
	t->n++;
	return 0;
}

/* ---- from the kernel image -------------------------------------------- */

static int add_image_export(void *data, const struct mt_kernel_export *ke)
{
	struct mt_export e = {
		.name = ke->name, .ns = ke->ns, .crc = ke->crc, .has_crc = ke->has_crc,
		.gpl_only = ke->gpl_only,
	};

	return mt_export_table_add(data, &e);
}

int mt_export_table_add_vmlinux(struct modtool_ctx *ctx, struct mt_export_table *t,
				const struct mt_kernel_image *img)
{
	const char *why = NULL;
	int n;

	n = mt_vmlinux_exports(img->vmlinux, img->vmlinux_size, add_image_export, t, &why);
	if (n < 0 && why)
		mt_err(ctx, "%s: %s\n", img->name, why);
	else if (n < 0)
		mt_err(ctx, "%s: cannot read its exports: %s\n", img->name, strerror(-n));
	return n;
}

/* ---- from a Module.symvers --------------------------------------------- */

/* One line: 0 added, 1 skipped (empty), -EBADMSG malformed, -ENOMEM. */
static int symvers_line(struct mt_export_table *t, char *line)
{
	char *field[5] = { 0 }, *end, *save = NULL;
	struct mt_export e = { 0 };
	unsigned long long crc;
	size_t n = 0;

	for (char *f = strtok_r(line, "\t", &save); f && n < 5; f = strtok_r(NULL, "\t", &save))
		field[n++] = f;
	if (n == 0)
		return 1;
	if (n < 4)
		return -EBADMSG;
	errno = 0;
	crc = strtoull(field[0], &end, 16);
	if (errno || *end || end == field[0] || crc > UINT32_MAX)
		return -EBADMSG;
	if (!mt_streq(field[3], "EXPORT_SYMBOL") && !mt_streq(field[3], "EXPORT_SYMBOL_GPL"))
		return -EBADMSG;
	e.name = field[1];
	e.crc = (uint32_t)crc;
	e.has_crc = true;
	e.gpl_only = mt_streq(field[3], "EXPORT_SYMBOL_GPL");
	e.ns = field[4] && field[4][0] ? field[4] : NULL;
	/* a module's export names its module by path: "fs/fat/fat" */
	if (!mt_streq(field[2], "vmlinux")) {
		const char *base = strrchr(field[2], '/');

		e.owner = base ? base + 1 : field[2];
	}
	return mt_export_table_add(t, &e);
}

int mt_export_table_add_symvers(struct modtool_ctx *ctx, struct mt_export_table *t,
				const char *path)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int count = 0, err = 0;
	ssize_t len;
	FILE *f;

	f = mt_check_open_text(ctx, path, &err);
	if (!f)
		return err;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (strlen(line) != (size_t)len) {
			err = -EBADMSG;
		} else {
			err = symvers_line(t, line);
			if (err == 0)
				count++;
			if (err > 0)
				err = 0;
		}
		if (err < 0) {
			if (err == -EBADMSG)
				mt_err(ctx, "%s:%zu: not a Module.symvers line (CRC, symbol, module, "
					    "EXPORT_SYMBOL[_GPL], namespace)\n", path, lineno);
			break;
		}
	}
	if (!err && ferror(f)) {
		err = -EIO;
		mt_err(ctx, "%s: %s\n", path, strerror(EIO));
	}
	free(line);
	fclose(f);
	if (err == 0 && count == 0) {
		mt_err(ctx, "%s: no exports in it: not a Module.symvers\n", path);
		err = -ENODATA;
	}
	return err < 0 ? err : count;
}
