"""Generate data/summary/paragraphs.ttl from the source text: sections, the 85 paragraphs, footnotes.

The source (data/source/summary.txt) is a Markdown rendering of the UN document. Rules:
- a line `N. text` starts paragraph N; a following non-empty line that is not a heading, a
  footnote or a page rule (`---`) continues the paragraph across a page break, joined by a space;
- `**…**` and `#`-headings after the header are section headings; a heading ending in
  `(Chapter X)` is the section on chapter X of the outcome document;
- footnotes (`\\*` and `<sup>n</sup>` lines) are kept out of the paragraphs; a footnote marker
  inside a paragraph is removed and its character offset recorded;
- Markdown links `[text](url)` keep their text and emphasis markers are dropped; the words are
  otherwise kept exactly;
- paragraph and footnote numbers are xsd:integer (eli:number); the marker as printed ("15", "*",
  "intro") is the display string (skos:notation), with an English rdfs:label made of the marker and
  the first words (loader/labels.py's naming rule): "¶ 15 · Several delegations…", "Footnote 1 · …",
  "Introduction · Provided below are…";
- the lines before the introduction are the document's header (date, distribution, session, venue,
  agenda item, title), one line each; a run of bold parts (`**A****B**`) is one line per part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from loader.labels import shorten
from loader.turtle import block, header, iri, literal

SUMMARY = "doc/cnd-ungass-r3-summary"
CHAPTER = "doc/a-res-s-30-1/chapter/{}"
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7}
COMMAND = "python -m loader paragraphs"

NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")
HEADING = re.compile(r"^(#+\s*)?\*\*(.+)\*\*$")
FOOTNOTE = re.compile(r"^(\\\*|<sup>(\d+)</sup>)\s*(.*)$")
MARKER = re.compile(r"<sup>(\d+)</sup>")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
CHAPTER_SUFFIX = re.compile(r"\s*\(Chapter ([IVX]+)\)$")


@dataclass
class Section:
    slug: str
    title: str
    position: int
    parent: str | None = None
    chapter: int | None = None


@dataclass
class Paragraph:
    number: int
    lines: list[str]
    section: str
    markers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass
class Footnote:
    mark: str
    text: str
    anchor: str = ""
    offset: int | None = None
    context: str = ""


def clean(text: str) -> str:
    text = LINK.sub(r"\1", text)
    return EMPHASIS.sub(r"\1", text).strip()


def parse(source: str) -> tuple[list[Section], list[Paragraph], list[Footnote], str, list[str]]:
    """Split the source into sections, paragraphs, footnotes, the unnumbered introduction and the header."""
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    footnotes: list[Footnote] = []
    intro = ""
    head: list[str] = []
    current: Paragraph | None = None
    lines = source.splitlines()
    body_started = False
    for raw in lines:
        line = raw.strip()
        if not line or line == "---":
            continue
        if (m := FOOTNOTE.match(line)):
            mark = m.group(2) or "*"
            footnotes.append(Footnote(mark=mark, text=clean(m.group(3))))
            continue
        if not intro and not body_started and not line.startswith("Provided below"):
            head += [clean(part) for part in line.replace("\\*", "").strip("*").split("****")]
            continue
        if (m := HEADING.match(line)):
            title = clean(m.group(2)).replace("**", "")
            if title == "Background" or body_started:
                body_started = True
                current = None
                sections.append(_section(title, sections))
            continue
        if (m := NUMBERED.match(line)) and body_started:
            current = Paragraph(int(m.group(1)), [], sections[-1].slug)
            paragraphs.append(current)
            _append(current, m.group(2))
            continue
        if current is not None:
            _append(current, line)
        elif not body_started and line.startswith("Provided below"):
            intro = clean(line)
    for fn in footnotes:
        for p in paragraphs:
            for mark, offset in p.markers:
                if mark == fn.mark:
                    fn.anchor, fn.offset = f"{SUMMARY}/para/{p.number}", offset
        if not fn.anchor:
            fn.anchor = SUMMARY
            marked = next(l for l in lines if l.rstrip().endswith("\\*") and not l.startswith("\\*"))
            fn.context = clean(marked.rstrip()[:-2])
    return sections, paragraphs, footnotes, intro, head


def _append(paragraph: Paragraph, line: str) -> None:
    """Add a line to a paragraph, taking footnote markers out and remembering where they stood."""
    prefix = paragraph.text + (" " if paragraph.lines else "")
    line = clean(line)
    while (m := MARKER.search(line)):
        paragraph.markers.append((m.group(1), len(prefix) + m.start()))
        line = line[: m.start()] + line[m.end():]
    paragraph.lines.append(line)


def _section(title: str, sections: list[Section]) -> Section:
    if title == "Background":
        return Section("background", title, 1)
    m = CHAPTER_SUFFIX.search(title)
    if not m:
        return Section("deliberations", title, len(sections) + 1)
    number = ROMAN[m.group(1)]
    return Section(f"chapter-{number}", title, len(sections) + 1, parent="deliberations", chapter=number)


def render(source: str) -> str:
    sections, paragraphs, footnotes, intro, head = parse(source)
    out = [header(COMMAND, "Source: data/source/summary.txt.",
                  ["ukg", "rdfs", "xsd", "skos", "dcterms", "eli", "schema"])]
    out.append(block(iri(f"{SUMMARY}/header"), [
        ("a", "ukg:DocumentHeader"),
        ("rdfs:label", literal("header", "en")),
        ("skos:notation", literal("header")),
        ("eli:is_part_of", iri(SUMMARY)),
        ("schema:text", literal("\n".join(head), "en")),
    ]))
    out.append(block(iri(f"{SUMMARY}/intro"), [
        ("a", "ukg:Introduction"),
        ("rdfs:label", literal(f"Introduction · {shorten(intro)}", "en")),
        ("skos:notation", literal("intro")),
        ("eli:is_part_of", iri(SUMMARY)),
        ("schema:text", literal(intro, "en")),
    ]))
    for s in sections:
        pairs = [("a", "ukg:Section"), ("dcterms:title", literal(s.title, "en")),
                 ("eli:is_part_of", iri(f"{SUMMARY}/section/{s.parent}" if s.parent else SUMMARY)),
                 ("schema:position", str(s.position))]
        if s.chapter:
            pairs.append(("schema:about", iri(CHAPTER.format(s.chapter))))
        out.append(block(iri(f"{SUMMARY}/section/{s.slug}"), pairs))
    for p in paragraphs:
        out.append(block(iri(f"{SUMMARY}/para/{p.number}"), [
            ("a", "ukg:SummaryParagraph"),
            ("rdfs:label", literal(f"¶ {p.number} · {shorten(p.text)}", "en")),
            ("skos:notation", literal(str(p.number))),
            ("eli:number", str(p.number)),
            ("schema:position", str(p.number)),
            ("eli:is_part_of", iri(f"{SUMMARY}/section/{p.section}")),
            ("schema:text", literal(p.text, "en")),
        ]))
    for f in footnotes:
        slug = "star" if f.mark == "*" else f.mark
        pairs = [("a", "ukg:Footnote"), ("rdfs:label", literal(f"Footnote {f.mark} · {shorten(f.text)}", "en")),
                 ("skos:notation", literal(f.mark))]
        if f.mark.isdigit():  # the header's footnote is marked '*': a marker, not a number
            pairs.append(("eli:number", f.mark))
        pairs += [("eli:is_part_of", iri(SUMMARY)), ("ukg:footnoteTo", iri(f.anchor)),
                 ("schema:text", literal(f.text, "en"))]
        if f.offset is not None:
            pairs.append(("ukg:markerOffset", str(f.offset)))
        if f.context:
            pairs.append(("ukg:markerContext", literal(f.context, "en")))
        out.append(block(iri(f"{SUMMARY}/footnote/{slug}"), pairs))
    return "\n".join(out)


def generate(source: Path, target: Path) -> bool:
    """Write the file; True when it changed."""
    text = render(source.read_text(encoding="utf-8"))
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True
