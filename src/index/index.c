// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading the modules.*.bin tries written by depmod.  The file is mapped once
 * and every lookup walks it in place: nothing is copied, and the exact lookup
 * (the one modprobe makes most often) allocates nothing.
 *
 * The file is untrusted: every node is bounds-checked when it is read, and
 * since child offsets may point anywhere (even at an ancestor), every walk is
 * bounded: the exact lookup consumes at least one key character per level,
 * the other walks spend a work budget proportional to the file size and keep
 * keys under MT_INDEX_KEY_MAX characters.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/glob-match.h"
#include "base/internal.h"
#include "index/index.h"

#define HEADER_SIZE 12
/* Longest key (and so deepest trie) we walk; real keys stay under 1 KiB. */
#define MT_INDEX_KEY_MAX 4096
/* Smallest value record: a priority and an empty string's NUL. */
#define VALUE_MIN_SIZE 5

struct mt_index {
	struct modtool_ctx *ctx;
	const uint8_t *map;
	size_t size;
	uint32_t root;
	char *path;
};

/* A node as read from the file; its strings and tables point into the map. */
struct node {
	size_t off;			/* where it starts in the file */
	const char *prefix;
	size_t prefix_len;
	const uint8_t *children;	/* NULL when the node has none */
	unsigned int first, last;	/* first > last when no children */
	uint32_t nvalues;
	size_t values;			/* file offset of the first value */
	size_t bytes;			/* size of the node up to its values */
};

static inline uint32_t read_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int corrupt(const struct mt_index *idx, size_t off, const char *what)
{
	mt_err(idx->ctx, "%s: corrupt index: %s at offset %zu\n", idx->path, what, off);
	return -EBADMSG;
}

static int node_read_prefix(const struct mt_index *idx, size_t off, size_t *pos, struct node *n)
{
	size_t avail = idx->size - *pos;
	size_t max = avail > MT_INDEX_KEY_MAX ? MT_INDEX_KEY_MAX + 1 : avail;
	const uint8_t *nul = memchr(idx->map + *pos, '\0', max);

	if (!nul)
		return corrupt(idx, off, max == avail ? "unterminated prefix" : "prefix too long");
	n->prefix = (const char *)idx->map + *pos;
	n->prefix_len = (size_t)(nul - (idx->map + *pos));
	*pos += n->prefix_len + 1;
	return 0;
}

static int node_read_children(const struct mt_index *idx, size_t off, size_t *pos,
			      struct node *n)
{
	size_t len;

	if (!mt_in_bounds(*pos, 2, idx->size))
		return corrupt(idx, off, "truncated child range");
	n->first = idx->map[*pos];
	n->last = idx->map[*pos + 1];
	if (n->first > n->last)
		return corrupt(idx, off, "child range reversed");
	*pos += 2;
	len = 4 * (size_t)(n->last - n->first + 1);
	if (!mt_in_bounds(*pos, len, idx->size))
		return corrupt(idx, off, "truncated child table");
	n->children = idx->map + *pos;
	*pos += len;
	return 0;
}

/* Read the node @ref (offset and flags) and check its fixed parts. */
static int node_read(const struct mt_index *idx, uint32_t ref, struct node *n)
{
	size_t off = ref & MT_INDEX_NODE_MASK;
	size_t pos = off;
	int err;

	/* a node without flags has no bytes: kmod's empty index points past its header */
	if (off < HEADER_SIZE || off > idx->size ||
	    (off == idx->size && (ref & MT_INDEX_NODE_FLAGS)))
		return corrupt(idx, off, "node offset out of range");
	n->off = off;
	n->prefix = "";
	n->prefix_len = 0;
	n->children = NULL;
	n->first = 1;
	n->last = 0;
	n->nvalues = 0;
	if (ref & MT_INDEX_NODE_PREFIX) {
		err = node_read_prefix(idx, off, &pos, n);
		if (err)
			return err;
	}
	if (ref & MT_INDEX_NODE_CHILDS) {
		err = node_read_children(idx, off, &pos, n);
		if (err)
			return err;
	}
	if (ref & MT_INDEX_NODE_VALUES) {
		if (!mt_in_bounds(pos, 4, idx->size))
			return corrupt(idx, off, "truncated value count");
		n->nvalues = read_be32(idx->map + pos);
		pos += 4;
		if (n->nvalues > (idx->size - pos) / VALUE_MIN_SIZE)
			return corrupt(idx, off, "value count larger than the file");
	}
	n->values = pos;
	n->bytes = pos - off;
	return 0;
}

