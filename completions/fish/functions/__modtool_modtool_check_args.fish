# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# modtool check and verify: a path names a module file, anything else a
# module of the tree (-b/--basedir, -k/--set-version); nothing after --all.
function __modtool_modtool_check_args
    __modtool_seen -a --all; and return
    if string match -qr -- '^(.*/|\.|~)' (commandline -ct)
        __modtool_module_files
    else
        __modtool_tree_modules (__modtool_tree (__modtool_opt_value b basedir) (__modtool_opt_value k set-version)) builtin
    end
end
