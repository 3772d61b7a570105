"""``docs/procedure.md``, written from the procedure definition for legislators.

The document is generated, never edited by hand: ``flask --app sdp procedure-doc``
rewrites it, and a test fails when the file in the repository differs from what the
definition gives.
"""

from collections.abc import Callable
from pathlib import Path

from babel.support import Translations

from ..births.procedure_section import birth_registration_section
from ..documents.procedure_doc import documents_section
from ..domain import procedure
from ..domain.policy import PolicySettings
from ..domain.vocabulary import N_, Role, State, label

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
# The document in each language of the app, each file generated from the same definition.
FILES = {"en": "procedure.md", "es": "procedure.es.md", "pt": "procedure.pt.md"}
LANGUAGE_LINKS = (("English", FILES["en"]), ("Español", FILES["es"]), ("Português", FILES["pt"]))


def in_every_language(policy: PolicySettings) -> dict[str, str]:
    """File name -> the document in that language (the app's compiled catalogues translate it)."""
    return {
        file: render(policy, Translations.load(TRANSLATIONS, [locale]).gettext)
        for locale, file in FILES.items()
    }


# The introduction, a paragraph or a list item per string, so that each is translated whole.
INTRODUCTION = (
    N_(
        "This document describes the proposed procedure for recognising stateless persons in Peru, "
        "as the reference implementation enforces it. It is generated from the same definition the "
        "software runs (`sdp/domain/procedure.py` and `sdp/domain/policy.py`), so it cannot say "
        "one thing while the software does another."
    ),
    N_(
        'A **stateless person** is "a person who is not considered as a national by any State '
        'under the operation of its law" (1954 Convention relating to the Status of Stateless '
        "Persons, Art. 1(1)). Peru acceded to the 1954 and 1961 Conventions in 2014 and, in the "
        "Brazil Declaration and Plan of Action (2014), pledged to establish a statelessness "
        "determination procedure. Legislative Decree 1725 (2026) recognises the right to apply "
        "whatever one's migration status; recognition is declaratory. This procedure is a proposal "
        "for the regulation that Decree leaves open."
    ),
    N_("Principles that apply at every step:"),
)
PRINCIPLES = (
    N_(
        "**Access**: anyone in Peru may apply, orally or in writing, at no cost and with no "
        "deadline; an authority may open a case ex officio."
    ),
    N_(
        "**Protection while pending**: from registration until the final decision (including "
        "appeal), the applicant may stay, work, receive health care and education, and may not be "
        "removed."
    ),
    N_(
        "**Shared burden of proof**: the applicant and the examiner cooperate; statelessness is "
        "established *to a reasonable degree*. A State's silence is never held against the "
        "applicant."
    ),
    N_(
        "**Confidentiality**: the authorities of the State an asylum seeker or refugee fled are "
        "never contacted; the software refuses such an inquiry."
    ),
    N_(
        "**Four eyes**: the person who decides did not examine the case; the person who decides an "
        "appeal did not take the first decision. These rules apply to persons, even when one "
        "person holds several roles."
    ),
    N_("**Children first**: cases of children and vulnerable applicants are prioritised."),
)


def _time_limit(name: str | None, policy: PolicySettings, translate: Callable[[str], str]) -> str:
    if not name:
        return "—"
    setting = next(s for s in policy.describe() if s["name"] == name)
    return (
        f"{setting['value']} {translate(setting['unit'])} "
        f"({translate(setting['description']).lower()})"
    )


def states(
    policy: PolicySettings, translate: Callable[[str], str] = lambda text: text
) -> list[dict]:
    """The states of a case in words: what the page and the document both show."""
    _ = translate
    return [
        {
            "name": spec.state.value,
            "label": _(label(spec.state)),
            "description": _(spec.description),
            "time_limit": _time_limit(spec.time_limit, policy, _),
            "protected": spec.protected,
        }
        for spec in procedure.STATES
    ]


