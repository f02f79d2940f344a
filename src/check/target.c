// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel a module is checked against: its image (release, version
 * magic, exports, trusted certificates), a Module.symvers, its .config, and
 * for the running kernel its state.  What is not given stays unknown (-1),
 * and the checks that need it say "cannot tell" rather than guess.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "base/internal.h"
#include "check/check.h"
#include "image/exports.h"
#include "image/kernel-image.h"
#include "index/index.h"
#include "trust/keyring.h"

MT_EXPORT int modtool_check_new(struct modtool_ctx *ctx, struct modtool_check **out)
{
	struct modtool_check *chk;

	if (!ctx || !out)
		return -EINVAL;
	chk = calloc(1, sizeof(*chk));
	if (!chk)
		return -ENOMEM;
	chk->ctx = ctx;
	chk->module_sig = chk->modversions = chk->force_load = chk->livepatch = -1;
	chk->module_unload = chk->force_unload = chk->allow_missing_ns = -1;
	chk->sig_enforce = chk->lockdown = chk->modules_disabled = -1;
	if (mt_export_table_new(&chk->exports) < 0 || mt_export_table_new(&chk->tree_exports) < 0 ||
	    modtool_keyring_new(ctx, &chk->keyring) < 0) {
		modtool_check_free(chk);
		return -ENOMEM;
	}
	*out = chk;
	return 0;
}

MT_EXPORT void modtool_check_free(struct modtool_check *chk)
{
	if (!chk)
		return;
	mt_export_table_free(chk->exports);
	mt_export_table_free(chk->tree_exports);
	mt_strv_free(chk->tree_read, chk->n_tree_read);
	modtool_keyring_free(chk->keyring);
	free(chk->release);
	free(chk->vermagic);
	free(chk->root);
	free(chk->firmware_path);
	free(chk);
}

