// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modtool check: will a module load, what will it do to the kernel, can it
 * be taken out again?  Told offline, before anything touches the kernel,
 * for modules by name or path (with their dependencies) or a whole tree,
 * against the running kernel or one given by its tree.  Options, kernel
 * discovery and printing only: libmodtool does the checking.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "modtool.h"
#include "tool.h"

/* Exit statuses: the worst verdict, or an error. */
#define EXIT_TAINTS 1
#define EXIT_REFUSED 2
#define EXIT_UNKNOWN 3
#define EXIT_ERROR 4
#define EXIT_USAGE 5

struct check_opts {
	const char *root, *kver, *image, *symvers, *config, *lockdown;
	const char **certs;
	size_t n_certs;
	bool all, json, verbose, sig_enforce;
};

struct tally {
	size_t verdicts[4];
	size_t warnings;
	bool verbose;
	struct modtool_json *json;
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: modtool check [options] (MODULE... | --all)\n");
}

static void help(void)
{
	usage(stdout);
	printf("\nTell, without loading anything, whether each module (and each module it\n"
	       "depends on) would load, the taint it would set, whether it can be removed\n"
	       "again, and why.  MODULE is a file or a name resolved as modprobe does.\n\n"
	       "  -b, --basedir=ROOT     the kernel of ROOT/lib/modules/VERSION, ROOT/boot\n"
	       "                         (default: the running kernel)\n"
	       "  -k, --set-version=VER  VERSION (default: the only one under ROOT, or uname -r)\n"
	       "  -K, --kernel=IMAGE     the kernel image (default ROOT/boot/vmlinuz-VERSION)\n"
	       "      --symvers=FILE     the kernel's exports from a Module.symvers\n"
	       "      --config=FILE      the kernel's .config (default ROOT/boot/config-VERSION)\n"
	       "  -c, --cert=FILE|DIR    trust these certificates too; may be repeated\n"
	       "      --sig-enforce      the kernel enforces signatures (module.sig_enforce=1)\n"
	       "      --lockdown=LEVEL   the kernel is locked down (integrity, confidentiality)\n"
	       "  -a, --all              every module of the tree, each alone\n"
	       "  -v, --verbose          with --all, every module, not only those with findings\n"
	       "      --json             one JSON document on stdout\n"
	       "  -h, --help             show this help\n\n"
	       "Exit status: 0 all would load without taint, 1 some would taint, 2 some would\n"
	       "be refused, 3 for some it cannot be told (and none refused), 4 an error\n"
	       "(a module or the kernel could not be read), 5 bad usage.\n");
}

