// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the index reader: small tries built in memory by a test-only
 * writer (or byte by byte, for the broken ones), written to a temporary file
 * and read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/index.h"
#include "base/internal.h"

/* ---- byte buffer ------------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_put(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void buf_u8(struct buf *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

static void buf_u32(struct buf *b, uint32_t v)
{
	uint8_t be[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_put(b, be, 4);
}

static void buf_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s) + 1);
}

static void buf_set_u32(struct buf *b, size_t off, uint32_t v)
{
	uint8_t be[4] = { v >> 24, v >> 16, v >> 8, v };

	memcpy(b->p + off, be, 4);
}

static void buf_header(struct buf *b, uint32_t magic, uint32_t version, uint32_t root)
{
	buf_u32(b, magic);
	buf_u32(b, version);
	buf_u32(b, root);
}

/* ---- a tiny trie writer (test only) ------------------------------------ */

struct tval {
	uint32_t prio;
	const char *val;
};

struct tnode {
	struct tnode *child[256];
	struct tval *vals;
	size_t nvals;
};

static void tnode_free(struct tnode *n)
{
	for (int c = 0; c < 256; c++)
		if (n->child[c])
			tnode_free(n->child[c]);
	free(n->vals);
	free(n);
}

/* Values are kept sorted by priority, equal ones in insertion order. */
static void tnode_insert(struct tnode *n, const char *key, uint32_t prio, const char *val)
{
	size_t i;

	for (; *key; key++) {
		unsigned char c = (unsigned char)*key;

		if (!n->child[c])
			n->child[c] = calloc(1, sizeof(struct tnode));
		assert_non_null(n->child[c]);
		n = n->child[c];
	}
	n->vals = realloc(n->vals, (n->nvals + 1) * sizeof(*n->vals));
	assert_non_null(n->vals);
	for (i = n->nvals; i > 0 && n->vals[i - 1].prio > prio; i--)
		n->vals[i] = n->vals[i - 1];
	n->vals[i] = (struct tval){ prio, val };
	n->nvals++;
}

static int tnode_only_child(const struct tnode *n)
{
	int only = -1;

	for (int c = 0; c < 256; c++) {
		if (!n->child[c])
			continue;
		if (only >= 0)
			return -1;
		only = c;
	}
	return only;
}

static bool tnode_empty(const struct tnode *n)
{
	for (int c = 0; c < 256; c++)
		if (n->child[c])
			return false;
	return n->nvals == 0;
}

/* Write @n's subtree after its children (post-order); return its reference. */
static uint32_t tnode_write(struct buf *b, struct tnode *n)
{
	struct buf prefix = { 0 };
	uint32_t refs[256] = { 0 }, flags = 0, off;
	int c, first = -1, last = -1;

	/* a chain of single children without values folds into a prefix */
	while (n->nvals == 0 && (c = tnode_only_child(n)) >= 0) {
		buf_u8(&prefix, (uint8_t)c);
		n = n->child[c];
	}
	for (c = 0; c < 256; c++) {
		if (!n->child[c])
			continue;
		refs[c] = tnode_write(b, n->child[c]);
		if (first < 0)
			first = c;
		last = c;
	}
	off = (uint32_t)b->len;
	if (prefix.len) {
		buf_u8(&prefix, 0);
		buf_put(b, prefix.p, prefix.len);
		flags |= MT_INDEX_NODE_PREFIX;
	}
	free(prefix.p);
	if (first >= 0) {
		buf_u8(b, (uint8_t)first);
		buf_u8(b, (uint8_t)last);
		for (c = first; c <= last; c++)
			buf_u32(b, refs[c]);
		flags |= MT_INDEX_NODE_CHILDS;
	}
	if (n->nvals) {
		buf_u32(b, (uint32_t)n->nvals);
		for (size_t i = 0; i < n->nvals; i++) {
			buf_u32(b, n->vals[i].prio);
			buf_str(b, n->vals[i].val);
		}
		flags |= MT_INDEX_NODE_VALUES;
	}
	return off | flags;
}

struct entry {
	const char *key;
	uint32_t prio;
	const char *val;
};

static struct buf build_index(const struct entry *e, size_t n)
{
	struct tnode *root = calloc(1, sizeof(*root));
	struct buf b = { 0 };

