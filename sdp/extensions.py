"""The Flask extensions, created once and bound to the app in ``create_app``."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every model's base class: ``class Person(Base)``, not ``db.Model``, which mypy cannot
    resolve (a base class held in an attribute), so every model is a typed ``Mapped`` class.
    ``db.Model`` is built from this class's body and shares its registry and metadata, so
    ``db.metadata``, ``db.create_all`` and the migrations see the same tables. What ``db.Model``
    adds and the models do not use: ``Model.query``, bind keys, table names made from the class
    name (every model names its table), a ``__repr__`` with the primary key."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
# The pages' limiter is sdp.ratelimit.limiter: its key reads the bearer token, whose look-up needs
# the database above.
