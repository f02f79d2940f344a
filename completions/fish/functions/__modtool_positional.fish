# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# The tokens before the cursor that are not options or option arguments.
# $argv[1]: short options taking an argument; $argv[2..]: long ones.
function __modtool_positional
    set -l short $argv[1]
    set -l long $argv[2..-1]
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    set -l dashdash 0
    for t in $tokens
        if test $skip = 1
            set skip 0
        else if test $dashdash = 1; or not string match -qr -- '^-.' $t
            echo -- $t
        else if test "$t" = --
            set dashdash 1
        else if string match -qr -- '^--' $t
            if not string match -q -- '*=*' $t
                and contains -- (string sub -s 3 -- $t) $long
                set skip 1
            end
        else
            # A bundle of short options: the first one that takes an
            # argument ends it, and takes the next token if nothing follows.
            set -l rest (string sub -s 2 -- $t)
            while test -n "$rest"
                set -l c (string sub -l 1 -- $rest)
                set rest (string sub -s 2 -- $rest)
                if test -n "$short"; and string match -q -- "*$c*" $short
                    test -z "$rest"; and set skip 1
                    break
                end
            end
        end
    end
end
