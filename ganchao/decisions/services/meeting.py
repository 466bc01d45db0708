"""Services: meeting."""

__all__: list[str] = []
