# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# modinfo: a path names a module file, anything else a module of the tree
# (-m/--modname: always a module name).
function __modtool_modinfo_args
    if string match -qr -- '^(.*/|\.|~)' (commandline -ct)
        and not __modtool_seen -m --modname
        __modtool_module_files
    else
        __modtool_tree_modules (__modtool_modinfo_tree) builtin
    end
end
