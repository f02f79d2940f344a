# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# insmod: a module file first, then its parameters.
function __modtool_insmod_args
    set -l args (__modtool_positional '')
    if test (count $args) = 0
        __modtool_module_files
    else
        __modtool_params $args[1]
    end
end
