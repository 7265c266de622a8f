from tortoise import migrations
from tortoise.migrations import operations as ops
from models.alerts.tables import StaffAlertKind
from models.integrations.tables import DeliveryStatus, EndpointKind, ReportCadence
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_documents_claims')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='webhook_endpoints', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(default=EndpointKind.WEBHOOK, description='WEBHOOK: WEBHOOK\nEMAIL: EMAIL', enum_type=EndpointKind, max_length=8)),
                ('url', fields.CharField(default='', max_length=2048)),
                ('event_types', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('enabled', fields.BooleanField(default=True)),
                ('disabled_reason', fields.TextField(null=True, unique=False)),
                ('secret', fields.CharField(default='', max_length=80)),
                ('previous_secret', fields.CharField(null=True, max_length=80)),
                ('previous_secret_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cursor', fields.BigIntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('failing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lease_owner', fields.CharField(null=True, max_length=64)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', null=True, db_constraint=True, to_field='id', related_name='report_subscriptions', on_delete=OnDelete.CASCADE)),
                ('cadence', fields.CharEnumField(null=True, description='MILESTONE: MILESTONE\nDAILY_DIGEST: DAILY_DIGEST', enum_type=ReportCadence, max_length=16)),
                ('digest_hour', fields.IntField(null=True)),
                ('timezone', fields.CharField(null=True, max_length=64)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'models', 'indexes': [Index(fields=['enabled', 'next_attempt_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('endpoint', fields.ForeignKeyField('models.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('seq', fields.BigIntField()),
                ('event_type', fields.CharField(max_length=40)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED', enum_type=DeliveryStatus, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('response_status', fields.IntField(null=True)),
                ('response_body', fields.TextField(null=True, unique=False)),
                ('error', fields.TextField(null=True, unique=False)),
                ('duration_ms', fields.IntField(null=True)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'indexes': [Index(fields=['endpoint_id', 'seq'])], 'pk_attr': 'id', 'table_description': 'One event to one endpoint: its attempts so far and how the last one went.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='StaffAlert',
            name='kind',
            field=fields.CharEnumField(description='SLA_WARNING: SLA_WARNING\nSLA_BREACHED: SLA_BREACHED\nPICKUP_LATE: PICKUP_LATE\nFRAUD_REPORTED: FRAUD_REPORTED\nDISPUTE_ESCALATED: DISPUTE_ESCALATED\nWEBHOOK_DISABLED: WEBHOOK_DISABLED', enum_type=StaffAlertKind, max_length=24),
        ),
    ]
