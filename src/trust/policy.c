// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The load policy: read from policy.d directories into a context, then asked
 * before every module the library inserts (kernel/ calls the context's hook:
 * insmod, modprobe and its dependencies and softdeps, the loads the kernel
 * requests through /sbin/modprobe).  Nothing bypasses an enforce rule, not
 * --force; one that cannot be evaluated (no certificates, no libcrypto, an
 * unreadable module) refuses, and says why.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/audit-hook.h"
#include "base/glob-match.h"
#include "base/internal.h"
#include "module/module.h"
#include "trust/policy.h"

/* No policy file is this large; a larger one is refused (fail closed). */
#define POLICY_FILE_MAX ((size_t)1 << 20)

/* ---- loading ----------------------------------------------------------- */

struct policy_file {
	char *name, *path;
};

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct policy_file *)a)->name, ((const struct policy_file *)b)->name);
}

static bool is_conf(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && mt_streq(name + n - 5, ".conf");
}

/* Add @dir's *.conf files to @files; a later directory's file replaces a same-named one. */
static int list_dir(struct modtool_ctx *ctx, struct mt_policy *p, const char *dir,
		    struct policy_file **files, size_t *n, size_t *cap)
{
	struct dirent *de;
	int err = 0, dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (dfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		err = -errno;
		mt_err(ctx, "%s: %s: every module load is refused (fail closed)\n", dir, strerror(-err));
		return mt_policy_add_broken(p, dir, strerror(-err));
	}
	d = mt_opendir_fd(ctx, dfd, dir, &err);
	if (!d)
		return mt_policy_add_broken(p, dir, strerror(-err));
	while (err == 0 && (de = readdir(d))) {
		struct policy_file f = { 0 }, *grown;
		size_t i;

		if (!is_conf(de->d_name))
			continue;
		f.name = strdup(de->d_name);
		if (!f.name || asprintf(&f.path, "%s/%s", dir, de->d_name) < 0) {
			free(f.name);
			err = -ENOMEM;
			break;
		}
		for (i = 0; i < *n && !mt_streq((*files)[i].name, f.name); i++)
			;
		if (i < *n) {
			free((*files)[i].name);
			free((*files)[i].path);
			(*files)[i] = f;
			continue;
		}
		grown = mt_grow(*files, cap, *n + 1, sizeof(**files));
		if (!grown) {
			free(f.name);
			free(f.path);
			err = -ENOMEM;
			break;
		}
		*files = grown;
		(*files)[(*n)++] = f;
	}
	closedir(d);
	return err;
}

/* Read and parse one file; one that cannot be read refuses every load. */
static int read_file(struct modtool_ctx *ctx, struct mt_policy *p, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), err = 0;
	const char *why = NULL;
	struct stat st;
	char *text = NULL;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if ((uint64_t)st.st_size > POLICY_FILE_MAX)
		why = "larger than a policy file may be (1 MiB)";
	else if (!(text = malloc((size_t)st.st_size + 1)))
		err = -ENOMEM;
	else
		err = mt_read_full(fd, text, (size_t)st.st_size, &got);
	if (fd >= 0)
		close(fd);
	if (err == -ENOMEM) {
		free(text);
		return err;
	}
	if (err < 0 || why) {
		why = why ? why : strerror(-err);
		mt_err(ctx, "%s: %s: every module load is refused (fail closed)\n", path, why);
		free(text);
		return mt_policy_add_broken(p, path, why);
	}
	err = mt_policy_parse(ctx, p, path, text, got);
	free(text);
	return err;
}

static void policy_free(void *policy)
{
	mt_policy_free(policy);
}

/*
 * The name the kernel will know the module by: its .modinfo "name=", not its
 * file's name, which anyone who can copy a file chooses.  The file's name
 * only for a module that states none (older kernels).
 */
static char *kernel_name_of(struct modtool_module *mod)
{
	struct modtool_info *info;
	char *name = NULL;

	if (modtool_module_get_path(mod) && modtool_module_get_info(mod, 0, &info) == 0) {
		for (size_t i = 0; i < modtool_info_count(info) && !name; i++)
			if (mt_streq(modtool_info_get_key(info, i), "name"))
				name = strdup(modtool_info_get_value(info, i));
		modtool_info_free(info);
	}
	return name ? name : strdup(modtool_module_get_name(mod));
}

static int policy_hook(struct modtool_ctx *ctx, struct modtool_module *mod, bool quiet_warn)
{
	struct mt_policy *p = ctx->policy;
	char *name;
	int err;

	if (!p || p->n_rules == 0)
		return 0;
	name = kernel_name_of(mod);
	if (!name)
		return -ENOMEM;
	err = mt_policy_check(ctx, p, name, modtool_module_get_path(mod), quiet_warn);
	if (err == -ECANCELED) {
		struct mt_audit_record rec = {
			.kind = MT_AUDIT_REFUSED, .module = name,
			.path = modtool_module_get_path(mod), .err = err, .reason = p->refusal,
		};

		mt_audit(ctx, &rec);
	}
	free(name);
	return err;
}

