# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for insmod (modtool)
#
# The helpers are repeated in each of modtool's completion files so that
# each works alone.

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

# The module directory of kernel $argv[2] (default: running) below root $argv[1].
function __modtool_tree
    set -l kver $argv[2]
    test -n "$kver"; or set kver (uname -r)
    echo -- "$argv[1]@MODULE_DIRECTORY@/$kver"
end

# Print module names with the separator the user is typing ('-' or '_').
function __modtool_names
    if string match -q -- '*-*' (commandline -ct)
        string replace -a -- _ - $argv
    else
        string replace -a -- - _ $argv
    end
end

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

# Names of the modules loaded in the running kernel (the test suite points
# _modtool_proc_modules at a fake /proc/modules).
function __modtool_loaded_modules
    set -l procmod /proc/modules
    set -q _modtool_proc_modules; and set procmod $_modtool_proc_modules
    test -r $procmod; or return
    __modtool_names (string replace -r -- ' .*' '' <$procmod)
end

# Kernel versions with a module tree below root $argv[1], in module
# directory $argv[2] (default @MODULE_DIRECTORY@).
function __modtool_kernel_versions
    set -l moddir @MODULE_DIRECTORY@
    test -n "$argv[2]"; and set moddir $argv[2]
    string match -q -- '/*' $moddir; or set moddir /$moddir
    for d in $argv[1]$moddir/*/
        basename -- $d
    end
end

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

# "name=" for each parameter of module $argv[1]; the rest are modinfo options.
function __modtool_params
    set -l mod $argv[1]
    set -e argv[1]
    PATH="$PATH:/usr/sbin:/sbin" command modinfo -F parm $argv -- $mod 2>/dev/null |
        string replace -r -- '^([^:]*):(.*)$' '$1=\t$2'
end

function __modtool_insmod_args
    set -l args (__modtool_positional '')
    if test (count $args) = 0
        __modtool_module_files
    else
        __modtool_params $args[1]
    end
end

complete -c insmod -f
complete -c insmod -s f -d 'Ignore version magic and symbol versions'
complete -c insmod -s p -d 'Ignored, for compatibility'
complete -c insmod -s s -d 'Ignored, for compatibility'
complete -c insmod -s V -l version -d 'Print the version'
complete -c insmod -s h -l help -d 'Print help'
complete -c insmod -a '(__modtool_insmod_args)'
