"""``@record``: a frozen value class as ``@dataclass(frozen=True)`` makes it, without importing dataclasses.

``dataclasses`` imports ``inspect`` (ast, dis, tokenize...) and execs several functions per class: the value
classes on the path of ``derive explain`` and ``derive shape`` use this instead, so those start within 2× a
bare ``python -c pass`` (bench/startup.py). Classes elsewhere keep dataclasses.

Fields are the class's own annotations in order, after its record bases' fields. ``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, the frozen ``__setattr__``/``__delattr__`` and ``__match_args__`` are dataclasses'
(tests/test_record.py builds each class both ways and compares them); only ``__init__`` is compiled (one ``exec``),
once the class has made a few instances without it (a record a run makes a few of, or none, costs no compile; a call
whose arguments do not bind plainly compiles at once and gets Python's own error); the rest are shared closures. A
method the class defines itself is kept. Every annotation is a field (no ``ClassVar``, ``InitVar`` or default
factories: no record here needs them), and a record's subclasses are records (any attribute of an instance is
frozen). ``dataclasses.fields``, ``asdict``, ``replace`` and ``is_dataclass`` take a record too (``Explanation`` is
documented as a dataclass): its ``__dataclass_fields__`` is built on first read, by dataclasses, which whoever reads
it has imported.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

_MISSING = object()
#: instances a record makes before compiling its __init__ (each costs ≈1 µs more than the compiled one's call)
_INTERPRETED = 32


class FrozenInstanceError(AttributeError):
    """An assignment to a record's field (``dataclasses.FrozenInstanceError``'s twin)."""


class Field:
    """One field: its name, default (``_MISSING``: none) and options, as ``dataclasses.field`` takes them."""

    __slots__ = ("compare", "default", "init", "kw_only", "name", "repr", "type")

    def __init__(self, default: Any, init: bool, repr: bool, compare: bool, kw_only: bool) -> None:
        self.name = self.type = ""
        self.default, self.init, self.repr, self.compare, self.kw_only = default, init, repr, compare, kw_only


def field(
    *, default: Any = _MISSING, init: bool = True, repr: bool = True, compare: bool = True, kw_only: bool = False
) -> Any:
    """A field's options, as ``dataclasses.field`` takes them (``compare=False`` leaves it out of ``==`` and hash)."""
    return Field(default, init, repr, compare, kw_only)


def record(cls: type[T] | None = None, *, repr: bool = True) -> Any:
    """Make ``cls`` a frozen value class (``repr=False``: keep the ``__repr__`` it inherits)."""

    def wrap(cls: type[T]) -> type[T]:
        return _make(cls, repr)

    return wrap if cls is None else wrap(cls)


