"""Median time to render one PDF of each document type (issue 9 target: under 100 ms).

    .venv/bin/python bench/render_documents.py [--renders 200]

Loads the demo data into a temporary SQLite database (documents issued through the real
services, so each PDF carries its real content and signed QR code), adds a birth
registration and its birth record, then renders each type ``--renders`` times in one
process after a short warm-up (fonts are loaded once per process, as in a server).
Prints a Markdown table: the median and 90th percentile of a first render (the QR code made\nanew),
the median of a repeated render (QR code cached), and each PDF's size and pages.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=200, help="renders per document type")
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sdp-bench-documents-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite'}"
    from sqlalchemy import select

    from sdp import clock, create_app
    from sdp.births.models import BirthRegistration
    from sdp.demo import load_demo_data
    from sdp.documents import services
    from sdp.documents.models import Document
    from sdp.documents.render import qr_png, render_pdf
    from sdp.extensions import db

    app = create_app(
        {"DOCUMENT_KEYS_DIR": str(folder / "keys"), "PUBLIC_BASE_URL": "https://sdp.example.pe"}
    )
    with app.app_context():
        db.create_all()
        load_demo_data()
        birth = BirthRegistration(
            registration_number="NAC-BENCH-1",
            child_given_names="Conceição",
            child_family_names="Núñez Quispe",
            child_given_key="conceicao",
            child_family_key="nunez quispe",
            child_sex="F",
            child_date_of_birth=date(2026, 1, 5),
            birth_country="PE",
            birth_locality="Tumbes",
            foundling=False,
            nationality_country="PE",
            nationality_basis="ius_soli",
            registered_on=date(2026, 1, 20),
            late_registration=False,
            created_at=clock.now(),
            duplicate_key="bench: one child, rendered",
        )
        db.session.add(birth)
        db.session.commit()
        from sdp.auth.models import User

        registrar = db.session.execute(
            select(User).where(User.email == "registrar@demo.sdp.pe")
        ).scalar_one()
        services.issue_birth_record(registrar.principal, birth)
        chosen = {}
        for document in db.session.execute(select(Document).order_by(Document.id)).scalars():
            # the richest of each type: a bilingual letter rather than a Spanish-only one
            if document.type not in chosen or len((document.languages or "").split()) > len(
                (chosen[document.type].languages or "").split()
            ):
                chosen[document.type] = document
        print(
            f"{args.renders} renders of each type after {args.warmup} warm-up renders; "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n"
        )
        print(
            "| document | languages | pages | PDF size | first render: median wall | p90 wall | "
            "median CPU | repeated render (QR cached): median wall | median CPU |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for document_type, document in chosen.items():
            for _ in range(args.warmup):
                render_pdf(document)
            cold, cold_cpu, warm, warm_cpu = [], [], [], []
            for _ in range(args.renders):
                # As the first download of a document: its QR code is made anew.
                qr_png.cache_clear()
                start, start_cpu = time.perf_counter(), time.process_time()
                data = render_pdf(document)
                cold.append((time.perf_counter() - start) * 1000)
                cold_cpu.append((time.process_time() - start_cpu) * 1000)
                start, start_cpu = time.perf_counter(), time.process_time()
                render_pdf(document)
                warm.append((time.perf_counter() - start) * 1000)
                warm_cpu.append((time.process_time() - start_cpu) * 1000)
            cold.sort()
            p90 = cold[int(len(cold) * 0.9) - 1]
            pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page ")
            median = statistics.median
            print(
                f"| {document_type} | {document.languages} | {pages} | {len(data) / 1024:.0f} KiB "
                f"| {median(cold):.1f} ms | {p90:.1f} ms | {median(cold_cpu):.1f} ms | "
                f"{median(warm):.1f} ms | {median(warm_cpu):.1f} ms |"
            )
        print(f"\nload average during the run: {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
