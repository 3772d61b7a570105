"""Every tag's colour from one table (sdp.web.TAG_COLOURS), never from a template's own dict."""

import re
from pathlib import Path

from sdp.domain import vocabulary
from sdp.web import TAG_COLOURS, tag_colour

GOVUK_TAG_COLOURS = {
    "grey",
    "green",
    "turquoise",
    "blue",
    "light-blue",
    "purple",
    "pink",
    "red",
    "orange",
    "yellow",
}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_value_of_each_coloured_vocabulary_has_a_govuk_colour():
    for enum_name, colours in TAG_COLOURS.items():
        enum = getattr(vocabulary, enum_name)
        assert set(colours) == {member.value for member in enum}, enum_name
        assert set(colours.values()) <= GOVUK_TAG_COLOURS, enum_name
    assert tag_colour("State", vocabulary.State.UNDER_APPEAL) == "orange"
    assert tag_colour("DocumentStatus", "revoked") == "red"


def test_no_template_keeps_a_colour_table_of_its_own():
    inline = re.compile(r"govuk-tag--\{\{\s*\{")
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if inline.search(path.read_text(encoding="utf-8")) or "set colour =" in path.read_text()
    ]
    assert offenders == []
