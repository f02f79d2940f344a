// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The index writer against kmod's depmod, byte for byte, on Debian's real
 * 6.1 and 6.12 module trees.  Each .bin is rebuilt from the text file depmod
 * wrote next to it, with the keys, values and priorities kmod 30 uses:
 *
 *   modules.dep.bin            module name -> "relpath: deps" line; priority:
 *                              the module's position in depmod's sorted array
 *                              (= its line number in modules.dep, 0-based, as
 *                              long as no module is in a dependency cycle)
 *   modules.alias.bin          normalized alias -> module name; priority: the
 *                              module's position, as above
 *   modules.symbols.bin        "symbol:NAME" (verbatim) -> module name; same
 *   modules.builtin.bin        module name from each modules.builtin path -> ""
 *                              (lines not starting with a letter are skipped);
 *                              priority 0
 *   modules.builtin.alias.bin  normalized alias -> module name, from the
 *                              "name.alias=value" records of
 *                              modules.builtin.modinfo; priority 0
 *
 * Normalizing an alias turns '-' into '_' outside [...] and drops the alias
 * when a bracket is unmatched.  The trees come from tests/fetch-trees.sh; the
 * test fails (never skips) when they cannot be had.  When a tree lacks
 * kmod's indexes (or MODTOOL_TEST_RUN_DEPMOD=1), kmod's depmod is run on a
 * temporary root that links to the tree, never in the tree itself.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/write.h"
#include "index/index.h"
#include "base/internal.h"
#include "test-util.h"

struct tree {
	const char *tag;
	char dir[PATH_MAX];	/* where kmod's text files and indexes are */
	char tmproot[64];	/* a temporary depmod root, when one was made */
	bool ready;
};

static struct tree trees[] = { { .tag = "6.1" }, { .tag = "6.12" } };
static char trees_dir[PATH_MAX];

/* ---- files -------------------------------------------------------------- */

/* Format a path into @out (PATH_MAX bytes); a path that does not fit fails. */
MT_PRINTF(2, 3)
static void pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		fail_msg("path too long");
}

struct blob {
	char *p;
	size_t len;
};

static bool slurp(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	*b = (struct blob){ 0 };
	if (!f)
		return false;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return false;
	}
	b->p = malloc((size_t)st.st_size + 1);
	assert_non_null(b->p);
	b->len = fread(b->p, 1, (size_t)st.st_size, f);
	b->p[b->len] = 0;
	fclose(f);
	return b->len == (size_t)st.st_size;
}

static void tree_path(const struct tree *t, const char *name, char *out)
{
	pathf(out, "%s/%s", t->dir, name);
}

/* ---- getting the trees -------------------------------------------------- */

static void fetch_trees(void)
{
	char *dir;

	if (trees_dir[0])
		return;
	dir = test_trees_dir();
	if (!dir) {
		fail_msg("tests/fetch-trees.sh failed: the real trees are needed");
		return;
	}
	if (strlen(dir) >= sizeof(trees_dir))
		fail_msg("trees directory name too long: %s", dir);
	else
		strcpy(trees_dir, dir);
	free(dir);
}

/* The only entry under TREES/tag/lib/modules, whatever its version. */
static void find_version(const char *modules, char *version)
{
	DIR *d = opendir(modules);
	struct dirent *de;
	int n = 0;

	if (!d)
		fail_msg("no directory %s", modules);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (strlen(de->d_name) > NAME_MAX)
			fail_msg("%s: name too long", modules);
		strcpy(version, de->d_name);
		n++;
	}
	closedir(d);
	if (n != 1)
		fail_msg("%s: expected one kernel version, found %d", modules, n);
}

static bool has_indexes(const char *dir)
{
	static const char *const names[] = {
		"modules.dep.bin", "modules.alias.bin", "modules.symbols.bin",
		"modules.builtin.bin", "modules.builtin.alias.bin",
	};
	char path[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		pathf(path, "%s/%s", dir, names[i]);
		if (stat(path, &st) < 0)
			return false;
	}
	return true;
}

