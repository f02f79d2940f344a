// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The index reader against libkmod on the real indexes of Debian's 6.1 and
 * 6.12 trees (from tests/fetch-trees.sh): every entry of each index dumped
 * both ways, and a wildcard lookup of one concrete string per alias pattern
 * compared with kmod_module_new_from_lookup().
 *
 * Without the trees the test fails, unless MODTOOL_ALLOW_SKIP=1 lets it skip.
 */
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libkmod.h>

#include "index/index.h"
#include "base/internal.h"
#include "test-util.h"

static const char *const tree_tags[] = { "6.1", "6.12" };
static char *tree_dirs[2];
static const char *trees_error;

/* ---- finding the trees --------------------------------------------------- */

/* The one module directory under TREES/TAG/lib/modules/ (no version hard-coded). */
static char *find_module_dir(const char *trees, const char *tag)
{
	char pattern[PATH_MAX];
	char *dir = NULL;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/%s/lib/modules/*/modules.dep.bin", trees, tag);
	if (glob(pattern, 0, NULL, &g) != 0)
		return NULL;
	if (g.gl_pathc == 1) {
		dir = strdup(g.gl_pathv[0]);
		*strrchr(dir, '/') = '\0';
	}
	globfree(&g);
	return dir;
}

static int group_setup(void **state)
{
	char *trees = test_trees_dir();

	if (!trees) {
		trees_error = "tests/fetch-trees.sh failed";
		return 0;
	}
	for (int t = 0; t < 2; t++) {
		tree_dirs[t] = find_module_dir(trees, tree_tags[t]);
		if (!tree_dirs[t])
			trees_error = "no module tree with indexes under the trees directory";
	}
	free(trees);
	return 0;
}

static int group_teardown(void **state)
{
	for (int t = 0; t < 2; t++)
		free(tree_dirs[t]);
	return 0;
}

static const char *tree_dir(void **state)
{
	int t = (int)(intptr_t)*state;
	const char *allow = getenv("MODTOOL_ALLOW_SKIP");

	if (trees_error) {
		if (allow && mt_streq(allow, "1")) {
			printf("skipping: %s\n", trees_error);
			skip();
		}
		fail_msg("%s (set MODTOOL_ALLOW_SKIP=1 to skip)", trees_error);
	}
	return tree_dirs[t];
}

/* ---- helpers --------------------------------------------------------------- */

struct text {
	char *p;
	size_t len, cap;
};

static void text_put(struct text *t, const char *s, size_t len)
{
	if (t->len + len + 1 > t->cap) {
		t->cap = (t->len + len + 1) * 2;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	memcpy(t->p + t->len, s, len);
	t->len += len;
	t->p[t->len] = '\0';
}

static struct mt_index *open_index(const char *dir, const char *name)
{
	struct mt_index *idx;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(mt_index_open(NULL, path, &idx), 0);
	return idx;
}

static struct kmod_ctx *kmod_open(const char *dir)
{
	static const char *const null_config = NULL;
	struct kmod_ctx *k = kmod_new(dir, &null_config);

	assert_non_null(k);
	assert_int_equal(kmod_load_resources(k), 0);
	return k;
}

/* ---- every entry, dumped both ways ------------------------------------------ */

struct dump {
	struct text text;
	const char *prefix;
};

static int dump_visit(void *data, const char *key, const struct mt_index_value *v)
{
	struct dump *d = data;

	text_put(&d->text, d->prefix, strlen(d->prefix));
	text_put(&d->text, key, strlen(key));
	text_put(&d->text, " ", 1);
	text_put(&d->text, v->value, v->len);
	text_put(&d->text, "\n", 1);
	return 0;
}

static char *kmod_dump(struct kmod_ctx *k, enum kmod_index type, size_t *len)
{
	int fd = memfd_create("kmod-dump", MFD_CLOEXEC);
	struct stat st;
	char *buf;

	assert_true(fd >= 0);
	assert_int_equal(kmod_dump_index(k, type, fd), 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	buf[st.st_size] = '\0';
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void report_first_difference(const char *a, const char *b)
{
	size_t i = 0, line = 1, start = 0;

	for (; a[i] && a[i] == b[i]; i++) {
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	printf("  first difference at line %zu:\n    libkmod: %.120s\n    modtool: %.120s\n",
	       line, a + start, b + start);
}

static void test_dump(void **state)
{
	static const struct {
		enum kmod_index type;
		const char *file, *prefix;
	} files[] = {
		{ KMOD_INDEX_MODULES_DEP, "modules.dep.bin", "" },
		{ KMOD_INDEX_MODULES_ALIAS, "modules.alias.bin", "alias " },
		{ KMOD_INDEX_MODULES_SYMBOL, "modules.symbols.bin", "alias " },
		{ KMOD_INDEX_MODULES_BUILTIN, "modules.builtin.bin", "" },
		{ KMOD_INDEX_MODULES_BUILTIN_ALIAS, "modules.builtin.alias.bin", "" },
	};
	const char *dir = tree_dir(state);
	struct kmod_ctx *k = kmod_open(dir);
	bool ok = true;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct mt_index *idx = open_index(dir, files[f].file);
		struct dump d = { .prefix = files[f].prefix };
		size_t len;
		char *theirs = kmod_dump(k, files[f].type, &len);

		text_put(&d.text, "", 0);
		assert_int_equal(mt_index_foreach(idx, dump_visit, &d), 0);
		printf("%s/%s: %zu entries, libkmod %zu: %s\n", dir, files[f].file,
		       count_lines(d.text.p, d.text.len), count_lines(theirs, len),
		       len == d.text.len && !memcmp(theirs, d.text.p, len) ? "same" : "DIFFERENT");
		if (len != d.text.len || memcmp(theirs, d.text.p, len)) {
			report_first_difference(theirs, d.text.p);
			ok = false;
		}
		free(theirs);
		free(d.text.p);
		mt_index_close(idx);
	}
	kmod_unref(k);
	assert_true(ok);
}

/* ---- wildcard lookups against kmod_module_new_from_lookup() ----------------- */

/* A character the bracket expression at @pat (of @len bytes) matches. */
static int bracket_member(const char *pat, size_t len)
{
	char expr[256], s[2] = { 0 };

	if (len >= sizeof(expr))
		return -1;
	memcpy(expr, pat, len);
	expr[len] = '\0';
	for (int c = 1; c < 127; c++) {
		s[0] = (char)c;
		if (c != '-' && c != '[' && c != ']' && fnmatch(expr, s, 0) == 0)
			return c;
	}
	return -1;
}

/* Length of the bracket expression at @pat, 0 when '[' is a literal there. */
static size_t bracket_len(const char *pat)
{
	size_t i = 1;

	if (pat[i] == '!' || pat[i] == '^')
		i++;
	if (pat[i] == ']')
		i++;
	for (; pat[i]; i++) {
		if (pat[i] == '[' && pat[i + 1] == ':') {
			const char *end = strstr(pat + i + 2, ":]");

			if (!end)
				return 0;
			i = (size_t)(end - pat) + 1;
		} else if (pat[i] == ']') {
			return i + 1;
		}
	}
	return 0;
}

/* One string @pat matches, each '*' standing for @star; false if unsure. */
static bool concretize(const char *pat, const char *star, char *out, size_t size)
{
	size_t o = 0, n;
	int c;

	for (size_t i = 0; pat[i]; i++) {
		if (o + strlen(star) + 2 > size)
			return false;
		switch (pat[i]) {
		case '*':
			memcpy(out + o, star, strlen(star));
			o += strlen(star);
			break;
		case '?':
			out[o++] = 'Q';
			break;
		case '\\':
			if (pat[i + 1])
				i++;
			out[o++] = pat[i];
			break;
		case '[':
			n = bracket_len(pat + i);
			if (!n) {
				out[o++] = '[';
				break;
			}
			c = bracket_member(pat + i, n);
			if (c < 0)
				return false;
			out[o++] = (char)c;
			i += n - 1;
			break;
		default:
			out[o++] = pat[i];
		}
	}
	out[o] = '\0';
	return true;
}

struct names {
	const char **v;
	size_t n, cap;
};

static void names_add(struct names *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = s;
}

static bool names_equal(const struct names *a, const struct names *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

static void names_print(const char *who, const struct names *l)
{
	printf("    %s:", who);
	for (size_t i = 0; i < l->n; i++)
		printf(" %s", l->v[i]);
	printf("\n");
}

struct wild_stats {
	size_t patterns, strings, unsure, module_names, compared, several, fallback, mismatches;
};

struct wild_ctx {
	struct kmod_ctx *k;
	struct mt_index *dep, *alias, *builtin, *builtin_alias;
	struct wild_stats st;
};

/* What libkmod returns after modules.alias gave nothing: the builtin stages. */
static void expect_builtin(struct wild_ctx *w, const char *s, struct names *out,
			   struct mt_index_value **vals)
{
	int n = mt_index_lookup_wild(w->builtin_alias, s, vals);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		names_add(out, (*vals)[i].value);
	if (n == 0 && mt_index_lookup(w->builtin, s, NULL) == 1)
		names_add(out, s);
}

static void compare_one(struct wild_ctx *w, const char *pattern, const char *s)
{
	struct names ours = { 0 }, theirs = { 0 };
	struct kmod_list *list = NULL, *l;
	struct kmod_module *mods[64];
	struct mt_index_value *vals, *bvals = NULL;
	size_t nmods = 0;
	int n;

	n = mt_index_lookup_wild(w->alias, s, &vals);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		names_add(&ours, vals[i].value);
	if (n == 0) {
		w->st.fallback++;
		expect_builtin(w, s, &ours, &bvals);
	}
	assert_true(kmod_module_new_from_lookup(w->k, s, &list) >= 0);
	kmod_list_foreach(l, list) {
		assert_true(nmods < sizeof(mods) / sizeof(mods[0]));
		mods[nmods] = kmod_module_get_module(l);
		names_add(&theirs, kmod_module_get_name(mods[nmods++]));
	}
	w->st.compared++;
	w->st.several += theirs.n > 1;
	if (!names_equal(&ours, &theirs)) {
		if (w->st.mismatches++ < 10) {
			printf("  mismatch for '%s' (pattern '%s')%s:\n", s, pattern,
			       n == 0 ? " [builtin stages]" : "");
			names_print("libkmod", &theirs);
			names_print("modtool", &ours);
		}
	}
	/* kmod_module_get_name() strings live in the modules: drop them last */
	for (size_t i = 0; i < nmods; i++)
		kmod_module_unref(mods[i]);
	kmod_module_unref_list(list);
	free(vals);
	free(bvals);
	free(ours.v);
	free(theirs.v);
}

/* libkmod turns '-' into '_' in what it looks up (brackets aside). */
static bool kmod_normalize(char *s)
{
	for (; *s; s++) {
		if (*s == '[' || *s == ']')
			return false;
		if (*s == '-')
			*s = '_';
	}
	return true;
}

static void check_pattern(struct wild_ctx *w, const char *pattern)
{
	static const char *const stars[] = { "", "Z9" };
	char s[1024];

	w->st.patterns++;
	for (size_t i = 0; i < sizeof(stars) / sizeof(stars[0]); i++) {
		if (!concretize(pattern, stars[i], s, sizeof(s)) || !kmod_normalize(s)) {
			w->st.unsure++;
			continue;
		}
		w->st.strings++;
		/* libkmod answers from other indexes first for these */
		if (strncmp(s, "symbol:", 7) == 0 || mt_index_lookup(w->dep, s, NULL) == 1) {
			w->st.module_names++;
			continue;
		}
		compare_one(w, pattern, s);
	}
}

static void test_wild(void **state)
{
	const char *dir = tree_dir(state);
	struct wild_ctx w = { 0 };
	char path[PATH_MAX], *line = NULL, *prev = NULL;
	size_t cap = 0;
	FILE *f;

	w.k = kmod_open(dir);
	w.dep = open_index(dir, "modules.dep.bin");
	w.alias = open_index(dir, "modules.alias.bin");
	w.builtin = open_index(dir, "modules.builtin.bin");
	w.builtin_alias = open_index(dir, "modules.builtin.alias.bin");
	snprintf(path, sizeof(path), "%s/modules.alias", dir);
	f = fopen(path, "re");
	assert_non_null(f);
	while (getline(&line, &cap, f) > 0) {
		char *pattern, *save;

		if (strncmp(line, "alias ", 6) != 0)
			continue;
		pattern = strtok_r(line + 6, " \n", &save);
		if (!pattern || (prev && mt_streq(prev, pattern)))
			continue;
		check_pattern(&w, pattern);
		free(prev);
		prev = strdup(pattern);
	}
	fclose(f);
	free(line);
	free(prev);
	printf("%s: %zu alias patterns, %zu strings made (%zu patterns left out), "
	       "%zu module names or symbols skipped, %zu compared (%zu with several modules, "
	       "%zu answered by the builtin stages), %zu mismatches\n",
	       dir, w.st.patterns, w.st.strings, w.st.unsure, w.st.module_names, w.st.compared,
	       w.st.several, w.st.fallback, w.st.mismatches);
	mt_index_close(w.dep);
	mt_index_close(w.alias);
	mt_index_close(w.builtin);
	mt_index_close(w.builtin_alias);
	kmod_unref(w.k);
	assert_true(w.st.compared > 1000);
	assert_int_equal(w.st.mismatches, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_dump, (void *)0),
		cmocka_unit_test_prestate(test_dump, (void *)1),
		cmocka_unit_test_prestate(test_wild, (void *)0),
		cmocka_unit_test_prestate(test_wild, (void *)1),
	};

	int failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	/* tell meson the tests were skipped, not passed */
	return !failed && trees_error ? 77 : failed;
}
