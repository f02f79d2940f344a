# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# modprobe: the parameters of the module named first, from its tree.
function __modtool_modprobe_params
    set -l args (__modtool_modprobe_args)
    set -l opts
    set -l root (__modtool_opt_value d dirname)
    set -l kver (__modtool_opt_value S set-version)
    test -n "$root"; and set -a opts -b $root
    test -n "$kver"; and set -a opts -k $kver
    __modtool_params $args[1] $opts
end