/* The child reference for character @c, 0 when there is none. */
static inline uint32_t node_child(const struct node *n, unsigned int c)
{
	uint32_t ref;

	if (c < n->first || c > n->last)
		return 0;
	ref = read_be32(n->children + 4 * (c - n->first));
	return (ref & MT_INDEX_NODE_MASK) ? ref : 0;
}

/* Read the value at *@pos and move *@pos past it. */
static int value_read(const struct mt_index *idx, size_t *pos, struct mt_index_value *v)
{
	const uint8_t *s, *nul;

	if (!mt_in_bounds(*pos, VALUE_MIN_SIZE, idx->size))
		return corrupt(idx, *pos, "truncated value");
	s = idx->map + *pos + 4;
	nul = memchr(s, '\0', idx->size - *pos - 4);
	if (!nul)
		return corrupt(idx, *pos, "unterminated value");
	v->priority = read_be32(idx->map + *pos);
	v->value = (const char *)s;
	v->len = (size_t)(nul - s);
	*pos += 4 + v->len + 1;
	return 0;
}

/* Map @path read-only; -ENOENT (quietly) when it does not exist. */
static int map_file(struct modtool_ctx *ctx, const char *path, void **map, size_t *size)
{
	const char *bad = NULL;
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			mt_err(ctx, "%s: %s\n", path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		mt_err(ctx, "%s: %s\n", path, strerror(-err));
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode))
		bad = "not a regular file";
	else if (st.st_size < HEADER_SIZE)
		bad = "too short for an index header";
	else if ((uint64_t)st.st_size > SIZE_MAX)
		bad = "too large";
	if (bad) {
		mt_err(ctx, "%s: not a valid index: %s\n", path, bad);
		close(fd);
		return -EBADMSG;
	}
	*size = (size_t)st.st_size;
	*map = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = -errno;
	close(fd);
	if (*map == MAP_FAILED) {
		mt_err(ctx, "%s: mmap: %s\n", path, strerror(-err));
		return err;
	}
	return 0;
}

static int check_header(struct modtool_ctx *ctx, const char *path, const uint8_t *map)
{
	uint32_t magic = read_be32(map), version = read_be32(map + 4);

	if (magic != MT_INDEX_MAGIC) {
		mt_err(ctx, "%s: not a valid index: bad magic 0x%08x\n", path, magic);
		return -EBADMSG;
	}
	if (version >> 16 != MT_INDEX_VERSION_MAJOR) {
		mt_err(ctx, "%s: not a valid index: unsupported version 0x%08x\n", path, version);
		return -EBADMSG;
	}
	return 0;
}

int mt_index_open(struct modtool_ctx *ctx, const char *path, struct mt_index **idxp)
{
	struct mt_index *idx;
	void *map;
	size_t size = 0;
	int err;

	*idxp = NULL;
	err = map_file(ctx, path, &map, &size);
	if (err)
		return err;
	err = check_header(ctx, path, map);
	if (err)
		goto out_unmap;
	idx = calloc(1, sizeof(*idx));
	if (!idx || !(idx->path = strdup(path))) {
		free(idx);
		err = -ENOMEM;
		goto out_unmap;
	}
	idx->ctx = ctx;
	idx->map = map;
	idx->size = size;
	idx->root = read_be32(idx->map + 8);
	*idxp = idx;
	mt_dbg(ctx, "%s: index mapped (%zu bytes)\n", path, size);
	return 0;

out_unmap:
	munmap(map, size);
	return err;
}

void mt_index_close(struct mt_index *idx)
{
	if (!idx)
		return;
	munmap((void *)idx->map, idx->size);
	free(idx->path);
	free(idx);
}

const char *mt_index_path(const struct mt_index *idx)
{
	return idx->path;
}

