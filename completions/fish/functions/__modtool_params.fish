# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# "name=" for each parameter of module $argv[1]; the rest are modinfo options.
function __modtool_params
    set -l mod $argv[1]
    set -e argv[1]
    PATH="$PATH:/usr/sbin:/sbin" command modinfo -F parm $argv -- $mod 2>/dev/null |
        string replace -r -- '^([^:]*):(.*)$' '$1=\t$2'
end
