// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the index writer.  Its output is checked three ways:
 * - small tries against bytes worked out by hand from the format;
 * - random key sets against a naive model of kmod's depmod trie (insert one
 *   key at a time into nodes with a 128-entry child table, splitting prefixes
 *   as they diverge, then write post-order), byte for byte;
 * - everything parsed back by a tiny strict reader local to this test (which
 *   also checks the layout: children before parents, no gaps, no node that
 *   kmod would have merged) and by the project's reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/write.h"
#include "index/index.h"
#include "base/internal.h"

/* ---- helpers ------------------------------------------------------------ */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct kv {
	const char *key;
	const char *value;
	uint32_t prio;
};

static void build(const struct kv *in, size_t n, uint8_t **buf, size_t *size)
{
	struct mt_index_builder *b;

	assert_int_equal(mt_index_builder_new(&b), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(mt_index_builder_add(b, in[i].key, in[i].value, in[i].prio), 0);
	assert_int_equal(mt_index_builder_count(b), n);
	assert_int_equal(mt_index_builder_write(b, buf, size), 0);
	mt_index_builder_free(b);
}

/* ---- a tiny strict reader ----------------------------------------------- */

struct rec {
	char *key;
	char *value;
	uint32_t prio;
};

struct parsed {
	const uint8_t *p;
	size_t size;
	struct rec *recs;
	size_t n, cap;
	size_t bytes;		/* node bytes seen: must tile the file */
	size_t nodes;
	char key[8192];
};

static void add_rec(struct parsed *ps, size_t keylen, uint32_t prio, const char *v)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->recs = realloc(ps->recs, ps->cap * sizeof(*ps->recs));
		assert_non_null(ps->recs);
	}
	ps->recs[ps->n].key = strndup(ps->key, keylen);
	ps->recs[ps->n].value = strdup(v);
	ps->recs[ps->n].prio = prio;
	ps->n++;
}

static size_t cstr_len(const struct parsed *ps, size_t off)
{
	const uint8_t *nul = memchr(ps->p + off, 0, ps->size - off);

	assert_non_null(nul);
	return (size_t)(nul - (ps->p + off));
}

static size_t parse_values(struct parsed *ps, size_t pos, size_t keylen, uint32_t *nvals)
{
	assert_true(pos + 4 <= ps->size);
	*nvals = be32(ps->p + pos);
	assert_true(*nvals > 0);
	pos += 4;
	for (uint32_t i = 0; i < *nvals; i++) {
		assert_true(pos + 4 <= ps->size);
		add_rec(ps, keylen, be32(ps->p + pos), (const char *)ps->p + pos + 4);
		pos += 4 + cstr_len(ps, pos + 4) + 1;
	}
	return pos;
}

/*
 * Read the node @ref whose key so far has @keylen bytes; return the offset
 * just past it.  Checks: in bounds, children written before their parent,
 * every non-root node has values or two children, the root has no prefix,
 * child tables do not start or end with an absent child.
 */
static size_t parse_node(struct parsed *ps, uint32_t ref, size_t keylen, bool root)
{
	size_t off = ref & MT_INDEX_NODE_MASK, pos = off, first = 1, last = 0, tab = 0;
	size_t nchild = 0;
	uint32_t nvals = 0;

	assert_true(off >= 12 && off <= ps->size);
	assert_int_equal(ref & MT_INDEX_NODE_FLAGS & ~(MT_INDEX_NODE_PREFIX |
		MT_INDEX_NODE_VALUES | MT_INDEX_NODE_CHILDS), 0);
	ps->nodes++;
	if (ref & MT_INDEX_NODE_PREFIX) {
		size_t len = cstr_len(ps, pos);

		assert_false(root);
		assert_true(len > 0);
		assert_true(keylen + len < sizeof(ps->key));
		memcpy(ps->key + keylen, ps->p + pos, len);
		keylen += len;
		pos += len + 1;
	}
	if (ref & MT_INDEX_NODE_CHILDS) {
		assert_true(pos + 2 <= ps->size);
		first = ps->p[pos];
		last = ps->p[pos + 1];
		assert_true(first <= last && last < 128);
		tab = pos + 2;
		pos = tab + 4 * (last - first + 1);
		assert_true(pos <= ps->size);
	}
	/* a node's own values sort before the longer keys of its children */
	if (ref & MT_INDEX_NODE_VALUES)
		pos = parse_values(ps, pos, keylen, &nvals);
	ps->bytes += pos - off;
	for (size_t c = first; c <= last; c++) {
		uint32_t child = be32(ps->p + tab + 4 * (c - first));

		if (!child) {
			assert_true(c != first && c != last);
			continue;
		}
		/* post-order: a child lies before its parent */
		assert_true((child & MT_INDEX_NODE_MASK) < off);
		assert_true(keylen + 1 < sizeof(ps->key));
		ps->key[keylen] = (char)c;
		parse_node(ps, child, keylen + 1, false);
		nchild++;
	}
	if (!root)
		assert_true(nchild >= 2 || nvals > 0);
	return pos;
}

