"""The birth registration section of ``docs/procedure.md`` (``sdp.review.procedure_doc``).

Written from the rule the software runs: the bases come from ``NationalityBasis`` and the
late-registration period from the policy settings.
"""

from collections.abc import Callable

from ..domain.policy import PolicySettings
from ..domain.vocabulary import NationalityBasis, label


def birth_registration_section(policy: PolicySettings, translate: Callable[[str], str]) -> str:
    _ = translate

    def row(*cells: str) -> str:
        return "| " + " | ".join(cells) + " |"

    def basis(member: NationalityBasis) -> str:
        return f"`{member.value}` " + _(label(member))

    def item(label_: str, text: str, source: str) -> str:
        return "- **" + label_ + "**: " + text + " (" + source + ")"

    peruvian = _("Peruvian by birth")
    constitution, law = _("Constitution of Peru, Art. 52"), _("Law 32421 (2025)")
    lines = [
        "## " + _("Birth registration"),
        "",
        _(
            "Children born in Peru to refugees, asylum seekers or stateless parents are Peruvian "
            "by birth, but only a registered birth proves it: birth registration is what prevents "
            "statelessness among them. A registrar (`registrar`) registers the birth; the software "
            "applies one rule to decide the child's nationality and its basis, whatever the "
            "parents' nationality, asylum or migration status."
        ),
        "",
        row(_("Situation"), _("Result"), _("Basis"), _("Legal basis")),
        "|---|---|---|---|",
        row(
            _(
                "Born in Peru, whatever the parents' nationality or status (refugee, asylum "
                "seeker, stateless, irregular)"
            ),
            peruvian,
            basis(NationalityBasis.IUS_SOLI),
            "; ".join((constitution, law, _("1961 Convention, Art. 1"))),
        ),
        row(
            _("Found abandoned in Peru, parents unknown"),
            peruvian,
            basis(NationalityBasis.FOUNDLING),
            "; ".join((law, _("1961 Convention, Art. 2"))),
        ),
        row(
            _("Born abroad to a mother or father who is Peruvian by birth"),
            _("Peruvian once registered"),
            basis(NationalityBasis.IUS_SANGUINIS),
            law,
        ),
        row(
            _(
                "Born abroad, the only Peruvian parent or parents Peruvian by naturalization or by "
                "option"
            ),
            _(
                "Refused: not Peruvian by birth, since Law 32421 gives nationality at birth abroad "
                "only through a parent who is Peruvian by birth. If the child would otherwise be "
                "stateless, the 1961 Convention Art. 4 safeguard applies: the registrar points to "
                "a statelessness screening (an ex officio application), not an automatic "
                "nationality"
            ),
            "—",
            "; ".join((law, _("1961 Convention, Art. 4"))),
        ),
        row(
            _("Born abroad, no Peruvian parent"),
            _(
                "Refused: not Peruvian by birth; where the child may be stateless, the registrar "
                "points to a statelessness screening (an ex officio application)"
            ),
            "—",
            _("1961 Convention, Arts. 1 and 4"),
        ),
        "",
        item(
            _("How a Peruvian parent is Peruvian"),
            _(
                "for a child born abroad, the registrar records how each Peruvian parent is "
                "Peruvian: by birth, by naturalization or by option. It is never assumed: without "
                "it the birth is not registered."
            ),
            law,
        ),
        item(
            _("Ships and aircraft"),
            _(
                "a birth on board a ship flying Peru's flag or an aircraft registered in Peru "
                "counts as a birth in Peru; the registrar records Peru as the country of birth."
            ),
            _("1961 Convention, Art. 3"),
        ),
        item(
            _("Late registration"),
            _(
                "a birth registered more than %(days)s calendar days after it happened is a late "
                "registration. It is marked as late and needs the supporting evidence of the birth "
                "(for example the live-birth certificate, a health or baptism record, or "
                "witnesses' statements); it is never refused for lateness."
            )
            % {"days": policy.birth_registration_days},
            "; ".join(("DS 015-98-PCM", _("Brazil Plan of Action (2014), ch. 6"))),
        ),
        "- **"
        + _("Registration number")
        + "**: "
        + _(
            "unique and never reused, with a check digit (ISO/IEC 7064 MOD 11-10) that catches any "
            "one mistyped digit:"
        )
        + " `NAC-<year>-<7 digits>-<check digit>`.",
        "- **"
        + _("Duplicates")
        + "**: "
        + _(
            "the same child (date and place of birth, mother, names, ignoring accents and case) "
            "cannot be registered twice, even by two registrars at the same moment; the registrar "
            "is shown the existing record instead."
        ),
        "- **"
        + _("Link to the procedure")
        + "**: "
        + _(
            "a parent's SDP case number links the birth to that case, where it appears. A "
            "dependant born in Peru on a pending SDP case is Peruvian by birth: the case shows a "
            "suggested referral to birth registration or nationality confirmation instead of an "
            "examination of statelessness."
        ),
        "- **"
        + _("Civil registry check")
        + "**: "
        + _(
            "partner systems with the registry:read scope read the child's names, sex, date and "
            "place of birth, the nationality and its basis, and whether the registration was late; "
            "never the parents, asylum details or evidence. Every check is recorded."
        ),
        "- **"
        + _("Legal basis")
        + "**: "
        + "; ".join(
            (
                constitution,
                law,
                _("DS 015-98-PCM (RENIEC regulation)"),
                _("1961 Convention on the Reduction of Statelessness, Arts. 1-4"),
                _(
                    "Brazil Declaration and Plan of Action (2014), ch. 6 (prevention of "
                    "statelessness)"
                ),
            )
        ),
    ]
    return "\n".join(lines)
