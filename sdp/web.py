"""The staff pages (web forms): the layout's helpers, languages, and the home page of each role.

Each feature registers its own page blueprint in its ``init_app``; this module gives them
what every page shares: template helpers (translated vocabulary labels, country and
language names, dates in the user's locale), the language switcher and the home pages.
"""

from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext
from flask_login import current_user, login_required

from . import clock
from .cases.home import home_sections
from .domain import procedure, vocabulary
from .domain.access import BIRTH_READERS, CASE_READERS
from .domain.deadlines import DUE_SOON_DAYS
from .domain.names import name_key
from .domain.procedure import ProcedureError
from .domain.vocabulary import N_, Role
from .schemas import country_codes
from .schemas import country_name as named

bp = Blueprint("web", __name__)

LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português"}
REVIEW_PAGE = "/review/procedure"


# --- Template helpers -------------------------------------------------------------------


# The colour of each value's tag (GOV.UK tag modifiers), one table for every page: a state, a
# finding or a document's status looks the same wherever it is shown.
TAG_COLOURS: dict[str, dict[str, str]] = {
    "State": {
        "registered": "blue",
        "under_examination": "light-blue",
        "pending_decision": "yellow",
        "recognized": "green",
        "rejected": "red",
        "under_appeal": "orange",
        "withdrawn": "grey",
        "closed": "grey",
        "referred": "purple",
        "ceased": "grey",
        "cancelled": "grey",
    },
    "InquiryStatus": {"pending": "blue", "answered": "green", "unanswered": "red"},
    "Finding": {"national": "red", "not_national": "green", "undetermined": "grey"},
    "DocumentStatus": {
        "valid": "green",
        "revoked": "red",
        "expired": "grey",
        "superseded": "grey",
    },
}


def tag_colour(enum_name: str, value) -> str:
    """The GOV.UK tag colour of a vocabulary value: ``tag_colour("State", "registered")``."""
    return TAG_COLOURS[enum_name].get(str(getattr(value, "value", value)), "grey")


def label(enum_name: str, value) -> str:
    """The translated label of a vocabulary value: ``label("State", "registered")``."""
    if value is None or value == "":
        return ""
    enum: type[StrEnum] = getattr(vocabulary, enum_name)
    try:
        member = enum(value)
    except ValueError:
        return str(value)
    return gettext(vocabulary.label(member))


def relationship_label(relationship, sex) -> str:
    """A dependant's relationship to the applicant, as a word for this person (Daughter, Son,
    Wife, Husband) where the sex says it, else the neutral label (Child, Spouse, Other)."""
    try:
        key = (vocabulary.Relationship(relationship), vocabulary.Sex(sex))
    except ValueError:
        return label("Relationship", relationship)
    word = vocabulary.RELATIONSHIP_BY_SEX.get(key)
    return gettext(word) if word else label("Relationship", relationship)


def choices(enum_name: str, *, blank: str | None = None) -> list[tuple[str, str]]:
    enum: type[StrEnum] = getattr(vocabulary, enum_name)
    options = [(member.value, label(enum_name, member.value)) for member in enum]
    return ([("", blank)] if blank is not None else []) + options


def action_title(name: str) -> str:
    action = procedure.ACTIONS_BY_NAME.get(name)
    return gettext(action.title) if action else name


TIMELINE_TITLES = {
    "case.read": N_("Case file read"),
    "document.issue": N_("Document issued"),
    "document.revoke": N_("Document revoked"),
}


def timeline_title(audit_action: str) -> str:
    """An audit event's action (``case.decide``) as words: the procedure's title of the action."""
    if audit_action in TIMELINE_TITLES:
        return gettext(TIMELINE_TITLES[audit_action])
    name = audit_action.partition(".")[2]
    return action_title(name) if name in procedure.ACTIONS_BY_NAME else audit_action


def country_name(code: str | None) -> str:
    """The country's name in the user's language (``sdp.schemas.country_name``)."""

    return named(code, str(get_locale()))


def country_choices(blank: str | None = "") -> list[tuple[str, str]]:
    """Every country, named in the user's language and in its alphabetical order; first a blank
    choice labelled ``blank`` unless ``blank`` is None."""
    return ([("", blank)] if blank is not None else []) + list(
        _countries_in_order(str(get_locale()))
    )


@lru_cache(maxsize=8)
def _countries_in_order(language: str) -> tuple[tuple[str, str], ...]:
    # Named and sorted once per language: a form shows up to seven country lists (the birth
    # registration form), each of some 250 names.

    return tuple(
        sorted(
            ((code, named(code, language)) for code in country_codes()),
            key=lambda item: _sort_key(item[1]),
        )
    )


# The languages an officer picks from (interpreter, notification): Peru's own (Spanish, Quechua,
# Aymara, Asháninka, Awajún) and those of the people who come (Wayuu, Haitian Creole, French,
# Arabic, ...). BCP 47 codes are kept behind the names.
LANGUAGES = ("es", "qu", "ay", "cni", "agr", "guc", "ht", "fr", "ar", "pt", "en", "zh", "wo")
# CLDR has no name for these in every language the app speaks.
LANGUAGE_NAMES_NOT_IN_CLDR = {"cni": N_("Asháninka"), "agr": N_("Awajún"), "guc": N_("Wayuu")}


def language_label(code: str) -> str:
    """A language's name in the user's language (CLDR through Babel), capitalised as in a list."""
    primary = code.split("-")[0].lower()
    name = (
        gettext(LANGUAGE_NAMES_NOT_IN_CLDR[primary])
        if primary in LANGUAGE_NAMES_NOT_IN_CLDR
        else get_locale().languages.get(primary)
    )
    return name[:1].upper() + name[1:] if name else code


