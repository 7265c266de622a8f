"""GraphQL documents and helpers shared by the shipment, container and tracking tests."""

from __future__ import annotations

import asyncio
import datetime as dt
from types import ModuleType
from typing import Any

import httpx2

from models import clock
from schema.ids import to_global_id
from tests.factories import Party, valid_vin
from tests.graphql import gql

SHIPMENT_FIELDS = """
fragment ShipmentFields on Shipment {
  id waybill reference status
  customer { id name }
  carrier { id name }
  origin { name unlocode country }
  destination { name unlocode country }
  pickupScheduledAt pickedUpAt acceptedAt eta
  deposit { amount currency }
  price { amount currency }
  vehicles { id vin make model year auction lotNumber }
  container { id number }
  createdAt updatedAt
}
"""
CONTAINER_FIELDS = """
fragment ContainerFields on Container {
  id number type loadingStatus sealNumber vehicleCapacity loadedVehicles
  vesselName voyage billOfLading
  portOfLoading { name unlocode country }
  portOfDischarge { name unlocode country }
  shipments { id status }
}
"""

CREATE_SHIPMENT = (
    """
mutation ($input: CreateShipmentInput!) {
  createShipment(input: $input) {
    shipment { ...ShipmentFields }
    errors { field message code }
  }
}
"""
    + SHIPMENT_FIELDS
)
ACCEPT_SHIPMENT = (
    """
mutation ($id: ID!) {
  acceptShipment(id: $id) { shipment { ...ShipmentFields } errors { field message code } }
}
"""
    + SHIPMENT_FIELDS
)
SCHEDULE_PICKUP = (
    """
mutation ($id: ID!, $at: DateTime!, $reason: String) {
  schedulePickup(id: $id, at: $at, reason: $reason) {
    shipment { ...ShipmentFields }
    errors { field message code }
  }
}
"""
    + SHIPMENT_FIELDS
)
RECORD_EVENT = """
mutation ($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) {
    event {
      id cursor type classifier occurredAt recordedAt description
      location { name unlocode country }
      shipment { id status }
      container { id number }
    }
    errors { field message code }
  }
}
"""
REQUEST_DESTINATION_CHANGE = (
    """
mutation ($shipmentId: ID!, $destination: LocationInput!, $reason: String!) {
  requestDestinationChange(shipmentId: $shipmentId, destination: $destination, reason: $reason) {
    shipment { ...ShipmentFields }
    errors { field message code }
  }
}
"""
    + SHIPMENT_FIELDS
)
DECIDE_DESTINATION_CHANGE = (
    """
mutation ($shipmentId: ID!, $approve: Boolean!, $note: String) {
  decideDestinationChange(shipmentId: $shipmentId, approve: $approve, note: $note) {
    shipment { ...ShipmentFields }
    errors { field message code }
  }
}
"""
    + SHIPMENT_FIELDS
)
CREATE_CONTAINER = (
    """
mutation ($input: CreateContainerInput!) {
  createContainer(input: $input) {
    container { ...ContainerFields }
    errors { field message code }
  }
}
"""
    + CONTAINER_FIELDS
)
ASSIGN = (
    """
mutation ($shipmentId: ID!, $containerId: ID!) {
  assignToContainer(shipmentId: $shipmentId, containerId: $containerId) {
    container { ...ContainerFields }
    errors { field message code }
  }
}
"""
    + CONTAINER_FIELDS
)
UPDATE_LOADING = (
    """
mutation ($containerId: ID!, $status: LoadingStatus!, $loadedVehicles: Int, $sealNumber: String) {
  updateLoadingStatus(
    containerId: $containerId, status: $status, loadedVehicles: $loadedVehicles,
    sealNumber: $sealNumber
  ) {
    container { ...ContainerFields }
    errors { field message code }
  }
}
"""
    + CONTAINER_FIELDS
)
SHIPMENT = "query ($id: ID!) { shipment(id: $id) { ...ShipmentFields } }" + SHIPMENT_FIELDS
SHIPMENTS = """
query ($first: Int, $after: String, $filter: ShipmentFilter) {
  shipments(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id waybill status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""
SHIPMENT_EVENTS = """
query ($id: ID!, $first: Int, $after: String) {
  shipment(id: $id) {
    events(first: $first, after: $after) {
      edges { cursor node { id cursor type classifier description occurredAt
                            container { id } shipment { id } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      totalCount
    }
  }
}
"""
CONTAINER = "query ($id: ID!) { container(id: $id) { ...ContainerFields } }" + CONTAINER_FIELDS
CONTAINERS = """
query ($first: Int, $after: String, $filter: ContainerFilter) {
  containers(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id number loadingStatus shipments { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""
CONTAINER_EVENTS = """
query ($id: ID!, $first: Int, $after: String) {
  container(id: $id) {
    events(first: $first, after: $after) {
      edges { cursor node { id type classifier } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      totalCount
    }
  }
}
"""
NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Shipment { waybill status }
    ... on Vehicle { vin }
    ... on TrackingEvent { type cursor }
    ... on Container { number shipments { id } }
  }
}
"""
TRACK = """
query ($waybill: String!) {
  trackWaybill(waybill: $waybill) {
    waybill status eta
    origin { name unlocode country }
    destination { name unlocode country }
    events { cursor type classifier occurredAt location { name unlocode country } }
  }
}
"""

NEW_YORK = {"name": "Port Newark", "unlocode": "USNYC", "country": "US"}
POTI = {"name": "Poti", "unlocode": "GEPTI", "country": "GE"}
ROTTERDAM = {"name": "Rotterdam", "unlocode": "NLRTM", "country": "NL"}


def gid(type_name: str, key: int) -> str:
    return to_global_id(type_name, key)


def later(**delta: float) -> str:
    """An ISO time that far from now on the service clock."""
    return (clock.now() + dt.timedelta(**delta)).isoformat()


def booking(**overrides: Any) -> dict[str, Any]:
    return {
        "reference": "PO-1",
        "origin": NEW_YORK,
        "destination": POTI,
        "vehicles": [
            {
                "vin": valid_vin(424_242),
                "make": "Toyota",
                "model": "Camry",
                "year": 2020,
                "auction": "Copart",
                "lotNumber": "48213377",
            }
        ],
        "deposit": {"amount": "250.00", "currency": "USD"},
        "price": {"amount": "1450", "currency": "USD"},
    } | overrides


async def payload(
    client: httpx2.AsyncClient, document: str, variables: dict[str, Any], party: Party | None
) -> dict[str, Any]:
    """The one root field's value of a mutation or query, asserting no top-level error."""
    result = await gql(client, document, variables, token=party.token if party else None)
    assert "errors" not in result, result
    (value,) = result["data"].values()
    return value


async def book(client: httpx2.AsyncClient, party: Party, **overrides: Any) -> dict[str, Any]:
    created = await payload(client, CREATE_SHIPMENT, {"input": booking(**overrides)}, party)
    assert created["errors"] == [], created
    return created["shipment"]


def read_together(monkeypatch: Any, module: ModuleType, lookup: str, parties: int = 2) -> None:
    """Makes `parties` concurrent calls all finish `module.lookup` before any goes on: the
    tightest race, where each has checked the state and none has written yet."""
    barrier = asyncio.Barrier(parties)
    real = getattr(module, lookup)

    async def waiting(*args: Any, **kwargs: Any) -> Any:
        found = await real(*args, **kwargs)
        await barrier.wait()
        return found

    monkeypatch.setattr(module, lookup, waiting)
