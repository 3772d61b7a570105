from datetime import date

import pytest

from sdp.domain import procedure
from sdp.domain.determination import PersonFacts
from sdp.domain.procedure import ACTIONS, Actor, CaseFacts, Context, Forbidden, NotAllowedNow, check
from sdp.domain.vocabulary import DecisionOutcome, Finding, PersonOutcome, Role, State

TODAY = date(2026, 11, 30)
CTX = Context(today=TODAY)
OFFICER = Actor(id=1, roles=frozenset({Role.CASE_OFFICER}))
OTHER_OFFICER = Actor(id=9, roles=frozenset({Role.CASE_OFFICER}))
DECIDER = Actor(id=2, roles=frozenset({Role.DECISION_MAKER}))
APPEALS = Actor(id=3, roles=frozenset({Role.APPEALS_OFFICER}))
SMALL_OFFICE = Actor(id=1, roles=frozenset({Role.CASE_OFFICER, Role.DECISION_MAKER}))


def facts(**kwargs) -> CaseFacts:
    kwargs.setdefault("case_officer_id", OFFICER.id)
    return CaseFacts(**kwargs)


def test_every_action_names_roles_and_a_description():
    for action in ACTIONS:
        assert action.roles and action.title and action.description


def test_every_state_is_reachable_from_registration():
    reachable, frontier = {State.REGISTERED}, [State.REGISTERED]
    while frontier:
        state = frontier.pop()
        for action in ACTIONS:
            if state in action.sources:
                for target in action.targets:
                    if target not in reachable:
                        reachable.add(target)
                        frontier.append(target)
    assert reachable == set(State)


def test_recommendation_needs_a_finding_on_every_relevant_state():
    case = facts(
        state=State.UNDER_EXAMINATION, findings=(Finding.NOT_NATIONAL, Finding.UNDETERMINED)
    )
    with pytest.raises(NotAllowedNow, match="undetermined"):
        check("recommend", case, OFFICER, CTX)
    with pytest.raises(NotAllowedNow):
        check("recommend", facts(state=State.UNDER_EXAMINATION, findings=()), OFFICER, CTX)
    check(
        "recommend",
        facts(state=State.UNDER_EXAMINATION, findings=(Finding.NOT_NATIONAL, Finding.NATIONAL)),
        OFFICER,
        CTX,
    )


def test_only_the_assigned_case_officer_examines():
    case = facts(state=State.UNDER_EXAMINATION)
    check("add_relevant_state", case, OFFICER, CTX)
    with pytest.raises(Forbidden):
        check("add_relevant_state", case, OTHER_OFFICER, CTX)


def test_the_case_officer_cannot_decide_their_own_case_even_holding_the_role():
    case = facts(state=State.PENDING_DECISION)
    with pytest.raises(Forbidden, match="Four-eyes"):
        check("decide", case, SMALL_OFFICE, CTX)
    check("decide", case, DECIDER, CTX)


def test_the_first_instance_decider_cannot_decide_the_appeal():
    appellant = PersonFacts(
        person_id=1,
        name="A",
        outcome=PersonOutcome.REJECTED,
        appeal_due=date(2026, 12, 1),
        appeal_lodged=True,
    )
    case = facts(state=State.UNDER_APPEAL, decided_by_id=3, persons=(appellant,))
    with pytest.raises(Forbidden, match="Four-eyes"):
        check("decide_appeal", case, APPEALS, CTX)
    check(
        "decide_appeal",
        facts(state=State.UNDER_APPEAL, decided_by_id=2, persons=(appellant,)),
        APPEALS,
        CTX,
    )
    # Nobody's appeal awaits a decision: not allowed now
    with pytest.raises(NotAllowedNow):
        check(
            "decide_appeal",
            facts(
                state=State.UNDER_APPEAL,
                decided_by_id=2,
                persons=(PersonFacts(person_id=1, name="A", outcome=PersonOutcome.REJECTED),),
            ),
            APPEALS,
            CTX,
        )


def test_a_role_outside_the_action_is_forbidden():
    with pytest.raises(Forbidden):
        check("decide", facts(state=State.PENDING_DECISION), OFFICER, CTX)


