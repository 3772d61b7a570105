"""What the cell-key noise costs on the demo data (docs/review.md, "What is lost").

    .venv/bin/python bench/cellkey_cost.py

Loads the demo data into a temporary SQLite database (SECRET_KEY ``demo-measure``), builds the
statistics report for the pilot to date twice, with the noise and with the true counts, and prints
how many published counts of 5 or more differ, by how much, and the headline figures of both.
"""

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="sdp-bench-cellkey-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'demo.sqlite'}"
    from sdp import clock, create_app
    from sdp.demo import load_demo_data
    from sdp.domain import cellkey, disclosure
    from sdp.extensions import db
    from sdp.review import report as report_module
    from sdp.review.queries import Period

    app = create_app({"SECRET_KEY": "demo-measure", "PUBLIC_BASE_URL": "https://sdp.example.pe"})
    with app.app_context():
        db.create_all()
        load_demo_data()
        policy = app.config["POLICY"]
        period = Period.within_the_pilot(
            None,
            None,
            today=clock.today(),
            pilot_start=policy.pilot_start,
            max_months=policy.statistics_max_period_months,
        )
        noisy = report_module.build_report(period, clock.today(), policy)
        true_perturb = cellkey.perturb
        cellkey.perturb = lambda count, key: count  # the true counts, for this measurement only
        try:
            exact = report_module.build_report(period, clock.today(), policy)
        finally:
            cellkey.perturb = true_perturb

    def counts(report):
        for table in report.tables:
            for row in table.rows:
                yield from row.cells
                if table.has_row_totals:  # a one-column table's row total is its cell
                    yield row.total
            yield from table.totals
            yield table.total

    differences = [
        abs(a - b)
        for a, b in zip(counts(noisy), counts(exact), strict=True)
        if disclosure.is_published(b) and isinstance(b, int) and b >= 5
    ]
    changed = [d for d in differences if d]
    print(
        f"period {period.start} .. {period.end}; published counts of 5 or more: "
        f"{len(differences)}; changed: {len(changed)}; mean change "
        f"{statistics.mean(differences):.2f}; largest {max(differences)}"
    )
    marks = [value for value in counts(noisy) if isinstance(value, str)]
    print(f"withheld (x): {marks.count('x')}; small (<5): {marks.count('<5')}")
    for shown, true in zip(noisy.tables, exact.tables, strict=True):
        print(f"  table {shown.id}: total {shown.total} (true {true.total})")
    for name in noisy.figures if isinstance(noisy.figures, dict) else []:
        print(f"  {name}: {noisy.figures[name]} (true {exact.figures[name]})")
    if not isinstance(noisy.figures, dict):
        print("  figures:", noisy.figures)
        print("  true:   ", exact.figures)


if __name__ == "__main__":
    main()