	assert_non_null(root);
	for (size_t i = 0; i < n; i++)
		tnode_insert(root, e[i].key, e[i].prio, e[i].val);
	buf_header(&b, MT_INDEX_MAGIC, MT_INDEX_VERSION_MAJOR << 16 | MT_INDEX_VERSION_MINOR, 0);
	if (!tnode_empty(root))
		buf_set_u32(&b, 8, tnode_write(&b, root));
	tnode_free(root);
	return b;
}

/* ---- fixture: a temporary file and a context that counts errors -------- */

struct fixture {
	char dir[64];
	char path[128];
	struct modtool_ctx *ctx;
	int errors;
	char last[512];
};

MT_PRINTF(3, 0)
static void count_log(void *data, int priority, const char *format, va_list args)
{
	struct fixture *fx = data;

	if (priority <= LOG_ERR)
		fx->errors++;
	vsnprintf(fx->last, sizeof(fx->last), format, args);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/test-index-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/modules.test.bin", fx->dir);
	assert_int_equal(modtool_ctx_new(fx->dir, &fx->ctx), 0);
	modtool_ctx_set_log_fn(fx->ctx, count_log, fx);
	modtool_ctx_set_log_priority(fx->ctx, LOG_DEBUG);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	modtool_ctx_free(fx->ctx);
	free(fx);
	return 0;
}

