// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay mode of the fuzz targets, built with any compiler as a normal
 * program: every file named (or found directly inside a directory named) is
 * read and handed to LLVMFuzzerTestOneInput() once.  A crash, an abort or a
 * sanitizer report fails the run; otherwise it prints how many inputs ran.
 *
 * Usage: fuzz-TARGET-replay FILE|DIR...
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs are small (libFuzzer's own limit is far below this). */
#define REPLAY_MAX_SIZE (64u << 20)

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(REPLAY_MAX_SIZE);
	if (!buf) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX_SIZE, f);
	fclose(f);
	/* an exact-size copy, so that reading past the input is caught */
	uint8_t *copy = malloc(n ? n : 1);

	if (!copy) {
		free(buf);
		return -1;
	}
	memcpy(copy, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files directly inside @dir, in name order. */
static int replay_dir(const char *dir, size_t *count)
{
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int err = 0;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*p));

			if (!p) {
				err = -1;
				break;
			}
			names = p;
		}
		if (asprintf(&names[n], "%s/%s", dir, e->d_name) < 0) {
			err = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (!err && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			err = replay_file(names[i]);
			(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char *argv[])
{
	size_t count = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int err;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			err = replay_dir(argv[i], &count);
		} else {
			err = replay_file(argv[i]);
			count++;
		}
		if (err)
			return 1;
	}
	printf("%zu inputs replayed\n", count);
	return 0;
}
