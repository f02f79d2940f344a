// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Was the module built for this kernel?  Two checks of load_module(), in
 * its order: check_modstruct_version() compares the CRC the module's
 * __versions gives module_layout with the kernel's export (6.1 and 6.12
 * alike), then check_modinfo() compares "vermagic=" with the kernel's
 * VERMAGIC_STRING, as same_magic() does: when the module has __versions and
 * the kernel modversions, the release (the first word) is not compared, the
 * flags are; otherwise the whole string is.
 */
#include <stdio.h>

#include "base/internal.h"
#include "check/check.h"

static const char rebuild_advice[] =
	"rebuild the module against this kernel's headers (or install the build of it "
	"made for this kernel)";

static bool kernel_has_modversions(const struct modtool_check *chk)
{
	if (chk->modversions >= 0)
		return chk->modversions == 1;
	return chk->vermagic && strstr(chk->vermagic, " modversions ");
}

/* The words of @a that @b lacks, space-separated, into @out. */
static void missing_words(const char *a, const char *b, char *out, size_t size)
{
	char word[64], padded[512];
	size_t n = 0;

	out[0] = '\0';
	snprintf(padded, sizeof(padded), " %s ", b);
	while (*a) {
		size_t len = strcspn(a, " ");

		if (len > 0 && len + 3 < sizeof(word)) {
			snprintf(word, sizeof(word), " %.*s ", (int)len, a);
			if (!strstr(padded, word))
				n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%.*s",
						      n ? " " : "", (int)len, a);
		}
		a += len;
		a += strspn(a, " ");
		if (n >= size)
			break;
	}
}

static int vermagic_differs(struct mt_view *v, const char *modmagic, bool release_only)
{
	const char *kmagic = v->chk->vermagic;
	char lacks[256], extra[256];

	missing_words(kmagic + strcspn(kmagic, " "), modmagic + strcspn(modmagic, " "), lacks,
		      sizeof(lacks));
	missing_words(modmagic + strcspn(modmagic, " "), kmagic + strcspn(kmagic, " "), extra,
		      sizeof(extra));
	if (release_only)
		return mt_finding_add(v->m, "vermagic-mismatch", MODTOOL_FINDING_REFUSE,
				      MT_STAGE_VERMAGIC, 0, -ENOEXEC, NULL, rebuild_advice,
				      "built for kernel %.*s, this is %.*s, and without modversions "
				      "the release must match: version magic '%s' should be '%s'",
				      (int)strcspn(modmagic, " "), modmagic,
				      (int)strcspn(kmagic, " "), kmagic, modmagic, kmagic);
	return mt_finding_add(v->m, "vermagic-mismatch", MODTOOL_FINDING_REFUSE, MT_STAGE_VERMAGIC,
			      0, -ENOEXEC, NULL, rebuild_advice,
			      "built for a kernel configured differently (%s%s%s%s%s): version "
			      "magic '%s' should be '%s' (from %s)", lacks[0] ? "lacks " : "", lacks,
			      lacks[0] && extra[0] ? "; " : "", extra[0] ? "has " : "", extra,
			      modmagic, kmagic, v->chk->vermagic_from ? v->chk->vermagic_from : "?");
}

static int check_vermagic(struct mt_view *v)
{
	const char *modmagic = mt_view_info(v, "vermagic"), *kmagic = v->chk->vermagic;
	bool skip_release = v->has_versions && kernel_has_modversions(v->chk);
	const char *a, *b;

	if (!modmagic)
		return mt_view_force(v, "vermagic-missing", MT_STAGE_VERMAGIC,
				     "no version magic (vermagic=) in .modinfo", rebuild_advice);
	if (!kmagic)
		return mt_finding_add(v->m, "vermagic-unknown", MODTOOL_FINDING_UNKNOWN,
				      MT_STAGE_VERMAGIC, 0, 0, NULL, "give the kernel image",
				      "the kernel's version magic is not known: cannot compare "
				      "'%s'", modmagic);
	a = skip_release ? modmagic + strcspn(modmagic, " ") : modmagic;
	b = skip_release ? kmagic + strcspn(kmagic, " ") : kmagic;
	if (!mt_streq(a, b)) {
		a = modmagic + strcspn(modmagic, " ");
		b = kmagic + strcspn(kmagic, " ");
		return vermagic_differs(v, modmagic, mt_streq(a, b));
	}
	if (strncmp(modmagic, kmagic, strcspn(kmagic, " ") + 1) != 0)
		return mt_finding_add(v->m, "vermagic-release", MODTOOL_FINDING_NOTE,
				      MT_STAGE_VERMAGIC, 0, 0, NULL, NULL,
				      "built for release %.*s, not %.*s: with modversions the "
				      "kernel compares only the configuration part, which matches",
				      (int)strcspn(modmagic, " "), modmagic,
				      (int)strcspn(kmagic, " "), kmagic);
	return 0;
}

static int check_modstruct(struct mt_view *v)
{
	const struct mt_export *e = mt_export_table_find(v->chk->exports, "module_layout");
	uint32_t crc;

	if (!v->chk->exports_known || !e || !e->has_crc)
		return 0;
	if (!v->has_versions)
		return mt_view_force(v, "no-versions", MT_STAGE_MODSTRUCT,
				     "no symbol versions (__versions) for a kernel that has them",
				     rebuild_advice);
	if (!mt_view_version(v, "module_layout", &crc))
		return mt_finding_add(v->m, "no-symbol-version", MODTOOL_FINDING_NOTE,
				      MT_STAGE_MODSTRUCT, 0, 0, "module_layout", NULL,
				      "no symbol version for module_layout: the kernel warns "
				      "and goes on");
	if (crc != e->crc)
		return mt_finding_add(v->m, "modstruct-mismatch", MODTOOL_FINDING_REFUSE,
				      MT_STAGE_MODSTRUCT, 0, -ENOEXEC, "module_layout",
				      rebuild_advice,
				      "disagrees about version of symbol module_layout (module "
				      "0x%08x, kernel 0x%08x): its struct module does not match "
				      "the kernel's", crc, e->crc);
	return 0;
}

int mt_rules_version(struct mt_view *v)
{
	int err = check_modstruct(v);

	return err ? err : check_vermagic(v);
}
