# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# Module names of the tree $argv[1] (from modules.dep, else from the files);
# with "builtin" as $argv[2], also the modules built into the kernel.
function __modtool_tree_modules
    set -l tree $argv[1]
    set -l files
    if test -r $tree/modules.dep
        set files (string replace -r -- ':.*' '' <$tree/modules.dep)
    else if test -d $tree
        set files (find $tree -name '*.ko' -o -name '*.ko.*' 2>/dev/null)
    end
    if test "$argv[2]" = builtin; and test -r $tree/modules.builtin
        set -a files (cat $tree/modules.builtin)
    end
    __modtool_names (string replace -r -- '\.ko(\.(gz|xz|zst))?$' '' (string replace -r -- '.*/' '' $files))
end
