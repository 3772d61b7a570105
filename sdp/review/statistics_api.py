"""``GET /api/v1/statistics``: aggregate results with disclosure control (reviewer, supervisor)."""

from flask.views import MethodView
from marshmallow import RAISE

from ..api import BEARER, Blueprint, staff_required
from ..domain.access import STATISTICS_READERS
from .schemas import PeriodQuery, StatisticsOut
from .services import current_report

blp = Blueprint(
    "statistics_api",
    __name__,
    description=(
        "Aggregate results of the procedure for legislators: no personal data; any count from "
        '1 to 4 is "<5", and figures that would let one work it out are withheld ("x").'
    ),
)


@blp.route("/statistics")
class Statistics(MethodView):
    @staff_required(*STATISTICS_READERS)
    @blp.doc(security=BEARER)
    @blp.arguments(PeriodQuery, location="query", as_kwargs=False, unknown=RAISE)
    @blp.response(200, StatisticsOut)
    # 401: no or a bad token; 403: not a reviewer's or a supervisor's; 422: a date of the period is
    # invalid, in the future, or the period ends before it starts: documented by sdp.api's plugin.
    def get(self, period):
        """Aggregate results of the procedure, with disclosure control.

        Applications by month and route, cases by state, decisions and the recognition rate, time to
        decision against the time limit, cases overdue now, inquiries by State, appeals, births
        registered and documents issued, for a period of whole months. Counts from 1 to 4 are "<5";
        figures that would let one work a "<5" out are "x". Rates are withheld with their counts.
        """
        return current_report(period).as_dict()
