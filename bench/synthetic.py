"""A deterministic synthetic corpus in the shape of data/, at a requested size: `python -m bench.synthetic`.

The corpus uses the real ontology and passes the real shapes: many rounds of thematic discussions,
each with its seven meetings (panel, seats, debate), a facilitator's summary of at most 85
paragraphs (500–1500 characters each) in sections per chapter, reported statements with speech
acts, quantifiers and subjects, citations of paragraphs and chains of documents citing documents,
figures; shared files of organizations and their units, States with their codes, concepts with
broader links, and cited documents. One Turtle file per round, as curators write data/.

Synthetic IRIs carry `synth` (…/id/org/synth-…, …/id/doc/synth-r0001-summary/…), except where the
shapes fix the form: States are …/id/state/<alpha-3> with ISO 3166 user-assigned codes (X??),
statements are …/id/stmt/p<number>-<n> with numbers from 9000000 up (the real summary has 85
paragraphs), and the four concept schemes are the real …/id/scheme/measures etc.
"""
from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

from loader.turtle import literal

ID = "https://w3id.org/ungass-kg/id/"
PREFIXES = """@prefix ukg:       <https://w3id.org/ungass-kg/ont#> .
@prefix rdfs:      <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:       <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:      <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms:   <http://purl.org/dc/terms/> .
@prefix eli:       <http://data.europa.eu/eli/ontology#> .
@prefix prov:      <http://www.w3.org/ns/prov#> .
@prefix org:       <http://www.w3.org/ns/org#> .
@prefix schema:    <https://schema.org/> .
@prefix foaf:      <http://xmlns.com/foaf/0.1/> .
@prefix cito:      <http://purl.org/spar/cito/> .
@prefix doc:       <https://w3id.org/ungass-kg/id/doc/> .
@prefix event:     <https://w3id.org/ungass-kg/id/event/> .
@prefix actor:     <https://w3id.org/ungass-kg/id/org/> .
@prefix state:     <https://w3id.org/ungass-kg/id/state/> .
@prefix person:    <https://w3id.org/ungass-kg/id/person/> .
@prefix part:      <https://w3id.org/ungass-kg/id/participation/> .
@prefix stmt:      <https://w3id.org/ungass-kg/id/stmt/> .
@prefix cit:       <https://w3id.org/ungass-kg/id/citation/> .
@prefix fig:       <https://w3id.org/ungass-kg/id/figure/> .
@prefix measure:   <https://w3id.org/ungass-kg/id/measure/> .
@prefix theme:     <https://w3id.org/ungass-kg/id/theme/> .
@prefix programme: <https://w3id.org/ungass-kg/id/programme/> .
@prefix substance: <https://w3id.org/ungass-kg/id/substance/> .
@prefix scheme:    <https://w3id.org/ungass-kg/id/scheme/> .
"""
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]
CHAPTERS = ["demand reduction and related measures", "availability of and access to controlled substances",
            "supply reduction and related measures", "drugs and human rights, youth, children, women and communities",
            "evolving reality, trends and existing circumstances", "international cooperation based on shared responsibility",
            "alternative development and socioeconomic issues"]
SPEECH_ACTS = ["Reported", "SharedGoodPractice", "Highlighted", "Reiterated", "CalledFor", "Commended",
               "IdentifiedChallenge", "ExpressedDifferentViews", "Presented"]
QUANTIFIERS = [("One", "one delegation"), ("Some", "some delegations"), ("Several", "several delegations"),
               ("ANumberOf", "a number of delegations"), ("Many", "many delegations"), ("Unquantified", "delegations"),
               ("Unattributed", None)]
CATEGORIES = ["Delegations", "MemberStates", "ExpertPanellists", "Participants", "Countries"]
CHARACTERIZATIONS = ["cites", "citesAsAuthority", "citesForInformation", "citesAsRelated", "agreesWith", "extends"]
KINDS = {"measure": "Measure", "theme": "Theme", "programme": "Programme", "substance": "Substance"}
WORDS = ("prevention treatment recovery rehabilitation cooperation capacity evidence data monitoring trafficking "
         "precursors alternative development communities health justice proportionality sentencing youth women "
         "children access medicines pain palliative care harm reduction naloxone opioid overdose synthetic "
         "substances darknet laundering border control training assessment research partnership implementation "
         "framework strategy guidelines standards review reporting questionnaire laboratories forensic early "
         "warning system regional national municipal rural urban livelihoods farmers crops eradication "
         "stigma discrimination human rights services outreach education schools families workplace").split()
