"""The pages work offline in a pilot office and under a strict CSP: no CDN, no inline script or
style."""

import re

from sdp import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"
VENDOR = PROJECT_ROOT / "static" / "vendor" / "govuk-frontend"


def test_templates_have_no_inline_script_or_style_and_load_nothing_from_elsewhere():
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=\"", source, re.I), template
        # Scripts only from the app's own static files (the staff pages ship none; the API's
        # interactive documentation page runs the vendored Swagger UI), never inline.
        for script in re.findall(r"<script[^>]*>", source, re.I):
            assert re.search(r"""src="\{\{ url_for\('static'""", script), (template, script)
        assert not re.search(r"<script(?![^>]*\ssrc=)", source, re.I), template
        assert not re.search(r"""(src|href)=["']https?://""", source), template


def test_the_design_system_is_vendored_with_its_licence():
    css = (VENDOR / "govuk-frontend.min.css").read_text()
    assert (
        "govuk-error-summary" in css and "GDS Transport" not in css
    )  # the system font, not GOV.UK's typeface
    assert "MIT License" in (VENDOR / "LICENSE.txt").read_text()
    assert '"version"' in (VENDOR / "package.json").read_text()


def test_every_page_links_only_local_styles(web_as):
    client = web_as("supervisor")
    html = client.get("/cases/").get_data(as_text=True)
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheets == [
        "/static/vendor/govuk-frontend/govuk-frontend.min.css",
        "/static/css/sdp.css",
    ]
    for href in stylesheets:
        assert client.get(href).status_code == 200
    assert "<script" not in html and " style=" not in html
