"""Support threads: opening and routing, messages, assignment and the status table."""

from __future__ import annotations

import pytest

from models.enums import Role
from models.shipments.tables import ShipmentStatus
from tests.shipping import gid, payload
from tests.support import (
    ASSIGN_THREAD,
    OPEN_THREAD,
    THREADS,
    build_desk,
    enquiry,
    open_thread,
    post,
    set_status,
)


@pytest.fixture
async def desk(make):
    return await build_desk(make)


# Opening and routing


async def test_a_support_question_goes_to_the_dealers_group_queue(client, desk):
    thread = await open_thread(client, desk.dealer)

    assert thread["status"] == "NEW"
    assert thread["dealer"] == {"id": gid("Organization", desk.dealer.organization_id)}
    assert thread["group"] == {"id": gid("SupportGroup", desk.group.id), "name": "Group A"}
    assert thread["assignee"] is None
    (first,) = [edge["node"] for edge in thread["messages"]["edges"]]
    assert first["body"] == "The pickup was due yesterday."
    assert first["internal"] is False
    assert first["author"]["id"] == desk.gid(desk.dealer)


@pytest.mark.parametrize(
    ("category", "topic"),
    [
        ("ACCOUNT", "OTHER"),
        ("ACCOUNT", "CREDIT_LINE"),
        ("ACCOUNT", "PRICE_CHANGE"),
        ("ACCOUNT", "WORKING_CONDITIONS"),
    ],
)
async def test_account_matters_go_to_the_account_manager(client, desk, category, topic):
    thread = await open_thread(client, desk.dealer, category=category, topic=topic)

    assert thread["assignee"] == {"id": desk.gid(desk.manager)}
    assert thread["group"] is None
    assert thread["slaTimers"] == []  # outside the desk's service levels


async def test_without_a_manager_account_matters_go_to_the_group(client, desk):
    thread = await open_thread(client, desk.other_dealer, category="ACCOUNT", topic="OTHER")

    assert thread["assignee"] is None
    assert thread["group"]["id"] == gid("SupportGroup", desk.other_group.id)


async def test_without_a_group_support_matters_go_to_the_manager(client, make, desk):
    from tests.support import make_desk

    dealer = await make.party(Role.DEALER)
    await make_desk(dealer, None, desk.manager)

    thread = await open_thread(client, dealer)

    assert (thread["group"], thread["assignee"]) == (None, {"id": desk.gid(desk.manager)})


async def test_a_dealer_with_no_desk_lands_in_the_unrouted_queue_every_agent_sees(client, desk):
    thread = await open_thread(client, desk.lone_dealer)
    assert (thread["group"], thread["assignee"]) == (None, None)

    for party in (desk.agent, desk.other_agent, desk.manager, desk.admin):
        seen = await payload(client, THREADS, {}, party)
        assert [edge["node"]["id"] for edge in seen["edges"]] == [thread["id"]]
    for party in (desk.back_office, desk.dealer, desk.carrier):
        seen = await payload(client, THREADS, {}, party)
        assert seen["totalCount"] == 0


async def test_a_thread_may_name_one_of_the_dealers_own_shipments(client, make, desk):
    mine = await make.shipment(customer=desk.dealer.organization_id)
    theirs = await make.shipment(customer=desk.other_dealer.organization_id)

    thread = await open_thread(client, desk.dealer, shipmentId=gid("Shipment", mine.id))
    assert thread["shipment"] == {"id": gid("Shipment", mine.id)}

    hidden = await payload(
        client, OPEN_THREAD, {"input": enquiry(shipmentId=gid("Shipment", theirs.id))}, desk.dealer
    )
    missing = await payload(
        client, OPEN_THREAD, {"input": enquiry(shipmentId=gid("Shipment", 10**9))}, desk.dealer
    )
    assert hidden == missing
    assert hidden["errors"][0]["code"] == "NOT_FOUND"
    assert hidden["errors"][0]["field"] == ["input", "shipmentId"]


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.ADMIN, Role.CARRIER])
async def test_only_dealers_open_threads(client, make, desk, role):
    party = await make.party(role)
    result = await payload(client, OPEN_THREAD, {"input": enquiry()}, party)
    assert result["thread"] is None
    assert result["errors"][0]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("field", "value"), [("subject", "  "), ("body", ""), ("subject", "x" * 201)]
)
async def test_subject_and_body_are_checked(client, desk, field, value):
    result = await payload(client, OPEN_THREAD, {"input": enquiry(**{field: value})}, desk.dealer)
    assert result["errors"] == [
        {
            "field": ["input", field],
            "message": result["errors"][0]["message"],
            "code": "INVALID_INPUT",
        }
    ]


async def test_a_blocked_dealer_reads_but_cannot_open(client, desk, make):
    await make.block(desk.dealer.organization_id)
    result = await payload(client, OPEN_THREAD, {"input": enquiry()}, desk.dealer)
    assert result["errors"][0]["code"] == "ACCOUNT_BLOCKED"


# Messages and statuses


async def test_a_staff_reply_opens_the_thread_and_a_dealer_reply_reopens_it(client, desk):
    thread = await open_thread(client, desk.dealer)

    reply = await post(client, desk.agent, thread, "Checking with dispatch.")
    assert reply["errors"] == []
    assert reply["message"]["author"]["id"] == desk.gid(desk.agent)
    assert (await set_status(client, desk.agent, thread, "WAITING_ON_DEALER"))["errors"] == []
    await post(client, desk.dealer, thread, "Here is the lot number.")
    again = await set_status(client, desk.agent, thread, "RESOLVED")
    assert again["thread"]["status"] == "RESOLVED"
    await post(client, desk.dealer, thread, "It did not arrive after all.")

    current = await payload(client, THREADS, {}, desk.dealer)
    assert current["edges"][0]["node"]["status"] == "OPEN"
    assert current["edges"][0]["node"]["messages"]["totalCount"] == 4


