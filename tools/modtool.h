/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The modtool command's subcommands, one file each (modtool-NAME.c). */
#ifndef MODTOOL_MODTOOL_H
#define MODTOOL_MODTOOL_H

/* argv[0] is the subcommand's name; the exit status is returned. */
int modtool_verify_main(int argc, char *argv[]);
int modtool_status_main(int argc, char *argv[]);
int modtool_check_main(int argc, char *argv[]);
int modtool_monitor_main(int argc, char *argv[]);
/* Also the whole program when run under the name sign-file (DKMS's sign_file). */
int modtool_sign_main(int argc, char *argv[]);

#endif
