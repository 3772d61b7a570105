import pytest

from tests.web.conftest import compile_catalogues

from .helpers import Office


@pytest.fixture(scope="session", autouse=True)
def _catalogues_compiled():
    compile_catalogues()  # the documents' domain is read from its compiled catalogue


@pytest.fixture
def office(api_as):
    return Office(api_as)
