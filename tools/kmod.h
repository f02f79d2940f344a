/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kmod multi-call binary's parts: each tool's main() under its own name. */
#ifndef MODTOOL_KMOD_H
#define MODTOOL_KMOD_H

int lsmod_main(int argc, char *argv[]);
int rmmod_main(int argc, char *argv[]);
int insmod_main(int argc, char *argv[]);
int modinfo_main(int argc, char *argv[]);
int modprobe_main(int argc, char *argv[]);
int depmod_main(int argc, char *argv[]);
/* kmod list: lsmod's table. */
int kmod_list_main(int argc, char *argv[]);
/* kmod static-nodes [-f human|tmpfiles|devname] [-o FILE]. */
int kmod_static_nodes_main(int argc, char *argv[]);

#endif
