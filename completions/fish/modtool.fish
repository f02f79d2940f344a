# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for modtool (modtool): its subcommands and their options.

set -l subcommands verify sign status monitor help version
complete -c modtool -f
complete -c modtool -n "not __fish_seen_subcommand_from $subcommands" -a verify -d "check modules' signatures"
complete -c modtool -n "not __fish_seen_subcommand_from $subcommands" -a sign -d 'sign modules'
complete -c modtool -n "not __fish_seen_subcommand_from $subcommands" -a status -d "the kernel's module security state"
complete -c modtool -n "not __fish_seen_subcommand_from $subcommands" -a monitor -d 'print module loads and removals'
complete -c modtool -n "not __fish_seen_subcommand_from $subcommands" -a help -d 'show the help'
complete -c modtool -n "not __fish_seen_subcommand_from $subcommands" -a version -d 'show the version'
complete -c modtool -n '__fish_seen_subcommand_from monitor' -l json -d 'one JSON object per line'
complete -c modtool -n '__fish_seen_subcommand_from monitor' -l exec -x -a '(__fish_complete_command)' -d 'run a command per event'
complete -c modtool -n '__fish_seen_subcommand_from monitor' -l no-file-info -d 'no file, SHA-256 or signer'
complete -c modtool -n '__fish_seen_subcommand_from status' -l json -d 'one JSON document'
complete -c modtool -n '__fish_seen_subcommand_from status' -s a -l all-bits -d 'every taint bit'
complete -c modtool -n '__fish_seen_subcommand_from verify sign' -F
