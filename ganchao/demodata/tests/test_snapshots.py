"""The suite's demo snapshots (ganchao/conftest.py `demo_snapshots`): a restore writes back
exactly the rows and files the worker's one seed wrote, holds what seeding in place holds, and
leaves nothing behind the caller's own rollback."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction

from ganchao.audit.verify import audit_verify
from ganchao.conftest import _dump_rows, _tables_written
from ganchao.demodata.services import demo_seed
from ganchao.orgs.models import Unit

AS_OF = dt.date(2026, 11, 20)
MOMENT = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
KEY = ("town", 1, AS_OF, MOMENT)
pytestmark = pytest.mark.django_db


def _files(folder):
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _counts():
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for name in _tables_written():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def test_a_restore_writes_back_exactly_the_rows_and_files_the_seed_wrote(demo_snapshots):
    with time_machine.travel(MOMENT, tick=True) as clock:
        result = demo_snapshots.restore(
            scale="town", seed=1, as_of=AS_OF, moment=MOMENT, clock=clock
        )
        snapshot = demo_snapshots.made[KEY]
        assert dt.datetime.now(tz=ZoneInfo("UTC")) >= snapshot.end  # the clock moved past it
    assert snapshot.rows and _dump_rows(_tables_written()) == snapshot.rows
    data = _files(snapshot.files / "data")
    assert "audit/chain.key" in data and "field.key" in data
    assert _files(settings.DATA_DIR).items() >= data.items()
    uploads = settings.STORAGES["default"]["OPTIONS"]["location"]
    assert _files(uploads).items() >= _files(snapshot.files / "uploads").items()
    assert audit_verify().ok  # under the seed's own key, copied with the rows
    assert result is not snapshot.result and result.audit_seq == snapshot.result.audit_seq
    assert result.enforcement.counts == snapshot.result.enforcement.counts


def test_a_restore_holds_what_seeding_in_place_holds_and_rolls_back_with_its_caller(
    demo_snapshots,
):
    with transaction.atomic():
        demo_snapshots.restore(scale="town", seed=1, as_of=AS_OF, moment=MOMENT)
        restored = _counts()
        transaction.set_rollback(True)
    assert not Unit.objects.exists()
    assert not any(_counts().values())
    with time_machine.travel(MOMENT, tick=True):
        demo_seed(scale="town", seed=1, as_of=AS_OF)
    seeded = _counts()
    assert sum(seeded.values()) > 1000
    assert restored == seeded


def test_a_restore_refuses_a_database_that_has_units(demo_snapshots, city):
    with pytest.raises(AssertionError, match="without units"):
        demo_snapshots.restore(scale="town", seed=1, as_of=AS_OF, moment=MOMENT)
