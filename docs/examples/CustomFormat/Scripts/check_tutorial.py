#!/usr/bin/env python3
"""Checks that every code block of docs/adding-a-format.md marked `<!-- file: PATH -->` appears
verbatim in PATH of this package, so the tutorial's code is the code CI builds and tests."""
import pathlib
import re
import sys

package = pathlib.Path(__file__).resolve().parent.parent
tutorial = package.parent.parent / "adding-a-format.md"
blocks = re.findall(r"<!-- file: (\S+) -->\n```swift\n(.*?)```", tutorial.read_text(), re.S)
problems = [path for path, code in blocks if code not in (package / path).read_text()]
for path in problems:
    print(f"check_tutorial: a block marked {path} is not in {package / path}", file=sys.stderr)
print(f"check_tutorial: {len(blocks) - len(problems)} of {len(blocks)} blocks match their files")
sys.exit(1 if problems or not blocks else 0)
