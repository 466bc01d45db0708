"""Settings of the server bench/run measures: the production settings plus the floor views
(bench/floor_urls.py); nothing else differs."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
