"""Enforcement services: document slice."""
