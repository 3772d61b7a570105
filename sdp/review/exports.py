"""The results as CSV and as an XLSX workbook: the same published figures as the page.

Both are written from the protected ``Report``: a figure withheld on the page is withheld in
the files ("<5" or "x" in place of the count).
"""

import csv
import io
import re
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..domain.disclosure import TOTAL
from ..domain.vocabulary import N_
from .report import SUPPRESSION_NOTE, Report

CSV_HEADER = ("table", "table_title", "row", "row_label", "column", "column_label", "value")


def _safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is given a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _about(report: Report, translate: Callable[[str], str]) -> list[tuple[str, str, Any]]:

    _ = translate
    period = report.period
    return [
        ("period_from", _("Period from"), period.start.isoformat() if period.start else ""),
        ("period_to", _("Period to"), period.end.isoformat() if period.end else ""),
        ("generated_on", _("Generated on"), report.generated_on.isoformat()),
        ("note", _("Disclosure control"), _(SUPPRESSION_NOTE)),
    ]


def _figure_rows(report: Report) -> list[tuple[str, str, Any]]:
    rows = []
    for name, fields in report.figures.items():
        for field, value in fields.items():
            rows.append((name, field, "" if value is None else value))
    return rows


def to_csv(report: Report, translate: Callable[[str], str] = lambda text: text) -> str:
    """One line per figure: table, row, column and the published value (tidy, for any tool)."""
    _ = translate
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for key, text, value in _about(report, _):
        writer.writerow(["about", _("About these figures"), key, text, "", "", _safe(value)])
    for table in report.tables:
        for row in [*table.rows, None]:
            row_key, row_label = (row.key, row.label) if row else (TOTAL, table.total_label)
            for index, (column, column_label) in enumerate(table.columns):
                value = row.cells[index] if row else table.totals[index]
                writer.writerow(
                    [
                        table.id,
                        _safe(table.title),
                        row_key,
                        _safe(row_label),
                        column,
                        _safe(column_label),
                        value,
                    ]
                )
            if table.has_row_totals:
                writer.writerow(
                    [
                        table.id,
                        _safe(table.title),
                        row_key,
                        _safe(row_label),
                        TOTAL,
                        _safe(table.total_label),
                        row.total if row else table.total,
                    ]
                )
    for name, field, value in _figure_rows(report):
        writer.writerow(["figures", _("Rates and times"), name, "", field, "", value])
    return buffer.getvalue()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31  # Excel refuses a longer sheet name (and openpyxl cuts it mid-word)
# Each table's sheet, named in whole words that fit Excel's limit in every language (a test reads
# the workbook back in es, en and pt); a table missing here is named by its title, shortened at a
# word boundary.
SHEET_NAMES = {
    "applications_by_month": N_("Applications by month"),
    "cases_by_state": N_("Cases by state"),
    "pending_and_overdue": N_("Pending and overdue"),
    "decisions_by_outcome": N_("Decisions by outcome"),
    "decisions_by_time_limit": N_("Decisions within time limit"),
    "inquiries_by_state": N_("Inquiries to States"),
    "appeals_by_outcome": N_("Appeals by outcome"),
    "births_by_parents_nationality": N_("Births by parents' nationality"),
    "births_by_nationality_basis": N_("Births by nationality basis"),
    "births_by_mother_nationality": N_("Births by mother's nationality"),
    "documents_by_type": N_("Documents by type"),
}


def _whole_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary (a single word longer than
    the limit is the only thing cut inside)."""
    words = text.split()
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > limit:
            break
        kept = candidate
    # Excel also refuses an apostrophe at either end of a sheet name.
    return (kept or text[:limit]).strip(" ,;.-'")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _whole_words(_SHEET_FORBIDDEN.sub(" ", title), SHEET_NAME_LIMIT) or "Table"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = _whole_words(base, SHEET_NAME_LIMIT - len(suffix)) + suffix, n + 1
    used.add(name.lower())
    return name


def to_xlsx(report: Report, translate: Callable[[str], str] = lambda text: text) -> bytes:
    """A workbook: "About" (period, note, rates and times), then one sheet per table."""
    _ = translate
    workbook = Workbook()
    about = workbook.active
    used: set[str] = set()
    about.title = _sheet_name(_("About"), used)
    bold = Font(bold=True)
    right = Alignment(horizontal="right")
    about.append([_("Results of the statelessness determination procedure")])
    about["A1"].font = Font(bold=True, size=14)
    for _key, text, value in _about(report, _):
        about.append([text, _safe(value)])
    about.append([])
    about.append([_("Rates and times"), _("Figure"), _("Value")])
    for cell in about[about.max_row]:
        cell.font = bold
    for name, field, value in _figure_rows(report):
        about.append([name, field, value])
        if isinstance(value, str):
            about.cell(row=about.max_row, column=3).alignment = right
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 28
    about.column_dimensions["C"].width = 60

    for table in report.tables:
        short = SHEET_NAMES.get(table.id)
        sheet = workbook.create_sheet(_sheet_name(_(short) if short else table.title, used))
        sheet.append([_safe(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([_safe(table.description)])
        sheet.append([])
        header = [table.row_heading, *(label for _key, label in table.columns)]
        if table.has_row_totals:
            header.append(table.total_label)
        sheet.append([_safe(text) for text in header])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in [*table.rows, None]:
            values = list(row.cells) if row else list(table.totals)
            if table.has_row_totals:
                values.append(row.total if row else table.total)
            sheet.append([_safe(row.label if row else table.total_label), *values])
            if row is None:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
            for cell in sheet[sheet.max_row][1:]:
                if isinstance(cell.value, str):
                    cell.alignment = right
        sheet.column_dimensions["A"].width = 42
        for index in range(2, len(header) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
