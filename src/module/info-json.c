// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A module's information as JSON (modinfo --json): what modinfo prints as
 * text, as data.  Keys that repeat (alias, depends...) are arrays in file
 * order, every key alike so that a reader need not guess; parameters are
 * merged as modinfo shows them; the signature is an object of its own, so a
 * .modinfo key that happens to be called "signer" cannot pass for one.
 */
#include "base/internal.h"
#include "module/modinfo.h"

static const char *const signature_keys[] = {
	"sig_id", "signer", "sig_key", "sig_hashalgo", "signature",
};

MT_EXPORT bool modtool_info_is_signature_key(const char *key)
{
	for (size_t i = 0; key && i < sizeof(signature_keys) / sizeof(signature_keys[0]); i++)
		if (strcmp(key, signature_keys[i]) == 0)
			return true;
	return false;
}

/* Shown by "parm:" lines, merged: not a field of their own. */
static bool is_param_key(const char *key)
{
	return strcmp(key, "parm") == 0 || strcmp(key, "parmtype") == 0;
}

static bool seen_before(const struct modtool_info *info, size_t i)
{
	const char *key = modtool_info_get_key(info, i);

	for (size_t k = 0; k < i; k++)
		if (strcmp(key, modtool_info_get_key(info, k)) == 0)
			return true;
	return false;
}

/* "KEY": [values...] for the key of entry @first, from entry @first on. */
static void json_field(struct modtool_json *j, const struct modtool_info *info, size_t n,
		       const char *key, size_t first)
{
	modtool_json_key(j, key);
	modtool_json_begin_array(j);
	for (size_t i = first; i < n; i++)
		if (strcmp(key, modtool_info_get_key(info, i)) == 0)
			modtool_json_string(j, modtool_info_get_value(info, i));
	modtool_json_end_array(j);
}

/* "fields": the module's own keys (all, or only @field), in order of first appearance. */
static void json_fields(struct modtool_json *j, const struct modtool_info *info,
			const char *field)
{
	size_t n = mt_info_own_count(info);

	modtool_json_key(j, "fields");
	modtool_json_begin_object(j);
	if (field) {
		json_field(j, info, n, field, 0);
	} else {
		for (size_t i = 0; i < n; i++) {
			const char *key = modtool_info_get_key(info, i);

			if (!is_param_key(key) && !seen_before(info, i))
				json_field(j, info, n, key, i);
		}
	}
	modtool_json_end_object(j);
}

static void json_params(struct modtool_json *j, const struct modtool_params *params)
{
	modtool_json_key(j, "parameters");
	modtool_json_begin_array(j);
	for (size_t i = 0; i < modtool_params_count(params); i++) {
		modtool_json_begin_object(j);
		modtool_json_member_string(j, "name", modtool_params_get_name(params, i));
		modtool_json_member_string(j, "type", modtool_params_get_type(params, i));
		modtool_json_member_string(j, "description", modtool_params_get_description(params, i));
		modtool_json_end_object(j);
	}
	modtool_json_end_array(j);
}

/* Hex bytes without the line breaks and tabs that lay them out for people. */
static int json_hex(struct modtool_json *j, const char *value)
{
	char *flat = malloc(strlen(value) + 1), *o = flat;

	if (!flat)
		return -ENOMEM;
	for (const char *p = value; *p; p++)
		if (*p != '\n' && *p != '\t')
			*o++ = *p;
	*o = '\0';
	modtool_json_string(j, flat);
	free(flat);
	return 0;
}

/* "signature": the appended entries (all, or only @field), or null when unsigned. */
static int json_signature(struct modtool_json *j, const struct modtool_info *info,
			  const char *field)
{
	size_t own = mt_info_own_count(info), n = modtool_info_count(info);
	int err = 0;

	modtool_json_key(j, "signature");
	if (own == n) {
		modtool_json_string(j, NULL);
		return 0;
	}
	modtool_json_begin_object(j);
	for (size_t i = own; i < n && !err; i++) {
		const char *key = modtool_info_get_key(info, i);
		const char *value = modtool_info_get_value(info, i);

		if (field && strcmp(field, key) != 0)
			continue;
		modtool_json_key(j, key);
		if (strcmp(key, "sig_key") == 0 || strcmp(key, "signature") == 0)
			err = json_hex(j, value);
		else
			modtool_json_string(j, value);
	}
	modtool_json_end_object(j);
	return err;
}

static int json_module(struct modtool_json *j, struct modtool_module *mod,
		       const struct modtool_info *info, const struct modtool_params *params,
		       const char *field)
{
	const char *path = modtool_module_get_path(mod);
	bool sig = modtool_info_is_signature_key(field);
	int err = 0;

	modtool_json_begin_object(j);
	modtool_json_member_string(j, "name", modtool_module_get_name(mod));
	modtool_json_member_string(j, "filename", path);
	modtool_json_member_bool(j, "builtin", !path);
	if (!field || (!sig && strcmp(field, "parm") != 0 && strcmp(field, "filename") != 0))
		json_fields(j, info, field);
	if (!field || strcmp(field, "parm") == 0)
		json_params(j, params);
	if (!field || sig)
		err = json_signature(j, info, field);
	modtool_json_end_object(j);
	return err;
}

MT_EXPORT int modtool_json_module_info(struct modtool_json *j, struct modtool_module *mod,
				       const char *field)
{
	unsigned int flags = !field || modtool_info_is_signature_key(field) ?
			     MODTOOL_INFO_SIGNATURE : 0;
	struct modtool_params *params = NULL;
	struct modtool_info *info = NULL;
	int err;

	if (!j || !mod)
		return -EINVAL;
	err = modtool_module_get_info(mod, flags, &info);
	if (err == -ENOENT && !modtool_module_get_path(mod))
		err = 0;	/* an old kernel without modules.builtin.modinfo: nothing known */
	if (err == 0 && info && (!field || strcmp(field, "parm") == 0)) {
		int n = modtool_info_get_params(info, &params);

		err = n < 0 ? n : 0;
	}
	/* a module that cannot be read writes nothing: the error is the caller's to tell */
	if (err == 0)
		err = json_module(j, mod, info, params, field);
	modtool_params_free(params);
	modtool_info_free(info);
	return err;
}
