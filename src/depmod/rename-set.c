// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The renames that publish depmod's indexes are the one step a kill must
 * not cut: killed between two of them, depmod would leave some files of the
 * new set beside some of the old, and modprobe would read that mixed set
 * until the next run.  No system call renames several files at once, so the
 * renames run in a child process that blocks every signal it can and leaves
 * our session: a SIGKILL for depmod itself (kill -9, the OOM killer, a
 * timeout, a terminal's ^C to the process group) then ends depmod but not
 * the renames.  Only a kill of the whole cgroup or a power loss can still
 * cut them, and the next run publishes a whole set again.
 *
 * Where no child can be made (EAGAIN, ENOMEM) the renames run here, as
 * they always did.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "depmod/rename-set.h"

/* what the child reports back, in memory it shares with us */
struct rename_result {
	size_t failed;
	int err;
};

static int rename_here(int dfd, const char *const *from, const char *const *to, size_t n,
		       struct rename_result *res)
{
	for (size_t i = 0; i < n; i++) {
		if (renameat(dfd, from[i], dfd, to[i]) < 0) {
			res->failed = i;
			res->err = errno;
			return -1;
		}
	}
	if (fsync(dfd) < 0 && errno != EINVAL) {	/* EINVAL: a file system without it */
		res->failed = n;
		res->err = errno;
		return -1;
	}
	return 0;
}

/* Only system calls from here on: the child of a threaded process. */
static _Noreturn void rename_in_child(int dfd, const char *const *from, const char *const *to,
				      size_t n, struct rename_result *res)
{
	setsid();
	_exit(rename_here(dfd, from, to, n, res) < 0 ? 1 : 0);
}

static int wait_child(pid_t pid, struct rename_result *res, size_t n)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			res->failed = n;
			res->err = errno;
			return -res->err;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 0 ? 0 : -res->err;
	/* killed with its whole cgroup: what it did is unknown, say it failed */
	res->failed = 0;
	res->err = EINTR;
	return -EINTR;
}

int mt_rename_set(int dfd, const char *const *from, const char *const *to, size_t n,
		  size_t *failed)
{
	struct rename_result *res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct rename_result local = { 0, 0 };
	sigset_t all, old;
	pid_t pid = -1;
	int err;

	if (res == MAP_FAILED)
		res = &local;
	*res = (struct rename_result){ 0, 0 };
	/* blocked before the fork, so the child is never without the mask */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (res != &local)
		pid = fork();
	if (pid == 0)
		rename_in_child(dfd, from, to, n, res);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid > 0)
		err = wait_child(pid, res, n);
	else
		err = rename_here(dfd, from, to, n, res) < 0 ? -res->err : 0;
	*failed = res->failed;
	if (res != &local)
		munmap(res, sizeof(*res));
	return err;
}
