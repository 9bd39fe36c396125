"""A layered (Sugiyama-style) layout of the graph model, computed in Python: no renderer needed.

Each closed set of states (the top level, a Parallel branch, a Map processor) is laid out as one
block, inner blocks first so that a Parallel or Map is a single box to the block around it:

1. ranks: the longest path from the block's first item, after a depth-first search from it has
   reversed the edges that close a cycle (a retry loop via a Choice, a "more pages?" loop);
2. edges spanning several ranks get a dummy item per rank crossed, which later bends the edge;
3. order within a rank: a few barycentre sweeps down and up, keeping the order with the fewest
   crossings;
4. x: each rank packed, then pulled towards its neighbours' centres while keeping the gaps (an
   isotonic regression per rank, the pool-adjacent-violators way).
Routes are then drawn in absolute coordinates through the dummies' positions.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .graph_model import GraphModel, Node

FONT_SIZE = 12
DETAIL_SIZE = 10
GAP_X = 26              # between neighbours in a rank
GAP_Y = 40              # between ranks
GAP_Y_LABELLED = 56     # between ranks when an edge label sits in the gap
PAD = 14                # inside a cluster box
BRANCH_TITLE = 18       # the "Branch 2" line at the top of a branch box
TERMINAL = 38           # diameter of the Start / End circles
LOOP = 30               # how far a self-loop (a Retry) bulges to the right of its node
MAX_NAME = 36           # longer names are shortened on the picture (the tooltip has them whole)
DUMMY_WIDTH = 10


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass
class Route:
    points: list[tuple[float, float]]
    label_at: tuple[float, float] | None = None
    loop: bool = False               # a self-loop, e.g. a Retry (points are the loop's own)


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict[str, Box]            # every state, Parallel/Map headers included
    clusters: dict[str, Box]         # cluster id -> its box
    start: Box
    end: Box | None
    routes: list[Route]              # one per model.edges entry, same order


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An estimate good enough to size boxes: wide (CJK) characters count double."""
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return units * size * 0.6


