from datetime import date

import pytest

from sdp.domain import deadlines
from sdp.domain.calendar import add_months, add_working_days, is_working_day
from sdp.domain.policy import DEFAULT_POLICY, PolicySettings


def test_decision_is_due_six_months_after_registration():
    assert deadlines.decision_due(date(2026, 3, 10), DEFAULT_POLICY) == date(2026, 9, 10)


def test_extension_moves_the_decision_to_twelve_months():
    assert deadlines.decision_due(date(2026, 3, 10), DEFAULT_POLICY, extended=True) == date(
        2027, 3, 10
    )


def test_month_arithmetic_clamps_to_the_last_day():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_inquiry_response_is_due_ninety_calendar_days_after_sending():
    assert deadlines.inquiry_response_due(date(2026, 1, 1), DEFAULT_POLICY) == date(2026, 4, 1)


def test_peru_national_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 7, 28))  # Fiestas Patrias
    assert not is_working_day(date(2026, 7, 29))
    assert not is_working_day(date(2026, 12, 8))  # Inmaculada Concepción
    assert not is_working_day(date(2026, 11, 29))  # a Sunday
    assert is_working_day(date(2026, 11, 30))


def test_appeal_window_counts_fifteen_working_days_skipping_holidays():
    # Notified Friday 2026-07-24: 27 Jul (1), 28-29 Jul holidays, 30, 31 (3), 3-5 Aug (6),
    # 6 Aug Battle of Junín holiday, 7 (7), 10-14 (12), 17-19 (15)
    assert deadlines.appeal_due(date(2026, 7, 24), DEFAULT_POLICY) == date(2026, 8, 19)


def test_appeal_window_without_holidays_is_three_weeks():
    assert deadlines.appeal_due(date(2026, 3, 2), DEFAULT_POLICY) == date(2026, 3, 23)


def test_appeal_decision_due_thirty_working_days_after_lodging():
    assert deadlines.appeal_decision_due(date(2026, 3, 2), DEFAULT_POLICY) == add_working_days(
        date(2026, 3, 2), 30
    )
    assert deadlines.appeal_decision_due(date(2026, 3, 2), DEFAULT_POLICY) > date(
        2026, 4, 10
    )  # skips Easter


def test_sixty_day_edge_of_birth_registration():
    born = date(2026, 1, 1)
    assert not deadlines.is_late_birth_registration(
        born, date(2026, 3, 2), DEFAULT_POLICY
    )  # day 60
    assert deadlines.is_late_birth_registration(born, date(2026, 3, 3), DEFAULT_POLICY)  # day 61


def test_policy_settings_come_from_the_environment():
    policy = PolicySettings.from_environment({"SDP_APPEAL_WINDOW_WORKING_DAYS": "20"})
    assert policy.appeal_window_working_days == 20
    assert policy.decision_due_months == 6


@pytest.mark.parametrize(
    "environ",
    [
        {"SDP_TRAVEL_DOCUMENT_MONTHS": "36"},
        {"SDP_DECISION_DUE_MONTHS": "zero"},
        {"SDP_INQUIRY_RESPONSE_DAYS": "0"},
    ],
)
def test_impossible_policy_settings_are_refused(environ):
    with pytest.raises(ValueError):
        PolicySettings.from_environment(environ)


def test_every_setting_is_described_with_its_source():
    for setting in DEFAULT_POLICY.describe():
        assert (
            setting["source"] and setting["description"] and setting["value"] == setting["default"]
        )


def test_a_recognition_counts_from_the_appeal_that_recognised_or_else_from_notification():
    notified, appeal_decided = date(2026, 3, 2), date(2026, 5, 4)
    assert deadlines.recognition_date(notified, None) == notified
    assert deadlines.recognition_date(notified, appeal_decided) == appeal_decided
    assert deadlines.recognition_date(None, None) is None


def test_naturalization_is_open_to_a_recognised_case_only_after_the_policy_s_years():
    recognized_on = date(2026, 3, 2)
    years = DEFAULT_POLICY.naturalization_years
    assert deadlines.naturalization_eligible_from(
        "recognized", recognized_on, DEFAULT_POLICY
    ) == date(2026 + years, 3, 2)
    for state in ("ceased", "cancelled", "rejected", "under_appeal"):
        assert deadlines.naturalization_eligible_from(state, recognized_on, DEFAULT_POLICY) is None
    assert deadlines.naturalization_eligible_from("recognized", None, DEFAULT_POLICY) is None