/*
 * MODTOOL_POLICY_DIRS (colon-separated), which replaces the default
 * directories: for tests and image builders.  0 with *@v NULL when unset.
 */
static int env_dirs(char ***v, size_t *n)
{
	const char *env = secure_getenv("MODTOOL_POLICY_DIRS");
	char *copy, *save, *dir;
	size_t cap = 0;
	int err = 0;

	*v = NULL;
	*n = 0;
	if (!env)
		return 0;
	copy = strdup(env);
	if (!copy)
		return -ENOMEM;
	for (dir = strtok_r(copy, ":", &save); dir && err == 0; dir = strtok_r(NULL, ":", &save))
		err = mt_strv_push(v, n, &cap, dir);
	free(copy);
	return err;
}

static int load_dirs(struct modtool_ctx *ctx, struct mt_policy *p, const char *const *dirs,
		     size_t n_dirs)
{
	struct policy_file *files = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	for (size_t i = 0; i < n_dirs && err == 0; i++)
		err = list_dir(ctx, p, dirs[i], &files, &n, &cap);
	if (n)
		qsort(files, n, sizeof(*files), file_cmp);
	for (size_t i = 0; i < n && err == 0; i++)
		err = read_file(ctx, p, files[i].path);
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].path);
	}
	free(files);
	return err;
}

MT_EXPORT int modtool_ctx_load_policy(struct modtool_ctx *ctx, const char *const *dirs)
{
	static const char *const defaults[] = MT_POLICY_DIRS;
	struct mt_policy *p = NULL;
	size_t n_dirs = 0;
	char **env = NULL;
	int err = 0;

	if (!ctx)
		return -EINVAL;
	if (!dirs) {
		err = env_dirs(&env, &n_dirs);
		dirs = env ? (const char *const *)env : defaults;
	}
	if (!env)
		while (dirs[n_dirs])
			n_dirs++;
	if (err == 0 && !(p = calloc(1, sizeof(*p))))
		err = -ENOMEM;
	if (err == 0)
		err = load_dirs(ctx, p, dirs, n_dirs);
	if (env)
		mt_strv_free(env, n_dirs);
	if (err < 0) {
		mt_policy_free(p);
		return err;
	}
	if (ctx->policy_free)
		ctx->policy_free(ctx->policy);
	ctx->policy = p;
	ctx->policy_check = policy_hook;
	ctx->policy_free = policy_free;
	return (int)p->n_rules;
}

/* ---- checking ---------------------------------------------------------- */

static bool matches_any(char *const *patterns, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (mt_glob_match(patterns[i], name))
			return true;
	return false;
}

/*
 * The kernel log hears of every refusal too: a load the kernel asked for
 * (its modprobe runs with no terminal, often with -q) is refused where an
 * administrator looks.  Best effort: no /dev/kmsg, no note.
 */
