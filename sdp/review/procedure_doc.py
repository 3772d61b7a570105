"""``docs/procedure.md``, written from the procedure definition for legislators.

The document is generated, never edited by hand: ``flask --app sdp procedure-doc``
rewrites it, and a test fails when the file in the repository differs from what the
definition gives.
"""

from collections.abc import Callable

from ..domain import procedure
from ..domain.policy import PolicySettings
from ..domain.vocabulary import Role, State, label

INTRODUCTION = """\
This document describes the proposed procedure for recognising stateless persons in Peru, as the
reference implementation enforces it. It is generated from the same definition the software
runs (`sdp/domain/procedure.py` and `sdp/domain/policy.py`), so it cannot say one thing while
the software does another.

A **stateless person** is "a person who is not considered as a national by any State under the
operation of its law" (1954 Convention relating to the Status of Stateless Persons, Art. 1(1)).
Peru acceded to the 1954 and 1961 Conventions in 2014 and, in the Brazil Declaration and Plan of
Action (2014), pledged to establish a statelessness determination procedure. Legislative Decree
1725 (2026) recognises the right to apply whatever one's migration status; recognition is
declaratory. This procedure is a proposal for the regulation that Decree leaves open.

Principles that apply at every step:

- **Access**: anyone in Peru may apply, orally or in writing, at no cost and with no deadline;
  an authority may open a case ex officio.
- **Protection while pending**: from registration until the final decision (including appeal),
  the applicant may stay, work, receive health care and education, and may not be removed.
- **Shared burden of proof**: the applicant and the examiner cooperate; statelessness is
  established *to a reasonable degree*. A State's silence is never held against the applicant.
- **Confidentiality**: the authorities of the State an asylum seeker or refugee fled are never
  contacted; the software refuses such an inquiry.
- **Four eyes**: the person who decides did not examine the case; the person who decides an
  appeal did not take the first decision. These rules apply to persons, even when one person
  holds several roles.
- **Children first**: cases of children and vulnerable applicants are prioritised.
"""


def _time_limit(name: str | None, policy: PolicySettings, translate: Callable[[str], str]) -> str:
    if not name:
        return "—"
    setting = next(s for s in policy.describe() if s["name"] == name)
    return f"{setting['value']} {translate(setting['unit'])} ({translate(setting['description']).lower()})"


def states(policy: PolicySettings, translate: Callable[[str], str] = lambda text: text) -> list[dict]:
    """The states of a case in words: what the page and the document both show."""
    _ = translate
    return [{"name": spec.state.value, "label": _(label(spec.state)), "description": _(spec.description),
             "time_limit": _time_limit(spec.time_limit, policy, _), "protected": spec.protected}
            for spec in procedure.STATES]


def steps(policy: PolicySettings, translate: Callable[[str], str] = lambda text: text) -> list[dict]:
    """Each step in plain language, numbered as in the diagram: who takes it, from and to which
    states, the four-eyes rules and conditions, its time limit and its legal basis."""
    _ = translate
    result = []
    for number, action in enumerate(procedure.ACTIONS, start=1):
        result.append({
            "number": number,
            "name": action.name,
            "title": _(action.title),
            "description": _(action.description),
            "roles": [{"name": role.value, "label": _(label(role))} for role in sorted(action.roles)],
            "assigned_only": [_(label(role)) for role in sorted(action.assigned_only)],
            "any_state": bool(action.sources) and set(action.sources) == set(State),
            "from": [{"name": s.value, "label": _(label(s))} for s in sorted(action.sources)],
            "to": [{"name": s.value, "label": _(label(s))} for s in action.targets],
            "four_eyes": [_(conflict.description) for conflict in action.conflicts],
            "conditions": [_(guard.description) for guard in action.guards],
            "time_limit": _time_limit(action.time_limit, policy, _) if action.time_limit else None,
            "legal_basis": list(action.legal_basis),
        })
    return result


def settings(policy: PolicySettings, translate: Callable[[str], str] = lambda text: text) -> list[dict]:
    """The policy settings: current value, default and source; every one a proposal."""
    _ = translate
    return [{**setting, "description": _(setting["description"]), "unit_label": _(setting["unit"]),
             "source": _(setting["source"]), "changed": setting["value"] != setting["default"]}
            for setting in policy.describe()]


def render(policy: PolicySettings, translate: Callable[[str], str] = lambda text: text) -> str:
    _ = translate
    lines = [f"# {_('The statelessness determination procedure of Peru (proposal)')}", "", INTRODUCTION]
    lines += [f"## {_('States of a case')}", "",
              f"| {_('State')} | {_('Meaning')} | {_('Time limit running')} | {_('Protected from removal')} |",
              "|---|---|---|---|"]
    for state in states(policy, _):
        lines.append(f"| `{state['name']}` {state['label']} | {state['description']} | "
                     f"{state['time_limit']} | {_('yes') if state['protected'] else _('no')} |")
    lines += ["", f"## {_('Steps')}", ""]
    for step in steps(policy, _):
        lines.append(f"### {step['number']}. {step['title']} (`{step['name']}`)")
        lines.append("")
        lines.append(step["description"])
        lines.append("")
        roles = ", ".join(f"{role['label']} (`{role['name']}`)" for role in step["roles"])
        lines.append(f"- **{_('Who')}**: {roles}")
        if step["assigned_only"]:
            lines.append(f"- **{_('Only on own cases')}**: " + ", ".join(step["assigned_only"]))
        if step["any_state"]:
            lines.append(f"- **{_('From')}**: {_('any state')}")
        elif step["from"]:
            lines.append(f"- **{_('From')}**: " + ", ".join(f"`{s['name']}`" for s in step["from"]))
        if step["to"]:
            lines.append(f"- **{_('To')}**: " + ", ".join(f"`{s['name']}`" for s in step["to"]))
        for rule in step["four_eyes"]:
            lines.append(f"- **{_('Four eyes')}**: {rule}")
        for condition in step["conditions"]:
            lines.append(f"- **{_('Condition')}**: {condition}")
        if step["time_limit"]:
            lines.append(f"- **{_('Time limit')}**: {step['time_limit']}")
        if step["legal_basis"]:
            lines.append(f"- **{_('Legal basis')}**: " + "; ".join(step["legal_basis"]))
        lines.append("")
    lines += [f"## {_('Time limits and validities (proposals)')}", "",
              f"| {_('Setting')} | {_('Value')} | {_('Default')} | {_('Source')} |", "|---|---|---|---|"]
    for setting in settings(policy, _):
        lines.append(f"| {setting['description']} (`{setting['name']}`) | {setting['value']} {setting['unit_label']} | "
                     f"{setting['default']} | {setting['source']} |")
    lines += ["", f"## {_('Roles')}", ""]
    for role in Role:
        lines.append(f"- `{role.value}`: {_(label(role))}")
    for section in _feature_chapters():
        lines += ["", section(policy, _)]
    return "\n".join(lines).rstrip() + "\n"


def _feature_chapters() -> list[Callable[[PolicySettings, Callable[[str], str]], str]]:
    """The chapters the features write themselves, in the document's order. Named here, not
    registered by importing the features, so the document never depends on import order."""
    from ..births.procedure_section import birth_registration_section
    from ..documents.procedure_doc import documents_section

    return [birth_registration_section, documents_section]
