# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# modinfo: the module tree its -b/--basedir and -k/--set-version name.
function __modtool_modinfo_tree
    __modtool_tree (__modtool_opt_value b basedir) (__modtool_opt_value k set-version)
end
