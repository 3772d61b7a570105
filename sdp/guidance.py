"""Help for staff: what each role does, in the procedure's own words, and a glossary of its terms
in Spanish, English and Portuguese.

Nothing here is written twice: a role's steps are the steps of ``sdp/domain/procedure.py`` that
the role may take, as ``sdp/review/procedure_doc.py`` words them for ``docs/procedure.md``; the
glossary's terms are the vocabulary's labels (``sdp/domain/vocabulary.py``) and the states'
descriptions, translated through the app's catalogues. Only the one-line summary of each role
is written here.
"""

from flask import Blueprint, abort, current_app, render_template
from flask_babel import force_locale, gettext
from flask_login import current_user, login_required

from .domain import vocabulary
from .domain.procedure import STATES
from .domain.vocabulary import N_, Role
from .review.procedure_doc import steps
from .web import LANGUAGE_NAMES

bp = Blueprint("help", __name__, url_prefix="/help")

ROLE_SUMMARIES: dict[Role, str] = {
    Role.INTAKE_OFFICER: N_(
        "Registers applications, made by the person or ex officio by an authority, with their "
        "dependants; the applicant receives a provisional certificate. Records detention, "
        "vulnerabilities and the guardian of an unaccompanied child."
    ),
    Role.CASE_OFFICER: N_(
        "Examines the cases assigned to them: the relevant States of each person, the evidence, "
        "inquiries to States with the person's consent, the interview, a finding on each State and "
        "a recommendation."
    ),
    Role.DECISION_MAKER: N_(
        "Decides the cases they did not examine, in writing, with a finding and reasons for each "
        "relevant State; decides proposals of cessation or cancellation they did not make."
    ),
    Role.APPEALS_OFFICER: N_(
        "Decides appeals against decisions they did not take: upholds or overturns the first "
        "decision."
    ),
    Role.REGISTRAR: N_(
        "Registers the births of children born in Peru to refugees and asylum seekers, who are "
        "Peruvian by birth whatever their parents' status."
    ),
    Role.SUPERVISOR: N_(
        "Assigns cases to case officers (detained people and children first), follows the time "
        "limits and each officer's workload, closes cases and refers people who appear to be "
        "Peruvian."
    ),
    Role.REVIEWER: N_(
        "Legislators: read the proposed procedure and its results in aggregate figures, never a "
        "person's data."
    ),
    Role.ADMIN: N_(
        "Manages user accounts and roles (a role that reads personal data takes effect when a "
        "second administrator approves it); sees no case data."
    ),
}

# The glossary's groups of terms: a heading and the vocabulary enumeration it lists.
GLOSSARY_GROUPS = (
    (N_("States of a case"), vocabulary.State),
    (N_("Roles"), vocabulary.Role),
    (N_("Relevant-State links"), vocabulary.Link),
    (N_("Findings on a State"), vocabulary.Finding),
    (N_("Inquiries to States"), vocabulary.InquiryStatus),
    (N_("Outcomes for a person"), vocabulary.PersonOutcome),
    (N_("Appeal outcomes"), vocabulary.AppealOutcome),
    (N_("Documents"), vocabulary.DocumentType),
    (N_("Priority"), vocabulary.Vulnerability),
)
GLOSSARY_LANGUAGES = ("es", "en", "pt")


def _definitions() -> dict:
    """What a term means, where the procedure says it: the states' and the roles' descriptions."""
    found: dict = {spec.state: spec.description for spec in STATES}
    found.update(ROLE_SUMMARIES)
    return found


def glossary() -> list[dict]:
    """Each group's terms: the code value, the term in each language, and its meaning (if the
    procedure defines it) in the reader's language."""
    definitions = _definitions()
    names = {}
    for language in GLOSSARY_LANGUAGES:
        with force_locale(language):
            names[language] = {
                member: gettext(vocabulary.label(member))
                for _heading, enum in GLOSSARY_GROUPS
                for member in enum
            }
    return [
        {
            "heading": gettext(heading),
            "id": enum.__name__.lower(),
            "terms": [
                {
                    "code": member.value,
                    "names": {language: names[language][member] for language in GLOSSARY_LANGUAGES},
                    "meaning": gettext(definitions[member]) if member in definitions else "",
                }
                for member in enum
            ],
        }
        for heading, enum in GLOSSARY_GROUPS
    ]


def steps_of(role: Role) -> list[dict]:
    """The steps of the procedure the role takes, numbered and worded as in docs/procedure.md."""

    return [
        step
        for step in steps(current_app.config["POLICY"], gettext)
        if role.value in {taker["name"] for taker in step["roles"]}
    ]


@bp.get("/")
@login_required
def index():
    return render_template(
        "help/index.html", roles=list(Role), own=current_user.roles, summaries=ROLE_SUMMARIES
    )


@bp.get("/roles/<role>")
@login_required
def role_page(role: str):
    try:
        chosen = Role(role)
    except ValueError:
        abort(404)
    return render_template(
        "help/role.html", role=chosen, summary=ROLE_SUMMARIES[chosen], steps=steps_of(chosen)
    )


@bp.get("/glossary")
@login_required
def glossary_page():

    return render_template(
        "help/glossary.html",
        groups=glossary(),
        languages=GLOSSARY_LANGUAGES,
        language_names=[LANGUAGE_NAMES[code] for code in GLOSSARY_LANGUAGES],
    )
