"""Query strings are filtered to the parameters each page declares (issue 15): a key that
url_for would take as its own argument is neither a 500 nor a way to make links absolute."""

from tests.cases.helpers import register


def test_query_keys_never_reach_url_for(web_as, api_as):
    """``GET /cases/?endpoint=x&after=1`` was a 500; ``?_external=1`` made the pagination links
    absolute from the Host header."""
    register(api_as("intake_officer"))
    client = web_as("supervisor")
    response = client.get("/cases/?endpoint=x&after=1&_external=1&_scheme=javascript&q=")
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    assert 'href="/cases/" rel="first"' in page


def test_the_declared_filters_are_kept_in_the_first_page_link(web_as, api_as):
    register(api_as("intake_officer"))
    page = (
        web_as("supervisor")
        .get("/cases/?state=registered&after=99999999999999999999999&colour=blue")
        .get_data(as_text=True)
    )
    assert 'href="/cases/?state=registered" rel="first"' in page
