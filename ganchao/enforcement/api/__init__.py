"""The enforcement API (DESIGN.md 3.13) under /api/v1/: one router per slice."""

from ninja import Router

from ganchao.enforcement.api import (
    core,
    directory,
    disclosure,
    document,
    oversight,
    procedure,
    records,
    review,
)

router = Router()
for _module in (core, directory, records, review, procedure, document, disclosure, oversight):
    router.add_router("/", _module.router)
