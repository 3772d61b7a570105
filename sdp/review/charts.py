"""Charts of the results as SVG drawn on the server: no JavaScript, printable in black and white.

A withheld figure is drawn as a hatched bar over the range the reader already knows, labelled
with its mark: "<5" from 0 to 4 (it is 1 to 4), "x" from 0 to 5 (it is 5 or more). A month with a
withheld figure must not look like a month with none, and a bar over the known bound gives
nothing away that the mark does not. Series are told apart by pattern as well as shade, so a grey
print keeps them apart; each chart names its table, which holds the same figures as text.
"""

from collections.abc import Callable
from html import escape

from ..domain.disclosure import is_published
from .report import PublishedTable

FONT = 12
BAR_H, BAR_GAP, GROUP_GAP = 14, 3, 12
LABEL_CHARS = 34  # longer row labels are cut (the table beside has them whole)
CHART_W = 560
# (fill, pattern) per series: dark solid, mid with stripes, light with dots
SERIES = (("#1d1d1b", None), ("#6f777b", "stripes"), ("#b1b4b6", "dots"), ("#505a5f", "cross"))


def _patterns(prefix: str) -> str:
    return (
        f'<pattern id="{prefix}-stripes" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#6f777b"/><rect width="2" '
        f'height="6" fill="#ffffff"/></pattern><pattern id="{prefix}-dots" width="5" height="5" '
        'patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#b1b4b6"/><circle '
        f'cx="2.5" cy="2.5" r="1.2" fill="#000000"/></pattern><pattern id="{prefix}-cross" '
        'width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" '
        'fill="#505a5f"/><path d="M0,0 L6,6 M6,0 L0,6" stroke="#ffffff" '
        'stroke-width="1"/></pattern>'
    )


def _withheld_pattern(prefix: str) -> str:
    return (
        f'<pattern id="{prefix}-withheld" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(-45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="1.5" height="6" fill="#0b0c0c"/></pattern>'
    )


# What the reader knows of a withheld figure: the upper end of its hatched bar.
WITHHELD_BOUND = {"<5": 4, "x": 5}


def _fill(prefix: str, index: int) -> str:
    colour, pattern = SERIES[index % len(SERIES)]
    return f"url(#{prefix}-{pattern})" if pattern else colour


def _cut(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def bar_chart(table: PublishedTable, translate: Callable[[str], str] = lambda text: text) -> str:
    """Horizontal bars, one group per row of the table and one bar per column."""
    _ = translate
    prefix = f"chart-{table.id}"
    series = len(table.columns)
    labels = [_cut(row.label) for row in table.rows]
    label_w = min(LABEL_CHARS, max((len(text) for text in labels), default=4)) * 6.6 + 12
    withheld = any(not is_published(cell) for row in table.rows for cell in row.cells)
    legend_h = 26 * ((series > 1) + withheld)
    group_h = series * BAR_H + (series - 1) * BAR_GAP + GROUP_GAP
    plot_top = 8 + legend_h
    height = plot_top + max(1, len(table.rows)) * group_h + 10
    plot_w = CHART_W - label_w - 48
    values = [cell for row in table.rows for cell in row.cells if is_published(cell)]
    largest = max(values + [WITHHELD_BOUND["x"] if withheld else 0])
    title = _("Chart: %(title)s") % {"title": table.title}
    description = _(
        'Bars for the figures of the table "%(title)s"; a figure withheld is a hatched bar over '
        'what is known of it: "<5" is 1 to 4, "x" is 5 or more.'
    ) % {"title": table.title}
    withheld_key = _("Hatched: withheld (<5: 1 to 4; x: 5 or more)")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W} {height:.0f}" '
        f'width="{CHART_W}" height="{height:.0f}" role="img" aria-labelledby="{prefix}-title '
        f'{prefix}-desc" font-family="sans-serif" class="chart">',
        f'<title id="{prefix}-title">{escape(title)}</title><desc '
        f'id="{prefix}-desc">{escape(description)}</desc>',
        f"<defs>{_patterns(prefix)}{_withheld_pattern(prefix)}</defs>",
    ]
    if withheld:
        y = 6 + 26 * (series > 1)
        out.append(
            f'<rect x="{label_w:.0f}" y="{y}" width="14" height="14" '
            f'fill="url(#{prefix}-withheld)" stroke="#000000" stroke-width="0.5"/><text '
            f'x="{label_w + 19:.0f}" y="{y + 11}" font-size="{FONT}">{escape(withheld_key)}</text>'
        )
    if series > 1:
        x = label_w
        for index, (_key, name) in enumerate(table.columns):
            out.append(
                f'<rect x="{x:.0f}" y="6" width="14" height="14" fill="{_fill(prefix, index)}" '
                f'stroke="#000000" stroke-width="0.5"/><text x="{x + 19:.0f}" y="17" '
                f'font-size="{FONT}">{escape(name)}</text>'
            )
            x += 30 + len(name) * 6.6
    if not table.rows:
        empty = _("No figures in this period.")
        out.append(f'<text x="0" y="{plot_top + 16}" font-size="{FONT}">{escape(empty)}</text>')
    for r, row in enumerate(table.rows):
        top = plot_top + r * group_h
        middle = top + (series * BAR_H + (series - 1) * BAR_GAP) / 2 + 4
        out.append(
            f'<text x="{label_w - 8:.0f}" y="{middle:.0f}" font-size="{FONT}" text-anchor="end">'
            f"{escape(labels[r])}</text>"
        )
        for index, cell in enumerate(row.cells):
            y = top + index * (BAR_H + BAR_GAP)
            if is_published(cell):
                length = plot_w * cell / largest if largest else 0
                if length:
                    out.append(
                        f'<rect class="bar" x="{label_w:.0f}" y="{y:.0f}" width="{length:.1f}" '
                        f'height="{BAR_H}" fill="{_fill(prefix, index)}" stroke="#000000" '
                        'stroke-width="0.5"/>'
                    )
                out.append(
                    f'<text x="{label_w + length + 4:.1f}" y="{y + BAR_H - 3:.0f}" '
                    f'font-size="11">{cell}</text>'
                )
            else:
                length = max(plot_w * WITHHELD_BOUND.get(str(cell), 0) / largest, 10)
                out.append(
                    f'<rect class="bar-withheld" x="{label_w:.0f}" y="{y:.0f}" '
                    f'width="{length:.1f}" height="{BAR_H}" fill="url(#{prefix}-withheld)" '
                    'stroke="#000000" stroke-width="0.5"/>'
                )
                out.append(
                    f'<text x="{label_w + length + 4:.1f}" y="{y + BAR_H - 3:.0f}" font-size="11" '
                    'font-style="italic">'
                    f"{escape(str(cell))}</text>"
                )
    out.append(
        f'<line x1="{label_w:.0f}" y1="{plot_top - 2}" x2="{label_w:.0f}" y2="{height - 8:.0f}" '
        f'stroke="#000000" stroke-width="1"/>'
    )
    out.append("</svg>")
    return "".join(out)


