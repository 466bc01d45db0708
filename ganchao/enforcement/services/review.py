"""Enforcement services: review slice."""