static void copy_file(const char *from, const char *to)
{
	struct blob b;
	FILE *f;

	if (!slurp(from, &b))
		return;		/* optional inputs (modules.builtin.modinfo) */
	f = fopen(to, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b.p, 1, b.len, f), b.len);
	assert_int_equal(fclose(f), 0);
	free(b.p);
}

/* kmod's depmod on a temporary root whose kernel/ links to the tree's. */
static void run_depmod(struct tree *t, const char *src, const char *version)
{
	static const char *const inputs[] = {
		"modules.order", "modules.builtin", "modules.builtin.modinfo",
	};
	char dst[PATH_MAX], from[PATH_MAX], to[PATH_MAX], cmd[PATH_MAX * 2];

	strcpy(t->tmproot, "/tmp/test-index-write-real-XXXXXX");
	assert_non_null(mkdtemp(t->tmproot));
	pathf(dst, "%s/lib", t->tmproot);
	assert_int_equal(mkdir(dst, 0755), 0);
	pathf(dst, "%s/lib/modules", t->tmproot);
	assert_int_equal(mkdir(dst, 0755), 0);
	pathf(dst, "%s/lib/modules/%s", t->tmproot, version);
	assert_int_equal(mkdir(dst, 0755), 0);
	pathf(from, "%s/kernel", src);
	pathf(to, "%s/kernel", dst);
	assert_int_equal(symlink(from, to), 0);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		pathf(from, "%s/%s", src, inputs[i]);
		pathf(to, "%s/%s", dst, inputs[i]);
		copy_file(from, to);
	}
	snprintf(cmd, sizeof(cmd), "depmod -b '%s' '%s'", t->tmproot, version);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
	pathf(t->dir, "%s", dst);
}

static struct tree *get_tree(int which)
{
	struct tree *t = &trees[which];
	char modules[PATH_MAX], version[NAME_MAX + 1], src[PATH_MAX];
	const char *force = getenv("MODTOOL_TEST_RUN_DEPMOD");

	if (t->ready)
		return t;
	fetch_trees();
	pathf(modules, "%s/%s/lib/modules", trees_dir, t->tag);
	find_version(modules, version);
	pathf(src, "%s/%s", modules, version);
	if (has_indexes(src) && !(force && *force == '1'))
		pathf(t->dir, "%s", src);
	else
		run_depmod(t, src, version);
	t->ready = true;
	return t;
}

static void remove_tmproot(struct tree *t)
{
	static const char *const outputs[] = {
		"modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin",
		"modules.softdep", "modules.symbols", "modules.symbols.bin",
		"modules.builtin.bin", "modules.builtin.alias.bin", "modules.devname",
		"modules.order", "modules.builtin", "modules.builtin.modinfo", "kernel",
	};
	char path[PATH_MAX];

	if (!t->tmproot[0])
		return;
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		pathf(path, "%s/%s", t->dir, outputs[i]);
		unlink(path);
	}
	rmdir(t->dir);
	pathf(path, "%s/lib/modules", t->tmproot);
	rmdir(path);
	pathf(path, "%s/lib", t->tmproot);
	rmdir(path);
	rmdir(t->tmproot);
}

/* ---- kmod's key rules --------------------------------------------------- */

/* '-' -> '_' outside brackets; false on an unmatched bracket. */
static bool alias_normalize(const char *in, char *out, size_t outsize)
{
	size_t i = 0;

	for (; in[i]; i++) {
		assert_true(i + 1 < outsize);
		if (in[i] == ']')
			return false;
		if (in[i] == '[') {
			const char *close = strchr(in + i, ']');

			if (!close)
				return false;
			assert_true((size_t)(close - in) + 1 < outsize);
			for (; in + i < close; i++)
				out[i] = in[i];
			out[i] = ']';
			continue;
		}
		out[i] = in[i] == '-' ? '_' : in[i];
	}
	out[i] = 0;
	return true;
}

