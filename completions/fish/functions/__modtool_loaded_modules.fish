# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# Names of the modules loaded in the running kernel (the test suite points
# _modtool_proc_modules at a fake /proc/modules).
function __modtool_loaded_modules
    set -l procmod /proc/modules
    set -q _modtool_proc_modules; and set procmod $_modtool_proc_modules
    test -r $procmod; or return
    __modtool_names (string replace -r -- ' .*' '' <$procmod)
end
