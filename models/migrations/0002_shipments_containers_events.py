from tortoise import migrations
from tortoise.migrations import operations as ops
from models.shipments.containers import ContainerType, LoadingStatus
from models.events import EventKind
from models.shipments.tables import EventClassifier, ShipmentStatus, TrackingEventType
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Container',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=11)),
                ('type', fields.CharEnumField(description='GP20: GP20\nGP40: GP40\nHC40: HC40\nHC45: HC45', enum_type=ContainerType, max_length=4)),
                ('loading_status', fields.CharEnumField(default=LoadingStatus.EMPTY, description='EMPTY: EMPTY\nPLANNED: PLANNED\nSTUFFING: STUFFING\nSTUFFED: STUFFED\nSEALED: SEALED\nGATED_IN: GATED_IN\nLOADED: LOADED\nDEPARTED: DEPARTED\nARRIVED: ARRIVED\nDISCHARGED: DISCHARGED\nAVAILABLE_FOR_PICKUP: AVAILABLE_FOR_PICKUP\nGATED_OUT: GATED_OUT\nSTRIPPED: STRIPPED', enum_type=LoadingStatus, max_length=24)),
                ('seal_number', fields.CharField(null=True, max_length=40)),
                ('vehicle_capacity', fields.IntField()),
                ('loaded_vehicles', fields.IntField(default=0)),
                ('vessel_name', fields.CharField(null=True, max_length=100)),
                ('voyage', fields.CharField(null=True, max_length=40)),
                ('bill_of_lading', fields.CharField(null=True, max_length=40)),
                ('port_of_loading_name', fields.CharField(null=True, max_length=200)),
                ('port_of_loading_unlocode', fields.CharField(null=True, max_length=5)),
                ('port_of_loading_country', fields.CharField(null=True, max_length=2)),
                ('port_of_discharge_name', fields.CharField(null=True, max_length=200)),
                ('port_of_discharge_unlocode', fields.CharField(null=True, max_length=5)),
                ('port_of_discharge_country', fields.CharField(null=True, max_length=2)),
                ('stuffed_confirmed_by', fields.ForeignKeyField('models.User', source_field='stuffed_confirmed_by_id', null=True, db_constraint=True, to_field='id', related_name='stuffing_confirmations', on_delete=OnDelete.RESTRICT)),
                ('stuffed_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'container', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Event',
            fields=[
                ('seq', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='TRACKING: TRACKING\nLOADING: LOADING\nDISPUTE: DISPUTE\nSUPPORT_MESSAGE: SUPPORT_MESSAGE\nSTAFF_ALERT: STAFF_ALERT', enum_type=EventKind, max_length=20)),
                ('subject_id', fields.IntField()),
                ('audience_orgs', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('staff', fields.BooleanField(default=True)),
                ('public', fields.BooleanField(default=False)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'event_log', 'app': 'models', 'pk_attr': 'seq'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventTopic',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.CharField(max_length=64)),
                ('seq', fields.BigIntField()),
            ],
            options={'table': 'event_topic', 'app': 'models', 'indexes': [Index(fields=['topic', 'seq'])], 'pk_attr': 'id', 'table_description': 'The topics of an event (`shipment:12`, `container:3`, `staff`): what a stream replays.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoadingChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('container', fields.ForeignKeyField('models.Container', source_field='container_id', db_constraint=True, to_field='id', related_name='loading_changes', on_delete=OnDelete.RESTRICT)),
                ('previous_status', fields.CharEnumField(null=True, description='EMPTY: EMPTY\nPLANNED: PLANNED\nSTUFFING: STUFFING\nSTUFFED: STUFFED\nSEALED: SEALED\nGATED_IN: GATED_IN\nLOADED: LOADED\nDEPARTED: DEPARTED\nARRIVED: ARRIVED\nDISCHARGED: DISCHARGED\nAVAILABLE_FOR_PICKUP: AVAILABLE_FOR_PICKUP\nGATED_OUT: GATED_OUT\nSTRIPPED: STRIPPED', enum_type=LoadingStatus, max_length=24)),
                ('status', fields.CharEnumField(description='EMPTY: EMPTY\nPLANNED: PLANNED\nSTUFFING: STUFFING\nSTUFFED: STUFFED\nSEALED: SEALED\nGATED_IN: GATED_IN\nLOADED: LOADED\nDEPARTED: DEPARTED\nARRIVED: ARRIVED\nDISCHARGED: DISCHARGED\nAVAILABLE_FOR_PICKUP: AVAILABLE_FOR_PICKUP\nGATED_OUT: GATED_OUT\nSTRIPPED: STRIPPED', enum_type=LoadingStatus, max_length=24)),
                ('loaded_vehicles', fields.IntField()),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='loading_changes', on_delete=OnDelete.RESTRICT)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'loading_change', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One loading-status change of a container: what `containerLoading` replays.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Shipment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('waybill', fields.CharField(unique=True, max_length=24)),
                ('reference', fields.CharField(null=True, max_length=100)),
                ('status', fields.CharEnumField(db_index=True, description='BOOKED: BOOKED\nACCEPTED: ACCEPTED\nPICKUP_SCHEDULED: PICKUP_SCHEDULED\nPICKED_UP: PICKED_UP\nAT_WAREHOUSE: AT_WAREHOUSE\nLOADED: LOADED\nIN_TRANSIT: IN_TRANSIT\nARRIVED: ARRIVED\nRELEASED: RELEASED\nDELIVERED: DELIVERED\nON_HOLD: ON_HOLD\nCANCELLED: CANCELLED', enum_type=ShipmentStatus, max_length=20)),
                ('status_before_hold', fields.CharEnumField(null=True, description='BOOKED: BOOKED\nACCEPTED: ACCEPTED\nPICKUP_SCHEDULED: PICKUP_SCHEDULED\nPICKED_UP: PICKED_UP\nAT_WAREHOUSE: AT_WAREHOUSE\nLOADED: LOADED\nIN_TRANSIT: IN_TRANSIT\nARRIVED: ARRIVED\nRELEASED: RELEASED\nDELIVERED: DELIVERED\nON_HOLD: ON_HOLD\nCANCELLED: CANCELLED', enum_type=ShipmentStatus, max_length=20)),
                ('customer', fields.ForeignKeyField('models.Organization', source_field='customer_id', db_constraint=True, to_field='id', related_name='booked_shipments', on_delete=OnDelete.RESTRICT)),
                ('carrier', fields.ForeignKeyField('models.Organization', source_field='carrier_id', null=True, db_constraint=True, to_field='id', related_name='carried_shipments', on_delete=OnDelete.RESTRICT)),
                ('container', fields.ForeignKeyField('models.Container', source_field='container_id', null=True, db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.RESTRICT)),
                ('origin_name', fields.CharField(max_length=200)),
                ('origin_unlocode', fields.CharField(null=True, max_length=5)),
                ('origin_country', fields.CharField(max_length=2)),
                ('destination_name', fields.CharField(max_length=200)),
                ('destination_unlocode', fields.CharField(null=True, max_length=5)),
                ('destination_country', fields.CharField(max_length=2)),
                ('requested_destination_name', fields.CharField(null=True, max_length=200)),
                ('requested_destination_unlocode', fields.CharField(null=True, max_length=5)),
                ('requested_destination_country', fields.CharField(null=True, max_length=2)),
                ('requested_destination_reason', fields.TextField(null=True, unique=False)),
                ('pickup_scheduled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('picked_up_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('eta', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('pickup_late_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deposit_amount', fields.DecimalField(null=True, max_digits=18, decimal_places=3)),
                ('deposit_currency', fields.CharField(null=True, max_length=3)),
                ('price_amount', fields.DecimalField(null=True, max_digits=18, decimal_places=3)),
                ('price_currency', fields.CharField(null=True, max_length=3)),
                ('version', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'shipment', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrackingEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', null=True, db_constraint=True, to_field='id', related_name='tracking_events', on_delete=OnDelete.RESTRICT)),
                ('container', fields.ForeignKeyField('models.Container', source_field='container_id', null=True, db_constraint=True, to_field='id', related_name='tracking_events', on_delete=OnDelete.RESTRICT)),
                ('type', fields.CharEnumField(description='BOOKED: BOOKED\nACCEPTED: ACCEPTED\nPICKUP_SCHEDULED: PICKUP_SCHEDULED\nPICKED_UP: PICKED_UP\nGATED_IN: GATED_IN\nSTUFFED: STUFFED\nSEALED: SEALED\nLOADED: LOADED\nDEPARTED: DEPARTED\nARRIVED: ARRIVED\nDISCHARGED: DISCHARGED\nCUSTOMS_RELEASED: CUSTOMS_RELEASED\nRELEASED: RELEASED\nAVAILABLE_FOR_PICKUP: AVAILABLE_FOR_PICKUP\nGATED_OUT: GATED_OUT\nSTRIPPED: STRIPPED\nDELIVERED: DELIVERED\nON_HOLD: ON_HOLD\nHOLD_RELEASED: HOLD_RELEASED\nDELAYED: DELAYED\nDAMAGED: DAMAGED\nAMENDMENT_RECEIVED: AMENDMENT_RECEIVED\nAMENDMENT_CONFIRMED: AMENDMENT_CONFIRMED\nAMENDMENT_DECLINED: AMENDMENT_DECLINED\nCANCELLATION_RECEIVED: CANCELLATION_RECEIVED\nCANCELLATION_CONFIRMED: CANCELLATION_CONFIRMED\nCANCELLATION_DECLINED: CANCELLATION_DECLINED', enum_type=TrackingEventType, max_length=24)),
                ('classifier', fields.CharEnumField(description='PLANNED: PLANNED\nESTIMATED: ESTIMATED\nACTUAL: ACTUAL', enum_type=EventClassifier, max_length=10)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('location_name', fields.CharField(null=True, max_length=200)),
                ('location_unlocode', fields.CharField(null=True, max_length=5)),
                ('location_country', fields.CharField(null=True, max_length=2)),
                ('description', fields.TextField(null=True, unique=False)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='recorded_events', on_delete=OnDelete.RESTRICT)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'tracking_event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Append-only: a correction is a new event. Exactly one of shipment and container is set.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Vehicle',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='vehicles', on_delete=OnDelete.CASCADE)),
                ('vin', fields.CharField(db_index=True, max_length=17)),
                ('make', fields.CharField(max_length=100)),
                ('model', fields.CharField(max_length=100)),
                ('year', fields.IntField()),
                ('auction', fields.CharField(null=True, max_length=100)),
                ('lot_number', fields.CharField(null=True, max_length=50)),
            ],
            options={'table': 'vehicle', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
