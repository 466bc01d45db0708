"""Test factories for the problem ledger, on the `city` fixture (ganchao/conftest.py).

Rows are written with the ORM directly (no audit events, no timeline) so that any test can
build the data it needs quickly; tests of the write side call the services instead.

    from ganchao.problems.tests.factories import ProblemFactory, make_photo_bytes
    ProblemFactory(owner_unit=city.town_a, found_by=city.leader_user)
    ProblemFactory.create_batch(30, owner_unit=city.town_b, state=State.CLOSED)
    make_photo_bytes("png")              # a small real PNG (or "jpeg", "webp")
"""

import datetime as dt
import io

import factory
from factory.django import DjangoModelFactory

from ganchao.problems.choices import Category, PhotoStage, PlaceType, Severity, Source, State
from ganchao.problems.models import Problem, ProblemEvent


def make_photo_bytes(kind: str = "png", size: tuple[int, int] = (640, 480)) -> bytes:
    """A real image of the given format, as a phone would upload it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=kind.upper())
    return buffer.getvalue()


def photo(name: str = "现场.png", kind: str = "png") -> tuple[str, bytes]:
    """A (name, bytes) pair as the services take photos."""
    return name, make_photo_bytes(kind)


class ProblemFactory(DjangoModelFactory):
    """An open problem at a village, owned by the unit given (required: owner_unit)."""

    class Meta:
        model = Problem

    number = factory.Sequence(lambda n: f"WT2026{n + 1:05d}")
    source = Source.VISIT
    place_type = PlaceType.VILLAGE
    place = factory.Sequence(lambda n: f"李庄村{n}组")
    place_key = factory.LazyAttribute(lambda o: "".join(o.place.split()))
    category = Category.LIVELIHOOD
    severity = Severity.GENERAL
    description = factory.Sequence(lambda n: f"村道破损，雨天积水（{n}）")
    found_on = dt.date(2026, 11, 2)
    deadline = dt.date(2026, 11, 30)
    state = State.OPEN


class ProblemEventFactory(DjangoModelFactory):
    class Meta:
        model = ProblemEvent

    problem = factory.SubFactory(ProblemFactory)
    kind = "created"
    at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))
    to_state = State.OPEN


__all__ = ["PhotoStage", "ProblemEventFactory", "ProblemFactory", "make_photo_bytes", "photo"]
