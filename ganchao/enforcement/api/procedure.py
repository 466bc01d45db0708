"""API of enforcement: procedure slice."""

from ninja import Router

router = Router(tags=["行政执法"])
