"""Rows of realistic, consistent data, made without the ORM so a million cases load in minutes.

Every case is in a state the procedure could have reached, with the dates, findings,
inquiries, decisions, appeals and documents that state implies, computed with the same
domain functions the services use (``sdp.domain.deadlines``, ``sdp.domain.names``).
Rows are tuples in the column order of ``COLUMNS``; ids are given explicitly so that
children can point at their parents without a round trip.
"""

import bisect
import itertools
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sdp import clock
from sdp.documents import serials
from sdp.domain import deadlines
from sdp.domain.birth_registration import duplicate_key, format_registration_number
from sdp.domain.calendar import age_on
from sdp.domain.names import name_key
from sdp.domain.policy import PolicySettings

from . import names as N

COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": (
        "id",
        "given_names",
        "family_names",
        "given_key",
        "family_key",
        "sex",
        "date_of_birth",
        "birth_country",
        "birth_locality",
        "languages",
        "asylum_status",
        "asylum_country",
        "vulnerabilities",
    ),
    "applications": (
        "id",
        "case_number",
        "route",
        "referring_authority",
        "state",
        "registered_on",
        "decision_due",
        "decision_due_extended",
        "extension_reasons",
        "priority",
        "applicant_id",
        "case_officer_id",
        "registered_by_id",
        "created_at",
        "ended_on",
        "end_reasons",
        "referral_target",
        "ended_by_id",
    ),
    "dependants": ("id", "application_id", "person_id", "relationship"),
    "relevant_states": (
        "id",
        "application_id",
        "person_id",
        "country",
        "links",
        "finding",
        "reasoning",
        "found_on",
        "found_by_id",
    ),
    "evidence": (
        "id",
        "application_id",
        "person_id",
        "country",
        "kind",
        "description",
        "received_on",
        "recorded_by_id",
    ),
    "inquiries": (
        "id",
        "application_id",
        "person_id",
        "country",
        "authority",
        "sent_on",
        "response_due",
        "received_on",
        "outcome",
        "sent_by_id",
        "consent_on",
    ),
    "interviews": (
        "id",
        "application_id",
        "person_id",
        "held_on",
        "interpreter_language",
        "legal_representative",
        "summary",
        "read_back",
        "interviewer_id",
    ),
    "recommendations": (
        "id",
        "application_id",
        "outcome",
        "exclusion_ground",
        "reasons",
        "made_on",
        "made_by_id",
    ),
    "decisions": (
        "id",
        "application_id",
        "outcome",
        "exclusion_ground",
        "reasons",
        "findings",
        "decided_on",
        "notified_on",
        "notification_language",
        "appeal_due",
        "decided_by_id",
    ),
    "appeals": (
        "id",
        "application_id",
        "lodged_on",
        "grounds",
        "decision_due",
        "lodged_by_id",
        "outcome",
        "reasons",
        "decided_on",
        "decided_by_id",
    ),
    # Each person's own determination (domain.md, section 4): the applicant's mirrors the decision.
    "determinations": (
        "id",
        "application_id",
        "person_id",
        "outcome",
        "exclusion_ground",
        "decided_on",
        "notified_on",
        "appeal_due",
        "decided_by_id",
        "appeal_lodged_on",
        "appeal_decision_due",
        "appeal_outcome",
        "appeal_decided_on",
        "appeal_decided_by_id",
        "referral_target",
        "referral_status",
        "referred_on",
        "referred_by_id",
    ),
    "birth_registrations": (
        "id",
        "registration_number",
        "child_given_names",
        "child_family_names",
        "child_given_key",
        "child_family_key",
        "child_sex",
        "child_date_of_birth",
        "birth_country",
        "birth_locality",
        "foundling",
        "mother_id",
        "father_id",
        "mother_nationality",
        "father_nationality",
        "mother_case_id",
        "father_case_id",
        "nationality_country",
        "nationality_basis",
        "registered_on",
        "late_registration",
        "registered_by_id",
        "created_at",
        "duplicate_key",
        "mother_stateless",
        "father_stateless",
    ),
    "documents": (
        "id",
        "serial",
        "type",
        "application_id",
        "birth_registration_id",
        "holder_given_names",
        "holder_family_names",
        "holder_date_of_birth",
        "status",
        "issued_on",
        "valid_until",
        "issued_by_id",
        "created_at",
        "revoked_on",
        "revocation_reason",
        "superseded_by_id",
    ),
}
# Parents before children: the order rows are written in (foreign keys are checked).
TABLE_ORDER = (
    "persons",
    "applications",
    "dependants",
    "relevant_states",
    "evidence",
    "inquiries",
    "interviews",
    "recommendations",
    "decisions",
    "appeals",
    "determinations",
    "birth_registrations",
    "documents",
)

