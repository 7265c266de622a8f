"""The extensions' hooks of each operation, entered without building them anew.

For each phase of every operation (operation, parse, validate, execute), strawberry's runner
inspects every extension's hook, wraps it in a `contextmanager` and enters it through an
`ExitStack`: with our seven extensions, 50-90 µs of a write's CPU and 55 µs of a trivial
query's (bench/RESULTS.md). Every hook of ours is a generator function, so here the kind of
each extension class's hook is looked up once, and its generators are driven directly, with
the ExitStack's rules as strawberry applies them: entered in order, left in reverse, an
exception thrown into each on the way out (a hook may raise another in its place). A phase
where some hook is not a generator function (a plain or async one) is left to strawberry's
own manager.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from types import TracebackType
from typing import Any, TypeVar, cast

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

Hook = Callable[[SchemaExtension], Generator[None, None, None]]
M = TypeVar("M", bound=ExtensionContextManagerBase)

# (extension class, hook name) -> (has a hook, its generator function or None: another kind)
_KINDS: dict[tuple[type, str], tuple[bool, Hook | None]] = {}


def _hook(cls: type[SchemaExtension], name: str) -> tuple[bool, Hook | None]:
    key = (cls, name)
    if key not in _KINDS:
        found = getattr(cls, name)
        if found is getattr(SchemaExtension, name):
            _KINDS[key] = (False, None)
        else:
            _KINDS[key] = (True, found if inspect.isgeneratorfunction(found) else None)
    return _KINDS[key]


class _Generators:
    """One phase's generator hooks, in the extensions' order: a sync and async context."""

    def __init__(self, hooks: list[tuple[SchemaExtension, Hook]]) -> None:
        self._hooks = hooks
        self._running: list[Generator[None, None, None]] = []

    def __enter__(self) -> None:
        for extension, hook in self._hooks:
            generator = hook(extension)
            try:
                next(generator)
            except StopIteration:
                raise RuntimeError("generator didn't yield") from None
            self._running.append(generator)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # As strawberry's manager: what the block raised goes on out even when a hook
        # swallowed it (its ExitStack's answer is dropped); an exception a hook raised instead
        # is raised, after the hooks further out have seen it too.
        pending = exc
        while self._running:
            generator = self._running.pop()
            try:
                if pending is None:
                    next(generator)
                else:
                    generator.throw(pending)
            except StopIteration:
                pending = None  # it finished: a thrown exception was swallowed
                continue
            except BaseException as error:  # passed on to the next hook out
                pending = error
                continue
            pending = RuntimeError("generator didn't stop")
        if pending is not None and pending is not exc:
            raise pending

    async def __aenter__(self) -> None:
        self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class _Operation(_Generators, OperationContextManager):
    pass


class _Validation(_Generators, ValidationContextManager):
    pass


class _Parsing(_Generators, ParsingContextManager):
    pass


class _Executing(_Generators, ExecutingContextManager):
    pass


class HookRunner(SchemaExtensionsRunner):
    """strawberry's runner, but for the four phases of an operation (module docstring)."""

    def _phase(self, fast: type[M], usual: type[M]) -> M:
        hooks: list[tuple[SchemaExtension, Hook]] = []
        for extension in self.extensions:
            has, hook = _hook(type(extension), usual.HOOK_NAME)
            if has and hook is None:
                return usual(self.extensions)
            if hook is not None:
                hooks.append((extension, hook))
        return cast("M", cast("Any", fast)(hooks))

    def operation(self) -> OperationContextManager:
        return self._phase(_Operation, OperationContextManager)

    def validation(self) -> ValidationContextManager:
        return self._phase(_Validation, ValidationContextManager)

    def parsing(self) -> ParsingContextManager:
        return self._phase(_Parsing, ParsingContextManager)

    def executing(self) -> ExecutingContextManager:
        return self._phase(_Executing, ExecutingContextManager)
