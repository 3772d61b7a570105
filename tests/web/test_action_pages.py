"""The case's action pages are registered against the procedure definition, the source of the
actions: a page for an action the procedure does not define cannot exist."""

import pytest

from sdp.cases import forms, views
from sdp.domain import procedure


def test_every_action_page_is_an_action_of_the_procedure():
    assert set(views.ACTION_PAGES) <= set(procedure.ACTIONS_BY_NAME)
    assert {"assign", "record_finding", "decide", "decide_proceeding_appeal"} <= set(
        views.ACTION_PAGES
    )


def test_a_page_for_an_action_the_procedure_does_not_define_is_refused():
    with pytest.raises(ValueError, match="not an action of the procedure"):
        views.action_page("approve_everything", forms.ReasonsForm)
