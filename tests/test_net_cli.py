"""``derive net`` from the command line: text, --json schema, --try, and one-line refusals (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

onnx = pytest.importorskip("onnx") if not os.environ.get("DERIVE_REQUIRE_FRAMEWORKS") else __import__("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

ROOT = Path(__file__).parent.parent


def _save(path: Path, nodes: list, dims: list, inits: tuple = ()) -> str:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph(nodes, path.stem, [x], [y], list(inits))
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return str(path)


def _skip_model(tmp: Path) -> str:
    """Conv k3 s2 p1 -> ConvTranspose k2 s2 -> Add with the input: H runs iff H = 1 or H even."""
    import numpy as np

    w1 = numpy_helper.from_array(np.ones((2, 1, 3, 3), np.float32), "w1")
    w2 = numpy_helper.from_array(np.ones((2, 1, 2, 2), np.float32), "w2")
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c"], name="down", kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4),
        helper.make_node("ConvTranspose", ["c", "w2"], ["u"], name="up", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Add", ["x", "u"], ["y"], name="skip"),
    ]
    return _save(tmp / "skip.onnx", nodes, [1, 1, "H", "W"], (w1, w2))


def derive(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "derive", "net", *args], capture_output=True, text=True, env=env)


def test_text_and_try(tmp_path):
    """The text names each dim's proved set, its smallest failure at the Add, the output formula and --try's answer."""
    r = derive(_skip_model(tmp_path), "--try", "H=101,W=64", "--try", "100")
    assert r.returncode == 1, r.stderr  # a --try size fails
    lines = r.stdout.splitlines()
    assert lines[0].startswith("H: runs iff H ∈ {1} or H ≡ 0 mod 2, H ≥ 2 (proved); smallest failure H = 3")
    assert "at skip (Add)" in lines[0]
    assert lines[2] == "y: [1, 1, (2 if H = 1 else H), (2 if W = 1 else W)]"
    assert lines[3].startswith("H = 101, W = 64 fails at skip (") and lines[3].endswith("H = 98, 100, 102")
    assert lines[4] == "H = 100, W = 100 runs: y: [1, 1, 100, 100]"


def test_json_schema(tmp_path):
    """--json has exactly the issue's keys (extra keys allowed) and the proved set."""
    r = derive(_skip_model(tmp_path), "--json", "--try", "7")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert {"dims", "condition", "outputs"} <= set(doc)
    h = doc["dims"]["H"]
    assert {"runs", "proof", "first_failure"} <= set(h)
    assert h["runs"] == {"finite": [1], "from": 2, "modulus": 2, "residues": [0]} and h["proof"] == "proved"
    assert set(h["first_failure"]) >= {"value", "op", "node", "message"} and h["first_failure"]["value"] == 3
    assert doc["outputs"]["y"][:2] == ["1", "1"]
    assert doc["tries"][0]["runs"] is False and doc["tries"][0]["nearest"]["H"] == [4, 6, 8]


def test_docs_writes_the_networks_derivation(tmp_path):
    """--docs writes the network's own document: its chapter, each theorem decided (and the PDF where TeX is)."""
    out = tmp_path / "docs"
    r = derive(_skip_model(tmp_path), "--docs", str(out), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["docs"]["ok"] and doc["docs"]["off_expectation"] == [] and doc["docs"]["claims"] >= 3
    chapter = (out / "networks.tex").read_text()
    assert r"\chapter{The network skip}" in chapter and "H runs iff" in chapter
    assert "derive net " in chapter and "proofs/derive" not in chapter
    main = (out / "derivations.tex").read_text()
    assert r"\input{networks}" in main and "Questions users asked" not in main
    if doc["docs"]["pdf_status"] != "skipped":  # TeX installed (CI): it built, with nothing overfull
        assert doc["docs"]["pdf_status"] == "built" and doc["docs"]["latex_problems"] == []


BAD = [
    ("missing file", lambda t: [str(t / "nope.onnx")], "must be an existing file"),
    ("not onnx", lambda t: [_junk(t)], "is not an ONNX model"),
    ("unsupported op", lambda t: [_unsupported(t)], "node 'odd': op 'Hardmax' is not supported"),
    ("no symbolic dim", lambda t: [_fixed(t)], "has no symbolic dim"),
    ("unknown runtime", lambda t: [_skip_model(t), "--runtime", "tvm"], "'--runtime' must be one of"),
    ("short input", lambda t: [_skip_model(t), "--input", "1,1,H"], "'--input' must give 4 dims"),
    ("bad input", lambda t: [_skip_model(t), "--input", "1,,H,W"], "'--input' must be comma-separated"),
    ("bad try", lambda t: [_skip_model(t), "--try", "H=abc"], "'--try' must be a size"),
    ("zero try", lambda t: [_skip_model(t), "--try", "0"], "'--try' must be sizes >= 1"),
    ("unknown dim", lambda t: [_skip_model(t), "--try", "Z=5"], "'--try' must name the model's dims"),
    ("not a model", lambda t: ["model.txt"], "'MODEL' must be an .onnx file"),
    ("compare onnx", lambda t: [_skip_model(t), "--compare"], "--compare needs a torch model"),
]


def _junk(t: Path) -> str:
    (t / "junk.onnx").write_text("this is not onnx\n")
    return str(t / "junk.onnx")


def _unsupported(t: Path) -> str:
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="act"), helper.make_node("Hardmax", ["r"], ["y"], name="odd")]
    return _save(t / "unsup.onnx", nodes, [1, 1, "H"])


