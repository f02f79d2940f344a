// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the modules.*.bin reader: open (header checks), every
 * key and value in order, then exact and wildcard lookups of keys found in
 * the file and of fixed ones (wildcards, the empty key, a long key).  Every
 * value handed out must be a terminated string inside the file.
 *
 * Built and run by tests/fuzz/run-fuzzers.sh; the replay build
 * (fuzz-index-replay, a plain program) runs tests/fuzz/regressions/index.
 */
#include <errno.h>
#include <string.h>

#include "fuzz-util.h"
#include "index/index.h"

#define KEYS_KEPT 16
#define VISITS_MAX 100000

struct seen {
	char *keys[KEYS_KEPT];
	size_t nkeys;
	size_t visits;
};

static volatile size_t sink;

static int visit(void *data, const char *key, const struct mt_index_value *v)
{
	struct seen *s = data;

	if (strlen(v->value) != v->len)
		abort();
	sink += strlen(key) + v->priority;
	if (s->nkeys < KEYS_KEPT && (s->visits % 7) == 0) {
		s->keys[s->nkeys] = strdup(key);
		if (s->keys[s->nkeys])
			s->nkeys++;
	}
	/* the walk is bounded by the reader; this only keeps a run short */
	return ++s->visits >= VISITS_MAX;
}

static void lookups(const struct mt_index *idx, const char *key)
{
	struct mt_index_value v, *vals;
	int n;

	if (mt_index_lookup(idx, key, &v) == 1 && strlen(v.value) != v.len)
		abort();
	n = mt_index_lookup_wild(idx, key, &vals);
	for (int i = 0; i < n; i++)
		if (strlen(vals[i].value) != vals[i].len)
			abort();
	if (n >= 0)
		free(vals);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = {
		"", "a", "snd_hda_intel", "pci:v00008086d00001533sv*sd*bc*sc*i*",
		"usb:v1D6Bp0002d0606dc09dsc00dp01ic09isc00ip00in00", "*", "?", "[",
		"[a-z]*", "symbol:printk", "\\", "acpi*:PNP0A08:*",
	};
	struct modtool_ctx *ctx = fuzz_ctx();
	struct seen seen = { 0 };
	struct mt_index *idx;
	struct fuzz_file f;
	char longkey[5000];

	fuzz_file_open(&f, "modules.fuzz.bin", data, size);
	if (mt_index_open(ctx, f.path, &idx) == 0) {
		mt_index_foreach(idx, visit, &seen);
		for (size_t i = 0; i < seen.nkeys; i++) {
			lookups(idx, seen.keys[i]);
			free(seen.keys[i]);
		}
		for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
			lookups(idx, fixed[i]);
		memset(longkey, 'a', sizeof(longkey) - 1);
		longkey[sizeof(longkey) - 1] = '\0';
		lookups(idx, longkey);
		mt_index_close(idx);
	}
	fuzz_file_close(&f);
	return 0;
}