/* The module name of a path: its basename up to the first '.', '-' -> '_'. */
static void path_to_modname(const char *path, size_t len, char *out, size_t outsize)
{
	const char *base = path;
	size_t i;

	for (i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	len -= (size_t)(base - path);
	for (i = 0; i < len && base[i] != '.'; i++) {
		assert_true(i + 1 < outsize);
		out[i] = base[i] == '-' ? '_' : base[i];
	}
	out[i] = 0;
}

/* Module name -> position in modules.dep (depmod's sorted module array). */
struct modpos {
	char *name;
	uint32_t pos;
};

struct modmap {
	struct modpos *v;
	size_t n, cap;
};

static int modpos_cmp(const void *a, const void *b)
{
	return strcmp(((const struct modpos *)a)->name, ((const struct modpos *)b)->name);
}

static uint32_t modmap_find(const struct modmap *m, const char *name)
{
	struct modpos key = { .name = (char *)name }, *hit;

	hit = bsearch(&key, m->v, m->n, sizeof(*m->v), modpos_cmp);
	if (!hit)
		fail_msg("module %s is not in modules.dep", name);
	return hit->pos;
}

static void modmap_free(struct modmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].name);
	free(m->v);
}

/* ---- building each index from its text file ----------------------------- */

static void add(struct mt_index_builder *b, const char *key, const char *value, uint32_t prio)
{
	int err = mt_index_builder_add(b, key, value, prio);

	if (err)
		fail_msg("add '%s' -> '%s': %d", key, value, err);
}

/* Call @fn on each line of @path (without its newline), numbered from 0. */
static void for_each_line(const struct tree *t, const char *name,
			  void (*fn)(void *data, char *line, size_t len, uint32_t lineno),
			  void *data)
{
	char path[PATH_MAX];
	struct blob f;
	uint32_t n = 0;

	tree_path(t, name, path);
	if (!slurp(path, &f))
		fail_msg("cannot read %s", path);
	for (char *line = f.p; line < f.p + f.len; n++) {
		char *nl = memchr(line, '\n', (size_t)(f.p + f.len - line));
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		line[len] = 0;
		fn(data, line, len, n);
		line += len + 1;
	}
	free(f.p);
}

struct dep_ctx {
	struct mt_index_builder *b;
	struct modmap map;
};

static void dep_line(void *data, char *line, size_t len, uint32_t lineno)
{
	struct dep_ctx *c = data;
	char *colon = strchr(line, ':'), name[PATH_MAX];

	if (!colon)
		fail_msg("modules.dep line %u has no ':'", lineno);
	path_to_modname(line, (size_t)(colon - line), name, sizeof(name));
	add(c->b, name, line, lineno);
	if (c->map.n == c->map.cap) {
		c->map.cap = c->map.cap ? 2 * c->map.cap : 1024;
		c->map.v = realloc(c->map.v, c->map.cap * sizeof(*c->map.v));
		assert_non_null(c->map.v);
	}
	c->map.v[c->map.n].name = strdup(name);
	c->map.v[c->map.n].pos = lineno;
	c->map.n++;
}

/* Also fills @map for the indexes whose priority is the module's position. */
static void build_dep(const struct tree *t, struct mt_index_builder *b, struct modmap *map)
{
	struct dep_ctx c = { .b = b };

	for_each_line(t, "modules.dep", dep_line, &c);
	qsort(c.map.v, c.map.n, sizeof(*c.map.v), modpos_cmp);
	if (map)
		*map = c.map;
	else
		modmap_free(&c.map);
}

struct alias_ctx {
	struct mt_index_builder *b;
	struct modmap map;
	bool symbols;
};

/* "alias VALUE MODULE" (the module name has no space, the value might) */
static void alias_line(void *data, char *line, size_t len, uint32_t lineno)
{
	struct alias_ctx *c = data;
	char *value, *mod = NULL, key[PATH_MAX];

	if (line[0] == '#' || !len)
		return;
	if (!strncmp(line, "alias ", 6))
		mod = strrchr(line + 6, ' ');
	if (!mod)
		fail_msg("bad alias line %u: %s", lineno, line);
	value = line + 6;
	*mod++ = 0;
	if (c->symbols) {
		add(c->b, value, mod, modmap_find(&c->map, mod));
		return;
	}
	if (alias_normalize(value, key, sizeof(key)))
		add(c->b, key, mod, modmap_find(&c->map, mod));
}

