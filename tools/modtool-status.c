// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modtool status: the kernel's security state as far as modules go, decoded
 * (libmodtool reads it; this prints it, as text or JSON).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "modtool.h"
#include "tool.h"

static void help(void)
{
	printf("Usage: modtool status [--json] [--all-bits]\n\n"
	       "The kernel's state as far as modules go: its taint (each letter and what set\n"
	       "it) and the modules that carry each letter, modules_disabled, sig_enforce,\n"
	       "the lockdown level, LoadPin, IPE, the keys of the trusted keyrings, modules\n"
	       "/proc/modules and /sys/module disagree about, and whether a module could be\n"
	       "loaded now.\n\n"
	       "      --json       one JSON document (every taint bit, set or not)\n"
	       "  -a, --all-bits   list every taint bit, not only the set ones\n"
	       "      --sysroot=DIR  read DIR/proc and DIR/sys instead (for tests)\n"
	       "  -h, --help       show this help\n\n"
	       "Exit status: 0 read (whatever the state), 1 an error.\n");
}

/* "yes", "no", or "unknown" for a 0/1/-1 flag. */
static const char *flag_word(int v, const char *unknown)
{
	return v < 0 ? unknown : v ? "yes" : "no";
}

static void print_taint(const struct modtool_status *st, bool all_bits)
{
	long long taint = modtool_status_get_taint(st);

	if (taint < 0) {
		printf("taint: unknown (no /proc/sys/kernel/tainted)\n");
		return;
	}
	printf("taint: %lld%s\n", taint, taint ? "" : " (not tainted)");
	for (unsigned int bit = 0; bit < 64; bit++) {
		bool set = (taint >> bit) & 1;
		const char *meaning;
		char letter;

		if (modtool_taint_flag(bit, &letter, NULL, &meaning) < 0) {
			if (set)
				printf("  ? bit %u  (a taint this version does not know)\n", bit);
			continue;
		}
		if (set || all_bits)
			printf("  %c %-2u %s %s\n", set ? letter : '-', bit, set ? "set  " : "clear",
			       meaning);
	}
}

static void print_text(const struct modtool_status *st, bool all_bits)
{
	const char *why, *second, *policy;
	int checks = modtool_status_get_checks(st);
	bool allowed;
	size_t n;

	print_taint(st, all_bits);
	printf("modules that taint it:");
	n = 0;
	for (size_t i = 0; i < modtool_status_count(st, MODTOOL_STATUS_MODULES); i++) {
		const char *name = modtool_status_get(st, MODTOOL_STATUS_MODULES, i, &second);

		if (*second)
			printf("%s %s (%s)", n++ ? "," : "", name, second);
	}
	printf("%s\n", n ? "" : " none");
	allowed = modtool_status_load_allowed(st, &why);
	printf("module loading: %s: %s\n", allowed ? "allowed" : "refused", why);
	printf("modules_disabled: %s\n", flag_word(modtool_status_get_modules_disabled(st), "unknown"));
	printf("sig_enforce: %s\n", flag_word(modtool_status_get_sig_enforce(st),
					      "unknown (no module signing)"));
	printf("lockdown: %s\n", modtool_status_get_lockdown(st) ?: "unknown (no lockdown LSM or securityfs not mounted)");
	printf("LoadPin: %s\n", modtool_status_get_loadpin(st) < 0 ? "absent" :
	       modtool_status_get_loadpin(st) ? "enforcing" : "present, not enforcing");
	printf("IPE: %s\n", !modtool_status_get_ipe(st, &policy) ? "absent" :
	       policy ? policy : "present, no active policy");
	printf("trusted keys:%s\n", checks & MODTOOL_STATUS_CHECKED_KEYS ?
	       (modtool_status_count(st, MODTOOL_STATUS_KEYS) ? "" : " none listed") :
	       " unknown (no /proc/keys)");
	for (size_t i = 0; i < modtool_status_count(st, MODTOOL_STATUS_KEYS); i++) {
		const char *ring = modtool_status_get(st, MODTOOL_STATUS_KEYS, i, &second);

		printf("  %-24s %s\n", ring, second);
	}
	if (!(checks & MODTOOL_STATUS_CHECKED_SYSFS))
		printf("hidden modules: not checked (no /sys/module)\n");
	else if (!modtool_status_count(st, MODTOOL_STATUS_HIDDEN))
		printf("hidden modules: none (/proc/modules and /sys/module agree)\n");
	for (size_t i = 0; i < modtool_status_count(st, MODTOOL_STATUS_HIDDEN); i++) {
		const char *name = modtool_status_get(st, MODTOOL_STATUS_HIDDEN, i, &second);

		printf("hidden module? %s: in %s\n", name, second);
	}
	if (checks & MODTOOL_STATUS_PROC_MODULES_DAMAGED)
		printf("warning: a line of /proc/modules could not be read\n");
}

static void json_flag(struct modtool_json *j, const char *key, int v)
{
	modtool_json_key(j, key);
	if (v < 0)
		modtool_json_string(j, NULL);
	else
		modtool_json_bool(j, v);
}

