"""``derive._record.record`` against ``dataclasses.dataclass(frozen=True)``: each case's class is built both ways
from one body and the two must agree on repr, ==, hash, defaults, frozenness, replace, copies and field order."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from derive import _record

# -- the class bodies: one per shape the records in derive take (each built both ways) -------------------------


def plain(make, field, base):
    """Two fields, no defaults, a property (explain's Way)."""

    @make
    class Way:
        lengths: tuple[int, int]
        settings: str

        @property
        def text(self) -> str:
            return f"{self.lengths}: {self.settings}"

    return Way, [((1, 2), "a"), ((1, 2), "b"), ((3, 3), "a")]


def defaults(make, field, base):
    """Defaults after required fields, one set with field(default=...) (the registry's Framework)."""

    @make
    class Framework:
        key: str
        aliases: tuple[str, ...] = ()
        inverse: str = ""
        probe: bool = True
        integer_args: tuple[str, ...] = field(default=())

    return Framework, [("torch",), ("torch", ("pytorch",), "TorchSpace"), ("jax", (), "", False, ("n",))]


def post_init(make, field, base):
    """A __post_init__ that validates, and a record as another's default (inverse's Range and Bounds)."""

    @make
    class Range:
        lo: int
        hi: int | None = None

        def __post_init__(self) -> None:
            if self.hi is not None and self.hi < self.lo:
                raise ValueError(f"{self.lo}..{self.hi}")

    @make
    class Bounds:
        kernel: Range = Range(1)
        padding: Range = Range(0)
        modes: tuple[str, ...] | None = None

    return Bounds, [(), (Range(1, 4),), (Range(1), Range(0, 2), ("same",))]


def not_init(make, field, base):
    """A field left out of __init__ that __post_init__ sets (inverse's Query)."""

    @make
    class Query:
        n: int
        out: int
        scale: int = field(init=False)

        def __post_init__(self) -> None:
            object.__setattr__(self, "scale", max(1, self.out // self.n))

    return Query, [(4, 16), (4, 17), (16, 4)]


def hidden(make, field, base):
    """A field left out of repr, == and hash (the models' Condition)."""

    @make
    class Condition:
        rule: str
        predicate: object
        args: dict = field(repr=False, compare=False)

    return Condition, [("r", True, {"n": 1}), ("r", True, {"n": 2}), ("r", False, {"n": 1})]


def keyword_only(make, field, base):
    """A keyword-only field, and a subclass adding a defaulted one after it (Requirement and torch's _Check)."""

    @make
    class Requirement:
        rule: str
        holds: object
        error: str = "ValueError"
        crash: bool = field(default=False, kw_only=True)

    @make
    class Check(Requirement):
        nd: object = None

    return Check, [("r", 1), ("r", 1, "RuntimeError", "nd"), ("r", 1, "RuntimeError", "nd", {"crash": True})]


def callable_defaults(make, field, base):
    """Functions as defaults, inherited and added by a subclass (inverse's Dim and Forced)."""

    @make
    class Dim:
        name: str
        values: object
        order: object = same
        counts: bool = True

    @make
    class Forced(Dim):
        least: object = len
        within: object = None

    return Forced, [("stride", range(3)), ("mode", (), abs, False), ("d", (), same, True, max, min)]


def own_repr(make, field, base):
    """repr=False under a base that brings its own __repr__ (explain's Explanation under display's Displayed)."""

    @make
    class Explanation(base):
        framework: str
        n: int
        notes: tuple[str, ...] = ()

    return Explanation, [("torch", 4), ("torch", 4, ("a note",)), ("keras", 2)]


def container(make, field, base):
    """Dunder methods of the class's own kept (lengths' Interval: __iter__, __len__, __contains__)."""

    @make
    class Interval:
        lower: int
        upper: int

        def __iter__(self):
            return iter(range(self.lower, self.upper + 1))

        def __len__(self) -> int:
            return max(0, self.upper - self.lower + 1)

        def __contains__(self, x: object) -> bool:
            return self.lower <= x <= self.upper  # type: ignore[operator]

    return Interval, [(1, 3), (2, 1), (0, 0)]


def same(v):
    """A function default (Dim's order), one object for both builds."""
    return v


class Shown:
    """A base with its own repr (display's Displayed)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


CASES = [plain, defaults, post_init, not_init, hidden, keyword_only, callable_defaults, own_repr, container]


def built(case, way: str):
    """The case's class and its instances, made by dataclasses or by record."""
    if way == "dataclass":
        frozen = dataclasses.dataclass(frozen=True, repr=case is not own_repr)
        cls, rows = case(frozen, dataclasses.field, Shown)
    else:
        make = _record.record(repr=False) if case is own_repr else _record.record
        cls, rows = case(make, _record.field, Shown)
    return cls, instances(case, cls, rows)


def instances(case, cls, rows):
    """The case's class called on each row (keyword_only's last dict: keyword arguments)."""
    values = []
    for row in rows:
        kwargs = row[-1] if row and isinstance(row[-1], dict) and case is keyword_only else {}
        values.append(cls(*row[: len(row) - bool(kwargs)], **kwargs))
    return values


def both(case):
    return built(case, "dataclass"), built(case, "record")


def outcome(call):
    """What a call gives: its value's repr, or its exception's type name and message."""
    try:
        return repr(call())
    except Exception as e:
        return type(e).__name__, str(e)


@pytest.mark.parametrize("case", CASES)
def test_repr_eq_hash_agree(case):
    """repr, == across every pair, and hash are the same as dataclasses give."""
    (_, dvalues), (_, rvalues) = both(case)
    assert [repr(v) for v in rvalues] == [repr(v) for v in dvalues]
    assert [[a == b for b in rvalues] for a in rvalues] == [[a == b for b in dvalues] for a in dvalues]
    assert [[a != b for b in rvalues] for a in rvalues] == [[a != b for b in dvalues] for a in dvalues]
    assert [hash(v) for v in rvalues] == [hash(v) for v in dvalues]
    assert all(r != d and r.__eq__(d) is NotImplemented for r, d in zip(rvalues, dvalues, strict=True))


@pytest.mark.parametrize("case", CASES)
def test_fields_defaults_and_signature_agree(case):
    """The fields in order, the defaults (on instances and as class attributes), __match_args__ and the __dict__."""
    (dcls, dvalues), (rcls, rvalues) = both(case)
    assert [f.name for f in rcls.__record_fields__] == [f.name for f in dataclasses.fields(dcls)]
    assert rcls.__match_args__ == dcls.__match_args__
    for f in dataclasses.fields(dcls):
        assert repr(getattr(rcls, f.name, "no attribute")) == repr(getattr(dcls, f.name, "no attribute")), f.name
    assert [repr(v.__dict__) for v in rvalues] == [repr(v.__dict__) for v in dvalues]
    assert [list(v.__dict__) for v in rvalues] == [list(v.__dict__) for v in dvalues]
    assert rcls.__init__.__qualname__ == dcls.__init__.__qualname__
    assert outcome(lambda: rcls()) == outcome(lambda: dcls())  # the missing arguments, named alike
    assert outcome(lambda: rcls(*range(9))) == outcome(lambda: dcls(*range(9)))


@pytest.mark.parametrize("case", CASES)
def test_frozen_agrees(case):
    """Assigning or deleting any attribute raises an AttributeError with dataclasses' message."""
    (_, dvalues), (_, rvalues) = both(case)
    for d, r in zip(dvalues, rvalues, strict=True):
        for name in (*d.__dict__, "other"):
            got = outcome(lambda r=r, name=name: setattr(r, name, 1))
            assert got == ("FrozenInstanceError", outcome(lambda d=d, name=name: setattr(d, name, 1))[1])
            assert (
                outcome(lambda r=r, name=name: delattr(r, name))[1]
                == outcome(lambda d=d, name=name: delattr(d, name))[1]
            )
        with pytest.raises(AttributeError):
            r.x = 1
        assert repr(r.__dict__) == repr(d.__dict__)  # nothing changed


@pytest.mark.parametrize("case", CASES)
def test_replace_agrees(case):
    """replace with no change, with a change of each field, and of a field __init__ does not take."""
    (dcls, dvalues), (_, rvalues) = both(case)
    for d, r in zip(dvalues, rvalues, strict=True):
        assert repr(_record.replace(r)) == repr(dataclasses.replace(d)) and _record.replace(r) == r
        for f in dataclasses.fields(dcls):
            other = dvalues[-1] if d is not dvalues[-1] else dvalues[0]
            change = {f.name: getattr(other, f.name)}
            expected = outcome(lambda d=d, change=change: dataclasses.replace(d, **change))
            assert outcome(lambda r=r, change=change: _record.replace(r, **change)) == expected


@pytest.mark.parametrize("case", CASES)
def test_dataclasses_functions_take_records(case):
    """dataclasses' own fields, asdict, astuple, replace and is_dataclass give a record what they give its twin."""
    (dcls, dvalues), (rcls, rvalues) = both(case)
    assert dataclasses.is_dataclass(rcls) and dataclasses.is_dataclass(rvalues[0])

    def options(cls):
        return [(f.name, f.type, repr(f.default), f.init, f.repr, f.compare, f.hash, f.kw_only)
                for f in dataclasses.fields(cls)]  # fmt: skip

    assert options(rcls) == options(dcls) and rcls.__dataclass_fields__ is rcls.__dataclass_fields__
    for d, r in zip(dvalues, rvalues, strict=True):
        assert repr(dataclasses.asdict(r)) == repr(dataclasses.asdict(d))
        assert repr(dataclasses.astuple(r)) == repr(dataclasses.astuple(d))
        assert type(dataclasses.replace(r)) is rcls and dataclasses.replace(r) == r


@pytest.mark.parametrize("case", CASES)
def test_copies_are_equal(case):
    """copy, deepcopy and pickle (of a module-level class) give an equal record."""
    _, rvalues = built(case, "record")
    for r in rvalues:
        assert copy.copy(r) == r and copy.deepcopy(r) == r and copy.copy(r).__dict__ == r.__dict__


def test_pickle_round_trip():
    """A record of the library pickles and unpickles equal, as a dataclass does (no __init__ rerun needed)."""
    from derive.inverse import Bounds, Query, Range
    from derive.lengths import FloorAffine, Interval

    for value in (Query(4, 16, Bounds(kernel=Range(1, 9))), Interval(1, 3), FloorAffine(1, 2, 3)):
        assert pickle.loads(pickle.dumps(value)) == value


@pytest.mark.parametrize("case", CASES)
def test_interpreted_and_compiled_init_agree(case):
    """A record's first instances (made without compiling __init__) are the ones its compiled __init__ makes once
    the class has made enough, given the arguments by position or by name."""
    make = _record.record(repr=False) if case is own_repr else _record.record
    cls, rows = case(make, _record.field, Shown)

    def both_ways():
        made = instances(case, cls, rows)
        return made + [cls(**{k: v.__dict__[k] for k in cls.__match_args__}) for v in made]

    first = both_ways()
    assert cls.__init__.__code__.co_filename != "<string>"  # not compiled yet
    while cls.__init__.__code__.co_filename != "<string>":
        both_ways()
    again = both_ways()
    assert [list(v.__dict__.items()) for v in again] == [list(v.__dict__.items()) for v in first]


@pytest.mark.parametrize("args", [(), (1, 2, 3), ("a",)])
def test_first_call_errors_agree(args):
    """A record's first call (which compiles its __init__) refuses bad arguments as the dataclass does, then works."""
    body = {"__annotations__": {"lengths": "tuple", "settings": "str"}}
    fresh = _record.record(type("Way", (), dict(body)))
    twin = dataclasses.dataclass(frozen=True)(type("Way", (), dict(body)))
    assert outcome(lambda: fresh(*args)) == outcome(lambda: twin(*args))
    assert repr(fresh((1, 2), "a")) == repr(twin((1, 2), "a"))


def test_mutable_default_refused():
    """A list as a default is refused, as dataclasses refuse it."""
    with pytest.raises(ValueError, match="mutable default"):

        @_record.record
        class Bad:
            items: list = []  # noqa: RUF012