/* Parse a whole file; the root must be the last node and end the file. */
static void parse(struct parsed *ps, const uint8_t *p, size_t size)
{
	uint32_t root;

	*ps = (struct parsed){ .p = p, .size = size };
	assert_true(size >= 12);
	assert_int_equal(be32(p), MT_INDEX_MAGIC);
	assert_int_equal(be32(p + 4), MT_INDEX_VERSION_MAJOR << 16 | MT_INDEX_VERSION_MINOR);
	root = be32(p + 8);
	assert_int_equal(parse_node(ps, root, 0, true), size);
	assert_int_equal(ps->bytes, size - 12);
}

static void parsed_free(struct parsed *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->recs[i].key);
		free(ps->recs[i].value);
	}
	free(ps->recs);
}

/* The records must be exactly @want, in order. */
static void expect_recs(const uint8_t *p, size_t size, const struct kv *want, size_t n)
{
	struct parsed ps;

	parse(&ps, p, size);
	assert_int_equal(ps.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(ps.recs[i].key, want[i].key);
		assert_string_equal(ps.recs[i].value, want[i].value);
		assert_int_equal(ps.recs[i].prio, want[i].prio);
	}
	parsed_free(&ps);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- hand-checked bytes ------------------------------------------------- */

static void expect_bytes(const struct kv *in, size_t n, const uint8_t *want, size_t len)
{
	uint8_t *buf;
	size_t size;

	build(in, n, &buf, &size);
	if (size != len || memcmp(buf, want, len)) {
		for (size_t i = 0; i < size; i++)
			fprintf(stderr, "%02x%s", buf[i], i % 16 == 15 ? "\n" : " ");
		fprintf(stderr, "\n");
	}
	assert_int_equal(size, len);
	assert_memory_equal(buf, want, len);
	free(buf);
}

#define HDR(root) 0xb0, 0x07, 0xf4, 0x57, 0x00, 0x02, 0x00, 0x01, \
	(root) >> 24, ((root) >> 16) & 0xff, ((root) >> 8) & 0xff, (root) & 0xff
#define U32(v) (v) >> 24, ((v) >> 16) & 0xff, ((v) >> 8) & 0xff, (v) & 0xff

static void test_empty(void **state)
{
	/* kmod writes the root (empty, no flags) where the trie starts */
	static const uint8_t want[] = { HDR(12) };

	expect_bytes(NULL, 0, want, sizeof(want));
}

static void test_single_key(void **state)
{
	static const struct kv in[] = { { "a", "x", 1 } };
	static const uint8_t want[] = {
		HDR(0x20000000u | 22),
		/* 12: leaf 'a' (no prefix left), one value */
		U32(1), U32(1), 'x', 0,
		/* 22: root, one child */
		'a', 'a', U32(0x40000000u | 12),
	};

	expect_bytes(in, N(in), want, sizeof(want));
}

static void test_split_prefix(void **state)
{
	/* "abc" and "abd": the root has child 'a' with prefix "b", two leaves */
	static const struct kv in[] = { { "abd", "D", 7 }, { "abc", "C", 3 } };
	static const uint8_t want[] = {
		HDR(0x20000000u | 44),
		/* 12: 'c' leaf */
		U32(1), U32(3), 'C', 0,
		/* 22: 'd' leaf */
		U32(1), U32(7), 'D', 0,
		/* 32: 'a' node: prefix "b", children c..d */
		'b', 0, 'c', 'd', U32(0x40000000u | 12), U32(0x40000000u | 22),
		/* 44: root */
		'a', 'a', U32(0xa0000000u | 32),
	};

	expect_bytes(in, N(in), want, sizeof(want));
}

static void test_key_prefix_of_other(void **state)
{
	/* "ab" ends inside "abc"'s label: node "b" gets values and child 'c' */
	static const struct kv in[] = { { "abc", "long", 0 }, { "ab", "short", 5 } };
	static const uint8_t want[] = {
		HDR(0x20000000u | 47),
		/* 12: 'c' leaf */
		U32(1), U32(0), 'l', 'o', 'n', 'g', 0,
		/* 25: 'a' node: prefix "b", child 'c', value */
		'b', 0, 'c', 'c', U32(0x40000000u | 12), U32(1), U32(5), 's', 'h', 'o', 'r', 't', 0,
		/* 47: root */
		'a', 'a', U32(0xe0000000u | 25),
	};

	expect_bytes(in, N(in), want, sizeof(want));
}

static void test_gap_and_empty_key(void **state)
{
	/* children 'a' and 'c' leave a zero for 'b'; "" lives in the root */
	static const struct kv in[] = { { "c", "3", 0 }, { "", "root", 9 }, { "a", "1", 0 } };
	static const uint8_t want[] = {
		HDR(0x60000000u | 32),
		/* 12: 'a' */
		U32(1), U32(0), '1', 0,
		/* 22: 'c' */
		U32(1), U32(0), '3', 0,
		/* 32: root: children a..c, then its own value */
		'a', 'c', U32(0x40000000u | 12), U32(0), U32(0x40000000u | 22),
		U32(1), U32(9), 'r', 'o', 'o', 't', 0,
	};

	expect_bytes(in, N(in), want, sizeof(want));
}

static void test_only_empty_key(void **state)
{
	static const struct kv in[] = { { "", "v", 2 } };
	static const uint8_t want[] = { HDR(0x40000000u | 12), U32(1), U32(2), 'v', 0 };

	expect_bytes(in, N(in), want, sizeof(want));
}

/* ---- value order, duplicates, rejected keys ------------------------------ */

static void test_value_order(void **state)
{
	/* ascending priority; equal priorities: the one added last first */
	static const struct kv in[] = {
		{ "k", "p5-first", 5 }, { "k", "p1", 1 }, { "k", "p5-second", 5 },
		{ "k", "p0", 0 }, { "k", "p5-third", 5 }, { "k", "pmax", UINT32_MAX },
		{ "k", "p1", 1 },	/* duplicate pair: kept, as kmod does */
	};
	static const struct kv want[] = {
		{ "k", "p0", 0 }, { "k", "p1", 1 }, { "k", "p1", 1 },
		{ "k", "p5-third", 5 }, { "k", "p5-second", 5 }, { "k", "p5-first", 5 },
		{ "k", "pmax", UINT32_MAX },
	};
	uint8_t *buf;
	size_t size;

	build(in, N(in), &buf, &size);
	expect_recs(buf, size, want, N(want));
	free(buf);
}

static void test_rejects(void **state)
{
	struct mt_index_builder *b;
	uint8_t *buf;
	size_t size;

	assert_int_equal(mt_index_builder_new(&b), 0);
	assert_int_equal(mt_index_builder_add(b, "caf\xc3\xa9", "x", 0), -EINVAL);
	assert_int_equal(mt_index_builder_add(b, "\x80", "x", 0), -EINVAL);
	assert_int_equal(mt_index_builder_add(b, "a\xff", "x", 0), -EINVAL);
	assert_int_equal(mt_index_builder_add(b, NULL, "x", 0), -EINVAL);
	assert_int_equal(mt_index_builder_add(b, "a", NULL, 0), -EINVAL);
	assert_int_equal(mt_index_builder_count(b), 0);
	/* 0x7f is still 7-bit; values take any byte but NUL */
	assert_int_equal(mt_index_builder_add(b, "\x7f", "\xff\x80 \n\t\x01", 3), 0);
	assert_int_equal(mt_index_builder_write(b, &buf, &size), 0);
	{
		static const struct kv want[] = { { "\x7f", "\xff\x80 \n\t\x01", 3 } };

		expect_recs(buf, size, want, N(want));
	}
	free(buf);
	mt_index_builder_free(b);
	mt_index_builder_free(NULL);
}

/* The builder stays usable after writing; a second write sees new keys. */
static void test_write_twice(void **state)
{
	struct mt_index_builder *b;
	uint8_t *b1, *b2;
	size_t s1, s2;
	static const struct kv want[] = { { "a", "1", 0 }, { "b", "2", 0 } };

	assert_int_equal(mt_index_builder_new(&b), 0);
	assert_int_equal(mt_index_builder_add(b, "b", "2", 0), 0);
	assert_int_equal(mt_index_builder_write(b, &b1, &s1), 0);
	assert_int_equal(mt_index_builder_add(b, "a", "1", 0), 0);
	assert_int_equal(mt_index_builder_write(b, &b2, &s2), 0);
	expect_recs(b1, s1, want + 1, 1);
	expect_recs(b2, s2, want, 2);
	free(b1);
	free(b2);
	mt_index_builder_free(b);
}

/* ---- a naive model of kmod's trie, for byte comparison ------------------- */

struct mval {
	struct mval *next;
	uint32_t prio;
	char *value;
};

struct mnode {
	char *prefix;
	struct mval *values;
	int first, last;	/* first > last: no children */
	struct mnode *child[128];
};

static struct mnode *mnode_new(const char *prefix)
{
	struct mnode *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	n->prefix = strdup(prefix);
	n->first = 128;
	n->last = -1;
	return n;
}

static void mnode_free(struct mnode *n)
{
	for (int c = 0; c < 128; c++)
		if (n->child[c])
			mnode_free(n->child[c]);
	while (n->values) {
		struct mval *v = n->values;

		n->values = v->next;
		free(v->value);
		free(v);
	}
	free(n->prefix);
	free(n);
}

static void mnode_link(struct mnode *n, int c, struct mnode *child)
{
	n->child[c] = child;
	if (c < n->first)
		n->first = c;
	if (c > n->last)
		n->last = c;
}

/* insert before the first value of greater or equal priority */
static void mnode_add_value(struct mnode *n, const char *value, uint32_t prio)
{
	struct mval **pp = &n->values, *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	while (*pp && (*pp)->prio < prio)
		pp = &(*pp)->next;
	v->prio = prio;
	v->value = strdup(value);
	v->next = *pp;
	*pp = v;
}

static void mnode_insert(struct mnode *n, const char *key, const char *value, uint32_t prio)
{
	for (;;) {
		size_t j;

		/* split the node where its label and the key part ways */
		for (j = 0; n->prefix[j]; j++) {
			if (n->prefix[j] == key[j])
				continue;
			struct mnode *tail = mnode_new(n->prefix + j + 1);
			int c = (unsigned char)n->prefix[j];

			memcpy(tail->child, n->child, sizeof(n->child));
			tail->first = n->first;
			tail->last = n->last;
			tail->values = n->values;
			memset(n->child, 0, sizeof(n->child));
			n->values = NULL;
			n->first = 128;
			n->last = -1;
			n->prefix[j] = 0;
			mnode_link(n, c, tail);
			break;
		}
		key += j;
		if (!*key) {
			mnode_add_value(n, value, prio);
			return;
		}
		if (!n->child[(unsigned char)*key]) {
			struct mnode *leaf = mnode_new(key + 1);

			mnode_add_value(leaf, value, prio);
			mnode_link(n, (unsigned char)*key, leaf);
			return;
		}
		n = n->child[(unsigned char)*key];
		key++;
	}
}

struct obuf {
	uint8_t *p;
	size_t len, cap;
};

static void ob_put(struct obuf *o, const void *d, size_t len)
{
	if (o->len + len > o->cap) {
		o->cap = (o->len + len) * 2;
		o->p = realloc(o->p, o->cap);
		assert_non_null(o->p);
	}
	memcpy(o->p + o->len, d, len);
	o->len += len;
}

static void ob_u32(struct obuf *o, uint32_t v)
{
	uint8_t b[4] = { U32(v) };

	ob_put(o, b, 4);
}

static uint32_t mnode_write(struct mnode *n, struct obuf *o)
{
	uint32_t refs[128] = { 0 }, off;

	for (int c = n->first; c <= n->last; c++)
		if (n->child[c])
			refs[c] = mnode_write(n->child[c], o);
	off = (uint32_t)o->len;
	if (n->prefix[0]) {
		ob_put(o, n->prefix, strlen(n->prefix) + 1);
		off |= MT_INDEX_NODE_PREFIX;
	}
	if (n->first <= n->last) {
		uint8_t fl[2] = { (uint8_t)n->first, (uint8_t)n->last };

		ob_put(o, fl, 2);
		for (int c = n->first; c <= n->last; c++)
			ob_u32(o, refs[c]);
		off |= MT_INDEX_NODE_CHILDS;
	}
	if (n->values) {
		uint32_t count = 0;

		for (struct mval *v = n->values; v; v = v->next)
			count++;
		ob_u32(o, count);
		for (struct mval *v = n->values; v; v = v->next) {
			ob_u32(o, v->prio);
			ob_put(o, v->value, strlen(v->value) + 1);
		}
		off |= MT_INDEX_NODE_VALUES;
	}
	return off;
}

static struct obuf model_build(const struct kv *in, size_t n)
{
	struct mnode *root = mnode_new("");
	struct obuf o = { 0 };
	uint32_t ref;

	for (size_t i = 0; i < n; i++)
		mnode_insert(root, in[i].key, in[i].value, in[i].prio);
	ob_u32(&o, MT_INDEX_MAGIC);
	ob_u32(&o, MT_INDEX_VERSION_MAJOR << 16 | MT_INDEX_VERSION_MINOR);
	ob_u32(&o, 0);
	ref = mnode_write(root, &o);
	o.p[8] = ref >> 24;
	o.p[9] = ref >> 16;
	o.p[10] = ref >> 8;
	o.p[11] = ref;
	mnode_free(root);
	return o;
}

/* ---- random sets: writer == model, reader agrees ------------------------- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

struct rset {
	struct kv *kv;
	char **strs;
	size_t n, nstrs;
};

static char *rstr(struct rset *s, const char *alphabet, size_t maxlen)
{
	size_t len = rnd() % (maxlen + 1), k = strlen(alphabet);
	char *p = malloc(len + 1);

	assert_non_null(p);
	for (size_t i = 0; i < len; i++)
		p[i] = alphabet[rnd() % k];
	p[len] = 0;
	s->strs[s->nstrs++] = p;
	return p;
}

static void rset_make(struct rset *s, size_t n)
{
	s->kv = calloc(n, sizeof(*s->kv));
	s->strs = calloc(2 * n, sizeof(char *));
	assert_true(s->kv && s->strs);
	s->n = n;
	s->nstrs = 0;
	for (size_t i = 0; i < n; i++) {
		/* reuse earlier keys and values often: shared keys, duplicates */
		if (i && rnd() % 3 == 0)
			s->kv[i].key = s->kv[rnd() % i].key;
		else
			s->kv[i].key = rstr(s, "ab-_[]*?\x01\x7f", 1 + rnd() % 9);
		if (i && rnd() % 4 == 0)
			s->kv[i].value = s->kv[rnd() % i].value;
		else
			s->kv[i].value = rstr(s, "xyz \xfe\x80", 6);
		s->kv[i].prio = rnd() % 4 == 0 ? UINT32_MAX - rnd() % 2 : rnd() % 5;
	}
}

