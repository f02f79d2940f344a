// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A check's result as data: per module its findings, and what they add up
 * to the way the kernel would meet them.  The kernel stops at the first
 * refusal of the earliest stage (within the symbol stage it goes on and
 * answers with the last symbol's error); the taint letters are set on the
 * kernel at MT_STAGE_TAINTS, so a module refused while resolving symbols
 * has tainted it already, and one refused before has not.
 */
#include <stdarg.h>
#include <stdio.h>

#include "base/internal.h"
#include "check/check.h"

/* The kernel's taint letters in bit order (kernel/panic.c taint_flags). */
static const char taint_order[] = "PFSRMBUDAWCIOELKXTNJ";

static const char *const verdict_names[] = { "loads", "taints", "refused", "unknown" };
static const char *const severity_names[] = { "note", "warning", "taint", "refuse", "unknown" };

MT_EXPORT const char *modtool_check_verdict_name(int verdict)
{
	if (verdict < 0 || (size_t)verdict >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return NULL;
	return verdict_names[verdict];
}

MT_EXPORT const char *modtool_check_severity_name(int severity)
{
	if (severity < 0 || (size_t)severity >= sizeof(severity_names) / sizeof(severity_names[0]))
		return NULL;
	return severity_names[severity];
}

struct mt_checked *mt_result_add(struct modtool_check_result *res, const char *name,
				 const char *path, bool target)
{
	struct mt_checked *m, *mods;

	mods = mt_grow(res->mods, &res->cap, res->n + 1, sizeof(*mods));
	if (!mods)
		return NULL;
	res->mods = mods;
	m = &mods[res->n];
	*m = (struct mt_checked){ .target = target, .removable = true };
	m->name = strdup(name);
	m->path = path ? strdup(path) : NULL;
	if (!m->name || (path && !m->path)) {
		free(m->name);
		free(m->path);
		return NULL;
	}
	res->n++;
	return m;
}

int mt_finding_add(struct mt_checked *m, const char *code, int severity, int stage, char letter,
		   int error, const char *symbol, const char *advice, const char *fmt, ...)
{
	struct mt_finding *f, *all;
	va_list args;
	int n;

	all = mt_grow(m->findings, &m->cap, m->n_findings + 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	m->findings = all;
	f = &all[m->n_findings];
	*f = (struct mt_finding){ .code = code, .severity = severity, .stage = stage,
				  .letter = letter, .error = error };
	va_start(args, fmt);
	n = vasprintf(&f->message, fmt, args);
	va_end(args);
	if (n < 0) {
		f->message = NULL;
		return -ENOMEM;
	}
	f->symbol = symbol ? strdup(symbol) : NULL;
	f->advice = advice ? strdup(advice) : NULL;
	if ((symbol && !f->symbol) || (advice && !f->advice)) {
		free(f->message);
		free(f->symbol);
		free(f->advice);
		return -ENOMEM;
	}
	m->n_findings++;
	return 0;
}

const struct mt_finding *mt_finding_find(const struct mt_checked *m, const char *code)
{
	for (size_t i = 0; i < m->n_findings; i++)
		if (mt_streq(m->findings[i].code, code))
			return &m->findings[i];
	return NULL;
}

/* The refusal the kernel meets first: earliest stage; the last one of the symbol stage. */
static const struct mt_finding *first_refusal(const struct mt_checked *m)
{
	const struct mt_finding *first = NULL;

	for (size_t i = 0; i < m->n_findings; i++) {
		const struct mt_finding *f = &m->findings[i];

		if (f->severity != MODTOOL_FINDING_REFUSE)
			continue;
		if (!first || f->stage < first->stage ||
		    (f->stage == first->stage && f->stage == MT_STAGE_SYMBOLS))
			first = f;
	}
	return first;
}

static void add_letter(char *taint, size_t size, char letter)
{
	char set[sizeof(taint_order)] = { 0 };
	size_t n = 0;

	if (!strchr(taint_order, letter) || strchr(taint, letter))
		return;
	for (const char *p = taint; *p; p++)
		set[strchr(taint_order, *p) - taint_order] = 1;
	set[strchr(taint_order, letter) - taint_order] = 1;
	for (size_t i = 0; i < sizeof(taint_order) - 1 && n + 1 < size; i++)
		if (set[i])
			taint[n++] = taint_order[i];
	taint[n] = '\0';
}

void mt_checked_conclude(struct mt_checked *m)
{
	const struct mt_finding *refusal = first_refusal(m);
	bool unknown = false;

	m->taint[0] = '\0';
	m->error = refusal ? refusal->error : 0;
	for (size_t i = 0; i < m->n_findings; i++) {
		struct mt_finding *f = &m->findings[i];

		if (f->severity == MODTOOL_FINDING_UNKNOWN)
			unknown = true;
		if (mt_streq(f->code, "no-exit"))
			m->removable = false;
		/* the symbol stage goes through every symbol: all of it is reached */
		f->reached = !refusal || f->stage <= refusal->stage;
		/* letters set at a stage the load does not reach are not set */
		if (f->letter && f->reached)
			add_letter(m->taint, sizeof(m->taint), f->letter);
	}
	if (refusal)
		m->verdict = MODTOOL_CHECK_REFUSED;
	else if (unknown)
		m->verdict = MODTOOL_CHECK_UNKNOWN;
	else if (m->taint[0])
		m->verdict = MODTOOL_CHECK_TAINTS;
	else
		m->verdict = MODTOOL_CHECK_LOADS;
}

void mt_result_clear(struct modtool_check_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		struct mt_checked *m = &res->mods[i];

		for (size_t j = 0; j < m->n_findings; j++) {
			free(m->findings[j].symbol);
			free(m->findings[j].message);
			free(m->findings[j].advice);
		}
		free(m->findings);
		free(m->name);
		free(m->path);
	}
	res->n = 0;
}

MT_EXPORT void modtool_check_result_free(struct modtool_check_result *res)
{
	if (!res)
		return;
	mt_result_clear(res);
	free(res->mods);
	free(res);
}

MT_EXPORT size_t modtool_check_result_count(const struct modtool_check_result *res)
{
	return res ? res->n : 0;
}

static const struct mt_checked *entry(const struct modtool_check_result *res, size_t i)
{
	return res && i < res->n ? &res->mods[i] : NULL;
}

MT_EXPORT const char *modtool_check_result_get_name(const struct modtool_check_result *res,
						    size_t i)
{
	const struct mt_checked *m = entry(res, i);

	return m ? m->name : NULL;
}

MT_EXPORT const char *modtool_check_result_get_path(const struct modtool_check_result *res,
						    size_t i)
{
	const struct mt_checked *m = entry(res, i);

	return m ? m->path : NULL;
}

MT_EXPORT bool modtool_check_result_is_target(const struct modtool_check_result *res, size_t i)
{
	const struct mt_checked *m = entry(res, i);

	return m && m->target;
}

MT_EXPORT int modtool_check_result_get_verdict(const struct modtool_check_result *res, size_t i)
{
	const struct mt_checked *m = entry(res, i);

	return m ? m->verdict : -EINVAL;
}

MT_EXPORT int modtool_check_result_get_error(const struct modtool_check_result *res, size_t i)
{
	const struct mt_checked *m = entry(res, i);

	return m ? m->error : -EINVAL;
}

MT_EXPORT const char *modtool_check_result_get_taint(const struct modtool_check_result *res,
						     size_t i)
{
	const struct mt_checked *m = entry(res, i);

	return m ? m->taint : NULL;
}

MT_EXPORT bool modtool_check_result_is_removable(const struct modtool_check_result *res, size_t i)
{
	const struct mt_checked *m = entry(res, i);

	return m && m->removable;
}

MT_EXPORT size_t modtool_check_result_finding_count(const struct modtool_check_result *res,
						    size_t i)
{
	const struct mt_checked *m = entry(res, i);

	return m ? m->n_findings : 0;
}

MT_EXPORT bool modtool_check_result_finding_reached(const struct modtool_check_result *res,
						    size_t i, size_t j)
{
	const struct mt_checked *m = entry(res, i);

	return m && j < m->n_findings && m->findings[j].reached;
}

MT_EXPORT int modtool_check_result_get_finding(const struct modtool_check_result *res, size_t i,
					       size_t j, const char **code, int *severity,
					       char *letter, int *error, const char **symbol,
					       const char **message, const char **advice)
{
	const struct mt_checked *m = entry(res, i);
	const struct mt_finding *f;

	if (!m || j >= m->n_findings)
		return -EINVAL;
	f = &m->findings[j];
	if (code)
		*code = f->code;
	if (severity)
		*severity = f->severity;
	if (letter)
		*letter = f->letter;
	if (error)
		*error = f->error;
	if (symbol)
		*symbol = f->symbol;
	if (message)
		*message = f->message;
	if (advice)
		*advice = f->advice;
	return 0;
}
