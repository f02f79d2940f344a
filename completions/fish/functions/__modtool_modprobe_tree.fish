# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# modprobe: the module tree its -d/--dirname and -S/--set-version name.
function __modtool_modprobe_tree
    __modtool_tree (__modtool_opt_value d dirname) (__modtool_opt_value S set-version)
end
