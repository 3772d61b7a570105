"""Dependencies are locked: every one that pyproject.toml names (the app's, and the PEP 735 dev
group's) is pinned with its hashes in requirements/, which `make install` and `make install-dev`
install with --require-hashes. `make lock` rewrites both files after a change in pyproject.toml."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from sdp import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())


def pinned(lock: str) -> dict[str, str]:
    """name → version of every package the lock file pins, each with at least one sha256 hash."""
    text = (PROJECT_ROOT / "requirements" / lock).read_text()
    entries = re.findall(
        r"^([A-Za-z0-9_.\-\[\]]+)==([^ \\\n;]+)[^\n]*((?:\\\n\s+--hash=sha256:[0-9a-f]{64})+)",
        text,
        re.M,
    )
    return {canonicalize_name(name.split("[")[0]): version for name, version, _hashes in entries}


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in requirements}


def test_every_dependency_of_the_app_is_pinned_with_hashes():
    runtime = pinned("runtime.txt")
    assert names(PYPROJECT["project"]["dependencies"]) <= set(runtime)
    assert "pytest" not in runtime  # the tools stay out of what production installs


def test_every_dev_tool_is_pinned_with_hashes_at_the_app_s_versions():
    runtime, dev = pinned("runtime.txt"), pinned("dev.txt")
    assert names(PYPROJECT["dependency-groups"]["dev"]) <= set(dev)
    assert names(PYPROJECT["project"]["dependencies"]) <= set(dev)
    assert {name: dev[name] for name in runtime if name in dev} == {
        name: runtime[name] for name in runtime if name in dev
    }


def test_no_line_of_a_lock_escapes_the_hash_check():
    for lock in ("runtime.txt", "dev.txt"):
        text = (PROJECT_ROOT / "requirements" / lock).read_text()
        requirements = [
            line for line in text.splitlines() if line and not line.startswith((" ", "#"))
        ]
        assert requirements and all(
            "==" in line and line.endswith("\\") for line in requirements
        ), lock


def test_one_version_number():
    version = PYPROJECT["project"]["version"]
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert version not in makefile and "--version=$(VERSION)" in makefile
    assert PYPROJECT["project"]["license"] == "AGPL-3.0-or-later"  # PEP 639: an SPDX expression