def time_chart(figures: dict, translate: Callable[[str], str] = lambda text: text) -> str:
    """Median and 90th percentile of the days to a decision, against the time limit."""
    _ = translate
    timing = figures["decision_time"]
    limit = timing["time_limit_days"]
    bars = [(_("Median"), timing["median_days"]), (_("90th percentile"), timing["p90_days"])]
    known = [value for _name, value in bars if isinstance(value, int)]
    scale_max = max([limit, *known]) * 1.1
    label_w, plot_w, height = 130, CHART_W - 130 - 70, 110
    prefix = "chart-decision-time"
    # texts outside the f-strings, where pybabel can extract them
    title = _("Chart: days from registration to decision")
    description = _(
        "Median and 90th percentile of the days from registration to the first-instance decision, "
        "against the time limit of %(days)d days."
    ) % {"days": limit}
    limit_text = _("time limit: %(months)d months (about %(days)d days)") % {
        "months": timing["time_limit_months"],
        "days": limit,
    }
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W} {height}" '
        f'width="{CHART_W}" height="{height}" role="img" aria-labelledby="{prefix}-title '
        f'{prefix}-desc" font-family="sans-serif" class="chart">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
    ]
    for i, (name, value) in enumerate(bars):
        y = 14 + i * 30
        out.append(
            f'<text x="{label_w - 8}" y="{y + 14}" font-size="{FONT}" '
            f'text-anchor="end">{escape(name)}</text>'
        )
        if isinstance(value, int):
            length = plot_w * value / scale_max
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="18" '
                f'fill="{_fill(prefix, 0)}"/>'
            )
            days = _("%(days)d days") % {"days": value}
            out.append(
                f'<text x="{label_w + length + 4:.1f}" y="{y + 14}" '
                f'font-size="11">{escape(days)}</text>'
            )
        else:
            text = _("withheld (too few decisions)") if value else _("no decisions")
            out.append(
                f'<text x="{label_w + 4}" y="{y + 14}" font-size="11" '
                f'font-style="italic">{escape(text)}</text>'
            )
    x = label_w + plot_w * limit / scale_max
    out.append(
        f'<line x1="{x:.1f}" y1="6" x2="{x:.1f}" y2="76" stroke="#000000" stroke-width="2" '
        'stroke-dasharray="5,3"/>'
    )
    out.append(
        f'<text x="{x:.1f}" y="96" font-size="11" text-anchor="middle">{escape(limit_text)}</text>'
    )
    out.append(
        f'<line x1="{label_w}" y1="6" x2="{label_w}" y2="76" stroke="#000000" stroke-width="1"/>'
    )
    out.append("</svg>")
    return "".join(out)
