# SPDX-License-Identifier: GPL-2.0-or-later
# Part of modtool's fish completions; fish autoloads it from vendor_functions.d.
#
# depmod: the kernel version first, then module files.
function __modtool_depmod_args
    set -l args (__modtool_positional bmoCEFP basedir moduledir outdir config symvers filesyms symbol-prefix)
    if test (count $args) = 0; and not string match -q -- '*/*' (commandline -ct)
        __modtool_kernel_versions (__modtool_opt_value b basedir) (__modtool_opt_value m moduledir)
    else
        __modtool_module_files
    end
end
