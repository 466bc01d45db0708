"""Finding a unit from what a sheet writes in a cell (DESIGN.md 3.3): its code, a name or alias
that is unique, or a path such as `西湖镇/李庄村` (the last names of its chain, root omitted or
not). An ambiguous name is an error that lists the candidates.

The resolver works on light UnitNode objects so that an importer can resolve against the units
as its file will leave them (the unit sheet) as well as against the database (every other
sheet: UnitResolver.from_database()).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ganchao.orgs.models import Unit

PATH_SEPARATOR = re.compile(r"[/／]")
UNKNOWN = "unknown"  # a node's parent that is not yet known (while an import resolves rows)


@dataclass(eq=False)
class UnitNode:
    """A unit as far as references are concerned."""

    code: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    parent: "UnitNode | None | str" = None
    pk: int | None = None
    row: int | None = None  # the sheet row that defines it, for messages
    active: bool = True
    merged_into: "UnitNode | None" = None  # a sheet row found to be an existing unit
    settled: bool = True  # False while a sheet row might still turn out to be another node

    @property
    def canonical(self) -> "UnitNode":
        node = self
        while node.merged_into is not None:
            node = node.merged_into
        return node

    def answers_to(self, term: str) -> bool:
        return term == self.name or term == self.code or term in self.aliases

    def parent_node(self) -> "UnitNode | None | str":
        parent = self.parent
        return parent.canonical if isinstance(parent, UnitNode) else parent


class Unresolved(Exception):
    """The reference names no unit, or more than one; the message says which."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class Pending(Exception):
    """The answer depends on sheet rows that are not resolved yet; try again later."""


def describe(node: UnitNode) -> str:
    """`西湖镇/李庄村（C101001）`: the chain below the root, with the code or the sheet row."""
    names, current, seen = [], node, set()
    while isinstance(current, UnitNode) and id(current) not in seen:
        seen.add(id(current))
        parent = current.parent_node()
        if parent is None and names:
            break
        names.append(current.name)
        current = parent
    trail = "/".join(reversed(names))
    if node.code:
        return f"{trail}（{node.code}）"
    if node.row:
        return _("%(trail)s（表中第%(row)d行）") % {"trail": trail, "row": node.row}
    return trail


class UnitResolver:
    """Resolves references over a set of nodes. Names and aliases are indexed once; nodes may
    be merged or renamed later, so every hit is checked again against the node itself."""

    def __init__(self, nodes):
        self.by_code: dict[str, UnitNode] = {}
        self.by_term: dict[str, list[UnitNode]] = defaultdict(list)
        for node in nodes:
            self.add(node)

    def add(self, node: UnitNode) -> None:
        if node.code:
            self.by_code.setdefault(node.code, node)
        for term in {node.name, *node.aliases}:
            if term:
                self.by_term[term].append(node)

    @classmethod
    def from_database(cls, *, active_only: bool = False) -> "UnitResolver":
        return cls(load_unit_nodes(active_only=active_only).values())

    def resolve(self, text: str, *, final: bool = True) -> UnitNode:
        """The node `text` refers to. With final=False an answer that depends on unsettled
        nodes raises Pending instead of an error."""
        text = text.strip()
        return self._pick(text, self.candidates(text, final=final), final)

    def candidates(self, text: str, *, final: bool = True) -> list[UnitNode]:
        """Every node `text` may refer to (one when the reference is good)."""
        text = text.strip()
        node = self.by_code.get(text)
        if node is not None:
            return [node.canonical]
        found = self._named(text)
        if not found and PATH_SEPARATOR.search(text):
            found = self._by_path(text, final)
        return found

    def _named(self, term: str) -> list[UnitNode]:
        found = {}
        for node in self.by_term.get(term, ()):
            canonical = node.canonical
            if canonical.answers_to(term):
                found[id(canonical)] = canonical
        return list(found.values())

    def _candidates(self, term: str) -> list[UnitNode]:
        node = self.by_code.get(term)
        return [node.canonical] if node is not None else self._named(term)

    def _by_path(self, text: str, final: bool) -> list[UnitNode]:
        parts = [part.strip() for part in PATH_SEPARATOR.split(text)]
        if not all(parts):
            raise Unresolved(_("单位路径“%(text)s”中有空的部分") % {"text": text})
        matched = []
        for candidate in self._candidates(parts[-1]):
            verdict = self._chain_matches(candidate, parts[:-1])
            if verdict is UNKNOWN and not final:
                raise Pending
            if verdict is True:
                matched.append(candidate)
        return matched

    @staticmethod
    def _chain_matches(node: UnitNode, ancestors: list[str]):
        current = node
        for term in reversed(ancestors):
            parent = current.parent_node()
            if parent == UNKNOWN:
                return UNKNOWN
            if parent is None or not parent.answers_to(term):
                return False
            current = parent
        return True

    @staticmethod
    def _pick(text: str, candidates: list[UnitNode], final: bool) -> UnitNode:
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise Unresolved(_("找不到单位“%(text)s”") % {"text": text})
        if not final and not all(c.settled for c in candidates):
            raise Pending
        listed = "、".join(sorted(describe(c) for c in candidates))
        raise Unresolved(
            _("“%(text)s”对应多个单位：%(units)s，请改填单位编码或“上级单位/本单位”这样的路径")
            % {"text": text, "units": listed}
        )


def load_unit_nodes(*, active_only: bool = False) -> dict[int, UnitNode]:
    """Every unit as a UnitNode linked to its parent, keyed by id (one query)."""
    units = Unit.objects.order_by("path")
    if active_only:
        units = units.filter(active=True)
    rows = units.values_list("id", "code", "name", "type", "aliases", "parent_id", "active")
    nodes, parents = {}, {}
    for pk, code, name, type_, aliases, parent_id, active in rows:
        nodes[pk] = UnitNode(
            code=code, name=name, type=type_, aliases=list(aliases or []), pk=pk, active=active
        )
        parents[pk] = parent_id
    for pk, parent_id in parents.items():
        nodes[pk].parent = nodes.get(parent_id)
    return nodes


def resolve_unit(text: str, resolver: UnitResolver | None = None) -> Unit:
    """The Unit a reference names (for forms and simple callers); raises Unresolved."""
    node = (resolver or UnitResolver.from_database()).resolve(text)
    return Unit.objects.get(pk=node.pk)
