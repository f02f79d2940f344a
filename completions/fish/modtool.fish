# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for modtool (its subcommands: verify, sign, status, monitor, check)
#
# The __modtool_* functions used below are autoloaded by fish from
# vendor_functions.d, where modtool installs one file per function.

set -l subs verify sign status monitor check help version
complete -c modtool -f
complete -c modtool -n "not __fish_seen_subcommand_from $subs" -a verify -d 'Check signatures against trusted certificates'
complete -c modtool -n "not __fish_seen_subcommand_from $subs" -a sign -d 'Sign modules (scripts/sign-file)'
complete -c modtool -n "not __fish_seen_subcommand_from $subs" -a status -d 'The kernel\'s taint, signing and lockdown state'
complete -c modtool -n "not __fish_seen_subcommand_from $subs" -a monitor -d 'Print module loads and removals'
complete -c modtool -n "not __fish_seen_subcommand_from $subs" -a check -d 'Will a module load, what taint, can it be removed'
complete -c modtool -n "not __fish_seen_subcommand_from $subs" -a 'help version'

# check
set -l c "__fish_seen_subcommand_from check"
complete -c modtool -n $c -s b -l basedir -x -a '(__fish_complete_directories)' -d 'The kernel of this root'
complete -c modtool -n $c -s k -l set-version -x -a '(__modtool_kernel_versions (__modtool_opt_value b basedir))' -d 'Kernel version'
complete -c modtool -n $c -s K -l kernel -r -F -d 'The kernel image'
complete -c modtool -n $c -l symvers -r -F -d 'The kernel\'s exports from a Module.symvers'
complete -c modtool -n $c -l config -r -F -d 'The kernel\'s .config'
complete -c modtool -n $c -s c -l cert -r -F -d 'Trust these certificates too'
complete -c modtool -n $c -l sig-enforce -d 'The kernel enforces module signatures'
complete -c modtool -n $c -l lockdown -x -a 'none integrity confidentiality' -d 'The kernel is locked down'
complete -c modtool -n $c -s a -l all -d 'Every module of the tree'
complete -c modtool -n $c -s v -l verbose -d 'With --all, show every module'
complete -c modtool -n $c -l json -d 'One JSON document'
complete -c modtool -n $c -s h -l help -d 'Print help'
complete -c modtool -n $c -a '(__modtool_modtool_check_args)'

# verify
set -l v "__fish_seen_subcommand_from verify"
complete -c modtool -n $v -s c -l cert -r -F -d 'Trust these certificates'
complete -c modtool -n $v -s K -l kernel -r -F -d 'Trust the certificates of this kernel image'
complete -c modtool -n $v -s a -l all -d 'Every module of the tree'
complete -c modtool -n $v -s b -l basedir -x -a '(__fish_complete_directories)' -d 'Root directory of the module trees'
complete -c modtool -n $v -s k -l set-version -x -a '(__modtool_kernel_versions (__modtool_opt_value b basedir))' -d 'Kernel version'
complete -c modtool -n $v -s j -l jobs -x -d 'Threads'
complete -c modtool -n $v -s q -l quiet -d 'Only the modules that are not valid'
complete -c modtool -n $v -s v -l verbose -d 'List the trusted certificates'
complete -c modtool -n $v -l json -d 'One JSON document'
complete -c modtool -n $v -F

# status, monitor, sign
complete -c modtool -n '__fish_seen_subcommand_from status' -s a -l all-bits -d 'Every taint bit'
complete -c modtool -n '__fish_seen_subcommand_from status' -l json -d 'One JSON document'
complete -c modtool -n '__fish_seen_subcommand_from status' -l sysroot -x -a '(__fish_complete_directories)' -d 'Read /proc and /sys from here'
complete -c modtool -n '__fish_seen_subcommand_from monitor' -l json -d 'One JSON object per line'
complete -c modtool -n '__fish_seen_subcommand_from monitor' -l exec -x -a '(__fish_complete_command)' -d 'Run a command per event'
complete -c modtool -n '__fish_seen_subcommand_from monitor' -l no-file-info -d 'No file, SHA-256 or signer'
complete -c modtool -n '__fish_seen_subcommand_from monitor' -l buffer-size -x -d 'The socket buffer, bytes'
complete -c modtool -n '__fish_seen_subcommand_from monitor' -l sysroot -x -a '(__fish_complete_directories)' -d 'Read /sys from here'
complete -c modtool -n '__fish_seen_subcommand_from sign' -s d -d 'Write only the detached signature'
complete -c modtool -n '__fish_seen_subcommand_from sign' -s p -d 'Also keep MODULE.p7s'
complete -c modtool -n '__fish_seen_subcommand_from sign' -s k -d 'Name the signer by subject key id'
complete -c modtool -n '__fish_seen_subcommand_from sign' -s s -r -F -d 'A raw signature made elsewhere'
complete -c modtool -n '__fish_seen_subcommand_from sign' -F
