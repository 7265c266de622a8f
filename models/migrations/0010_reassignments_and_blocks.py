from tortoise import migrations
from tortoise.migrations import operations as ops
from models.alerts.tables import StaffAlertKind
from models.shipments.reassignments import ReassignmentStatus
from models.shipments.tables import TrackingEventType
from models.support.sla import SlaKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_milestones_and_pickups')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BlockChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='block_changes', on_delete=OnDelete.CASCADE)),
                ('blocked', fields.BooleanField()),
                ('reason', fields.TextField(unique=False)),
                ('changed_by', fields.ForeignKeyField('models.User', source_field='changed_by_id', null=True, db_constraint=True, to_field='id', related_name='block_changes', on_delete=OnDelete.RESTRICT)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'block_change', 'app': 'models', 'pk_attr': 'id', 'table_description': "The audit of an organization's blocking and unblocking: who, when and why."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CarrierReassignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='reassignments', on_delete=OnDelete.CASCADE)),
                ('from_carrier', fields.ForeignKeyField('models.Organization', source_field='from_carrier_id', db_constraint=True, to_field='id', related_name='reassigned_from', on_delete=OnDelete.RESTRICT)),
                ('to_carrier', fields.ForeignKeyField('models.Organization', source_field='to_carrier_id', null=True, db_constraint=True, to_field='id', related_name='reassigned_to', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nCONSENTED: CONSENTED\nDECLINED: DECLINED', enum_type=ReassignmentStatus, max_length=10)),
                ('proposed_by', fields.ForeignKeyField('models.User', source_field='proposed_by_id', db_constraint=True, to_field='id', related_name='proposed_reassignments', on_delete=OnDelete.RESTRICT)),
                ('proposed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'carrier_reassignment', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='SlaTimer',
            name='kind',
            field=fields.CharEnumField(description='FIRST_RESPONSE: FIRST_RESPONSE\nRESOLUTION: RESOLUTION\nNEXT_RESPONSE: NEXT_RESPONSE', enum_type=SlaKind, max_length=16),
        ),
        ops.AlterField(
            model_name='StaffAlert',
            name='kind',
            field=fields.CharEnumField(description='SLA_WARNING: SLA_WARNING\nSLA_BREACHED: SLA_BREACHED\nPICKUP_LATE: PICKUP_LATE\nFRAUD_REPORTED: FRAUD_REPORTED\nDISPUTE_ESCALATED: DISPUTE_ESCALATED\nSTUFFING_CONFIRMED_LATE: STUFFING_CONFIRMED_LATE\nWEBHOOK_DISABLED: WEBHOOK_DISABLED', enum_type=StaffAlertKind, max_length=24),
        ),
        ops.AlterField(
            model_name='TrackingEvent',
            name='type',
            field=fields.CharEnumField(description='BOOKED: BOOKED\nACCEPTED: ACCEPTED\nPICKUP_SCHEDULED: PICKUP_SCHEDULED\nPICKED_UP: PICKED_UP\nGATED_IN: GATED_IN\nSTUFFED: STUFFED\nSEALED: SEALED\nLOADED: LOADED\nDEPARTED: DEPARTED\nARRIVED: ARRIVED\nDISCHARGED: DISCHARGED\nCUSTOMS_RELEASED: CUSTOMS_RELEASED\nRELEASED: RELEASED\nAVAILABLE_FOR_PICKUP: AVAILABLE_FOR_PICKUP\nGATED_OUT: GATED_OUT\nSTRIPPED: STRIPPED\nDELIVERED: DELIVERED\nON_HOLD: ON_HOLD\nHOLD_RELEASED: HOLD_RELEASED\nDELAYED: DELAYED\nDAMAGED: DAMAGED\nAMENDMENT_RECEIVED: AMENDMENT_RECEIVED\nAMENDMENT_CONFIRMED: AMENDMENT_CONFIRMED\nAMENDMENT_DECLINED: AMENDMENT_DECLINED\nCANCELLATION_RECEIVED: CANCELLATION_RECEIVED\nCANCELLATION_CONFIRMED: CANCELLATION_CONFIRMED\nCANCELLATION_DECLINED: CANCELLATION_DECLINED\nCARRIER_REASSIGNED: CARRIER_REASSIGNED', enum_type=TrackingEventType, max_length=24),
        ),
    ]
