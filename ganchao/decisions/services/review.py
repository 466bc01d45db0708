"""Services: review."""

__all__: list[str] = []