# Formats of generated identifiers. The case number is the app's (sdp.cases.numbering);
# the others below.
CASE_NUMBER = "SDP-{year}-{value:06d}"
# Birth registration numbers and document serials: as sdp.domain.birth_registration and
# sdp.documents.serials make them.

# Share of cases in each state, and how many days before today they may have been registered.
STATE_MIX = {
    "registered": (6, 0, 90),
    "under_examination": (14, 10, 420),
    "pending_decision": (5, 40, 400),
    "recognized": (20, 90, 2900),
    "rejected": (24, 60, 2900),
    "under_appeal": (4, 60, 400),
    "withdrawn": (8, 10, 2900),
    "closed": (7, 10, 2900),
    "referred": (8, 10, 2900),
    "ceased": (2, 500, 2900),
    "cancelled": (2, 500, 2900),
}
STAFF_ROLES = {
    "intake_officer": 40,
    "supervisor": 10,
    "case_officer": 200,
    "decision_maker": 25,
    "appeals_officer": 10,
    "registrar": 60,
}


class Rows(defaultdict):
    """Rows to write, by table."""

    def __init__(self):
        super().__init__(list)

    def count(self) -> int:
        return sum(len(rows) for rows in self.values())


class FastRandom(random.Random):
    """``random.Random`` with cheaper ``randint``/``choice`` and a weighted pick on precomputed
    sums.

    The standard methods reject-sample for exact uniformity; a float scale is uniform enough
    for test data and three times faster, which matters over tens of millions of calls.
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, n: int) -> int:  # only the one-argument form is used here
        return int(self.random() * n)

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def pick(self, table: tuple[list, list[float]]):
        items, cumulative = table
        return items[bisect.bisect_right(cumulative, self.random() * cumulative[-1])]


def _table(weights: dict) -> tuple[list, list[float]]:
    return list(weights), list(itertools.accumulate(weights.values()))


DEPENDANTS = _table({0: 45, 1: 25, 2: 15, 3: 9, 4: 3, 5: 2, 6: 1})
OTHER_STATES = _table({0: 50, 1: 35, 2: 15})
MOTHER_NATIONALITY = _table({"PE": 930, "VE": 40, "CO": 10, "EC": 6, "BO": 6, "HT": 4, "BR": 4})


class Synth:
    def __init__(
        self,
        staff: dict[str, list[int]],
        *,
        seed: int = 1954,
        today: date | None = None,
        policy: PolicySettings | None = None,
    ):
        self.rng = FastRandom(seed)
        self.birth_keys: set[str] = set()
        self.today = today or clock.today()
        self.policy = policy or PolicySettings()
        self.staff = staff
        self.ids = defaultdict(lambda: itertools.count(1))
        self.case_numbers: dict[int, int] = defaultdict(
            int
        )  # year -> last value (the case_number_counters rows)
        self.birth_numbers: dict[int, int] = defaultdict(int)
        self.mothers: list[
            tuple[int, int]
        ] = []  # (application id, person id) of adult women applicants
        self.cumulative_origins = list(itertools.accumulate(o[1] for o in N.ORIGINS))
        self._decision_due = lru_cache(maxsize=None)(self._decision_due_uncached)
        self._appeal_due = lru_cache(maxsize=None)(
            lambda day: deadlines.appeal_due(day, self.policy)
        )
        self._appeal_decision_due = lru_cache(maxsize=None)(
            lambda day: deadlines.appeal_decision_due(day, self.policy)
        )
        self._key = lru_cache(maxsize=200_000)(name_key)

    def _decision_due_uncached(self, registered_on: date, extended: bool) -> date:
        return deadlines.decision_due(registered_on, self.policy, extended=extended)

    def next_id(self, table: str) -> int:
        return next(self.ids[table])

    def staff_member(self, role: str) -> int:
        return self.rng.choice(self.staff[role])

    # --- plan -----------------------------------------------------------------------

    def plan(self, count: int) -> list[tuple[date, str]]:
        """(registered_on, state) of ``count`` cases, in registration order (so ids and case numbers
        follow time)."""
        rng, states = self.rng, list(STATE_MIX)
        weights = [STATE_MIX[s][0] for s in states]
        plan = []
        for state in rng.choices(states, weights, k=count):
            _, newest, oldest = STATE_MIX[state]
            plan.append((self.today - timedelta(days=rng.randint(newest, oldest)), state))
        plan.sort()
        return plan

    # --- people ---------------------------------------------------------------------

    def _origin(self):
        index = bisect.bisect_right(
            self.cumulative_origins, self.rng.random() * self.cumulative_origins[-1]
        )
        return N.ORIGINS[min(index, len(N.ORIGINS) - 1)]

    def _name(self, pool: str, sex: str, country: str = "") -> tuple[str, str]:
        rng = self.rng
        if pool == "other" and country in N.OTHER:
            given_by_sex, surnames = N.OTHER[country]
            given = rng.choice(given_by_sex.get(sex, given_by_sex["F"]))
            family = (
                rng.choice(surnames)
                if country != "HT" or rng.random() < 0.5
                else " ".join(rng.sample(surnames, 2))
            )
        elif pool == "pt":
            given_pool = N.GIVEN_FEMALE_PT if sex == "F" else N.GIVEN_MALE_PT
            given = rng.choice(given_pool) + (
                "" if rng.random() < 0.5 else " " + rng.choice(given_pool)
            )
            family = f"{rng.choice(N.SURNAMES_PT)} {rng.choice(N.SURNAMES_PT)}"
        else:
            given_pool = N.GIVEN_FEMALE_ES if sex == "F" else N.GIVEN_MALE_ES
            first = rng.choice(given_pool)
            given = first if rng.random() < 0.4 else f"{first} {rng.choice(given_pool)}"
            surnames = N.SURNAMES_ES + (N.SURNAMES_PE * 2 if pool == "pe" else [])
            family = f"{rng.choice(surnames)} {rng.choice(surnames)}"
        return given, family

    def person(
        self,
        out: Rows,
        *,
        given: str,
        family: str,
        sex: str,
        born: date,
        country: str,
        locality: str | None,
        languages: list[str],
        asylum: tuple[str, str | None] = ("none", None),
    ) -> int:
        person_id = self.next_id("persons")
        out["persons"].append(
            (
                person_id,
                given,
                family,
                self._key(given),
                self._key(family),
                sex,
                born,
                country,
                locality,
                languages,
                asylum[0],
                asylum[1],
                [],
            )
        )
        return person_id

    def _born(self, on: date, min_age: int, max_age: int) -> date:
        return on - timedelta(days=self.rng.randint(min_age * 365 + 1, max_age * 365 + 300))

    # --- cases ----------------------------------------------------------------------

    def case(self, out: Rows, registered_on: date, state: str) -> int:
        rng, today = self.rng, self.today
        app_id = self.next_id("applications")
        self.case_numbers[registered_on.year] += 1
        case_number = CASE_NUMBER.format(
            year=registered_on.year, value=self.case_numbers[registered_on.year]
        )
        country, _, localities, pool = self._origin()
        sex = "F" if rng.random() < 0.55 else "M"
        child_applicant = rng.random() < 0.08
        born = (
            self._born(registered_on, 8, 17)
            if child_applicant
            else self._born(registered_on, 18, 70)
        )
        given, family = self._name(pool, sex, country)
        asylum = ("none", None)
        roll = rng.random()
        if country in ("VE", "CO", "HT", "SY") and roll < 0.4:
            asylum = ("refugee" if roll < 0.05 else "asylum_seeker", country)
        languages = N.LANGUAGES.get(country, ["es"])
        applicant_id = self.person(
            out,
            given=given,
            family=family,
            sex=sex,
            born=born,
            country=country,
            locality=rng.choice(localities),
            languages=languages,
            asylum=asylum,
        )
        if (
            sex == "F"
            and (today - born).days < 40 * 365
            and not child_applicant
            and len(self.mothers) < 200_000
        ):
            self.mothers.append((app_id, applicant_id))
        first_dependant = len(out["dependants"])
        self._dependants(out, app_id, registered_on, family, pool, country, asylum, child_applicant)
        dependant_ids = [row[2] for row in out["dependants"][first_dependant:]]
        holder = (given, family, born)

        timeline = _Timeline(rng, registered_on, today)
        officer = None
        ended = None  # (ended_on, reasons, referral_target, ended_by)
        decision_due = self._decision_due(registered_on, False)
        extended, extension_reasons = False, None
        route = "ex_officio" if rng.random() < 0.12 else "application"
        referring = (
            rng.choice(["CEPR", "Migraciones", "Defensoría del Pueblo"])
            if route == "ex_officio"
            else None
        )

        phase = _PHASE[state]
        if state in ("withdrawn", "closed", "referred"):
            phase = rng.choice(
                ["registered", "examination"]
                if state == "referred"
                else ["registered", "examination", "recommended"]
            )
        assigned_on = None
        if phase != "registered":
            officer = self.staff_member("case_officer")
            assigned_on = timeline.step(1, 25)
        exam = None
        if phase in ("examination", "recommended", "decided"):
            complete = phase != "examination"
            exam = self._examination(
                out,
                app_id,
                applicant_id,
                officer,
                assigned_on,
                timeline,
                country,
                asylum,
                complete,
                state,
                languages,
            )
            if not complete and exam["pending_inquiry"] and rng.random() < 0.3:
                extended, extension_reasons = (
                    True,
                    "Consulta pendiente al Estado; se prorroga por acto motivado.",
                )
                decision_due = self._decision_due(registered_on, True)
        if phase in ("recommended", "decided"):
            self._decided(
                out, app_id, officer, timeline, state, exam, languages, holder, registered_on
            )
        if state in ("withdrawn", "closed", "referred"):
            ended_on = timeline.step(1, 90)
            reasons = {
                "withdrawn": "El solicitante desistió por escrito.",
                "closed": "El solicitante salió del Perú; sin contacto durante tres meses.",
                "referred": "Nacido en el Perú sin inscripción: peruano de nacimiento.",
            }[state]
            by = (
                officer
                if state != "closed" and officer and rng.random() < 0.5
                else self.staff_member("supervisor")
            )
            ended = (
                ended_on,
                reasons,
                "late_birth_registration" if state == "referred" else None,
                by,
            )
        elif state in ("ceased", "cancelled"):
            ended_on = timeline.step(30, 700)
            reasons = (
                "La persona adquirió la nacionalidad de su cónyuge."
                if state == "ceased"
                else "El acta de nacimiento presentada era falsa."
            )
            ended = (ended_on, reasons, None, self.staff_member("decision_maker"))
        self._case_documents(out, app_id, state, registered_on, holder, ended)
        self._determinations(out, app_id, applicant_id, dependant_ids, state, ended)
        out["applications"].append(
            (
                app_id,
                case_number,
                route,
                referring,
                state,
                registered_on,
                decision_due,
                extended,
                extension_reasons,
                age_on(born, registered_on) < self.policy.priority_age_years,
                applicant_id,
                officer,
                self.staff_member("intake_officer"),
                _at(registered_on),
                ended[0] if ended else None,
                ended[1] if ended else None,
                ended[2] if ended else None,
                ended[3] if ended else None,
            )
        )
        return app_id

    def _dependants(
        self, out, app_id, registered_on, family, pool, country, asylum, child_applicant
    ):
        rng = self.rng
        if child_applicant:
            return
        count = rng.pick(DEPENDANTS)
        if count and rng.random() < 0.35:
            sex = rng.choice("FM")
            given, spouse_family = self._name(pool, sex, country)
            person_id = self.person(
                out,
                given=given,
                family=spouse_family,
                sex=sex,
                born=self._born(registered_on, 20, 60),
                country=country,
                locality=None,
                languages=N.LANGUAGES.get(country, ["es"]),
                asylum=asylum,
            )
            out["dependants"].append((self.next_id("dependants"), app_id, person_id, "spouse"))
            count -= 1
        first_surname = family.split(" ")[0] if not family.startswith(("da ", "dos ")) else family
        for _ in range(count):
            sex = rng.choice("FM")
            given, other = self._name(pool, sex, country)
            born_in_peru = rng.random() < 0.2
            born = self._born(registered_on, 0, 17)
            if born_in_peru:
                born = max(born, registered_on - timedelta(days=900))
            person_id = self.person(
                out,
                given=given,
                family=f"{first_surname} {other.split(' ')[-1]}",
                sex=sex,
                born=born,
                country="PE" if born_in_peru else country,
                locality=rng.choice(N.PERU_LOCALITIES) if born_in_peru else None,
                languages=["es"] if born_in_peru else N.LANGUAGES.get(country, ["es"]),
                asylum=("none", None) if born_in_peru else asylum,
            )
            relationship = "child" if rng.random() < 0.92 else "other"
            out["dependants"].append((self.next_id("dependants"), app_id, person_id, relationship))

    def _determinations(self, out, app_id, applicant_id, dependant_ids, state, ended):
        """One determination per person of the case, as migration 0006 derives them: the applicant's
        mirrors the decision (and the appeal's result); the dependants were not decided on their
        own."""
        decision = (
            out["decisions"][-1] if out["decisions"] and out["decisions"][-1][1] == app_id else None
        )
        appeal = out["appeals"][-1] if out["appeals"] and out["appeals"][-1][1] == app_id else None
        outcome = exclusion_ground = decided_on = notified_on = appeal_due = decided_by = None
        if decision is not None:
            (
                _,
                _,
                outcome,
                exclusion_ground,
                _,
                _,
                decided_on,
                notified_on,
                _,
                appeal_due,
                decided_by,
            ) = decision
        lodged_on = appeal_decision_due = appeal_outcome = appeal_decided_on = appeal_decided_by = (
            None
        )
        if appeal is not None:
            (
                _,
                _,
                lodged_on,
                _,
                appeal_decision_due,
                _,
                appeal_outcome,
                _,
                appeal_decided_on,
                appeal_decided_by,
            ) = appeal
            if appeal_decided_on is not None:
                outcome = state  # the appeal's result: recognized or rejected
        referral = (None, None, None, None)
        if state == "referred":
            referral = (ended[2], "pending", ended[0], ended[3])
        out["determinations"].append(
            (
                self.next_id("determinations"),
                app_id,
                applicant_id,
                outcome,
                exclusion_ground,
                decided_on,
                notified_on,
                appeal_due,
                decided_by,
                lodged_on,
                appeal_decision_due,
                appeal_outcome,
                appeal_decided_on,
                appeal_decided_by,
            )
            + referral
        )
        for person_id in dependant_ids:
            out["determinations"].append(
                (self.next_id("determinations"), app_id, person_id) + (None,) * 15
            )

    def _examination(
        self,
        out,
        app_id,
        applicant_id,
        officer,
        assigned_on,
        timeline,
        country,
        asylum,
        complete,
        state,
        languages,
    ):
        """Relevant States with their inquiries, evidence and interview. Returns what the decision
        needs."""
        rng, today = self.rng, self.today
        countries = [(country, ["birth"])]
        for _ in range(rng.pick(OTHER_STATES)):
            other = rng.choice(N.NEIGHBOURS)
            if other not in (c for c, _ in countries):
                countries.append(
                    (
                        other,
                        [
                            rng.choice(
                                [
                                    "descent_mother",
                                    "descent_father",
                                    "habitual_residence",
                                    "marriage",
                                    "former_nationality",
                                ]
                            )
                        ],
                    )
                )
        if rng.random() < 0.3 and len(countries[0][1]) == 1:
            countries[0] = (country, ["birth", rng.choice(["descent_mother", "descent_father"])])
        recognized = state in ("recognized", "ceased", "cancelled")
        rejected = state in ("rejected", "under_appeal")
        national_index = rng.randrange(len(countries)) if rejected else -1
        start = timeline.day
        findings, pending_inquiry = [], False
        for index, (rs_country, links) in enumerate(countries):
            if complete or rng.random() < 0.4:
                finding = "national" if index == national_index else "not_national"
                if not (recognized or rejected) and rng.random() < 0.3:
                    finding = "national"
                found_on = timeline.peek(5, 60)
                reasoning = (
                    f"Ley de nacionalidad de {rs_country} examinada con la prueba del expediente."
                )
            else:
                finding, found_on, reasoning = "undetermined", None, None
            out["relevant_states"].append(
                (
                    self.next_id("relevant_states"),
                    app_id,
                    applicant_id,
                    rs_country,
                    sorted(links),
                    finding,
                    reasoning,
                    found_on,
                    officer if found_on else None,
                )
            )
            findings.append(
                {
                    "country": rs_country,
                    "links": sorted(links),
                    "finding": finding,
                    "reasoning": reasoning,
                }
            )
            may_contact = rs_country != asylum[1]
            if may_contact and rng.random() < 0.7:
                sent_on = start + timedelta(
                    days=rng.randint(0, max(0, min(20, (today - start).days)))
                )
                due = deadlines.inquiry_response_due(sent_on, self.policy)
                received_on, outcome = None, None
                if rng.random() < 0.6:
                    received_on = sent_on + timedelta(days=rng.randint(5, 120))
                    if received_on <= today:
                        outcome = (
                            "confirms_national"
                            if finding == "national"
                            else rng.choice(["no_record", "denies_national", "inconclusive"])
                        )
                    else:
                        received_on = None
                if outcome is None and today <= due:
                    pending_inquiry = True
                out["inquiries"].append(
                    (
                        self.next_id("inquiries"),
                        app_id,
                        applicant_id,
                        rs_country,
                        N.CONSULATES.get(rs_country, f"Consulado de {rs_country}"),
                        sent_on,
                        due,
                        received_on,
                        outcome,
                        officer,
                        sent_on,
                    )
                )
        for kind, description in [
            ("testimony", "Declaración del solicitante sobre su historia y documentos.")
        ] + (
            [
                ("document", "Partida de nacimiento sin apostilla."),
                ("expert_information", "Informe sobre la ley y práctica de nacionalidad."),
            ]
            if rng.random() < 0.5
            else []
        ):
            out["evidence"].append(
                (
                    self.next_id("evidence"),
                    app_id,
                    applicant_id,
                    None if kind == "testimony" else countries[0][0],
                    kind,
                    description,
                    timeline.peek(1, 40),
                    officer,
                )
            )
        if complete or rng.random() < 0.5:
            out["interviews"].append(
                (
                    self.next_id("interviews"),
                    app_id,
                    applicant_id,
                    timeline.peek(5, 60),
                    languages[0] if languages[0] != "es" else rng.choice([None, "es"]),
                    rng.choice([None, None, "ENCUENTROS", "Defensoría del Pueblo"]),
                    "Entrevista con intérprete gratuito; el acta fue leída al solicitante.",
                    True,
                    officer,
                )
            )
        return {"findings": findings, "pending_inquiry": pending_inquiry}

    def _decided(
        self, out, app_id, officer, timeline, state, exam, languages, holder, registered_on
    ):
        rng = self.rng
        on_appeal = state in ("recognized", "rejected") and rng.random() < 0.2
        recognized = state in ("recognized", "ceased", "cancelled")
        first_outcome = "recognized" if recognized and not on_appeal else "rejected"
        if state == "rejected" and on_appeal:
            first_outcome = "rejected"
        if first_outcome == "rejected" and rng.random() < 0.06:
            first_outcome = "excluded"
        recommended_outcome = (
            first_outcome if state != "pending_decision" else rng.choice(["recognized", "rejected"])
        )
        made_on = timeline.step(5, 90)
        out["recommendations"].append(
            (
                self.next_id("recommendations"),
                app_id,
                recommended_outcome,
                "rights_of_nationals" if recommended_outcome == "excluded" else None,
                "Recomendación motivada, Estado por Estado.",
                made_on,
                officer,
            )
        )
        if state == "pending_decision" or _PHASE[state] != "decided":
            return
        decided_on = timeline.step(1, 30)
        notified_on = timeline.step(0, 7)
        appeal_due = self._appeal_due(notified_on)
        out["decisions"].append(
            (
                self.next_id("decisions"),
                app_id,
                first_outcome,
                "rights_of_nationals" if first_outcome == "excluded" else None,
                "Decisión motivada con una conclusión por cada Estado pertinente.",
                exam["findings"],
                decided_on,
                notified_on,
                languages[0],
                appeal_due,
                self.staff_member("decision_maker"),
            )
        )
        if state == "under_appeal" or on_appeal:
            lodged_on = timeline.step(0, max(0, (appeal_due - notified_on).days))
            lodged_on = min(lodged_on, appeal_due)
            appeal_decision_due = self._appeal_decision_due(lodged_on)
            outcome = reasons = decided_on_appeal = decided_by = None
            if state != "under_appeal":
                outcome = "overturned" if recognized else "upheld"
                reasons = "Resolución de la apelación."
                decided_on_appeal = timeline.step(5, 45)
                decided_by = self.staff_member("appeals_officer")
            out["appeals"].append(
                (
                    self.next_id("appeals"),
                    app_id,
                    lodged_on,
                    "La prueba muestra la apatridia.",
                    appeal_decision_due,
                    self.staff_member("intake_officer"),
                    outcome,
                    reasons,
                    decided_on_appeal,
                    decided_by,
                )
            )

    def _document(
        self,
        out,
        doc_type,
        issued_on,
        valid_until,
        holder,
        issued_by,
        *,
        application_id=None,
        birth_registration_id=None,
        status="valid",
        revoked_on=None,
        reason=None,
        superseded_by=None,
        doc_id=None,
    ) -> int:
        doc_id = doc_id or self.next_id("documents")
        serial = self._serial()
        out["documents"].append(
            (
                doc_id,
                serial,
                doc_type,
                application_id,
                birth_registration_id,
                holder[0],
                holder[1],
                holder[2],
                status,
                issued_on,
                valid_until,
                issued_by,
                _at(issued_on),
                revoked_on,
                reason,
                superseded_by,
            )
        )
        return doc_id

    def _case_documents(self, out, app_id, state, registered_on, holder, ended):
        """The provisional certificate of every case; decision letters; identity and travel
        documents on recognition."""
        policy, today = self.policy, self.today
        decision = (
            out["decisions"][-1] if out["decisions"] and out["decisions"][-1][1] == app_id else None
        )
        appeal = out["appeals"][-1] if out["appeals"] and out["appeals"][-1][1] == app_id else None
        provisional_id = self.next_id("documents")
        provisional = dict(status="valid", revoked_on=None, reason=None, superseded_by=None)
        if decision is not None:
            self._document(
                out,
                "decision_letter",
                decision[7],
                None,
                holder,
                decision[10],
                application_id=app_id,
            )
        if appeal is not None and appeal[8] is not None:
            self._document(
                out, "decision_letter", appeal[8], None, holder, appeal[9], application_id=app_id
            )
        if state in ("recognized", "ceased", "cancelled"):
            recognized_on = appeal[8] if appeal is not None and appeal[8] else decision[7]
            issued_on = min(recognized_on + timedelta(days=self.rng.randint(1, 20)), today)
            status, revoked_on, reason = "valid", None, None
            if ended:
                status, revoked_on, reason = "revoked", ended[0], ended[1]
                issued_on = min(issued_on, ended[0])
            identity_id = self._document(
                out,
                "identity_document",
                issued_on,
                deadlines.identity_document_valid_until(issued_on, policy),
                holder,
                self.staff_member("supervisor"),
                application_id=app_id,
                status=status,
                revoked_on=revoked_on,
                reason=reason,
            )
            self._document(
                out,
                "travel_document",
                issued_on,
                deadlines.travel_document_valid_until(issued_on, policy),
                holder,
                self.staff_member("supervisor"),
                application_id=app_id,
                status=status,
                revoked_on=revoked_on,
                reason=reason,
            )
            provisional.update(status="superseded", superseded_by=identity_id)
        elif ended or (state == "rejected" and decision is not None and today > decision[9]):
            provisional.update(
                status="revoked",
                revoked_on=ended[0] if ended else decision[9],
                reason="El procedimiento terminó." if ended else "La denegatoria quedó firme.",
            )
        # The provisional certificate is written after the document that supersedes it (foreign key
        # order).
        self._document(
            out,
            "provisional_certificate",
            registered_on,
            deadlines.provisional_certificate_valid_until(registered_on, policy),
            holder,
            self.staff_member("intake_officer"),
            application_id=app_id,
            doc_id=provisional_id,
            **provisional,
        )

    def _serial(self) -> str:
        """A serial as sdp.documents.serials makes them (random symbols and their check), from the
        seeded generator."""
        while True:
            symbols = "".join(
                self.rng.choice(serials.ALPHABET) for _ in range(serials.RANDOM_SYMBOLS)
            )
            check = serials.check_symbol(symbols)
            if check in serials.ALPHABET:
                return serials._format(symbols + check)

    # --- births ---------------------------------------------------------------------

    def birth(self, out: Rows, registered_on: date) -> int:
        rng = self.rng
        birth_id = self.next_id("birth_registrations")
        year = registered_on.year
        self.birth_numbers[year] += 1
        number = format_registration_number(year, self.birth_numbers[year])
        late = rng.random() < 0.08
        born = registered_on - timedelta(days=rng.randint(61, 3000) if late else rng.randint(0, 60))
        sex = rng.choice("FM")
        foundling = rng.random() < 0.001
        abroad = not foundling and rng.random() < 0.02
        mother_id = father_id = mother_case = None
        mother_nat = father_nat = None
        mother_family = father_family = None
        mother_given = mother_born = None
        if not foundling:
            mother_nat = rng.pick(MOTHER_NATIONALITY)
            if mother_nat != "PE" and self.mothers and rng.random() < 0.05:
                mother_case, mother_id = rng.choice(self.mothers)
                mother_family = None
            else:
                pool = {"PE": "pe", "BR": "pt"}.get(
                    mother_nat, "other" if mother_nat in N.OTHER else "es"
                )
                mother_given, mother_family = self._name(pool, "F", mother_nat)
                mother_born = self._born(born, 16, 44)
                mother_id = self.person(
                    out,
                    given=mother_given,
                    family=mother_family,
                    sex="F",
                    born=mother_born,
                    country=mother_nat,
                    locality=None,
                    languages=N.LANGUAGES.get(mother_nat, ["es"]),
                )
            if rng.random() < 0.75:
                father_nat = mother_nat if rng.random() < 0.85 else "PE"
                given, father_family = self._name("pe" if father_nat == "PE" else "es", "M")
                father_id = self.person(
                    out,
                    given=given,
                    family=father_family,
                    sex="M",
                    born=self._born(born, 17, 55),
                    country=father_nat,
                    locality=None,
                    languages=N.LANGUAGES.get(father_nat, ["es"]),
                )
        if abroad and "PE" not in (mother_nat, father_nat):
            mother_nat = "PE"
        child_given, child_family = self._name("pe", sex)
        surnames = [s.split(" ")[0] for s in (father_family, mother_family) if s]
        if len(surnames) == 2:
            child_family = " ".join(surnames)
        elif surnames:
            child_family = f"{surnames[0]} {child_family.split(' ')[-1]}"
        country = rng.choice(["AR", "CL", "ES", "US", "IT"]) if abroad else "PE"
        basis = "foundling" if foundling else ("ius_sanguinis" if abroad else "ius_soli")
        locality = rng.choice(N.PERU_LOCALITIES) if country == "PE" else None
        while True:
            # The same child is registered once (the database's unique duplicate_key): another name
            # if taken.
            key = duplicate_key(
                child_given_names=child_given,
                child_family_names=child_family,
                date_of_birth=born,
                birth_country=country,
                birth_locality=locality,
                mother_given_names=mother_given,
                mother_family_names=mother_family,
                mother_date_of_birth=mother_born,
            )
            if key not in self.birth_keys:
                break
            child_given = self._name("pe", sex)[0]
        self.birth_keys.add(key)
        registrar = self.staff_member("registrar")
        out["birth_registrations"].append(
            (
                birth_id,
                number,
                child_given,
                child_family,
                self._key(child_given),
                self._key(child_family),
                sex,
                born,
                country,
                locality,
                foundling,
                mother_id,
                father_id,
                mother_nat,
                father_nat,
                mother_case,
                None,
                "PE",
                basis,
                registered_on,
                deadlines.is_late_birth_registration(born, registered_on, self.policy),
                registrar,
                _at(registered_on),
                key,
                False,
                False,
            )
        )
        self._document(
            out,
            "birth_record",
            registered_on,
            None,
            (child_given, child_family, born),
            registrar,
            birth_registration_id=birth_id,
        )
        return birth_id

    def birth_dates(self, count: int) -> list[date]:
        """Registration dates of a year of births (half a million a year at national scale), in
        order."""
        return sorted(self.today - timedelta(days=self.rng.randint(0, 364)) for _ in range(count))


_PHASE = {
    "registered": "registered",
    "under_examination": "examination",
    "pending_decision": "recommended",
    "recognized": "decided",
    "rejected": "decided",
    "under_appeal": "decided",
    "withdrawn": None,
    "closed": None,
    "referred": None,
    "ceased": "decided",
    "cancelled": "decided",
}


class _Timeline:
    """Dates moving forward from registration, never past today.

    ``step`` advances the case's clock (acts happen in order); ``peek`` gives a date a little
    after the current one without advancing (acts done alongside, such as evidence).
    """

    def __init__(self, rng: FastRandom, start: date, today: date):
        self.rng, self.day, self.today = rng, start, today

    def step(self, low: int, high: int) -> date:
        self.day = self.peek(low, high)
        return self.day

    def peek(self, low: int, high: int) -> date:
        room = (self.today - self.day).days
        return self.day + timedelta(days=self.rng.randint(min(low, room), max(min(high, room), 0)))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), tzinfo=clock.PERU)