/* 0 parsed, 1 help shown, <0 bad usage */
static int parse_options(int argc, char *argv[], struct check_opts *o)
{
	enum { OPT_JSON = 0x100, OPT_SYMVERS, OPT_CONFIG, OPT_SIG_ENFORCE, OPT_LOCKDOWN };
	static const struct option longopts[] = {
		{ "basedir", required_argument, NULL, 'b' },
		{ "set-version", required_argument, NULL, 'k' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "symvers", required_argument, NULL, OPT_SYMVERS },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "cert", required_argument, NULL, 'c' },
		{ "sig-enforce", no_argument, NULL, OPT_SIG_ENFORCE },
		{ "lockdown", required_argument, NULL, OPT_LOCKDOWN },
		{ "all", no_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "b:k:K:c:avh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o->root = optarg; break;
		case 'k': o->kver = optarg; break;
		case 'K': o->image = optarg; break;
		case OPT_SYMVERS: o->symvers = optarg; break;
		case OPT_CONFIG: o->config = optarg; break;
		case 'c':
			if (tool_push_arg(&o->certs, &o->n_certs, optarg) < 0)
				return -1;
			break;
		case OPT_SIG_ENFORCE: o->sig_enforce = true; break;
		case OPT_LOCKDOWN:
			o->lockdown = optarg;
			if (strcmp(optarg, "none") && strcmp(optarg, "integrity") &&
			    strcmp(optarg, "confidentiality")) {
				tool_error("invalid --lockdown '%s': none, integrity or "
					   "confidentiality\n", optarg);
				return -1;
			}
			break;
		case 'a': o->all = true; break;
		case 'v': o->verbose = true; break;
		case OPT_JSON: o->json = true; break;
		case 'h': help(); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (o->all == (optind < argc)) {
		tool_error(o->all ? "--all takes no module\n" : "missing module (or --all)\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

/* -k, else the one version under ROOT/lib/modules, else the running kernel's. */
static const char *tree_version(const struct check_opts *o, struct utsname *u, char *buf,
				size_t size)
{
	char dir[PATH_MAX];
	struct dirent *d;
	int found = 0;
	DIR *dh;

	if (o->kver)
		return o->kver;
	if (o->root) {
		snprintf(dir, sizeof(dir), "%s/lib/modules", o->root);
		dh = opendir(dir);
		while (dh && (d = readdir(dh)) != NULL)
			if (d->d_name[0] != '.' && found++ == 0)
				snprintf(buf, size, "%s", d->d_name);
		if (dh)
			closedir(dh);
		if (found == 1)
			return buf;
		if (found > 1) {
			tool_error("%s holds several kernels: say which with -k\n", dir);
			return NULL;
		}
	}
	if (uname(u) < 0) {
		tool_error("uname() failed: %m\n");
		return NULL;
	}
	return u->release;
}

/* ROOT@dir@kver@file, if that file exists: into @buf, else NULL. */
static const char *existing(const struct check_opts *o, char *buf, size_t size, const char *dir,
			    const char *kver, const char *file)
{
	snprintf(buf, size, "%s%s%s%s", o->root ? o->root : "", dir, kver, file);
	return access(buf, R_OK) == 0 ? buf : NULL;
}

/* The kernel: its image, exports, configuration, certificates, state. */
static int describe_kernel(const struct check_opts *o, struct modtool_ctx *ctx,
			   struct modtool_check *chk, const char *kver)
{
	char image[PATH_MAX], config[PATH_MAX], symvers[PATH_MAX];
	const char *path;
	bool running = !o->root && !o->kver;
	int err = 0;

	path = o->image ? o->image : existing(o, image, sizeof(image), "/boot/vmlinuz-", kver, "");
	if (path)
		err = modtool_check_set_kernel_image(chk, path);
	path = o->symvers ? o->symvers
			  : existing(o, symvers, sizeof(symvers), "/boot/symvers-", kver, "");
	if (!path)
		path = existing(o, symvers, sizeof(symvers), "/lib/modules/", kver,
				"/build/Module.symvers");
	if (err == 0 && path)
		err = modtool_check_set_symvers(chk, path);
	/* the exports' names from a System.map when nothing better was found */
	path = existing(o, symvers, sizeof(symvers), "/boot/System.map-", kver, "");
	if (err == 0 && path && modtool_check_get_export_count(chk) == 0 &&
	    modtool_check_set_system_map(chk, path) == -ENOMEM)
		err = -ENOMEM;
	path = o->config ? o->config : existing(o, config, sizeof(config), "/boot/config-", kver, "");
	if (err == 0 && path)
		err = modtool_check_set_kernel_config(chk, path);
	for (size_t i = 0; err == 0 && i < o->n_certs; i++)
		err = modtool_check_add_certificates(chk, o->certs[i]);
	if (err == 0 && running) {
		err = modtool_check_use_running_kernel(chk);
		if (err == 0 && modtool_ctx_load_policy(ctx, NULL) < 0)
			err = 0;	/* a broken policy refuses every load: its check says so */
	}
	if (err == 0 && o->sig_enforce)
		modtool_check_set_sig_enforce(chk, true);
	if (err == 0 && o->lockdown)
		err = modtool_check_set_lockdown(chk, o->lockdown);
	if (err == 0)
		err = modtool_check_set_root(chk, o->root);
	return err;
}

/* ---- printing ---- */

static const char *errno_name(int err)
{
	const char *name = err ? strerrorname_np(-err) : NULL;

	return name ? name : "";
}

static const char *verdict_text(int verdict)
{
	static const char *const text[] = { "would load", "would load and taint",
					    "would be refused", "cannot tell" };

	return verdict >= 0 && verdict < 4 ? text[verdict] : "?";
}

static void print_module(const struct modtool_check_result *res, size_t i, bool notes)
{
	int verdict = modtool_check_result_get_verdict(res, i);
	int error = modtool_check_result_get_error(res, i);
	const char *taint = modtool_check_result_get_taint(res, i);
	const char *path = modtool_check_result_get_path(res, i);

	printf("%s: %s", modtool_check_result_get_name(res, i), verdict_text(verdict));
	if (error)
		printf(" (%s: %s)", errno_name(error), strerror(-error));
	if (*taint)
		printf(verdict == MODTOOL_CHECK_REFUSED ? ", taint %s set all the same" : ", taint %s",
		       taint);
	if (!modtool_check_result_is_removable(res, i))
		printf(", not removable");
	printf("%s\n", modtool_check_result_is_target(res, i) ? "" : " [dependency]");
	if (path && notes)
		printf("  file: %s\n", path);
	for (size_t j = 0; j < modtool_check_result_finding_count(res, i); j++) {
		const char *message, *advice;
		int severity;
		char letter;
		bool reached;

		modtool_check_result_get_finding(res, i, j, NULL, &severity, &letter, NULL, NULL,
						 &message, &advice);
		reached = modtool_check_result_finding_reached(res, i, j);
		if (severity == MODTOOL_FINDING_NOTE && !notes)
			continue;
		if (letter)
			printf("  %s (%c)%s: %s\n", modtool_check_severity_name(severity), letter,
			       reached ? "" : ", not reached", message);
		else
			printf("  %s%s: %s\n", modtool_check_severity_name(severity),
			       reached ? "" : ", not reached", message);
		if (advice)
			printf("    what to do: %s\n", advice);
	}
}

static void json_module(struct modtool_json *js, const struct modtool_check_result *res,
			size_t i)
{
	int error = modtool_check_result_get_error(res, i);

	modtool_json_begin_object(js);
	modtool_json_key(js, "name");
	modtool_json_string(js, modtool_check_result_get_name(res, i));
	modtool_json_key(js, "path");
	modtool_json_string(js, modtool_check_result_get_path(res, i));
	modtool_json_key(js, "target");
	modtool_json_bool(js, modtool_check_result_is_target(res, i));
	modtool_json_key(js, "verdict");
	modtool_json_string(js, modtool_check_verdict_name(modtool_check_result_get_verdict(res,
											     i)));
	modtool_json_key(js, "error");
	modtool_json_string(js, error ? errno_name(error) : NULL);
	modtool_json_key(js, "taint");
	modtool_json_string(js, modtool_check_result_get_taint(res, i));
	modtool_json_key(js, "removable");
	modtool_json_bool(js, modtool_check_result_is_removable(res, i));
	modtool_json_key(js, "findings");
	modtool_json_begin_array(js);
	for (size_t j = 0; j < modtool_check_result_finding_count(res, i); j++) {
		const char *code, *symbol, *message, *advice;
		char letter[2] = { 0 };
		int severity, ferr;

		modtool_check_result_get_finding(res, i, j, &code, &severity, &letter[0], &ferr,
						 &symbol, &message, &advice);
		modtool_json_begin_object(js);
		modtool_json_key(js, "code");
		modtool_json_string(js, code);
		modtool_json_key(js, "severity");
		modtool_json_string(js, modtool_check_severity_name(severity));
		modtool_json_key(js, "taint");
		modtool_json_string(js, letter[0] ? letter : NULL);
		modtool_json_key(js, "error");
		modtool_json_string(js, ferr ? errno_name(ferr) : NULL);
		modtool_json_key(js, "symbol");
		modtool_json_string(js, symbol);
		modtool_json_key(js, "message");
		modtool_json_string(js, message);
		modtool_json_key(js, "advice");
		modtool_json_string(js, advice);
		modtool_json_key(js, "reached");
		modtool_json_bool(js, modtool_check_result_finding_reached(res, i, j));
		modtool_json_end_object(js);
	}
	modtool_json_end_array(js);
	modtool_json_end_object(js);
}

static bool has_warning(const struct modtool_check_result *res, size_t i)
{
	for (size_t j = 0; j < modtool_check_result_finding_count(res, i); j++) {
		int severity;

		modtool_check_result_get_finding(res, i, j, NULL, &severity, NULL, NULL, NULL, NULL,
						 NULL);
		if (severity == MODTOOL_FINDING_WARNING)
			return true;
	}
	return false;
}

/* One result: counted, printed (with --all only what is not clean, unless -v). */
static int report(void *data, const struct modtool_check_result *res)
{
	struct tally *t = data;

	for (size_t i = 0; i < modtool_check_result_count(res); i++) {
		int verdict = modtool_check_result_get_verdict(res, i);
		bool warn = has_warning(res, i);

		t->verdicts[verdict]++;
		t->warnings += warn;
		if (t->json)
			json_module(t->json, res, i);
		else if (t->verbose || verdict != MODTOOL_CHECK_LOADS || warn)
			print_module(res, i, t->verbose);
	}
	return 0;
}

static int exit_status(const struct tally *t)
{
	if (t->verdicts[MODTOOL_CHECK_REFUSED])
		return EXIT_REFUSED;
	if (t->verdicts[MODTOOL_CHECK_UNKNOWN])
		return EXIT_UNKNOWN;
	return t->verdicts[MODTOOL_CHECK_TAINTS] ? EXIT_TAINTS : 0;
}

static void json_kernel(struct modtool_json *js, const struct modtool_check *chk)
{
	modtool_json_key(js, "kernel");
	modtool_json_begin_object(js);
	modtool_json_key(js, "release");
	modtool_json_string(js, modtool_check_get_release(chk));
	modtool_json_key(js, "vermagic");
	modtool_json_string(js, modtool_check_get_vermagic(chk));
	modtool_json_key(js, "exports");
	modtool_json_int(js, (long long)modtool_check_get_export_count(chk));
	modtool_json_end_object(js);
}

static void summary(const struct tally *t)
{
	if (t->json) {
		modtool_json_key(t->json, "summary");
		modtool_json_begin_object(t->json);
		for (int v = 0; v < 4; v++) {
			modtool_json_key(t->json, modtool_check_verdict_name(v));
			modtool_json_int(t->json, (long long)t->verdicts[v]);
		}
		modtool_json_end_object(t->json);
		return;
	}
	printf("%zu would load, %zu would load and taint, %zu would be refused, %zu cannot "
	       "tell; %zu with warnings\n", t->verdicts[0], t->verdicts[1], t->verdicts[2],
	       t->verdicts[3], t->warnings);
}

static int run(const struct check_opts *o, struct modtool_check *chk, char **modules, int n,
	       struct tally *t)
{
	int err = 0, failed = 0;

	if (t->json) {
		modtool_json_begin_object(t->json);
		json_kernel(t->json, chk);
		modtool_json_key(t->json, "modules");
		modtool_json_begin_array(t->json);
	}
	if (o->all) {
		err = modtool_check_tree(chk, report, t);
	} else {
		for (int i = 0; i < n; i++) {
			struct modtool_check_result *res = NULL;

			err = modtool_check_module(chk, modules[i], &res);
			if (err == 0)
				report(t, res);
			else
				failed = err;
			modtool_check_result_free(res);
		}
		err = failed;
	}
	if (t->json) {
		modtool_json_end_array(t->json);
		summary(t);
		modtool_json_end_object(t->json);
	} else if (o->all || n > 1) {
		summary(t);
	}
	return err;
}

int modtool_check_main(int argc, char *argv[])
{
	struct check_opts o = { 0 };
	struct tally t = { 0 };
	struct modtool_ctx *ctx = NULL;
	struct modtool_check *chk = NULL;
	char dir[PATH_MAX], vbuf[256];
	struct utsname u;
	const char *kver;
	int r, status;

	r = parse_options(argc, argv, &o);
	if (r != 0) {
		free(o.certs);
		return r > 0 ? 0 : EXIT_USAGE;
	}
	kver = tree_version(&o, &u, vbuf, sizeof(vbuf));
	if (!kver) {
		free(o.certs);
		return EXIT_ERROR;
	}
	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", o.root ? o.root : "", kver);
	r = modtool_ctx_new(dir, &ctx);
	if (r == 0) {
		tool_log_setup(ctx, LOG_ERR);
		modtool_ctx_load_config(ctx, NULL, o.root || o.kver ? "" : NULL);
		r = modtool_check_new(ctx, &chk);
	}
	if (r == 0)
		r = describe_kernel(&o, ctx, chk, kver);
	if (r == 0) {
		t.verbose = o.verbose || !o.all;
		t.json = o.json ? modtool_json_new(STDOUT_FILENO) : NULL;
		r = run(&o, chk, argv + optind, argc - optind, &t);
		if (t.json && modtool_json_free(t.json) < 0 && r == 0)
			r = -EIO;
	}
	status = r < 0 ? EXIT_ERROR : exit_status(&t);
	modtool_check_free(chk);
	modtool_ctx_free(ctx);
	free(o.certs);
	return status;
}
