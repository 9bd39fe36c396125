"""ItemBatcher: items grouped into the inputs of child executions.

A child's input is ``{"BatchInput": ..., "Items": [...]}`` (BatchInput only when the batcher
has one). A batch is closed when it holds MaxItemsPerBatch items or when one more item would
make the child's input larger than MaxInputBytesPerBatch.
"""
from __future__ import annotations

from typing import Iterator

from ...query.jsonpath import dumps


def batch_inputs(items: list, *, max_items: int | None, max_bytes: int | None,
                 head: dict) -> Iterator[dict]:
    """The child inputs, in item order; ``head`` is ``{"BatchInput": ...}`` or ``{}``."""
    # the size of {"BatchInput":...,"Items":[]}; each item adds its JSON and one comma
    base = len(dumps({**head, "Items": []}).encode("utf-8")) - 1
    batch: list = []
    size = base
    for item in items:
        item_size = len(dumps(item).encode("utf-8")) + 1 if max_bytes is not None else 0
        full = max_items is not None and len(batch) >= max_items
        too_big = max_bytes is not None and batch and size + item_size > max_bytes
        if full or too_big:
            yield {**head, "Items": batch}
            batch, size = [], base
        # an item larger than the byte limit on its own still travels, alone in its batch
        batch.append(item)
        size += item_size
    if batch:
        yield {**head, "Items": batch}

