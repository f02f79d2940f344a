// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * From symbols to dependencies: who exports what (a growing open-addressing
 * table, never a fixed size), what each module needs, the order kmod writes
 * dependencies in (its topological sort, reproduced step for step because
 * the order is visible in modules.dep), and dependency cycles.
 */
#include <stdio.h>

#include "base/internal.h"
#include "depmod/depmod.h"
#include "module/module-symbols.h"

/* ---- the symbol table ----------------------------------------------------- */

static int symtab_grow(struct mt_symtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 16384;
	struct mt_dm_symbol *s = calloc(cap, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->slots[i].name)
			continue;
		for (j = t->slots[i].hash & (cap - 1); s[j].name; j = (j + 1) & (cap - 1))
			;
		s[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = s;
	t->cap = cap;
	return 0;
}

static struct mt_dm_symbol *symtab_find(const struct mt_symtab *t, const char *name,
					 uint32_t hash)
{
	if (!t->cap)
		return NULL;
	for (size_t j = hash & (t->cap - 1); t->slots[j].name; j = (j + 1) & (t->cap - 1))
		if (t->slots[j].hash == hash && mt_streq(t->slots[j].name, name))
			return &t->slots[j];
	return NULL;
}

/* Add or replace (the last one added wins, as in kmod's table). */
static int symtab_add(struct mt_depmod_run *run, const char *name, uint64_t crc, int32_t owner)
{
	struct mt_symtab *t = &run->syms;
	struct mt_dm_symbol *s;
	uint32_t hash;
	size_t j;

	if (run->sym_prefix && name[0] == run->sym_prefix)
		name++;
	hash = mt_symbol_hash(name, strlen(name));
	s = symtab_find(t, name, hash);
	if (s) {
		s->owner = owner;
		s->crc = crc;
		return 0;
	}
	if ((t->count + 1) * 4 > t->cap * 3 && symtab_grow(t) < 0)
		return -ENOMEM;
	for (j = hash & (t->cap - 1); t->slots[j].name; j = (j + 1) & (t->cap - 1))
		;
	t->slots[j] = (struct mt_dm_symbol){ name, hash, owner, crc };
	t->count++;
	return 0;
}

void mt_symtab_free(struct mt_symtab *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

struct kmod_slot {
	const struct mt_dm_symbol *sym;
	uint32_t bucket;
};

static int kmod_bucket_cmp(const void *a, const void *b)
{
	const struct kmod_slot *x = a, *y = b;

	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	return strcmp(x->sym->name, y->sym->name);
}

/* kmod walks its 2048-bucket table: by bucket, names sorted in a bucket. */
int mt_symtab_kmod_order(const struct mt_symtab *t, const struct mt_dm_symbol ***out, size_t *n)
{
	const struct mt_dm_symbol **v = malloc((t->count ? t->count : 1) * sizeof(*v));
	struct kmod_slot *s = malloc((t->count ? t->count : 1) * sizeof(*s));
	size_t k = 0;

	if (!v || !s) {
		free(v);
		free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		const struct mt_dm_symbol *sym = &t->slots[i];

		if (sym->name && sym->owner >= 0)
			s[k++] = (struct kmod_slot){
				sym, mt_superfast_hash(sym->name, strlen(sym->name)) & 2047 };
	}
	qsort(s, k, sizeof(*s), kmod_bucket_cmp);
	for (size_t i = 0; i < k; i++)
		v[i] = s[i].sym;
	free(s);
	*out = v;
	*n = k;
	return 0;
}

/* ---- the kernel's own symbols (-E Module.symvers, -F System.map) ---------- */

static int slurp(struct mt_depmod_run *run, const char *path)
{
	struct mt_buf b = { 0 };
	char chunk[65536];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mt_buf_put(&b, chunk, n);
	fclose(f);
	if (b.err) {
		mt_buf_free(&b);
		return -ENOMEM;
	}
	mt_buf_putc(&b, 0);	/* a buffer always exists, even for an empty file */
	free(run->kernel_syms);
	run->kernel_syms = b.p;
	return 0;
}

/* Symbols the kernel's loader provides itself. */
static int add_fake_symbols(struct mt_depmod_run *run)
{
	int err = symtab_add(run, "__this_module", 0, -1);

	return err ? err : symtab_add(run, "_GLOBAL_OFFSET_TABLE_", 0, -1);
}

/* "0xCRC<ws>symbol<ws>vmlinux<ws>..." lines; other owners are modules. */
int mt_depmod_load_symvers(struct mt_depmod_run *run, const char *path)
{
	unsigned int lineno = 0;
	char *line, *next;
	int err = slurp(run, path);

	for (line = run->kernel_syms; !err && line && *line; line = next) {
		char *save, *ver, *sym, *where, *end;
		uint64_t crc;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		ver = strtok_r(line, " \t", &save);
		sym = strtok_r(NULL, " \t", &save);
		where = strtok_r(NULL, " \t", &save);
		if (!ver || !sym || !where || !mt_streq(where, "vmlinux"))
			continue;
		crc = strtoull(ver, &end, 16);
		if (*end) {
			mt_err(run->ctx, "%s:%u Invalid symbol version %s\n", path, lineno, ver);
			continue;
		}
		err = symtab_add(run, sym, crc, -1);
	}
	return err ? err : add_fake_symbols(run);
}

/* "ADDR TYPE __ksymtab_NAME" lines of System.map. */
int mt_depmod_load_system_map(struct mt_depmod_run *run, const char *path)
{
	static const char ksym[] = "__ksymtab_";
	unsigned int lineno = 0;
	char *line, *next;
	int err = slurp(run, path);

	for (line = run->kernel_syms; !err && line && *line; line = next) {
		char *p;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		p = strchr(line, ' ');
		p = p ? strchr(p + 1, ' ') : NULL;
		if (!p) {
			mt_err(run->ctx, "%s:%u: invalid line: %s\n", path, lineno, line);
			continue;
		}
		if (strncmp(p + 1, ksym, sizeof(ksym) - 1) == 0)
			err = symtab_add(run, p + 1 + sizeof(ksym) - 1, 0, -1);
	}
	return err ? err : add_fake_symbols(run);
}

/* ---- dependencies --------------------------------------------------------- */

static int load_exports(struct mt_depmod_run *run)
{
	for (size_t i = 0; i < run->n_mods; i++) {
		struct mt_record_iter it;
		uint32_t n = mt_record_section(&run->mods[i]->rec, 1, &it);

		for (uint32_t k = 0; k < n; k++) {
			uint64_t crc;
			const char *name = mt_record_next_symbol(&it, &crc, NULL);
			int err = symtab_add(run, name, crc, (int32_t)i);

			if (err)
				return err;
		}
	}
	return 0;
}

/* A new dependency is shown at LOG_NOTICE with the symbol that made it (-v). */
static int add_dep(struct mt_depmod_run *run, struct mt_dm_module *m, uint32_t owner,
		   const char *symbol)
{
	struct mt_dm_module *o = run->mods[owner];
	uint32_t *d;

	if (o->stamp == run->stamp)
		return 0;	/* already a dependency of @m */
	mt_log(run->ctx, LOG_NOTICE, "%s needs \"%s\": %s\n", m->path, symbol, o->path);
	o->stamp = run->stamp;
	d = mt_grow(m->deps, &m->deps_cap, m->n_deps + 1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	m->deps = d;
	m->deps[m->n_deps++] = owner;
	o->users++;
	return 0;
}

static int load_deps(struct mt_depmod_run *run, struct mt_dm_module *m)
{
	struct mt_record_iter it;
	uint32_t n = mt_record_section(&m->rec, 2, &it);

	run->stamp++;
	for (uint32_t k = 0; k < n; k++) {
		uint64_t crc;
		bool weak;
		const char *name = mt_record_next_symbol(&it, &crc, &weak);
		const char *key = name;
		struct mt_dm_symbol *s;
		int err;

		if (key[0] == '.')
			key++;
		if (run->sym_prefix && key[0] == run->sym_prefix)
			key++;
		s = symtab_find(&run->syms, key, mt_symbol_hash(key, strlen(key)));
		if (!s) {
			if (run->print_unknown && !weak)
				mt_warn(run->ctx, "%s needs unknown symbol %s\n", m->path, name);
			continue;
		}
		if (run->check_symvers && s->crc != crc && !weak && run->print_unknown)
			mt_warn(run->ctx, "%s disagrees about version of symbol %s\n", m->path, name);
		if (s->owner < 0)
			continue;
		err = add_dep(run, m, (uint32_t)s->owner, s->name);
		if (err)
			return err;
	}
	return 0;
}

/* ---- order and cycles ------------------------------------------------------ */

/*
 * kmod's topological sort: modules nobody uses are roots, taken from the
 * top of a stack; each taken module lowers its dependencies' user counts,
 * pushing those that reach zero.  dep_sort_idx is the order taken.
 */
static size_t topo_sort(struct mt_depmod_run *run, uint32_t *users, uint32_t *stack)
{
	size_t n_stack = 0, n_sorted = 0;

	for (size_t i = 0; i < run->n_mods; i++) {
		users[i] = run->mods[i]->users;
		if (!users[i])
			stack[n_stack++] = (uint32_t)i;
	}
	while (n_stack) {
		struct mt_dm_module *m = run->mods[stack[--n_stack]];

		m->dep_sort_idx = (uint32_t)n_sorted++;
		for (uint32_t k = 0; k < m->n_deps; k++)
			if (--users[m->deps[k]] == 0)
				stack[n_stack++] = m->deps[k];
	}
	return n_sorted;
}

/* Tarjan's strongly connected components, iteratively, over unsorted modules. */
struct scc {
	uint32_t *index, *low, *stack, *call, *edge;
	bool *on;
	uint32_t next, sp;
};

static void report_cycle(struct mt_depmod_run *run, const uint32_t *members, size_t n,
			 const uint32_t *comp, uint32_t id)
{
	struct mt_buf b = { 0 };
	uint32_t start = members[0], cur = start;
	size_t steps = 0;

	/* follow edges inside the component until we are back at the start */
	mt_buf_puts(&b, run->mods[start]->name);
	run->stamp++;
	do {
		const struct mt_dm_module *m = run->mods[cur];
		uint32_t nextm = UINT32_MAX;

		for (uint32_t k = 0; k < m->n_deps; k++) {
			uint32_t d = m->deps[k];

			if (comp[d] != id)
				continue;
			if (d == start) {
				nextm = d;
				break;
			}
			if (run->mods[d]->stamp != run->stamp && nextm == UINT32_MAX)
				nextm = d;
		}
		if (nextm == UINT32_MAX)
			break;
		run->mods[nextm]->stamp = run->stamp;
		mt_buf_printf(&b, " -> %s", run->mods[nextm]->name);
		cur = nextm;
	} while (cur != start && ++steps <= n);
	if (!b.err)
		mt_err(run->ctx, "Cycle detected: %s\n", b.p);
	mt_buf_free(&b);
}

static unsigned int find_cycles(struct mt_depmod_run *run, const uint32_t *users)
{
	size_t n = run->n_mods;
	uint32_t *mem = calloc(n ? 6 * n : 1, sizeof(uint32_t));
	bool *on = calloc(n ? n : 1, sizeof(bool));
	uint32_t *index, *low, *stack, *call, *edge, *comp, next = 1, sp = 0, ids = 0;
	unsigned int total = 0;

	if (!mem || !on) {
		free(mem);
		free(on);
		mt_err(run->ctx, "No memory to report cycles\n");
		return 1;
	}
	index = mem, low = mem + n, stack = mem + 2 * n, call = mem + 3 * n;
	edge = mem + 4 * n, comp = mem + 5 * n;
	for (size_t i = 0; i < n; i++)
		comp[i] = UINT32_MAX;
	for (size_t root = 0; root < n; root++) {
		size_t depth = 0;

		if (!users[root] || index[root])
			continue;
		call[depth++] = (uint32_t)root;
		index[root] = low[root] = next++;
		stack[sp++] = (uint32_t)root;
		on[root] = true;
		edge[root] = 0;
		while (depth) {
			uint32_t v = call[depth - 1];
			const struct mt_dm_module *m = run->mods[v];

			if (edge[v] < m->n_deps) {
				uint32_t w = m->deps[edge[v]++];

				if (!users[w])
					continue;
				if (!index[w]) {
					index[w] = low[w] = next++;
					stack[sp++] = w;
					on[w] = true;
					edge[w] = 0;
					call[depth++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			depth--;
			if (depth && low[v] < low[call[depth - 1]])
				low[call[depth - 1]] = low[v];
			if (low[v] != index[v])
				continue;
			/* v roots a component: pop it */
			{
				size_t start = sp, size;
				bool self = false;

				do {
					start--;
					on[stack[start]] = false;
					comp[stack[start]] = ids;
				} while (stack[start] != v);
				size = sp - start;
				for (uint32_t k = 0; k < m->n_deps; k++)
					self |= m->deps[k] == v;
				if (size > 1 || self) {
					uint32_t first = stack[start];

					for (size_t k = start; k < sp; k++)
						if (stack[k] < first)
							first = stack[k];
					report_cycle(run, &first, size, comp, ids);
					total += (unsigned int)size;
				}
				sp = start;
				ids++;
			}
		}
	}
	free(mem);
	free(on);
	return total;
}

static int dep_idx_cmp(const void *a, const void *b, void *data)
{
	const struct mt_depmod_run *run = data;
	uint32_t x = run->mods[*(const uint32_t *)a]->dep_sort_idx;
	uint32_t y = run->mods[*(const uint32_t *)b]->dep_sort_idx;

	return (x > y) - (x < y);
}

int mt_depmod_resolve(struct mt_depmod_run *run)
{
	uint32_t *users, *stack;
	size_t sorted;
	int err = load_exports(run);

	for (size_t i = 0; !err && i < run->n_mods; i++)
		err = load_deps(run, run->mods[i]);
	if (err)
		return err;
	users = malloc((run->n_mods ? run->n_mods : 1) * 2 * sizeof(*users));
	if (!users)
		return -ENOMEM;
	stack = users + run->n_mods;
	sorted = topo_sort(run, users, stack);
	if (sorted < run->n_mods) {
		run->n_cycle_mods = find_cycles(run, users);
		mt_err(run->ctx, "Found %u modules in dependency cycles!\n", run->n_cycle_mods);
		free(users);
		return -ELOOP;
	}
	free(users);
	return 0;
}

int mt_depmod_all_deps(struct mt_depmod_run *run, const struct mt_dm_module *m,
		       uint32_t **out, size_t *n)
{
	uint32_t *v = NULL, *todo = NULL, *p;
	size_t nv = 0, cap = 0, nt = 0, tcap = 0;

	*out = NULL;
	*n = 0;
	if (!m->n_deps)
		return 0;
	run->stamp++;
	todo = mt_grow(NULL, &tcap, m->n_deps, sizeof(*todo));
	if (!todo)
		return -ENOMEM;
	for (uint32_t k = m->n_deps; k-- > 0;)
		todo[nt++] = m->deps[k];
	while (nt) {
		struct mt_dm_module *d = run->mods[todo[--nt]];

		if (d->stamp == run->stamp)
			continue;
		d->stamp = run->stamp;
		p = mt_grow(v, &cap, nv + 1, sizeof(*v));
		if (!p)
			goto oom;
		v = p;
		p = mt_grow(todo, &tcap, nt + d->n_deps, sizeof(*todo));
		if (!p)
			goto oom;
		todo = p;
		v[nv++] = d->idx;
		for (uint32_t k = d->n_deps; k-- > 0;)
			todo[nt++] = d->deps[k];
	}
	free(todo);
	qsort_r(v, nv, sizeof(*v), dep_idx_cmp, run);
	*out = v;
	*n = nv;
	return 0;
oom:
	free(v);
	free(todo);
	return -ENOMEM;
}
