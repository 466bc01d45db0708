"""Serve the few npm files the pages use (not the whole of node_modules) as static files."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

VENDOR_FILES = {
    "vendor/tabler/tabler.min.css": "@tabler/core/dist/css/tabler.min.css",
    "vendor/tabler/tabler.min.js": "@tabler/core/dist/js/tabler.min.js",
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "vendor/tom-select/tom-select.complete.min.js": "tom-select/dist/js/tom-select.complete.min.js",
    "vendor/tom-select/tom-select.bootstrap5.min.css": "tom-select/dist/css/tom-select.bootstrap5.min.css",
}


def node_modules() -> Path:
    return Path(settings.BASE_DIR) / "node_modules"


class VendorStorage(FileSystemStorage):
    """Maps the public names above onto their files inside node_modules."""

    def path(self, name):
        return str(node_modules() / VENDOR_FILES[name.replace("\\", "/")])


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.storage = VendorStorage(location=str(node_modules()))

    def check(self, **kwargs):
        missing = [src for src in VENDOR_FILES.values() if not (node_modules() / src).exists()]
        if missing:
            return [
                Error(
                    f"前端资源缺失：{', '.join(missing)}；请在项目目录运行 npm ci",
                    id="ganchao.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        if path in VENDOR_FILES and (node_modules() / VENDOR_FILES[path]).exists():
            match = self.storage.path(path)
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns):
        for name, source in VENDOR_FILES.items():
            if (node_modules() / source).exists():
                yield name, self.storage