int mt_index_lookup(const struct mt_index *idx, const char *key, struct mt_index_value *out)
{
	struct mt_index_value v;
	uint32_t ref = idx->root & MT_INDEX_NODE_MASK ? idx->root : 0;
	struct node n;
	size_t i = 0, pos;
	int err;

	/* each turn consumes a key character: at most strlen(key) + 1 turns */
	while (ref) {
		err = node_read(idx, ref, &n);
		if (err)
			return err;
		if (strncmp(n.prefix, key + i, n.prefix_len) != 0)
			return 0;
		i += n.prefix_len;
		if (key[i] == '\0') {
			if (!n.nvalues)
				return 0;
			pos = n.values;
			err = value_read(idx, &pos, out ? out : &v);
			return err ? err : 1;
		}
		ref = node_child(&n, (unsigned char)key[i]);
		i++;
	}
	return 0;
}

/* State of a depth-first walk below some node (foreach, wildcard scan). */
struct walk_frame {
	struct node node;
	size_t restore;		/* key length to return to when popped */
	unsigned int next;	/* next child character to visit */
	bool visited;		/* values handed out (pre-order walks) */
};

struct walk;
typedef int (*walk_values_fn)(struct walk *w, const struct node *n);

/* Frames kept inside struct walk: real tries are far shallower than this. */
#define WALK_INLINE_FRAMES 48

struct walk {
	const struct mt_index *idx;
	uint64_t budget;		/* bytes of nodes and values left to read */
	struct walk_frame *stack;	/* inline_stack, or allocated when deeper */
	size_t depth, cap;
	struct walk_frame inline_stack[WALK_INLINE_FRAMES];
	size_t len;
	char key[MT_INDEX_KEY_MAX + 1];
	/* foreach */
	mt_index_visit_fn visit;
	void *data;
	/* wildcard lookup */
	const char *subkey;
	struct mt_index_value *vals;
	size_t nvals, capvals;
};

/*
 * A well-formed file is read at most once per walk (twice counting a charge
 * per node), so running out means the child offsets share or loop.
 */
static uint64_t walk_budget(const struct mt_index *idx)
{
	return 2 * (uint64_t)idx->size + 64;
}

/* No memset of the whole: the key buffer is written before it is read. */
static void walk_init(struct walk *w, const struct mt_index *idx, uint64_t budget)
{
	w->idx = idx;
	w->budget = budget;
	w->stack = w->inline_stack;
	w->depth = 0;
	w->cap = WALK_INLINE_FRAMES;
	w->len = 0;
	w->key[0] = '\0';
	w->visit = NULL;
	w->data = NULL;
	w->subkey = NULL;
	w->vals = NULL;
	w->nvals = 0;
	w->capvals = 0;
}

static void walk_release(struct walk *w)
{
	if (w->stack != w->inline_stack)
		free(w->stack);
}

static int walk_grow(struct walk *w)
{
	size_t cap = 2 * w->cap;
	struct walk_frame *stack = malloc(cap * sizeof(*stack));

	if (!stack)
		return -ENOMEM;
	memcpy(stack, w->stack, w->depth * sizeof(*stack));
	walk_release(w);
	w->stack = stack;
	w->cap = cap;
	return 0;
}

static int walk_charge(struct walk *w, size_t cost, size_t off)
{
	if (cost > w->budget)
		return corrupt(w->idx, off, "child offsets loop or are shared");
	w->budget -= cost;
	return 0;
}

static int walk_append(struct walk *w, const char *s, size_t len, size_t off)
{
	if (len > MT_INDEX_KEY_MAX - w->len)
		return corrupt(w->idx, off, "key too long");
	memcpy(w->key + w->len, s, len);
	w->len += len;
	w->key[w->len] = '\0';
	return 0;
}

/* Enter node @ref: key += @c (unless 0) + its prefix from @skip on. */
static int walk_push(struct walk *w, uint32_t ref, size_t skip, char c)
{
	size_t off = ref & MT_INDEX_NODE_MASK;
	struct walk_frame *f;
	int err;

	if (w->depth == w->cap) {
		err = walk_grow(w);
		if (err)
			return err;
	}
	f = &w->stack[w->depth];
	err = node_read(w->idx, ref, &f->node);
	if (!err)
		err = walk_charge(w, 1 + f->node.bytes, off);
	if (err)
		return err;
	f->restore = w->len;
	f->next = f->node.first;
	f->visited = false;
	if (c) {
		err = walk_append(w, &c, 1, off);
		if (err)
			return err;
	}
	err = walk_append(w, f->node.prefix + skip, f->node.prefix_len - skip, off);
	if (err)
		return err;
	w->depth++;
	return 0;
}