static void write_file(struct fixture *fx, const void *data, size_t len)
{
	FILE *f = fopen(fx->path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Write @b (and free it), open it, expect success. */
static struct mt_index *open_buf(struct fixture *fx, struct buf *b)
{
	struct mt_index *idx;

	write_file(fx, b->p, b->len);
	free(b->p);
	*b = (struct buf){ 0 };
	assert_int_equal(mt_index_open(fx->ctx, fx->path, &idx), 0);
	assert_non_null(idx);
	assert_string_equal(mt_index_path(idx), fx->path);
	return idx;
}

static struct mt_index *open_entries(struct fixture *fx, const struct entry *e, size_t n)
{
	struct buf b = build_index(e, n);

	return open_buf(fx, &b);
}

#define OPEN_ENTRIES(fx, e) open_entries(fx, e, sizeof(e) / sizeof(e[0]))

static void expect_lookup(struct mt_index *idx, const char *key, const char *val)
{
	struct mt_index_value v = { 0 };
	int r = mt_index_lookup(idx, key, &v);

	if (!val) {
		assert_int_equal(r, 0);
		return;
	}
	assert_int_equal(r, 1);
	assert_string_equal(v.value, val);
	assert_int_equal(v.len, strlen(val));
}

/* Wild lookup of @key must give exactly the NULL-terminated @expect, in order. */
static void expect_wild(struct mt_index *idx, const char *key, const char *const *expect)
{
	struct mt_index_value *v;
	int n = mt_index_lookup_wild(idx, key, &v), want = 0;

	while (expect[want])
		want++;
	if (n != want) {
		fprintf(stderr, "wild '%s': %d values, expected %d:", key, n, want);
		for (int i = 0; i < n; i++)
			fprintf(stderr, " %s", v[i].value);
		fprintf(stderr, "\n");
	}
	assert_int_equal(n, want);
	for (int i = 0; i < n; i++) {
		assert_string_equal(v[i].value, expect[i]);
		assert_int_equal(v[i].len, strlen(expect[i]));
	}
	free(v);
}

#define WILD(idx, key, ...) expect_wild(idx, key, (const char *const[]){ __VA_ARGS__, NULL })
#define WILD_NONE(idx, key) expect_wild(idx, key, (const char *const[]){ NULL })

/* ---- opening ------------------------------------------------------------ */

static void test_open_missing(void **state)
{
	struct fixture *fx = *state;
	struct mt_index *idx = (void *)1;

	assert_int_equal(mt_index_open(fx->ctx, fx->path, &idx), -ENOENT);
	assert_null(idx);
	assert_int_equal(fx->errors, 0);
}

static void expect_open_bad(struct fixture *fx, const void *data, size_t len)
{
	struct mt_index *idx = (void *)1;

	fx->errors = 0;
	write_file(fx, data, len);
	assert_int_equal(mt_index_open(fx->ctx, fx->path, &idx), -EBADMSG);
	assert_null(idx);
	assert_int_equal(fx->errors, 1);
	assert_non_null(strstr(fx->last, fx->path));
}

static void test_open_bad_header(void **state)
{
	struct fixture *fx = *state;
	struct buf b = { 0 };
	struct mt_index *idx;

	buf_header(&b, 0xB007FA57, 0x00020001, 0);	/* the old magic */
	expect_open_bad(fx, b.p, b.len);
	assert_non_null(strstr(fx->last, "magic"));
	buf_set_u32(&b, 0, MT_INDEX_MAGIC);
	buf_set_u32(&b, 4, 0x00030001);
	expect_open_bad(fx, b.p, b.len);
	assert_non_null(strstr(fx->last, "version"));
	buf_set_u32(&b, 4, 0x00010001);
	expect_open_bad(fx, b.p, b.len);
	expect_open_bad(fx, b.p, 0);
	expect_open_bad(fx, b.p, 11);

	/* another minor version is fine */
	buf_set_u32(&b, 4, 0x0002ffff);
	write_file(fx, b.p, b.len);
	assert_int_equal(mt_index_open(fx->ctx, fx->path, &idx), 0);
	mt_index_close(idx);
	free(b.p);

	/* a directory is not an index */
	unlink(fx->path);
	assert_int_equal(mkdir(fx->path, 0700), 0);
	fx->errors = 0;
	assert_int_equal(mt_index_open(fx->ctx, fx->path, &idx), -EBADMSG);
	assert_int_equal(fx->errors, 1);
	rmdir(fx->path);
	mt_index_close(NULL);
}

static int count_visit(void *data, const char *key, const struct mt_index_value *v)
{
	(*(int *)data)++;
	return 0;
}

static void test_empty_index(void **state)
{
	struct fixture *fx = *state;
	struct buf b = build_index(NULL, 0);
	struct mt_index *idx;
	int calls = 0;

	assert_int_equal(b.len, 12);
	idx = open_buf(fx, &b);
	expect_lookup(idx, "", NULL);
	expect_lookup(idx, "a", NULL);
	WILD_NONE(idx, "a");
	assert_int_equal(mt_index_foreach(idx, count_visit, &calls), 0);
	assert_int_equal(calls, 0);
	mt_index_close(idx);
	assert_int_equal(fx->errors, 0);
}

/* kmod's depmod writes an empty index as a header whose root, a node
 * without flags, sits at offset 12: the end of the file. */
static void test_kmod_empty_index(void **state)
{
	struct fixture *fx = *state;
	const uint8_t bytes[12] = { 0xb0, 0x07, 0xf4, 0x57, 0, 2, 0, 1, 0, 0, 0, 12 };
	struct buf b = { 0 };
	struct mt_index *idx;
	int calls = 0;

	b.p = malloc(sizeof(bytes));
	assert_non_null(b.p);
	memcpy(b.p, bytes, sizeof(bytes));
	b.len = sizeof(bytes);
	idx = open_buf(fx, &b);
	expect_lookup(idx, "a", NULL);
	WILD_NONE(idx, "a");
	assert_int_equal(mt_index_foreach(idx, count_visit, &calls), 0);
	assert_int_equal(calls, 0);
	mt_index_close(idx);
	assert_int_equal(fx->errors, 0);
}

/* ---- exact lookup ------------------------------------------------------- */

static void test_lookup_exact(void **state)
{
	static const struct entry e[] = {
		{ "foo", 0, "v_foo" },
		{ "foobar", 0, "v_foobar" },
		{ "fob", 0, "v_fob" },
		{ "bar", 0, "v_bar" },
		{ "a*", 0, "v_astar" },
		{ "", 0, "v_empty" },
		{ "dup", 5, "five" },
		{ "dup", 1, "one" },
		{ "dup", 3, "three" },
	};
	struct fixture *fx = *state;
	struct mt_index *idx = OPEN_ENTRIES(fx, e);
	struct mt_index_value v;

	expect_lookup(idx, "foo", "v_foo");
	expect_lookup(idx, "foobar", "v_foobar");
	expect_lookup(idx, "fob", "v_fob");
	expect_lookup(idx, "bar", "v_bar");
	expect_lookup(idx, "", "v_empty");
	/* no wildcard meaning in an exact lookup */
	expect_lookup(idx, "a*", "v_astar");
	expect_lookup(idx, "ab", NULL);
	expect_lookup(idx, "fo", NULL);
	expect_lookup(idx, "foob", NULL);
	expect_lookup(idx, "foobarx", NULL);
	expect_lookup(idx, "fooba", NULL);
	expect_lookup(idx, "x", NULL);
	expect_lookup(idx, "\xc3\xa9", NULL);
	/* the lowest priority first, whatever the insertion order */
	assert_int_equal(mt_index_lookup(idx, "dup", &v), 1);
	assert_string_equal(v.value, "one");
	assert_int_equal(v.priority, 1);
	assert_int_equal(v.len, 3);
	assert_int_equal(mt_index_lookup(idx, "dup", NULL), 1);
	mt_index_close(idx);
	assert_int_equal(fx->errors, 0);
}

static void test_lookup_long_prefixes(void **state)
{
	static const struct entry e[] = {
		{ "snd_hda_codec_realtek", 10, "kernel/sound/pci/hda/snd-hda-codec-realtek.ko: a b" },
		{ "snd_hda_codec_hdmi", 11, "kernel/sound/pci/hda/snd-hda-codec-hdmi.ko:" },
		{ "snd_hda_core", 12, "kernel/sound/hda/snd-hda-core.ko:" },
		{ "snd", 13, "kernel/sound/core/snd.ko:" },
	};
	struct fixture *fx = *state;
	struct buf b = build_index(e, sizeof(e) / sizeof(e[0]));
	struct mt_index *idx;

	/* the writer folds chains into prefixes of several characters */
	assert_non_null(memmem(b.p, b.len, "ealtek", 7));
	assert_non_null(memmem(b.p, b.len, "hda_co", 7));
	idx = open_buf(fx, &b);
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		expect_lookup(idx, e[i].key, e[i].val);
	expect_lookup(idx, "snd_hda", NULL);
	expect_lookup(idx, "snd_hda_codec_", NULL);
	expect_lookup(idx, "snd_hda_codec_realte", NULL);
	expect_lookup(idx, "snd_hda_codec_realtekk", NULL);
	expect_lookup(idx, "snd_hda_codec_realtex", NULL);
	expect_lookup(idx, "sn", NULL);
	mt_index_close(idx);
	assert_int_equal(fx->errors, 0);
}

/* ---- wildcard lookup ------------------------------------------------------ */

static void test_wild_patterns(void **state)
{
	static const struct entry e[] = {
		{ "foo*", 0, "m_foo" },
		{ "ab?d", 0, "m_q" },
		{ "dev[0-3]x", 0, "m_range" },
		{ "[ab]c", 0, "m_set" },
		{ "n[!0-9]", 0, "m_neg" },
		{ "plain", 0, "m_plain" },
		{ "pci:v00008086d*sv*sd*bc*sc*i*", 0, "e1000e" },
		{ "pci:v*d*sv*sd*bc02sc00i*", 0, "nic" },
	};
	struct fixture *fx = *state;
	struct mt_index *idx = OPEN_ENTRIES(fx, e);

	WILD(idx, "foo", "m_foo");
	WILD(idx, "foobar", "m_foo");
	WILD_NONE(idx, "fo");
	WILD_NONE(idx, "xfoo");
	WILD(idx, "abcd", "m_q");
	WILD_NONE(idx, "abd");
	WILD_NONE(idx, "abccd");
	WILD(idx, "dev2x", "m_range");
	WILD(idx, "dev0x", "m_range");
	WILD_NONE(idx, "dev5x");
	WILD_NONE(idx, "dev2");
	WILD(idx, "bc", "m_set");
	WILD(idx, "ac", "m_set");
	WILD_NONE(idx, "cc");
	WILD(idx, "na", "m_neg");
	WILD_NONE(idx, "n5");
	WILD(idx, "plain", "m_plain");
	WILD_NONE(idx, "plai");
	WILD_NONE(idx, "plainx");
	/* "pci:v*..." is found first (the '*' child), "pci:v00008086d*..." later */
	WILD(idx, "pci:v00008086d00001234sv00000000sd00000000bc02sc00i00", "e1000e", "nic");
	WILD(idx, "pci:v00008086d00001234sv00000000sd00000000bc03sc00i00", "e1000e");
	WILD(idx, "pci:v000010ECd00008168sv00000000sd00000000bc02sc00i00", "nic");
	WILD_NONE(idx, "pci:v000010ECd00008168sv00000000sd00000000bc03sc00i00");
	WILD_NONE(idx, "");
	mt_index_close(idx);
	assert_int_equal(fx->errors, 0);
}

/*
 * kmod's order: by priority, and among equal priorities the value found
 * later comes first.  Values are found along the key: at each node the
 * '*', '?' and '[' subtrees (each depth first, a node's values after its
 * children's), then the exact child.
 */
static void test_wild_order(void **state)
{
	static const struct entry e1[] = {
		{ "x*", 0, "a" },
		{ "x*", 0, "b" },
		{ "xy*", 0, "c" },
		{ "x?z", 1, "d" },
	};
	static const struct entry e2[] = {
		{ "usb:v1234p*", 0, "m_star" },
		{ "usb:v1234pABCD", 0, "m_exact" },
		{ "ab", 0, "e1" },
		{ "ab*", 0, "e2" },
		{ "k*", 3, "p3" },
		{ "k*", 1, "p1" },
		{ "k*", 2, "p2" },
		{ "k", 0, "p0" },
		{ "k?", 2, "q2" },
	};
	struct fixture *fx = *state;
	struct mt_index *idx = OPEN_ENTRIES(fx, e1);

	/* found a, b (0), d (1), c (0) */
	WILD(idx, "xyz", "c", "b", "a", "d");
	WILD(idx, "xz", "b", "a");
	mt_index_close(idx);

	idx = OPEN_ENTRIES(fx, e2);
	/* found m_star, then m_exact */
	WILD(idx, "usb:v1234pABCD", "m_exact", "m_star");
	WILD(idx, "usb:v1234pABCE", "m_star");
	WILD(idx, "usb:v1234p", "m_star");
	WILD(idx, "ab", "e1", "e2");
	WILD(idx, "abc", "e2");
	/* found p1 p2 p3 (file order), then p0 */
	WILD(idx, "k", "p0", "p1", "p2", "p3");
	/* found p1 p2 p3, then q2 */
	WILD(idx, "kz", "p1", "q2", "p2", "p3");
	mt_index_close(idx);
	assert_int_equal(fx->errors, 0);
}

/* A prefix holding a wildcard after exact characters: 'a', then "bc*d". */
static void test_wild_in_prefix(void **state)
{
	static const struct entry e[] = {
		{ "abc*d", 0, "m1" },
		{ "xyz", 0, "m2" },
	};
	struct fixture *fx = *state;
	struct mt_index *idx = OPEN_ENTRIES(fx, e);

	WILD(idx, "abcd", "m1");
	WILD(idx, "abcxyzd", "m1");
	WILD_NONE(idx, "abcxyz");
	WILD_NONE(idx, "abxd");
	WILD_NONE(idx, "ab");
	WILD(idx, "xyz", "m2");
	expect_lookup(idx, "abc*d", "m1");
	expect_lookup(idx, "abcd", NULL);
	mt_index_close(idx);
	assert_int_equal(fx->errors, 0);
}

/* ---- foreach ---------------------------------------------------------- */

struct collect {
	char out[1024];
	int calls, stop_at;
};

static int collect_visit(void *data, const char *key, const struct mt_index_value *v)
{
	struct collect *c = data;
	size_t len = strlen(c->out);

	assert_int_equal(v->len, strlen(v->value));
	snprintf(c->out + len, sizeof(c->out) - len, "%s=%s(%u);", key, v->value, v->priority);
	if (++c->calls == c->stop_at)
		return 7;
	return 0;
}

static void test_foreach(void **state)
{
	static const struct entry e[] = {
		{ "b", 0, "vb" },
		{ "ab", 2, "y" },
		{ "a", 0, "va" },
		{ "abc", 0, "vabc" },
		{ "ab", 1, "x" },
		{ "a*", 0, "vastar" },
		{ "B", 0, "vB" },
		{ "snd_hda_codec_realtek", 0, "r" },
		{ "snd_hda_codec_hdmi", 0, "h" },
	};
	struct fixture *fx = *state;
	struct mt_index *idx = OPEN_ENTRIES(fx, e);
	struct collect c = { .stop_at = -1 };

	assert_int_equal(mt_index_foreach(idx, collect_visit, &c), 0);
	assert_string_equal(c.out, "B=vB(0);a=va(0);a*=vastar(0);ab=x(1);ab=y(2);abc=vabc(0);"
			    "b=vb(0);snd_hda_codec_hdmi=h(0);snd_hda_codec_realtek=r(0);");
	c = (struct collect){ .stop_at = 3 };
	assert_int_equal(mt_index_foreach(idx, collect_visit, &c), 7);
	assert_int_equal(c.calls, 3);
	mt_index_close(idx);
	assert_int_equal(fx->errors, 0);
}

/* ---- broken tries ------------------------------------------------------- */

/*
 * Run every operation on the open index: each must end, and either succeed
 * or fail with -EBADMSG and exactly one error naming the file.
 */
static void run_all(struct fixture *fx, struct mt_index *idx, const char *const *keys)
{
	struct mt_index_value v, *vals;
	int calls = 0, r;

	for (; *keys; keys++) {
		fx->errors = 0;
		r = mt_index_lookup(idx, *keys, &v);
		assert_true(r == 0 || r == 1 || r == -EBADMSG);
		assert_int_equal(fx->errors, r == -EBADMSG);
		if (r == 1)
			assert_int_equal(strlen(v.value), v.len);

		fx->errors = 0;
		r = mt_index_lookup_wild(idx, *keys, &vals);
		assert_true(r >= 0 || r == -EBADMSG);
		assert_int_equal(fx->errors, r == -EBADMSG);
		for (int i = 0; i < r; i++)
			assert_int_equal(strlen(vals[i].value), vals[i].len);
		if (r < 0)
			assert_null(vals);
		free(vals);
	}
	fx->errors = 0;
	r = mt_index_foreach(idx, count_visit, &calls);
	assert_true(r == 0 || r == -EBADMSG);
	assert_int_equal(fx->errors, r == -EBADMSG);
	if (r == -EBADMSG)
		assert_non_null(strstr(fx->last, fx->path));
}

/* Open @b (and free it) and expect every operation below to fail cleanly. */
static void expect_corrupt(struct fixture *fx, struct buf *b, const char *key)
{
	struct mt_index *idx = open_buf(fx, b);
	struct mt_index_value v, *vals;
	int calls = 0;

	fx->errors = 0;
	assert_int_equal(mt_index_lookup(idx, key, &v), -EBADMSG);
	assert_int_equal(fx->errors, 1);
	assert_non_null(strstr(fx->last, fx->path));
	fx->errors = 0;
	assert_int_equal(mt_index_lookup_wild(idx, key, &vals), -EBADMSG);
	assert_null(vals);
	assert_int_equal(fx->errors, 1);
	fx->errors = 0;
	assert_int_equal(mt_index_foreach(idx, count_visit, &calls), -EBADMSG);
	assert_int_equal(fx->errors, 1);
	assert_non_null(strstr(fx->last, fx->path));
	mt_index_close(idx);
}

#define V2 (MT_INDEX_VERSION_MAJOR << 16 | MT_INDEX_VERSION_MINOR)
#define P MT_INDEX_NODE_PREFIX
#define C MT_INDEX_NODE_CHILDS
#define V MT_INDEX_NODE_VALUES

static void test_corrupt_offsets(void **state)
{
	struct fixture *fx = *state;
	struct buf b = { 0 };

	/* root beyond the end */
	buf_header(&b, MT_INDEX_MAGIC, V2, V | 1000);
	buf_u32(&b, 0);
	expect_corrupt(fx, &b, "a");

	/* root inside the header */
	buf_header(&b, MT_INDEX_MAGIC, V2, V | 4);
	expect_corrupt(fx, &b, "a");

	/* a child beyond the end, and one in the header */
	for (uint32_t bad = 0; bad < 2; bad++) {
		buf_header(&b, MT_INDEX_MAGIC, V2, C | 12);
		buf_u8(&b, 'a');
		buf_u8(&b, 'a');
		buf_u32(&b, V | (bad ? 8 : 0x0ffffff0));
		expect_corrupt(fx, &b, "a");
	}
}

static void test_corrupt_strings(void **state)
{
	struct fixture *fx = *state;
	struct buf b = { 0 };

	/* prefix running to the end of the file */
	buf_header(&b, MT_INDEX_MAGIC, V2, P | V | 12);
	buf_put(&b, "abc", 3);
	expect_corrupt(fx, &b, "abc");

	/* value running to the end of the file */
	buf_header(&b, MT_INDEX_MAGIC, V2, P | V | 12);
	buf_str(&b, "abc");
	buf_u32(&b, 1);
	buf_u32(&b, 0);
	buf_put(&b, "value", 5);
	expect_corrupt(fx, &b, "abc");

	/* the second value truncated (the first one is fine for lookup) */
	buf_header(&b, MT_INDEX_MAGIC, V2, P | V | 12);
	buf_str(&b, "abc");
	buf_u32(&b, 2);
	buf_u32(&b, 0);
	buf_str(&b, "v1");
	buf_u32(&b, 1);
	buf_put(&b, "v", 1);
	buf_u32(&b, 0x01010101);
	{
		struct mt_index *idx = open_buf(fx, &b);
		struct mt_index_value *vals;
		int calls = 0;

		expect_lookup(idx, "abc", "v1");
		fx->errors = 0;
		assert_int_equal(mt_index_lookup_wild(idx, "abc", &vals), -EBADMSG);
		assert_int_equal(mt_index_foreach(idx, count_visit, &calls), -EBADMSG);
		assert_int_equal(calls, 1);
		assert_int_equal(fx->errors, 2);
		mt_index_close(idx);
	}

	/* a prefix longer than any key we accept */
	{
		char *key = malloc(5001);

		assert_non_null(key);
		memset(key, 'k', 5000);
		key[5000] = '\0';
		buf_header(&b, MT_INDEX_MAGIC, V2, P | V | 12);
		buf_str(&b, key);
		buf_u32(&b, 1);
		buf_u32(&b, 0);
		buf_str(&b, "v");
		expect_corrupt(fx, &b, key);
		free(key);
	}
}

static void test_corrupt_counts(void **state)
{
	struct fixture *fx = *state;
	struct buf b = { 0 };

	/* huge value count */
	buf_header(&b, MT_INDEX_MAGIC, V2, V | 12);
	buf_u32(&b, 0xffffffff);
	buf_u32(&b, 0);
	buf_str(&b, "v");
	expect_corrupt(fx, &b, "");

	/* first > last */
	buf_header(&b, MT_INDEX_MAGIC, V2, C | 12);
	buf_u8(&b, 'z');
	buf_u8(&b, 'a');
	buf_u32(&b, 0);
	expect_corrupt(fx, &b, "a");

	/* a child table longer than the file */
	buf_header(&b, MT_INDEX_MAGIC, V2, C | 12);
	buf_u8(&b, 0);
	buf_u8(&b, 255);
	buf_u32(&b, 0);
	expect_corrupt(fx, &b, "a");

	/* a child range cut after its first byte */
	buf_header(&b, MT_INDEX_MAGIC, V2, C | 12);
	buf_u8(&b, 'a');
	expect_corrupt(fx, &b, "a");

	/* value count cut short */
	buf_header(&b, MT_INDEX_MAGIC, V2, P | V | 12);
	buf_str(&b, "a");
	buf_u8(&b, 0);
	expect_corrupt(fx, &b, "a");
}

static void test_corrupt_loops(void **state)
{
	static const char *const keys[] = { "", "a", "aaaaaaaa", "b", "*", "a*", "ab", NULL };
	struct fixture *fx = *state;
	struct buf b = { 0 };
	struct mt_index *idx;
	struct mt_index_value *vals;
	int calls = 0;

	/* a node whose 'a' child is itself: every "a...a" has the value */
	buf_header(&b, MT_INDEX_MAGIC, V2, C | V | 12);
	buf_u8(&b, 'a');
	buf_u8(&b, 'a');
	buf_u32(&b, C | V | 12);
	buf_u32(&b, 1);
	buf_u32(&b, 0);
	buf_str(&b, "v");
	idx = open_buf(fx, &b);
	expect_lookup(idx, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "v");
	expect_lookup(idx, "aab", NULL);
	WILD(idx, "aaa", "v");
	fx->errors = 0;
	assert_int_equal(mt_index_foreach(idx, count_visit, &calls), -EBADMSG);
	assert_int_equal(fx->errors, 1);
	run_all(fx, idx, keys);
	mt_index_close(idx);

	/* '*' child is the node itself: the wildcard scan must end */
	buf_header(&b, MT_INDEX_MAGIC, V2, C | V | 12);
	buf_u8(&b, '*');
	buf_u8(&b, '*');
	buf_u32(&b, C | V | 12);
	buf_u32(&b, 1);
	buf_u32(&b, 0);
	buf_str(&b, "v");
	idx = open_buf(fx, &b);
	expect_lookup(idx, "***", "v");
	fx->errors = 0;
	assert_int_equal(mt_index_lookup_wild(idx, "x", &vals), -EBADMSG);
	assert_null(vals);
	assert_int_equal(mt_index_foreach(idx, count_visit, &calls), -EBADMSG);
	assert_int_equal(fx->errors, 2);
	run_all(fx, idx, keys);
	mt_index_close(idx);

	/* two nodes pointing at each other, through a prefix */
	buf_header(&b, MT_INDEX_MAGIC, V2, P | C | 12);
	buf_str(&b, "ab");		/* 12 */
	buf_u8(&b, '?');		/* 15 */
	buf_u8(&b, 'b');
	buf_u32(&b, 0);			/* '?' -> 29 */
	for (char c = '@'; c <= 'b'; c++)
		buf_u32(&b, 0);
	buf_set_u32(&b, 17, P | C | (uint32_t)b.len);
	buf_set_u32(&b, 17 + 4 * ('b' - '?'), P | C | (uint32_t)b.len);
	buf_str(&b, "c");
	buf_u8(&b, 'd');
	buf_u8(&b, 'd');
	buf_u32(&b, P | C | 12);
	idx = open_buf(fx, &b);
	run_all(fx, idx, keys);
	expect_lookup(idx, "abbcdabbcdab", NULL);
	fx->errors = 0;
	assert_int_equal(mt_index_lookup_wild(idx, "abx", &vals), -EBADMSG);
	assert_int_equal(mt_index_foreach(idx, count_visit, &calls), -EBADMSG);
	assert_int_equal(fx->errors, 2);
	mt_index_close(idx);
}

/*
 * 40 nodes, each with two children both pointing at the next one: no loop,
 * but 2^40 paths.  The walks must give up long before.
 */
static void test_corrupt_shared_children(void **state)
{
	struct fixture *fx = *state;
	struct buf b = { 0 };
	struct mt_index *idx;
	struct mt_index_value *vals;
	const int depth = 40, node_size = 2 + 4 * 2;
	int calls = 0;

	buf_header(&b, MT_INDEX_MAGIC, V2, C | 12);
	for (int i = 0; i < depth; i++) {
		uint32_t next = (uint32_t)(12 + (i + 1) * node_size);

		buf_u8(&b, '*');
		buf_u8(&b, '+');
		buf_u32(&b, (i + 1 < depth ? C : V) | next);
		buf_u32(&b, (i + 1 < depth ? C : V) | next);
	}
	buf_u32(&b, 1);
	buf_u32(&b, 0);
	buf_str(&b, "v");
	idx = open_buf(fx, &b);
	fx->errors = 0;
	assert_int_equal(mt_index_foreach(idx, count_visit, &calls), -EBADMSG);
	assert_int_equal(mt_index_lookup_wild(idx, "x", &vals), -EBADMSG);
	assert_int_equal(fx->errors, 2);
	/* the exact path is still fine, and a key of 40 '+' has the value */
	{
		char key[41];

		memset(key, '+', 40);
		key[40] = '\0';
		expect_lookup(idx, key, "v");
	}
	mt_index_close(idx);
}

/* Cut a good index at every length, and flip its bytes: never crash. */
static void test_corrupt_fuzz(void **state)
{
	static const struct entry e[] = {
		{ "pci:v00008086d*sv*sd*bc*sc*i*", 0, "e1000e" },
		{ "pci:v*d*sv*sd*bc02sc00i*", 1, "nic" },
		{ "usb:v1234p[0-9]*", 2, "usb1" },
		{ "ab?d", 0, "q" },
		{ "snd_hda_codec_realtek", 3, "kernel/snd-hda-codec-realtek.ko:" },
		{ "snd_hda_codec_hdmi", 4, "kernel/snd-hda-codec-hdmi.ko:" },
		{ "snd", 4, "kernel/snd.ko:" },
		{ "snd", 2, "kernel/snd2.ko:" },
	};
	static const char *const keys[] = {
		"pci:v00008086d00001234sv00000000sd00000000bc02sc00i00",
		"usb:v1234p5", "abcd", "snd_hda_codec_realtek", "snd", "s*", "", NULL,
	};
	static const uint8_t flips[] = { 0x00, 0xff, 0x0c, 0x80, 0x01, 0x2a };
	struct fixture *fx = *state;
	struct buf good = build_index(e, sizeof(e) / sizeof(e[0]));
	struct mt_index *idx;
	uint8_t *copy = malloc(good.len);

	assert_non_null(copy);
	for (size_t len = 12; len < good.len; len++) {
		write_file(fx, good.p, len);
		assert_int_equal(mt_index_open(fx->ctx, fx->path, &idx), 0);
		run_all(fx, idx, keys);
		mt_index_close(idx);
	}
	for (size_t pos = 8; pos < good.len; pos++) {
		for (size_t k = 0; k < sizeof(flips); k++) {
			memcpy(copy, good.p, good.len);
			copy[pos] = k < 3 ? flips[k] : copy[pos] ^ flips[k];
			write_file(fx, copy, good.len);
			assert_int_equal(mt_index_open(fx->ctx, fx->path, &idx), 0);
			run_all(fx, idx, keys);
			mt_index_close(idx);
		}
	}
	free(copy);
	free(good.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_bad_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmod_empty_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_long_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wild_patterns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wild_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wild_in_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_offsets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_loops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_shared_children, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_fuzz, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