static void rset_free(struct rset *s)
{
	for (size_t i = 0; i < s->nstrs; i++)
		free(s->strs[i]);
	free(s->strs);
	free(s->kv);
}

static int visit_count(void *data, const char *key, const struct mt_index_value *v)
{
	(*(size_t *)data)++;
	return 0;
}

/* The project's reader finds each key's first value and every record. */
static void check_with_reader(const uint8_t *buf, size_t size, const struct parsed *ps)
{
	char dir[] = "/tmp/test-index-write-XXXXXX", path[64];
	struct modtool_ctx *ctx;
	struct mt_index *idx;
	FILE *f;
	size_t count = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.bin", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(modtool_ctx_new(dir, &ctx), 0);
	assert_int_equal(mt_index_open(ctx, path, &idx), 0);
	for (size_t i = 0; i < ps->n; i++) {
		struct mt_index_value v;

		if (i && !strcmp(ps->recs[i].key, ps->recs[i - 1].key))
			continue;
		assert_int_equal(mt_index_lookup(idx, ps->recs[i].key, &v), 1);
		assert_string_equal(v.value, ps->recs[i].value);
		assert_int_equal(v.priority, ps->recs[i].prio);
	}
	assert_int_equal(mt_index_foreach(idx, visit_count, &count), 0);
	assert_int_equal(count, ps->n);
	mt_index_close(idx);
	modtool_ctx_free(ctx);
	unlink(path);
	rmdir(dir);
}

