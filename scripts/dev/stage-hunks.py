#!/usr/bin/env python3
"""Stage only the hunks of the working-tree diff whose text matches a pattern.

    stage-hunks.py [--invert] PATTERN FILE...

Run inside a git tree (e.g. build/linux) to split one set of edits into
several commits without an interactive 'git add -p'. A hunk is staged
when PATTERN (a Python regex) occurs in it (or does not, with --invert).
"""
import re
import subprocess
import sys

args = sys.argv[1:]
invert = False
if args and args[0] == "--invert":
    invert = True
    args = args[1:]
if len(args) < 2:
    sys.exit(__doc__)
pat = re.compile(args[0])
for path in args[1:]:
    diff = subprocess.run(["git", "diff", "-U3", "--", path], capture_output=True,
                          text=True, check=True).stdout
    if not diff:
        continue
    head, _, rest = diff.partition("\n@@")
    hunks = ["@@" + h for h in ("\n@@" + rest).split("\n@@")[1:]]
    keep = [h for h in hunks if bool(pat.search(h)) != invert]
    if not keep:
        continue
    patch = head + "\n" + "\n".join(keep)
    if not patch.endswith("\n"):
        patch += "\n"
    subprocess.run(["git", "apply", "--cached", "--recount", "-"], input=patch,
                   text=True, check=True)
    print(f"{path}: staged {len(keep)} of {len(hunks)} hunk(s)")
