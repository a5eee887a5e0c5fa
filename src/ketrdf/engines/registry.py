"""Engines of one kind by name: the registry that ``--reasoner``, ``--validator`` and ``--engine`` read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ketrdf.errors import InputError

Factory = TypeVar("Factory", bound=Callable[..., Any])


class Registry(dict[str, Factory]):
    """Factories of one kind of engine by name, in the order registered (the default first)."""

    def __init__(self, kind: str, factories: dict[str, Factory]) -> None:
        super().__init__(factories)
        self.kind = kind

    def register(self, name: str, factory: Factory) -> None:
        """Make ``factory`` the engine called ``name`` (replacing one of that name)."""
        self[name] = factory

    def names(self) -> tuple[str, ...]:
        """The registered names, the default first."""
        return tuple(self)

    def factory(self, name: str) -> Factory:
        """The factory registered as ``name``; an :class:`InputError` naming the choices if there is none."""
        if name not in self:
            raise InputError(f"unknown {self.kind} {name!r}; choose one of: {', '.join(self)}")
        return self[name]
