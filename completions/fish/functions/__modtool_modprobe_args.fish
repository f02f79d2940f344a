# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# modprobe: the module name and parameters typed so far.
function __modtool_modprobe_args
    __modtool_positional wCdS wait config dirname set-version explain
end
