// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modtool verify: is each module what its signer signed, by a key we trust?
 * The certificates come from files or directories (--cert) or from a kernel
 * image (--kernel; by default the kernel whose tree is checked), never from
 * the signature itself.  Options and printing only: libmodtool does the rest.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include "modtool.h"
#include "tool.h"

#define EXIT_ERROR 1
#define EXIT_USAGE 2
/* A verdict's exit status is this plus its number (modtool_verdict). */
#define EXIT_VERDICT_BASE 10
#define N_VERDICTS (MODTOOL_VERDICT_MALFORMED + 1)

struct verify_opts {
	const char **certs;
	size_t n_certs;
	const char **kernels;
	size_t n_kernels;
	const char *root, *kver;
	unsigned int jobs;
	bool all, json, quiet, verbose;
};

/* What the run found: the exit status is made of it. */
struct tally {
	size_t count[N_VERDICTS];
	size_t errors;
	int worst;			/* highest verdict seen, -1 none */
	bool quiet;
	struct modtool_json *json;	/* NULL: text */
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: modtool verify [options] (MODULE... | --all)\n");
}

static void help(void)
{
	usage(stdout);
	printf("\nCheck each module's appended signature (a .ko, or .ko.gz/.ko.xz/.ko.zst,\n"
	       "decompressed first) against trusted certificates only, never against one\n"
	       "the signature carries.  MODULE is a file or a module name of the tree.\n\n"
	       "  -c, --cert=FILE|DIR    trust these certificates (PEM, DER, or a directory of\n"
	       "                         such files); may be repeated\n"
	       "  -K, --kernel=IMAGE     trust the certificates built into this kernel image\n"
	       "                         (bzImage or vmlinux); may be repeated.  With neither\n"
	       "                         option: ROOT/boot/vmlinuz-VERSION\n"
	       "  -a, --all              every module of the tree, in parallel\n"
	       "  -b, --basedir=ROOT     the tree is ROOT/lib/modules/VERSION\n"
	       "  -k, --set-version=VER  VERSION instead of `uname -r`\n"
	       "  -j, --jobs=N           verify on N threads (default: one per CPU)\n"
	       "  -q, --quiet            print only the modules that are not valid\n"
	       "  -v, --verbose          also list the trusted certificates (stderr)\n"
	       "      --json             one JSON document on stdout\n"
	       "  -h, --help             show this help\n\n"
	       "Exit status: 0 every module valid; otherwise the worst verdict found:\n"
	       "  11 unsigned, 12 bad-signature (content changed), 13 unknown-key,\n"
	       "  14 unsupported (algorithm), 15 malformed (signature unreadable);\n"
	       "  1 a module or certificate could not be read, 2 bad usage.\n");
}

static int parse_jobs(const char *arg, unsigned int *jobs)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 1 || n > 1024) {
		tool_error("invalid --jobs '%s': a number from 1 to 1024\n", arg);
		return -EINVAL;
	}
	*jobs = (unsigned int)n;
	return 0;
}

