"""API of enforcement: records slice."""

from ninja import Router

router = Router(tags=["行政执法"])