def _make(cls: type[T], with_repr: bool) -> type[T]:
    fields: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        for f in base.__dict__.get("__record_fields__", ()):
            fields[f.name] = f
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect.get_annotations: inspect)
    for name, kind in annotations.items():
        value = cls.__dict__.get(name, _MISSING)
        f = value if isinstance(value, Field) else Field(value, True, True, True, False)
        if f.default is not _MISSING and type(f.default).__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed (instances share it)")
        f.name, f.type = name, kind
        fields[name] = f
        if f.default is _MISSING:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, f.default)  # the class attribute is the default, as dataclasses leave it
    every = tuple(fields.values())
    init = [f for f in every if f.init]

    def param(f: Field) -> str:
        return f.name if f.default is _MISSING else f"{f.name}=_dflt_{f.name}"

    params = ["self", *(param(f) for f in init if not f.kw_only)]
    if any(f.kw_only for f in init):
        params += ["*", *(param(f) for f in init if f.kw_only)]
    body = [f"_set(self, {f.name!r}, {f.name if f.init else f'_dflt_{f.name}'})"
            for f in every if f.init or f.default is not _MISSING]  # fmt: skip
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n    {'; '.join(body) or 'pass'}\n"
    namespace: dict[str, Any] = {f"_dflt_{f.name}": f.default for f in every if f.default is not _MISSING}
    namespace["_set"] = object.__setattr__
    positional = tuple(f.name for f in init if not f.kw_only)
    accepted = frozenset(f.name for f in init)
    filled = tuple((f.name, f.init, f.default) for f in every if f.init or f.default is not _MISSING)
    post_init = hasattr(cls, "__post_init__")
    calls = [0]

    def interpreted(self: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        """What the compiled ``__init__`` does, where the arguments bind plainly; False (nothing set): they do not,
        and the compiled one raises Python's own error."""
        if len(args) > len(positional):
            return False
        values = dict(zip(positional, args, strict=False))  # fewer args: the rest by keyword or default
        for name, value in kwargs.items():
            if name not in accepted or name in values:
                return False
            values[name] = value
        settings = []
        for name, is_init, default in filled:
            value = values.get(name, default) if is_init else default
            if value is _MISSING:
                return False
            settings.append((name, value))
        for name, value in settings:
            object.__setattr__(self, name, value)
        if post_init:
            self.__post_init__()
        return True

    def first_init(self: Any, *args: Any, **kwargs: Any) -> None:
        # the first _INTERPRETED instances are made without compiling (compiling is most of a record's cost, ≈0.1 ms:
        # a record a run makes a few of, or none, costs none), then __init__ is compiled for the records made often
        made = namespace.get("__init__")
        if made is None:
            calls[0] += 1
            if calls[0] <= _INTERPRETED and interpreted(self, args, kwargs):
                return
            exec(source, namespace)
            made = namespace["__init__"]
            made.__qualname__ = f"{cls.__qualname__}.__init__"
            if cls.__dict__.get("__init__") is first_init:
                type.__setattr__(cls, "__init__", made)
        made(self, *args, **kwargs)

    methods = {"__init__": first_init, **_compared(tuple(f.name for f in every if f.compare))}
    methods["__setattr__"], methods["__delattr__"] = _setattr, _delattr
    if with_repr:
        methods["__repr__"] = _repr(tuple(f.name for f in every if f.repr))
    for name, fn in methods.items():
        if name not in cls.__dict__ or (name == "__hash__" and cls.__dict__[name] is None):
            if name in ("__init__", "__eq__", "__hash__", "__repr__"):
                fn.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, fn)
    if "__match_args__" not in cls.__dict__:
        cls.__match_args__ = tuple(f.name for f in init if not f.kw_only)  # type: ignore[attr-defined]
    cls.__record_fields__ = every  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = _DataclassFields()  # type: ignore[attr-defined]
    return cls


class _DataclassFields:
    """A record's ``__dataclass_fields__``, built on first read: those of the dataclass ``make_dataclass`` makes of
    the same fields (dataclasses is imported then, by whoever reads it)."""

    def __get__(self, obj: Any, owner: type) -> dict[str, Any]:
        import dataclasses

        def options(f: Field) -> Any:
            default = dataclasses.MISSING if f.default is _MISSING else f.default
            return dataclasses.field(default=default, init=f.init, repr=f.repr, compare=f.compare, kw_only=f.kw_only)

        every = owner.__record_fields__  # type: ignore[attr-defined]
        twin = dataclasses.make_dataclass(owner.__name__, [(f.name, f.type, options(f)) for f in every], frozen=True)
        built = twin.__dataclass_fields__
        if owner.__dict__.get("__dataclass_fields__") is self:
            type.__setattr__(owner, "__dataclass_fields__", built)  # once per class
        return built


def _compared(names: tuple[str, ...]) -> dict[str, Any]:
    """``__eq__`` and ``__hash__`` over the fields' tuple, as dataclasses compare and hash it."""

    def values(obj: Any) -> tuple[Any, ...]:
        return tuple([getattr(obj, name) for name in names])

    def eq(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    def hash_(self: Any) -> int:
        return hash(values(self))

    return {"__eq__": eq, "__hash__": hash_}


def _repr(names: tuple[str, ...]) -> Any:
    def repr_(self: Any) -> str:
        shown = ", ".join([f"{name}={getattr(self, name)!r}" for name in names])
        return f"{self.__class__.__qualname__}({shown})"

    return repr_


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record ``obj`` with ``changes`` (``dataclasses.replace``: ``__init__`` runs again)."""
    for f in obj.__record_fields__:  # type: ignore[attr-defined]
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False, it cannot be specified with replace()")
        elif f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)
