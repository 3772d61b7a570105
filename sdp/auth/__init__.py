"""Staff users, their roles, API tokens and the checks that use them."""


def init_app(app) -> None:
    from .web import init_web

    init_web(app)