@pytest.mark.parametrize("status", ["NEW", "OPEN", "WAITING_ON_BACK_OFFICE"])
async def test_a_dealer_reply_leaves_other_statuses_alone(client, desk, status):
    thread = await open_thread(client, desk.dealer)
    if status != "NEW":
        await set_status(client, desk.agent, thread, status)

    await post(client, desk.dealer, thread, "Any news?")

    seen = await payload(client, THREADS, {}, desk.dealer)
    assert seen["edges"][0]["node"]["status"] == status


async def test_a_closed_thread_is_final(client, desk):
    thread = await open_thread(client, desk.dealer)
    closed = await set_status(client, desk.dealer, thread, "CLOSED")  # a dealer may close
    assert closed["thread"]["status"] == "CLOSED"

    for party in (desk.dealer, desk.agent):
        refused = await post(client, party, thread, "One more thing")
        assert refused["errors"][0]["code"] == "INVALID_TRANSITION"
    reopened = await set_status(client, desk.agent, thread, "OPEN")
    assert reopened["errors"][0]["code"] == "INVALID_TRANSITION"


@pytest.mark.parametrize(
    ("path", "target", "code"),
    [
        ([], "NEW", "INVALID_TRANSITION"),
        (["OPEN"], "OPEN", "INVALID_TRANSITION"),
        (["RESOLVED"], "WAITING_ON_DEALER", "INVALID_TRANSITION"),
        (["RESOLVED"], "OPEN", None),
        (["WAITING_ON_BACK_OFFICE"], "WAITING_ON_DEALER", None),
        (["WAITING_ON_DEALER"], "RESOLVED", None),
    ],
)
async def test_the_status_table(client, desk, path, target, code):
    thread = await open_thread(client, desk.dealer)
    for status in path:
        assert (await set_status(client, desk.agent, thread, status))["errors"] == []

    result = await set_status(client, desk.agent, thread, target)

    assert [e["code"] for e in result["errors"]] == ([code] if code else [])


async def test_a_dealer_may_only_close(client, desk):
    thread = await open_thread(client, desk.dealer)
    result = await set_status(client, desk.dealer, thread, "RESOLVED")
    assert result["errors"][0]["code"] == "FORBIDDEN"


# Assignment


@pytest.mark.parametrize(
    "role", [Role.BACK_OFFICE, Role.WAREHOUSE, Role.DISPATCHER, Role.BIDDER, Role.SUPPORT_AGENT]
)
async def test_a_thread_is_handed_to_the_staff_the_desk_bridges_to(client, make, desk, role):
    thread = await open_thread(client, desk.dealer)
    colleague = await make.party(role)

    assigned = await payload(
        client,
        ASSIGN_THREAD,
        {"threadId": thread["id"], "assigneeId": gid("User", colleague.user.id)},
        desk.agent,
    )
    assert assigned["errors"] == []
    assert assigned["thread"]["assignee"] == {"id": gid("User", colleague.user.id)}

    # The assignee now sees it (and may answer and move it), though not in the group.
    seen = await payload(client, THREADS, {}, colleague)
    assert [edge["node"]["id"] for edge in seen["edges"]] == [thread["id"]]
    assert (await set_status(client, colleague, thread, "WAITING_ON_BACK_OFFICE"))["errors"] == []


@pytest.mark.parametrize("role", [Role.DEALER, Role.CARRIER, Role.DISPUTE_OFFICER])
async def test_threads_are_not_handed_to_dealers_carriers_or_dispute_officers(
    client, make, desk, role
):
    thread = await open_thread(client, desk.dealer)
    party = await make.party(role)
    result = await payload(
        client,
        ASSIGN_THREAD,
        {"threadId": thread["id"], "assigneeId": gid("User", party.user.id)},
        desk.agent,
    )
    assert result["errors"][0]["code"] == "INVALID_INPUT"
    assert result["errors"][0]["field"] == ["assigneeId"]


async def test_only_the_desk_assigns(client, desk):
    thread = await open_thread(client, desk.dealer)
    variables = {"threadId": thread["id"], "assigneeId": desk.gid(desk.agent)}
    assert (await payload(client, ASSIGN_THREAD, variables, desk.dealer))["errors"][0][
        "code"
    ] == "FORBIDDEN"
    # Another group's agent does not see the thread at all.
    hidden = await payload(client, ASSIGN_THREAD, variables, desk.other_agent)
    assert hidden["errors"][0]["code"] == "NOT_FOUND"


async def test_a_dealer_whose_shipment_is_picked_up_still_sees_it_on_its_thread(client, make, desk):
    shipment = await make.shipment(
        customer=desk.dealer.organization_id, status=ShipmentStatus.PICKED_UP
    )
    thread = await open_thread(client, desk.dealer, shipmentId=gid("Shipment", shipment.id))
    seen = await payload(client, THREADS, {}, desk.other_agent)
    assert seen["totalCount"] == 0
    mine = await payload(client, THREADS, {}, desk.dealer)
    assert mine["edges"][0]["node"]["shipment"] == thread["shipment"]
