# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for lsmod (modtool): a few options, no arguments.

complete -c lsmod -f
complete -c lsmod -l json -d 'Print the list as JSON'
complete -c lsmod -s s -l syslog -d 'Accepted, changes nothing'
complete -c lsmod -s v -l verbose -d 'Accepted, changes nothing'
complete -c lsmod -s V -l version -d 'Print the version'
complete -c lsmod -s h -l help -d 'Print help'
