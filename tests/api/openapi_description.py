"""The app's own OpenAPI description, built once per test process for the tests that derive their
cases from it (every operation, every body schema)."""

from sdp import create_app


def _description() -> dict:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "TESTING": True,
            "SECRET_KEY": "description only",
        }
    )
    return app.test_client().get("/api/v1/openapi.json").json


SPEC = _description()
SCHEMAS = SPEC["components"]["schemas"]
OPERATIONS = [
    (method, path, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method != "parameters"
]
# Every operation that takes a JSON body, as (method, path).
WITH_BODY = [
    (method, path)
    for method, path, operation in OPERATIONS
    if "application/json" in operation.get("requestBody", {}).get("content", {})
]
