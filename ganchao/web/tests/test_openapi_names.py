"""The OpenAPI document names each request and response shape once: two schema classes of the
same name in different modules make ninja keep only one of them in `components`, so the
document then describes some operations with another operation's fields (a client generated
from it, or schemathesis, would send and expect the wrong shape)."""

from collections import defaultdict

from ninja import Schema

from config.api import api


def _schema_classes(base=Schema):
    for cls in base.__subclasses__():
        yield cls
        yield from _schema_classes(cls)


def test_every_schema_in_the_api_has_its_own_name():
    api.get_openapi_schema()  # imports every router's module
    modules = defaultdict(set)
    for cls in _schema_classes():
        if cls.__module__.startswith(("ganchao.", "config.")) and ".tests" not in cls.__module__:
            modules[cls.__name__].add(cls.__module__)
    clashes = {name: sorted(where) for name, where in modules.items() if len(where) > 1}
    assert clashes == {}


def test_the_document_lists_the_import_summary_and_the_manual_score_sheet_apart():
    components = api.get_openapi_schema()["components"]["schemas"]
    assert "written" in components["SheetOut"]["properties"]
    assert "ManualSheetOut" in components
