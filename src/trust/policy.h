/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The load policy's insides (policy.c, policy-parse.c). */
#ifndef MODTOOL_TRUST_POLICY_H
#define MODTOOL_TRUST_POLICY_H

#include <stdbool.h>
#include <stddef.h>

struct modtool_ctx;
struct modtool_keyring;

enum mt_rule_kind {
	MT_RULE_FORBID,		/* forbid PATTERN...: these never */
	MT_RULE_ALLOW,		/* allow PATTERN...: only these (all allow rules of a mode together) */
	MT_RULE_SIGNED,		/* require-signature: valid against the certificates */
	MT_RULE_SIGNER,		/* signer NAME...: valid, by one of these subjects */
	MT_RULE_BROKEN,		/* a line or file that could not be read: refuses all (enforce) */
};

struct mt_rule {
	enum mt_rule_kind kind;
	bool enforce;		/* else warn */
	char *where;		/* "FILE:LINE" */
	char *text;		/* the line as written, for messages (or why it is broken) */
	char **args;		/* patterns or signer names, normalized module names for patterns */
	size_t n_args;
};

struct mt_policy {
	struct mt_rule *rules;
	size_t n_rules, rules_cap;
	char **cert_sources;	/* "certificates" paths; "kernel": the running kernel's image */
	size_t n_cert_sources, cert_sources_cap;
	char *cert_where;	/* where the first "certificates" line stands */
	/* built on the first signature rule evaluated */
	struct modtool_keyring *keyring;
	int keyring_err;
	bool keyring_tried;
	char refusal[1024];	/* the last enforce rule that refused, and why (audit) */
};

/* Directories read when the caller names none, in order; later files of the same name win. */
#define MT_POLICY_DIRS { "/usr/lib/modtool/policy.d", "/run/modtool/policy.d", \
			 "/etc/modtool/policy.d", NULL }

/*
 * Parse the policy text @text (@len bytes) of @file into @p.  A line that
 * cannot be read is logged (FILE:LINE and why); unless it starts with "warn"
 * it becomes a broken rule, which refuses every load: a policy is never
 * half-read into a weaker one.  0 or -ENOMEM.
 */
int mt_policy_parse(struct modtool_ctx *ctx, struct mt_policy *p, const char *file,
		    const char *text, size_t len);
/* Add a broken rule for @where: @why (a file that could not be read). */
int mt_policy_add_broken(struct mt_policy *p, const char *where, const char *why);
void mt_policy_free(struct mt_policy *p);

/*
 * May module @name (file @path, NULL for none) be loaded under @p?  0, or
 * -ECANCELED when an enforce rule refuses it (the rule named in one logged
 * line); warn rules only log (not even that with @quiet_warn).  @ctx logs.
 */
int mt_policy_check(struct modtool_ctx *ctx, struct mt_policy *p, const char *name,
		    const char *path, bool quiet_warn);

#endif
