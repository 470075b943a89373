"""The production settings with the ceiling views' URLs added (bench/urls.py): what the
HTTP figures start their server with (DJANGO_SETTINGS_MODULE=bench.server_settings)."""

from bench.http import STATIC_STORAGES
from config.settings import *  # noqa: F403 (exactly the product's settings, the lines below changed)

ROOT_URLCONF = "bench.urls"
STORAGES = STATIC_STORAGES
