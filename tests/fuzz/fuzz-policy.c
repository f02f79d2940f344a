// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the load policy's parser (modtool-policy.d(5)) and
 * its name rules: any bytes make rules or broken rules, never a crash; a
 * broken enforce line refuses every name (fail closed).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz-util.h"
#include "trust/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "ext4", "usb_storage", "dm-crypt", "" };
	struct mt_policy *p = calloc(1, sizeof(*p));
	bool broken = false;

	if (!p)
		return 0;
	if (mt_policy_parse(fuzz_ctx(), p, "fuzz.conf", (const char *)data, size) < 0) {
		mt_policy_free(p);
		return 0;
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		if (!p->rules[i].where || !p->rules[i].text)
			abort();
		broken |= p->rules[i].kind == MT_RULE_BROKEN;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int r = mt_policy_check(fuzz_ctx(), p, names[i], NULL, i & 1);

		if (r != 0 && r != -ECANCELED)
			abort();
		if (broken && r == 0)
			abort();	/* fail closed */
	}
	mt_policy_free(p);
	return 0;
}