static void kmsg_note(int level, const char *text)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	char line[1024];
	int n;

	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "<%d>modtool[%d]: %s", level, (int)getpid(), text);
	if (n > 0 && write(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
		n = -1;	/* nothing to be done about a full or closed log */
	close(fd);
}

/* An enforce rule refuses (-ECANCELED), a warn rule says so and lets it be (0). */
static int violated(struct modtool_ctx *ctx, struct mt_policy *p, const struct mt_rule *r,
		    const char *name, const char *why, bool quiet_warn)
{
	char text[1024];

	if (!r->enforce && quiet_warn)
		return 0;
	if (r->enforce)
		snprintf(text, sizeof(text), "%s: refused by the load policy, %s: %s (%s)\n",
			 name, r->where, r->text, why);
	else
		snprintf(text, sizeof(text),
			 "%s: the load policy, %s, would refuse it: %s (%s); loaded anyway (warn)\n",
			 name, r->where, r->text, why);
	kmsg_note(r->enforce ? LOG_WARNING : LOG_NOTICE, text);
	if (r->enforce) {
		/* the audit record's reason: the rule and why, without the name */
		snprintf(p->refusal, sizeof(p->refusal), "%s: %s (%s)", r->where, r->text, why);
		mt_err(ctx, "%s", text);
		return -ECANCELED;
	}
	mt_warn(ctx, "%s", text);
	return 0;
}

/* The certificates signature rules trust, read once: 0 or why not (logged by the caller). */
static int policy_keyring(struct modtool_ctx *ctx, struct mt_policy *p)
{
	struct utsname u;
	int err = 0;

	if (p->keyring_tried)
		return p->keyring_err;
	p->keyring_tried = true;
	err = modtool_keyring_new(ctx, &p->keyring);
	for (size_t i = 0; i < p->n_cert_sources && err >= 0; i++) {
		char image[PATH_MAX];

		if (!mt_streq(p->cert_sources[i], "kernel")) {
			err = modtool_keyring_add_path(p->keyring, p->cert_sources[i]);
			continue;
		}
		if (uname(&u) < 0)
			err = -errno;
		else if (snprintf(image, sizeof(image), "/boot/vmlinuz-%s", u.release) >= (int)sizeof(image))
			err = -ENAMETOOLONG;
		else
			err = modtool_keyring_add_kernel_image(p->keyring, image);
	}
	if (err >= 0 && p->n_cert_sources == 0)
		err = -ENOKEY;	/* signature rules with nothing to trust */
	if (err >= 0 && modtool_keyring_count(p->keyring) == 0)
		err = -ENOKEY;
	p->keyring_err = err < 0 ? err : 0;
	return p->keyring_err;
}

struct signature_check {
	bool done;
	int err;
	struct modtool_verification *v;
};

static int verify_once(struct modtool_ctx *ctx, struct mt_policy *p, const char *path,
		       struct signature_check *sc)
{
	if (sc->done)
		return sc->err;
	sc->done = true;
	sc->err = policy_keyring(ctx, p);
	if (sc->err == 0)
		sc->err = modtool_keyring_verify(p->keyring, ctx, path, &sc->v);
	return sc->err;
}

/* A signature rule on @path: 0 satisfied, else -ECANCELED or 0 after its message. */
static int check_signature(struct modtool_ctx *ctx, struct mt_policy *p, const struct mt_rule *r,
			   const char *name, const char *path, struct signature_check *sc,
			   bool quiet_warn)
{
	const char *signer;
	char why[512];
	int err = verify_once(ctx, p, path, sc);

	if (err < 0) {
		snprintf(why, sizeof(why), "cannot be evaluated: %s", err == -ENOKEY ?
			 "no trusted certificate (see the \"certificates\" lines)" : strerror(-err));
		return violated(ctx, p, r, name, why, quiet_warn);
	}
	if (modtool_verification_get_verdict(sc->v) != MODTOOL_VERDICT_VALID) {
		snprintf(why, sizeof(why), "signature %s: %s",
			 modtool_verdict_name(modtool_verification_get_verdict(sc->v)),
			 modtool_verification_get_reason(sc->v));
		return violated(ctx, p, r, name, why, quiet_warn);
	}
	if (r->kind == MT_RULE_SIGNER) {
		signer = modtool_verification_get_signer(sc->v);
		if (!signer || !matches_any(r->args, r->n_args, signer)) {
			snprintf(why, sizeof(why), "signed by %s", signer ? signer : "an unnamed key");
			return violated(ctx, p, r, name, why, quiet_warn);
		}
	}
	return 0;
}

/* The allow rules of one mode: refused when there are some and none names @name. */
static int check_allow(struct modtool_ctx *ctx, struct mt_policy *p, bool enforce,
		       const char *name, bool quiet_warn)
{
	const struct mt_rule *first = NULL;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct mt_rule *r = &p->rules[i];

		if (r->kind != MT_RULE_ALLOW || r->enforce != enforce)
			continue;
		if (matches_any(r->args, r->n_args, name))
			return 0;
		first = first ? first : r;
	}
	return first ? violated(ctx, p, first, name, "not on the allow list", quiet_warn) : 0;
}

int mt_policy_check(struct modtool_ctx *ctx, struct mt_policy *p, const char *name,
		    const char *path, bool quiet_warn)
{
	struct signature_check sc = { 0 };
	char norm[NAME_MAX + 1];
	int refused = 0;

	if (mt_modname_normalize(name, norm, sizeof(norm)) < 0)
		snprintf(norm, sizeof(norm), "%s", name);
	for (size_t i = 0; i < p->n_rules && !refused; i++) {
		const struct mt_rule *r = &p->rules[i];

		switch (r->kind) {
		case MT_RULE_BROKEN:
			refused = violated(ctx, p, r, norm, "the policy could not be read", quiet_warn);
			break;
		case MT_RULE_FORBID:
			if (matches_any(r->args, r->n_args, norm))
				refused = violated(ctx, p, r, norm, "forbidden", quiet_warn);
			break;
		case MT_RULE_SIGNED:
		case MT_RULE_SIGNER:
			if (path)
				refused = check_signature(ctx, p, r, norm, path, &sc, quiet_warn);
			break;
		case MT_RULE_ALLOW:
			break;
		}
	}
	if (!refused)
		refused = check_allow(ctx, p, true, norm, quiet_warn);
	if (!refused)
		check_allow(ctx, p, false, norm, quiet_warn);
	modtool_verification_free(sc.v);
	return refused;
}

MT_EXPORT int modtool_policy_check(struct modtool_module *mod)
{
	struct modtool_ctx *ctx;

	if (!mod)
		return -EINVAL;
	ctx = mt_module_ctx(mod);
	return ctx->policy_check ? ctx->policy_check(ctx, mod, false) : 0;
}
