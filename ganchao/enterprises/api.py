"""The 服务企业 API under /api/v1/."""

from ninja import Router

router = Router()
