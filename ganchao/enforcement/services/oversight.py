"""Enforcement services: oversight slice."""
