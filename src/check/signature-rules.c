// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The signature, as module_sig_check() judges it (kernel/module/signing.c):
 * a signature that verifies sets sig_ok; one whose key the kernel lacks
 * (ENOKEY), in a format it cannot check (ENOPKG) or none at all (ENODATA)
 * is refused under sig_enforce (EKEYREJECTED), else under lockdown (EPERM),
 * else loads and taints E; any other failure, a signature that does not
 * match the bytes above all, is refused even without enforcement.
 */
#include <stdio.h>

#include "base/internal.h"
#include "check/check.h"
#include "trust/verify.h"

static const char sign_advice[] =
	"sign it with a key the kernel trusts (modtool sign, or enrol your key with mokutil)";

/* Unsigned as the kernel sees it: refused or tainting, by the kernel's state. */
static int unsigned_like(struct mt_view *v, const char *code, const char *what)
{
	struct modtool_check *chk = v->chk;

	if (chk->sig_enforce == 1)
		return mt_finding_add(v->m, code, MODTOOL_FINDING_REFUSE, MT_STAGE_SIGNATURE, 0,
				      -EKEYREJECTED, NULL, sign_advice,
				      "%s, and the kernel enforces module signatures "
				      "(module.sig_enforce): refused", what);
	if (chk->lockdown == 1)
		return mt_finding_add(v->m, code, MODTOOL_FINDING_REFUSE, MT_STAGE_SIGNATURE, 0,
				      -EPERM, NULL, sign_advice,
				      "%s, and the kernel is locked down: refused", what);
	return mt_finding_add(v->m, code, MODTOOL_FINDING_TAINT, MT_STAGE_TAINTS, 'E', 0, NULL,
			      sign_advice, "%s: loading it taints the kernel (E)", what);
}

static int judge(struct mt_view *v, const struct modtool_verification *ver)
{
	const char *signer = modtool_verification_get_signer(ver);
	const char *reason = modtool_verification_get_reason(ver);
	char what[512];

	switch (modtool_verification_get_verdict(ver)) {
	case MODTOOL_VERDICT_VALID:
		return mt_finding_add(v->m, "signed", MODTOOL_FINDING_NOTE, MT_STAGE_SIGNATURE, 0, 0,
				      NULL, NULL, "signed by \"%s\", a key the kernel trusts",
				      signer ? signer : "?");
	case MODTOOL_VERDICT_UNSIGNED:
		return unsigned_like(v, "unsigned", "not signed");
	case MODTOOL_VERDICT_UNKNOWN_KEY:
		if (!v->chk->keys_known)
			return mt_finding_add(v->m, "keys-unknown", MODTOOL_FINDING_UNKNOWN,
					      MT_STAGE_SIGNATURE, 0, 0, NULL,
					      "give the kernel image or its certificates (--cert)",
					      "signed by \"%s\"; the kernel's keys are not known: "
					      "cannot tell whether it trusts it", signer ? signer : "?");
		snprintf(what, sizeof(what), "signed by \"%s\", a key the kernel does not trust",
			 signer ? signer : "?");
		return unsigned_like(v, "unknown-key", what);
	case MODTOOL_VERDICT_UNSUPPORTED:
		snprintf(what, sizeof(what), "signed with algorithms not checked here (%s)",
			 reason ? reason : "?");
		return unsigned_like(v, "unsupported-signature", what);
	case MODTOOL_VERDICT_BAD_SIGNATURE:
		/* verify's reason already says "does not match": say it once,
		 * with what libcrypto reported behind it */
		return mt_finding_add(v->m, "bad-signature", MODTOOL_FINDING_REFUSE,
				      MT_STAGE_SIGNATURE, 0, -EKEYREJECTED, NULL,
				      "the file changed after it was signed: reinstall it, or "
				      "sign it again",
				      "%s: the kernel rejects it even without enforcement",
				      reason ? reason : "its signature does not match its contents");
	default:
		return mt_finding_add(v->m, "malformed-signature", MODTOOL_FINDING_REFUSE,
				      MT_STAGE_SIGNATURE, 0, -EBADMSG, NULL,
				      "strip the broken signature and sign it again",
				      "its signature cannot be read (%s)", reason ? reason : "?");
	}
}

int mt_rules_signature(struct mt_view *v)
{
	struct modtool_verification *ver = NULL;
	int err;

	if (v->chk->module_sig == 0)
		return 0;	/* no signature is checked, none taints */
	if (v->chk->module_sig < 0)
		return mt_finding_add(v->m, "signing-unknown", MODTOOL_FINDING_UNKNOWN,
				      MT_STAGE_SIGNATURE, 0, 0, NULL,
				      "give the kernel image or its .config",
				      "whether the kernel checks module signatures is not known");
	err = mt_keyring_verify_mem(v->chk->keyring, v->ctx, v->path, v->data, v->size, &ver);
	if (err < 0) {
		if (mt_err_is_environment(err))
			return err;
		return mt_finding_add(v->m, "signature-unchecked", MODTOOL_FINDING_UNKNOWN,
				      MT_STAGE_SIGNATURE, 0, 0, NULL, NULL,
				      "its signature could not be checked: %s", strerror(-err));
	}
	err = judge(v, ver);
	modtool_verification_free(ver);
	return err;
}
