"""The decision letter: the decision, the findings on each relevant State, the reasons, the appeal,
in each of the letter's languages (the Spanish text is authoritative)."""

from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from ...domain.vocabulary import (
    DecisionOutcome,
    ExclusionGround,
    Finding,
    Link,
    PersonOutcome,
    State,
    label,
)
from ..i18n import T_, T, country_name, current_language
from ..models import Document
from .drawing import (
    CELL,
    HEADING,
    MUTED,
    SMALL,
    P,
    bold,
    build,
    e,
    fields_table,
    header_block,
    holder_rows,
    italic,
    long_date,
    validity_rows,
    verification_note,
    with_qr,
)

APPEAL_OUTCOMES = {
    "upheld": T_("the first decision stands"),
    "overturned": T_("the first decision is overturned"),
}


def _findings_table(findings: list[dict]) -> Table:
    language = current_language()
    heads = (T_("State"), T_("Links"), T_("Finding"), T_("Reasoning"))
    data = [[P(bold(T(name)), CELL) for name in heads]]
    for finding in findings:
        links = ", ".join(T(label(Link(link))) for link in finding.get("links") or [])
        data.append(
            [
                P(e(country_name(finding["country"], language)), CELL),
                P(e(links), CELL),
                P(e(T(label(Finding(finding["finding"])))), CELL),
                P(e(finding.get("reasoning") or "—"), CELL),
            ]
        )
    table = Table(data, colWidths=[30 * mm, 35 * mm, 25 * mm, 80 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, MUTED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def _outcome_sentence(decision: dict) -> str:
    outcome = decision["outcome"]
    if outcome == DecisionOutcome.RECOGNIZED:
        return T(
            "The applicant is recognised as a stateless person: no State considers them a national "
            "under the operation of its law (1954 Convention, Article 1(1))."
        )
    if outcome == PersonOutcome.FAMILY_UNITY:
        return T(
            "The person is not recognised as a stateless person: a State considers them a "
            "national. They keep residence in Peru for family unity with a family member "
            "recognised as stateless in the same decision (proposal of the regulation). This "
            "letter is not a statelessness document."
        )
    if outcome == DecisionOutcome.EXCLUDED:
        ground = decision.get("exclusion_ground")
        return T(
            "The applicant is excluded from the protection of the 1954 Convention under its "
            "Article 1(2): %(ground)s.",
            ground=e(T(label(ExclusionGround(ground)))) if ground else "—",
        )
    return T("The application for recognition as a stateless person is rejected.")


def _final_outcome(state: str | None) -> str:
    if state == State.RECOGNIZED:
        return T("As a result, the applicant is recognised as a stateless person.")
    return T("As a result, the application stands rejected.")


def _letter_section(document: Document, language: str) -> list:
    content = document.content or {}
    decision, appeal = content["decision"], content.get("appeal")
    story = []
    if language != "es":
        story.append(P(italic(T("Translation. The Spanish text is authoritative.")), SMALL))
    story += header_block(
        T("Decision on the application for recognition as a stateless person"),
        T("Case %(case)s", case=content.get("case_number", "")),
    )
    rows = (
        holder_rows(document)
        + [
            (T("Decided on"), long_date(decision.get("decided_on"))),
            (T("Notified on"), long_date(decision.get("notified_on"))),
        ]
        + validity_rows(document)
    )
    story += [
        with_qr(fields_table(rows, 118 * mm), document),
        Spacer(1, 4 * mm),
        P(T("Decision"), HEADING),
        P(e(_outcome_sentence(decision))),
        P(T("Findings on each relevant State"), HEADING),
        P(
            T(
                "The examination looked at each State with which the applicant has a relevant "
                "link, and whether that State considers them a national under the operation of its "
                "law, in law and in practice."
            ),
            SMALL,
        ),
        _findings_table(decision.get("findings") or []),
        P(T("Reasons"), HEADING),
        P(e(decision.get("reasons", "")).replace("\n", "<br/>")),
    ]
    if decision.get("decided_by"):
        story.append(
            P(
                T(
                    "Decided by %(name)s, decision-maker, who did not examine the case.",
                    name=e(decision["decided_by"]),
                ),
                SMALL,
            )
        )
    story.append(P(T("Appeal"), HEADING))
    if appeal and appeal.get("outcome"):
        story += [
            P(
                T(
                    "An appeal was lodged on %(lodged)s and decided on %(decided)s: %(outcome)s.",
                    lodged=long_date(appeal.get("lodged_on")),
                    decided=long_date(appeal.get("decided_on")),
                    outcome=e(T(APPEAL_OUTCOMES[appeal["outcome"]])),
                )
            ),
            P(e(appeal.get("reasons") or "")),
            P(_final_outcome(content.get("final_state"))),
            P(T("This decision is final.")),
        ]
    elif appeal:
        story.append(
            P(
                T(
                    "An appeal was lodged on %(date)s and is pending. The appeal has suspensive "
                    "effect: the applicant remains protected and may not be removed until it is "
                    "decided.",
                    date=long_date(appeal.get("lodged_on")),
                )
            )
        )
    elif decision["outcome"] == DecisionOutcome.RECOGNIZED:
        story.append(
            P(
                T(
                    "The recognition is final on notification. The holder is entitled to an "
                    "identity document (Article 27), a travel document (Article 28) and residence "
                    "in Peru."
                )
            )
        )
        # Law 32421 gives no shorter route today: the letter states the law as it is, and names
        # the facilitated route (1954 Convention, Art. 32) as the proposal it is.
        story.append(
            P(
                T(
                    "Naturalization: under the law in force (Law 32421), the holder may apply for "
                    "Peruvian nationality after %(years)s years of residence, with the law's other "
                    "requirements.",
                    years=content.get("naturalization_general_years", ""),
                )
            )
        )
        story.append(
            P(
                T(
                    "Proposal, not yet law: the proposed regulation would allow facilitated "
                    "naturalization after %(years)s years as a recognised stateless person, "
                    "without the documents a stateless person cannot obtain (Article 32 of the "
                    "1954 Convention). It needs a change of law.",
                    years=content.get("naturalization_years", ""),
                )
            )
        )
    else:
        story.append(
            P(
                T(
                    "You may appeal this decision within %(days)s working days of its "
                    "notification, that is by %(date)s at the latest. The appeal may be lodged "
                    "orally or in writing at the office that registered the application, at no "
                    "cost, with the help of a legal representative if you wish (TUO Ley 27444, "
                    "Articles 218 to 220). Under the proposed regulation it has suspensive effect: "
                    "you remain protected and may not be removed until it is decided.",
                    days=content.get("appeal_window_working_days", ""),
                    date=f"<b>{long_date(decision.get('appeal_due'))}</b>",
                )
            )
        )
    story += [Spacer(1, 4 * mm), verification_note(document)]
    return story


def decision_letter(document: Document) -> bytes:
    languages = (document.languages or "es").split()
    story = []
    for index, language in enumerate(languages):
        if index:
            story.append(PageBreak())
        with force_locale(language):
            story += _letter_section(document, language)
    with force_locale("es"):
        title = T("Decision letter")
    return build(document, story, title)
