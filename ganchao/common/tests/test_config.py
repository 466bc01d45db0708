"""Strict configuration parsing (DESIGN.md 3.2): a bad value stops start-up naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import env

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("word", ["1", "true", "YES", "on"])
def test_true_words(monkeypatch, word):
    monkeypatch.setenv("GANCHAO_DEBUG", word)
    assert env.env_bool("GANCHAO_DEBUG", False) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off"])
def test_false_words(monkeypatch, word):
    monkeypatch.setenv("GANCHAO_DEBUG", word)
    assert env.env_bool("GANCHAO_DEBUG", True) is False


def test_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("GANCHAO_DEBUG", "maybe")
    with pytest.raises(env.ConfigError, match="GANCHAO_DEBUG"):
        env.env_bool("GANCHAO_DEBUG", False)


def test_database_urls(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p%40ss@db.local:6543/gc")
    db = env.database(tmp_path)
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "gc",
        "u",
        "p@ss",
        "db.local",
        "6543",
    )
    assert db["CONN_MAX_AGE"] == 60
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/gc/db.sqlite3")
    db = env.database(tmp_path)
    assert db["NAME"] == "/srv/gc/db.sqlite3" and db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    monkeypatch.delenv("DATABASE_URL")
    assert env.database(tmp_path)["NAME"] == str(tmp_path / "ganchao.sqlite3")


@pytest.mark.parametrize(
    "url",
    ["mysql://x/y", "sqlite:///relative.db", "postgres://host:notaport/db", "postgres://host/"],
)
def test_bad_database_urls(monkeypatch, tmp_path, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(env.ConfigError, match="DATABASE_URL"):
        env.database(tmp_path)


def test_email_urls(monkeypatch):
    monkeypatch.setenv("GANCHAO_EMAIL_URL", "smtp+tls://bot:pw@mail.gov:2525")
    mail = env.email()
    assert (
        mail["EMAIL_HOST"],
        mail["EMAIL_PORT"],
        mail["EMAIL_USE_TLS"],
        mail["EMAIL_HOST_USER"],
    ) == ("mail.gov", 2525, True, "bot")
    monkeypatch.setenv("GANCHAO_EMAIL_URL", "smtps://mail.gov")
    assert env.email()["EMAIL_PORT"] == 465
    monkeypatch.setenv("GANCHAO_EMAIL_URL", "pop3://mail.gov")
    with pytest.raises(env.ConfigError, match="GANCHAO_EMAIL_URL"):
        env.email()


def test_secret_key_is_generated_once_into_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("GANCHAO_SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert len(first) >= 50 and env.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_short_secret_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("GANCHAO_SECRET_KEY", "short")
    with pytest.raises(env.ConfigError, match="GANCHAO_SECRET_KEY"):
        env.secret_key(tmp_path)


def test_bad_value_stops_start_up_with_a_message(tmp_path):
    environ = {
        **os.environ,
        "GANCHAO_DATA_DIR": str(tmp_path),
        "GANCHAO_WEBHOOK_URL": "ftp://robot",
    }
    result = subprocess.run(
        [sys.executable, "-m", "ganchao.cli", "audit", "verify"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "配置错误" in result.stderr and "GANCHAO_WEBHOOK_URL" in result.stderr


@pytest.mark.parametrize(
    ("value", "words"),
    [("abc", "base64"), ("QUJDRA==", "64 字节")],
)
def test_bad_field_key_names_the_variable(monkeypatch, value, words):
    monkeypatch.setenv("GANCHAO_FIELD_KEY", value)
    with pytest.raises(env.ConfigError, match="GANCHAO_FIELD_KEY") as caught:
        env.field_key_checked()
    assert words in str(caught.value)


def test_good_field_key_is_accepted(monkeypatch):
    import base64

    monkeypatch.setenv("GANCHAO_FIELD_KEY", base64.urlsafe_b64encode(bytes(range(64))).decode())
    env.field_key_checked()