/*
 * The first child from character *@next on: its character, *@ref set (0 when
 * there is none left); *@next moves past it.  Child tables are sparse (a
 * range from '-' to 'z' holds a few children): empty slots are skipped by
 * testing the raw word, decoded only for a hit.
 */
static unsigned int next_child(const struct node *n, unsigned int *next, uint32_t *ref)
{
	static const uint8_t mask[4] = { 0x0f, 0xff, 0xff, 0xff };	/* NODE_MASK, big-endian */
	uint32_t raw, want;

	memcpy(&want, mask, 4);
	for (unsigned int c = *next; c <= n->last; c++) {
		memcpy(&raw, n->children + 4 * (c - n->first), 4);
		if (!(raw & want))
			continue;
		*next = c + 1;
		*ref = read_be32(n->children + 4 * (c - n->first));
		return c;
	}
	*next = n->last + 1;
	*ref = 0;
	return 0;
}

/*
 * Visit every node below the pushed one in key order, calling @fn for each
 * node's values before its children (@preorder) or after them.
 */
static int walk_run(struct walk *w, bool preorder, walk_values_fn fn)
{
	while (w->depth) {
		struct walk_frame *f = &w->stack[w->depth - 1];
		uint32_t ref = 0;
		unsigned int c = 0;
		int err;

		if (preorder && !f->visited) {
			f->visited = true;
			err = fn(w, &f->node);
			if (err)
				return err;
		}
		c = next_child(&f->node, &f->next, &ref);
		if (ref) {
			if (c == 0)
				return corrupt(w->idx, f->node.off, "child for the NUL character");
			err = walk_push(w, ref, 0, (char)c);
			if (err)
				return err;
			continue;
		}
		if (!preorder) {
			err = fn(w, &f->node);
			if (err)
				return err;
		}
		w->len = f->restore;
		w->key[w->len] = '\0';
		w->depth--;
	}
	return 0;
}

/* Read the values of @n one by one, charging the walk for them. */
static int walk_values(struct walk *w, const struct node *n,
		       int (*take)(struct walk *w, const struct mt_index_value *v))
{
	struct mt_index_value v;
	size_t pos = n->values;
	int err;

	for (uint32_t k = 0; k < n->nvalues; k++) {
		size_t at = pos;

		err = value_read(w->idx, &pos, &v);
		if (!err)
			err = walk_charge(w, pos - at, at);
		if (!err)
			err = take(w, &v);
		if (err)
			return err;
	}
	return 0;
}

static int foreach_take(struct walk *w, const struct mt_index_value *v)
{
	return w->visit(w->data, w->key, v);
}

static int foreach_values(struct walk *w, const struct node *n)
{
	return walk_values(w, n, foreach_take);
}

int mt_index_foreach(const struct mt_index *idx, mt_index_visit_fn fn, void *data)
{
	struct walk w;
	int err;

	if (!(idx->root & MT_INDEX_NODE_MASK))
		return 0;
	walk_init(&w, idx, walk_budget(idx));
	w.visit = fn;
	w.data = data;
	err = walk_push(&w, idx->root, 0, 0);
	if (!err)
		err = walk_run(&w, true, foreach_values);
	walk_release(&w);
	return err;
}

static int wild_take(struct walk *w, const struct mt_index_value *v)
{
	if (w->nvals == w->capvals) {
		size_t cap = w->capvals ? 2 * w->capvals : 8;
		struct mt_index_value *vals = realloc(w->vals, cap * sizeof(*vals));

		if (!vals)
			return -ENOMEM;
		w->vals = vals;
		w->capvals = cap;
	}
	w->vals[w->nvals++] = *v;
	return 0;
}

static int wild_add_values(struct walk *w, const struct node *n)
{
	return walk_values(w, n, wild_take);
}

/* Values of a node below a wildcard count when the pattern built so far matches. */
static int wild_match_values(struct walk *w, const struct node *n)
{
	if (!n->nvalues || !mt_glob_match(w->key, w->subkey))
		return 0;
	return wild_add_values(w, n);
}

