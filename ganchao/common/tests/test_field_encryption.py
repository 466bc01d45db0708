"""Phone and ID numbers are encrypted at rest (LEGAL_RULES C8), masked in lists, in full only
on the object's page."""

import os
import stat

import pytest
from django.db import connection

from ganchao.common import crypto
from ganchao.common.crypto import decrypt, encrypt, mask_id_number, mask_phone
from ganchao.goals.tests.factories import make_plan
from ganchao.orgs.models import User

PHONE = "13812341234"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_round_trip_and_deterministic(settings):
    sealed = encrypt(PHONE)
    assert sealed.startswith("enc1:") and PHONE not in sealed
    assert decrypt(sealed) == PHONE and encrypt(PHONE) == sealed
    assert encrypt("") == "" and decrypt("") == ""
    assert decrypt("0571-8888") == "0571-8888"  # a row from before the migration


def test_key_file_is_created_0600_outside_the_database(settings, monkeypatch):
    monkeypatch.delenv("GANCHAO_FIELD_KEY", raising=False)
    encrypt(PHONE)
    path = settings.DATA_DIR / "field.key"
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_key_from_the_environment(monkeypatch):
    import base64

    key = base64.urlsafe_b64encode(b"k" * 64).decode()
    monkeypatch.setenv("GANCHAO_FIELD_KEY", key)
    sealed = encrypt(PHONE)
    monkeypatch.setenv("GANCHAO_FIELD_KEY", base64.urlsafe_b64encode(b"j" * 64).decode())
    assert encrypt(PHONE) != sealed
    crypto.forget_key()


def test_masks():
    assert mask_phone(PHONE) == "138****1234"
    assert mask_phone("0531-12345678") == "0531-****5678"
    assert mask_id_number("330102199001011234") == "3301**********1234"
    assert mask_phone("") == "" and mask_id_number("12") == "****"


@pytest.mark.django_db
def test_user_phone_column_holds_ciphertext(city, login):
    User.objects.filter(pk=city.liaison_a.pk).update(phone=PHONE)
    stored = raw("orgs_user", "phone", city.liaison_a.pk)
    assert stored.startswith("enc1:") and PHONE not in stored
    assert User.objects.get(pk=city.liaison_a.pk).phone == PHONE
    assert User.objects.filter(phone=PHONE).get() == city.liaison_a  # exact lookup still works
    page = login(city.admin).get(f"/orgs/users/{city.liaison_a.pk}/").content.decode()
    assert PHONE in page  # the object's own page, to an administrator


@pytest.mark.django_db
def test_assignment_list_masks_and_edit_page_shows_full(city, login):
    tree = make_plan(city, issued=False)
    tree.ind_lead.contact_phone = PHONE
    tree.ind_lead.save(update_fields=["contact_phone"])
    assert raw("goals_assignment", "contact_phone", tree.ind_lead.pk).startswith("enc1:")
    client = login(city.office)
    listed = client.get(f"/goals/items/{tree.indicator.pk}/assignments/").content.decode()
    assert "138****1234" in listed and PHONE not in listed
    edit = client.get(f"/goals/assignments/{tree.ind_lead.pk}/edit/").content.decode()
    assert PHONE in edit


@pytest.mark.django_db
def test_enforcement_and_adviser_columns_are_encrypted():
    from ganchao.decisions.models import LegalAdviser
    from ganchao.enforcement.models import Case

    for model, names in ((Case, ("party_id_no", "party_phone")), (LegalAdviser, ("phone",))):
        for name in names:
            field = model._meta.get_field(name)
            assert isinstance(field, crypto.EncryptedCharField)
            assert field.db_type(connection) == "text"


@pytest.mark.django_db
def test_a_dump_has_no_clear_phone(city):
    """The database as a backup copies it: on SQLite its full SQL dump, elsewhere every
    encrypted column read raw."""
    User.objects.filter(pk=city.liaison_a.pk).update(phone=PHONE)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        dump = "\n".join(connection.connection.iterdump())
        assert 'INSERT INTO "orgs_user"' in dump
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM orgs_user")
            dump = "\n".join(row[0] for row in cursor.fetchall())
    assert PHONE not in dump
