"""Every action a page offers is also an API operation calling the same service (DESIGN 3.1).

The URL resolver is walked for every page view that accepts POST; each must be named in some
app's `ganchao/<app>/api_twins.py` (PAGE_API_TWINS), either with its twin — (method, path,
"dotted.service") or a list of them when one page runs several verbs — or with None and a
comment saying why it is not a business action (login, logout, language switch…).
For each twin the operation must be in the OpenAPI document, the service importable, and the
service's name must appear in the source of both the page view and the API handler (counting
the helpers of their own modules that they call).
"""

import importlib
import inspect
import pkgutil
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic import RedirectView

import ganchao
from config.api import api

POST_SIGNS = re.compile(r"request\.(POST|FILES|method)\b")
NAMES = re.compile(r"\b([A-Za-z_]\w*)\b")


def _walk(patterns, namespace=None, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(pattern.url_patterns, joined, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern), pattern.callback


def _declared_methods(callback):
    """The method list of require_POST / require_http_methods / require_GET, read from the
    decorator's closure anywhere in the wrapper chain; None when the view declares none."""
    function = callback
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(v, str) and v.isupper() for v in value)
            ):
                return set(value)
        function = getattr(function, "__wrapped__", None)
    return None


def expanded_source(function, depth: int = 3) -> str:
    """The function's source with that of the functions of its own module that it names
    (calls, or hands on as in `partial(_run, …)`), `depth` levels deep: a view that hands its
    POST to `_save_report` still counts."""
    function = inspect.unwrap(function)
    module = inspect.getmodule(function)
    source = inspect.getsource(function)
    parts, seen, frontier = [source], {function.__name__}, [source]
    for _ in range(depth):
        found = []
        for text in frontier:
            for name in set(NAMES.findall(text)):
                helper = getattr(module, name, None)
                if name in seen or not inspect.isfunction(helper):
                    continue
                if helper.__module__ != module.__name__:
                    continue
                seen.add(name)
                found.append(inspect.getsource(inspect.unwrap(helper)))
        parts += found
        frontier = found
    return "\n".join(parts)


def _accepts_post(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    methods = _declared_methods(callback)
    if methods is not None:
        return "POST" in methods
    return bool(POST_SIGNS.search(expanded_source(callback)))


def post_views() -> dict:
    """URL name → view callback of every page (not API) view that accepts POST."""
    found = {}
    for name, route, callback in _walk(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue
        view_class = getattr(callback, "view_class", None)
        if view_class is not None and issubclass(view_class, RedirectView):
            continue  # a redirect (favicon.ico) answers POST too but writes nothing
        if _accepts_post(callback):
            found[name or route] = callback
    return found


def all_twins() -> dict:
    twins = {}
    for module in pkgutil.iter_modules(ganchao.__path__):
        try:
            table = importlib.import_module(f"ganchao.{module.name}.api_twins")
        except ModuleNotFoundError as error:
            if error.name != f"ganchao.{module.name}.api_twins":
                raise
            continue
        for name, twin in table.PAGE_API_TWINS.items():
            assert name not in twins, f"{name} is listed twice"
            twins[name] = (module.name, twin)
    return twins


def _as_list(twin) -> list:
    return twin if isinstance(twin, list) else [twin]


def api_handlers() -> dict:
    """(METHOD, /api/v1/path) → handler function, through the OpenAPI operation ids."""
    by_id = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                by_id[api.get_openapi_operation_id(operation)] = operation.view_func
    handlers = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, spec in operations.items():
            handlers[(method.upper(), path)] = by_id[spec["operationId"]]
    return handlers


def _service(dotted: str):
    module_name, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), name, None)


def _exemption_comments() -> dict:
    """URL name → the comment on its `None` line, for every exemption."""
    comments = {}
    for module in pkgutil.iter_modules(ganchao.__path__):
        try:
            table = importlib.import_module(f"ganchao.{module.name}.api_twins")
        except ModuleNotFoundError:
            continue
        for line in inspect.getsource(table).splitlines():
            match = re.match(r'\s*"([^"]+)":\s*None,\s*#\s*(\S.*)', line)
            if match:
                comments[match.group(1)] = match.group(2)
    return comments


@pytest.fixture(scope="module")
def views():
    return post_views()


@pytest.fixture(scope="module")
def twins():
    return all_twins()


def test_every_page_view_that_accepts_post_has_an_api_twin(views, twins):
    missing = sorted(name for name in views if name not in twins)
    assert not missing, "page actions without an API twin: " + ", ".join(missing)


def test_every_listed_page_action_exists(views, twins):
    stale = sorted(name for name in twins if name not in views)
    assert not stale, "listed but no page view accepts POST under that name: " + ", ".join(stale)


def test_an_exemption_says_why(twins):
    comments = _exemption_comments()
    bare = sorted(
        name for name, (_app, twin) in twins.items() if twin is None and name not in comments
    )
    assert not bare, "exempt without a comment saying why: " + ", ".join(bare)


def test_each_twin_calls_the_same_service_as_its_page(views, twins):
    handlers = api_handlers()
    problems = []
    for name, (_app, twin) in sorted(twins.items()):
        if twin is None or name not in views:
            continue
        view_source = expanded_source(views[name])
        for method, path, dotted in _as_list(twin):
            handler = handlers.get((method, path))
            service_name = dotted.rpartition(".")[2]
            if handler is None:
                problems.append(f"{name}: {method} {path} is not in the OpenAPI document")
                continue
            if not callable(_service(dotted)):
                problems.append(f"{name}: {dotted} cannot be imported")
            if not re.search(rf"\b{service_name}\b", view_source):
                problems.append(f"{name}: the page view does not call {service_name}")
            if not re.search(rf"\b{service_name}\b", expanded_source(handler)):
                problems.append(f"{name}: {method} {path} does not call {service_name}")
    assert not problems, "\n".join(problems)


# ---- the detection itself ------------------------------------------------------------------


def _declared_post(request):
    return request


def test_the_detection_finds_each_way_a_view_takes_post():
    from django.views.decorators.http import require_GET, require_http_methods, require_POST
    from django.views.generic import FormView, TemplateView

    def reads_method(request):
        if request.method == "POST":
            return None
        return None

    def reads_form(request):
        return request.POST.get("x")

    def plain_page(request):
        return request.GET.get("x")

    assert _accepts_post(require_POST(_declared_post))
    assert _accepts_post(require_http_methods(["GET", "POST"])(_declared_post))
    assert not _accepts_post(require_GET(reads_method))
    assert _accepts_post(reads_method) and _accepts_post(reads_form)
    assert not _accepts_post(plain_page)
    assert _accepts_post(FormView.as_view())
    assert not _accepts_post(TemplateView.as_view())
