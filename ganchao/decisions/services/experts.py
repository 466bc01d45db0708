"""Services: experts."""

__all__: list[str] = []