int mt_check_clone(const struct modtool_check *chk, struct modtool_check **out)
{
	struct modtool_check *c = malloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = *chk;
	c->tree_read = NULL;
	c->n_tree_read = c->tree_read_cap = 0;
	if (mt_export_table_new(&c->tree_exports) < 0) {
		free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

void mt_check_clone_free(struct modtool_check *c)
{
	if (!c)
		return;
	mt_export_table_free(c->tree_exports);
	mt_strv_free(c->tree_read, c->n_tree_read);
	free(c);
}

static int set_string(char **field, const char *value, size_t len)
{
	char *copy = strndup(value, len);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* The release: the bzImage header's version string up to its first space, else the banner's. */
static int image_release(struct modtool_check *chk, const struct mt_kernel_image *img)
{
	char banner[128];

	if (img->version[0])
		return set_string(&chk->release, img->version, strcspn(img->version, " "));
	if (mt_vmlinux_release(img->vmlinux, img->vmlinux_size, banner, sizeof(banner)) == 0)
		return set_string(&chk->release, banner, strlen(banner));
	return 0;
}

static int add_image_cert(void *data, const uint8_t *der, size_t len)
{
	struct modtool_check *chk = data;
	int err = mt_keyring_add_buffer(chk->keyring, "kernel image", der, len);

	return err < 0 ? err : 0;
}

MT_EXPORT int modtool_check_set_kernel_image(struct modtool_check *chk, const char *path)
{
	struct mt_kernel_image img;
	const char *vermagic, *why;
	const uint8_t *list;
	size_t len;
	int err, n;

	if (!chk || !path)
		return -EINVAL;
	err = mt_kernel_image_open(chk->ctx, path, &img);
	if (err < 0)
		return err;
	err = image_release(chk, &img);
	if (err == 0 && chk->release &&
	    mt_vmlinux_vermagic(img.vmlinux, img.vmlinux_size, chk->release, &vermagic, &len) == 0) {
		err = set_string(&chk->vermagic, vermagic, len);
		chk->vermagic_from = "the kernel image";
	}
	if (err == 0 && !chk->exports_known) {
		n = mt_export_table_add_vmlinux(chk->ctx, chk->exports, &img);
		if (n < 0)
			err = n;
		chk->exports_known = n > 0;
	}
	/* the certificates: a kernel without a list trusts none (a fact, not a failure) */
	if (err == 0 && mt_vmlinux_cert_list(img.vmlinux, img.vmlinux_size, &list, &len,
					     &why) == -ENODATA) {
		chk->keys_known = true;
	} else if (err == 0) {
		n = mt_kernel_image_walk_certs(chk->ctx, &img, add_image_cert, chk);
		if (n >= 0)
			chk->keys_known = true;
		else if (mt_err_is_environment(n) && n != -ELIBACC)
			err = n;	/* without libcrypto, signed modules say "cannot tell" */
		if (n > 0 && chk->module_sig < 0)
			chk->module_sig = 1;
	}
	mt_kernel_image_close(&img);
	return err;
}

MT_EXPORT int modtool_check_set_symvers(struct modtool_check *chk, const char *path)
{
	struct mt_export_table *t;
	int n;

	if (!chk || !path)
		return -EINVAL;
	/* a symvers replaces what an image gave: it is the build's own record */
	if (mt_export_table_new(&t) < 0)
		return -ENOMEM;
	n = mt_export_table_add_symvers(chk->ctx, t, path);
	if (n < 0) {
		mt_export_table_free(t);
		return n;
	}
	mt_export_table_free(chk->exports);
	chk->exports = t;
	chk->exports_known = true;
	return 0;
}

MT_EXPORT int modtool_check_set_system_map(struct modtool_check *chk, const char *path)
{
	int n;

	if (!chk || !path)
		return -EINVAL;
	if (chk->exports_known)
		return 0;	/* the image or a symvers tells more */
	n = mt_export_table_add_system_map(chk->ctx, chk->exports, path);
	if (n < 0)
		return n;
	chk->exports_known = true;
	return 0;
}

MT_EXPORT int modtool_check_add_certificates(struct modtool_check *chk, const char *path)
{
	int n;

	if (!chk || !path)
		return -EINVAL;
	n = modtool_keyring_add_path(chk->keyring, path);
	if (n < 0)
		return n;
	chk->keys_known = true;
	return 0;
}

/* ---- .config ------------------------------------------------------------ */

struct config_option {
	const char *name;
	size_t field;		/* offset of its int in struct modtool_check */
};

#define OPTION(name, field) { name, offsetof(struct modtool_check, field) }
static const struct config_option config_options[] = {
	OPTION("CONFIG_MODULE_SIG", module_sig),
	OPTION("CONFIG_MODULE_SIG_FORCE", sig_enforce),
	OPTION("CONFIG_MODVERSIONS", modversions),
	OPTION("CONFIG_MODULE_FORCE_LOAD", force_load),
	OPTION("CONFIG_LIVEPATCH", livepatch),
	OPTION("CONFIG_MODULE_UNLOAD", module_unload),
	OPTION("CONFIG_MODULE_FORCE_UNLOAD", force_unload),
	OPTION("CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS", allow_missing_ns),
	OPTION("CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY", lockdown),
};

/* "CONFIG_X=y" sets 1, "# CONFIG_X is not set" 0; the rest of the file is not ours. */
static void config_line(struct modtool_check *chk, const char *line)
{
	bool unset = strncmp(line, "# ", 2) == 0;
	const char *name = unset ? line + 2 : line;

	for (size_t i = 0; i < sizeof(config_options) / sizeof(config_options[0]); i++) {
		const struct config_option *o = &config_options[i];
		size_t len = strlen(o->name);
		int *field = (int *)((char *)chk + o->field);

		if (strncmp(name, o->name, len) != 0)
			continue;
		if (!unset && name[len] == '=')
			*field = name[len + 1] == 'y' ? 1 : 0;
		else if (unset && mt_streq(name + len, " is not set") && *field < 1)
			*field = 0;
	}
}

MT_EXPORT int modtool_check_set_kernel_config(struct modtool_check *chk, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	int err = 0;
	FILE *f;

	if (!chk || !path)
		return -EINVAL;
	f = mt_check_open_text(chk->ctx, path, &err);
	if (!f)
		return err;
	while (getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		config_line(chk, line);
	}
	if (ferror(f)) {
		err = -EIO;
		mt_err(chk->ctx, "%s: %s\n", path, strerror(EIO));
	}
	free(line);
	fclose(f);
	return err;
}

/* ---- the kernel's state ------------------------------------------------ */

MT_EXPORT void modtool_check_set_sig_enforce(struct modtool_check *chk, bool enforce)
{
	if (chk)
		chk->sig_enforce = enforce;
}

MT_EXPORT int modtool_check_set_lockdown(struct modtool_check *chk, const char *level)
{
	if (!chk || !level)
		return -EINVAL;
	if (mt_streq(level, "none"))
		chk->lockdown = 0;
	else if (mt_streq(level, "integrity") || mt_streq(level, "confidentiality"))
		chk->lockdown = 1;
	else
		return -EINVAL;
	return 0;
}

MT_EXPORT int modtool_check_set_root(struct modtool_check *chk, const char *root)
{
	if (!chk)
		return -EINVAL;
	return set_string(&chk->root, root ? root : "", root ? strlen(root) : 0);
}

/* firmware_class.path: a directory searched first, "" none. */
static int read_firmware_path(struct modtool_check *chk)
{
	char path[4096] = "", buf[4096];
	const char *sysroot = chk->ctx->sysroot ? chk->ctx->sysroot : "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/module/firmware_class/parameters/path", sysroot);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] && set_string(&chk->firmware_path, buf, strlen(buf)) < 0) {
			fclose(f);
			return -ENOMEM;
		}
	}
	fclose(f);
	return 0;
}

