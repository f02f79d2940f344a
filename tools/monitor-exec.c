// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modtool monitor --exec: the event's fields go to the command in its
 * environment (MODTOOL_ACTION, MODTOOL_MODULE, ...), the command line is
 * split here and run with execvp(), no shell in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor-exec.h"
#include "tool.h"

#define ENV_MAX 20

struct pending {
	char *env[ENV_MAX + 1];	/* "KEY=VALUE", NULL-terminated */
};

struct monitor_exec {
	char **argv;
	size_t argc;
	int output_fd;
	pid_t running;		/* 0: none */
	struct pending queue[MONITOR_EXEC_QUEUE];
	size_t head, count;
	unsigned long skipped;
};

static int push_word(struct monitor_exec *x, char *word)
{
	char **argv = realloc(x->argv, (x->argc + 2) * sizeof(*argv));

	if (!argv)
		return -ENOMEM;
	x->argv = argv;
	argv[x->argc++] = word;
	argv[x->argc] = NULL;
	return 0;
}

/* The words of @s, copied into @out (as long as @s), each pushed. */
static int split(struct monitor_exec *x, const char *s, char *out)
{
	char quote = 0, *word = NULL;

	for (; *s; s++) {
		if (!quote && (*s == ' ' || *s == '\t' || *s == '\n')) {
			if (word && push_word(x, word) < 0)
				return -ENOMEM;
			if (word)
				*out++ = '\0';
			word = NULL;
			continue;
		}
		if (!word)
			word = out;
		if ((*s == '\'' || *s == '"') && (!quote || quote == *s)) {
			quote = quote ? 0 : *s;
			continue;
		}
		if (*s == '\\' && quote != '\'' && s[1])
			s++;
		*out++ = *s;
	}
	if (quote)
		return -EINVAL;
	*out = '\0';
	return word ? push_word(x, word) : 0;
}

struct monitor_exec *monitor_exec_new(const char *command, int output_fd)
{
	struct monitor_exec *x = calloc(1, sizeof(*x));
	char *words = malloc(strlen(command) + 1);
	int err = x && words ? split(x, command, words) : -ENOMEM;

	if (err == 0 && x->argc == 0)
		err = -EINVAL;
	if (err < 0) {
		tool_error("--exec '%s': %s\n", command,
			   err == -EINVAL ? "an empty command or an unclosed quote" : strerror(-err));
		if (x)
			free(x->argv);
		free(x);
		free(words);
		return NULL;
	}
	x->output_fd = output_fd;
	return x;
}

static void pending_clear(struct pending *p)
{
	for (size_t i = 0; p->env[i]; i++)
		free(p->env[i]);
	memset(p, 0, sizeof(*p));
}

void monitor_exec_free(struct monitor_exec *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->count; i++)
		pending_clear(&x->queue[(x->head + i) % MONITOR_EXEC_QUEUE]);
	if (x->argc)
		free(x->argv[0]);	/* the words' one buffer */
	free(x->argv);
	free(x);
}

static void add_env(struct pending *p, size_t *n, const char *key, const char *value)
{
	if (!value || *n >= ENV_MAX || asprintf(&p->env[*n], "%s=%s", key, value) < 0)
		return;
	(*n)++;
}

static void fill_env(struct pending *p, const struct modtool_monitor_event *ev)
{
	unsigned int flags = modtool_monitor_event_get_flags(ev);
	char number[32];
	size_t n = 0;

	add_env(p, &n, "MODTOOL_ACTION", modtool_monitor_event_get_action_name(ev));
	add_env(p, &n, "MODTOOL_MODULE", modtool_monitor_event_get_module(ev));
	snprintf(number, sizeof(number), "%" PRIu64, modtool_monitor_event_get_seqnum(ev));
	add_env(p, &n, "MODTOOL_SEQNUM", number);
	snprintf(number, sizeof(number), "%" PRId64, modtool_monitor_event_get_time_usec(ev));
	add_env(p, &n, "MODTOOL_TIME_USEC", number);
	add_env(p, &n, "MODTOOL_SYNTHESISED", flags & MODTOOL_MONITOR_EVENT_SYNTHESISED ? "1" : "0");
	add_env(p, &n, "MODTOOL_WRITTEN_BY_HAND", flags & MODTOOL_MONITOR_EVENT_WRITTEN ? "1" : "0");
	add_env(p, &n, "MODTOOL_INITSTATE", modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_INITSTATE));
	add_env(p, &n, "MODTOOL_TAINT", modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_TAINT));
	add_env(p, &n, "MODTOOL_VERSION", modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_VERSION));
	add_env(p, &n, "MODTOOL_SRCVERSION",
		modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_SRCVERSION));
	if (modtool_monitor_event_get_refcount(ev) >= 0) {
		snprintf(number, sizeof(number), "%ld", modtool_monitor_event_get_refcount(ev));
		add_env(p, &n, "MODTOOL_REFCOUNT", number);
	}
	add_env(p, &n, "MODTOOL_PATH", modtool_monitor_event_get_path(ev));
	add_env(p, &n, "MODTOOL_SHA256", modtool_monitor_event_get_sha256(ev));
	add_env(p, &n, "MODTOOL_SIGNER", modtool_monitor_event_get_signer(ev));
}

/* In the child: the event's environment, signals as they were, stdin from /dev/null. */
static void child(struct monitor_exec *x, struct pending *p)
{
	sigset_t none;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	if (x->output_fd != STDOUT_FILENO)
		dup2(x->output_fd, STDOUT_FILENO);
	for (size_t i = 0; p->env[i]; i++)
		putenv(p->env[i]);
	execvp(x->argv[0], x->argv);
	fprintf(stderr, "modtool monitor: --exec %s: %s\n", x->argv[0], strerror(errno));
	_exit(127);
}

static void start_next(struct monitor_exec *x)
{
	struct pending *p;
	pid_t pid;

	while (!x->running && x->count) {
		p = &x->queue[x->head];
		x->head = (x->head + 1) % MONITOR_EXEC_QUEUE;
		x->count--;
		pid = fork();
		if (pid == 0)
			child(x, p);
		if (pid < 0)
			tool_warning("--exec: cannot start %s: %s\n", x->argv[0], strerror(errno));
		else
			x->running = pid;
		pending_clear(p);
	}
}

void monitor_exec_event(struct monitor_exec *x, const struct modtool_monitor_event *ev)
{
	struct pending *p;

	if (x->count == MONITOR_EXEC_QUEUE) {
		if (x->skipped++ == 0 || x->skipped % 100 == 0)
			tool_warning("--exec: %zu commands waiting for %s: skipped for this event (%lu so far)\n",
				     x->count, x->argv[0], x->skipped);
		return;
	}
	p = &x->queue[(x->head + x->count) % MONITOR_EXEC_QUEUE];
	fill_env(p, ev);
	x->count++;
	start_next(x);
}

void monitor_exec_reap(struct monitor_exec *x)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == x->running)
			x->running = 0;
	start_next(x);
}

size_t monitor_exec_waiting(const struct monitor_exec *x)
{
	return x->count;
}
