"""Generate data/actors/countries.ttl: every State the data names, with codes and labels from pycountry.

Rule (data/README.md): the States are the `…/id/state/<alpha-3>` IRIs used anywhere else in data/.
Codes are ISO 3166-1 alpha-2 and alpha-3; the UN M49 code of a State is its ISO 3166-1 numeric
code. Labels come from pycountry's ISO 3166-1 names and their translations into the other five
official UN languages; a translation pycountry lacks is left out, not guessed.
"""
from __future__ import annotations

import gettext
import re
from pathlib import Path

import pycountry

from loader.layout import ID_BASE, Layout
from loader.turtle import block, header, literal

COMMAND = "python -m loader countries"
STATE = re.compile(re.escape(ID_BASE) + r"state/([a-z]{3})\b|\bstate:([a-z]{3})\b")
UN_LANGUAGES = ("ar", "es", "fr", "ru", "zh")
LATIN = re.compile(r"^[\x00-\u024f\s]+$")


def used_codes(layout: Layout, target: Path) -> list[str]:
    codes = set()
    for path in layout.data_files():
        if path.resolve() == target.resolve():
            continue
        for m in STATE.finditer(path.read_text(encoding="utf-8")):
            codes.add(m.group(1) or m.group(2))
    return sorted(codes)


def labels(country) -> list[tuple[str, str]]:
    out = [("en", country.name)]
    for lang in UN_LANGUAGES:
        translated = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext(country.name)
        if translated == country.name and (lang in ("ar", "ru", "zh") or LATIN.match(translated) is None):
            continue  # untranslated: pycountry gave the English name back
        out.append((lang, translated))
    return out


def render(codes: list[str]) -> str:
    out = [header(COMMAND, "States named in data/, with pycountry's codes and names.",
                  ["ukg", "rdfs", "skos", "dcterms", "org", "prov"])]
    for code in codes:
        country = pycountry.countries.get(alpha_3=code.upper())
        if country is None:
            raise ValueError(f"state:{code} is not an ISO 3166-1 alpha-3 code")
        pairs = [("a", "org:FormalOrganization , prov:Organization"),
                 ("org:classification", "ukg:MemberState"),
                 ("rdfs:label", literal(country.name, "en"))]
        pairs += [("skos:prefLabel", literal(text, lang)) for lang, text in labels(country)]
        pairs += [("ukg:isoAlpha2", literal(country.alpha_2)), ("ukg:isoAlpha3", literal(country.alpha_3)),
                  ("ukg:m49Code", literal(country.numeric)),
                  ("dcterms:spatial", f"<http://publications.europa.eu/resource/authority/country/{country.alpha_3}>")]
        out.append(block(f"<{ID_BASE}state/{code}>", pairs))
    return "\n".join(out)


def generate(layout: Layout, target: Path) -> bool:
    text = render(used_codes(layout, target))
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True