/*
 * Scan the whole subtree of @ref, whose keys are patterns starting with @c
 * (or with its prefix from @skip on), against @subkey: the part of the key
 * left once the exact characters before the wildcard are consumed.  Like
 * kmod, only these tails are matched as patterns, so a backslash in the
 * exact part is a plain character.
 */
static int wild_scan(struct walk *w, uint32_t ref, size_t skip, char c, const char *subkey)
{
	int err;

	w->len = 0;
	w->key[0] = '\0';
	w->subkey = subkey;
	err = walk_push(w, ref, skip, c);
	if (!err)
		err = walk_run(w, false, wild_match_values);
	w->depth = 0;
	return err;
}

static bool is_wild(char c)
{
	return c == '*' || c == '?' || c == '[';
}

/*
 * Follow @key down the trie; at each node, subtrees whose keys go on with a
 * wildcard are scanned as patterns, and a prefix holding a wildcard turns the
 * rest of its subtree into patterns.  The order values are found in matters:
 * it is kmod's, so that equal priorities come out the same way.
 */
static int wild_walk(struct walk *w, const char *key)
{
	static const char wild[] = { '*', '?', '[' };
	uint32_t ref = w->idx->root & MT_INDEX_NODE_MASK ? w->idx->root : 0;
	struct node n;
	size_t i = 0;
	int err;

	while (ref) {
		err = node_read(w->idx, ref, &n);
		if (err)
			return err;
		for (size_t j = 0; j < n.prefix_len; j++) {
			if (is_wild(n.prefix[j]))
				return wild_scan(w, ref, j, 0, key + i + j);
			if (n.prefix[j] != key[i + j])
				return 0;
		}
		i += n.prefix_len;
		for (size_t k = 0; k < sizeof(wild); k++) {
			uint32_t child = node_child(&n, (unsigned char)wild[k]);

			if (!child)
				continue;
			err = wild_scan(w, child, 0, wild[k], key + i);
			if (err)
				return err;
		}
		if (key[i] == '\0')
			return wild_add_values(w, &n);
		ref = node_child(&n, (unsigned char)key[i]);
		i++;
	}
	return 0;
}

/* Stable merge sort of @v by priority, @tmp holding as many values. */
static void sort_by_priority(struct mt_index_value *v, struct mt_index_value *tmp, size_t n)
{
	struct mt_index_value *src = v, *dst = tmp, *swap;

	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t a = lo, b = mid, o = lo;

			while (a < mid && b < hi)
				dst[o++] = src[b].priority < src[a].priority ? src[b++] : src[a++];
			while (a < mid)
				dst[o++] = src[a++];
			while (b < hi)
				dst[o++] = src[b++];
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

/*
 * kmod inserts each value found before the first one of greater or equal
 * priority: by priority, and the later found first among equals.
 */
static int wild_order(struct walk *w)
{
	struct mt_index_value *tmp;
	size_t n = w->nvals, k;

	for (size_t a = 0, b = n; a + 1 < b; a++, b--) {
		struct mt_index_value t = w->vals[a];

		w->vals[a] = w->vals[b - 1];
		w->vals[b - 1] = t;
	}
	/* usually they come sorted already (one module, or a single priority) */
	for (k = 1; k < n && w->vals[k - 1].priority <= w->vals[k].priority; k++)
		;
	if (k >= n)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	sort_by_priority(w->vals, tmp, n);
	free(tmp);
	return 0;
}

int mt_index_lookup_wild(const struct mt_index *idx, const char *key,
			 struct mt_index_value **values)
{
	uint64_t passes = 1;
	struct walk w;
	int err;

	*values = NULL;
	/* a key's own wildcard may lead the walk into a subtree scanned already */
	for (const char *p = key; *p; p++)
		passes += is_wild(*p);
	walk_init(&w, idx, passes > UINT64_MAX / walk_budget(idx) ? UINT64_MAX :
			   passes * walk_budget(idx));
	err = wild_walk(&w, key);
	if (!err)
		err = wild_order(&w);
	if (!err && w.nvals > INT_MAX)
		err = -EOVERFLOW;
	if (err) {
		free(w.vals);
	} else {
		*values = w.vals;
		err = (int)w.nvals;
	}
	walk_release(&w);
	return err;
}
