"""The scope gate: an API key's operation runs only if its scopes allow every root field
(resolvers/integrations/scopes.py holds the rules). Queries and mutations over HTTP and over
the socket pass here; subscriptions ask the same rules in api/websocket.py."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

from resolvers.integrations.scopes import refusal


def root_fields(document: DocumentNode, operation: OperationDefinitionNode) -> list[str]:
    """The operation's root field names, through fragments too (so none slips past)."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    names: list[str] = []
    seen: set[str] = set()

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    walk(fragments[name].selection_set)

    walk(operation.selection_set)
    return names


def forbidden(reason: str) -> GraphQLError:
    return GraphQLError(reason, extensions={"code": "FORBIDDEN"})


class ScopeGate(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        viewer = getattr(context.context, "viewer", None)
        document = context.graphql_document
        if viewer is not None and viewer.scopes is not None and document is not None:
            operation = get_operation_ast(document, context.operation_name)
            if operation is not None:
                fields = root_fields(document, operation)
                reason = refusal(viewer, operation.operation.value, fields)
                if reason is not None:
                    context.result = ExecutionResult(data=None, errors=[forbidden(reason)])
        yield
