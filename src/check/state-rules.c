// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What stands around a load rather than in the module: the running kernel
 * (the module loaded already or built in, modules_disabled), the load
 * policy (modtool-policy.d), and what modprobe's configuration would do
 * instead of or besides loading the file (blacklist, install command,
 * softdeps).
 */
#include <stdio.h>

#include "base/internal.h"
#include "check/check.h"

static int check_kernel_state(struct modtool_check *chk, struct modtool_module *mod,
			      struct mt_checked *m)
{
	const char *name = modtool_module_get_name(mod);
	int state;

	if (modtool_module_is_builtin(mod))
		return mt_finding_add(m, "builtin", MODTOOL_FINDING_NOTE, MT_STAGE_AFTER, 0, 0, NULL,
				      NULL, "built into the kernel: nothing to load, and it "
				      "cannot be removed");
	if (!chk->running)
		return 0;
	if (chk->modules_disabled == 1)
		return mt_finding_add(m, "modules-disabled", MODTOOL_FINDING_REFUSE, MT_STAGE_TOOL, 0,
				      -EPERM, NULL, "reboot: modules_disabled cannot be undone",
				      "the kernel loads no more modules (kernel.modules_disabled=1)");
	state = modtool_module_get_state(chk->ctx, name);
	if (state == MODTOOL_STATE_BUILTIN)
		return mt_finding_add(m, "builtin", MODTOOL_FINDING_NOTE, MT_STAGE_AFTER, 0, 0, NULL,
				      NULL, "the running kernel has it built in: nothing to load");
	if (state == MODTOOL_STATE_LIVE || state == MODTOOL_STATE_COMING)
		return mt_finding_add(m, "loaded", MODTOOL_FINDING_NOTE, MT_STAGE_AFTER, 0, 0, NULL,
				      "remove it first (modprobe -r) to load this file instead",
				      "loaded already: modprobe does nothing, insmod fails (EEXIST)");
	return 0;
}

static int check_config(struct modtool_check *chk, struct modtool_module *mod,
			struct mt_checked *m)
{
	const char *name = modtool_module_get_name(mod), *cmd;
	struct modtool_list *pre = NULL, *post = NULL;
	int err = 0;

	if (modtool_resolve_is_blacklisted(chk->ctx, name))
		err = mt_finding_add(m, "blacklisted", MODTOOL_FINDING_NOTE, MT_STAGE_TOOL, 0, 0, NULL,
				     "remove the blacklist line to have it loaded for its devices",
				     "blacklisted in modprobe.d: modprobe skips it when asked by "
				     "an alias (a device), loads it when asked by name");
	cmd = modtool_resolve_command(chk->ctx, name, false);
	if (err == 0 && cmd)
		err = mt_finding_add(m, "install-command", MODTOOL_FINDING_NOTE, MT_STAGE_TOOL, 0, 0,
				     NULL, "modprobe -i loads the file itself",
				     "modprobe runs an install command instead of loading it: %s",
				     cmd);
	if (err == 0 && modtool_resolve_softdeps(chk->ctx, name, &pre, &post) == 0 &&
	    (modtool_list_count(pre) || modtool_list_count(post))) {
		char names[1024] = "";
		size_t n = 0;

		for (size_t i = 0; i < modtool_list_count(pre) && n < sizeof(names); i++)
			n += (size_t)snprintf(names + n, sizeof(names) - n, " %s(pre)",
					      modtool_module_get_name(modtool_list_get(pre, i)));
		for (size_t i = 0; i < modtool_list_count(post) && n < sizeof(names); i++)
			n += (size_t)snprintf(names + n, sizeof(names) - n, " %s(post)",
					      modtool_module_get_name(modtool_list_get(post, i)));
		err = mt_finding_add(m, "softdep", MODTOOL_FINDING_NOTE, MT_STAGE_TOOL, 0, 0, NULL,
				     NULL, "modprobe also loads its soft dependencies:%s", names);
	}
	modtool_list_free(pre);
	modtool_list_free(post);
	return err;
}

int mt_rules_state(struct modtool_check *chk, struct modtool_module *mod, struct mt_checked *m)
{
	int err = check_kernel_state(chk, mod, m);

	if (err == 0)
		err = check_config(chk, mod, m);
	/* the load policy refuses before the kernel is asked (modprobe, insmod) */
	if (err == 0 && chk->ctx->policy && modtool_module_get_path(mod) &&
	    modtool_policy_check(mod) == -ECANCELED)
		err = mt_finding_add(m, "policy", MODTOOL_FINDING_REFUSE, MT_STAGE_TOOL, 0,
				     -ECANCELED, NULL, "see modtool-policy.d(5): the rule is in "
				     "the message above", "the load policy forbids it");
	return err;
}
