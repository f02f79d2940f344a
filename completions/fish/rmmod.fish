# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for rmmod (modtool)
#
# The __modtool_* functions used below are autoloaded by fish from
# vendor_functions.d, where modtool installs one file per function.

complete -c rmmod -f
complete -c rmmod -s f -l force -d 'Unload even a module in use (dangerous)'
complete -c rmmod -s s -l syslog -d 'Log to syslog'
complete -c rmmod -s v -l verbose -d 'Print what is done'
complete -c rmmod -s V -l version -d 'Print the version'
complete -c rmmod -s h -l help -d 'Print help'
complete -c rmmod -a '(__modtool_loaded_modules)'
