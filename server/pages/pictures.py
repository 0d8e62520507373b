"""Server-side SVG pictures for the pages: a document's citation network and a round's timeline of meetings.

Drawn by the project itself (SVG 1.1, https://www.w3.org/TR/SVG11/), no library and nothing from a CDN.
The network uses a small layered layout (Sugiyama-style, reduced to its first two steps): each
document's layer is the length of the longest citation chain that leads to it, and documents in a layer
are ordered by the mean position of what cites them, which keeps edge crossings few on graphs this small.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 230, 82, 70, 16, 12
LINE_H, TITLE_LINES, TITLE_WIDTH = 15, 4, 34  # a box: its symbol, then its title on up to four lines


@dataclass(frozen=True)
class Node:
    iri: str
    label: str  # the full title: wrapped in the box, and whole in its tooltip
    href: str
    current: bool = False
    symbol: str = ""  # the document's symbol or number ("A/RES/S-30/1", "CND resolution 60/1"), bold on top


def _lines(text: str, width: int = 30, most: int = 2) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def layers(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """The longest path from a source to each node; an edge that closes a cycle is ignored."""
    layer = {node: 0 for node in nodes}
    for _ in range(len(nodes)):  # Bellman-Ford-style relaxation, bounded: at most len(nodes) rounds
        changed = False
        for a, b in edges:
            if a != b and layer[b] < layer[a] + 1 <= len(nodes) - 1:
                layer[b] = layer[a] + 1
                changed = True
        if not changed:
            break
    return layer


def citation_network(nodes: list[Node], edges: list[tuple[str, str]]) -> str:
    """An SVG of documents (boxes, linked to their pages) and citations (arrows from citing to cited)."""
    by_iri = {node.iri: node for node in nodes}
    layer = layers(list(by_iri), edges)
    columns: dict[int, list[str]] = {}
    for iri in sorted(by_iri, key=lambda i: by_iri[i].label.lower()):
        columns.setdefault(layer[iri], []).append(iri)
    row: dict[str, float] = {}
    for number in sorted(columns):
        column = columns[number]
        if number:
            def barycentre(iri: str) -> float:
                sources = [row[a] for a, b in edges if b == iri and a in row]
                return sum(sources) / len(sources) if sources else len(column)
            column.sort(key=barycentre)
        for index, iri in enumerate(column):
            row[iri] = index
    tallest = max((len(c) for c in columns.values()), default=1)
    width = MARGIN * 2 + len(columns) * NODE_W + max(0, len(columns) - 1) * GAP_X
    height = MARGIN * 2 + tallest * NODE_H + max(0, tallest - 1) * GAP_Y

    def position(iri: str) -> tuple[float, float]:
        column = columns[layer[iri]]
        offset = (tallest - len(column)) * (NODE_H + GAP_Y) / 2
        return (MARGIN + layer[iri] * (NODE_W + GAP_X), MARGIN + offset + row[iri] * (NODE_H + GAP_Y))

    # role="group", not "img": the boxes are links, which a picture (an image) may not hold; each is named by
    # its visible text and reached in reading order (the boxes are written column by column, top to bottom).
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="citation-network" role="group" '
           f'aria-label="Citation network: an arrow goes from the citing document to the cited one" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    for a, b in sorted(set(edges)):
        if a == b or a not in by_iri or b not in by_iri:
            continue
        (x1, y1), (x2, y2) = position(a), position(b)
        if layer[b] > layer[a]:
            sx, sy, ex, ey = x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2
        else:  # a back edge of a cycle: from the bottom of one box to the bottom of the other
            sx, sy, ex, ey = x1 + NODE_W / 2, y1 + NODE_H, x2 + NODE_W / 2, y2 + NODE_H
        mid = (sx + ex) / 2
        out.append(f'<path class="edge" data-from="{escape(a)}" data-to="{escape(b)}" fill="none" stroke="#555" '
                   f'marker-end="url(#arrow)" d="M {sx:.0f} {sy:.0f} C {mid:.0f} {sy:.0f}, {mid:.0f} {ey:.0f}, '
                   f'{ex:.0f} {ey:.0f}"/>')
    for iri in sorted(by_iri, key=lambda i: (layer[i], row[i])):
        node = by_iri[iri]
        x, y = position(iri)
        lines = [(line, "") for line in _lines(node.label, TITLE_WIDTH, TITLE_LINES - (1 if node.symbol else 0))]
        if node.symbol:
            lines.insert(0, (node.symbol, ' class="symbol"'))
        text = "".join(f'<tspan x="{x + 8:.0f}" dy="{LINE_H if i else 0}"{kind}>{escape(line)}</tspan>'
                       for i, (line, kind) in enumerate(lines))
        top = y + NODE_H / 2 - (len(lines) - 1) * LINE_H / 2 + 4
        name = f"{node.symbol}: {node.label}" if node.symbol else node.label
        out.append(f'<a href="{escape(node.href)}" class="node{" current" if node.current else ""}" '
                   f'data-iri="{escape(iri)}"><title>{escape(name)}</title>'
                   f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
                   f'<text x="{x + 8:.0f}" y="{top:.0f}">{text}</text></a>')
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class Meeting:
    iri: str
    day: date
    label: str  # short, on the picture: "Ch. I"
    title: str  # long, in the tooltip
    href: str


def timeline(meetings: list[Meeting], width: int = 880) -> str:
    """An SVG time axis from the first to the last meeting, one marker per meeting, month ticks."""
    if not meetings:
        return ""
    first, last = min(m.day for m in meetings), max(m.day for m in meetings)
    span = max(1, (last - first).days)
    left, right, axis = 40, width - 40, 110
    height = 170

    def x(day: date) -> float:
        return left + (day - first).days / span * (right - left)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="group" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" '
           f'aria-label="Timeline of the meetings, {first.isoformat()} to {last.isoformat()}">',
           f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" stroke="#333" stroke-width="2"/>']
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            out.append(f'<line x1="{x(month):.0f}" y1="{axis - 6}" x2="{x(month):.0f}" y2="{axis + 6}" '
                       f'stroke="#333"/><text class="tick" x="{x(month):.0f}" y="{axis + 24}" '
                       f'text-anchor="middle">{month.strftime("%B %Y")}</text>')
        month = (month + timedelta(days=32)).replace(day=1)
    last_x, level = -1e9, 0
    for meeting in sorted(meetings, key=lambda m: m.day):
        mx = x(meeting.day)
        level = level + 1 if mx - last_x < 70 else 0  # stagger labels of meetings a few days apart
        last_x = mx
        ly = axis - 22 - (level % 3) * 26
        out.append(f'<a href="{escape(meeting.href)}" class="meeting" data-iri="{escape(meeting.iri)}">'
                   f"<title>{escape(meeting.title)}</title>"
                   f'<line x1="{mx:.0f}" y1="{ly + 4}" x2="{mx:.0f}" y2="{axis}" stroke="#999"/>'
                   f'<circle cx="{mx:.0f}" cy="{axis}" r="6"/>'
                   f'<text x="{mx:.0f}" y="{ly:.0f}" text-anchor="middle">{escape(meeting.label)} '
                   f'<tspan class="date">{meeting.day.day} {meeting.day.strftime("%b")}</tspan></text></a>')
    out.append("</svg>")
    return "\n".join(out)
