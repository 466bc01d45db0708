"""The 量力而行 API under /api/v1/."""

from ninja import Router

router = Router()
