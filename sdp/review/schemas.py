"""The period filter and the shape of ``GET /api/v1/statistics`` (documented in OpenAPI)."""

from flask import current_app
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .. import clock
from ..domain.disclosure import SMALL, WITHHELD
from ..schemas import IsoDate, PastDate, StrictSchema
from .queries import Period, PeriodTooLong

COUNT = {
    "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": [SMALL, WITHHELD]}],
    "description": (
        f'A count; "{SMALL}" for 1 to 4; "{WITHHELD}" when withheld so that no "{SMALL}" can be '
        "worked out. A count of 5 or more carries the noise of its cell key (-2 to +2, never below "
        "5; the same records always get the same noise): totals may differ slightly from the sum "
        "of their parts (docs/review.md)."
    ),
}
RATE = {
    "oneOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "enum": [WITHHELD]},
    ],
    "nullable": True,
    "description": (
        f'A share from 0 to 1; "{WITHHELD}" when a count it rests on is withheld; '
        "null when there is nothing to divide by."
    ),
}
DAYS = {
    "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": [WITHHELD]}],
    "nullable": True,
    "description": (
        f'Whole days; "{WITHHELD}" when it would rest on too few decisions or be one '
        "person's figure; null when there are no decisions."
    ),
}


def Count(description: str | None = None, **kwargs):  # noqa: N802 - a field factory
    metadata = dict(COUNT, description=description) if description else dict(COUNT)
    return fields.Raw(metadata=metadata, **kwargs)


def Rate(**kwargs):  # noqa: N802
    return fields.Raw(allow_none=True, metadata=dict(RATE), **kwargs)


class PeriodQuery(StrictSchema):
    start = PastDate(
        data_key="from",
        load_default=None,
        metadata={
            "description": (
                "First day of the period (YYYY-MM-DD); widened to the first day of its month, and "
                "not earlier than the pilot's first month (policy setting `pilot_start`). Without "
                "it, the period starts as late as the longest period allowed "
                "(`statistics_max_period_months`) asks; a longer period is refused (422 naming "
                "`from`)."
            )
        },
    )
    end = IsoDate(
        data_key="to",
        load_default=None,
        metadata={
            "description": (
                "Last day of the period (YYYY-MM-DD); widened to the last day of its month, and "
                "not later than this month."
            )
        },
    )
    lang = fields.String(
        load_default=None,
        validate=validate.OneOf(["es", "en", "pt"]),
        metadata={"description": "Language of the titles and labels (es, en, pt)."},
    )

    @validates_schema
    def _start_before_end(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("The end of the period may not be before its start.", "to")

    @post_load
    def _period(self, data, **kwargs) -> Period:

        policy = current_app.config["POLICY"]
        try:
            return Period.within_the_pilot(
                data.get("start"),
                data.get("end"),
                today=clock.today(),
                pilot_start=policy.pilot_start,
                max_months=policy.statistics_max_period_months,
            )
        except PeriodTooLong as error:
            raise ValidationError(self.too_long(error.months, error.max_months), "from") from error

    @staticmethod
    def too_long(months: int, max_months: int) -> str:
        # The API answers in English, as every API error; the page overrides it (PeriodForm).
        return (
            f"The period covers {months} months; a report covers at most {max_months} (the policy "
            "setting statistics_max_period_months): choose a later start."
        )


class PeriodOut(Schema):
    start = IsoDate(data_key="from", attribute="from", allow_none=True)
    end = IsoDate(data_key="to", attribute="to", allow_none=True)


class DisclosureOut(Schema):
    threshold = fields.Integer(
        metadata={"description": "Counts below this (from 1) are not shown exactly."}
    )
    small = fields.String(metadata={"example": SMALL})
    withheld = fields.String(metadata={"example": WITHHELD})
    note = fields.String()


class ColumnOut(Schema):
    key = fields.String()
    label = fields.String()


class RowOut(Schema):
    key = fields.String()
    label = fields.String()
    values = fields.Dict(
        keys=fields.String(), values=Count(), metadata={"description": "Column key → count."}
    )
    total = Count()


class TableOut(Schema):
    id = fields.String()
    title = fields.String()
    description = fields.String()
    row_heading = fields.String()
    columns = fields.List(fields.Nested(ColumnOut))
    rows = fields.List(fields.Nested(RowOut))
    totals = fields.Dict(
        keys=fields.String(), values=Count(), metadata={"description": "Column key → column total."}
    )
    total = Count("The table's grand total.")


class RecognitionRateOut(Schema):
    recognized = Count()
    decisions = Count()
    value = Rate()


class DecisionTimeOut(Schema):
    decisions = Count()
    median_days = fields.Raw(allow_none=True, metadata=dict(DAYS))
    p90_days = fields.Raw(allow_none=True, metadata=dict(DAYS))
    time_limit_months = fields.Integer()
    time_limit_days = fields.Integer(
        metadata={"description": "The time limit in days (months × 30.44, rounded)."}
    )
    within_time_limit = Count()
    within_time_limit_share = Rate()


class OverdueOut(Schema):
    pending = Count()
    overdue = Count()
    share = Rate()


class AppealsOverturnedOut(Schema):
    overturned = Count()
    decided = Count()
    share = Rate()


class LateBirthShareOut(Schema):
    late = Count()
    births = Count()
    value = Rate()


class FiguresOut(Schema):
    recognition_rate = fields.Nested(RecognitionRateOut)
    decision_time = fields.Nested(DecisionTimeOut)
    overdue_now = fields.Nested(OverdueOut)
    appeals_overturned = fields.Nested(AppealsOverturnedOut)
    late_birth_share = fields.Nested(LateBirthShareOut)


class StatisticsOut(Schema):
    period = fields.Nested(PeriodOut)
    generated_on = IsoDate()
    disclosure_control = fields.Nested(DisclosureOut)
    tables = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(TableOut),
        metadata={"description": "Table id → table (applications_by_month, cases_by_state, …)."},
    )
    figures = fields.Nested(FiguresOut)
