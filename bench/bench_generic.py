"""How well the generic reader reads documents it was never shown: every real document with a
golden is read by the generic parsers ALONE (dedicated parsers switched off) and scored against
its golden, field by field.

Fields (F1 over what the golden and the reading hold): ``items`` (golden and read items paired by
number and title similarity), ``titles``, ``numbers``, ``case_ids``, ``roles`` (the typed section
roles of each item; ``body`` and ``other`` carry no type and are left out on both sides),
``decisions`` (text and outcome), ``participants`` (name and presence) and ``header`` (committee,
date and time, place, kind).  A document's score is the mean of its fields' F1 (fields empty on
both sides left out); the overall score is the mean over the documents.  Documents in a format
no generic reader reads (JSON API answers) are listed as skipped, not scored.

Run: .venv/bin/python bench/bench_generic.py [--json out.json] [-v]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from referat import canonical  # noqa: E402
from referat.errors import InputError  # noqa: E402
from referat.parse import importer, registry  # noqa: E402

FIELDS = ("items", "titles", "numbers", "case_ids", "roles", "decisions", "participants", "header")
_UNTYPED = {"body", "other"}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _key(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", _norm(text))


def similarity(a: str | None, b: str | None) -> float:
    x, y = _key(a), _key(b)
    if not x or not y:
        return 1.0 if x == y else 0.0
    return difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Iterable[Hashable], got: Iterable[Hashable]) -> None:
        g, p = Counter(gold), Counter(got)
        both = sum((g & p).values())
        self.tp += both
        self.fp += sum(p.values()) - both
        self.fn += sum(g.values()) - both

    def __iadd__(self, other: Count) -> Count:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        return self

    @property
    def empty(self) -> bool:
        return not (self.tp or self.fp or self.fn)

    @property
    def f1(self) -> float:
        return 1.0 if self.empty else 2 * self.tp / (2 * self.tp + self.fp + self.fn)


@dataclass
class DocScore:
    name: str
    fields: dict[str, Count] = field(default_factory=lambda: {f: Count() for f in FIELDS})
    error: str | None = None
    skipped: str | None = None

    @property
    def score(self) -> float:
        used = [c.f1 for c in self.fields.values() if not c.empty]
        return sum(used) / len(used) if used else 0.0


def pair_items(gold: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Golden and read items paired greedily by title similarity (a matching number adds to it)."""
    scored = []
    for i, g in enumerate(gold):
        for j, p in enumerate(got):
            sim = similarity(g["title"], p["title"])
            same = g["number"] == p["number"]
            if sim >= 0.6 or (same and sim >= 0.3):
                scored.append((sim + (0.25 if same else 0.0), i, j))
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in sorted(scored, reverse=True):
        if i not in used_g and j not in used_p:
            pairs.append((i, j))
            used_g.add(i)
            used_p.add(j)
    return sorted(pairs)


def _decisions(a: list[dict[str, Any]], b: list[dict[str, Any]], count: Count) -> None:
    """Decisions agree when their outcomes are equal and their texts nearly so (≥ 0.9)."""
    left = list(b)
    for d in a:
        hit = next((e for e in left if e["outcome"] == d["outcome"] and similarity(e["text"], d["text"]) >= 0.9), None)
        if hit is not None:
            left.remove(hit)
            count.tp += 1
        else:
            count.fn += 1
    count.fp += len(left)


def _item_fields(g: dict[str, Any] | None, p: dict[str, Any] | None, out: dict[str, Count]) -> None:
    def vals(item: dict[str, Any] | None, what: str) -> list[Hashable]:
        if item is None:
            return []
        if what == "titles":
            return [_key(item["title"])]
        if what == "numbers":
            return [item["number"]]
        if what == "case_ids":
            return [c["value"] for c in item["case_ids"]]
        return [s["role"] for s in item["sections"] if s["role"] not in _UNTYPED]

    for what in ("titles", "numbers", "case_ids", "roles"):
        out[what].add(vals(g, what), vals(p, what))
    _decisions((g or {}).get("decisions", []), (p or {}).get("decisions", []), out["decisions"])


