"""Ganchao (赶超): goals, supervision, assessment and lawful administration for a city."""

__version__ = "0.1.0"