def test_wrong_state_is_not_allowed_now():
    with pytest.raises(NotAllowedNow):
        check("decide", facts(state=State.UNDER_EXAMINATION), DECIDER, CTX)


def test_appeal_within_the_window_and_not_after():
    person = PersonFacts(
        person_id=1,
        name="A",
        outcome=PersonOutcome.REJECTED,
        appeal_due=date(2026, 12, 1),
        notified_on=date(2026, 11, 10),
    )
    rejected = facts(
        state=State.REJECTED,
        decision_outcome=DecisionOutcome.REJECTED,
        appeal_due=date(2026, 12, 1),
        notified_on=date(2026, 11, 10),
        persons=(person,),
    )
    check("lodge_appeal", rejected, OFFICER, Context(TODAY, {"lodged_on": date(2026, 12, 1)}))
    with pytest.raises(NotAllowedNow, match="closed on 2026-12-01"):
        check("lodge_appeal", rejected, OFFICER, Context(TODAY, {"lodged_on": date(2026, 12, 2)}))


def test_recognitions_are_not_appealable():
    person = PersonFacts(
        person_id=1, name="A", outcome=PersonOutcome.RECOGNIZED, appeal_due=date(2026, 12, 1)
    )
    recognized = facts(
        state=State.RECOGNIZED,
        decision_outcome=DecisionOutcome.RECOGNIZED,
        appeal_due=date(2026, 12, 1),
        persons=(person,),
    )
    with pytest.raises(NotAllowedNow):
        check("lodge_appeal", recognized, OFFICER, CTX)


def test_appeal_is_suspensive_and_protection_ends_when_a_rejection_is_final():
    open_window = facts(state=State.REJECTED, appeal_due=date(2026, 12, 1))
    assert open_window.protected_from_removal(TODAY)
    assert not open_window.protected_from_removal(date(2026, 12, 2))
    assert facts(state=State.UNDER_APPEAL).protected_from_removal(date(2030, 1, 1))
    appealed_and_upheld = facts(
        state=State.REJECTED, appeal_due=date(2026, 12, 1), appeal_lodged=True
    )
    assert not appealed_and_upheld.protected_from_removal(TODAY)
    assert facts(state=State.RECOGNIZED).protected_from_removal(TODAY)
    assert not facts(state=State.WITHDRAWN).protected_from_removal(TODAY)


def test_extension_only_once_for_any_stated_reason():
    check("extend_decision_due", facts(state=State.UNDER_EXAMINATION), OFFICER, CTX)
    # No pending inquiry is needed any more: any stated reason will do, once
    check("extend_decision_due", facts(state=State.UNDER_EXAMINATION), OFFICER, CTX)
    with pytest.raises(NotAllowedNow, match="already"):
        check(
            "extend_decision_due",
            facts(state=State.UNDER_EXAMINATION, decision_extended=True),
            OFFICER,
            CTX,
        )
    with pytest.raises(NotAllowedNow, match="already"):
        check(
            "extend_decision_due",
            facts(state=State.UNDER_EXAMINATION, decision_extended=True),
            OFFICER,
            CTX,
        )


@pytest.mark.parametrize(
    "document_type, state, allowed",
    [
        ("provisional_certificate", State.REGISTERED, True),
        ("provisional_certificate", State.UNDER_APPEAL, True),
        ("provisional_certificate", State.RECOGNIZED, False),
        ("identity_document", State.RECOGNIZED, True),
        ("identity_document", State.UNDER_EXAMINATION, False),
        ("travel_document", State.REJECTED, False),
        ("birth_record", State.RECOGNIZED, False),
    ],
)
def test_documents_allowed_by_state(document_type, state, allowed):
    # The person's own outcome follows the case's state (the applicant alone)
    outcome = {
        State.RECOGNIZED: PersonOutcome.RECOGNIZED,
        State.REJECTED: PersonOutcome.REJECTED,
        State.UNDER_APPEAL: PersonOutcome.REJECTED,
    }.get(state)
    person = PersonFacts(
        person_id=1,
        name="A",
        outcome=outcome,
        appeal_due=date(2026, 12, 1),
        appeal_lodged=state == State.UNDER_APPEAL,
    )
    case = facts(
        state=state,
        decision_outcome=DecisionOutcome.RECOGNIZED if state == State.RECOGNIZED else None,
        appeal_due=date(2026, 12, 1),
        persons=(person,),
    )
    ctx = Context(TODAY, {"type": document_type})
    supervisor = Actor(id=5, roles=frozenset({Role.SUPERVISOR}))
    assert procedure.is_allowed("issue_document", case, supervisor, ctx) is allowed


