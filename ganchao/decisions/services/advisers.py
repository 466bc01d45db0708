"""Services: advisers."""

__all__: list[str] = []