/* 0 parsed, >0 exit with status (ret - 1), <0 bad usage */
static int parse_options(int argc, char *argv[], struct verify_opts *o)
{
	enum { OPT_JSON = 0x100 };
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "all", no_argument, NULL, 'a' },
		{ "basedir", required_argument, NULL, 'b' },
		{ "set-version", required_argument, NULL, 'k' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:K:ab:k:j:qvh", longopts, NULL)) != -1) {
		int err = 0;

		switch (c) {
		case 'c': err = tool_push_arg(&o->certs, &o->n_certs, optarg); break;
		case 'K': err = tool_push_arg(&o->kernels, &o->n_kernels, optarg); break;
		case 'a': o->all = true; break;
		case 'b': o->root = optarg; break;
		case 'k': o->kver = optarg; break;
		case 'j': err = parse_jobs(optarg, &o->jobs); break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose = true; break;
		case OPT_JSON: o->json = true; break;
		case 'h': help(); return 1;
		default: usage(stderr); return -1;
		}
		if (err < 0)
			return -1;
	}
	if (o->all == (optind < argc)) {
		tool_error(o->all ? "--all takes no module\n" : "missing module (or --all)\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

/* The tree's version: -k, else the running kernel's. */
static const char *tree_version(const struct verify_opts *o, struct utsname *u)
{
	if (o->kver)
		return o->kver;
	if (uname(u) < 0) {
		tool_error("uname() failed: %m\n");
		return NULL;
	}
	return u->release;
}

static int build_keyring(const struct verify_opts *o, struct modtool_keyring *kr,
			 const char *kver)
{
	char image[PATH_MAX];
	int err = 0;

	for (size_t i = 0; i < o->n_certs && err >= 0; i++)
		err = modtool_keyring_add_path(kr, o->certs[i]);
	for (size_t i = 0; i < o->n_kernels && err >= 0; i++)
		err = modtool_keyring_add_kernel_image(kr, o->kernels[i]);
	if (err >= 0 && !o->n_certs && !o->n_kernels) {
		if (snprintf(image, sizeof(image), "%s/boot/vmlinuz-%s", o->root ? o->root : "",
			     kver) >= (int)sizeof(image))
			return -ENAMETOOLONG;
		if (access(image, R_OK) < 0) {
			err = -errno;
			tool_error("%s: %s: give the trusted certificates with --cert or --kernel\n",
				   image, strerror(-err));
			return err;
		}
		err = modtool_keyring_add_kernel_image(kr, image);
	}
	if (err < 0)
		return err;
	if (modtool_keyring_count(kr) == 0) {
		tool_error("no trusted certificate: nothing could verify\n");
		return -ENOKEY;
	}
	return 0;
}

static void list_keyring(const struct modtool_keyring *kr)
{
	for (size_t i = 0; i < modtool_keyring_count(kr); i++) {
		const char *id = modtool_keyring_get_key_id(kr, i);

		fprintf(stderr, "trusted: %s%s%s\n", modtool_keyring_get_subject(kr, i),
			*id ? ", key " : "", id);
	}
}

static void print_json(struct modtool_json *j, const char *path, int err,
		       const struct modtool_verification *v)
{
	modtool_json_begin_object(j);
	modtool_json_member_string(j, "path", path);
	if (err < 0) {
		modtool_json_member_string(j, "error", strerror(-err));
	} else {
		modtool_json_member_string(j, "verdict", modtool_verdict_name(modtool_verification_get_verdict(v)));
		modtool_json_member_string(j, "signer", modtool_verification_get_signer(v));
		modtool_json_member_string(j, "key_id", modtool_verification_get_key_id(v));
		modtool_json_member_string(j, "hash_algo", modtool_verification_get_hash_algo(v));
		modtool_json_member_string(j, "key_algo", modtool_verification_get_key_algo(v));
		modtool_json_member_string(j, "reason", modtool_verification_get_reason(v));
	}
	modtool_json_end_object(j);
}

static void print_text(const char *path, const struct modtool_verification *v)
{
	enum modtool_verdict verdict = modtool_verification_get_verdict(v);
	const char *signer = modtool_verification_get_signer(v);
	const char *key_id = modtool_verification_get_key_id(v);

	if (verdict != MODTOOL_VERDICT_VALID) {
		printf("%s: %s: %s\n", path, modtool_verdict_name(verdict),
		       modtool_verification_get_reason(v));
		return;
	}
	printf("%s: valid: signed by %s (", path, signer ? signer : "?");
	if (key_id)
		printf("key %s, ", key_id);
	printf("%s, %s)\n", modtool_verification_get_hash_algo(v),
	       modtool_verification_get_key_algo(v));
}

/* One module's result (called in order, from one thread). */
static int report(void *data, const char *path, int err, const struct modtool_verification *v)
{
	struct tally *t = data;
	enum modtool_verdict verdict;

	if (err < 0) {
		t->errors++;	/* the library named the file and the problem */
		if (t->json)
			print_json(t->json, path, err, NULL);
		return 0;
	}
	verdict = modtool_verification_get_verdict(v);
	t->count[verdict]++;
	if ((int)verdict > t->worst)
		t->worst = (int)verdict;
	if (t->json)
		print_json(t->json, path, err, v);
	else if (!t->quiet || verdict != MODTOOL_VERDICT_VALID)
		print_text(path, v);
	return 0;
}

/* A module argument: a file as it is, a name through the tree's indexes. */
static int verify_arg(struct modtool_keyring *kr, struct modtool_ctx *ctx, const char *arg,
		      struct tally *t)
{
	struct modtool_verification *v = NULL;
	struct modtool_list *list = NULL;
	const char *path = arg;
	struct stat st;
	int err;

	if (!strchr(arg, '/') && stat(arg, &st) < 0) {
		err = modtool_module_lookup(ctx, arg, 0, &list);
		if (err <= 0) {
			tool_error("module %s not found\n", arg);
			modtool_list_free(list);
			t->errors++;
			return 0;
		}
		path = modtool_module_get_path(modtool_list_get(list, 0));
		if (!path) {
			tool_error("module %s is built into the kernel: no file to verify\n", arg);
			modtool_list_free(list);
			t->errors++;
			return 0;
		}
	}
	err = modtool_keyring_verify(kr, ctx, path, &v);
	report(t, path, err, v);
	modtool_verification_free(v);
	modtool_list_free(list);
	return 0;
}

static void summary(const struct tally *t)
{
	size_t total = t->errors;

	for (int i = 0; i < N_VERDICTS; i++)
		total += t->count[i];
	if (t->json) {
		modtool_json_key(t->json, "summary");
		modtool_json_begin_object(t->json);
		for (int i = 0; i < N_VERDICTS; i++) {
			modtool_json_member_int(t->json, modtool_verdict_name(i), (long long)t->count[i]);
		}
		modtool_json_member_int(t->json, "errors", (long long)t->errors);
		modtool_json_end_object(t->json);
		return;
	}
	if (total < 2)
		return;
	fprintf(stderr, "%zu modules:", total);
	for (int i = 0; i < N_VERDICTS; i++)
		if (t->count[i])
			fprintf(stderr, " %zu %s", t->count[i], modtool_verdict_name(i));
	if (t->errors)
		fprintf(stderr, " %zu unreadable", t->errors);
	fputc('\n', stderr);
}

static void json_keyring(struct modtool_json *j, const struct modtool_keyring *kr)
{
	modtool_json_key(j, "trusted");
	modtool_json_begin_array(j);
	for (size_t i = 0; i < modtool_keyring_count(kr); i++) {
		modtool_json_begin_object(j);
		modtool_json_member_string(j, "subject", modtool_keyring_get_subject(kr, i));
		modtool_json_member_string(j, "key_id", modtool_keyring_get_key_id(kr, i));
		modtool_json_end_object(j);
	}
	modtool_json_end_array(j);
}

static int run(const struct verify_opts *o, struct modtool_ctx *ctx, struct modtool_keyring *kr,
	       const char *dir, char *modules[], int n, struct tally *t)
{
	int err = 0;

	if (t->json) {
		modtool_json_begin_object(t->json);
		json_keyring(t->json, kr);
		modtool_json_key(t->json, "modules");
		modtool_json_begin_array(t->json);
	}
	if (o->all)
		err = modtool_keyring_verify_tree(kr, ctx, dir, o->jobs, report, t);
	else
		for (int i = 0; i < n; i++)
			verify_arg(kr, ctx, modules[i], t);
	if (t->json)
		modtool_json_end_array(t->json);
	summary(t);
	if (t->json) {
		modtool_json_end_object(t->json);
		if (modtool_json_free(t->json) < 0 && err == 0)
			err = -EIO;
		t->json = NULL;
	}
	return err;
}

static int exit_status(const struct tally *t, int err)
{
	if (err < 0 || t->errors)
		return EXIT_ERROR;
	return t->worst > 0 ? EXIT_VERDICT_BASE + t->worst : 0;
}

int modtool_verify_main(int argc, char *argv[])
{
	struct verify_opts o = { 0 };
	struct tally t = { .worst = -1 };
	struct modtool_keyring *kr = NULL;
	struct modtool_ctx *ctx = NULL;
	char dir[PATH_MAX];
	const char *kver;
	struct utsname u;
	int err = parse_options(argc, argv, &o);

	if (err)
		goto out_usage;
	kver = tree_version(&o, &u);
	if (!kver || snprintf(dir, sizeof(dir), "%s/lib/modules/%s", o.root ? o.root : "",
			      kver) >= (int)sizeof(dir)) {
		err = -EINVAL;
		goto out;
	}
	err = modtool_ctx_new(dir, &ctx);
	if (err < 0) {
		tool_error("cannot create context: %s\n", strerror(-err));
		goto out;
	}
	tool_log_setup(ctx, LOG_ERR);
	err = modtool_keyring_new(ctx, &kr);
	if (err == 0)
		err = build_keyring(&o, kr, kver);
	if (err < 0)
		goto out;
	if (o.verbose)
		list_keyring(kr);
	t.quiet = o.quiet;
	if (o.json)
		t.json = modtool_json_new(STDOUT_FILENO);
	err = run(&o, ctx, kr, dir, argv + optind, argc - optind, &t);
out:
	modtool_keyring_free(kr);
	modtool_ctx_free(ctx);
	free(o.certs);
	free(o.kernels);
	return exit_status(&t, err);
out_usage:
	free(o.certs);
	free(o.kernels);
	return err > 0 ? 0 : EXIT_USAGE;
}
