import pytest

from .helpers import Office


@pytest.fixture
def office(api_as):
    return Office(api_as)