def shown_name(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def node_size(node: Node) -> tuple[float, float]:
    width = max(text_width(shown_name(node.name)), text_width(node.detail, DETAIL_SIZE)) + 28
    height = 42 if node.detail else 32
    if node.type == "Choice":
        return max(120, width + 36), 46
    if node.type in ("Succeed", "Fail"):
        return max(100, width + 16), 34
    return max(110, width), height


# -- blocks --------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Item:
    key: tuple
    w: float
    h: float
    extra: float = 0                 # room kept free at the right (self-loops and their labels)
    inner: "_Block | None" = None    # a cluster's own block
    cluster: str = ""                # the id of that cluster
    title: float = 0
    rank: int = 0
    x: float = 0                     # centre of the item's box, relative to its block
    y: float = 0                     # top


@dataclass(eq=False)
class _Block:
    items: dict[tuple, _Item]
    edges: list[tuple[tuple, tuple, int]]              # (source key, target key, model edge index)
    labelled: set[int] = field(default_factory=set)    # model edges that carry a label
    w: float = 0
    h: float = 0
    dummies: dict[int, list[tuple[float, float]]] = field(default_factory=dict)


def compute(model: GraphModel) -> Layout:
    """Positions of every state, cluster and terminal, and a route for every edge."""
    edges_by_block = _edges_by_block(model)
    top = _build(model, None, edges_by_block)
    layout = Layout(width=top.w + 2 * PAD, height=top.h + 2 * PAD, nodes={}, clusters={},
                    start=Box(0, 0, 0, 0), end=None, routes=[])
    dummies: dict[int, list[tuple[float, float]]] = {}
    _place(top, PAD, PAD, layout, dummies)
    leaving: dict[int, list[Route]] = {}      # by id() of the box they leave / enter
    entering: dict[int, list[Route]] = {}
    widths: dict[int, float] = {}
    loops: dict[str, int] = {}
    for i, edge in enumerate(model.edges):
        loop_index = 0
        if _is_loop(edge):
            loop_index = loops[edge.source] = loops.get(edge.source, -1) + 1
        route = _route(model, layout, edge, loop_index, dummies.get(i, []))
        layout.routes.append(route)
        if not route.loop and route.points[-1][1] > route.points[0][1]:
            source, (target, port) = _source_box(model, layout, edge), _target_box(model, layout, edge)
            leaving.setdefault(id(source), []).append(route)
            entering.setdefault(id(target), []).append(route)
            widths[id(source)] = source.w
            widths[id(target)] = port.w
    _spread_ports(leaving, widths, first=True)
    _spread_ports(entering, widths, first=False)
    _place_labels(model, layout)
    for edge, route in zip(model.edges, layout.routes):   # loops and labels may stick out
        right = max(x for x, _ in route.points)
        if edge.label and route.label_at:
            label = text_width(edge.label, DETAIL_SIZE) + 6
            right = max(right, route.label_at[0] + (label if route.loop else label / 2))
        layout.width = max(layout.width, right + PAD)
    return layout


def _key_in(model: GraphModel, name: str, block: str | None) -> tuple:
    """The item standing for state ``name`` in the block of cluster ``block``."""
    node = model.nodes[name]
    if node.cluster == block:
        return ("state", name)
    cluster = model.clusters[node.cluster]
    while cluster.parent != block:
        cluster = model.clusters[cluster.parent]
    return ("cluster", cluster.id)


def _edges_by_block(model: GraphModel) -> dict:
    out: dict = {}
    for i, edge in enumerate(model.edges):
        if _is_loop(edge):
            continue
        if edge.kind == "start" and not edge.source:
            block, source = None, ("start",)
        elif edge.kind == "start":        # a Parallel/Map state into one of its branches
            block = model.nodes[edge.source].container
            source = ("state", edge.source)
        else:
            block = model.nodes[edge.source].cluster
            source = _key_in(model, edge.source, block)
        target = ("end",) if edge.kind == "end" else _key_in(model, edge.target, block)
        out.setdefault(block, []).append((source, target, i))
    return out


def _build(model: GraphModel, cluster_id: str | None, edges_by_block: dict) -> _Block:
    looped: dict[str, list[str]] = {}
    for edge in model.edges:
        if _is_loop(edge):
            looped.setdefault(edge.source, []).append(edge.label)
    items: dict[tuple, _Item] = {}

    def state_item(name: str, as_header: bool = False):
        node = model.nodes[name]
        loops = looped.get(name, [])
        extra = (LOOP * len(loops) + max(text_width(t, DETAIL_SIZE) for t in loops) + 6) if loops else 0
        if node.container and not as_header:
            inner = _build(model, node.container, edges_by_block)
            items[("state", name)] = _Item(("state", name), inner.w + 2 * PAD, inner.h + 2 * PAD,
                                           inner=inner, cluster=node.container)
        else:
            w, h = node_size(node)
            items[("state", name)] = _Item(("state", name), w, h, extra=extra)

    if cluster_id is None:
        items[("start",)] = _Item(("start",), TERMINAL, TERMINAL)
        for name in model.top:
            state_item(name)
        if any(e.kind == "end" for e in model.edges):
            items[("end",)] = _Item(("end",), TERMINAL, TERMINAL)
    else:
        cluster = model.clusters[cluster_id]
        if cluster.kind in ("parallel", "map"):
            state_item(cluster.state, as_header=True)
        for name in cluster.members:
            state_item(name)
        for child_id in cluster.children:
            inner = _build(model, child_id, edges_by_block)
            items[("cluster", child_id)] = _Item(("cluster", child_id), inner.w + 2 * PAD,
                                                 inner.h + 2 * PAD + BRANCH_TITLE, inner=inner,
                                                 cluster=child_id, title=BRANCH_TITLE)
    block = _Block(items, edges_by_block.get(cluster_id, []),
                   labelled={i for i, e in enumerate(model.edges) if e.label})
    # ranks count from where the block starts: Start, the Parallel/Map heading it, a StartAt
    first = next(iter(items))
    if cluster_id is not None and model.clusters[cluster_id].kind == "branch":
        first = ("state", model.clusters[cluster_id].start_at)
    _arrange(block, first)
    return block


def _arrange(block: _Block, first: tuple):
    reversed_edges = _back_edges(block, first)
    ranks = _ranks(block, reversed_edges)
    layers, links = _layers_with_dummies(block, ranks, reversed_edges)
    _order(layers, links)
    _coordinates(block, layers, links)


def _back_edges(block: _Block, first: tuple) -> set[int]:
    """Edges that close a cycle in a depth-first search from ``first`` (then from any unseen item)."""
    successors: dict[tuple, list[tuple[tuple, int]]] = {key: [] for key in block.items}
    for source, target, i in block.edges:
        if source != target:
            successors[source].append((target, i))
    state: dict[tuple, int] = {}          # 1 on the stack, 2 done
    back: set[int] = set()
    for root in [first, *block.items]:
        if root in state:
            continue
        stack = [(root, iter(successors[root]))]
        state[root] = 1
        while stack:
            key, children = stack[-1]
            for child, i in children:
                if state.get(child) == 1:
                    back.add(i)
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(successors[child])))
                    break
            else:
                state[key] = 2
                stack.pop()
    return back


