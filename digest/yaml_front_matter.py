"""Front matter read by PyYAML: what :mod:`digest.front_matter` leaves to it.

Safe YAML, and bounded: the document is looked at before it is built, so
aliases may not multiply it (a "billion laughs" is a few lines that expand to
10⁹ values), nor nesting go deeper than ``DEPTH_LIMIT``. A timestamp that is
not a real date stays text, so the ``date`` check can name the field and the
line. Imported only when a front matter needs it.
"""
from __future__ import annotations

import yaml

from digest.errors import ContentError, cut_repr

try:  # the C loader is several times faster; fall back where it is missing
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


ALIAS_LIMIT = 1_000  # values YAML aliases (``*name``) may add to one entry's front matter
DEPTH_LIMIT = 30  # lists and mappings nested in one another


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML; a timestamp that is not a real date stays text, so the
    ``date`` check can name the field and the line. The document is looked at
    before it is built: aliases may not multiply it (a "billion laughs" is a few
    lines that expand to 10⁹ values), nor nesting go deeper than ``DEPTH_LIMIT``."""

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        _check_size(node)
        return self.construct_document(node)


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node


def _check_size(root: yaml.Node) -> None:
    """Raise _TooBig (naming the top-level field) when aliases expand the
    document by more than ALIAS_LIMIT values, refer to themselves, or nesting
    is too deep. Looks at each distinct node once: cheap, however large the
    expansion would be."""
    sizes: dict[int, int] = {}  # node id → its size with every alias expanded
    fields = root.value if isinstance(root, yaml.MappingNode) else [(root, root)]
    added = 0
    for key, value in fields:
        if type(value) is yaml.ScalarNode and id(value) not in sizes:  # most fields: one value, no alias
            sizes[id(value)] = 1
            continue
        before = len(sizes)
        total = _expanded(value, sizes, key)
        added += total - (len(sizes) - before)
        if added > ALIAS_LIMIT:
            raise _TooBig(key, f"YAML aliases (*name) expand the front matter by more than {ALIAS_LIMIT:,} values; "
                               "write the values out")


def _expanded(top: yaml.Node, sizes: dict[int, int], key: yaml.Node) -> int:
    """The size of ``top`` with its aliases expanded (iterative: no recursion limit)."""
    if id(top) in sizes:
        return sizes[id(top)]
    busy: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(top, 0)]
    while stack:
        node, depth = stack[-1]
        if id(node) in sizes:
            stack.pop()
            continue
        children = _children(node)
        if id(node) not in busy:
            if depth > DEPTH_LIMIT:
                raise _TooBig(key, f"lists and mappings are nested more than {DEPTH_LIMIT} deep")
            busy.add(id(node))
            todo = [c for c in children if id(c) not in sizes]
            for child in todo:
                if id(child) in busy:
                    raise _TooBig(key, "a YAML alias (*name) refers to the value that holds it")
            stack.extend((c, depth + 1) for c in todo)
            continue
        stack.pop()
        busy.discard(id(node))
        sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
    return sizes[id(top)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _timestamp(loader: _Loader, node: yaml.Node):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_yaml(fm_text: str, shown: str) -> dict:
    """The mapping of a front matter (``shown``: the file, for errors); a
    ContentError naming the line (the file's: the front matter starts on line 2)."""
    try:
        meta = yaml.load(fm_text, Loader=_Loader)
    except _TooBig as exc:
        key = exc.node
        name = key.value if isinstance(key, yaml.ScalarNode) and isinstance(key.value, str) else None
        raise ContentError(str(exc), path=shown, line=key.start_mark.line + 2,
                           field=cut_repr(name)[1:-1] if name else "front matter") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(f"front matter is not valid YAML: {problem}", path=shown, line=line) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of 'field: value' lines", path=shown, line=2)
    return meta