static void test_random_vs_model(void **state)
{
	for (int round = 0; round < 300; round++) {
		struct rset s;
		struct obuf model;
		struct parsed ps;
		uint8_t *buf;
		size_t size, n = round < 20 ? (size_t)round : 1 + rnd() % 300;

		rset_make(&s, n);
		build(s.kv, s.n, &buf, &size);
		model = model_build(s.kv, s.n);
		assert_int_equal(size, model.len);
		assert_memory_equal(buf, model.p, size);
		parse(&ps, buf, size);
		assert_int_equal(ps.n, n);
		/* round 0 is the empty index: kmod puts its flagless root at
		 * offset 12, the file's end */
		if (round % 10 == 1 || n == 0)
			check_with_reader(buf, size, &ps);
		parsed_free(&ps);
		free(model.p);
		free(buf);
		rset_free(&s);
	}
}

/* ---- scale and depth ------------------------------------------------------ */

static void test_many_keys(void **state)
{
	struct mt_index_builder *b;
	struct parsed ps;
	uint8_t *buf;
	size_t size;
	char key[64], val[64];

	assert_int_equal(mt_index_builder_new(&b), 0);
	for (unsigned i = 0; i < 60000; i++) {
		snprintf(key, sizeof(key), "pci:v%08Xd%08Xsv*sd*bc*sc*i*", i * 2654435761u, i);
		snprintf(val, sizeof(val), "mod%u", i % 4000);
		assert_int_equal(mt_index_builder_add(b, key, val, i % 4000), 0);
	}
	assert_int_equal(mt_index_builder_write(b, &buf, &size), 0);
	mt_index_builder_free(b);
	parse(&ps, buf, size);
	assert_int_equal(ps.n, 60000);
	for (size_t i = 1; i < ps.n; i++)
		assert_true(strcmp(ps.recs[i - 1].key, ps.recs[i].key) < 0);
	check_with_reader(buf, size, &ps);
	parsed_free(&ps);
	free(buf);
}

