#!/usr/bin/env python3
"""Writes Bulwark's module schema (engine resources .../yara/modules/MODULE.schema) from a yara checkout's
module declarations at a given tag: the names and types each module declares, nothing else.

  python3 conformance/yara-schema/gen_schema.py YARA_GIT_DIR v4.2.3 OUT_DIR

Schema form (one declaration a line, nesting by braces):
  NAME i | f | s            integer, float, string
  NAME i[] / s{} ...         array / dictionary of that type
  NAME {  ... }              structure;  NAME []{ ... }  array of structures;  NAME {}{ ... }  dictionary of them
  NAME(ARGS) R               function overload: ARGS letters i f s r (regexp), R the result type
Lines after a line '# bulwark' are Bulwark's additions beyond that yara version (kept by hand, see docs/YARA.md).
"""
import re, subprocess, sys

MODULES = ["pe/pe.c", "elf/elf.c", "math/math.c", "hash/hash.c", "time/time.c", "console/console.c",
           "dotnet/dotnet.c", "magic/magic.c", "dex/dex.c", "macho/macho.c"]
DECL = re.compile(r'declare_(integer|string|float)(_array|_dictionary)?\("(\w+)"\)')
BEGIN = re.compile(r'begin_struct(_array|_dictionary)?\("(\w+)"\)')
END = re.compile(r'end_struct(_array|_dictionary)?\("(\w+)"\)')
FUNC = re.compile(r'declare_function\(\s*"(\w+)"\s*,\s*"(\w*)"\s*,\s*"(\w)"')
LETTER = {"integer": "i", "string": "s", "float": "f"}
SUFFIX = {None: "", "_array": "[]", "_dictionary": "{}"}


def main(gitdir, tag, out):
    for path in MODULES:
        src = subprocess.run(["git", "-C", gitdir, "show", f"{tag}:libyara/modules/{path}"], check=True,
                             capture_output=True, text=True).stdout
        body = src[src.index("\nbegin_declarations"):]
        body = body[:body.index("\nend_declarations")]
        lines, depth = [f"# {path.split('/')[0]}: declarations of yara {tag}"], 0
        for raw in body.splitlines():
            ind = "  " * depth
            if m := DECL.search(raw):
                lines.append(f"{ind}{m.group(3)} {LETTER[m.group(1)]}{SUFFIX[m.group(2)]}")
            elif m := BEGIN.search(raw):
                lines.append(f"{ind}{m.group(2)} {SUFFIX[m.group(1)]}{{")
                depth += 1
            elif END.search(raw):
                depth -= 1
                lines.append("  " * depth + "}")
            elif m := FUNC.search(raw):
                lines.append(f"{ind}{m.group(1)}({m.group(2)}) {m.group(3)}")
        assert depth == 0, path
        name = path.split("/")[0]
        with open(f"{out}/{name}.schema", "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
