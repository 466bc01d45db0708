"""Enforcement services: procedure slice."""
