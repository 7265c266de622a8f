from tortoise import migrations
from tortoise.migrations import operations as ops
from models.events import EventKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0011_event_feed')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('prefix', fields.CharField(max_length=32)),
                ('secret_hash', fields.CharField(unique=True, max_length=64)),
                ('scopes', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='api_keys', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='acting_api_keys', on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='api_keys_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_key', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'Only a keyed hash of the secret is kept (resolvers/integrations/key_secrets.py says why).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotentRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization_id', fields.IntField()),
                ('key', fields.CharField(max_length=255)),
                ('fingerprint', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.IntField(null=True)),
                ('content_type', fields.CharField(null=True, max_length=100)),
                ('body', fields.BinaryField(null=True)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'idempotent_request', 'app': 'models', 'unique_together': (('organization_id', 'key'),), 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': "One (organization, key): the request's fingerprint, then the answer once there is one."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AccessToken',
            name='session_id',
            field=fields.IntField(null=True, db_index=True),
        ),
        ops.AlterField(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='TRACKING: TRACKING\nLOADING: LOADING\nDISPUTE: DISPUTE\nSUPPORT_MESSAGE: SUPPORT_MESSAGE\nSTAFF_ALERT: STAFF_ALERT\nDOCUMENT: DOCUMENT\nINSURANCE_CLAIM: INSURANCE_CLAIM\nAPI_KEY_REVOKED: API_KEY_REVOKED\nTOKEN_REVOKED: TOKEN_REVOKED\nACCESS_USER: ACCESS_USER\nACCESS_ORG: ACCESS_ORG\nACCESS_STAFF: ACCESS_STAFF', enum_type=EventKind, max_length=20),
        ),
    ]
