"""Staff users, their roles, API tokens and the checks that use them."""


def init_app(app) -> None:
    # --- MINIMAL USER LOADER, review branch only ------------------------------------------------
    # The web sign-in (sdp/auth/web.py) is built on another branch and brings the real loader
    # (with session epochs and idle time-out). This stand-in exists only so that the review pages
    # can be signed in to and tested here. AT MERGE: keep the other branch's init_app and drop
    # this block.
    from ..extensions import db, login_manager
    from .models import User

    if login_manager._user_callback is None:
        @login_manager.user_loader
        def _load_user(session_id: str):
            user_id, _, epoch = session_id.partition(":")
            if not user_id.isdigit():
                return None
            user = db.session.get(User, int(user_id))
            if user is None or not user.active or str(user.session_epoch or 0) != epoch:
                return None
            return user
