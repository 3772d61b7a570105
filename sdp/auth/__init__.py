"""Staff users, their roles, API tokens and the checks that use them."""


def init_app(app) -> None:
    # Imported when used: every module of this package imports the package first.
    from .cli import tokens, users

    # Imported when used: every module of this package imports the package first.
    from .views import init_web

    init_web(app)
    app.cli.add_command(users)
    app.cli.add_command(tokens)
