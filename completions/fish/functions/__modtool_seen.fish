# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# Is any of these options on the command line?
function __modtool_seen
    set -l tokens (commandline -opc)
    for t in $tokens[2..-1]
        test "$t" = --; and return 1
        if contains -- $t $argv
            return 0
        end
        # short options in bundles such as -rv
        if string match -qr -- '^-[^-]' $t
            for o in $argv
                if string match -qr -- '^-[^-]$' $o
                    and string match -q -- "*"(string sub -s 2 -- $o)"*" (string sub -s 2 -- $t)
                    return 0
                end
            end
        end
    end
    return 1
end
