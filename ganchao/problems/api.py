"""The 问题台账 API under /api/v1/."""

from ninja import Router

router = Router()
