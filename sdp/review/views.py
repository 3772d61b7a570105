"""The legislators' pages: the procedure as they would read it in a bill, and its results.

Thin: check the role, build the one definition or the one protected report, render it as a
page, an SVG, a CSV or a workbook.
"""

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import format_date, format_decimal, format_percent, gettext
from flask_login import current_user, login_required
from markupsafe import Markup
from marshmallow import ValidationError

from ..domain.access import STATISTICS_READERS
from ..domain.vocabulary import label
from . import charts, diagram, procedure_doc
from .exports import to_csv, to_xlsx
from .report import SUPPRESSION_NOTE
from .schemas import PeriodQuery
from .services import current_report

bp = Blueprint("review", __name__, url_prefix="/review")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def _helpers():
    return {
        "number": format_decimal,
        "percent": lambda share: format_percent(share, "#,##0.0 %"),
        "date": lambda day: format_date(day, "long"),
        "vocabulary_label": label,
        "suppression_note": SUPPRESSION_NOTE,
        "may_see_statistics": current_user.is_authenticated
        and bool(current_user.roles & STATISTICS_READERS),
    }


def _require_staff() -> None:
    if not current_user.roles:
        abort(403)


def _require_statistics_reader() -> None:
    if not current_user.roles & STATISTICS_READERS:
        abort(403)


def _diagram_svg(layout: diagram.Layout | None = None) -> str:
    layout = layout or diagram.compute_layout()
    return diagram.render_svg(
        layout,
        gettext,
        title=gettext("The procedure: states of a case and the steps between them"),
        description=diagram.describe(layout, gettext),
    )


@bp.get("/")
@login_required
def index():
    _require_staff()
    return render_template("review/index.html")


@bp.get("/procedure")
@login_required
def procedure_page():
    _require_staff()
    policy = current_app.config["POLICY"]
    layout = diagram.compute_layout()
    steps = procedure_doc.steps(policy, gettext)
    transitions = [(t.source, t, t.target) for t in layout.transitions]
    return render_template(
        "review/procedure.html",
        diagram=Markup(_diagram_svg(layout)),
        steps=steps,
        transitions=transitions,
        numbers=layout.numbers,
        states=procedure_doc.states(policy, gettext),
        settings=procedure_doc.settings(policy, gettext),
    )


@bp.get("/procedure.svg")
@login_required
def procedure_svg():
    _require_staff()
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + _diagram_svg(), mimetype="image/svg+xml"
    )


class PeriodForm(PeriodQuery):
    """The period of the page and the exports: the same checks, the reader's language."""

    @staticmethod
    def too_long(months: int, max_months: int) -> str:
        return gettext(
            "The period covers %(months)s months; a report covers at most %(max)s. Choose a later "
            "start.",
            months=months,
            max=max_months,
        )


def _period_or_errors():
    try:
        # The form sends empty fields for an open period.
        return PeriodForm().load(
            {key: value for key, value in request.args.items() if value != ""}
        ), None
    except ValidationError as error:
        return None, error.messages


@bp.get("/statistics")
@login_required
def statistics():
    _require_statistics_reader()
    period, errors = _period_or_errors()
    if errors:
        return render_template(
            "review/statistics.html", report=None, errors=errors, args=request.args
        ), 422
    report = current_report(period)
    tables = [(table, Markup(charts.bar_chart(table, gettext))) for table in report.tables]
    export_args = {
        key: value for key, value in request.args.items() if key in ("from", "to", "lang")
    }
    return render_template(
        "review/statistics.html",
        report=report,
        tables=tables,
        errors=None,
        args=request.args,
        time_chart=Markup(charts.time_chart(report.figures, gettext)),
        export_args=export_args,
    )


def _export(render, mimetype: str, extension: str):
    _require_statistics_reader()
    period, errors = _period_or_errors()
    if errors:
        text = "\n".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
        return Response(text + "\n", status=422, mimetype="text/plain")
    report = current_report(period)
    stamp = report.generated_on.isoformat()
    response = Response(render(report, gettext), mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="sdp-statistics-{stamp}.{extension}"'
    )
    return response


@bp.get("/statistics.csv")
@login_required
def statistics_csv():
    # The byte order mark tells Excel on Windows the file is UTF-8 ("José", not "JosÃ©"); the
    # charset is given once (a mimetype with one would get a second from werkzeug).
    response = _export(lambda *args: "\ufeff" + to_csv(*args), "text/csv", "csv")
    if response.status_code == 200:
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


@bp.get("/statistics.xlsx")
@login_required
def statistics_xlsx():
    return _export(to_xlsx, XLSX, "xlsx")
