"""The type check's ratchet (tools/type_ratchet.py): more errors than allowed fail, fewer fail
until the allowance is lowered, and the strict domain has no allowance at all."""

import importlib.util
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("type_ratchet", ROOT / "tools" / "type_ratchet.py")
ratchet = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ratchet)

MYPY_OUTPUT = """\
sdp/cases/views.py:96: error: Item "None" of "Application | None" has no attribute "x"  [union-attr]
sdp/cases/views.py:97: note: Right operand is of type "date | None"
sdp/cases/views.py:100: error: Incompatible return value type  [return-value]
sdp/__init__.py:63: error: Cannot assign to a method  [method-assign]
sdp/sqlite.py:32: note: By default the bodies of untyped functions are not checked
"""


def test_errors_are_counted_per_module_and_notes_are_not_errors():
    assert ratchet.count_errors(MYPY_OUTPUT) == Counter({"sdp.cases.views": 2, "sdp": 1})


def test_more_errors_than_allowed_fail_and_fewer_ask_for_a_lower_allowance():
    found = Counter({"sdp.cases.views": 2, "sdp.api": 1, "sdp": 1})
    over, under = ratchet.compare(found, {"sdp.cases.views": 1, "sdp.api": 3, "sdp": 1})
    assert over == ["sdp.cases.views: 2 type errors, 1 allowed: fix the new ones"]
    assert under == ["sdp.api: 1 type errors, 3 allowed: lower the allowance"]
    # A module with no line in the file may have none.
    over, _ = ratchet.compare(Counter({"sdp.new_module": 1}), {})
    assert over == ["sdp.new_module: 1 type errors, 0 allowed: fix the new ones"]


def test_the_strict_domain_cannot_be_given_an_allowance():
    over, _ = ratchet.compare(Counter({"sdp.domain.policy": 1}), {"sdp.domain.policy": 1})
    assert over == ["sdp.domain.policy: strict, so no type error may be allowed: fix them"]


def test_the_allowance_file_reads_back_what_it_wrote():
    allowed = {"sdp.cases.views": 8, "sdp": 2, "sdp.api": 0}
    written = ratchet.format_allowed(allowed)
    assert ratchet.read_allowed(written) == {"sdp.cases.views": 8, "sdp": 2}
    # The real file is as the tool writes it (read, written back: the same text), empty or not.
    text = (ROOT / "tools" / "types_allowed.txt").read_text()
    assert ratchet.format_allowed(ratchet.read_allowed(text)) == text
