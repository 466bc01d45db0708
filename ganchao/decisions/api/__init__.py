"""The decisions API (DESIGN.md 3.12) under /api/v1/: one router per procedure module."""

from ninja import Router

from ganchao.decisions.api import (
    advisers,
    after,
    catalogue,
    core,
    experts,
    meeting,
    participation,
    review,
)

router = Router()
for _module in (catalogue, core, participation, experts, review, advisers, meeting, after):
    router.add_router("/", _module.router)