def language_choices(blank: str | None = "") -> list[tuple[str, str]]:
    """The languages of ``LANGUAGES`` by name, in alphabetical order, after a blank choice."""
    named = sorted(
        ((code, language_label(code)) for code in LANGUAGES), key=lambda item: item[1].casefold()
    )
    return ([("", blank)] if blank is not None else []) + named


def language_name(tag: str | None) -> str:
    if not tag:
        return ""
    name = language_label(tag)
    return f"{name} ({tag})" if name != tag else tag


def fdate(value: date | datetime | str | None, style: str = "medium") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        return format_datetime(value, style)
    return format_date(value, style)


def fnumber(value) -> str:
    return format_decimal(value)


def _sort_key(text: str) -> str:

    return name_key(text)


def safe_next(target: str | None, fallback: str = "/") -> str:
    """A same-site path to go back to, never another host."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def url_if(endpoint: str, **values) -> str | None:
    """A link to a page another feature may not have built yet."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return None


def form_errors(*forms) -> list[tuple[str, str]]:
    """Every error of the forms as ``(field id, message)``, for the error summary at the top.

    Errors of a sub-form say whose they are: "Dependant 2: Enter the family names."
    """
    found: list[tuple[str, str]] = []

    def walk(field, prefix: str) -> None:
        if field.type == "FieldList":
            for index, entry in enumerate(field.entries, start=1):
                walk(entry, f"{field.label.text} {index}: ")
            return
        if field.type == "FormField":
            own = prefix or (f"{field.label.text}: " if field.label and field.label.text else "")
            for sub in field.form:
                walk(sub, own)
            return
        # A date links to its first wrong part (its day, month or year input).
        target = getattr(field, "error_id", field.id)
        for message in field.errors if isinstance(field.errors, list) else []:
            found.append((target, f"{prefix}{message}"))

    for form in forms:
        if form is None:
            continue
        for field in form:
            walk(field, "")
        for message in getattr(form, "form_errors", []):
            found.append(("", message))
    return found


def nav_items() -> list[tuple[str, str, str]]:
    """The service navigation of the signed-in user: (href, text, endpoint)."""

    roles = current_user.roles
    items = []
    if roles - {Role.REVIEWER, Role.ADMIN}:
        items.append((url_for("web.index"), gettext("Home"), "web.index"))
    if Role.INTAKE_OFFICER in roles:
        items.append((url_for("cases_web.intake"), gettext("New application"), "cases_web.intake"))
    if roles & CASE_READERS:
        items.append((url_for("cases_web.index"), gettext("Cases"), "cases_web.index"))
    if roles & BIRTH_READERS and "births.index" in current_app.view_functions:
        items.append((url_for("births.index"), gettext("Birth registrations"), "births.index"))
    if Role.ADMIN in roles:
        items.append((url_for("auth_web.users"), gettext("Users"), "auth_web.users"))
    if roles & {Role.REVIEWER, Role.SUPERVISOR}:
        items.append((REVIEW_PAGE, gettext("The procedure"), ""))
    return items


# --- Languages ----------------------------------------------------------------------


@bp.get("/language/<code>")
def switch_language(code: str):
    """The language switcher: remembered in the session, a cookie and the user's profile."""
    target = safe_next(request.args.get("next"))
    response = redirect(target)
    if code not in current_app.config["LANGUAGES"]:
        return response
    session["lang"] = code
    response.set_cookie(
        "lang",
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    if current_user.is_authenticated and current_user.preferred_locale != code:
        current_user.preferred_locale = code  # committed with the request
    return response


# --- Home pages ----------------------------------------------------------------------


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth_web.sign_in"))
    roles = current_user.roles
    if roles == {Role.REVIEWER}:
        return redirect(REVIEW_PAGE)
    if roles == {Role.ADMIN}:
        return redirect(url_for("auth_web.users"))

    today = clock.today()
    return render_template(
        "home/index.html",
        sections=home_sections(current_user),
        roles=roles,
        today=today,
        today_date=today,
    )


@bp.get("/home")
@login_required
def home():
    return redirect(url_for("web.index"))


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        get_locale=get_locale,
        label=label,
        relationship_label=relationship_label,
        tag_colour=tag_colour,
        choices=choices,
        action_title=action_title,
        country_name=country_name,
        timeline_title=timeline_title,
        language_name=language_name,
        fdate=fdate,
        fnumber=fnumber,
        url_if=url_if,
        nav_items=nav_items,
        form_errors=form_errors,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        REVIEW_PAGE=REVIEW_PAGE,
        Role=Role,
        DUE_SOON_DAYS=DUE_SOON_DAYS,
    )
    app.register_blueprint(bp)
    # Imported here, not at the top: a cycle (sdp.guidance → sdp.web).
    from .guidance import bp as help_pages

    app.register_blueprint(help_pages)


def procedure_message(error: ProcedureError) -> str:
    """The procedure's refusal in the user's language, with its parameters translated too."""
    params = dict(error.params)
    if "state" in params and params["state"]:
        params["state"] = label("State", params["state"])
    if "action" in params:
        params["action"] = action_title(params["action"])
    if "who" in params:
        params["who"] = gettext(params["who"])
    for name in ("appeal_due", "reply_due"):
        if params.get(name):
            params[name] = fdate(params[name])
    for name, vocabulary_name in (
        ("finding", "Finding"),
        ("kind", "ProceedingKind"),
        ("allowed", "ProceedingStatus"),
    ):
        if params.get(name):
            params[name] = label(vocabulary_name, params[name])
    text = gettext(error.message)
    return text % params if params else text
