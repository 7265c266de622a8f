"""Shared containers (consolidation) and their loading history."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import User


class ContainerType(str, Enum):
    GP20 = "GP20"
    GP40 = "GP40"
    HC40 = "HC40"
    HC45 = "HC45"


class LoadingStatus(str, Enum):
    EMPTY = "EMPTY"
    PLANNED = "PLANNED"
    STUFFING = "STUFFING"
    STUFFED = "STUFFED"
    SEALED = "SEALED"
    GATED_IN = "GATED_IN"
    LOADED = "LOADED"
    DEPARTED = "DEPARTED"
    ARRIVED = "ARRIVED"
    DISCHARGED = "DISCHARGED"
    AVAILABLE_FOR_PICKUP = "AVAILABLE_FOR_PICKUP"
    GATED_OUT = "GATED_OUT"
    STRIPPED = "STRIPPED"


LOADING_ORDER: tuple[LoadingStatus, ...] = tuple(LoadingStatus)

MAX_VEHICLES = 20
# Cars on racks as forwarders load them: the most each box type takes (and at most MAX_VEHICLES).
VEHICLES_PER_TYPE: dict[ContainerType, int] = {
    ContainerType.GP20: 4,
    ContainerType.GP40: 8,
    ContainerType.HC40: 10,
    ContainerType.HC45: 12,
}


class Container(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=11, unique=True)
    type = fields.CharEnumField(ContainerType, max_length=4)
    loading_status = fields.CharEnumField(LoadingStatus, max_length=24, default=LoadingStatus.EMPTY)
    seal_number = fields.CharField(max_length=40, null=True)
    vehicle_capacity = fields.IntField()
    loaded_vehicles = fields.IntField(default=0)
    vessel_name = fields.CharField(max_length=100, null=True)
    voyage = fields.CharField(max_length=40, null=True)
    bill_of_lading = fields.CharField(max_length=40, null=True)
    port_of_loading_name = fields.CharField(max_length=200, null=True)
    port_of_loading_unlocode = fields.CharField(max_length=5, null=True)
    port_of_loading_country = fields.CharField(max_length=2, null=True)
    port_of_discharge_name = fields.CharField(max_length=200, null=True)
    port_of_discharge_unlocode = fields.CharField(max_length=5, null=True)
    port_of_discharge_country = fields.CharField(max_length=2, null=True)
    stuffed_confirmed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="stuffing_confirmations", null=True, on_delete=fields.RESTRICT
    )
    stuffed_confirmed_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    stuffed_confirmed_by_id: int | None

    class Meta:
        table = "container"
        indexes = (("stuffed_confirmed_by_id",),)


class LoadingChange(Model):
    """One loading-status change of a container: what `containerLoading` replays."""

    id = fields.IntField(primary_key=True)
    container: fields.ForeignKeyRelation[Container] = fields.ForeignKeyField(
        "models.Container", related_name="loading_changes", on_delete=fields.RESTRICT
    )
    previous_status = fields.CharEnumField(LoadingStatus, max_length=24, null=True)
    status = fields.CharEnumField(LoadingStatus, max_length=24)
    loaded_vehicles = fields.IntField()
    occurred_at = fields.DatetimeField()
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="loading_changes", null=True, on_delete=fields.RESTRICT
    )
    seq = fields.BigIntField(null=True, db_index=True)

    container_id: int

    class Meta:
        table = "loading_change"
        indexes = (("container_id",),)  # not recorded_by_id: models/indexes.py, UNINDEXED
