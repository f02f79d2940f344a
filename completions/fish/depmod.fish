# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for depmod (modtool)
#
# The __modtool_* functions used below are autoloaded by fish from
# vendor_functions.d, where modtool installs one file per function.

complete -c depmod -f
complete -c depmod -s a -l all -d 'Examine all modules'
complete -c depmod -s A -l quick -d 'Do nothing when modules.dep is up to date'
complete -c depmod -s b -l basedir -x -a '(__fish_complete_directories)' -d 'Root directory of the module trees'
complete -c depmod -s m -l moduledir -x -a '(__fish_complete_directories)' -d 'Module directory below the root'
complete -c depmod -s o -l outdir -x -a '(__fish_complete_directories)' -d 'Write the indexes below this root'
complete -c depmod -s C -l config -r -F -d 'Configuration file or directory'
complete -c depmod -s e -l errsyms -d 'Report symbols nothing provides'
complete -c depmod -s E -l symvers -r -F -d 'Kernel symbol versions (Module.symvers)'
complete -c depmod -s F -l filesyms -r -F -d 'Kernel symbols (System.map)'
complete -c depmod -s n -l show -l dry-run -d 'Write the indexes to standard output'
complete -c depmod -l json -d 'With -n: write them as JSON'
complete -c depmod -s P -l symbol-prefix -x -d 'Symbol prefix to ignore'
complete -c depmod -s v -l verbose -d 'Print the symbols each module needs'
complete -c depmod -s w -l warn -d 'Warn about duplicates'
complete -c depmod -s V -l version -d 'Print the version'
complete -c depmod -s h -l help -d 'Print help'
complete -c depmod -a '(__modtool_depmod_args)'
