"""Staff users, their roles, API tokens and the checks that use them."""


def init_app(app) -> None:
    from .cli import tokens, users
    from .views import init_web

    init_web(app)
    app.cli.add_command(users)
    app.cli.add_command(tokens)