def _ranks(block: _Block, reversed_edges: set[int]) -> dict[tuple, int]:
    """Longest path from the sources of the block's (now acyclic) edges."""
    preds: dict[tuple, list[tuple]] = {key: [] for key in block.items}
    succs: dict[tuple, list[tuple]] = {key: [] for key in block.items}
    for source, target, i in block.edges:
        if source == target:
            continue
        if i in reversed_edges:
            source, target = target, source
        preds[target].append(source)
        succs[source].append(target)
    rank: dict[tuple, int] = {}
    waiting = {key: len(p) for key, p in preds.items()}
    ready = [key for key, count in waiting.items() if count == 0]
    while ready:
        key = ready.pop(0)
        rank[key] = max((rank[p] + 1 for p in preds[key]), default=0)
        for s in succs[key]:
            waiting[s] -= 1
            if waiting[s] == 0:
                ready.append(s)
    if ("end",) in block.items:        # End sits below everything, as AWS's console draws it
        rank[("end",)] = max(rank.values(), default=0) + (1 if len(rank) > 1 else 0)
    return rank


def _layers_with_dummies(block: _Block, ranks: dict, reversed_edges: set[int]):
    """Layers of item keys, dummies included, and the links between consecutive layers."""
    for key, item in block.items.items():
        item.rank = ranks[key]
    depth = max(ranks.values()) + 1
    layers: list[list[tuple]] = [[] for _ in range(depth)]
    for key in block.items:
        layers[ranks[key]].append(key)
    links: list[tuple[tuple, tuple]] = []         # (upper key, lower key)
    for source, target, i in block.edges:
        if source == target:
            continue
        upper, lower = (target, source) if i in reversed_edges else (source, target)
        chain = [upper]
        for r in range(ranks[upper] + 1, ranks[lower]):
            dummy = ("dummy", i, r)
            block.items[dummy] = _Item(dummy, DUMMY_WIDTH, 0, rank=r)
            layers[r].append(dummy)
            chain.append(dummy)
        chain.append(lower)
        links += list(zip(chain, chain[1:]))
    return layers, links


def _order(layers: list[list[tuple]], links: list[tuple[tuple, tuple]], sweeps: int = 4):
    ups: dict[tuple, list[tuple]] = {}
    downs: dict[tuple, list[tuple]] = {}
    for upper, lower in links:
        downs.setdefault(upper, []).append(lower)
        ups.setdefault(lower, []).append(upper)
    best, best_crossings = [list(layer) for layer in layers], _crossings(layers, downs)
    for sweep in range(sweeps):
        rows = range(1, len(layers)) if sweep % 2 == 0 else range(len(layers) - 2, -1, -1)
        for r in rows:
            neighbours = ups if sweep % 2 == 0 else downs
            fixed = layers[r - 1] if sweep % 2 == 0 else layers[r + 1]
            position = {key: i for i, key in enumerate(fixed)}
            current = {key: i for i, key in enumerate(layers[r])}

            def barycentre(key):       # an item with no neighbour there keeps its place
                near = [position[n] for n in neighbours.get(key, ()) if n in position]
                return sum(near) / len(near) if near else current[key]
            layers[r].sort(key=barycentre)
        crossings = _crossings(layers, downs)
        if crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in layers], crossings
    layers[:] = best


