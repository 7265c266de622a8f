"""Support groups (at most ten, also under a race), members on shifts, dealers' desks, moves."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import pytest

from models.enums import Role
from models.support.tables import SupportGroup
from resolvers.support import groups as support_groups
from tests.graphql import gql
from tests.shipping import gid, payload
from tests.support import build_desk, make_group, open_thread

GROUP_FIELDS = "id name members { id } memberships { shift user { id } }"
CREATE_GROUP = f"""
mutation ($name: String!, $memberIds: [ID!]) {{
  createSupportGroup(name: $name, memberIds: $memberIds) {{
    group {{ {GROUP_FIELDS} }} errors {{ field message code }}
  }}
}}
"""
ADD_MEMBER = f"""
mutation ($groupId: ID!, $userId: ID!, $shift: SupportShift!) {{
  addSupportGroupMember(groupId: $groupId, userId: $userId, shift: $shift) {{
    group {{ {GROUP_FIELDS} }} errors {{ field message code }}
  }}
}}
"""
REMOVE_MEMBER = f"""
mutation ($groupId: ID!, $userId: ID!) {{
  removeSupportGroupMember(groupId: $groupId, userId: $userId) {{
    group {{ {GROUP_FIELDS} }} errors {{ field message code }}
  }}
}}
"""
GROUPS = "{ supportGroups { id name } }"
DESK_FIELDS = "id supportGroup { id name } accountManager { id }"
MY_DESK = f"{{ viewer {{ organization {{ {DESK_FIELDS} }} }} }}"
SET_GROUP = f"""
mutation ($organizationId: ID!, $groupId: ID) {{
  setDealerSupportGroup(organizationId: $organizationId, groupId: $groupId) {{
    organization {{ {DESK_FIELDS} }} errors {{ field message code }}
  }}
}}
"""
SET_MANAGER = f"""
mutation ($organizationId: ID!, $userId: ID) {{
  setAccountManager(organizationId: $organizationId, userId: $userId) {{
    organization {{ {DESK_FIELDS} }} errors {{ field message code }}
  }}
}}
"""
MOVE_FIELDS = (
    "id reason status organization { id } fromGroup { id } toGroup { id } decidedBy { id }"
)
REQUEST_MOVE = f"""
mutation ($reason: String!) {{
  requestSupportGroupMove(reason: $reason) {{
    move {{ {MOVE_FIELDS} }} errors {{ field message code }}
  }}
}}
"""
DECIDE_MOVE = f"""
mutation ($moveId: ID!, $approve: Boolean!, $groupId: ID) {{
  decideSupportGroupMove(moveId: $moveId, approve: $approve, groupId: $groupId) {{
    move {{ {MOVE_FIELDS} }} errors {{ field message code }}
  }}
}}
"""
MOVES = f"""
query ($pendingOnly: Boolean! = false) {{
  supportGroupMoves(pendingOnly: $pendingOnly) {{ totalCount edges {{ node {{ {MOVE_FIELDS} }} }} }}
}}
"""


@pytest.fixture
async def desk(make):
    return await build_desk(make)


async def create(client, party, name: str, *members) -> dict:
    ids = [gid("User", member.user.id) for member in members]
    return await payload(client, CREATE_GROUP, {"name": name, "memberIds": ids}, party)


# Creating groups


async def test_admin_creates_a_group_of_staff_members(client, make, admin):
    agent = await make.party(Role.SUPPORT_AGENT)
    manager = await make.party(Role.ACCOUNT_MANAGER)

    created = await create(client, admin, "  Tbilisi desk ", agent, manager)

    assert created["errors"] == []
    group = created["group"]
    assert group["name"] == "Tbilisi desk"
    assert group["members"] == [{"id": gid("User", p.user.id)} for p in (agent, manager)]
    assert [m["shift"] for m in group["memberships"]] == ["DAY", "DAY"]


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.ACCOUNT_MANAGER, Role.DEALER])
async def test_only_admin_creates_groups(client, make, role):
    party = await make.party(role)
    created = await create(client, party, "Mine")
    assert created["errors"][0]["code"] == "FORBIDDEN"
    assert await SupportGroup.all().count() == 0


async def test_members_must_be_staff_listed_once(client, make, admin, dealer):
    agent = await make.party(Role.SUPPORT_AGENT)

    not_staff = await create(client, admin, "A", agent, dealer)
    twice = await create(client, admin, "B", agent, agent)
    unknown = await payload(
        client, CREATE_GROUP, {"name": "C", "memberIds": [gid("User", 10**9)]}, admin
    )

    assert not_staff["errors"][0] | {"message": ""} == {
        "field": ["memberIds", "1"],
        "message": "",
        "code": "INVALID_INPUT",
    }
    assert twice["errors"][0]["field"] == ["memberIds", "1"]
    assert unknown["errors"][0]["code"] == "NOT_FOUND"
    assert await SupportGroup.all().count() == 0


async def test_group_names_are_unique(client, admin):
    assert (await create(client, admin, "Night owls"))["errors"] == []
    again = await create(client, admin, "Night owls")
    assert again["errors"][0]["code"] == "CONFLICT"


async def test_the_eleventh_group_is_refused(client, admin):
    for n in range(10):
        assert (await create(client, admin, f"Group {n}"))["errors"] == []

    eleventh = await create(client, admin, "Group 10")

    assert eleventh["group"] is None
    assert eleventh["errors"][0]["code"] == "LIMIT_EXCEEDED"
    assert await SupportGroup.all().count() == 10


async def test_two_creations_racing_for_the_last_place_make_ten_not_eleven(
    client, admin, monkeypatch
):
    for n in range(9):
        await make_group(f"Group {n}")
    # Both requests read the free slots before either writes: the tightest race.
    barrier, entered = asyncio.Barrier(2), set()
    real = support_groups.in_transaction

    @asynccontextmanager
    async def together(*args, **kwargs):
        if asyncio.current_task() not in entered:
            entered.add(asyncio.current_task())
            await barrier.wait()
        async with real(*args, **kwargs) as connection:
            yield connection

    monkeypatch.setattr(support_groups, "in_transaction", together)

    results = await asyncio.gather(*(create(client, admin, name) for name in ("East", "West")))

    codes = sorted(error["code"] for result in results for error in result["errors"])
    assert codes == ["LIMIT_EXCEEDED"]
    assert await SupportGroup.all().count() == 10


async def test_many_concurrent_creations_never_pass_ten(client, admin):
    for n in range(7):
        await make_group(f"Group {n}")

    results = await asyncio.gather(*(create(client, admin, f"New {n}") for n in range(6)))

    made = [r for r in results if r["errors"] == []]
    assert len(made) == 3
    assert {e["code"] for r in results for e in r["errors"]} == {"LIMIT_EXCEEDED"}
    assert await SupportGroup.all().count() == 10


# Members and shifts


async def test_members_join_a_shift_change_it_and_leave(client, make, admin):
    night = await make.party(Role.SUPPORT_AGENT)
    group = (await create(client, admin, "Desk"))["group"]
    member = {"groupId": group["id"], "userId": gid("User", night.user.id)}

    joined = await payload(client, ADD_MEMBER, member | {"shift": "NIGHT"}, admin)
    moved = await payload(client, ADD_MEMBER, member | {"shift": "DAY"}, admin)
    left = await payload(client, REMOVE_MEMBER, member, admin)
    again = await payload(client, REMOVE_MEMBER, member, admin)

    assert joined["group"]["memberships"] == [{"shift": "NIGHT", "user": {"id": member["userId"]}}]
    assert moved["group"]["memberships"] == [{"shift": "DAY", "user": {"id": member["userId"]}}]
    assert left["group"]["members"] == []
    assert again["errors"][0]["code"] == "NOT_FOUND"


# Who sees which groups


async def test_staff_see_every_group_and_a_dealer_only_its_own(client, desk):
    both = [
        {"id": gid("SupportGroup", g.id), "name": g.name} for g in (desk.group, desk.other_group)
    ]
    for party in (desk.admin, desk.agent, desk.back_office):
        assert (await gql(client, GROUPS, token=party.token))["data"]["supportGroups"] == both
    mine = await gql(client, GROUPS, token=desk.dealer.token)
    assert mine["data"]["supportGroups"] == both[:1]
    for party in (desk.lone_dealer, desk.carrier):
        assert (await gql(client, GROUPS, token=party.token))["data"]["supportGroups"] == []


async def test_a_dealer_sees_its_group_and_account_manager(client, desk):
    mine = (await gql(client, MY_DESK, token=desk.dealer.token))["data"]["viewer"]["organization"]
    assert mine["supportGroup"] == {"id": gid("SupportGroup", desk.group.id), "name": "Group A"}
    assert mine["accountManager"] == {"id": desk.gid(desk.manager)}
    lone = await gql(client, MY_DESK, token=desk.lone_dealer.token)
    organization = lone["data"]["viewer"]["organization"]
    assert (organization["supportGroup"], organization["accountManager"]) == (None, None)


async def test_admin_sets_a_dealers_group_and_manager(client, make, desk):
    lone = gid("Organization", desk.lone_dealer.organization_id)
    group = gid("SupportGroup", desk.other_group.id)

    grouped = await payload(
        client, SET_GROUP, {"organizationId": lone, "groupId": group}, desk.admin
    )
    managed = await payload(
        client, SET_MANAGER, {"organizationId": lone, "userId": desk.gid(desk.manager)}, desk.admin
    )

    assert grouped["organization"]["supportGroup"]["id"] == group
    assert managed["organization"]["accountManager"] == {"id": desk.gid(desk.manager)}
    thread = await open_thread(client, desk.lone_dealer)
    assert thread["group"]["id"] == group


async def test_desk_settings_are_checked(client, desk):
    dealer_org = gid("Organization", desk.dealer.organization_id)
    carrier_org = gid("Organization", desk.carrier.organization_id)
    agent = desk.gid(desk.agent)

    not_a_manager = await payload(
        client, SET_MANAGER, {"organizationId": dealer_org, "userId": agent}, desk.admin
    )
    not_a_dealer = await payload(
        client, SET_GROUP, {"organizationId": carrier_org, "groupId": None}, desk.admin
    )
    not_admin = await payload(
        client, SET_GROUP, {"organizationId": dealer_org, "groupId": None}, desk.manager
    )

    assert not_a_manager["errors"][0]["field"] == ["userId"]
    assert not_a_dealer["errors"][0]["field"] == ["organizationId"]
    assert not_admin["errors"][0]["code"] == "FORBIDDEN"


# Moving to another group


async def test_a_dealer_asks_to_move_and_its_manager_approves(client, desk):
    old_thread = await open_thread(client, desk.dealer)
    asked = await payload(client, REQUEST_MOVE, {"reason": "We do not get along"}, desk.dealer)
    assert asked["errors"] == []
    move = asked["move"]
    assert move["status"] == "PENDING"
    assert move["fromGroup"] == {"id": gid("SupportGroup", desk.group.id)}
    again = await payload(client, REQUEST_MOVE, {"reason": "Please"}, desk.dealer)
    assert again["errors"][0]["code"] == "CONFLICT"

    target = gid("SupportGroup", desk.other_group.id)
    approved = await payload(
        client,
        DECIDE_MOVE,
        {"moveId": move["id"], "approve": True, "groupId": target},
        desk.manager,
    )

    assert approved["errors"] == []
    assert approved["move"]["status"] == "APPROVED"
    assert approved["move"]["toGroup"] == {"id": target}
    assert approved["move"]["decidedBy"] == {"id": desk.gid(desk.manager)}
    organization = (await gql(client, MY_DESK, token=desk.dealer.token))["data"]["viewer"]
    assert organization["organization"]["supportGroup"]["id"] == target
    assert (await open_thread(client, desk.dealer))["group"]["id"] == target
    # The thread opened before stays with the group that has it.
    assert old_thread["group"]["id"] == gid("SupportGroup", desk.group.id)
    # Once decided, a new request may follow.
    assert (await payload(client, REQUEST_MOVE, {"reason": "Back"}, desk.dealer))["errors"] == []


async def test_who_may_decide_a_move(client, make, desk):
    move = (await payload(client, REQUEST_MOVE, {"reason": "Too slow"}, desk.other_dealer))["move"]
    target = {"moveId": move["id"], "approve": True, "groupId": gid("SupportGroup", desk.group.id)}
    stranger_manager = await make.party(Role.ACCOUNT_MANAGER)

    by_agent = await payload(client, DECIDE_MOVE, target, desk.agent)
    by_other_manager = await payload(client, DECIDE_MOVE, target, stranger_manager)
    without_group = await payload(client, DECIDE_MOVE, target | {"groupId": None}, desk.admin)
    same_group = await payload(
        client,
        DECIDE_MOVE,
        target | {"groupId": gid("SupportGroup", desk.other_group.id)},
        desk.admin,
    )
    declined = await payload(client, DECIDE_MOVE, target | {"approve": False}, desk.admin)
    twice = await payload(client, DECIDE_MOVE, target, desk.admin)

    assert by_agent["errors"][0]["code"] == "FORBIDDEN"
    assert by_other_manager["errors"][0]["code"] == "NOT_FOUND"  # not one of its dealers
    assert without_group["errors"][0]["field"] == ["groupId"]
    assert same_group["errors"][0]["code"] == "INVALID_INPUT"
    assert declined["move"]["status"] == "DECLINED"
    assert twice["errors"][0]["code"] == "INVALID_TRANSITION"
    organization = (await gql(client, MY_DESK, token=desk.other_dealer.token))["data"]["viewer"]
    assert organization["organization"]["supportGroup"]["id"] == gid(
        "SupportGroup", desk.other_group.id
    )


async def test_move_requests_are_listed_to_those_who_decide_them(client, desk):
    await payload(client, REQUEST_MOVE, {"reason": "A"}, desk.dealer)
    await payload(client, REQUEST_MOVE, {"reason": "B"}, desk.other_dealer)

    def reasons(result):
        return sorted(e["node"]["reason"] for e in result["edges"])

    assert reasons(await payload(client, MOVES, {}, desk.admin)) == ["A", "B"]
    assert reasons(await payload(client, MOVES, {}, desk.manager)) == ["A"]
    assert reasons(await payload(client, MOVES, {}, desk.other_dealer)) == ["B"]
    assert reasons(await payload(client, MOVES, {}, desk.agent)) == []
    assert (await payload(client, MOVES, {"pendingOnly": True}, desk.admin))["totalCount"] == 2


async def test_only_dealers_ask_to_move(client, desk):
    asked = await payload(client, REQUEST_MOVE, {"reason": "x"}, desk.agent)
    assert asked["errors"][0]["code"] == "FORBIDDEN"
    blank = await payload(client, REQUEST_MOVE, {"reason": " "}, desk.dealer)
    assert blank["errors"][0]["field"] == ["reason"]
