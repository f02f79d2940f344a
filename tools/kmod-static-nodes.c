// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmod static-nodes: the device nodes modules.devname lists (modules loaded
 * when their node is first opened), as text for people, as systemd-tmpfiles
 * lines (what kmod-static-nodes.service writes to /run/tmpfiles.d), or as
 * modules.devname itself.  Output byte for byte as kmod's; the file written
 * with -o is replaced atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmod.h"
#include "tool.h"

enum format { HUMAN, TMPFILES, DEVNAME };

static void usage(void)
{
	printf("Usage:\n"
	       "\tkmod static-nodes [options]\n\n"
	       "kmod static-nodes outputs the static-node information of the currently running kernel.\n\n"
	       "Options:\n"
	       "\t-f, --format=FORMAT  choose format to use: see \"Formats\"\n"
	       "\t-o, --output=FILE    write output to file\n"
	       "\t-h, --help           show this help\n\n"
	       "Formats:\n"
	       "\thuman        (default) a human readable format. Do not parse.\n"
	       "\ttmpfiles     the tmpfiles.d(5) format used by systemd-tmpfiles.\n"
	       "\tdevname      the modules.devname format.\n");
}

static void print_node(FILE *out, enum format f, const char *module, const char *devname,
		       char type, unsigned int major, unsigned int minor)
{
	const char *slash = strrchr(devname, '/');

	switch (f) {
	case HUMAN:
		fprintf(out, "Module: %s\n\tDevice node: /dev/%s\n\t\tType: %s device\n"
			"\t\tMajor: %u\n\t\tMinor: %u\n", module, devname,
			type == 'c' ? "character" : "block", major, minor);
		break;
	case TMPFILES:
		/* a node in a subdirectory needs the directory first */
		if (slash)
			fprintf(out, "d /dev/%.*s 0755 - - -\n", (int)(slash - devname), devname);
		fprintf(out, "%c! /dev/%s 0600 - - - %u:%u\n", type, devname, major, minor);
		break;
	case DEVNAME:
		fprintf(out, "%s %s %c%u:%u\n", module, devname, type, major, minor);
		break;
	}
}

/* Every entry of @in to @out; false when one could not be read (said, and skipped). */
static bool convert(FILE *in, FILE *out, enum format f)
{
	char *line = NULL, module[PATH_MAX], devname[PATH_MAX];
	size_t cap = 0;
	ssize_t len;
	bool ok = true;

	while ((len = getline(&line, &cap, in)) >= 0) {
		unsigned int major, minor;
		char type;

		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%4095s %4095s %c%u:%u", module, devname, &type, &major, &minor) != 5 ||
		    (type != 'c' && type != 'b')) {
			fprintf(stderr, "Error: invalid devname entry: %s\n", line);
			ok = false;
			continue;
		}
		print_node(out, f, module, devname, type, major, minor);
	}
	free(line);
	return ok;
}

/* mkdir -p of @path's parent directories. */
static int make_parents(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* Write to a temporary beside @path, renamed over it once complete. */
static FILE *open_output(const char *path, char *tmp, size_t size)
{
	int fd, err = make_parents(path);

	if (err < 0) {
		fprintf(stderr, "Error: could not create parent directory for %s - %s.\n", path,
			strerror(-err));
		return NULL;
	}
	snprintf(tmp, size, "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0644) < 0) {
		fprintf(stderr, "Error: could not create %s - %m\n", path);
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return NULL;
	}
	return fdopen(fd, "w");
}

static int finish_output(FILE *out, const char *tmp, const char *path)
{
	if (ferror(out) | (fflush(out) != 0) | (fsync(fileno(out)) != 0) | (fclose(out) != 0) ||
	    rename(tmp, path) < 0) {
		fprintf(stderr, "Error: could not write %s - %m\n", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int kmod_static_nodes_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *dir;
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	struct modtool_ctx *ctx;
	enum format f = HUMAN;
	FILE *in, *out = stdout;
	bool ok;
	int c;

	while ((c = getopt_long(argc, argv, "o:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'f':
			if (!strcmp(optarg, "human")) {
				f = HUMAN;
			} else if (!strcmp(optarg, "tmpfiles")) {
				f = TMPFILES;
			} else if (!strcmp(optarg, "devname")) {
				f = DEVNAME;
			} else {
				fprintf(stderr, "Unknown format: '%s'.\n", optarg);
				usage();
				return 1;
			}
			break;
		case 'h': usage(); return 0;
		default: usage(); return 1;
		}
	}
	if (modtool_ctx_new(NULL, &ctx) < 0) {
		fprintf(stderr, "Error: cannot create context\n");
		return 1;
	}
	dir = modtool_ctx_get_module_dir(ctx);
	snprintf(path, sizeof(path), "%s/modules.devname", dir);
	modtool_ctx_free(ctx);
	in = fopen(path, "re");
	if (!in) {
		/* no modules with static nodes: nothing to do, as kmod says */
		if (errno == ENOENT) {
			fprintf(stderr, "Warning: %s not found - ignoring\n", path);
			return 0;
		}
		fprintf(stderr, "Error: could not open %s - %m\n", path);
		return 1;
	}
	if (output && !(out = open_output(output, tmp, sizeof(tmp)))) {
		fclose(in);
		return 1;
	}
	ok = convert(in, out, f);
	fclose(in);
	if (output && finish_output(out, tmp, output) < 0)
		return 1;
	return ok ? 0 : 1;
}
