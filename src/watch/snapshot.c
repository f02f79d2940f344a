// SPDX-License-Identifier: LGPL-2.1-or-later
/* The monitor's idea of what is loaded: a sorted set of names. */
#include "base/internal.h"
#include "kernel/sysfs.h"
#include "watch/snapshot.h"

/* Where @name is, or where it would go: *@found says which. */
static size_t position(const struct mt_snapshot *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->names[mid], name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool mt_snapshot_has(const struct mt_snapshot *s, const char *name)
{
	bool found;

	position(s, name, &found);
	return found;
}

int mt_snapshot_add(struct mt_snapshot *s, const char *name)
{
	bool found;
	size_t i = position(s, name, &found);
	char **names, *copy;

	if (found)
		return 0;
	names = mt_grow(s->names, &s->cap, s->n + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	s->names = names;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	memmove(names + i + 1, names + i, (s->n - i) * sizeof(*names));
	names[i] = copy;
	s->n++;
	return 0;
}

void mt_snapshot_remove(struct mt_snapshot *s, const char *name)
{
	bool found;
	size_t i = position(s, name, &found);

	if (!found)
		return;
	free(s->names[i]);
	memmove(s->names + i, s->names + i + 1, (s->n - i - 1) * sizeof(*s->names));
	s->n--;
}

void mt_snapshot_clear(struct mt_snapshot *s)
{
	mt_strv_free(s->names, s->n);
	memset(s, 0, sizeof(*s));
}

/*
 * A line "name size refs holders state address": a module still Loading
 * has not been announced (its add comes after its init), one Unloading
 * not yet taken back (its remove comes when it is gone).
 */
static bool line_counts(char *line, const char **name)
{
	char *save, *field = strtok_r(line, " \t", &save);

	*name = field;
	for (int i = 0; field && i < 4; i++)
		field = strtok_r(NULL, " \t", &save);
	return *name && field && !mt_streq(field, "Loading");
}

int mt_snapshot_read(struct modtool_ctx *ctx, struct mt_snapshot *s)
{
	struct mt_snapshot fresh = { 0 };
	char *text, *line, *save;
	size_t len;
	int err = mt_read_proc_modules(ctx, &text, &len);

	if (err < 0)
		return err;
	for (line = strtok_r(text, "\n", &save); line && err == 0; line = strtok_r(NULL, "\n", &save)) {
		const char *name;

		if (line_counts(line, &name) && strlen(name) <= NAME_MAX)
			err = mt_snapshot_add(&fresh, name);
	}
	free(text);
	if (err < 0) {
		mt_snapshot_clear(&fresh);
		return err;
	}
	mt_snapshot_clear(s);
	*s = fresh;
	return 0;
}
