// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading policy files (modtool-policy.d(5)):
 *
 *   # comment
 *   certificates kernel /etc/uefi/certs      what signature rules trust
 *   enforce forbid usb_storage firewire_*    never these, however asked for
 *   warn    forbid floppy                    say so, load anyway
 *   enforce allow ext4 xfs dm_*              only these (all allow lines of a mode)
 *   enforce require-signature                a valid signature by a trusted key
 *   enforce signer "Debian Secure Boot CA"   ...by one of these subjects
 *
 * Words are split at blanks; "double quotes" keep blanks inside a word.
 * A line that cannot be read fails closed: it becomes a rule that refuses
 * every load, unless it began with "warn".
 */
#include <limits.h>
#include <stdio.h>

#include "base/internal.h"
#include "trust/policy.h"

#define POLICY_WORDS_MAX 1024

struct words {
	char *v[POLICY_WORDS_MAX];
	size_t n;
};

/* Split @line (modified) into words; -EINVAL with *@why on a bad line. */
static int split(char *line, struct words *w, const char **why)
{
	char *p = line;

	w->n = 0;
	for (;;) {
		char *word, *out;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			return 0;
		if (w->n == POLICY_WORDS_MAX) {
			*why = "too many words";
			return -EINVAL;
		}
		word = out = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
			if (*p == '"') {
				char *end = strchr(p + 1, '"');

				if (!end) {
					*why = "a quote is not closed";
					return -EINVAL;
				}
				memmove(out, p + 1, (size_t)(end - p - 1));
				out += end - p - 1;
				p = end + 1;
			} else {
				*out++ = *p++;
			}
		}
		if (*p)
			p++;
		*out = '\0';
		w->v[w->n++] = word;
	}
}

static int push_rule(struct mt_policy *p, const struct mt_rule *r)
{
	struct mt_rule *rules = mt_grow(p->rules, &p->rules_cap, p->n_rules + 1, sizeof(*rules));

	if (!rules)
		return -ENOMEM;
	p->rules = rules;
	p->rules[p->n_rules++] = *r;
	return 0;
}

static void free_rule(struct mt_rule *r)
{
	free(r->where);
	free(r->text);
	mt_strv_free(r->args, r->n_args);
}

int mt_policy_add_broken(struct mt_policy *p, const char *where, const char *why)
{
	struct mt_rule r = { .kind = MT_RULE_BROKEN, .enforce = true };

	r.where = strdup(where);
	r.text = strdup(why);
	if (!r.where || !r.text || push_rule(p, &r) < 0) {
		free_rule(&r);
		return -ENOMEM;
	}
	return 0;
}

static const struct {
	const char *word;
	enum mt_rule_kind kind;
	bool takes_args;
} rule_words[] = {
	{ "forbid", MT_RULE_FORBID, true },
	{ "allow", MT_RULE_ALLOW, true },
	{ "require-signature", MT_RULE_SIGNED, false },
	{ "signer", MT_RULE_SIGNER, true },
};

/* Module name patterns are compared as the kernel names modules: '-' is '_'. */
static char *pattern_of(const char *word)
{
	char *s = strdup(word);

	for (char *c = s; c && *c; c++)
		if (*c == '-')
			*c = '_';
	return s;
}

/* One rule line's words (mode, kind, args) into @r; -EINVAL with *@why. */
static int parse_rule(const struct words *w, struct mt_rule *r, const char **why)
{
	size_t k;

	for (k = 0; k < sizeof(rule_words) / sizeof(rule_words[0]); k++)
		if (w->n >= 2 && mt_streq(w->v[1], rule_words[k].word))
			break;
	if (k == sizeof(rule_words) / sizeof(rule_words[0])) {
		*why = w->n < 2 ? "a mode without a rule" : "unknown rule";
		return -EINVAL;
	}
	if (rule_words[k].takes_args != (w->n > 2)) {
		*why = rule_words[k].takes_args ? "the rule names nothing" : "the rule takes no argument";
		return -EINVAL;
	}
	r->kind = rule_words[k].kind;
	r->enforce = mt_streq(w->v[0], "enforce");
	for (size_t i = 2; i < w->n; i++) {
		char *arg = r->kind == MT_RULE_SIGNER ? strdup(w->v[i]) : pattern_of(w->v[i]);
		char **v = arg ? realloc(r->args, (r->n_args + 1) * sizeof(*v)) : NULL;

		if (!v) {
			free(arg);
			return -ENOMEM;
		}
		r->args = v;
		r->args[r->n_args++] = arg;
	}
	return 0;
}

static int add_certificates(struct mt_policy *p, const struct words *w, const char *where)
{
	int err = 0;

	if (!p->cert_where && !(p->cert_where = strdup(where)))
		return -ENOMEM;
	for (size_t i = 1; i < w->n && err == 0; i++)
		err = mt_strv_push(&p->cert_sources, &p->n_cert_sources, &p->cert_sources_cap,
				   w->v[i]);
	return err;
}

/* One line: 0, -EINVAL (*@why set: the caller decides how it fails), -ENOMEM. */
static int parse_line(struct mt_policy *p, char *line, const char *where, const char **why)
{
	struct mt_rule r = { 0 };
	char *copy = strdup(line);
	struct words w;
	int err;

	if (!copy)
		return -ENOMEM;
	err = split(line, &w, why);
	if (err < 0 || w.n == 0)
		goto out;
	if (mt_streq(w.v[0], "certificates")) {
		if (w.n < 2) {
			*why = "certificates names nothing";
			err = -EINVAL;
		} else {
			err = add_certificates(p, &w, where);
		}
		goto out;
	}
	if (!mt_streq(w.v[0], "enforce") && !mt_streq(w.v[0], "warn")) {
		*why = "a line starts with enforce, warn or certificates";
		err = -EINVAL;
		goto out;
	}
	err = parse_rule(&w, &r, why);
	if (err == 0) {
		r.where = strdup(where);
		r.text = copy;
		copy = NULL;
		err = r.where ? push_rule(p, &r) : -ENOMEM;
	}
	if (err < 0)
		free_rule(&r);
out:
	free(copy);
	return err;
}

int mt_policy_parse(struct modtool_ctx *ctx, struct mt_policy *p, const char *file,
		    const char *text, size_t len)
{
	const char *line = text, *end = text + len;
	unsigned int lineno = 0;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *why = NULL;
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		char where[PATH_MAX + 16], *buf;
		bool warn_only;
		int err;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u", file, lineno);
		buf = strndup(line, n);
		if (!buf)
			return -ENOMEM;
		warn_only = strncmp(buf + strspn(buf, " \t"), "warn", 4) == 0;
		if (memchr(line, '\0', n)) {
			why = "a NUL byte in the line";
			err = -EINVAL;
		} else {
			err = parse_line(p, buf, where, &why);
		}
		if (err == -EINVAL) {
			mt_err(ctx, "%s: %s%s\n", where, why,
			       warn_only ? ": the warn rule is left out" :
			       ": every module load is refused until it is mended (fail closed)");
			err = warn_only ? 0 : mt_policy_add_broken(p, where, why);
		}
		free(buf);
		if (err < 0)
			return err;
		line += n + (nl ? 1 : 0);
	}
	return 0;
}

void mt_policy_free(struct mt_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++)
		free_rule(&p->rules[i]);
	free(p->rules);
	mt_strv_free(p->cert_sources, p->n_cert_sources);
	free(p->cert_where);
	modtool_keyring_free(p->keyring);
	free(p);
}