def _crossings(layers: list[list[tuple]], downs: dict) -> int:
    total = 0
    for upper, lower in zip(layers, layers[1:]):
        position = {key: i for i, key in enumerate(lower)}
        ends = [position[d] for u in upper for d in sorted(downs.get(u, ()), key=position.get)
                if d in position]
        total += sum(1 for i in range(len(ends)) for j in range(i + 1, len(ends)) if ends[j] < ends[i])
    return total


def _coordinates(block: _Block, layers: list[list[tuple]], links):
    items = block.items
    ups: dict[tuple, list[tuple]] = {}
    downs: dict[tuple, list[tuple]] = {}
    for upper, lower in links:
        downs.setdefault(upper, []).append(lower)
        ups.setdefault(lower, []).append(upper)
    for layer in layers:                  # packed, left to right
        x = 0.0
        for key in layer:
            items[key].x = x + items[key].w / 2
            x += items[key].w + items[key].extra + GAP_X
    for sweep in range(6):
        rows = range(1, len(layers)) if sweep % 2 == 0 else range(len(layers) - 2, -1, -1)
        neighbours = ups if sweep % 2 == 0 else downs
        for r in rows:
            _align(layers[r], items, neighbours)
    left = min(items[k].x - items[k].w / 2 for k in items)
    right = max(items[k].x + items[k].w / 2 + items[k].extra for k in items)
    for item in items.values():
        item.x -= left
    block.w = right - left
    labelled_gap = {item.rank for (s, t, i) in block.edges if i in block.labelled
                    for item in (items[s], items[t])}
    y = 0.0
    for r, layer in enumerate(layers):
        height = max((items[k].h for k in layer if k[0] != "dummy"), default=0)
        for key in layer:
            if key[0] == "dummy":     # runs the rank's full height: clear of tall boxes beside it
                items[key].y, items[key].h = y, height
            else:
                items[key].y = y + (height - items[key].h) / 2
        y += height + (GAP_Y_LABELLED if r in labelled_gap else GAP_Y)
    block.h = y - (GAP_Y_LABELLED if len(layers) - 1 in labelled_gap else GAP_Y)


def _align(layer: list[tuple], items: dict, neighbours: dict):
    """Move a rank's items towards their neighbours' mean centre, in order, gaps kept."""
    if not layer:
        return
    desired, weights = [], []
    for key in layer:
        near = [items[n].x for n in neighbours.get(key, ())]
        desired.append(sum(near) / len(near) if near else items[key].x)
        weights.append(len(near) or 0.25)   # an item with no neighbour barely insists
    offsets = [0.0]
    for a, b in zip(layer, layer[1:]):
        gap = items[a].w / 2 + items[a].extra + GAP_X + items[b].w / 2
        offsets.append(offsets[-1] + gap)
    # With y_i = x_i - offset_i the gaps become y non-decreasing: isotonic regression (PAVA).
    pools: list[list[float]] = []               # [weighted sum, weight, count]
    for d, w, o in zip(desired, weights, offsets):
        pools.append([(d - o) * w, w, 1])
        while len(pools) > 1 and pools[-2][0] / pools[-2][1] > pools[-1][0] / pools[-1][1]:
            total, weight, count = pools.pop()
            pools[-1][0] += total
            pools[-1][1] += weight
            pools[-1][2] += count
    i = 0
    for total, weight, count in pools:
        for _ in range(count):
            items[layer[i]].x = total / weight + offsets[i]
            i += 1


# -- absolute positions and routes ------------------------------------------------------------

def _place(block: _Block, ox: float, oy: float, layout: Layout, dummies: dict):
    for key, item in block.items.items():
        box = Box(ox + item.x - item.w / 2, oy + item.y, item.w, item.h)
        kind = key[0]
        if kind == "dummy":
            dummies.setdefault(key[1], []).append((box.cx, box.y, key[2]))
            if box.h > 0:
                dummies[key[1]].append((box.cx, box.bottom, key[2] + 0.5))
        elif kind == "start":
            layout.start = box
        elif kind == "end":
            layout.end = box
        elif item.inner is not None:
            layout.clusters[item.cluster] = box
            _place(item.inner, box.x + PAD, box.y + PAD + item.title, layout, dummies)
        else:
            layout.nodes[key[1]] = box


