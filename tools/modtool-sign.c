// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modtool sign: the kernel's scripts/sign-file, same command line, same
 * output on an unsigned plain module, same exit statuses (2 for a wrong
 * command line, 1 for a failure).  Unlike sign-file it replaces an existing
 * signature, signs compressed modules inside, and writes atomically.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "modtool.h"
#include "tool.h"

static void usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage: %s [-dpk] <hash algo> <key> <x509> <module> [<dest>]\n"
		"       %s [-dpk] -s <raw sig> <hash algo> <x509> <module> [<dest>]\n", prog, prog);
}

static void help(const char *prog)
{
	usage(stdout, prog);
	printf("\nSign a kernel module as scripts/sign-file does: a detached CMS signature with\n"
	       "no certificates and no signed attributes, appended with its trailer.\n\n"
	       "  <hash algo>  sha256, sha384, sha512, sha3-256... (libcrypto's names)\n"
	       "  <key>        private key, PEM (KBUILD_SIGN_PIN: its passphrase) or DER,\n"
	       "               or a pkcs11: URI (an OpenSSL 3 pkcs11 provider; PIN from\n"
	       "               KBUILD_SIGN_PIN)\n"
	       "  <x509>       the key's certificate, PEM or DER\n"
	       "  <module>     .ko, or .ko.gz/.ko.xz/.ko.zst: signed inside and compressed\n"
	       "               again as kbuild does; an existing signature is replaced\n"
	       "  <dest>       write there instead of replacing <module>\n\n"
	       "  -d           write only the signature, to <module>.p7s\n"
	       "  -p           also keep the signature in <module>.p7s\n"
	       "  -k           name the signer by subjectKeyIdentifier, not issuer and serial\n"
	       "  -s <raw sig> append a signature made elsewhere (DER CMS); -d and -p are ignored\n"
	       "  -h, --help   show this help\n\n"
	       "Exit status: 0 signed, 1 failure (one message names the file), 2 bad usage.\n");
}

int modtool_sign_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* sign-file's own name in its usage text; ours otherwise */
	const char *prog = strcmp(program_invocation_short_name, "sign-file") == 0 ?
			   "sign-file" : "modtool sign";
	const char *raw = NULL, *hash, *key = NULL, *cert, *module, *dest = NULL;
	struct modtool_signer *signer = NULL;
	struct modtool_ctx *ctx = NULL;
	unsigned int flags = 0;
	bool raw_sig = false;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "sdpkh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': raw_sig = true; break;
		case 'd': flags |= MODTOOL_SIGN_DETACHED; break;
		case 'p': flags |= MODTOOL_SIGN_SAVE_P7S; break;
		case 'k': flags |= MODTOOL_SIGN_KEY_ID; break;
		case 'h': help(prog); return 0;
		default: usage(stderr, prog); return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 4 || argc > 5) {
		usage(stderr, prog);
		return 2;
	}
	if (raw_sig) {
		raw = argv[0];
		hash = argv[1];
		/* sign-file writes no .p7s of a raw signature and ignores -d then */
		flags &= ~(MODTOOL_SIGN_DETACHED | MODTOOL_SIGN_SAVE_P7S);
	} else {
		hash = argv[0];
		key = argv[1];
	}
	cert = argv[2];
	module = argv[3];
	/* DEST equal to MODULE is signing in place, as sign-file has it */
	if (argc == 5 && strcmp(argv[3], argv[4]) != 0)
		dest = argv[4];
	/* sign-file -d writes MODULE.p7s whatever DEST says */
	if (flags & MODTOOL_SIGN_DETACHED)
		dest = NULL;

	err = modtool_ctx_new(NULL, &ctx);
	if (err < 0) {
		tool_error("cannot create context: %s\n", strerror(-err));
		return 1;
	}
	tool_log_setup(ctx, LOG_ERR);
	err = raw ? modtool_signer_new_raw(ctx, hash, raw, cert, &signer)
		  : modtool_signer_new(ctx, hash, key, cert, &signer);
	if (err >= 0)
		err = modtool_signer_sign(signer, module, dest, flags);
	modtool_signer_free(signer);
	modtool_ctx_free(ctx);
	return err < 0 ? 1 : 0;
}