def _fixed(t: Path) -> str:
    return _save(t / "fixed.onnx", [helper.make_node("Relu", ["x"], ["y"], name="act")], [1, 1, 8])


@pytest.mark.parametrize(("case", "argv", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_models_and_inputs_exit_2_with_one_line(case, argv, message, tmp_path):
    """Each bad model or input prints one error line naming the problem, nothing on stdout, no traceback."""
    r = derive(*argv(tmp_path))
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert message in r.stderr


UNET = """
import torch
import torch.nn.functional as F
from torch import nn


class UNet2(nn.Module):
    def __init__(self):
        super().__init__()
        self.inc, self.down = nn.Conv2d(1, 2, 3, padding=1), nn.Conv2d(2, 4, 3, padding=1)
        self.bottom, self.up2 = nn.Conv2d(4, 8, 3, padding=1), nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.dec2, self.up1 = nn.Conv2d(8, 4, 3, padding=1), nn.ConvTranspose2d(4, 2, 2, stride=2)
        self.dec1 = nn.Conv2d(4, 2, 3, padding=1)

    def forward(self, x):
        s1 = self.inc(x)
        s2 = self.down(F.max_pool2d(s1, 2))
        y = self.bottom(F.max_pool2d(s2, 2))
        y = self.dec2(torch.cat([s2, self.up2(y)], dim=1))
        return self.dec1(torch.cat([s1, self.up1(y)], dim=1))


def broken():
    raise RuntimeError("no weights here")
"""


def _torch(tmp_path: Path) -> Path:
    if not os.environ.get("DERIVE_REQUIRE_FRAMEWORKS"):
        pytest.importorskip("torch", reason="torch is not installed")
    (tmp_path / "unet.py").write_text(UNET)
    return tmp_path / "unet.py"


def test_torch_unet_from_a_file(tmp_path):
    """A 2-level U-Net written in a file: H ≡ 0 mod 4, H ≥ 4, proved; the output keeps H and W."""
    r = derive(f"{_torch(tmp_path)}:UNet2", "--input", "1,1,H,W", "--try", "H=102,W=64")
    lines = r.stdout.splitlines()
    assert lines[0].startswith("H: runs iff H ≡ 0 mod 4, H ≥ 4 (proved); smallest failure H = 1"), r.stderr
    assert "preserves H, W" in r.stdout
    assert "H = 102, W = 64 fails at cat" in lines[-1] and lines[-1].endswith("H = 96, 100, 104")


def test_torch_factory_that_raises(tmp_path):
    """A factory that raises is one line, exit 2."""
    r = derive(f"{_torch(tmp_path)}:broken", "--input", "1,1,H,W")
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert (
        r.stderr.strip()
        == f"derive: error: building '{tmp_path / 'unet.py'}:broken' failed: RuntimeError: no weights here"
    )


def test_compare_side_by_side(tmp_path):
    """--compare on the U-Net: eager and onnxruntime say H ≥ 4, torch.export's program H ≥ 8; the difference at 4."""
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    r = derive(f"{_torch(tmp_path)}:UNet2", "--input", "1,1,H,W", "--compare")
    assert r.returncode == 0, r.stderr
    assert "eager        H ≡ 0 mod 4, H ≥ 4 (proved)" in r.stdout
    assert "eager vs export: differ at H = 4" in r.stdout