static void build_alias(const struct tree *t, struct mt_index_builder *b, bool symbols)
{
	struct alias_ctx c = { .b = b, .symbols = symbols };
	struct mt_index_builder *ignored;

	assert_int_equal(mt_index_builder_new(&ignored), 0);
	build_dep(t, ignored, &c.map);
	mt_index_builder_free(ignored);
	for_each_line(t, symbols ? "modules.symbols" : "modules.alias", alias_line, &c);
	modmap_free(&c.map);
}

static void builtin_line(void *data, char *line, size_t len, uint32_t lineno)
{
	char name[PATH_MAX];

	/* kmod reads the line with its newline, which only matters without '.' */
	if (!isalpha((unsigned char)line[0]))
		return;
	line[len] = '\n';
	path_to_modname(line, len + 1, name, sizeof(name));
	line[len] = 0;
	add(data, name, "", 0);
}

static void build_builtin(const struct tree *t, struct mt_index_builder *b)
{
	for_each_line(t, "modules.builtin", builtin_line, b);
}

/*
 * "module.key=value\0" records.  kmod reads them as a stream: a record with
 * no '.' is dropped; a record with no '=' is dropped together with the next
 * one (its NUL was eaten looking for the '='); an empty alias is dropped.
 */
static void build_builtin_alias(const struct tree *t, struct mt_index_builder *b)
{
	char path[PATH_MAX], key[PATH_MAX];
	struct blob f;
	bool skip_next = false;

	tree_path(t, "modules.builtin.modinfo", path);
	if (!slurp(path, &f))
		return;		/* kmod then writes an empty index */
	for (char *rec = f.p; rec < f.p + f.len; rec += strlen(rec) + 1) {
		char *dot = strchr(rec, '.'), *eq;

		if (skip_next) {
			skip_next = false;
			continue;
		}
		if (!dot || dot == rec)
			continue;
		eq = strchr(dot + 1, '=');
		if (!eq) {
			skip_next = true;
			continue;
		}
		*dot = 0;
		*eq = 0;
		if (strcmp(dot + 1, "alias") || !eq[1] || !alias_normalize(eq + 1, key, sizeof(key))) {
			*dot = '.';
			*eq = '=';
			continue;
		}
		add(b, key, rec, 0);
		*dot = '.';
		*eq = '=';
	}
	free(f.p);
}

/* ---- comparing ---------------------------------------------------------- */

struct rec {
	char *key, *value;
	uint32_t prio;
};

struct recs {
	struct rec *v;
	size_t n;
};

static int collect(void *data, const char *key, const struct mt_index_value *v)
{
	struct recs *r = data;

	r->v = realloc(r->v, (r->n + 1) * sizeof(*r->v));
	assert_non_null(r->v);
	r->v[r->n].key = strdup(key);
	r->v[r->n].value = strdup(v->value);
	r->v[r->n].prio = v->priority;
	r->n++;
	return 0;
}

static void read_recs(struct modtool_ctx *ctx, const char *path, struct recs *r)
{
	struct mt_index *idx;

	*r = (struct recs){ 0 };
	if (mt_index_open(ctx, path, &idx) < 0)
		return;
	mt_index_foreach(idx, collect, r);
	mt_index_close(idx);
}

static void recs_free(struct recs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].key);
		free(r->v[i].value);
	}
	free(r->v);
}

