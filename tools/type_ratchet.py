"""The type check: mypy over sdp/ (settings in pyproject.toml), held to tools/types_allowed.txt.

Each module may have at most the type errors the file allows it; sdp/domain, strict, none. More
errors fail the check (fix them); fewer fail it too, until the file is lowered, so that the
allowance only ever shrinks:

    .venv/bin/python tools/type_ratchet.py            # the check (make types, make check, CI)
    .venv/bin/python tools/type_ratchet.py --lower    # write the lower counts (never a higher one)
    .venv/bin/python tools/type_ratchet.py --init     # write today's counts (no file yet)
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = Path(__file__).with_name("types_allowed.txt")
# Strict (pyproject.toml): no allowance, whatever the file says.
STRICT_PACKAGES = ("sdp.domain",)
ERROR_LINE = re.compile(r"^(?P<path>[\w/.-]+\.py):\d+(?::\d+)?: error: ")
HEADER = """\
# Type errors each module may still have (mypy, settings in pyproject.toml): the check fails on
# more, and on fewer until this file is lowered (tools/type_ratchet.py --lower). Never raise a
# count: fix the new error, or say why in a `# type: ignore[code]` on its line.
"""


def module_of(path: str) -> str:
    parts = Path(path).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def count_errors(mypy_output: str) -> Counter[str]:
    """mypy's errors per module (notes and the summary line are not errors)."""
    counts: Counter[str] = Counter()
    for line in mypy_output.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            counts[module_of(match["path"])] += 1
    return counts


def read_allowed(text: str) -> dict[str, int]:
    allowed = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            module, count = line.split()
            allowed[module] = int(count)
    return allowed


def format_allowed(allowed: dict[str, int]) -> str:
    rows = [f"{module} {count}" for module, count in sorted(allowed.items()) if count]
    return HEADER + "\n".join(rows) + "\n"


def compare(found: Counter[str], allowed: dict[str, int]) -> tuple[list[str], list[str]]:
    """(modules over their allowance, modules under it), each as a line saying what to do."""
    over, under = [], []
    for module in sorted(set(found) | set(allowed)):
        now, may = found.get(module, 0), allowed.get(module, 0)
        if module.startswith(STRICT_PACKAGES) and may:
            over.append(f"{module}: strict, so no type error may be allowed: fix them")
            continue
        if now > may:
            over.append(f"{module}: {now} type errors, {may} allowed: fix the new ones")
        elif now < may:
            under.append(f"{module}: {now} type errors, {may} allowed: lower the allowance")
    return over, under


def run_mypy() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1) or "error: " not in result.stdout and result.returncode:
        sys.exit(f"mypy did not run:\n{result.stdout}{result.stderr}")
    return result.stdout


def main(argv: list[str]) -> int:
    output = run_mypy()
    found = count_errors(output)
    allowed = read_allowed(ALLOWED.read_text()) if ALLOWED.exists() else {}
    over, under = compare(found, allowed)
    if "--init" in argv:
        if ALLOWED.exists():
            sys.exit(f"{ALLOWED.relative_to(ROOT)} exists: only --lower changes it")
        ALLOWED.write_text(format_allowed(dict(found)))
        print(f"{ALLOWED.relative_to(ROOT)}: {sum(found.values())} errors allowed")
        return 0
    if "--lower" in argv:
        if over:
            print(output, end="")
            print("\n".join(over))
            print("Not lowered: fix these first (the allowance is never raised).")
            return 1
        ALLOWED.write_text(format_allowed({m: found.get(m, 0) for m in allowed}))
        print(f"{ALLOWED.relative_to(ROOT)}: {sum(found.values())} errors allowed")
        return 0
    if over:
        # The errors of the modules over their allowance, to fix.
        for line in output.splitlines():
            match = ERROR_LINE.match(line)
            if match and module_of(match["path"]) in {o.split(":")[0] for o in over}:
                print(line)
    for line in over + under:
        print(line)
    if under:
        print("Run .venv/bin/python tools/type_ratchet.py --lower and commit the file.")
    if over or under:
        return 1
    print(f"types: {sum(found.values())} errors, as allowed ({ALLOWED.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
