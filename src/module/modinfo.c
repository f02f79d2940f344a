// SPDX-License-Identifier: LGPL-2.1-or-later
/* Module information: .modinfo key=value pairs and parameter descriptions. */
#include <stdio.h>
#include "base/internal.h"
#include "module/modinfo.h"

struct info_entry {
	const char *key;
	const char *value;
};

struct modtool_info {
	struct info_entry *entries;
	size_t count;
	size_t capacity;
	char *strings;		/* the copied section; entries point into it */
	char **extra;		/* strings appended later, owned */
	size_t extra_count;
};

static int info_reserve(struct modtool_info *info, size_t more)
{
	struct info_entry *e = mt_grow(info->entries, &info->capacity, info->count + more,
				       sizeof(*e));

	if (!e)
		return -ENOMEM;
	info->entries = e;
	return 0;
}

/* Split "key=value" in place: the key ends at the first '='. */
static void add_string(struct modtool_info *info, char *s)
{
	char *eq = strchr(s, '=');

	info->entries[info->count].key = s;
	if (eq) {
		*eq = '\0';
		info->entries[info->count].value = eq + 1;
	} else {
		info->entries[info->count].value = s + strlen(s);
	}
	info->count++;
}

int mt_info_new(const char *data, size_t size, struct modtool_info **infop)
{
	struct modtool_info *info;
	size_t n = 0;

	info = calloc(1, sizeof(*info));
	if (!info)
		return -ENOMEM;
	info->strings = malloc(size + 1);
	if (!info->strings)
		goto nomem;
	if (size)	/* an empty section may come without a data pointer */
		memcpy(info->strings, data, size);
	info->strings[size] = '\0';
	for (size_t i = 0; i < size; i++)
		if (info->strings[i] != '\0' && (i + 1 == size || info->strings[i + 1] == '\0'))
			n++;
	if (info_reserve(info, n + 5) < 0)
		goto nomem;
	for (size_t i = 0; i < size;) {
		size_t len = strlen(info->strings + i);

		if (len)
			add_string(info, info->strings + i);
		i += len + 1;
	}
	*infop = info;
	return 0;
nomem:
	modtool_info_free(info);
	return -ENOMEM;
}

int mt_info_append(struct modtool_info *info, const char *key, const char *value)
{
	char **extra;
	char *s;

	if (info_reserve(info, 1) < 0)
		return -ENOMEM;
	extra = reallocarray(info->extra, info->extra_count + 1, sizeof(*extra));
	if (!extra)
		return -ENOMEM;
	info->extra = extra;
	if (asprintf(&s, "%s=%s", key, value) < 0)
		return -ENOMEM;
	info->extra[info->extra_count++] = s;
	add_string(info, s);
	return 0;
}

MT_EXPORT size_t modtool_info_count(const struct modtool_info *info)
{
	return info ? info->count : 0;
}

MT_EXPORT const char *modtool_info_get_key(const struct modtool_info *info, size_t i)
{
	return info && i < info->count ? info->entries[i].key : NULL;
}

MT_EXPORT const char *modtool_info_get_value(const struct modtool_info *info, size_t i)
{
	return info && i < info->count ? info->entries[i].value : NULL;
}

size_t mt_info_own_count(const struct modtool_info *info)
{
	return info ? info->count - info->extra_count : 0;
}

MT_EXPORT void modtool_info_free(struct modtool_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->extra_count; i++)
		free(info->extra[i]);
	free(info->extra);
	free(info->entries);
	free(info->strings);
	free(info);
}

/* ---- parameters ------------------------------------------------------ */

struct param {
	const char *name;	/* points into the info; not terminated at ':' */
	size_t name_len;
	size_t first;		/* position of the name's first appearance */
	char *description;
	char *type;
	char *display_name;
};

struct modtool_params {
	struct param *params;
	size_t count;
};

struct parm_ref {
	const char *name;
	size_t name_len;
	const char *text;	/* after the ':' */
	bool is_type;
	size_t pos;
};