def compare(gold: dict[str, Any], got: dict[str, Any], name: str) -> DocScore:
    """Score the reading ``got`` (canonical dict) against the golden ``gold``."""
    doc = DocScore(name)
    gm, pm = gold["meeting"], got["meeting"]
    pairs = pair_items(gm["items"], pm["items"])
    doc.fields["items"].tp = len(pairs)
    doc.fields["items"].fn = len(gm["items"]) - len(pairs)
    doc.fields["items"].fp = len(pm["items"]) - len(pairs)
    paired_g = {i for i, _ in pairs}
    paired_p = {j for _, j in pairs}
    for i, j in pairs:
        _item_fields(gm["items"][i], pm["items"][j], doc.fields)
    for i, g in enumerate(gm["items"]):
        if i not in paired_g:
            _item_fields(g, None, doc.fields)
    for j, p in enumerate(pm["items"]):
        if j not in paired_p:
            _item_fields(None, p, doc.fields)
    people = [(_key(x["person"]["name"]), x["present"]) for x in gm["participants"]]
    doc.fields["participants"].add(people, [(_key(x["person"]["name"]), x["present"]) for x in pm["participants"]])

    def header(m: dict[str, Any]) -> list[Hashable]:
        return [(k, _key(m[k]) if k != "start" else m[k]) for k in ("committee", "start", "place", "kind") if m[k]]

    doc.fields["header"].add(header(gm), header(pm))
    return doc


def score_document(path: Path, golden: Path) -> DocScore:
    """Read ``path`` with the generic parsers alone and score it against ``golden``."""
    name = golden.name.removesuffix(".json")
    gold = json.loads(golden.read_text("utf-8"))
    try:
        fmt = importer.sniff(path.read_bytes()) if path.is_file() else "folder"
    except InputError as exc:
        return DocScore(name, skipped=str(exc))
    generic = [p for p in registry.parsers() if p.generic]
    if not any(fmt in p.formats for p in generic):
        return DocScore(name, skipped=f"no generic reader for {fmt}")
    try:
        record = importer.parse_file(path, parsers=generic)
    except InputError as exc:
        doc = compare(gold, {"meeting": {"items": [], "participants": [], "committee": "", "start": None,
                                         "place": None, "kind": ""}}, name)
        doc.error = str(exc)
        return doc
    return compare(gold, canonical.to_dict(record), name)


def run() -> list[DocScore]:
    from tests.conftest import GOLDEN, all_documents, golden_name

    out = []
    for path in all_documents():
        golden = GOLDEN / golden_name(path)
        if golden.exists():
            out.append(score_document(path, golden))
    return out


def overall(docs: list[DocScore]) -> float:
    scored = [d for d in docs if not d.skipped]
    return sum(d.score for d in scored) / len(scored) if scored else 0.0


def field_totals(docs: list[DocScore]) -> dict[str, Count]:
    totals = {f: Count() for f in FIELDS}
    for d in docs:
        if not d.skipped:
            for f in FIELDS:
                totals[f] += d.fields[f]
    return totals


def table(docs: list[DocScore]) -> str:
    short = {"participants": "people", "decisions": "decis", "case_ids": "caseid", "numbers": "number"}
    heads = [short.get(f, f)[:6] for f in FIELDS]
    width = max([len(d.name) for d in docs] + [10])
    width = min(width, 58)
    lines = [f"{'document':<{width}} " + " ".join(f"{h:>6}" for h in heads) + "  score"]

    def cell(c: Count) -> str:
        return "     -" if c.empty else f"{c.f1:6.2f}"

    for d in docs:
        label = d.name if len(d.name) <= width else "…" + d.name[-(width - 1):]
        if d.skipped:
            lines.append(f"{label:<{width}} skipped: {d.skipped}")
            continue
        note = f"  ({d.error[:60]})" if d.error else ""
        lines.append(f"{label:<{width}} " + " ".join(cell(d.fields[f]) for f in FIELDS) + f"  {d.score:5.2f}{note}")
    totals = field_totals(docs)
    lines.append(f"{'overall (fields: micro F1; score: mean of documents)':<{width}} "
                 + " ".join(cell(totals[f]) for f in FIELDS) + f"  {overall(docs):5.2f}")
    return "\n".join(lines)


def as_json(docs: list[DocScore]) -> dict[str, Any]:
    return {
        "overall": round(overall(docs), 4),
        "fields": {f: round(c.f1, 4) for f, c in field_totals(docs).items()},
        "documents": [{"name": d.name, "score": None if d.skipped else round(d.score, 4), "skipped": d.skipped,
                       "error": d.error,
                       "fields": {f: {"f1": round(c.f1, 4), "tp": c.tp, "fp": c.fp, "fn": c.fn}
                                  for f, c in d.fields.items() if not c.empty}} for d in docs],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, help="write the scores as JSON to this file")
    args = ap.parse_args()
    docs = run()
    print(table(docs))
    if args.json:
        args.json.write_text(json.dumps(as_json(docs), indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
