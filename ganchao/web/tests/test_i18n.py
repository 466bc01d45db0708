"""English as the second interface language: chosen with the footer switcher (cookie), never
from the browser's Accept-Language. Needs the compiled catalog; it is compiled here when missing."""

import fcntl
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _stale_catalogs() -> list[Path]:
    """The .po files whose .mo is missing or older than the .po."""
    stale = []
    for locale_dir in settings.LOCALE_PATHS:
        for po in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                stale.append(po)
    return stale


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """Compile ganchao/locale/*.po (the .mo files are generated, not committed)."""
    if not _stale_catalogs():
        return
    if shutil.which("msgfmt") is None:
        pytest.fail(
            "The English catalog is not compiled and msgfmt is not installed: install GNU "
            "gettext (scripts/setup installs it when run as root, or apt-get install gettext), "
            "then run `manage.py compilemessages --ignore=.venv --ignore=node_modules`.",
            pytrace=False,
        )
    # pytest-xdist workers may get here together: one compiles, the others wait for it.
    lock_path = Path(tempfile.gettempdir()) / "ganchao-compilemessages.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _stale_catalogs():
                call_command(
                    "compilemessages", ignore_patterns=[".venv", "node_modules"], verbosity=0
                )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    # Forget any catalog this process loaded before the .mo files existed.
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    if hasattr(trans_real, "translation_catalog_exists"):  # Django >= 5.1: cached .mo lookup
        trans_real.translation_catalog_exists.cache_clear()


def choose_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_english_cookie_renders_the_home_page_in_english(city, login):
    response = choose_english(login(city.liaison_a)).get("/")
    text = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in text
    assert "Unit directory" in text and "My unit" in text and "Sign out" in text
    assert "单位目录" not in text and "我的单位" not in text
    # the role label in the top bar comes from a Python choice, translated too
    assert "Unit liaison" in text


def test_english_cookie_renders_the_unit_directory_in_english(city, login):
    text = choose_english(login(city.admin)).get("/orgs/units/").content.decode()
    assert "Unit directory" in text and "Find a unit" in text and "Add unit" in text
    assert "subordinate units" in text  # a plural entry: the city has several children
    assert "查找单位" not in text
    # unit names are data and stay as entered
    assert "西湖镇" in text


def test_browser_language_is_ignored_without_the_cookie(city, login):
    client = login(city.liaison_a)
    for url in ("/", "/orgs/units/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        text = response.content.decode()
        assert response["Content-Language"] == "zh-hans"
        assert "单位目录" in text and "Unit directory" not in text


def test_language_switcher_sets_the_cookie(city, login):
    client = login(city.liaison_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/orgs/units/"})
    assert response.status_code == 302 and response["Location"] == "/orgs/units/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Unit directory" in client.get("/orgs/units/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "单位目录" in client.get("/orgs/units/").content.decode()


def test_sign_in_page_follows_the_cookie_before_login(client):
    text = choose_english(client).get("/accounts/login/").content.decode()
    assert "Sign in" in text and "Username" in text
