"""The constraint queries: solve against brute force, explain, port (re-proved), and their command lines."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

from derive import alignment as AL
from derive.cli import main
from derive.errors import FrameworkError, ParameterError
from derive.explain import explain
from derive.inverse import Bounds, Budget, Query, Range, Space, space
from derive.port import lines, port
from derive.prover import prove
from derive.solve import every_n, parse_target, solve, solve_every

ROOT = Path(__file__).parent.parent


# -- solve against brute force ------------------------------------------------------------------


def brute(inverse: Space, n: int, out: int, b: Bounds) -> list[dict[str, Any]]:
    """The configurations whose model length is ``out``, sorted by the simplest-first key."""
    found = []
    for cfg in inverse.grid(b, out):
        if inverse.has("dilation") and cfg[inverse.role("dilation")] > 1 and cfg[inverse.role("kernel")] == 1:
            continue  # degenerate: a dilated 1-wide kernel
        try:
            if inverse.call(n, cfg) == out:
                found.append(cfg)
        except FrameworkError:
            pass
    q = Query(n, out, b)
    return sorted(found, key=lambda c: inverse.key(q, c))


def box(k: str = "1..5", s: str = "1..5", d: str = "1..3", p: str | None = "0..4", modes: Any = None) -> Bounds:
    def r(text: str) -> Range:
        lo, _, hi = text.partition("..")
        return Range(int(lo), int(hi or lo))

    return Bounds(r(k), r(s), r(d), r(p) if p else Range(0), modes)


BRUTE_CASES = [
    ("torch", None, 4, 16, box()),
    ("torch", None, 2, 5, box()),
    ("torch", None, 1, 4, box()),
    ("torch", None, 5, 2, box()),
    ("torch", None, 3, 8, box(k="2..5", s="2..4", d="1..4", p="1..3")),
    ("keras", None, 4, 16, box(p=None)),
    ("keras", None, 2, 5, box(p=None)),
    ("keras", None, 3, 3, box(p=None, d="1..4")),
    ("keras", None, 1, 4, box(p=None)),
    ("keras", None, 3, 8, box(p=None, modes=("same",))),
    ("keras", "tensorflow", 4, 16, box(p=None)),
    ("keras", "tensorflow", 3, 7, box(p=None)),
    ("keras2", None, 2, 5, box(p=None)),
    ("keras2", "tensorflow", 3, 6, box(p=None)),
    ("tensorflow", None, 4, 16, box(p="0..3")),
    ("tensorflow", None, 2, 5, box(p="0..3")),
    ("tensorflow", None, 5, 2, box(p="1..3", d="1..2")),
    ("tensorflow", None, 3, 8, box(p="0..3", modes=("VALID", "EXPLICIT"))),
    # TensorFlow's oneDNN and XLA kernels take dilation; oneDNN widens VALID at n = 1
    ("tensorflow", "onednn", 4, 16, box(p="0..3")),
    ("tensorflow", "onednn", 1, 3, box(p="0..2")),
    ("tensorflow", "onednn", 3, 8, box(p="0..3", modes=("VALID", "EXPLICIT"))),
    ("tensorflow", "xla", 2, 5, box(p="0..3")),
    ("tensorflow", "xla", 1, 4, box(p="0..2", modes=("VALID", "EXPLICIT"))),
    ("tensorflow", "eigen", 1, 3, box(p="0..2")),
]


@pytest.mark.parametrize(("framework", "backend", "n", "out", "bounds"), BRUTE_CASES)
def test_solve_matches_brute_force(framework, backend, n, out, bounds):
    """Within small bounds the solver lists exactly the brute-force configurations, in the same order."""
    inverse = space(framework, backend)
    got = solve(inverse, n, out, bounds, limit=None, verify_every=True)
    members = [m for a in got.answers for m in a.family.members()]
    assert members == brute(inverse, n, out, bounds)
    assert got.complete and got.configurations == len(members)


@pytest.mark.parametrize(("framework", "backend", "n", "out", "bounds"), BRUTE_CASES)
def test_listing_everything_keeps_the_lazy_order(framework, backend, n, out, bounds):
    """The one-pass listing (solve --all) gives the lazy walk's families in the lazy walk's order."""
    sp, q = space(framework, backend), Query(n, out, bounds)
    assert sp.all_families(q, Budget(10**6)) == list(sp.families(q, Budget(10**6)))


FIRST = [
    ("torch", None, 4, 16, "kernel_size=4+2t, stride=4, padding=t  (t >= 0)"),
    ("keras", None, 4, 16, "kernel_size=1..4, strides=4"),
    ("keras", None, 2, 5, "kernel_size=3, strides=2"),
    ("keras2", None, 20, 200, "kernel_size=1..10, strides=10"),
    ("tensorflow", None, 4, 16, "kernel_size>=1, output_shape=16, strides=4"),
    ("tensorflow", None, 2, 5, "kernel_size=2..3, output_shape=5, strides=2, padding='VALID'"),
]


@pytest.mark.parametrize(("framework", "backend", "n", "out", "text"), FIRST)
def test_simplest_answer_first(framework, backend, n, out, text):
    """The first answer is the simplest one: the stride equal to the scale factor, no other knob changed."""
    assert solve(framework, n, out, backend=backend, limit=1).answers[0].text == text


@pytest.mark.parametrize("framework", ["torch", "keras", "keras2", "tensorflow"])
def test_endless_families_hold_further_out(framework):
    """Members far along an unbounded family still give the target (checked with the model)."""
    inverse = space(framework)
    for answer in solve(inverse, 3, 12, limit=6).answers:
        steps = range(answer.count) if answer.count is not None else [0, 7, 31]
        for t in steps:
            assert inverse.call(3, answer.family.member(t)) == 12


def test_nothing_fits_says_why_and_nearest():
    """Keras cannot shrink 4 to 2: the shortest length rule is named, and the nearest length is 3."""
    got = solve("keras", 4, 2)
    assert not got.answers and "the shortest from n=4 is 3" in got.why
    assert [x.length for x in got.nearest] == [3]


BLOCKED = [
    ("torch", box(k="1..3", s="1..3", d="1..3", p="0..3"), "kernel_size=10 (outside 1..3)"),
    ("tinygrad", box(k="1..3", s="1..3", d="1..3", p="1..3"), "padding=0 (outside 1..3)"),
    ("paddle", box(k="1..3", s="1..3", d="1..3", p=None, modes=("VALID",)), "padding=0 (not among VALID)"),
]


@pytest.mark.parametrize(("framework", "bounds", "named"), BLOCKED)
def test_bounds_that_block_are_named(framework, bounds, named):
    """When only the bounds block the target, the knobs outside them are named (explicit padding side by side)."""
    got = solve(framework, 4, 40, bounds)
    assert named in got.why
    assert got.nearest[0].length < 40


def test_a_search_that_gives_up_is_capped_and_says_so():
    """An open search stuck on a level with no answers falls back to capped knobs, and says so."""
    got = solve("torch", 3, 4, Bounds(kernel=Range(3, 3)), limit=3)
    assert got.capped == 64 and not got.complete
    assert got.answers[0].text == "kernel_size=3, stride=1, padding=2, output_padding=1, dilation=2"
    again = solve("torch", 3, 4, Bounds(kernel=Range(3, 3)).capped(64), limit=3)
    assert [a.family for a in got.answers] == [a.family for a in again.answers]


def test_large_bounds_first_page_is_fast():
    """With bounds of 10^4 per knob the first answers come from the closed forms, well under a second."""
    import time

    big = Bounds(Range(1, 10**4), Range(1, 10**4), Range(1, 10**4), Range(0, 10**4))
    start = time.perf_counter()
    got = solve("torch", 4, 16, big, limit=20)
    assert len(got.answers) == 20 and time.perf_counter() - start < 1.0


BAD_SOLVE = [
    ({"n": 0, "out": 4}, "'--n' must be a positive integer"),
    ({"n": 4, "out": 16, "limit": 0}, "'--limit' must be a positive integer"),
    ({"n": 4, "out": 16, "limit": None}, "'--all' needs an upper bound"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_SOLVE)
def test_solve_refuses_bad_requests(kwargs, message):
    """Bad lengths, limits and open-ended --all raise ParameterError naming the parameter."""
    with pytest.raises(ParameterError, match=message.replace("(", r"\(")):
        solve("torch", **kwargs)


# -- explain ------------------------------------------------------------------------------------

EXPLAIN = [
    (
        "keras",
        2,
        {"kernel_size": 3, "strides": 2},
        5,
        (5, 6),
        ["5: output_padding=None (the default) or output_padding=0", "6: output_padding=1"],
    ),
    (
        "keras",
        20,
        {"kernel_size": 3, "strides": 10, "padding": "same"},
        200,
        (191, 200),
        ["191..199: output_padding=0..8", "200: output_padding=None (the default) or output_padding=9"],
    ),
    (
        "keras",
        20,
        {"kernel_size": 4, "strides": 10, "padding": "same"},
        200,
        (191, 200),
        ["191..199: output_padding=1..9", "200: output_padding=None (the default)"],
    ),
    ("keras2", 26, {"kernel_size": 7}, 32, (32, 32), ["32: output_padding=None (the default) or output_padding=0"]),
    (
        "torch",
        4,
        {"kernel_size": 4, "stride": 4},
        16,
        (16, 19),
        ["16..19: output_padding=0..3, or forward(x, output_size=16..19)"],
    ),
    (
        "torch",
        3,
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_size": 6},
        6,
        (5, 6),
        ["5..6: output_padding=0..1, or forward(x, output_size=5..6)"],
    ),
    ("tensorflow", 2, {"kernel_size": 3, "strides": 2, "padding": "VALID"}, None, (5, 6), ["5..6: output_shape=5..6"]),
    (
        "tensorflow",
        2,
        {"kernel_size": 3, "strides": 2, "padding": "VALID", "output_shape": 6},
        6,
        (5, 6),
        ["5..6: output_shape=5..6"],
    ),
]


@pytest.mark.parametrize(("framework", "n", "kwargs", "length", "preimage", "ways"), EXPLAIN)
def test_explain(framework, n, kwargs, length, preimage, ways):
    """explain gives the length, the forward preimage and the setting that reaches each length in it."""
    e = explain(framework, n, **kwargs)
    assert (e.length, e.preimage, [w.text for w in e.ways]) == (length, preimage, ways)


def test_explain_ways_are_real():
    """Every output_padding / output_shape range explain offers gives its lengths in the model, at both ends."""
    for framework, n, kwargs, *_ in EXPLAIN:
        e = explain(framework, n, **kwargs)
        inverse = space(framework)
        cfg = {k: v for k, v in kwargs.items() if k != "output_size"}
        for way in e.ways:
            assert e.preimage[0] <= way.lengths[0] <= way.lengths[1] <= e.preimage[1]
            found = re.search(r"(output_padding|output_shape)=(\d+)(?:\.\.(\d+))?", way.settings)
            if found is None:  # only the default (None) reaches it
                assert inverse.call(n, inverse.bind({**cfg, "output_padding": None})) == way.lengths[0]
                continue
            knob, first = found.group(1), int(found.group(2))
            last = int(found.group(3) or first)
            for value, length in ((first, way.lengths[0]), (last, way.lengths[1])):
                assert inverse.call(n, inverse.bind({**cfg, knob: value})) == length


def test_explain_names_refusals_and_notes():
    """The framework's own messages come with the refused settings; out-of-preimage settings are noted."""
    e = explain("torch", 3, kernel_size=3, stride=1, dilation=3)
    assert any("output_padding=1..2 is accepted too" in x for x in e.notes)
    assert e.refusals[0].message.startswith("output padding must be smaller than either stride or dilation")
    refused = explain("keras", 4, kernel_size=3, strides=2, output_padding=2)
    assert refused.length is None and "strictly less than `strides`" in refused.refused.message


