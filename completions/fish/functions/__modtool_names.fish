# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# Print module names with the separator the user is typing ('-' or '_').
function __modtool_names
    if string match -q -- '*-*' (commandline -ct)
        string replace -a -- _ - $argv
    else
        string replace -a -- - _ $argv
    end
end
