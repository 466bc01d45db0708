"""Services: after."""

__all__: list[str] = []
