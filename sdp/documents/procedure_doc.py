"""The documents section of docs/procedure.md (listed in ``sdp.review.procedure_doc``)."""

from collections.abc import Callable

from ..domain.policy import PolicySettings


def documents_section(policy: PolicySettings, _: Callable[[str], str]) -> str:
    rows = [
        (
            "`provisional_certificate`",
            _("Provisional certificate"),
            _("while the case is pending, including under appeal"),
            _("%(months)s months, renewable; lapses when the case no longer protects the holder")
            % {"months": policy.provisional_certificate_months},
            _("Legislative Decree 1725 (2026)"),
        ),
        (
            "`identity_document`",
            _("Identity document"),
            _("after a final recognition"),
            _("%(years)s years") % {"years": policy.identity_document_years},
            _("1954 Convention, Art. 27"),
        ),
        (
            "`travel_document`",
            _("Travel document"),
            _("after a final recognition"),
            _("3 to 24 months (default %(months)s); bilingual, Spanish and English")
            % {"months": policy.travel_document_months},
            _("1954 Convention, Art. 28 and Schedule"),
        ),
        (
            "`decision_letter`",
            _("Decision letter"),
            _("after a decision"),
            _(
                "does not expire; in Spanish and, for English or Portuguese speakers, also in "
                "their language"
            ),
            _("UNHCR Handbook (2014), paras. 76-78"),
        ),
        (
            "`birth_record`",
            _("Birth record"),
            _("after a birth registration (registrar or supervisor)"),
            _("does not expire; states the nationality and its basis"),
            _("Constitution of Peru, Art. 52") + "; " + _("Law 32421 (2025)"),
        ),
    ]
    lines = [
        "## " + _("Documents and their verification"),
        "",
        _(
            "Every document is a PDF with a serial number and a QR code. Serial numbers are random "
            "(they cannot be guessed or enumerated) and carry a check character. The QR code holds "
            "the serial, the type, the holder's names and date of birth and the validity, signed "
            "with Ed25519: anyone holding the authority's public key (published with its key id at "
            "`GET /api/v1/documents/keys`) can check it without a network connection, and a key "
            "can be rotated without invalidating documents already issued. Anyone can check a "
            "document at `/verify/<serial>`, which shows only whether it is valid, revoked, "
            "expired or superseded, and the holder's names and date of birth. A supervisor may "
            "revoke a document, with reasons; a reissued document supersedes the one it replaces; "
            "every issue, revocation and check is audited."
        ),
        "",
        "| " + " | ".join((_("Document"), _("Issued"), _("Validity"), _("Legal basis"))) + " |",
        "|---|---|---|---|",
    ]
    for code, name, when, validity, basis in rows:
        lines.append(f"| {name} ({code}) | {when} | {validity} | {basis} |")
    return "\n".join(lines)