static void json_taint(struct modtool_json *j, const struct modtool_status *st)
{
	long long taint = modtool_status_get_taint(st);

	modtool_json_key(j, "taint");
	if (taint < 0) {
		modtool_json_string(j, NULL);
		return;
	}
	modtool_json_begin_object(j);
	modtool_json_member_int(j, "value", taint);
	modtool_json_key(j, "flags");
	modtool_json_begin_array(j);
	for (unsigned int bit = 0; bit < 64; bit++) {
		const char *name = NULL, *meaning = NULL;
		bool set = (taint >> bit) & 1, known;
		char letter[2] = "";

		known = modtool_taint_flag(bit, &letter[0], &name, &meaning) == 0;
		if (!known && !set)
			continue;
		modtool_json_begin_object(j);
		modtool_json_member_int(j, "bit", bit);
		modtool_json_member_string(j, "letter", known ? letter : NULL);
		modtool_json_member_string(j, "name", name);
		modtool_json_member_string(j, "meaning", meaning);
		modtool_json_member_bool(j, "set", set);
		modtool_json_end_object(j);
	}
	modtool_json_end_array(j);
	modtool_json_end_object(j);
}

/* [{"KEY1": a, "KEY2": b}...] of one list. */
static void json_list(struct modtool_json *j, const struct modtool_status *st,
		      enum modtool_status_list which, const char *key1, const char *key2,
		      bool skip_empty)
{
	modtool_json_begin_array(j);
	for (size_t i = 0; i < modtool_status_count(st, which); i++) {
		const char *b, *a = modtool_status_get(st, which, i, &b);

		if (skip_empty && !*b)
			continue;
		modtool_json_begin_object(j);
		modtool_json_member_string(j, key1, a);
		modtool_json_member_string(j, key2, b);
		modtool_json_end_object(j);
	}
	modtool_json_end_array(j);
}

static int print_json(const struct modtool_status *st)
{
	struct modtool_json *j = modtool_json_new(STDOUT_FILENO);
	int checks = modtool_status_get_checks(st);
	const char *why, *policy;
	bool allowed = modtool_status_load_allowed(st, &why);

	if (!j)
		return -ENOMEM;
	modtool_json_begin_object(j);
	json_taint(j, st);
	modtool_json_key(j, "tainting_modules");
	json_list(j, st, MODTOOL_STATUS_MODULES, "name", "taint", true);
	modtool_json_key(j, "load");
	modtool_json_begin_object(j);
	modtool_json_member_bool(j, "allowed", allowed);
	modtool_json_member_string(j, "why", why);
	modtool_json_end_object(j);
	json_flag(j, "modules_disabled", modtool_status_get_modules_disabled(st));
	json_flag(j, "sig_enforce", modtool_status_get_sig_enforce(st));
	modtool_json_member_string(j, "lockdown", modtool_status_get_lockdown(st));
	modtool_json_member_string(j, "loadpin", modtool_status_get_loadpin(st) < 0 ? NULL :
				   modtool_status_get_loadpin(st) ? "enforce" : "permissive");
	modtool_json_key(j, "ipe");
	if (modtool_status_get_ipe(st, &policy)) {
		modtool_json_begin_object(j);
		modtool_json_member_string(j, "active_policy", policy);
		modtool_json_end_object(j);
	} else {
		modtool_json_string(j, NULL);
	}
	modtool_json_key(j, "trusted_keys");
	if (checks & MODTOOL_STATUS_CHECKED_KEYS)
		json_list(j, st, MODTOOL_STATUS_KEYS, "keyring", "key", false);
	else
		modtool_json_string(j, NULL);
	modtool_json_key(j, "hidden_modules");
	if (checks & MODTOOL_STATUS_CHECKED_SYSFS)
		json_list(j, st, MODTOOL_STATUS_HIDDEN, "name", "only_in", false);
	else
		modtool_json_string(j, NULL);
	modtool_json_member_bool(j, "proc_modules_damaged", checks & MODTOOL_STATUS_PROC_MODULES_DAMAGED);
	modtool_json_end_object(j);
	return modtool_json_free(j);
}

int modtool_status_main(int argc, char *argv[])
{
	enum { OPT_JSON = 0x100, OPT_SYSROOT };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "all-bits", no_argument, NULL, 'a' },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct modtool_status *st = NULL;
	struct modtool_ctx *ctx = NULL;
	const char *sysroot = NULL;
	bool json = false, all_bits = false;
	int c, err;

	while ((c = getopt_long(argc, argv, "ah", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = true; break;
		case 'a': all_bits = true; break;
		case OPT_SYSROOT: sysroot = optarg; break;
		case 'h': help(); return 0;
		default: fprintf(stderr, "Usage: modtool status [--json] [--all-bits]\n"); return 2;
		}
	}
	if (optind < argc) {
		tool_error("status takes no argument: '%s'\n", argv[optind]);
		return 2;
	}
	err = modtool_ctx_new(NULL, &ctx);
	if (err == 0)
		tool_log_setup(ctx, LOG_ERR);
	if (err == 0 && sysroot)
		err = modtool_ctx_set_sysroot(ctx, sysroot);
	if (err == 0)
		err = modtool_status_read(ctx, &st);
	if (err < 0) {
		tool_error("cannot read the kernel's state: %s\n", strerror(-err));
	} else if (json) {
		err = print_json(st);
	} else {
		print_text(st, all_bits);
		err = fflush(stdout) == 0 ? 0 : -EIO;
	}
	modtool_status_free(st);
	modtool_ctx_free(ctx);
	return err < 0 ? 1 : 0;
}
