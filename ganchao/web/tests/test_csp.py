"""The Content-Security-Policy (issue 12 item 3): no inline script, no eval, no inline style.

The header is checked on a signed-in page, the login page and the public portal; the
templates and the page scripts are read as files, so that an inline <script>, an onclick=, a
style="…" or a chart drawn around the one safe tooltip helper fails here before a browser
ever sees it. The browser side (zero violations on real pages, the tooltip payloads) is in
test_chart_xss_browser.py."""

import re
from pathlib import Path

import pytest
from django.test import Client

from ganchao.common.middleware import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]  # the ganchao package
TEMPLATES = sorted(p for p in ROOT.rglob("*.html") if "templates" in p.parts)
SCRIPTS = sorted(p for p in ROOT.rglob("*.js") if "static" in p.parts and "vendor" not in p.parts)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_script_and_style_sources_allow_nothing_inline_and_no_eval():
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    for sources in policy.values():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
        assert "*" not in sources


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/public/"])
def test_every_kind_of_page_sends_the_strict_policy(city, login, path):
    client = login(city.liaison_a) if path == "/" else Client()
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
HTMX_EVAL = re.compile(r"""\shx-on[:-]|\shx-vars=|\shx-vals=["']\s*js:""", re.IGNORECASE)


def offences(pattern) -> list[str]:
    found = []
    for path in TEMPLATES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


@pytest.mark.parametrize(
    "what, pattern",
    [
        ("inline <script>", INLINE_SCRIPT),
        ("inline event handler", HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> block", STYLE_BLOCK),
        ("javascript: URL", SCRIPT_URL),
        ("htmx attribute that evaluates script", HTMX_EVAL),
    ],
)
def test_no_template_writes_what_the_policy_refuses(what, pattern):
    assert TEMPLATES, "no templates found"
    assert offences(pattern) == [], f"{what} in templates (the CSP refuses it)"


def test_htmx_may_not_evaluate_script_nor_inject_its_style():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    config = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", base)
    assert config, "base.html sets no htmx-config"
    assert '"allowEval":false' in config.group(1)
    assert '"includeIndicatorStyles":false' in config.group(1)
    # the config must be read before htmx starts
    assert base.index("htmx-config") < base.index("htmx.min.js")


def test_page_scripts_use_no_eval_and_draw_charts_through_the_safe_helper():
    assert SCRIPTS, "no page scripts found"
    helper = ROOT / "static" / "ganchao" / "ganchao.js"
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(", text), f"{name} evaluates code"
        assert not re.search(r"setAttribute\(\s*[\"']style", text), f"{name} sets a style attribute"
        if path != helper:
            # Ganchao.chart gives every tooltip the escaping (DOM text) formatter
            assert "echarts.init" not in text, f"{name} draws a chart around Ganchao.chart"