def test_available_actions_follow_role_and_state():
    case = facts(state=State.PENDING_DECISION)
    assert [a.name for a in procedure.available_actions(case, DECIDER, CTX)] == [
        "return_to_examination",
        "decide",
    ]
    assert "decide" not in [a.name for a in procedure.available_actions(case, OFFICER, CTX)]


def test_the_procedure_as_data_lists_every_state_and_action():
    data = procedure.as_dict()
    assert {s["name"] for s in data["states"]} == {s.value for s in State}
    assert {a["name"] for a in data["actions"]} == {a.name for a in ACTIONS}
    decide = next(a for a in data["actions"] if a["name"] == "decide")
    assert decide["roles"] == ["decision_maker"] and decide["four_eyes"]


def choice(name: str, case: CaseFacts, actor: Actor) -> procedure.ActionChoice:
    return next(c for c in procedure.action_choices(case, actor, CTX) if c.action.name == name)


def test_action_choices_say_why_not_now_apart_from_why_not_you():
    examined = facts(state=State.UNDER_EXAMINATION, findings=(Finding.UNDETERMINED,))
    recommend = choice("recommend", examined, OFFICER)
    assert not recommend.allowed and recommend.not_you is None
    assert "undetermined" in recommend.not_now.message
    # The decision is not the officer's step (four-eyes/role) and not due yet (state).
    decide = choice("decide", examined, OFFICER)
    assert isinstance(decide.not_you, Forbidden) and isinstance(decide.not_now, NotAllowedNow)
    assert decide.refusal is decide.not_now
    ready = facts(state=State.UNDER_EXAMINATION, findings=(Finding.NOT_NATIONAL,))
    assert choice("recommend", ready, OFFICER).allowed
    other = choice("recommend", ready, OTHER_OFFICER)
    assert other.not_now is None and "assigned" in other.not_you.message


def test_available_actions_are_the_allowed_choices():
    for case in (
        facts(state=State.REGISTERED),
        facts(state=State.UNDER_EXAMINATION, findings=(Finding.NATIONAL,)),
        facts(state=State.PENDING_DECISION, findings=(Finding.NATIONAL,)),
    ):
        for actor in (OFFICER, OTHER_OFFICER, DECIDER, APPEALS, SMALL_OFFICE):
            allowed = [c.action for c in procedure.action_choices(case, actor, CTX) if c.allowed]
            assert allowed == procedure.available_actions(case, actor, CTX)
            assert all(procedure.is_allowed(a.name, case, actor, CTX) for a in allowed)


def test_who_may_register_a_birth_issue_its_record_or_revoke_a_document_is_procedure_data():
    """The acts of the civil registry, outside any case: their roles are stated once, in
    procedure.OTHER_ACTS, which the services enforce and the pages ask."""
    from sdp.domain.procedure import (
        OTHER_ACTS_BY_NAME,
        Actor,
        Forbidden,
        check_act,
        may_take_act,
    )
    from sdp.domain.vocabulary import Role

    assert OTHER_ACTS_BY_NAME["register_birth"].roles == {Role.REGISTRAR}
    assert OTHER_ACTS_BY_NAME["issue_birth_record"].roles == {Role.REGISTRAR, Role.SUPERVISOR}
    assert OTHER_ACTS_BY_NAME["revoke_document"].roles == {Role.SUPERVISOR}
    for role in Role:
        for name, action in OTHER_ACTS_BY_NAME.items():
            allowed = role in action.roles
            assert may_take_act(name, frozenset({role})) is allowed
            if allowed:
                check_act(name, Actor(id=1, roles=frozenset({role})))
            else:
                with pytest.raises(Forbidden, match="it is for"):
                    check_act(name, Actor(id=1, roles=frozenset({role})))