/* Say how ours differs from kmod's: sizes, first byte, and the records. */
static void explain(const char *kmod_path, const uint8_t *ours, size_t size,
		    const struct blob *kmod)
{
	char dir[] = "/tmp/test-index-write-real-XXXXXX", path[64];
	struct modtool_ctx *ctx;
	struct recs a, b;
	size_t i, n = size < kmod->len ? size : kmod->len;
	FILE *f;

	for (i = 0; i < n && ours[i] == (uint8_t)kmod->p[i]; i++)
		;
	fprintf(stderr, "%s: ours %zu bytes, kmod's %zu, first difference at %zu\n",
		kmod_path, size, kmod->len, i);
	assert_non_null(mkdtemp(dir));
	pathf(path, "%s/ours.bin", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(ours, 1, size, f);
	fclose(f);
	assert_int_equal(modtool_ctx_new(dir, &ctx), 0);
	read_recs(ctx, path, &a);
	read_recs(ctx, kmod_path, &b);
	fprintf(stderr, "records: ours %zu, kmod's %zu\n", a.n, b.n);
	for (i = 0; i < a.n && i < b.n; i++) {
		if (strcmp(a.v[i].key, b.v[i].key) || strcmp(a.v[i].value, b.v[i].value) ||
		    a.v[i].prio != b.v[i].prio) {
			fprintf(stderr, "record %zu: ours %s -> %s (%u), kmod's %s -> %s (%u)\n", i,
				a.v[i].key, a.v[i].value, a.v[i].prio,
				b.v[i].key, b.v[i].value, b.v[i].prio);
			break;
		}
	}
	if (i == a.n && i == b.n)
		fprintf(stderr, "same records in the same order: only the layout differs\n");
	recs_free(&a);
	recs_free(&b);
	modtool_ctx_free(ctx);
	unlink(path);
	rmdir(dir);
}

enum which { DEP, ALIAS, SYMBOLS, BUILTIN, BUILTIN_ALIAS };

static const char *const bin_names[] = {
	[DEP] = "modules.dep.bin",
	[ALIAS] = "modules.alias.bin",
	[SYMBOLS] = "modules.symbols.bin",
	[BUILTIN] = "modules.builtin.bin",
	[BUILTIN_ALIAS] = "modules.builtin.alias.bin",
};

static void compare(int tree, enum which which)
{
	struct tree *t = get_tree(tree);
	struct mt_index_builder *b;
	char path[PATH_MAX];
	struct blob kmod;
	uint8_t *buf;
	size_t size;

	assert_int_equal(mt_index_builder_new(&b), 0);
	switch (which) {
	case DEP:
		build_dep(t, b, NULL);
		break;
	case ALIAS:
	case SYMBOLS:
		build_alias(t, b, which == SYMBOLS);
		break;
	case BUILTIN:
		build_builtin(t, b);
		break;
	case BUILTIN_ALIAS:
		build_builtin_alias(t, b);
		break;
	}
	assert_int_equal(mt_index_builder_write(b, &buf, &size), 0);
	fprintf(stderr, "%s/%s: %zu entries, %zu bytes\n", t->tag, bin_names[which],
		mt_index_builder_count(b), size);
	mt_index_builder_free(b);
	tree_path(t, bin_names[which], path);
	if (!slurp(path, &kmod))
		fail_msg("cannot read %s", path);
	if (size != kmod.len || memcmp(buf, kmod.p, size)) {
		explain(path, buf, size, &kmod);
		free(buf);
		free(kmod.p);
		fail_msg("%s differs from kmod's", path);
	}
	free(buf);
	free(kmod.p);
}

#define CASE(name, tree, which) \
	static void name(void **state) { compare(tree, which); }

CASE(test_61_dep, 0, DEP)
CASE(test_61_alias, 0, ALIAS)
CASE(test_61_symbols, 0, SYMBOLS)
CASE(test_61_builtin, 0, BUILTIN)
CASE(test_61_builtin_alias, 0, BUILTIN_ALIAS)
CASE(test_612_dep, 1, DEP)
CASE(test_612_alias, 1, ALIAS)
CASE(test_612_symbols, 1, SYMBOLS)
CASE(test_612_builtin, 1, BUILTIN)
CASE(test_612_builtin_alias, 1, BUILTIN_ALIAS)

static int cleanup(void **state)
{
	remove_tmproot(&trees[0]);
	remove_tmproot(&trees[1]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_61_dep),
		cmocka_unit_test(test_61_alias),
		cmocka_unit_test(test_61_symbols),
		cmocka_unit_test(test_61_builtin),
		cmocka_unit_test(test_61_builtin_alias),
		cmocka_unit_test(test_612_dep),
		cmocka_unit_test(test_612_alias),
		cmocka_unit_test(test_612_symbols),
		cmocka_unit_test(test_612_builtin),
		cmocka_unit_test(test_612_builtin_alias),
	};

	return cmocka_run_group_tests(tests, NULL, cleanup);
}
