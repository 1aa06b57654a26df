"""The argument map as a picture: networkx lays the graph out, a template draws it as SVG.

Why networkx and not graphviz: networkx is pure Python from PyPI (numpy, which we already have, is its only
need here), so `pip install` is the whole setup on a laptop, in CI and in the container; graphviz would need
its Debian package (the `dot` binary) everywhere the bot runs. networkx gives positions only, so the SVG is
drawn by our own autoescaping template: every claim is escaped text, and nodes carry our links and classes.
Its `multipartite_layout` puts the sides in columns (open | mixed | closed), which reads as the debate does.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import networkx as nx

from bot.argmap.types import Argument, ArgumentMap

SIDES = ("open", "mixed", "closed")


@dataclass(frozen=True, slots=True)
class Node:
    argument: Argument
    x: float  # centre
    y: float
    lines: tuple[str, ...]  # the claim, wrapped (the whole claim is the node's title)


@dataclass(frozen=True, slots=True)
class Edge:
    """`source` answers `target` (source is one of target's counters)."""

    source: Node
    target: Node
    d: str  # the SVG path, from the edge of one box to the edge of the other
    mutual: bool = False  # each answers the other: one path, arrowheads at both ends


@dataclass(frozen=True, slots=True)
class Picture:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    box_width: int
    box_height: int
    compact: bool  # small nodes with one-line labels (the whole map)


@dataclass(frozen=True, slots=True)
class Style:
    box_width: int
    box_height: int
    row: int  # vertical distance between nodes of a column
    column: int  # horizontal distance between columns
    wrap: int  # characters per label line
    max_lines: int


BOXES = Style(box_width=270, box_height=84, row=110, column=400, wrap=31, max_lines=4)
DOTS = Style(box_width=300, box_height=22, row=30, column=420, wrap=44, max_lines=1)
MARGIN = 40


def answer_graph(arguments: list[Argument]) -> nx.DiGraph:
    """Nodes: the arguments; an edge B -> A when B answers A (B is among A's counters)."""
    graph = nx.DiGraph()
    for argument in arguments:
        graph.add_node(argument.id, argument=argument)
    for argument in arguments:
        for counter in argument.counters:
            if counter in graph and counter != argument.id:
                graph.add_edge(counter, argument.id)
    return graph


def _label(claim: str, style: Style) -> tuple[str, ...]:
    return tuple(textwrap.wrap(claim, style.wrap, max_lines=style.max_lines, placeholder=" …")) or ("",)


def _grid_step(raw: dict, layers: dict[int, list[str]]) -> float:
    """The layout's distance between neighbours in a column and between columns (it scales both alike)."""
    for ids in layers.values():
        if len(ids) > 1:
            return abs(float(raw[ids[1]][1]) - float(raw[ids[0]][1])) or 1.0
    xs = sorted({float(p[0]) for p in raw.values()})
    return xs[1] - xs[0] if len(xs) > 1 else 1.0


def _path(a: Node, b: Node, style: Style) -> str:
    """A curve from box a to box b: across between columns, a bow on the outer side within one."""
    half = style.box_width / 2
    if abs(a.x - b.x) > 1:
        sign = 1 if b.x > a.x else -1
        x1, x2 = a.x + sign * half, b.x - sign * half
        mid = (x1 + x2) / 2
        return f"M{x1:.1f},{a.y:.1f} C{mid:.1f},{a.y:.1f} {mid:.1f},{b.y:.1f} {x2:.1f},{b.y:.1f}"
    sign = -1 if a.x < MARGIN + style.column / 2 else 1  # the left column bows left, the others right
    x = a.x + sign * half
    bow = x + sign * min(MARGIN - 4, 12 + abs(b.y - a.y) / 10)
    return f"M{x:.1f},{a.y:.1f} C{bow:.1f},{a.y:.1f} {bow:.1f},{b.y:.1f} {x:.1f},{b.y:.1f}"


def picture(argmap: ArgumentMap, topic: str | None = None) -> Picture:
    """The map of one topic (boxes with their claims) or of every argument (dots with short labels)."""
    chosen = [a for a in argmap if topic is None or a.topic == topic]
    chosen.sort(key=lambda a: (a.topic, a.id))  # the whole map: a topic's arguments sit near each other
    style = DOTS if topic is None else BOXES
    graph = answer_graph(chosen)
    if not chosen:
        return Picture(2 * MARGIN, 2 * MARGIN, (), (), style.box_width, style.box_height, topic is None)
    layers: dict[int, list[str]] = {}
    for argument in chosen:
        layers.setdefault(SIDES.index(argument.stance), []).append(argument.id)
    # a dict of lists keeps each column in our order (topic by topic); the layout does not reorder them
    raw = nx.multipartite_layout(graph, subset_key=dict(sorted(layers.items())), align="vertical")
    step = _grid_step(raw, layers)
    left = min(float(p[0]) for p in raw.values())
    top = min(float(p[1]) for p in raw.values())
    nodes: dict[str, Node] = {}
    for n, (rx, ry) in raw.items():
        x = MARGIN + style.box_width / 2 + (float(rx) - left) / step * style.column
        y = MARGIN + style.box_height / 2 + (float(ry) - top) / step * style.row
        argument = graph.nodes[n]["argument"]
        nodes[n] = Node(argument, round(x, 1), round(y, 1), _label(argument.claim, style))
    width = 2 * MARGIN + style.box_width + max(nd.x for nd in nodes.values()) - min(nd.x for nd in nodes.values())
    height = 2 * MARGIN + style.box_height + max(nd.y for nd in nodes.values()) - min(nd.y for nd in nodes.values())
    edges = tuple(Edge(nodes[a], nodes[b], _path(nodes[a], nodes[b], style), mutual=graph.has_edge(b, a))
                  for a, b in graph.edges if not (graph.has_edge(b, a) and b < a))  # a mutual pair drawn once
    return Picture(int(width), int(height), tuple(nodes[n] for n in graph), edges, style.box_width,
                   style.box_height, topic is None)