VERBS = ["stressed the importance of", "reported on", "shared experiences with", "called for strengthening",
         "highlighted progress in", "noted challenges regarding", "welcomed the support provided for",
         "emphasized the need for", "underlined the role of", "presented national measures on"]
NAMES = ["Amina", "Boris", "Carla", "Dmitri", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemal", "Lena",
         "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara"]
SURNAMES = ["Abara", "Bianchi", "Castillo", "Dimitrov", "Eriksen", "Fofana", "Garcia", "Haddad", "Ivanova", "Jensen",
            "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rahman", "Sato", "Tanaka"]


class Turtle:
    """One output file: subject blocks in order, and a count of the triples written."""

    def __init__(self, comment: str, extra_prefixes: dict[str, str] | None = None):
        self.parts = [f"# Synthetic benchmark data (bench/synthetic.py): {comment}\n", PREFIXES]
        self.parts += [f"@prefix {p}: <{ns}> .\n" for p, ns in (extra_prefixes or {}).items()]
        self.parts.append("\n")
        self.triples = 0

    def add(self, subject: str, *pairs) -> None:
        """pairs: (predicate, object) or (predicate, [objects]); empty object lists are skipped."""
        body = []
        for predicate, objects in pairs:
            objects = objects if isinstance(objects, list) else [objects]
            if objects:
                body.append(f"{predicate} {' , '.join(objects)}")
                self.triples += len(objects)
        self.parts.append(f"{subject}\n    " + " ;\n    ".join(body) + " .\n")

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(self.parts), encoding="utf-8")


def en(text: str) -> str:
    return literal(text, "en")


def typed(value, datatype: str) -> str:
    return literal(str(value), datatype=f"xsd:{datatype}")


