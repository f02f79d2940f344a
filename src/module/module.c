// SPDX-License-Identifier: LGPL-2.1-or-later
/* Module objects: a name, maybe a file, and what is read from it. */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "base/internal.h"
#include "module/builtin.h"
#include "module/elf-reader.h"
#include "module/file.h"
#include "module/modinfo.h"
#include "module/module.h"
#include "module/signature.h"

struct modtool_module {
	int refcount;
	struct modtool_ctx *ctx;
	const char *name;	/* name and path live in strings[]: one allocation a module */
	const char *path;
	bool builtin;
	struct mt_file *file;
	char strings[];
};

static const char *const module_extensions[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };

/* "dir/snd-hda-intel.ko.xz" -> "snd_hda_intel" */
static int name_from_path(const char *path, char *out, size_t outsize)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	for (size_t i = 0; i < sizeof(module_extensions) / sizeof(module_extensions[0]); i++) {
		size_t ext = strlen(module_extensions[i]);

		if (len > ext && mt_streq(base + len - ext, module_extensions[i])) {
			len -= ext;
			break;
		}
	}
	if (len >= outsize)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)
		out[i] = base[i] == '-' ? '_' : base[i];
	out[len] = '\0';
	return 0;
}

int mt_module_new(struct modtool_ctx *ctx, const char *name, const char *path, bool builtin,
		  struct modtool_module **modp)
{
	size_t nlen = strlen(name) + 1, plen = path ? strlen(path) + 1 : 0;
	struct modtool_module *mod = malloc(sizeof(*mod) + nlen + plen);

	if (!mod)
		return -ENOMEM;
	*mod = (struct modtool_module){ .refcount = 1, .ctx = ctx, .builtin = builtin };
	mod->name = memcpy(mod->strings, name, nlen);
	mod->path = path ? memcpy(mod->strings + nlen, path, plen) : NULL;
	*modp = mod;
	return 0;
}

MT_EXPORT int modtool_module_new_from_path(struct modtool_ctx *ctx, const char *path,
					   struct modtool_module **mod)
{
	char name[NAME_MAX + 1];
	int err;

	if (!ctx || !path || !mod)
		return -EINVAL;
	err = name_from_path(path, name, sizeof(name));
	if (err < 0)
		return err;
	if (path[0] != '/') {
		/* kmod shows the path made absolute against the working directory,
		 * not resolved: keep "./" and ".." as given */
		char cwd[PATH_MAX], abspath[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		if (snprintf(abspath, sizeof(abspath), "%s/%s", cwd, path) >= (int)sizeof(abspath))
			return -ENAMETOOLONG;
		return mt_module_new(ctx, name, abspath, false, mod);
	}
	return mt_module_new(ctx, name, path, false, mod);
}

MT_EXPORT struct modtool_module *modtool_module_ref(struct modtool_module *mod)
{
	if (mod)
		mod->refcount++;
	return mod;
}

MT_EXPORT void modtool_module_unref(struct modtool_module *mod)
{
	if (!mod || --mod->refcount > 0)
		return;
	mt_file_free(mod->file);
	free(mod);
}

MT_EXPORT const char *modtool_module_get_name(const struct modtool_module *mod)
{
	return mod ? mod->name : NULL;
}

MT_EXPORT const char *modtool_module_get_path(const struct modtool_module *mod)
{
	return mod ? mod->path : NULL;
}

MT_EXPORT bool modtool_module_is_builtin(const struct modtool_module *mod)
{
	return mod && mod->builtin;
}

struct modtool_ctx *mt_module_ctx(const struct modtool_module *mod)
{
	return mod->ctx;
}

int mt_module_file(struct modtool_module *mod, struct mt_file **file)
{
	int err;

	*file = NULL;
	if (!mod->path)
		return -ENOENT;
	if (!mod->file) {
		err = mt_file_open(mod->ctx, mod->path, &mod->file);
		if (err < 0)
			return err;
	}
	err = mt_file_load(mod->file);
	if (err < 0)
		return err;
	*file = mod->file;
	return 0;
}

/* ---- information ----------------------------------------------------- */

/* "AB:CD:..." with a line break and two tabs after every 20 bytes, as kmod shows it. */
static char *hex_bytes(const uint8_t *p, size_t len)
{
	char *s = malloc(len * 3 + (len / 20) * 3 + 1), *o = s;

	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		o += sprintf(o, "%02X", p[i]);
		if (i + 1 < len) {
			*o++ = ':';
			if ((i + 1) % 20 == 0)
				o = stpcpy(o, "\n\t\t");
		}
	}
	*o = '\0';
	return s;
}

static int append_hex(struct modtool_info *info, const char *key, const uint8_t *p, size_t len)
{
	char *hex = hex_bytes(p, len);
	int err;

	if (!hex)
		return -ENOMEM;
	err = mt_info_append(info, key, hex);
	free(hex);
	return err;
}

static int append_signature(struct modtool_module *mod, struct mt_file *file,
			    struct modtool_info *info)
{
	struct mt_signature sig;
	const char *why = NULL;
	char *signer;
	int err;

	err = mt_signature_parse(file->data, file->size, &sig, &why);
	if (err == -ENODATA)
		return 0;
	if (err < 0) {
		/* kmod shows nothing either; say why on the log */
		mt_warn(mod->ctx, "%s: signature not shown: %s\n", mod->path, why ? why : "malformed");
		return 0;
	}
	signer = strndup(sig.signer ? sig.signer : "", sig.signer_len);
	if (!signer)
		return -ENOMEM;
	err = mt_info_append(info, "sig_id", sig.id_type_name);
	if (!err)
		err = mt_info_append(info, "signer", signer);
	if (!err)
		err = append_hex(info, "sig_key", sig.key_id, sig.key_id_len);
	if (!err)
		err = mt_info_append(info, "sig_hashalgo", sig.hash_algo);
	if (!err)
		err = append_hex(info, "signature", sig.sig, sig.sig_len);
	free(signer);
	return err;
}

static int file_info(struct modtool_module *mod, unsigned int flags, struct modtool_info **infop)
{
	struct mt_elf_section sec;
	struct mt_file *file;
	struct mt_elf elf;
	const char *why = NULL;
	int err = mt_module_file(mod, &file);

	if (err < 0)
		return err;
	err = mt_elf_init(&elf, file->data, file->size, &why);
	if (err == 0)
		err = mt_elf_find_section(&elf, ".modinfo", &sec, &why);
	if (err == -ENOENT)
		why = "no .modinfo section";
	else if (err == 0 && !sec.data && sec.size) {
		why = ".modinfo section has no contents in the file (SHT_NOBITS)";
		err = -ENOEXEC;
	}
	if (err < 0) {
		mt_err(mod->ctx, "%s: %s\n", mod->path, why);
		return err;
	}
	err = mt_info_new((const char *)sec.data, sec.size, infop);
	if (err == 0 && (flags & MODTOOL_INFO_SIGNATURE))
		err = append_signature(mod, file, *infop);
	if (err < 0) {
		modtool_info_free(*infop);
		*infop = NULL;
	}
	return err;
}

MT_EXPORT int modtool_module_get_info(struct modtool_module *mod, unsigned int flags,
				      struct modtool_info **info)
{
	if (!mod || !info)
		return -EINVAL;
	*info = NULL;
	if (mod->path)
		return file_info(mod, flags, info);
	if (mod->builtin)
		return mt_builtin_get_info(mod->ctx, mod->name, info);
	mt_err(mod->ctx, "%s: module has no file in %s/modules.dep\n", mod->name,
	       mod->ctx->module_dir);
	return -ENOENT;
}
