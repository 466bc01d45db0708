"""The normal URLs plus /__floor__/<name>/ (bench/floors.py), for the server bench/run starts."""

from django.urls import path

from bench.floors import floor_view
from config.urls import urlpatterns as normal

urlpatterns = [path("__floor__/<str:name>/", floor_view), *normal]
