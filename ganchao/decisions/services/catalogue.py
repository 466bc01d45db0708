"""Services: catalogue."""

__all__: list[str] = []
