"""The case overview (GOV.UK "task list"): the procedure's steps for one case, each with its
status for the person looking, and the next thing to do.

The statuses come from ``procedure.action_choices``, the same answer the API gives: a step this
person may take now links to its page; a step the case is not ready for says the procedure's
reason; a step that is someone else's says whose.
"""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext

from ..domain import procedure
from ..domain.deadlines import DeadlineKind, RunningDeadline
from ..domain.vocabulary import Finding, Role
from .models import Application

# The steps of the procedure in the order a case goes through them. The examination's evidence,
# inquiries and interview are steps too: the officer should see them, though none blocks the next.
MAIN_STEPS = (
    "assign",
    "add_relevant_state",
    "record_evidence",
    "send_inquiry",
    "record_interview",
    "record_finding",
    "recommend",
    "decide",
)
# Shown once they apply: an appeal after a decision, documents after a decision.
AFTER_DECISION = ("lodge_appeal", "decide_appeal")
# Actions on one row of the case (a State, an inquiry, a person): linked from that row, not the
# list.
ROW_ACTIONS = frozenset(
    {
        "record_finding",
        "record_inquiry_response",
        "record_referral_outcome",
        "record_proceeding_reply",
        "decide_proceeding",
        "lodge_proceeding_appeal",
        "decide_proceeding_appeal",
    }
)

DONE, YOURS, OTHERS, CANNOT_START = "done", "yours", "others", "cannot_start"


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    status: str
    url: str | None = None
    reason: str | None = None  # why it cannot start yet, or whose step it is


def action_url(application: Application, name: str, target=None) -> str:
    slug = name.replace("_", "-")
    if target is None:
        return url_for("cases_web.action", application_id=application.id, slug=slug)
    return url_for("cases_web.action", application_id=application.id, slug=slug, target=target)


def who_takes(action: procedure.Action) -> str:
    """The roles that take an action, in words ("the assigned case officer" where it is theirs
    alone)."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..web import label

    names = []
    for role in sorted(action.roles):
        if role in action.assigned_only and role == Role.CASE_OFFICER:
            names.append(gettext("the assigned case officer"))
        else:
            names.append(label("Role", role))
    return ", ".join(names)


def _done(application: Application, case: dict, name: str) -> bool:
    if name == "assign":
        return application.case_officer_id is not None
    if name == "add_relevant_state":
        return bool(application.relevant_states)
    if name == "record_evidence":
        return bool(application.evidence)
    if name == "send_inquiry":
        return bool(application.inquiries)
    if name == "record_interview":
        return bool(application.interviews)
    if name == "record_finding":
        return bool(application.relevant_states) and all(
            rs.finding != Finding.UNDETERMINED for rs in application.relevant_states
        )
    if name == "recommend":
        return application.recommendation is not None
    if name == "decide":
        return application.decision is not None
    if name == "lodge_appeal":
        return any(person.get("appeal") for person in case["persons"])
    if name == "decide_appeal":
        return any((person.get("appeal") or {}).get("outcome") for person in case["persons"])
    if name == "issue_document":
        return any(document["type"] == "identity_document" for document in case["documents"])
    return False


def _target(application: Application, name: str):
    """The row a step's link opens: the first relevant State still undetermined."""
    if name == "record_finding":
        return next(
            (rs.id for rs in application.relevant_states if rs.finding == Finding.UNDETERMINED),
            None,
        )
    return None


def steps(
    application: Application,
    case: dict,
    choices: list[procedure.ActionChoice],
    message,
    may_issue_identity_document: bool = False,
) -> list[Step]:
    """The task list. ``message`` turns a procedure's refusal into the user's language; issuing a
    document is asked of the procedure for one type (``may_issue_identity_document``), as the
    documents page does."""
    by_name = {choice.action.name: choice for choice in choices}
    names = list(MAIN_STEPS)
    if application.decision is not None:
        names += [
            name
            for name in AFTER_DECISION
            if name == "lodge_appeal"
            and (by_name[name].not_now is None or _done(application, case, name))
            or name == "decide_appeal"
            and _done(application, case, "lodge_appeal")
        ]
    result = [Step("register", gettext(procedure.ACTIONS_BY_NAME["register"].title), DONE)]
    for name in names:
        choice = by_name[name]
        title = gettext(choice.action.title)
        if _done(application, case, name):
            result.append(Step(name, title, DONE))
        elif choice.allowed and name == "record_finding" and _target(application, name) is None:
            # The procedure lets the officer record findings; there is no State to find on yet.
            result.append(
                Step(name, title, CANNOT_START, reason=gettext("Add a relevant State first."))
            )
        elif choice.allowed:
            target = _target(application, name)
            result.append(Step(name, title, YOURS, action_url(application, name, target)))
        elif choice.not_now is not None:
            result.append(Step(name, title, CANNOT_START, reason=message(choice.not_now)))
        else:
            result.append(Step(name, title, OTHERS, reason=who_takes(choice.action)))
    if application.decision is not None:
        documents = by_name["issue_document"]
        done = _done(application, case, "issue_document")
        allowed = may_issue_identity_document
        result.append(
            Step(
                "issue_document",
                gettext(documents.action.title),
                DONE if done else YOURS if allowed else OTHERS,
                url_for("documents_web.issue_question", application_id=application.id)
                if allowed and not done
                else None,
                None if done or allowed else who_takes(documents.action),
            )
        )
    return result


def next_step(task_list: list[Step]) -> Step | None:
    """The first step that is this person's to take; else the first that waits on someone else."""
    return next((step for step in task_list if step.status == YOURS), None) or next(
        (step for step in task_list if step.status == OTHERS), None
    )


def other_actions(
    application: Application, choices: list[procedure.ActionChoice], task_list: list[Step]
) -> list[tuple[str, str, str]]:
    """What else this person may do now (withdraw, close, extend, refer, ...), as (name, title,
    url)."""
    in_list = {step.name for step in task_list}
    return [
        (
            choice.action.name,
            gettext(choice.action.title),
            action_url(application, choice.action.name),
        )
        for choice in choices
        if choice.allowed
        and choice.action.name not in in_list
        and choice.action.name not in ROW_ACTIONS
        and choice.action.name != "issue_document"
    ]


def running_deadline(application: Application, case: dict, today: date) -> RunningDeadline | None:
    """The time limit running now: the case's own (``Application.running_deadline``), else a
    person's appeal awaiting its decision, the appeal window, or a reply to a proposal."""
    running = application.running_deadline(today)
    if running and running.kind != DeadlineKind.APPEAL_WINDOW:
        return running
    for person in case["persons"]:
        appeal = person.get("appeal")
        if appeal and not appeal.get("outcome") and appeal.get("decision_due"):
            return RunningDeadline(DeadlineKind.APPEAL_DECISION, appeal["decision_due"])
    if case.get("decision") and not case["decision"]["final"] and case["decision"]["appeal_due"]:
        return RunningDeadline(DeadlineKind.APPEAL_WINDOW, case["decision"]["appeal_due"])
    for person in case["persons"]:
        for kind in ("cessation", "cancellation"):
            proceeding = person.get(kind)
            if proceeding and proceeding["status"] == "proposed" and proceeding.get("reply_due"):
                return RunningDeadline(DeadlineKind.REPLY, proceeding["reply_due"])
    return None
