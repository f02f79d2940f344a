# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for lsmod (modtool): it takes no options and no arguments.

complete -c lsmod -f
