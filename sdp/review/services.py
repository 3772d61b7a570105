"""The report for the current request: today's date in Lima, the policy in force, and names in
the reader's language."""

from datetime import date

from flask import current_app
from flask_babel import format_date, get_locale, gettext

from .. import clock
from ..schemas import country_name
from .queries import Period
from .report import Labels, Report, build_report


def _month(year: int, month: int) -> str:
    return format_date(date(year, month, 1), "LLLL y")


def _country(code: str) -> str:
    locale = get_locale()
    return country_name(code, str(locale) if locale else "en")


def localized_labels() -> Labels:
    return Labels(translate=gettext, month=_month, country=_country)


def current_report(period: Period) -> Report:
    return build_report(period, clock.today(), current_app.config["POLICY"], localized_labels())