/* Keys that are all prefixes of each other make the trie as deep as they are
 * long: the writer must not recurse on the C stack. */
static void test_deep_chain(void **state)
{
	enum { DEPTH = 3000 };
	struct mt_index_builder *b;
	struct parsed ps;
	char key[DEPTH + 1];
	uint8_t *buf;
	size_t size;

	assert_int_equal(mt_index_builder_new(&b), 0);
	for (size_t len = DEPTH; len > 0; len--) {
		memset(key, 'a', len);
		key[len] = 0;
		assert_int_equal(mt_index_builder_add(b, key, "v", (uint32_t)len), 0);
	}
	assert_int_equal(mt_index_builder_write(b, &buf, &size), 0);
	mt_index_builder_free(b);
	parse(&ps, buf, size);
	assert_int_equal(ps.n, DEPTH);
	assert_int_equal(ps.nodes, DEPTH + 1);
	for (size_t i = 0; i < ps.n; i++) {
		assert_int_equal(strlen(ps.recs[i].key), i + 1);
		assert_int_equal(ps.recs[i].prio, i + 1);
	}
	parsed_free(&ps);
	free(buf);
}

/* One very long key: a single leaf holding it all as its prefix. */
static void test_long_key(void **state)
{
	enum { LEN = 200000 };
	struct mt_index_builder *b;
	char *key = malloc(LEN + 1);
	uint8_t *buf;
	size_t size, leaf = 12, root = leaf + LEN + 13;

	assert_non_null(key);
	memset(key, 'z', LEN);
	key[LEN] = 0;
	assert_int_equal(mt_index_builder_new(&b), 0);
	assert_int_equal(mt_index_builder_add(b, key, "long", 4), 0);
	assert_int_equal(mt_index_builder_write(b, &buf, &size), 0);
	mt_index_builder_free(b);
	assert_int_equal(size, root + 6);
	assert_int_equal(be32(buf + 8), 0x20000000u | root);
	assert_memory_equal(buf + leaf, key + 1, LEN - 1);
	assert_int_equal(buf[leaf + LEN - 1], 0);
	assert_int_equal(be32(buf + leaf + LEN), 1);
	assert_int_equal(be32(buf + leaf + LEN + 4), 4);
	assert_string_equal((char *)buf + leaf + LEN + 8, "long");
	assert_int_equal(buf[root], 'z');
	assert_int_equal(buf[root + 1], 'z');
	assert_int_equal(be32(buf + root + 2), 0xc0000000u | leaf);
	free(key);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_single_key),
		cmocka_unit_test(test_split_prefix),
		cmocka_unit_test(test_key_prefix_of_other),
		cmocka_unit_test(test_gap_and_empty_key),
		cmocka_unit_test(test_only_empty_key),
		cmocka_unit_test(test_value_order),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_write_twice),
		cmocka_unit_test(test_random_vs_model),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_long_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
