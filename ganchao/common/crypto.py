"""Personal data encrypted at rest, field by field (LEGAL_RULES C8), and its masked display.

`EncryptedCharField` is a CharField in Python (forms, validation and max_length are about the
clear value) whose column holds `enc1:` + the AES-SIV ciphertext (`cryptography`), base64.
AES-SIV is deterministic: the same value gives the same ciphertext, so an exact lookup
(`party_id_no=…`, `__in`) still works, and nothing else does (`icontains` on a ciphertext
finds nothing — callers search these fields only by the exact value). The empty string stays
empty, so "no phone" remains a plain filter. A value read that is not ciphertext (a row from
before the encrypting migration) is returned as it is.

The key (64 bytes) comes from GANCHAO_FIELD_KEY (urlsafe base64) or, without it, from
DATA_DIR/field.key, created with mode 0600 at first use — never from the database, so that a
dump of the database alone holds no clear phone or ID number. Losing the key loses the data:
back it up apart from the database.
"""

import base64
import binascii
import os
import re
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"
KEY_BYTES = 64
KEY_FILE = "field.key"


def _decode_key(raw: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(f"{where}: 不是有效的 base64 密钥") from exc
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{where}: 密钥须为 {KEY_BYTES} 字节（base64 编码）")
    return key


def key_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE


def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        raw = base64.urlsafe_b64encode(os.urandom(KEY_BYTES))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
    return _decode_key(path.read_text(encoding="ascii"), str(path))


@lru_cache(maxsize=4)
def _cipher(source: str) -> AESSIV:
    kind, _sep, value = source.partition(":")
    if kind == "env":
        return AESSIV(_decode_key(value, "GANCHAO_FIELD_KEY"))
    return AESSIV(_key_from_file(Path(value)))


def cipher() -> AESSIV:
    raw = os.environ.get("GANCHAO_FIELD_KEY", "").strip()
    return _cipher(f"env:{raw}" if raw else f"file:{key_path()}")


def encrypt(text: str) -> str:
    """`enc1:` + base64 of the AES-SIV ciphertext; the empty string stays empty."""
    if text is None or text == "":
        return text
    sealed = cipher().encrypt(str(text).encode("utf-8"), None)
    return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")


def decrypt(stored: str) -> str:
    """The clear value of a column; a value without the prefix is returned unchanged."""
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        sealed = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
        return cipher().decrypt(sealed, None).decode("utf-8")
    except (binascii.Error, ValueError, InvalidTag):
        return stored


class EncryptedCharField(models.CharField):
    """A CharField stored encrypted (see the module's docstring). The column is `text`: the
    ciphertext is longer than the clear value that max_length bounds."""

    def db_type(self, connection):
        return "text"

    def cast_db_type(self, connection):
        return "text"

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if isinstance(value, str) else value


# Masked display for lists (pages and API lists): the full value only on the object's page.
_DIGITS = re.compile(r"\d")


def mask_phone(value: str) -> str:
    """13812341234 → 138****1234; a landline 0531-12345678 → 0531-****5678; short → ****."""
    text = (value or "").strip()
    if not text:
        return ""
    digits = _DIGITS.findall(text)
    if len(digits) < 7:
        return "****"
    return text[: _head(text)] + "****" + text[-4:]


def _head(text: str) -> int:
    """A mobile keeps its first three digits, a landline its area code."""
    if text.startswith("1"):
        return 3
    ends = [text.find(mark, 1) for mark in "-)） " if 0 < text.find(mark, 1) < 6]
    return min(ends) + 1 if ends else 4


def mask_id_number(value: str) -> str:
    """330102199001011234 → 3301**********1234 (length kept); short → ****."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= 8:
        return "****"
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def encrypt_columns(app_label: str, model_name: str, *fields: str):
    """A migration's RunPython (forward, backward) that encrypts the clear values already in
    `fields` (the AlterField to EncryptedCharField comes first), and writes them back clear."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = model._base_manager.using(schema_editor.connection.alias)
        for pk, *values in rows.values_list("pk", *fields).iterator(chunk_size=500):
            # read through the field: clear (old rows) or already decrypted; written encrypted
            rows.filter(pk=pk).update(**dict(zip(fields, values, strict=True)))

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        connection = schema_editor.connection
        rows = model._base_manager.using(connection.alias)
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        with connection.cursor() as cursor:
            for pk, *values in rows.values_list("pk", *fields).iterator(chunk_size=500):
                for name, value in zip(fields, values, strict=True):
                    column = quote(model._meta.get_field(name).column)
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {quote(model._meta.pk.column)} = %s",
                        [value, pk],
                    )

    return forward, backward


def forget_key() -> None:
    """Forget the cached key (a restore may have put another field.key in place)."""
    _cipher.cache_clear()
