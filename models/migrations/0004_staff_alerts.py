from tortoise import migrations
from tortoise.migrations import operations as ops
from models.alerts.tables import StaffAlertKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_calculations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StaffAlert',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='SLA_WARNING: SLA_WARNING\nSLA_BREACHED: SLA_BREACHED\nPICKUP_LATE: PICKUP_LATE\nFRAUD_REPORTED: FRAUD_REPORTED\nDISPUTE_ESCALATED: DISPUTE_ESCALATED', enum_type=StaffAlertKind, max_length=24)),
                ('message', fields.TextField(unique=False)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', null=True, db_constraint=True, to_field='id', related_name='staff_alerts', on_delete=OnDelete.RESTRICT)),
                ('thread_id', fields.IntField(null=True)),
                ('dispute_id', fields.IntField(null=True)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'staff_alert', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
