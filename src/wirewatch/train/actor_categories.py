"""Train the ACLED actor-category heads (``extract/category_heads.py``) on the shared encoder.

Data: the tune half of the ACLED-Asia 2015 coder notes (``wirewatch.eval.common.dev_part``;
the check half stays for ``wirewatch eval acled``). Each note is extracted as ``eval acled``
extracts it; the event it codes is the one ``eval acled`` scores (the first kept event of a
compatible type with an agent, else the first); its input is that event's
``category_features``; its labels the gold actor1 / actor2 categories
(``eval.acled.gold_categories``; notes whose categories cannot be told apart are skipped).

Each head is a one-hidden-layer MLP trained with torch (CPU is enough: a few thousand
vectors). A quarter of the tune half, by id hash, is held out to choose each head's
threshold: the one that maximises the agreement of "head where sure, rules elsewhere" on the
held-out notes; then the head is trained again on the whole tune half. Features are cached
(``--work``), so a second run only trains.

    python -m wirewatch.train.actor_categories --data ../shared/data \\
        --out src/wirewatch/data/models/encoder/heads --work out/train-categories
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

SIDES = ("agent", "victim")
LABELS = {"agent": [1, 2, 3, 4, 5, 6, 7, 8], "victim": [0, 1, 2, 3, 4, 5, 6, 7, 8]}
ACLED_FILE = "acled/acled_asia_2015_dev.jsonl"


def held_out(note_id: str) -> bool:
    """A quarter of the tune half, by id hash, for choosing thresholds."""
    return hashlib.sha256(f"threshold:{note_id}".encode()).digest()[0] % 4 == 0


def build_features(data: Path, work: Path, limit: int | None = None) -> dict[str, Any]:
    """Features, labels and the rules' codes of every usable tune note (cached in ``work``
    under the trunk's digest: a retrained encoder makes new features)."""
    from wirewatch.nlp.shared_encoder import TRUNK_FILE, model_dir

    digest = hashlib.sha256((model_dir() / TRUNK_FILE).read_bytes()).hexdigest()[:12]
    cache = work / f"features-{digest}-{limit or 'all'}.npz"
    if cache.exists():
        with np.load(cache, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    from wirewatch.api import Document, extract_docs
    from wirewatch.eval.acled import (
        category_event,
        event_categories,
        gold_categories,
        gold_day,
    )
    from wirewatch.eval.coding import kept_events
    from wirewatch.eval.common import in_part, load_jsonl
    from wirewatch.extract.category_heads import event_features
    from wirewatch.nlp.extensions import get_list
    from wirewatch.nlp.shared_encoder import load_shared_encoder

    encoder = load_shared_encoder()
    if encoder is None:
        raise SystemExit("the shared encoder does not run here (onnxruntime, tokenizer)")
    notes = [n for n in load_jsonl(data / ACLED_FILE) if in_part(str(n["id"]), "tune")]
    notes = notes[:limit] if limit else notes
    documents = [Document(id=str(n["id"]), text=n["text"],
                          published=gold_day(n["gold"].get("date") or "")) for n in notes]
    rows: dict[str, list[Any]] = {k: [] for k in ("x", "agent", "victim", "rule_agent",
                                                  "rule_victim", "ids")}
    started = time.time()
    for n, (note, (_document, doc)) in enumerate(zip(notes, extract_docs(documents),
                                                    strict=True)):
        if n % 200 == 0:
            print(f"  {n}/{len(notes)} notes, {time.time() - started:.0f} s", flush=True)
        gold = gold_categories(note["gold"])
        if doc is None or gold is None:
            continue
        record = {"entities": get_list(doc, "ww_entities"), "events": get_list(doc, "ww_events")}
        event = category_event(kept_events(record), note["gold"])
        if event is None:
            continue
        [x] = event_features(encoder, doc, [event])
        if x is None:
            continue
        rule = event_categories(record, {**event, "actor_categories": None})
        rows["x"].append(x)
        rows["agent"].append(gold[0])
        rows["victim"].append(gold[1])
        rows["rule_agent"].append(-1 if rule[0] is None else rule[0])
        rows["rule_victim"].append(rule[1])
        rows["ids"].append(str(note["id"]))
    found = {k: np.asarray(v) for k, v in rows.items()}
    found["x"] = found["x"].astype(np.float32)
    work.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **found)
    return found


def train_head(x: np.ndarray, y: np.ndarray, n_labels: int, hidden: int = 128,
               epochs: int = 300, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """A one-hidden-layer MLP (ReLU, dropout, weight decay) fitted with Adam, full batch."""
    import torch

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(x.shape[1], hidden),
                                torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(hidden, n_labels))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    counts = np.bincount(y, minlength=n_labels).astype(np.float32)
    # balanced a little: rare categories (rebels, identity militias) are what rules miss
    weights = torch.from_numpy((counts.sum() / np.maximum(counts, 1.0)) ** 0.5)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights / weights.mean())
    for _ in range(epochs):
        model.train()
        opt.zero_grad()
        loss = loss_fn(model(xt), yt)
        loss.backward()
        opt.step()
    model.eval()
    first, second = model[1], model[4]
    return [(first.weight.detach().numpy().T.copy(), first.bias.detach().numpy().copy()),
            (second.weight.detach().numpy().T.copy(), second.bias.detach().numpy().copy())]


