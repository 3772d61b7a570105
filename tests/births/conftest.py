"""Signing in to the registrar's pages in the Flask test client."""

import pytest

from sdp.auth.models import User
from sdp.extensions import db, login_manager


@pytest.fixture(scope="session")
def _user_loader(app):
    """The staff sign-in belongs to the auth feature; until its user loader is installed, this
    one (same session id, ``User.get_id()``) stands in, so these tests need only a session."""
    if login_manager.user_callback is None:

        @login_manager.user_loader
        def load_user(user_id: str):
            identifier, _, epoch = user_id.partition(":")
            user = db.session.get(User, int(identifier)) if identifier.isdigit() else None
            if user is None or not user.active or str(user.session_epoch) != epoch:
                return None
            return user


@pytest.fixture
def sign_in(client, _user_loader):
    """Signs ``client`` in through the sign-in form (as whoever it was before: the session is
    cleared first), in English."""
    from tests.web.conftest import sign_in as sign_in_with_form

    def factory(user):
        with client.session_transaction() as session:
            session.clear()
        client.get("/language/en")
        sign_in_with_form(client, user)
        return client

    return factory