static int parm_ref_cmp(const void *a, const void *b)
{
	const struct parm_ref *x = a, *y = b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c = memcmp(x->name, y->name, n);

	if (c)
		return c;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static bool same_name(const struct parm_ref *x, const struct parm_ref *y)
{
	return x->name_len == y->name_len && memcmp(x->name, y->name, x->name_len) == 0;
}

static int param_order_cmp(const void *a, const void *b)
{
	const struct param *x = a, *y = b;

	/* kmod lists the most recently first-seen name first */
	return x->first > y->first ? -1 : x->first < y->first;
}

/* Collect every "parm"/"parmtype" value with a "name:" part. */
static size_t collect_parm_refs(const struct modtool_info *info, struct parm_ref *refs)
{
	size_t n = 0;

	for (size_t i = 0; i < info->count; i++) {
		const char *key = info->entries[i].key, *value = info->entries[i].value;
		const char *colon;
		bool is_type = mt_streq(key, "parmtype");

		if (!is_type && !mt_streq(key, "parm"))
			continue;
		colon = strchr(value, ':');
		if (!colon)
			continue;
		refs[n++] = (struct parm_ref){ value, colon - value, colon + 1, is_type, i };
	}
	return n;
}

static int merge_parm_refs(struct parm_ref *refs, size_t n, struct modtool_params *params)
{
	qsort(refs, n, sizeof(*refs), parm_ref_cmp);
	for (size_t i = 0; i < n; i++) {
		struct param *p;
		char **slot;

		if (i == 0 || !same_name(&refs[i], &refs[i - 1])) {
			p = &params->params[params->count++];
			*p = (struct param){ .name = refs[i].name, .name_len = refs[i].name_len,
					     .first = refs[i].pos };
			p->display_name = strndup(refs[i].name, refs[i].name_len);
			if (!p->display_name)
				return -ENOMEM;
		}
		p = &params->params[params->count - 1];
		/* a later line for the same name replaces an earlier one, as in kmod */
		slot = refs[i].is_type ? &p->type : &p->description;
		free(*slot);
		*slot = strdup(refs[i].text);
		if (!*slot)
			return -ENOMEM;
	}
	qsort(params->params, params->count, sizeof(*params->params), param_order_cmp);
	return 0;
}

MT_EXPORT int modtool_info_get_params(const struct modtool_info *info,
				      struct modtool_params **paramsp)
{
	struct modtool_params *params;
	struct parm_ref *refs;
	size_t n;
	int err;

	if (!info || !paramsp)
		return -EINVAL;
	params = calloc(1, sizeof(*params));
	refs = calloc(info->count + 1, sizeof(*refs));
	if (!params || !refs) {
		free(params);
		free(refs);
		return -ENOMEM;
	}
	n = collect_parm_refs(info, refs);
	params->params = calloc(n + 1, sizeof(*params->params));
	err = params->params ? merge_parm_refs(refs, n, params) : -ENOMEM;
	free(refs);
	if (err < 0) {
		modtool_params_free(params);
		return err;
	}
	*paramsp = params;
	return params->count;
}

MT_EXPORT size_t modtool_params_count(const struct modtool_params *params)
{
	return params ? params->count : 0;
}

MT_EXPORT const char *modtool_params_get_name(const struct modtool_params *params, size_t i)
{
	return params && i < params->count ? params->params[i].display_name : NULL;
}

MT_EXPORT const char *modtool_params_get_description(const struct modtool_params *params, size_t i)
{
	return params && i < params->count ? params->params[i].description : NULL;
}

MT_EXPORT const char *modtool_params_get_type(const struct modtool_params *params, size_t i)
{
	return params && i < params->count ? params->params[i].type : NULL;
}

MT_EXPORT void modtool_params_free(struct modtool_params *params)
{
	if (!params)
		return;
	for (size_t i = 0; i < params->count; i++) {
		free(params->params[i].description);
		free(params->params[i].type);
		free(params->params[i].display_name);
	}
	free(params->params);
	free(params);
}
