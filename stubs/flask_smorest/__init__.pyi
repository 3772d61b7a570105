# flask_smorest annotates its code but ships no py.typed marker, so mypy reads none of it (every
# name is Any). This stub gives mypy the one signature the app relies on: abort() never returns
# (its own annotation, flask_smorest/utils.py), so the code after a 404 knows what it holds.
# Everything else stays Any, as without the stub.
from typing import Any, NoReturn

def abort(http_status_code: int, exc: Exception | None = None, **kwargs: Any) -> NoReturn: ...
def __getattr__(name: str) -> Any: ...
