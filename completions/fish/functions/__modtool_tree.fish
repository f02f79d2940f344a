# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# The module directory of kernel $argv[2] (default: running) below root $argv[1].
function __modtool_tree
    set -l kver $argv[2]
    test -n "$kver"; or set kver (uname -r)
    echo -- "$argv[1]@MODULE_DIRECTORY@/$kver"
end
