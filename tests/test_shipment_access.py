"""`sees_shipment` (one row, in Python: what every write's `find_shipment` applies) and
`visible_shipments` (the queryset every read uses) must draw the same line, for every role of
every kind of organization and every shipment: whether it is carried, offered or someone else's.
"""

from __future__ import annotations

import itertools

import pytest

from models.enums import OrganizationKind, Role
from models.shipments.tables import ShipmentStatus
from models.viewer import Viewer
from resolvers.errors import DomainError
from resolvers.shipments.access import find_shipment, sees_shipment, visible_shipments


@pytest.fixture
async def shipments(make):
    """Every status, for two customers, unassigned or carried by one of two carriers."""
    dealers = [await make.organization(OrganizationKind.DEALER) for _ in range(2)]
    carriers = [await make.organization(OrganizationKind.CARRIER) for _ in range(2)]
    rows = [
        await make.shipment(customer=dealer.id, carrier=carrier and carrier.id, status=status)
        for status, dealer, carrier in itertools.product(ShipmentStatus, dealers, [None, *carriers])
    ]
    return dealers, carriers, rows


async def test_one_row_and_the_queryset_agree_for_every_viewer(shipments) -> None:
    dealers, carriers, rows = shipments
    organizations = [(o.id, OrganizationKind.DEALER) for o in dealers]
    organizations += [(o.id, OrganizationKind.CARRIER) for o in carriers]
    organizations.append((10**6, OrganizationKind.PLATFORM))
    checked = 0
    for (organization_id, kind), role in itertools.product(organizations, Role):
        viewer = Viewer(
            user_id=1, organization_id=organization_id, organization_kind=kind, role=role
        )
        listed = {row.id for row in await visible_shipments(viewer)}
        seen = {row.id for row in rows if sees_shipment(viewer, row)}
        assert seen == listed, (kind, role)
        checked += len(rows)
    assert checked == len(organizations) * len(Role) * len(rows)


async def test_find_shipment_answers_a_hidden_shipment_like_a_missing_one(shipments) -> None:
    dealers, _, rows = shipments
    dealer = Viewer(
        user_id=1,
        organization_id=dealers[0].id,
        organization_kind=OrganizationKind.DEALER,
        role=Role.DEALER,
    )
    own = next(row for row in rows if row.customer_id == dealers[0].id)
    found = await find_shipment(dealer, own.id, ["input", "shipmentId"])
    assert (found.id, found.status, found.customer_id) == (own.id, own.status, own.customer_id)
    assert found.created_at == own.created_at
    other = next(row for row in rows if row.customer_id == dealers[1].id)
    errors = []
    for key in (other.id, 10**9):
        with pytest.raises(DomainError) as raised:
            await find_shipment(dealer, key, ["input", "shipmentId"])
        errors.append((raised.value.code, str(raised.value), raised.value.field))
    assert errors[0] == errors[1]
    assert errors[0][2] == ["input", "shipmentId"]
