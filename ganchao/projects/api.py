"""The 重点项目 API under /api/v1/."""

from ninja import Router

router = Router()
