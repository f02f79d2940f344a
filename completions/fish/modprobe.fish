# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for modprobe (modtool)
#
# The __modtool_* functions used below are autoloaded by fish from
# vendor_functions.d, where modtool installs one file per function.

complete -c modprobe -f
complete -c modprobe -s a -l all -d 'Treat every argument as a module name'
complete -c modprobe -s r -l remove -d 'Remove modules instead of loading them'
complete -c modprobe -l remove-holders -d 'With -r, also remove the modules using it'
complete -c modprobe -l remove-dependencies -d 'Old name of --remove-holders'
complete -c modprobe -s w -l wait -x -d 'With -r, wait up to MSEC for the module to be unused'
complete -c modprobe -l first-time -d 'Fail when there is nothing to do'
complete -c modprobe -s i -l ignore-install -l ignore-remove -d 'Ignore install and remove commands'
complete -c modprobe -s b -l use-blacklist -d 'Apply the blacklist to module names too'
complete -c modprobe -s f -l force -d 'Ignore version magic and symbol versions'
complete -c modprobe -l force-modversion -d 'Ignore symbol versions'
complete -c modprobe -l force-vermagic -d 'Ignore the version magic'
complete -c modprobe -s R -l resolve-alias -d 'Print the modules a name resolves to'
complete -c modprobe -s D -l show-depends -d 'Print the load plan without loading'
complete -c modprobe -s c -l showconfig -l show-config -d 'Print the effective configuration'
complete -c modprobe -l show-modversions -l dump-modversions -x -a '(__modtool_module_files)' -d 'Print the symbol versions a module file needs'
complete -c modprobe -l show-exports -x -a '(__modtool_module_files)' -d 'Print the symbols a module file exports'
complete -c modprobe -l explain -x -a '(__modtool_tree_modules (__modtool_modprobe_tree))' -d 'Print how a name resolves'
complete -c modprobe -l json -d 'Print -D or -c output as JSON'
complete -c modprobe -s n -l dry-run -l show -d 'Do not load or remove anything'
complete -c modprobe -s C -l config -r -F -d 'Configuration file or directory'
complete -c modprobe -s d -l dirname -x -a '(__fish_complete_directories)' -d 'Root directory of the module trees'
complete -c modprobe -s S -l set-version -x -a '(__modtool_kernel_versions (__modtool_opt_value d dirname))' -d 'Kernel version'
complete -c modprobe -s s -l syslog -d 'Log to syslog'
complete -c modprobe -s q -l quiet -d 'Do not report modules that are not found'
complete -c modprobe -s v -l verbose -d 'Print what is done'
complete -c modprobe -s V -l version -d 'Print the version'
complete -c modprobe -s h -l help -d 'Print help'
complete -c modprobe -n '__modtool_modprobe_want module' -a '(__modtool_tree_modules (__modtool_modprobe_tree))'
complete -c modprobe -n '__modtool_modprobe_want loaded' -a '(__modtool_loaded_modules)'
complete -c modprobe -n '__modtool_modprobe_want param' -a '(__modtool_modprobe_params)'
