"""What a query may cost, computed from its document and variables before it runs.

Depth, alias and token limits do not bound the work: three nested `first: 100` connections
under the depth limit answer a million objects. The cost is the number of objects a response
may hold (GitHub's node limit, counted the same way): an object field counts one per parent, a
connection counts its `first` (the default page size where absent) per parent and multiplies
everything under its edges by it, a plain list counts its known bound. Scalars are free, and
each alias counts on its own. Inline fragments and fragment spreads add up (an over-estimate
for `node` queries that name several types, never an under-estimate).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    visit,
)

from resolvers.pagination import DEFAULT_PAGE, MAX_PAGE

# Lists that are not connections, by the bound their data keeps them under (None: not bounded
# by a rule, so they count as a page of the default size).
LIST_BOUNDS: dict[str, int] = {
    "Shipment.vehicles": 100,  # input lists are capped at 100
    "Container.shipments": 100,
}
DEFAULT_LIST = DEFAULT_PAGE
PAGE_ARGUMENTS = {"first", "last"}  # a page's size, forwards or backwards (never both)
PASS_THROUGH = {"edges", "nodes"}  # a connection's lists of its nodes: counted by its `first`


def _unwrap(type_: Any) -> tuple[GraphQLNamedType, bool]:
    listed = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        listed = listed or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, listed


def _is_connection(type_: GraphQLNamedType) -> bool:
    return (
        isinstance(type_, GraphQLObjectType)
        and type_.name.endswith("Connection")
        and "edges" in type_.fields
    )


class Costing:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        defaults: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults

    def page(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value: Any = argument.value
            if isinstance(value, VariableNode):
                name = value.name.value
                value = self.variables.get(name, self.defaults.get(name))
            elif isinstance(value, IntValueNode):
                value = int(value.value)
            if value is None:
                return DEFAULT_PAGE
            # A value that is not a small int fails at execution; counted as the largest page.
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PAGE:
                return value
            return MAX_PAGE
        return DEFAULT_PAGE

    def selection(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None, times: int
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, times)
            elif isinstance(node, InlineFragmentNode):
                on = parent
                if node.type_condition is not None:
                    on = self.schema.get_type(node.type_condition.name.value) or parent
                total += self.selection(on, node.selection_set, times)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    on = self.schema.get_type(fragment.type_condition.name.value) or parent
                    total += self.selection(on, fragment.selection_set, times)
        return total

    def field(self, parent: GraphQLNamedType, node: FieldNode, times: int) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0  # __typename and friends
        named, listed = _unwrap(definition.type)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return 0
        if parent.name.endswith("Edge") and node.name.value == "node":
            return self.selection(named, node.selection_set, times)
        if _is_connection(named):
            return times + self.connection(named, node, times, times * self.page(node))
        count = times
        if listed:
            count *= LIST_BOUNDS.get(f"{parent.name}.{node.name.value}", DEFAULT_LIST)
        return count + self.selection(named, node.selection_set, count)

    def connection(self, type_: Any, node: FieldNode, times: int, items: int) -> int:
        """`times` pages of `items` nodes in all: edges and nodes count once per node, the
        page's own objects (pageInfo) once per page."""
        total = items
        for child in self.flatten(node.selection_set):
            definition = type_.fields.get(child.name.value)
            if child.name.value in PASS_THROUGH and definition is not None:
                named, _ = _unwrap(definition.type)
                total += self.selection(named, child.selection_set, items)
            else:
                total += self.field(type_, child, times)
        return total

    def flatten(self, selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                yield node
            elif isinstance(node, InlineFragmentNode):
                yield from self.flatten(node.selection_set)
            elif isinstance(node, FragmentSpreadNode) and node.name.value in self.fragments:
                yield from self.flatten(self.fragments[node.name.value].selection_set)


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The most objects the operation's response may hold (at least 1)."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 1
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 1
    defaults = _variable_defaults(operation)
    fragments = _fragments(document)
    costing = Costing(schema, fragments, variables or {}, defaults)
    return max(1, costing.selection(root, operation.selection_set, 1))


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _variable_defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    defaults = {}
    for definition in operation.variable_definitions or ():
        value = definition.default_value
        if isinstance(value, IntValueNode):
            defaults[definition.variable.name.value] = int(value.value)
    return defaults


def first_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables that some `first` argument of the document takes: all the cost reads."""
    names: set[str] = set()

    class Firsts(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            if node.name.value in PAGE_ARGUMENTS and isinstance(node.value, VariableNode):
                names.add(node.value.name.value)

    visit(document, Firsts())
    return tuple(sorted(names))


class Costs:
    """query_cost, remembered per (query text, operation, values of its `first` variables):
    a screen sends the same few documents all day, and walking one took 0.1 ms."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._firsts: dict[tuple[str, str | None], tuple[str, ...]] = {}
        self._costs: dict[tuple[Any, ...], int] = {}

    def of(
        self,
        query: str | None,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        if query is None:
            return query_cost(self.schema, document, operation_name, variables)
        firsts = self._firsts.get((query, operation_name))
        if firsts is None:
            firsts = _remember(self._firsts, (query, operation_name), first_variables(document))
        values = tuple(variables.get(name) for name in firsts) if variables else ()
        key = (query, operation_name, values)
        try:
            cost = self._costs.get(key)
        except TypeError:  # a list or an object given for `first`: not worth remembering
            return query_cost(self.schema, document, operation_name, variables)
        if cost is None:
            cost = query_cost(self.schema, document, operation_name, variables)
            _remember(self._costs, key, cost)
        return cost


def _remember(cache: dict[Any, Any], key: Any, value: Any, size: int = 1024) -> Any:
    if len(cache) >= size:
        cache.clear()  # a flood of distinct documents: start over rather than grow
    cache[key] = value
    return value