MT_EXPORT int modtool_check_use_running_kernel(struct modtool_check *chk)
{
	struct modtool_status *st;
	const char *lockdown;
	struct utsname u;
	int err;

	if (!chk)
		return -EINVAL;
	err = modtool_status_read(chk->ctx, &st);
	if (err < 0)
		return err;
	chk->running = true;
	chk->sig_enforce = modtool_status_get_sig_enforce(st);
	/* the parameter exists only in kernels built with module signing */
	if (chk->sig_enforce >= 0)
		chk->module_sig = 1;
	lockdown = modtool_status_get_lockdown(st);
	if (lockdown)
		chk->lockdown = !mt_streq(lockdown, "none");
	chk->modules_disabled = modtool_status_get_modules_disabled(st);
	modtool_status_free(st);
	if (!chk->release && uname(&u) == 0 && set_string(&chk->release, u.release,
							   strlen(u.release)) < 0)
		return -ENOMEM;
	return read_firmware_path(chk);
}

/* The first module modules.dep lists, by name: stops the walk. */
static int first_module(void *data, const char *key, const struct mt_index_value *value)
{
	(void)value;
	snprintf(data, 256, "%s", key);
	return 1;
}

/*
 * Without the kernel's image, its version magic is that of the modules
 * built with it: the tree's first module's (said where it came from).
 */
int mt_check_tree_vermagic(struct modtool_check *chk)
{
	struct mt_index *idx;
	struct modtool_list *list = NULL;
	struct modtool_info *info = NULL;
	char name[256] = "";
	int err = 0;

	if (chk->vermagic || chk->vermagic_tried)
		return 0;
	chk->vermagic_tried = true;
	idx = mt_ctx_index(chk->ctx, MT_INDEX_DEP);
	if (!idx || mt_index_foreach(idx, first_module, name) < 0 || !name[0])
		return 0;
	if (modtool_module_lookup(chk->ctx, name, MODTOOL_LOOKUP_NAME_ONLY, &list) > 0 &&
	    modtool_module_get_info(modtool_list_get(list, 0), 0, &info) == 0) {
		for (size_t i = 0; i < modtool_info_count(info); i++) {
			const char *v = modtool_info_get_value(info, i);

			if (!mt_streq(modtool_info_get_key(info, i), "vermagic"))
				continue;
			err = set_string(&chk->vermagic, v, strlen(v));
			snprintf(chk->vermagic_source, sizeof(chk->vermagic_source),
				 "the tree's module %s", name);
			chk->vermagic_from = chk->vermagic_source;
			break;
		}
	}
	modtool_info_free(info);
	modtool_list_free(list);
	return err;
}

MT_EXPORT const char *modtool_check_get_release(const struct modtool_check *chk)
{
	return chk ? chk->release : NULL;
}

MT_EXPORT const char *modtool_check_get_vermagic(const struct modtool_check *chk)
{
	return chk ? chk->vermagic : NULL;
}

MT_EXPORT size_t modtool_check_get_export_count(const struct modtool_check *chk)
{
	return chk && chk->exports_known ? mt_export_table_count(chk->exports) : 0;
}