def probabilities(layers: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> np.ndarray:
    from wirewatch.nlp.shared_encoder import Head

    return Head("h", layers, [], "span", {}).probs(x)


def choose_threshold(p: np.ndarray, labels: list[int], gold: np.ndarray, rules: np.ndarray
                     ) -> tuple[float, float, float]:
    """(threshold, agreement of head-where-sure-else-rules, agreement of the rules alone)."""
    best = (1.01, float((rules == gold).mean()))
    top = p.argmax(axis=1)
    sure = p.max(axis=1)
    predicted = np.asarray(labels)[top]
    for t in np.arange(0.30, 0.96, 0.05):
        mixed = np.where(sure >= t, predicted, rules)
        score = float((mixed == gold).mean())
        if score > best[1] + 1e-9:
            best = (round(float(t), 2), score)
    return best[0], best[1], float((rules == gold).mean())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path,
                        default=Path("src/wirewatch/data/models/encoder/heads"))
    parser.add_argument("--work", type=Path, default=Path("out/train-categories"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip scoring the check half after training")
    args = parser.parse_args(argv)

    found = build_features(args.data, args.work, args.limit)
    x = found["x"]
    hold = np.asarray([held_out(i) for i in found["ids"]])
    report: dict[str, Any] = {"notes": int(len(x)), "held_out": int(hold.sum())}
    for side in SIDES:
        labels = LABELS[side]
        index = {c: k for k, c in enumerate(labels)}
        keep = np.asarray([c in index for c in found[side]])
        y = np.asarray([index.get(int(c), 0) for c in found[side]])
        fit = keep & ~hold
        layers = train_head(x[fit], y[fit], len(labels), epochs=args.epochs)
        check = keep & hold
        p = probabilities(layers, x[check])
        threshold, mixed, rules = choose_threshold(
            p, labels, found[side][check], found[f"rule_{side}"][check])
        head_alone = float((np.asarray(labels)[p.argmax(axis=1)] == found[side][check]).mean())
        layers = train_head(x[keep], y[keep], len(labels), epochs=args.epochs)
        args.out.mkdir(parents=True, exist_ok=True)
        arrays = {f"w{i}": w for i, (w, _) in enumerate(layers)}
        arrays.update({f"b{i}": b for i, (_, b) in enumerate(layers)})
        np.savez(args.out / f"acled_{side}.npz", **arrays,
                 labels=np.asarray([str(c) for c in labels]), kind=np.asarray("span"),
                 threshold=np.asarray(threshold))
        report[side] = {"examples": int(keep.sum()), "threshold": threshold,
                        "held_out_rules": round(100 * rules, 1),
                        "held_out_head_alone": round(100 * head_alone, 1),
                        "held_out_head_then_rules": round(100 * mixed, 1)}
    (args.work / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    check = check_half(args.data) if args.check else None
    card = args.out.parent / "categories_card.md"
    card.write_text(card_text(report, check, args), encoding="utf-8")
    print(f"card: {card}")


def check_half(data: Path) -> dict[str, Any] | None:
    """``wirewatch eval acled`` on the check half, in a fresh process (it loads the heads
    just written)."""
    import subprocess
    import sys

    script = ("import json, sys; from pathlib import Path; "
              "from wirewatch.eval.acled import evaluate; "
              "print(json.dumps(evaluate(Path(sys.argv[1]), 'check')[0]))")
    done = subprocess.run([sys.executable, "-c", script, str(data / ACLED_FILE)],
                          capture_output=True, text=True, check=False)
    try:
        return json.loads(done.stdout)
    except ValueError:
        print(done.stderr[-2000:])
        return None


def card_text(report: dict[str, Any], check: dict[str, Any] | None,
              args: argparse.Namespace) -> str:
    """The heads' model card: data, provenance and terms, command, size, scores."""
    sizes = sum((args.out / f"acled_{side}.npz").stat().st_size for side in SIDES)
    lines = [
        "# ACLED actor-category heads (`heads/acled_agent.npz`, `heads/acled_victim.npz`)",
        "",
        "- **What**: two MLPs (768 inputs: the pooled trigger and the pooled sentence from the "
        "shared encoder's pass, 128 ReLU units, softmax) reading the ACLED category of an "
        "event's perpetrator (inter1: 1 state forces ... 8 other) and of its victims or second "
        "actor (inter2, 0 none). Run time: `extract/category_heads.py`, inside the event heads "
        "(numpy). Where a head's top probability is under its threshold the rules "
        "(`export.acled.actor_codes`) decide; `export.acled.read_codes` says where the export "
        "can follow a head.",
        "- **Data**: ACLED-Asia 2015 coder notes, tune half by id hash "
        f"({report['notes']} notes with an event of a compatible type and gold categories "
        "that can be told apart). ACLED's terms forbid redistribution: no note text is "
        "shipped, only these derived weights, for research. The encoder under them: "
        "`card.md`.",
        "- **Made by**: `python -m wirewatch.train.actor_categories --data ../shared/data "
        "--out src/wirewatch/data/models/encoder/heads --work out/train-categories` "
        f"({args.epochs} full-batch AdamW epochs per head, CPU, under two minutes after the "
        "notes are extracted); part of `make train` after the encoder.",
        f"- **Size**: {sizes / 1024:.0f} KB for both.",
        "- **Thresholds** (chosen on a quarter of the tune half held out, then the heads "
        "retrained on all of it): agreement with the gold categories on that quarter:",
    ]
    for side in SIDES:
        r = report[side]
        lines.append(f"  - {side}: threshold {r['threshold']}; rules {r['held_out_rules']}, "
                     f"head alone {r['held_out_head_alone']}, head where sure then rules "
                     f"{r['held_out_head_then_rules']} ({r['examples']} examples)")
    if check is not None:
        rates, scored = check["rates"], check["scored"]
        lines.append(f"- **Check half** (`wirewatch eval acled ... --part check`, "
                     f"{check['notes']} notes): agent category {rates['agent_category']}, "
                     f"victim category {rates['victim_category']} "
                     f"(n={scored['agent_category']} notes with a compatible event).")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
