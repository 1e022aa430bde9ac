"""Which field of a list response holds the items: the pagination rule, by structure.

Pure functions over the loaded schemas (``codegen.load`` records); ``codegen.build``
calls :func:`items_field` for every method with a ``pageToken`` query parameter whose
response has a ``nextPageToken``.
"""

from __future__ import annotations

import re

from .load import RawMethod, RawSchema

#: The object of a custom method's name: ``fetchRows`` -> ``Rows``.
_OBJECT = re.compile(r"^[a-z]+([A-Z]\w*)$")


def resolved(schemas: dict[str, RawSchema], node: RawSchema | None) -> RawSchema | None:
    """``node``, or the schema its ``$ref`` names."""
    for _ in range(8):
        if node is None or node.ref is None:
            break
        node = None if node.dangling else schemas.get(node.ref)
    return node


def item_schema(
    schemas: dict[str, RawSchema], node: RawSchema
) -> tuple[RawSchema | None, str | None]:
    """For a list field, its item schema and the item's schema id; for a map of item
    lists (``{"zones/a": {"instances": [...]}}``), those of the inner lists' items;
    (None, None) for anything else."""
    if node.type == "array" and node.items is not None:
        return resolved(schemas, node.items), node.items.ref
    if node.is_map:
        value = resolved(schemas, node.additional)
        if value is not None and value.type in (None, "object"):
            lists = [p for _, p in value.properties if p.type == "array" and p.items]
            if len(lists) == 1:
                return resolved(schemas, lists[0].items), lists[0].items.ref
    return None, None


def items_field(
    schemas: dict[str, RawSchema],
    method: RawMethod,
    props: dict[str, RawSchema],
    chain: tuple[str, ...],
    siblings: tuple[RawMethod, ...],
) -> tuple[str | None, list[str]]:
    """The response field (wire name) holding the items, and the candidates considered.

    1. candidates are the response's lists and its maps of item lists (a map's values
       each holding one list, as Compute's ``aggregatedList`` answers);
    2. with several, those of messages beat those of scalars (``operations`` over
       ``unreachable``);
    3. then the one whose items are what the resource's ``get`` returns;
    4. then the one named as the resource or as the method's object (``jobs`` of
       ``projects.jobs.list``, ``rows`` of ``fetchRows``), else the one whose name ends
       with one of those or is the end of one (``jobMessages`` of ``jobs.messages.list``);
    5. then the one called ``items`` (the older Google APIs' convention).

    Still ambiguous (None): the method is not paginated and returns the page.
    """
    candidates = {}
    for name, node in props.items():
        item, item_ref = item_schema(schemas, node)
        if node.type == "array" or item is not None:
            candidates[name] = (item, item_ref)
    if len(candidates) > 1:
        messages = {
            n: c
            for n, c in candidates.items()
            if c[0] is not None and c[0].type in (None, "object")
        }
        candidates = messages or candidates
    if len(candidates) > 1:
        got = {m.response for m in siblings if m.name == "get" and m.response}
        candidates = {n: c for n, c in candidates.items() if c[1] in got} or candidates
    if len(candidates) > 1:
        nouns = [n.lower() for n in (*chain[-1:], *_OBJECT.findall(method.name)) if n]
        named = {n: c for n, c in candidates.items() if n.lower() in nouns}
        if not named:
            named = {
                n: c
                for n, c in candidates.items()
                if any(n.lower().endswith(x) or x.endswith(n.lower()) for x in nouns)
            }
        candidates = named or candidates
    if len(candidates) > 1 and "items" in candidates:
        candidates = {"items": candidates["items"]}
    if len(candidates) != 1:
        return None, sorted(candidates)
    return next(iter(candidates)), sorted(candidates)
