# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# modprobe: should the argument being typed be a $argv[1] ("module" of
# the tree, "loaded" module or module "param")?  Nothing after -c and
# the options that take a module file.
function __modtool_modprobe_want
    __modtool_seen -c --showconfig --show-config --show-modversions --dump-modversions --show-exports
    and return 1
    set -l removing 1
    __modtool_seen -r --remove; and set removing 0
    set -l nargs (count (__modtool_modprobe_args))
    switch $argv[1]
        case loaded
            test $removing = 0
        case module
            test $removing = 1
            and begin
                test $nargs = 0; or __modtool_seen -a --all
            end
        case param
            test $removing = 1; and test $nargs -gt 0
            and not __modtool_seen -a --all
    end
end
