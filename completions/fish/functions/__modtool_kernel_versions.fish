# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# Kernel versions with a module tree below root $argv[1], in module
# directory $argv[2] (default @MODULE_DIRECTORY@).
function __modtool_kernel_versions
    set -l moddir @MODULE_DIRECTORY@
    test -n "$argv[2]"; and set moddir $argv[2]
    string match -q -- '/*' $moddir; or set moddir /$moddir
    for d in $argv[1]$moddir/*/
        basename -- $d
    end
end
