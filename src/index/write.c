// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writing the modules.*.bin tries (see write.h for the exact layout
 * rules, chosen to match kmod's depmod byte for byte).
 *
 * Entries are collected unsorted; writing sorts them by key, then by
 * priority, then newest first, so that every subtree of the trie is a
 * contiguous run of the array and a node's values come in file order at the
 * start of its run.  Nodes are then emitted children first from an explicit
 * stack of runs: a child's reference is known before its parent is written.
 */
#include "base/internal.h"
#include "index/index.h"
#include "index/write.h"


struct entry {
	size_t key;		/* offset of the key in the string arena */
	size_t key_len;		/* the value follows the key's NUL */
	size_t value_len;
	size_t seq;		/* insertion order */
	uint32_t priority;
};

struct mt_index_builder {
	struct entry *entries;
	size_t count, cap;
	char *strings;		/* key\0value\0 of every entry */
	size_t strings_len, strings_cap;
};

int mt_index_builder_new(struct mt_index_builder **b)
{
	*b = calloc(1, sizeof(**b));
	return *b ? 0 : -ENOMEM;
}

void mt_index_builder_free(struct mt_index_builder *b)
{
	if (!b)
		return;
	free(b->entries);
	free(b->strings);
	free(b);
}

size_t mt_index_builder_count(const struct mt_index_builder *b)
{
	return b->count;
}

static bool key_is_ascii(const char *key, size_t *len)
{
	size_t i;

	for (i = 0; key[i]; i++)
		if ((unsigned char)key[i] >= 128)
			return false;
	*len = i;
	return true;
}

int mt_index_builder_add(struct mt_index_builder *b, const char *key, const char *value,
			 uint32_t priority)
{
	size_t key_len, value_len, need;
	struct entry *e, *entries;
	char *strings;

	if (!key || !value || !key_is_ascii(key, &key_len))
		return -EINVAL;
	value_len = strlen(value);
	if (key_len > SIZE_MAX / 4 || value_len > SIZE_MAX / 4 ||
	    b->strings_len > SIZE_MAX / 2)
		return -ENOMEM;
	need = b->strings_len + key_len + value_len + 2;
	strings = mt_grow(b->strings, &b->strings_cap, need, 1);
	if (!strings)
		return -ENOMEM;
	b->strings = strings;
	entries = mt_grow(b->entries, &b->cap, b->count + 1, sizeof(*e));
	if (!entries)
		return -ENOMEM;
	b->entries = entries;

	e = &b->entries[b->count];
	*e = (struct entry){
		.key = b->strings_len,
		.key_len = key_len,
		.value_len = value_len,
		.seq = b->count,
		.priority = priority,
	};
	memcpy(b->strings + e->key, key, key_len + 1);
	memcpy(b->strings + e->key + key_len + 1, value, value_len + 1);
	b->strings_len = need;
	b->count++;
	return 0;
}

/* ---- sorting ------------------------------------------------------------ */

static int entry_cmp(const void *pa, const void *pb, void *strings)
{
	const struct entry *a = pa, *b = pb;
	int r = strcmp((const char *)strings + a->key, (const char *)strings + b->key);

	if (r)
		return r;
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	/* kmod inserts a value before the ones of equal priority: newest first */
	return a->seq < b->seq ? 1 : -1;
}

/* ---- output buffer ------------------------------------------------------ */

struct out {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void out_put(struct out *o, const void *data, size_t len)
{
	uint8_t *p;

