# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for insmod (modtool)
#
# The __modtool_* functions used below are autoloaded by fish from
# vendor_functions.d, where modtool installs one file per function.

complete -c insmod -f
complete -c insmod -s f -d 'Ignore version magic and symbol versions'
complete -c insmod -s p -d 'Ignored, for compatibility'
complete -c insmod -s s -d 'Ignored, for compatibility'
complete -c insmod -s V -l version -d 'Print the version'
complete -c insmod -s h -l help -d 'Print help'
complete -c insmod -a '(__modtool_insmod_args)'