class Corpus:
    def __init__(self, target: int, seed: int):
        self.rng = random.Random(seed)
        self.target = target
        scale = max(target / 10_000, 1.0)
        self.n_concepts = int(min(2000, 40 * math.sqrt(scale)))
        self.n_orgs = int(min(600, 16 * math.sqrt(scale)))
        self.n_states = int(min(193, 20 + 2 * scale))
        self.n_persons = int(min(400, 6 * math.sqrt(scale)))
        self.n_docs = int(max(12, 12 * scale))
        self.files: dict[str, Turtle] = {}
        self.referenced: dict[str, int] = {}  # node → times a fact links it (every node must be linked once)
        self.next_unused: dict[tuple, int] = {}

    def pick(self, pool: list[str]) -> str:
        """Each node of the pool in turn first, so that every one is linked from a fact; then at random."""
        key = (id(pool), len(pool))
        i = self.next_unused.get(key, 0)
        while i < len(pool) and self.referenced.get(pool[i]):
            i += 1
        self.next_unused[key] = i
        choice = pool[i] if i < len(pool) else self.rng.choice(pool)
        self.referenced[choice] = self.referenced.get(choice, 0) + 1
        return choice

    def text(self, low: int, high: int) -> str:
        length, sentences = self.rng.randint(low, high), []
        while sum(len(s) + 1 for s in sentences) < length:
            words = self.rng.sample(WORDS, 6)
            sentences.append(f"Delegations {self.rng.choice(VERBS)} {words[0]} and {words[1]} {words[2]}, "
                             f"including {words[3]} {words[4]} for {words[5]}.")
        return " ".join(sentences)[:high]

    # ---- shared files
    def actors(self) -> None:
        t = Turtle("organizations, units and people.")
        self.commission = "actor:synth-commission"
        self.assembly = "actor:synth-general-assembly"
        self.council = "actor:synth-economic-and-social-council"
        bodies = [(self.commission, "Synthetic Commission on Narcotic Drugs"), (self.assembly, "Synthetic General Assembly"),
                  (self.council, "Synthetic Economic and Social Council")]
        for iri, name in bodies:
            t.add(iri, ("a", "org:FormalOrganization"), ("org:classification", "ukg:UNBody"), ("rdfs:label", en(name)))
        self.referenced.update({iri: 1 for iri, _ in bodies})  # organizer of every round, creators of resolutions
        self.groups = "actor:synth-regional-groups"
        t.add(self.groups, ("a", "org:FormalOrganization"), ("org:classification", "ukg:RegionalGroup"),
              ("rdfs:label", en("Synthetic Regional Groups")))
        kinds = ["UNEntity", "IntergovernmentalOrganization", "CivilSociety", "TreatyBody"]
        self.orgs, self.ngos = [self.groups], []
        for i in range(self.n_orgs):
            kind = kinds[i % len(kinds)]
            iri = f"actor:synth-org-{i:04d}"
            words = self.rng.sample(WORDS, 2)
            name = f"Synthetic {kind} {i} for {words[0]} and {words[1]}"
            t.add(iri, ("a", "org:FormalOrganization"), ("org:classification", f"ukg:{kind}"),
                  ("rdfs:label", en(name)), ("skos:prefLabel", [en(name), literal(f"Organisation {i}", "fr")]))
            self.orgs.append(iri)
            (self.ngos if kind == "CivilSociety" else []).append(iri)
            if i % 4 == 0:
                unit = f"actor:synth-org-{i:04d}-unit"
                t.add(unit, ("a", "org:OrganizationalUnit"), ("org:classification", f"ukg:{kind}"),
                      ("org:unitOf", iri), ("rdfs:label", en(f"{name}, {words[0]} branch")))
                self.orgs.append(unit)
        self.persons = []
        for i in range(self.n_persons):
            iri = f"person:synth-person-{i:04d}"
            t.add(iri, ("a", "foaf:Person"), ("foaf:name", literal(f"{NAMES[i % len(NAMES)]} {SURNAMES[i // len(NAMES) % len(SURNAMES)]} {i}")))
            self.persons.append(iri)
        self.files["actors/organizations"] = t

    def states(self) -> None:
        t = Turtle("States, with ISO 3166-1 user-assigned codes (X??) so that they never are real ones.")
        alpha2 = ["AA", "ZZ"] + [f"Q{c}" for c in "MNOPQRSTUVWXYZ"] + [f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
        self.state_iris = []
        for i in range(self.n_states):
            code = "X" + chr(65 + i // 26) + chr(65 + i % 26)
            iri = f"state:{code.lower()}"
            t.add(iri, ("a", ["org:FormalOrganization", "prov:Organization"]), ("org:classification", "ukg:MemberState"),
                  ("rdfs:label", en(f"Synthetic State {code}")),
                  ("skos:prefLabel", [en(f"Synthetic State {code}"), literal(f"État synthétique {code}", "fr")]),
                  ("ukg:isoAlpha2", literal(alpha2[i % len(alpha2)])), ("ukg:isoAlpha3", literal(code)),
                  ("ukg:m49Code", literal(f"{900 + i % 100:03d}")))
            self.state_iris.append(iri)
        self.files["actors/states"] = t

    def concepts(self) -> None:
        t = Turtle("concept schemes and concepts, with broader links.")
        for name, label in (("measures", "measures and practices"), ("themes", "themes and challenges"),
                            ("programmes", "programmes"), ("substances", "substances")):
            t.add(f"scheme:{name}", ("a", "skos:ConceptScheme"), ("rdfs:label", en(label)))
        self.concept_iris = []
        by_kind: dict[str, list[str]] = {k: [] for k in KINDS}
        for i in range(self.n_concepts):
            kind = list(KINDS)[i % 4]
            iri = f"{kind}:synth-{kind}-{i:04d}"
            words = self.rng.sample(WORDS, 2)
            pairs = [("a", f"ukg:{KINDS[kind]}"), ("skos:inScheme", f"scheme:{kind}s"),
                     ("skos:prefLabel", en(f"{words[0]} {words[1]} ({kind} {i})"))]
            if by_kind[kind] and self.rng.random() < 0.7:
                pairs.append(("skos:broader", self.rng.choice(by_kind[kind][-20:])))
            if kind == "programme":
                pairs.append(("ukg:runBy", self.rng.choice(self.orgs[1:])))
            t.add(iri, *pairs)
            by_kind[kind].append(iri)
            self.concept_iris.append(iri)
        self.files["concepts/concepts"] = t

    def documents(self) -> None:
        t = Turtle("the outcome document with its seven chapters, and the documents the summaries cite.")
        self.outcome = "doc:synth-a-res-s-99-1"
        t.add(self.outcome, ("a", "ukg:GAResolution"), ("dcterms:title", en("Synthetic outcome document of a special session")),
              ("dcterms:identifier", literal("A/RES/S-99/1")), ("foaf:page", "<https://undocs.org/A/RES/S-99/1>"),
              ("eli:number", literal("S-99/1")), ("eli:date_document", typed("2016-04-19", "date")),
              ("dcterms:creator", self.assembly))
        self.chapters = [f"<{ID}doc/synth-a-res-s-99-1/chapter/{n}>" for n in range(1, 8)]
        self.docs = []
        for i in range(self.n_docs):
            kind = ("CNDResolution", "ECOSOCResolution", "GAResolution", "Guidance", "Workplan")[i % 5]
            iri = f"doc:synth-document-{i:05d}"
            year = 2000 + i % 25
            pairs = [("a", f"ukg:{kind}"), ("dcterms:title", en(f"Synthetic {kind} {i} on {' '.join(self.rng.sample(WORDS, 3))}"))]
            if kind == "CNDResolution":
                pairs += [("eli:number", literal(f"{40 + i % 30}/{i}")), ("dcterms:creator", self.commission)]
            elif kind in ("ECOSOCResolution", "GAResolution"):
                symbol = f"{'E' if kind == 'ECOSOCResolution' else 'A'}/RES/{year}/{i}"
                pairs += [("eli:number", literal(f"{year}/{i}")), ("dcterms:identifier", literal(symbol)),
                          ("foaf:page", f"<https://undocs.org/{symbol}>"),
                          ("dcterms:creator", self.council if kind == "ECOSOCResolution" else self.assembly)]
            else:
                pairs += [("eli:date_document", typed(year, "gYear")), ("dcterms:creator", self.rng.choice(self.orgs[1:]))]
            t.add(iri, *pairs)
            self.docs.append(iri)
        self.files["documents/documents"] = t

    # ---- one round
    def round(self, r: int, n_paragraphs: int) -> Turtle:
        slug = f"synth-r{r:04d}"
        summary = f"doc:{slug}-summary"
        t = Turtle(f"round {r}, its meetings and its summary.", {"para": f"{ID}doc/{slug}-summary/para/",
                                                                  "sec": f"{ID}doc/{slug}-summary/section/"})
        rng, start = self.rng, date(2017, 1, 9) + timedelta(weeks=2 * r)
        paras = [f"para:{n}" for n in range(1, n_paragraphs + 1)]
        background = paras[:min(3, len(paras))]
        rest = paras[len(background):] or paras
        by_chapter = [rest[c * len(rest) // 7:(c + 1) * len(rest) // 7] or [rest[-1]] for c in range(7)]
        round_iri = f"event:{slug}"
        t.add(round_iri, ("a", "ukg:ThematicRound"), ("schema:name", en(f"Synthetic round {r} of thematic discussions")),
              ("schema:position", typed(r + 1, "integer")), ("schema:startDate", typed(start, "date")),
              ("schema:endDate", typed(start + timedelta(days=6), "date")), ("schema:organizer", self.commission),
              ("schema:recordedIn", summary), ("ukg:statedIn", background[0]))
        t.add(summary, ("a", "ukg:Summary"), ("dcterms:title", en(f"Facilitator's summary of synthetic round {r}")),
              ("eli:date_document", typed(start + timedelta(days=30), "date")), ("dcterms:creator", self.commission),
              ("dcterms:language", literal("en")))
        t.add(f"<{ID}doc/{slug}-summary/footnote/1>", ("a", "ukg:Footnote"), ("eli:number", literal("1")),
              ("schema:text", en("The summary is issued without formal editing.")), ("ukg:footnoteTo", summary),
              ("eli:is_part_of", summary))
        t.add("sec:background", ("a", "ukg:Section"), ("dcterms:title", en("Background")),
              ("eli:is_part_of", summary), ("schema:position", typed(1, "integer")))
        for c in range(7):
            t.add(f"sec:chapter-{c + 1}", ("a", "ukg:Section"), ("dcterms:title", en(f"Chapter {ROMAN[c]}: {CHAPTERS[c]}")),
                  ("eli:is_part_of", summary), ("schema:position", typed(c + 2, "integer")), ("schema:about", self.chapters[c]))
        for n, p in enumerate(paras, 1):
            chapter = next((c for c in range(7) if p in by_chapter[c]), None)
            section = "sec:background" if chapter is None else f"sec:chapter-{chapter + 1}"
            t.add(p, ("a", "ukg:SummaryParagraph"), ("eli:number", literal(str(n))), ("schema:position", typed(n, "integer")),
                  ("eli:is_part_of", section), ("schema:text", en(self.text(500, 1500))))
        if r == 0:
            for c, chapter in enumerate(self.chapters):
                t.add(chapter, ("a", "ukg:OutcomeChapter"), ("eli:is_part_of", self.outcome), ("eli:number", literal(ROMAN[c])),
                      ("schema:position", typed(c + 1, "integer")), ("dcterms:title", en(f"Operational recommendations on {CHAPTERS[c]}")),
                      ("ukg:statedIn", by_chapter[c][0]))
        for c in range(7):
            self.meeting(t, r, c, start + timedelta(days=c), round_iri, by_chapter[c])
        t.add(f"fig:{slug}-1", ("a", "ukg:ReportedFigure"), ("schema:value", typed(rng.randint(20, 400), "integer")),
              ("ukg:figureQualifier", f"ukg:{rng.choice(['Exactly', 'Approximately', 'MoreThan'])}"),
              ("ukg:countedItem", en("statements made by Member States")), ("schema:about", round_iri),
              ("ukg:statedIn", background[-1]))
        for k in range(2):  # chains: a document citing an earlier one
            citing = self.rng.randrange(1, len(self.docs))
            t.add(f"cit:{slug}-chain-{k}", ("a", "cito:Citation"), ("cito:hasCitingEntity", self.docs[citing]),
                  ("cito:hasCitedEntity", self.docs[self.rng.randrange(citing)]),
                  ("cito:hasCitationCharacterization", f"cito:{rng.choice(CHARACTERIZATIONS)}"), ("ukg:statedIn", background[0]))
        return t

    def meeting(self, t: Turtle, r: int, c: int, day: date, round_iri: str, paras: list[str]) -> None:
        slug, rng = f"synth-r{r:04d}-chapter-{c + 1}", self.rng
        meeting, panel, debate = f"event:{slug}", f"event:{slug}-panel", f"event:{slug}-debate"
        seats = [f"part:{slug}-panel-{k}" for k in range(1, rng.randint(4, 7))]
        presenters = [f"part:{slug}-debate-{k}" for k in range(1, rng.randint(1, 3))]
        t.add(meeting, ("a", "ukg:IntersessionalMeeting"), ("schema:name", en(f"Meeting on chapter {ROMAN[c]}, round {r}")),
              ("schema:startDate", typed(day, "date")), ("schema:position", typed(c + 1, "integer")),
              ("schema:superEvent", round_iri), ("schema:about", self.chapters[c]), ("schema:organizer", self.commission),
              ("schema:subEvent", [panel, debate]), ("ukg:statedIn", paras[0]))
        for iri, kind, name, parts in ((panel, "PanelDiscussion", "Panel discussion", seats),
                                       (debate, "Debate", "Thematic debate", presenters)):
            t.add(iri, ("a", f"ukg:{kind}"), ("schema:name", en(f"{name} on chapter {ROMAN[c]}, round {r}")),
                  ("schema:startDate", typed(day, "date")), ("schema:superEvent", meeting), ("schema:about", self.chapters[c]),
                  ("ukg:precedes", debate if iri == panel else []), ("prov:qualifiedAssociation", parts), ("ukg:statedIn", paras[0]))
        for k, seat in enumerate(seats):
            role = "PanelOpener" if k == 0 else "Panellist"
            if k == 0:
                agent, kind, extra = self.pick(self.orgs[1:]), "UNEntity", []
            elif k % 3 == 1:
                agent, kind, extra = self.pick(self.state_iris), "MemberState", [("ukg:representing", self.groups)]
            elif k % 3 == 2 and self.ngos:
                agent, kind, extra = self.pick(self.ngos), "CivilSociety", [("ukg:nominatedBy", self.pick(self.orgs[1:]))]
            else:
                agent, kind, extra = self.pick(self.persons), "IntergovernmentalOrganization", []
            t.add(seat, ("a", "ukg:Participation"), ("prov:agent", agent), ("prov:hadRole", f"ukg:{role}"),
                  ("ukg:seatKind", f"ukg:{kind}"), ("ukg:seatDescription", en(f"seat {k + 1} of the panel")), *extra,
                  ("ukg:statedIn", paras[0]))
        for k, seat in enumerate(presenters):
            t.add(seat, ("a", "ukg:Participation"), ("prov:agent", self.pick(self.orgs[1:])), ("prov:hadRole", "ukg:Presenter"),
                  ("ukg:seatKind", "ukg:UNEntity"), ("ukg:seatDescription", en("a presentation during the debate")),
                  ("dcterms:subject", self.pick(self.concept_iris)), ("ukg:statedIn", paras[-1]))
        for p in paras:
            number = 9_000_000 + r * 100 + int(p.split(":")[1])
            for k in range(1, rng.randint(2, 5)):
                self.statement(t, f"stmt:p{number}-{k}", p, rng.choice([debate, debate, panel]))
            if rng.random() < 0.5:
                t.add(f"cit:p{number}-1", ("a", "cito:Citation"), ("cito:hasCitingEntity", p),
                      ("cito:hasCitedEntity", self.pick(self.docs)),
                      ("cito:hasCitationCharacterization", f"cito:{rng.choice(CHARACTERIZATIONS)}"),
                      ("ukg:citationPhrase", en("in line with")), ("ukg:statedIn", p))

    def statement(self, t: Turtle, iri: str, para: str, event: str) -> None:
        rng = self.rng
        quantifier, words = rng.choice(QUANTIFIERS)
        speakers = []
        if quantifier == "One":
            speakers = [("prov:wasAttributedTo", self.pick(self.state_iris + self.orgs[1:]))]
        elif words:
            speakers = [("ukg:speakerCategory", f"ukg:{rng.choice(CATEGORIES)}"), ("ukg:quantifierText", en(words))]
        subjects = sorted({self.pick(self.concept_iris) for _ in range(rng.randint(1, 3))})
        mentions = [self.pick(self.orgs[1:])] if rng.random() < 0.2 else []
        t.add(iri, ("a", "ukg:ReportedStatement"), ("ukg:speechAct", f"ukg:{rng.choice(SPEECH_ACTS)}"),
              ("ukg:quantifier", f"ukg:{quantifier}"), *speakers,
              ("dcterms:description", en(f"{(words or 'It was noted').capitalize()} {rng.choice(VERBS)} "
                                         f"{' and '.join(rng.sample(WORDS, 2))}.")),
              ("dcterms:subject", subjects), ("schema:mentions", mentions), ("prov:wasGeneratedBy", event),
              ("ukg:statedIn", para))


def generate(target: int, out: Path, seed: int = 7) -> dict:
    """Write a corpus of about `target` triples under `out` (emptied first); return its statistics."""
    corpus = Corpus(target, seed)
    corpus.actors()
    corpus.states()
    corpus.concepts()
    corpus.documents()
    if out.exists():
        shutil.rmtree(out)
    total = sum(f.triples for f in corpus.files.values())
    per_round = 3300  # triples of a round with 85 paragraphs, measured
    r = 0
    while total < target or r == 0:
        left = target - total
        paragraphs = 85 if left >= per_round or r == 0 else max(12, int(85 * left / per_round))
        t = corpus.round(r, min(85, paragraphs))
        t.write(out / "rounds" / f"round-{r:04d}.ttl")  # written at once: a 5M corpus does not stay in memory
        total += t.triples
        r += 1
    for name, t in corpus.files.items():
        t.write(out / f"{name}.ttl")
    return {"triples": total, "files": len(corpus.files) + r, "rounds": r, "concepts": corpus.n_concepts,
            "organizations": len(corpus.orgs), "states": corpus.n_states, "documents": len(corpus.docs)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.splitlines()[0])
    p.add_argument("--triples", type=int, default=10_000, help="about how many triples (default 10000)")
    p.add_argument("--out", type=Path, required=True, help="folder to write (emptied first), a data/-like tree")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    stats = generate(args.triples, args.out, args.seed)
    print(" ".join(f"{k}={v}" for k, v in stats.items()), file=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
