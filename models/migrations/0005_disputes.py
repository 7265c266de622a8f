from tortoise import migrations
from tortoise.migrations import operations as ops
from models.disputes.tables import CancellationReason, DisputeOutcome, DisputeStatus, DisputeUpdateKind, RefundKind
from models.shipments.tables import CancelledBy
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_staff_alerts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Dispute',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='disputes', on_delete=OnDelete.RESTRICT)),
                ('opened_by', fields.ForeignKeyField('models.Organization', source_field='opened_by_id', db_constraint=True, to_field='id', related_name='opened_disputes', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharEnumField(description='FRAUD: FRAUD\nCARRIER_NO_SHOW: CARRIER_NO_SHOW\nPICKUP_DELAYED: PICKUP_DELAYED\nPRICE_DISAGREEMENT: PRICE_DISAGREEMENT\nCUSTOMER_CHANGED_PLANS: CUSTOMER_CHANGED_PLANS\nCARGO_NOT_READY: CARGO_NOT_READY\nDAMAGED_CARGO: DAMAGED_CARGO\nOTHER: OTHER', enum_type=CancellationReason, max_length=24)),
                ('explanation', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(db_index=True, description='NEGOTIATING: NEGOTIATING\nFRAUD_REVIEW: FRAUD_REVIEW\nESCALATED: ESCALATED\nRESOLVED: RESOLVED', enum_type=DisputeStatus, max_length=16)),
                ('outcome', fields.CharEnumField(null=True, description='ALTERNATIVE_AGREEMENT: ALTERNATIVE_AGREEMENT\nCANCELLED_WITH_REFUND: CANCELLED_WITH_REFUND\nCANCELLED_WITHOUT_REFUND: CANCELLED_WITHOUT_REFUND\nFRAUD_REFUND: FRAUD_REFUND\nPLATFORM_DECISION: PLATFORM_DECISION\nWITHDRAWN: WITHDRAWN', enum_type=DisputeOutcome, max_length=32)),
                ('carrier_reminders', fields.IntField(default=0)),
                ('unanswered_reminders', fields.IntField(default=0)),
                ('carrier_replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('review_due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('fraud_refund_deadline', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'dispute', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AgreementProposal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dispute', fields.ForeignKeyField('models.Dispute', source_field='dispute_id', db_constraint=True, to_field='id', related_name='proposals', on_delete=OnDelete.RESTRICT)),
                ('proposed_by', fields.ForeignKeyField('models.Organization', source_field='proposed_by_id', db_constraint=True, to_field='id', related_name='agreement_proposals', on_delete=OnDelete.RESTRICT)),
                ('terms', fields.TextField(unique=False)),
                ('pickup_scheduled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('price_amount', fields.DecimalField(null=True, max_digits=18, decimal_places=3)),
                ('price_currency', fields.CharField(null=True, max_length=3)),
                ('accepted', fields.BooleanField(null=True)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'agreement_proposal', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An alternative to the cancellation: terms, and a new pickup time or price to apply.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DisputeMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dispute', fields.ForeignKeyField('models.Dispute', source_field='dispute_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='dispute_messages', on_delete=OnDelete.RESTRICT)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'dispute_message', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DisputeUpdate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dispute', fields.ForeignKeyField('models.Dispute', source_field='dispute_id', db_constraint=True, to_field='id', related_name='updates', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='OPENED: OPENED\nMESSAGE: MESSAGE\nPROPOSAL: PROPOSAL\nPROPOSAL_DECLINED: PROPOSAL_DECLINED\nAGREED: AGREED\nDECIDED: DECIDED\nESCALATED: ESCALATED\nCARRIER_REMINDED: CARRIER_REMINDED\nFRAUD_REFUNDED: FRAUD_REFUNDED\nDEADLINE_PASSED: DEADLINE_PASSED\nRESOLVED: RESOLVED', enum_type=DisputeUpdateKind, max_length=24)),
                ('status', fields.CharEnumField(description='NEGOTIATING: NEGOTIATING\nFRAUD_REVIEW: FRAUD_REVIEW\nESCALATED: ESCALATED\nRESOLVED: RESOLVED', enum_type=DisputeStatus, max_length=16)),
                ('outcome', fields.CharEnumField(null=True, description='ALTERNATIVE_AGREEMENT: ALTERNATIVE_AGREEMENT\nCANCELLED_WITH_REFUND: CANCELLED_WITH_REFUND\nCANCELLED_WITHOUT_REFUND: CANCELLED_WITHOUT_REFUND\nFRAUD_REFUND: FRAUD_REFUND\nPLATFORM_DECISION: PLATFORM_DECISION\nWITHDRAWN: WITHDRAWN', enum_type=DisputeOutcome, max_length=32)),
                ('message', fields.ForeignKeyField('models.DisputeMessage', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name='updates', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.ForeignKeyField('models.AgreementProposal', source_field='proposal_id', null=True, db_constraint=True, to_field='id', related_name='updates', on_delete=OnDelete.RESTRICT)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'dispute_update', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One change of a dispute (a status, a message, a proposal): what `disputeUpdates` replays.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Refund',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT)),
                ('dispute', fields.ForeignKeyField('models.Dispute', source_field='dispute_id', null=True, db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='CARRIER_CANCELLED: CARRIER_CANCELLED\nCUSTOMER_CANCELLED: CUSTOMER_CANCELLED\nFRAUD: FRAUD\nPLATFORM_DECISION: PLATFORM_DECISION', enum_type=RefundKind, max_length=24)),
                ('deposit_amount', fields.DecimalField(max_digits=18, decimal_places=3)),
                ('currency', fields.CharField(max_length=3)),
                ('penalty_percent', fields.IntField()),
                ('penalty_amount', fields.DecimalField(max_digits=18, decimal_places=3)),
                ('amount', fields.DecimalField(max_digits=18, decimal_places=3)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'refund', 'app': 'models', 'unique_together': (('shipment', 'kind'),), 'pk_attr': 'id', 'table_description': 'The refund ledger: a row per deposit paid back, written with the cancellation itself.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Shipment',
            name='cancelled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Shipment',
            name='cancelled_by',
            field=fields.CharEnumField(null=True, description='CUSTOMER: CUSTOMER\nCARRIER: CARRIER\nFRAUD: FRAUD\nPLATFORM: PLATFORM', enum_type=CancelledBy, max_length=10),
        ),
        # The plain dispute_id column of 0004 becomes a key: no dispute existed before this.
        ops.RemoveField(model_name='StaffAlert', name='dispute_id'),
        ops.AddField(
            model_name='StaffAlert',
            name='dispute',
            field=fields.ForeignKeyField('models.Dispute', source_field='dispute_id', null=True, db_constraint=True, to_field='id', related_name='staff_alerts', on_delete=OnDelete.RESTRICT),
        ),
    ]