def steps(
    policy: PolicySettings, translate: Callable[[str], str] = lambda text: text
) -> list[dict]:
    """Each step in plain language, numbered as in the diagram: who takes it, from and to which
    states, the four-eyes rules and conditions, its time limit and its legal basis."""
    _ = translate
    result = []
    for number, action in enumerate(procedure.ACTIONS, start=1):
        result.append(
            {
                "number": number,
                "name": action.name,
                "title": _(action.title),
                "description": _(action.description),
                "roles": [
                    {"name": role.value, "label": _(label(role))} for role in sorted(action.roles)
                ],
                "assigned_only": [_(label(role)) for role in sorted(action.assigned_only)],
                "any_state": bool(action.sources) and set(action.sources) == set(State),
                "from": [{"name": s.value, "label": _(label(s))} for s in sorted(action.sources)],
                "to": [{"name": s.value, "label": _(label(s))} for s in action.targets],
                "four_eyes": [_(conflict.description) for conflict in action.conflicts],
                "conditions": [_(guard.description) for guard in action.guards],
                "time_limit": _time_limit(action.time_limit, policy, _)
                if action.time_limit
                else None,
                "legal_basis": [_(basis) for basis in action.legal_basis],
            }
        )
    return result


def settings(
    policy: PolicySettings, translate: Callable[[str], str] = lambda text: text
) -> list[dict]:
    """The policy settings: current value, default and source; every one a proposal."""
    _ = translate
    return [
        {
            **setting,
            "description": _(setting["description"]),
            "unit_label": _(setting["unit"]) if setting["unit"] else "",
            "source": _(setting["source"]),
            "changed": setting["value"] != setting["default"],
        }
        for setting in policy.describe()
    ]


def render(policy: PolicySettings, translate: Callable[[str], str] = lambda text: text) -> str:
    """The whole document in one language (``translate``: that language's gettext)."""
    _ = translate

    def heading(level: int, text: str) -> str:
        return "#" * level + " " + text

    def item(label_: str, text: str) -> str:
        return "- **" + label_ + "**: " + text

    def row(*cells: str) -> str:
        return "| " + " | ".join(cells) + " |"

    lines = [
        heading(1, _("The statelessness determination procedure of Peru (proposal)")),
        "",
        " · ".join(f"[{name}]({file})" for name, file in LANGUAGE_LINKS),
        "",
    ]
    for paragraph in INTRODUCTION:
        lines += [_(paragraph), ""]
    lines += ["- " + _(principle) for principle in PRINCIPLES]
    lines += [
        "",
        heading(2, _("States of a case")),
        "",
        row(_("State"), _("Meaning"), _("Time limit running"), _("Protected from removal")),
        "|---|---|---|---|",
    ]
    for state in states(policy, _):
        lines.append(
            row(
                f"`{state['name']}` {state['label']}",
                state["description"],
                state["time_limit"],
                _("yes") if state["protected"] else _("no"),
            )
        )
    lines += ["", heading(2, _("Steps")), ""]
    for step in steps(policy, _):
        lines += [
            heading(3, f"{step['number']}. {step['title']} (`{step['name']}`)"),
            "",
            step["description"],
            "",
        ]
        lines.append(
            item(
                _("Who"), ", ".join(f"{role['label']} (`{role['name']}`)" for role in step["roles"])
            )
        )
        if step["assigned_only"]:
            lines.append(item(_("Only on own cases"), ", ".join(step["assigned_only"])))
        if step["any_state"]:
            lines.append(item(_("From"), _("any state")))
        elif step["from"]:
            lines.append(item(_("From"), ", ".join(f"`{s['name']}`" for s in step["from"])))
        if step["to"]:
            lines.append(item(_("To"), ", ".join(f"`{s['name']}`" for s in step["to"])))
        lines += [item(_("Four eyes"), rule) for rule in step["four_eyes"]]
        lines += [item(_("Condition"), condition) for condition in step["conditions"]]
        if step["time_limit"]:
            lines.append(item(_("Time limit"), step["time_limit"]))
        if step["legal_basis"]:
            lines.append(item(_("Legal basis"), "; ".join(step["legal_basis"])))
        lines.append("")
    lines += [
        heading(2, _("Time limits and validities (proposals)")),
        "",
        row(_("Setting"), _("Value"), _("Default"), _("Source")),
        "|---|---|---|---|",
    ]
    for setting in settings(policy, _):
        lines.append(
            row(
                f"{setting['description']} (`{setting['name']}`)",
                f"{setting['value']} {setting['unit_label']}".strip(),
                str(setting["default"]),
                setting["source"],
            )
        )
    lines += ["", heading(2, _("Roles")), ""]
    lines += [f"- `{role.value}`: {_(label(role))}" for role in Role]
    for section in _feature_chapters():
        lines += ["", section(policy, _)]
    return "\n".join(lines).rstrip() + "\n"


def _feature_chapters() -> list[Callable[[PolicySettings, Callable[[str], str]], str]]:
    """The chapters the features write themselves, in the document's order. Named here, not
    registered by importing the features, so the document never depends on import order."""

    return [birth_registration_section, documents_section]
