"""Services: participation."""

__all__: list[str] = []
