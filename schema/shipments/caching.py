"""The shipments types the result cache may keep (schema/caching.py says what a declaration
promises): what the tracking page and the public tracking view ask.

Every write to these fields records an event on the shipment's topic (tracking events, and
with them every status, ETA, destination and carrier change: resolvers/shipments/events.py;
joining a container: `log_container_joined`) or on the container's (its loading steps).
Vehicles and tracking event rows are written once, with their shipment's event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from resolvers.shipments.events import container_topic, shipment_topic
from schema.caching import CacheableRoot, cacheable, cacheable_root
from schema.ids import parse_global_id
from subscriptions.topics import Topic

LOCATION = ("name", "unlocode", "country")


def _shipment_argument(arguments: Mapping[str, Any]) -> Iterable[Topic]:
    parsed = parse_global_id(str(arguments.get("id", "")))
    if parsed is not None and parsed[0] == "Shipment":
        yield shipment_topic(parsed[1])


def _public(view: Any) -> Iterable[Topic]:
    yield shipment_topic(view._shipment_id)
    if view._container_id is not None:
        yield container_topic(view._container_id)


cacheable_root("shipment", CacheableRoot(topics=_shipment_argument))
cacheable_root("trackWaybill", CacheableRoot(shared=True, gate="waybill"))

cacheable(
    "Shipment",
    [
        "id",
        "waybill",
        "reference",
        "status",
        "eta",
        "pickedUpAt",
        "origin",
        "destination",
        "vehicles",
        "container",
        "events",
    ],
    lambda shipment: [shipment_topic(shipment._row.id)],
)
cacheable(
    "Container",
    [
        "id",
        "number",
        "type",
        "loadingStatus",
        "vesselName",
        "voyage",
        "portOfLoading",
        "portOfDischarge",
        "vehicleCapacity",
        "loadedVehicles",
    ],
    lambda container: [container_topic(container._row.id)],
)
cacheable("Vehicle", ["id", "vin", "make", "model", "year", "auction", "lotNumber"])
cacheable("TrackingEventConnection", ["edges", "pageInfo", "totalCount"])
cacheable("TrackingEventEdge", ["node", "cursor"])
cacheable(
    "TrackingEvent",
    [
        "id",
        "cursor",
        "type",
        "classifier",
        "occurredAt",
        "recordedAt",
        "location",
        "description",
        "late",
    ],
)
cacheable(
    "PublicTracking",
    ["waybill", "status", "origin", "destination", "eta", "events", "loading"],
    _public,
)
cacheable("PublicTrackingEvent", ["cursor", "type", "classifier", "occurredAt", "location", "late"])
cacheable("PublicLoading", ["loadingStatus", "loadedVehicles", "vehicleCapacity"])
cacheable("Location", LOCATION)
cacheable("PageInfo", ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"])