def test_explain_and_shape_stay_numeric():
    """`derive explain` and `derive shape` import neither SymPy nor Z3 (solve proves its "every n" marks with them)."""
    code = (
        "import sys; from derive.cli import main; "
        "main(['explain', 'keras', '--n', '2', '--kernel-size', '3', '--strides', '2']); "
        "main(['shape', 'torch', 'conv-transpose', '--n', '4', '--kernel-size', '4', '--stride', '4']); "
        "assert 'sympy' not in sys.modules and 'z3' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)


# -- for every n ---------------------------------------------------------------------------------

EVERY = [
    ("torch", "2*n", "kernel_size=2+2t, stride=2, padding=t  (t >= 0)"),
    ("torch", "2*n - 1", "kernel_size=1+2t, stride=2, padding=t  (t >= 0)"),
    ("keras", "2*n", "kernel_size=1..2, strides=2"),
    ("tensorflow", "3*n", "kernel_size>=1, output_shape=3*n, strides=3"),
    ("onnx", "2*n", "kernel_shape=2+2t, strides=2, pads=(t, t)  (t >= 0)"),
]


@pytest.mark.parametrize(("framework", "out", "first"), EVERY)
def test_solve_every_n_lists_only_proved_families(framework, out, first):
    """A formula target lists families proved for every n, simplest first; each member really gives it."""
    sol = solve_every(framework, out, limit=4)
    assert sol.answers and sol.answers[0].answer.text == first
    n = sp.Symbol("n", integer=True, positive=True)
    target = parse_target(out)
    for e in sol.answers:
        assert e.verdict.proved
        for cfg in itertools.islice(e.answer.family.members(), 3):
            for m in range(1, 20):
                want = int(target.subs(n, m))
                c = {**cfg, "output_shape": want} if framework == "tensorflow" else cfg
                assert e.answer.space.call(m, c) == want


@pytest.mark.parametrize("text", ["n**2", "n/2", "2*m", "0*n + 3", "import os"])
def test_solve_every_n_refuses_what_no_layer_gives(text):
    """A target that is not a·n + b with a >= 1 (or not a formula in n) is one clear error."""
    with pytest.raises(ParameterError):
        solve_every("torch", text)


def test_numeric_solve_marks_every_n():
    """`solve torch --n 4 --out 8` marks 2n-for-every-n families apart from those that give 8 only at n = 4."""
    assert all(proved for _, proved in every_n(solve("torch", 4, 8, limit=3)))
    marks = every_n(solve("torch", 4, 8, Bounds(stride=Range(3, 3)), limit=2))
    assert marks == [("3*n - 4", False), ("3*n - 4", False)]


def test_cli_solve_native_flags_and_layer_name(capsys):
    """solve takes explain's flags (--kernel-size, --strides, --padding same) and names the 2-D layer for --n 4,4."""
    argv = ["solve", "keras", "--n", "4,4", "--out", "8,8", "--kernel-size", "3", "--padding", "same"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("keras.layers.Conv2DTranspose (each axis): n=4 -> 8")
    assert "kernel_size=3, strides=2, padding='same'  [2*n for every n]" in out
    assert "e.g. keras.layers.Conv2DTranspose(filters, kernel_size=(3, 3), strides=(2, 2), padding='same')" in out
    assert main(["solve", "torch", "--n", "4", "--out", "8", "--bogus", "3"]) == 2
    assert "see 'derive solve --help'" in capsys.readouterr().err


def test_cli_solve_formula(capsys):
    """`solve torch --out 2*n` prints the proved families with their domain."""
    assert main(["solve", "torch", "--out", "2*n", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "length 2*n for every n (n >= 1), proved for each family" in out
    assert main(["solve", "torch", "--out", "2*n", "--n", "4"]) == 2


# -- port ---------------------------------------------------------------------------------------

PORTS = [
    # (source, target, source call, the target's call, its verdict on the samples)
    (
        "keras",
        "torch",
        {"kernel_size": 3, "strides": 2, "padding": "same"},
        "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, padding=1, output_padding=1)",
        "same length only",
    ),
    (
        "keras",
        "torch",
        {"kernel_size": 4, "strides": 2, "padding": "same"},
        "torch.nn.ConvTranspose1d(kernel_size=4, stride=2, padding=1)",
        "same samples",
    ),
    (
        "torch",
        "keras",
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        "keras.layers.Conv1DTranspose(kernel_size=3, strides=2, padding='same')",
        "same length only",
    ),
    (
        "keras",
        "tensorflow",
        {"kernel_size": 3, "strides": 2, "padding": "same"},
        "tf.nn.conv2d_transpose(kernel_size=3, output_shape=2*n, strides=2)",
        "same samples",
    ),
    (
        "keras2",
        "keras",
        {"kernel_size": 3, "strides": 2},
        "keras.layers.Conv1DTranspose(kernel_size=3, strides=2)",
        "same samples",
    ),
    (
        "torch",
        "jax",
        {"kernel_size": 4, "stride": 2, "padding": 1},
        "jax.lax.conv_transpose(kernel_size=4, strides=2, padding='SAME')",
        "same samples",
    ),
    (
        "torch",
        "onnx",
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        "onnx ConvTranspose(kernel_shape=3, strides=2, pads=(1, 1), output_padding=1)",
        "same samples",
    ),
    ("torch", "keras", {"kernel_size": 3, "stride": 2, "padding": 2}, None, None),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected", "alignment"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected, alignment):
    """Every port answer is re-checked by the prover, lengths and window starts; a missing port has a counterexample."""
    p = port(source, target, **kwargs)
    assert (p.target, p.alignment) == (expected, alignment)
    if expected is None:
        assert p.counterexample is not None and p.fix is not None
        return
    again = prove(p.verdict.proposition, p.verdict.assumptions)
    assert again.proved
    assert p.samples.proved == (alignment == "same samples")
    src, dst = space(source), space(target)
    for n in range(1, 30):
        want = src.call(n, src.bind(kwargs))
        cfg = {**p.configuration, "output_shape": want} if target == "tensorflow" else p.configuration
        assert dst.call(n, cfg) == want
        a, b = AL.window(src, n, src.bind(kwargs)), AL.window(dst, n, cfg)
        assert (a.start == b.start) == (alignment == "same samples")


FIXES = [
    # the example: keras 'same' at kernel 3 (and 5), stride 2 is torch with one sample cropped at the end
    (
        "keras",
        "torch",
        {"kernel_size": 3, "strides": 2, "padding": "same"},
        {"padding": 0, "output_padding": 0},
        (0, 1),
    ),
    (
        "keras",
        "torch",
        {"kernel_size": 5, "strides": 2, "padding": "same"},
        {"padding": 1, "output_padding": 0},
        (0, 1),
    ),
    ("torch", "keras", {"kernel_size": 3, "stride": 2, "padding": 2}, {"padding": "same", "output_padding": 0}, (1, 1)),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "knobs", "crop"), FIXES)
def test_port_fix_keeps_the_source_samples(source, target, kwargs, knobs, crop):
    """The fix (a target setting, then a constant crop) keeps exactly the source's samples at every n."""
    p = port(source, target, **kwargs)
    assert p.crop == crop and all(p.fix_configuration[k] == v for k, v in knobs.items())
    src, dst = space(source), space(target)
    for n in range(1, 30):
        try:
            a = AL.window(src, n, src.bind(kwargs))
        except FrameworkError:
            continue
        b = AL.window(dst, n, p.fix_configuration)
        assert (b.start + crop[0], b.length - sum(crop)) == (a.start, a.length)
        y = AL.kept(AL.full_output([1.0] * n, [1.0, 2.0, 3.0, 4.0, 5.0][: kwargs["kernel_size"]], 2, 1), b)
        want = AL.kept(AL.full_output([1.0] * n, [1.0, 2.0, 3.0, 4.0, 5.0][: kwargs["kernel_size"]], 2, 1), a)
        assert y[crop[0] : len(y) - crop[1]] == want


def test_port_lines_say_which_was_proved():
    """The printed port says "same samples: proved", or "same length only" with both windows and the fix's code."""
    text = "\n".join(lines(port("keras", "torch", kernel_size=3, strides=2, padding="same")))
    assert "same length only: it keeps full[1 : 2*n + 1], not full[0 : 2*n]" in text
    fix = "fix (same samples: proved): crop 1 at the end\n"
    fix += "  y = torch.nn.ConvTranspose1d(kernel_size=3, stride=2)(x)[..., :-1]"
    assert fix in text
    text = "\n".join(lines(port("torch", "flax", kernel_size=4, stride=2, padding=1)))
    assert "same samples: proved" in text and "reverse the kernel" in text


def test_port_unmodelled_window_is_length_only():
    """A target whose window is not modelled (lasagne) gets a length verdict only, never "same samples"."""
    p = port("torch", "lasagne", kernel_size=4, stride=2, padding=1)
    assert p.proved and p.alignment == "same length only" and p.unmodelled


def test_keras_backends_keep_one_window():
    """Keras' tensorflow, jax and torch backends keep the same window wherever they accept (proved for all n)."""
    import sympy as sp

    n = sp.Symbol("n", integer=True, positive=True)
    tf, jx = space("keras", "tensorflow"), space("keras", "jax")
    for k, s, mode, op in itertools.product(range(1, 7), range(1, 4), ("valid", "same"), (None, 0, 1, 2)):
        if op is not None and op >= s:
            continue
        cfg = {"kernel_size": k, "strides": s, "padding": mode, "output_padding": op, "dilation_rate": 1}
        length, accepts = jx.symbolic(n, cfg)
        a, b = AL.window(tf, n, cfg, length), AL.window(jx, n, cfg, length)
        assert prove(sp.Eq(a.start, b.start), [c for c in accepts if c is not True and c != sp.true]).proved


def test_port_refuses_tensorflow_as_source():
    """TensorFlow has no length formula, so it cannot be ported from."""
    with pytest.raises(ParameterError, match="length formula"):
        port("tensorflow", "torch", kernel_size=3, output_shape=6, strides=2)


# -- command line -------------------------------------------------------------------------------

CLI_BAD = [
    ["solve", "torch", "--n", "4", "--out", "16", "--stride", "5..2"],
    ["solve", "torch", "--n", "4", "--out", "16", "--kernel", "0"],
    ["solve", "nosuch", "--n", "4", "--out", "16"],
    ["solve", "torch", "--n", "4", "--out", "16", "--all"],
    ["solve", "torch", "--n", "4", "--out", "16", "--all", "--limit", "3"],
    ["solve", "torch", "--n", "4", "--out", "16", "--mode", "same"],
    ["solve", "keras", "--n", "4", "--out", "16", "--padding", "1..3"],
    ["solve", "keras", "--n", "4,4", "--out", "16,16,16"],
    ["solve", "torch", "--out", "16"],
    ["explain", "torch", "--n", "4", "--strides", "2", "--kernel-size", "3"],
    ["explain", "keras", "--n", "4", "--strides", "2"],
    ["port", "tensorflow", "torch", "--kernel-size", "3"],
    ["port", "keras", "nosuch", "--kernel-size", "3"],
]


@pytest.mark.parametrize("argv", CLI_BAD, ids=" ".join)
def test_cli_bad_input_exits_2(argv, capsys):
    """Impossible bounds, unknown frameworks and contradictory flags give one error line and exit 2."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("derive: error: ")


def test_cli_solve_per_axis_and_json(capsys):
    """--n 4,3 is solved per axis; --json carries every answer with its first configuration."""
    assert main(["solve", "keras", "--n", "4,3", "--out", "16,12", "--limit", "2", "--json"]) == 0
    axes = json.loads(capsys.readouterr().out)["axes"]
    assert [(a["n"], a["out"]) for a in axes] == [(4, 16), (3, 12)]
    assert axes[0]["answers"][0]["first"] == {
        "kernel_size": 1, "strides": 4, "padding": "valid", "output_padding": None, "dilation_rate": 1,
    }  # fmt: skip


def test_cli_solve_nothing_fits_exits_1(capsys):
    """A target nothing reaches prints why and the nearest lengths, exit 1."""
    assert main(["solve", "keras", "--n", "4", "--out", "2"]) == 1
    out = capsys.readouterr().out
    assert "nothing fits" in out and "nearest: 3 with" in out


def test_cli_port_exit_codes(capsys):
    """port exits 0 when a target setting keeps the same samples, 1 for the same length only or none."""
    assert main(["port", "keras", "torch", "--kernel-size", "4", "--strides", "2", "--padding", "same"]) == 0
    assert main(["port", "keras", "torch", "--kernel-size", "3", "--strides", "2", "--padding", "same"]) == 1
    assert main(["port", "torch", "keras", "--kernel-size", "3", "--stride", "2", "--padding", "2"]) == 1
    assert "crop 1 at the start and 1 at the end\n  y = keras.layers.Conv1DTranspose(" in capsys.readouterr().out


def test_cli_explain_per_axis(capsys):
    """explain --n 20,2 with per-axis arguments explains each axis."""
    argv = ["explain", "keras", "--n", "20,2", "--kernel-size", "3", "--strides", "10,2", "--padding", "same"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "axis 0:" in out and "on n=20: 200" in out and "on n=2: 4" in out
