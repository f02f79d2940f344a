# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# Module files, and directories that may lead to them.
function __modtool_module_files
    set -l cur (commandline -ct)
    for f in $cur*
        if test -d $f
            echo -- $f/
        else if string match -qr -- '\.ko(\.(gz|xz|zst))?$' $f
            echo -- $f
        end
    end
end
