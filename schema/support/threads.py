"""The support desk's Mutation part: open a thread, post, assign, set its status, rate it."""

from __future__ import annotations

import strawberry

from resolvers.support import messages as support_messages
from resolvers.support import threads as support_threads
from schema.base import run_payload
from schema.context import Info
from schema.ids import decode_id
from schema.support.types import (
    OpenSupportThreadInput,
    SupportMessage,
    SupportMessagePayload,
    SupportThreadPayload,
    ThreadStatus,
    coverage,
    thread_key,
    thread_result,
)


@strawberry.type
class SupportMutation:
    @strawberry.mutation
    async def open_support_thread(
        self, info: Info, input: OpenSupportThreadInput
    ) -> SupportThreadPayload:
        async def action() -> dict[str, object]:
            shipment_id = None
            if input.shipment_id is not None:
                shipment_id = decode_id(input.shipment_id, "Shipment", ["input", "shipmentId"])
            row = await support_threads.open_support_thread(
                viewer=info.context.viewer,
                subject=input.subject,
                category=input.category,
                topic=input.topic,
                body=input.body,
                shipment_id=shipment_id,
                coverage=coverage(info.context),
            )
            return thread_result(row)

        return await run_payload(SupportThreadPayload, action)

    @strawberry.mutation
    async def post_support_message(
        self, info: Info, thread_id: strawberry.ID, body: str, internal: bool = False
    ) -> SupportMessagePayload:
        async def action() -> dict[str, object]:
            row = await support_messages.post_support_message(
                viewer=info.context.viewer,
                thread_id=thread_key(thread_id),
                body=body,
                internal=internal,
                coverage=coverage(info.context),
            )
            return {"message": SupportMessage.from_model(row)}

        return await run_payload(SupportMessagePayload, action)

    @strawberry.mutation
    async def assign_support_thread(
        self, info: Info, thread_id: strawberry.ID, assignee_id: strawberry.ID
    ) -> SupportThreadPayload:
        async def action() -> dict[str, object]:
            row = await support_threads.assign_support_thread(
                viewer=info.context.viewer,
                thread_id=thread_key(thread_id),
                assignee_id=decode_id(assignee_id, "User", ["assigneeId"]),
            )
            return thread_result(row)

        return await run_payload(SupportThreadPayload, action)

    @strawberry.mutation
    async def set_support_thread_status(
        self, info: Info, thread_id: strawberry.ID, status: ThreadStatus
    ) -> SupportThreadPayload:
        async def action() -> dict[str, object]:
            row = await support_threads.set_support_thread_status(
                viewer=info.context.viewer,
                thread_id=thread_key(thread_id),
                status=status,
                coverage=coverage(info.context),
            )
            return thread_result(row)

        return await run_payload(SupportThreadPayload, action)

    @strawberry.mutation
    async def rate_support_thread(
        self, info: Info, thread_id: strawberry.ID, score: int, comment: str | None = None
    ) -> SupportThreadPayload:
        async def action() -> dict[str, object]:
            row = await support_threads.rate_support_thread(
                viewer=info.context.viewer,
                thread_id=thread_key(thread_id),
                score=score,
                comment=comment,
            )
            return thread_result(row)

        return await run_payload(SupportThreadPayload, action)
