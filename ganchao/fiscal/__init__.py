"""Fiscal capacity (量力而行, DESIGN.md 3.14): capacity per unit and year and the commitments against it."""
