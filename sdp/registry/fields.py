"""What each civil registry check may answer: the allowed fields, in one place.

contract.md: the registry checks answer partner systems "with the least data that serves the
check: never reasons, asylum details, evidence or addresses" (nor officers' names). Every
registry endpoint's response is held to these shapes by tests (``unexpected_fields``), both
as the OpenAPI description declares it and as the endpoint actually answers.

A shape is ``None`` for a plain value (string, number, boolean, null), a dict for an object
with those keys at most, and a one-element list ``[shape]`` for a list of such items.
"""

from typing import Any

Shape = None | dict[str, "Shape"] | list["Shape"]

HOLDER: dict[str, Shape] = {"given_names": None, "family_names": None, "date_of_birth": None}

DOCUMENT_CHECK: dict[str, Shape] = {
    "serial": None,
    "type": None,
    "status": None,
    "issued_on": None,
    "valid_until": None,
    "holder": HOLDER,
}

PERSON_CHECK: dict[str, Shape] = {
    "matches": [{"case_number": None, "status": None, "protected_from_removal": None}],
}

# contract.md leaves the child's fields open ("child": {...}): the least that identifies the
# birth record, and never the parents (their status may be an asylum claim).
BIRTH_CHECK: dict[str, Shape] = {
    "registration_number": None,
    "registered_on": None,
    "child": {
        "given_names": None,
        "family_names": None,
        "sex": None,
        "date_of_birth": None,
        "place_of_birth": {"country": None, "locality": None},
    },
    "nationality": {"country": None, "basis": None},
    "late_registration": None,
}

# Every registry endpoint (method, OpenAPI path) → the shape of its successful answer.
REGISTRY_RESPONSES: dict[tuple[str, str], dict[str, Shape]] = {
    ("GET", "/api/v1/registry/persons"): PERSON_CHECK,
    ("GET", "/api/v1/registry/documents/{serial}"): DOCUMENT_CHECK,
    ("POST", "/api/v1/registry/documents/verify"): DOCUMENT_CHECK,
    ("GET", "/api/v1/registry/births/{registration_number}"): BIRTH_CHECK,
}

REGISTRY_PREFIX = "/api/v1/registry/"


def unexpected_fields(value: Any, shape: Shape, path: str = "") -> list[str]:
    """The dotted paths in ``value`` (a decoded JSON answer) that ``shape`` does not allow."""
    if shape is None:
        if isinstance(value, (dict, list)) and value:
            return [path or "."]
        return []
    if isinstance(shape, list):
        if value is None:
            return []
        if not isinstance(value, list):
            return [path or "."]
        found = []
        for index, item in enumerate(value):
            found.extend(unexpected_fields(item, shape[0], f"{path}[{index}]"))
        return found
    if value is None:
        return []
    if not isinstance(value, dict):
        return [path or "."]
    found = []
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        if key not in shape:
            found.append(where)
        else:
            found.extend(unexpected_fields(item, shape[key], where))
    return found


def schema_fields(schema: dict, components: dict, path: str = "") -> list[str]:
    """Every field path an OpenAPI schema (with ``$ref``s into ``components``) may produce."""
    if "$ref" in schema:
        return schema_fields(components[schema["$ref"].rsplit("/", 1)[-1]], components, path)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            return [
                field
                for part in schema[combinator]
                for field in schema_fields(part, components, path)
            ]
    if schema.get("type") == "array" and "items" in schema:
        return schema_fields(schema["items"], components, f"{path}[]")
    found = []
    for name, sub in (schema.get("properties") or {}).items():
        where = f"{path}.{name}" if path else name
        found.append(where)
        found.extend(schema_fields(sub, components, where))
    if schema.get("additionalProperties") not in (None, False):
        found.append(f"{path}.*" if path else "*")
    return found


def allowed_paths(shape: Shape, path: str = "") -> set[str]:
    """The field paths a shape allows, in the notation of ``schema_fields``."""
    if shape is None:
        return set()
    if isinstance(shape, list):
        return allowed_paths(shape[0], f"{path}[]")
    found = set()
    for key, sub in shape.items():
        where = f"{path}.{key}" if path else key
        found.add(where)
        found |= allowed_paths(sub, where)
    return found
