"""Reviewers (legislators) reach the procedure and the aggregate results, never personal data.

A deny-by-default fence in front of every route: a user whose only role is ``reviewer`` gets
403 on any endpoint that is not listed here as non-personal, whether signed in on the web or
calling the API with a token. Feature code checks roles too; this fence keeps the rule for
routes added later by anyone, and ``tests/review/test_no_personal_data.py`` walks the whole URL
map to hold it.
"""

from fnmatch import fnmatchcase
from functools import cache

from flask import request
from flask_babel import gettext
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from ..auth.bearer import bearer_principal
from ..domain.vocabulary import Role

# Endpoints with no personal data, and why. Patterns as in fnmatch.
NON_PERSONAL_ENDPOINTS: dict[str, str] = {
    "static": "style sheets, images",
    "index": "the home page",
    "web.index": "the home page of each role",
    "web.home": "the home page of each role (a reviewer's shows no case)",
    "web.switch_language": "the language switcher",
    "help.*": "help for staff: each role's steps of the procedure and the glossary, no case data",
    "auth_web.sign_in": "signing in",
    "auth_web.forgotten_password": "what to do about a forgotten password",
    "auth_web.sign_out": "signing out",
    "auth_web.change_password": "changing one's own password: no one else's data",
    "review.*": "the legislators' pages: the procedure and aggregate results",
    "procedure_api.*": "the procedure as data",
    "statistics_api.*": "aggregate results with disclosure control",
    "api-docs.*": "the OpenAPI description",
    "api_docs": "the API's documentation page",
}


@cache  # every request asks, about one of a fixed set of endpoints
def is_non_personal(endpoint: str | None) -> bool:
    return endpoint is not None and any(
        fnmatchcase(endpoint, pattern) for pattern in NON_PERSONAL_ENDPOINTS
    )


def is_reviewer_only(roles: frozenset[Role]) -> bool:
    return roles == {Role.REVIEWER}


def _identities() -> list[frozenset[Role]]:
    """The roles of whoever this request comes from: its bearer token and its web session."""
    found = []
    principal = bearer_principal()  # the API's own check reuses it
    if principal is not None:
        found.append(principal.roles)
    if current_user.is_authenticated:
        found.append(frozenset(current_user.roles))
    return found


def reviewer_fence():
    if request.endpoint is None or is_non_personal(request.endpoint):
        return None
    if any(is_reviewer_only(roles) for roles in _identities()):
        message = "Reviewers see the procedure and aggregate results, never personal data."
        raise Forbidden(
            description=message
            if request.path.startswith("/api/")
            else gettext("Reviewers see the procedure and aggregate results, never personal data.")
        )
    return None
