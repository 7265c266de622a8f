"""What the result cache (api/result_cache.py) may keep, declared per type, with the topics that
cover it; and the plan of one operation: whether it may be kept at all.

A type is declared with the fields whose answers may be kept. The declaration is a promise
that every write that can change one of those fields, or the objects they lead to, records an
event in the log on one of the topics the declaration names (resolvers/<domain>/events.py):
- a type with `topics` names them for each of its objects; execution records them as it
  completes each object (the strawberry type's `is_type_of = records_topics(name)` is the hook,
  and the cache refuses to start while a declared type lacks it: `unrecorded`);
- a type without is a value of the object above it (a Location, a page, its edges, an event
  row that never changes): it is kept only where a declared field of a type with topics leads.
Root fields are declared with the topics their arguments name (a null answer is kept only when
they exist: they say who may see the row), whether every viewer gets the same answer
(`shared`), and the rate-limited action a kept answer still counts (`gate`).

An operation may be kept only if it is a query and every field it selects, through fragments,
is declared; anything else executes every time, as before. tests/test_result_cache.py holds
the promise against random writes from every domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
)
from graphql.utilities import value_from_ast_untyped

from subscriptions.topics import Topic


@dataclass(frozen=True)
class Cacheable:
    fields: frozenset[str]
    topics: Callable[[Any], Iterable[Topic]] | None = None


@dataclass(frozen=True)
class CacheableRoot:
    topics: Callable[[Mapping[str, Any]], Iterable[Topic]] = lambda _: ()
    shared: bool = False  # the same answer for every viewer: anonymous viewers share one entry
    gate: str | None = None  # a rate-limited action (api/ratelimit.py) a kept answer still counts


TYPES: dict[str, Cacheable] = {}
ROOTS: dict[str, CacheableRoot] = {}


def cacheable(type_name: str, fields: Iterable[str], topics: Any = None) -> None:
    TYPES[type_name] = Cacheable(frozenset(fields), topics)


def cacheable_root(field_name: str, root: CacheableRoot) -> None:
    ROOTS[field_name] = root


@dataclass(frozen=True)
class RootField:
    key: str  # its response key (the alias, or its name)
    node: FieldNode
    policy: CacheableRoot


@dataclass(frozen=True)
class Plan:
    """An operation that may be kept: its root fields and what each one declared."""

    roots: tuple[RootField, ...]

    @property
    def shared(self) -> bool:
        return all(root.policy.shared for root in self.roots)

    @property
    def gates(self) -> tuple[str, ...]:
        return tuple(root.policy.gate for root in self.roots if root.policy.gate)

    def argument_topics(self, variables: Mapping[str, Any] | None) -> dict[str, set[str]]:
        """By response key, the topics the root field's arguments name."""
        found: dict[str, set[str]] = {}
        for root in self.roots:
            arguments = {
                argument.name.value: value_from_ast_untyped(argument.value, dict(variables or {}))
                for argument in root.node.arguments or ()
            }
            found[root.key] = {topic.name for topic in root.policy.topics(arguments)}
        return found


def plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> Plan | None:
    """The operation's plan when every field it selects is declared; None otherwise."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    query = schema.query_type
    assert query is not None
    roots: list[RootField] = []
    for node in _fields(operation.selection_set, fragments, set()):
        name = node.name.value
        if name == "__typename":
            continue
        policy = ROOTS.get(name)
        if policy is None or name not in query.fields:
            return None
        if not _declared(schema, query.fields[name].type, node.selection_set, fragments):
            return None
        roots.append(RootField((node.alias or node.name).value, node, policy))
    if not roots or len({root.key for root in roots}) != len(roots):
        return None
    return Plan(tuple(roots))


def _declared(
    schema: GraphQLSchema,
    type_: Any,
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> bool:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
        return False  # which type answers is known only at run time: not declared here
    if not isinstance(type_, GraphQLObjectType):
        return True  # a scalar or an enum: the field above it was declared
    declared = TYPES.get(type_.name)
    if declared is None:
        return False
    for node in _fields(selection_set, fragments, set()):
        name = node.name.value
        if name == "__typename":
            continue
        if name not in declared.fields or name not in type_.fields:
            return False
        if not _declared(schema, type_.fields[name].type, node.selection_set, fragments):
            return False
    return True


def _fields(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: set[str],
) -> Iterable[FieldNode]:
    """The fields of a selection, through inline fragments and fragment spreads (a fragment's
    type condition is the parent's own here: other conditions mean an interface, refused above
    as soon as its field is not declared on the type)."""
    for node in selection_set.selections if selection_set else ():
        if isinstance(node, FieldNode):
            yield node
        elif isinstance(node, InlineFragmentNode):
            yield from _fields(node.selection_set, fragments, seen)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in fragments and name not in seen:
                seen.add(name)
                yield from _fields(fragments[name].selection_set, fragments, seen)


def records_topics(type_name: str) -> Any:
    """The `is_type_of` of a strawberry type that `cacheable` declares with topics: strawberry
    hands it to graphql-core, which calls it as execution completes each object of the type.
    It adds the object's topics to `context.reads` (when the context records them)."""

    def is_type_of(cls: type, value: Any, info: Any) -> bool:
        reads = getattr(info.context, "reads", None)
        declared = TYPES.get(type_name)
        if reads is not None and declared is not None and declared.topics is not None:
            for topic in declared.topics(value):
                reads.add(topic.name)
        return isinstance(value, cls)

    is_type_of.records_topics = type_name  # type: ignore[attr-defined]
    return classmethod(is_type_of)


def unrecorded(schema: Any) -> list[str]:
    """The types declared with topics whose strawberry type lacks `records_topics`: their
    objects would be read without their topics, and a kept answer would outlive a change."""
    missing = []
    for name, declared in TYPES.items():
        if declared.topics is None:
            continue
        definition = schema.get_type_by_name(name)
        if definition is None:  # a schema without the type (a test's own)
            continue
        hook = getattr(definition, "is_type_of", None)
        if getattr(getattr(hook, "__func__", hook), "records_topics", None) != name:
            missing.append(name)
    return missing
