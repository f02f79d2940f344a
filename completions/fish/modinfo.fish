# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for modinfo (modtool)
#
# The __modtool_* functions used below are autoloaded by fish from
# vendor_functions.d, where modtool installs one file per function.

complete -c modinfo -f
complete -c modinfo -s a -l author -d 'Print only the author'
complete -c modinfo -s d -l description -d 'Print only the description'
complete -c modinfo -s l -l license -d 'Print only the license'
complete -c modinfo -s p -l parameters -d 'Print only the parameters'
complete -c modinfo -s n -l filename -d 'Print only the file name'
complete -c modinfo -s 0 -l null -d 'End values with NUL instead of newline'
complete -c modinfo -l json -d 'Print JSON, an object per module'
complete -c modinfo -s m -l modname -d 'Take arguments as module names only'
complete -c modinfo -s F -l field -x -a 'alias author depends description filename firmware import_ns intree license name parm parmtype retpoline scmversion sig_hashalgo sig_id sig_key signature signer softdep srcversion staging vermagic version weakdep' -d 'Print only this field'
complete -c modinfo -s k -l set-version -x -a '(__modtool_kernel_versions (__modtool_opt_value b basedir))' -d 'Kernel version'
complete -c modinfo -s b -l basedir -x -a '(__fish_complete_directories)' -d 'Root directory of the module trees'
complete -c modinfo -s V -l version -d 'Print the version'
complete -c modinfo -s h -l help -d 'Print help'
complete -c modinfo -a '(__modtool_modinfo_args)'