def _is_loop(edge) -> bool:
    return bool(edge.source) and edge.source == edge.target


def _route(model: GraphModel, layout: Layout, edge, loop_index: int, dummies) -> Route:
    if _is_loop(edge):            # on the node's right side; a second loop bulges further
        box = layout.nodes[edge.source]
        top, bottom = (box.right - 1, box.cy - 7), (box.right - 1, box.cy + 7)
        far = box.right + LOOP * (loop_index + 1) - 6
        return Route([top, (far, box.cy - 12), (far, box.cy + 12), bottom],
                     label_at=(far + 4, box.cy + 4), loop=True)
    source = _source_box(model, layout, edge)
    target, port = _target_box(model, layout, edge)
    target_x = port.cx
    bends = [(x, y) for x, y, _ in sorted(dummies, key=lambda d: d[2])]
    if target.y >= source.bottom - 1:            # downwards, the usual case
        return Route([(source.cx, source.bottom), *bends, (target_x, target.y)])
    bends.reverse()                              # the dummies were laid out target -> source
    if not bends:
        x = max(source.right, target.right) + LOOP
        bends = [(x, (source.cy + target.cy) / 2)]
    else:
        bends = [(x + DUMMY_WIDTH, y) for x, y in bends]
    return Route([(source.right, source.cy), *bends, (target.right, target.cy)])


def _source_box(model: GraphModel, layout: Layout, edge) -> Box:
    if not edge.source:
        return layout.start
    node = model.nodes[edge.source]
    if node.container and edge.kind != "start":   # leaving a Parallel/Map: from its box
        return layout.clusters[node.container]
    return layout.nodes[edge.source]


def _target_box(model: GraphModel, layout: Layout, edge) -> tuple[Box, Box]:
    """The box an edge ends on, and the box whose width its arrow is centred on."""
    if not edge.target:
        return layout.end, layout.end
    node = model.nodes[edge.target]
    if node.container:                           # entering a Parallel/Map: at its box's top,
        box = layout.clusters[node.container]     # above the node that heads it
        return box, layout.nodes[edge.target]
    box = layout.nodes[edge.target]
    return box, box


def _spread_ports(by_box: dict[int, list[Route]], widths: dict[int, float], *, first: bool):
    """Edges leaving (entering) one box side by side share its bottom (top) border."""
    for box_id, routes in by_box.items():
        if len(routes) < 2:
            continue
        width = min(widths[box_id] * 0.5, 24 * (len(routes) - 1))
        end = 0 if first else -1
        routes.sort(key=lambda r: r.points[1 if first else -2][0])
        x, y = routes[0].points[end]
        step = width / (len(routes) - 1)
        for i, route in enumerate(routes):
            route.points[end] = (x - width / 2 + i * step, y)


def _place_labels(model: GraphModel, layout: Layout):
    """Labels at their edge's middle, nudged down while they would cover one already placed."""
    placed: list[tuple[float, float, float, float]] = []
    for edge, route in zip(model.edges, layout.routes):
        if not edge.label:
            continue
        width = text_width(edge.label, DETAIL_SIZE) + 6
        if route.label_at is None:
            route.label_at = _midpoint(route.points)
        x, y = route.label_at
        left = x if route.loop else x - width / 2
        for _ in range(4):
            if not any(left < r and left + width > l and y - 10 < b and y + 4 > t
                       for l, t, r, b in placed):
                break
            y += 14
        route.label_at = (x, y)
        placed.append((left, y - 10, left + width, y + 4))


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    lengths = [((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 for (x1, y1), (x2, y2) in zip(points, points[1:])]
    half = sum(lengths) / 2
    for (x1, y1), (x2, y2), length in zip(points, points[1:], lengths):
        if half <= length and length:
            t = half / length
            return x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        half -= length
    return points[-1]
