# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# The last value given on the command line to option -$argv[1]/--$argv[2].
function __modtool_opt_value
    set -l tokens (commandline -opc)
    set -l value
    set -l next 0
    for t in $tokens[2..-1]
        if test $next = 1
            set value $t
            set next 0
        else if test "$t" = -$argv[1]; or test "$t" = --$argv[2]
            set next 1
        else if string match -q -- "--$argv[2]=*" $t
            set value (string replace -- "--$argv[2]=" "" $t)
        else if string match -q -- "-$argv[1]?*" $t
            set value (string sub -s 3 -- $t)
        end
    end
    echo -- $value
end
