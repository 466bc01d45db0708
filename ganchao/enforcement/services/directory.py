"""Enforcement services: directory slice."""
