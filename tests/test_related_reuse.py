"""Which entry pages a long-lived builder may keep from its last plan."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digest.collect import RELATED
from digest.plan import _changed_span


def _window(items: tuple, i: int) -> tuple:
    return items[max(0, i - RELATED) : i + RELATED + 1]


@given(
    st.lists(st.integers(0, 10**6), min_size=0, max_size=40, unique=True),
    st.lists(st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 50)), max_size=4),
)
def test_an_entry_out_of_reach_of_the_changed_span_has_the_same_neighbours(items, edits) -> None:
    old = tuple(items)
    new = list(items)
    fresh = iter(range(10**7, 10**8))
    for kind, at in edits:
        if kind == "insert":
            new.insert(at % (len(new) + 1), next(fresh))
        elif new and kind == "delete":
            del new[at % len(new)]
        elif new:
            new[at % len(new)] = next(fresh)
    new = tuple(new)
    if new == old:
        return
    start, end = _changed_span(old, new)
    assert 0 <= start <= end <= len(new)
    for i, item in enumerate(new):
        within_reach = i + RELATED >= start and i - RELATED < end
        if not within_reach:
            assert item in old, "an entry outside the span is one the old list had"
            assert _window(new, i) == _window(old, old.index(item))