	if (o->err)
		return;
	if (len > SIZE_MAX - o->len) {
		o->err = -ENOMEM;
		return;
	}
	p = mt_grow(o->p, &o->cap, o->len + len, 1);
	if (!p) {
		o->err = -ENOMEM;
		return;
	}
	o->p = p;
	memcpy(o->p + o->len, data, len);
	o->len += len;
}

static void out_u8(struct out *o, uint8_t v)
{
	out_put(o, &v, 1);
}

static void out_u32(struct out *o, uint32_t v)
{
	uint8_t be[4] = { v >> 24, v >> 16, v >> 8, v };

	out_put(o, be, sizeof(be));
}

/* ---- the trie ----------------------------------------------------------- */

/*
 * One node being built: the run [lo, hi) of sorted entries below it.  Its
 * prefix is key[start, end) (shared by the whole run); entries [lo, vend)
 * end exactly there and are its values; the rest are split among children by
 * key[end].  Child references wait on the ref stack from index @refs on.
 */
struct frame {
	size_t lo, hi, vend, next;
	size_t start, end;
	size_t refs;
	int first, last;
};

struct build {
	const struct mt_index_builder *b;
	const struct entry *e;
	struct frame *frames;
	size_t nframes, frames_cap;
	uint32_t *refs;
	size_t nrefs, refs_cap;
	struct out out;
};

static inline const char *key_of(const struct build *w, size_t i)
{
	return w->b->strings + w->e[i].key;
}

static inline unsigned char key_char(const struct build *w, size_t i, size_t pos)
{
	return (unsigned char)key_of(w, i)[pos];
}

static int push_ref(struct build *w, uint32_t ref)
{
	uint32_t *refs = mt_grow(w->refs, &w->refs_cap, w->nrefs + 1, sizeof(*refs));

	if (!refs)
		return -ENOMEM;
	w->refs = refs;
	w->refs[w->nrefs++] = ref;
	return 0;
}

/*
 * Start the node of run [lo, hi) whose keys continue at @start.  The root has
 * no prefix even when all keys share one; any other node takes the longest
 * common prefix of its run, which for a sorted run is that of its first and
 * last keys.
 */
static int push_frame(struct build *w, size_t lo, size_t hi, size_t start, bool root)
{
	struct frame *f = mt_grow(w->frames, &w->frames_cap, w->nframes + 1, sizeof(*f));
	size_t end = start;

	if (!f)
		return -ENOMEM;
	w->frames = f;
	if (!root) {
		const char *a = key_of(w, lo), *z = key_of(w, hi - 1);

		while (a[end] && a[end] == z[end])
			end++;
	}
	f = &w->frames[w->nframes++];
	*f = (struct frame){ .lo = lo, .hi = hi, .start = start, .end = end,
			     .refs = w->nrefs, .first = -1, .last = -1 };
	f->vend = lo;
	while (f->vend < hi && w->e[f->vend].key_len == end)
		f->vend++;
	f->next = f->vend;
	return 0;
}

/* The end of the run of entries from @lo whose key has @c at @pos. */
static size_t child_run_end(const struct build *w, size_t lo, size_t hi, size_t pos,
			    unsigned char c)
{
	/* keys of the run share [0, pos) and are longer: key[pos] is sorted */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_char(w, mid, pos) <= c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Open the next child of the top frame, after zero refs for absent ones. */
static int descend(struct build *w)
{
	struct frame *f = &w->frames[w->nframes - 1];
	unsigned char c = key_char(w, f->next, f->end);
	size_t lo = f->next, hi = child_run_end(w, f->next, f->hi, f->end, c);
	size_t start = f->end + 1;
	int gap;

	for (gap = f->first < 0 ? c : f->last + 1; gap < c; gap++)
		if (push_ref(w, 0) < 0)
			return -ENOMEM;
	if (f->first < 0)
		f->first = c;
	f->last = c;
	f->next = hi;
	return push_frame(w, lo, hi, start, false);
}

/* Write the top frame's node (its children are written); return its ref. */
static int emit(struct build *w, uint32_t *ref)
{
	const struct frame *f = &w->frames[w->nframes - 1];
	struct out *o = &w->out;
	uint32_t flags = 0;
	size_t off = o->len, i;

	if (off > MT_INDEX_NODE_MASK)
		return -EFBIG;
	if (f->end > f->start) {
		out_put(o, key_of(w, f->lo) + f->start, f->end - f->start);
		out_u8(o, 0);
		flags |= MT_INDEX_NODE_PREFIX;
	}
	if (f->first >= 0) {
		out_u8(o, (uint8_t)f->first);
		out_u8(o, (uint8_t)f->last);
		for (i = f->refs; i < w->nrefs; i++)
			out_u32(o, w->refs[i]);
		flags |= MT_INDEX_NODE_CHILDS;
	}
	if (f->vend > f->lo) {
		if (f->vend - f->lo > UINT32_MAX)
			return -EFBIG;
		out_u32(o, (uint32_t)(f->vend - f->lo));
		for (i = f->lo; i < f->vend; i++) {
			out_u32(o, w->e[i].priority);
			out_put(o, key_of(w, i) + w->e[i].key_len + 1, w->e[i].value_len + 1);
		}
		flags |= MT_INDEX_NODE_VALUES;
	}
	*ref = (uint32_t)off | flags;
	return o->err;
}

/* Emit every node, children before parents; *@root gets the root's ref. */
static int build_trie(struct build *w, uint32_t *root)
{
	int err = push_frame(w, 0, w->b->count, 0, true);

	while (!err && w->nframes) {
		struct frame *f = &w->frames[w->nframes - 1];
		uint32_t ref;

		if (f->next < f->hi) {
			err = descend(w);
			continue;
		}
		err = emit(w, &ref);
		if (err)
			break;
		w->nrefs = f->refs;
		w->nframes--;
		if (w->nframes)
			err = push_ref(w, ref);
		else
			*root = ref;
	}
	return err;
}

int mt_index_builder_write(struct mt_index_builder *b, uint8_t **buf, size_t *size)
{
	struct build w = { .b = b, .e = b->entries };
	uint32_t root = 0;
	int err;

	*buf = NULL;
	*size = 0;
	if (b->count > 1)
		qsort_r(b->entries, b->count, sizeof(*b->entries), entry_cmp, b->strings);

	/* the root's reference is patched in once known */
	out_u32(&w.out, MT_INDEX_MAGIC);
	out_u32(&w.out, MT_INDEX_VERSION_MAJOR << 16 | MT_INDEX_VERSION_MINOR);
	out_u32(&w.out, 0);
	err = w.out.err ? w.out.err : build_trie(&w, &root);
	free(w.frames);
	free(w.refs);
	if (err) {
		free(w.out.p);
		return err;
	}
	w.out.p[8] = root >> 24;
	w.out.p[9] = root >> 16;
	w.out.p[10] = root >> 8;
	w.out.p[11] = root;
	*buf = w.out.p;
	*size = w.out.len;
	return 0;
}
