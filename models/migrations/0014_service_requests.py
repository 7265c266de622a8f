from tortoise import migrations
from tortoise.migrations import operations as ops
from models.calculations.tables import ExtraService
from models.events import EventKind
from models.services.rules import RequestStatus, ServiceKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0015_feed_positions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CreditLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.OneToOneField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='credit_line', on_delete=OnDelete.RESTRICT)),
                ('limit_amount', fields.DecimalField(max_digits=18, decimal_places=3)),
                ('currency', fields.CharField(max_length=3)),
                ('updated_by', fields.ForeignKeyField('models.User', source_field='updated_by_id', db_constraint=True, to_field='id', related_name='credit_lines_set', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'credit_line', 'app': 'models', 'pk_attr': 'id', 'table_description': "The financial support programme's limit of one dealer, set by ADMIN. Approving a"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceLevel',
            fields=[
                ('kind', fields.CharEnumField(primary_key=True, unique=True, db_index=True, description='VEHICLE_PAYMENT: VEHICLE_PAYMENT\nTRANSFER_VERIFICATION: TRANSFER_VERIFICATION\nINVOICE_AMENDMENT: INVOICE_AMENDMENT\nBID_ORDER: BID_ORDER\nRESALE: RESALE\nEXTRA_SERVICE: EXTRA_SERVICE', enum_type=ServiceKind, max_length=24)),
                ('minutes', fields.IntField()),
                ('updated_by_id', fields.IntField()),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'service_level', 'app': 'models', 'pk_attr': 'kind', 'table_description': "A kind's first-action target in covered minutes, when ADMIN changed the default."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(db_index=True, description='VEHICLE_PAYMENT: VEHICLE_PAYMENT\nTRANSFER_VERIFICATION: TRANSFER_VERIFICATION\nINVOICE_AMENDMENT: INVOICE_AMENDMENT\nBID_ORDER: BID_ORDER\nRESALE: RESALE\nEXTRA_SERVICE: EXTRA_SERVICE', enum_type=ServiceKind, max_length=24)),
                ('status', fields.CharEnumField(db_index=True, description='REQUESTED: REQUESTED\nAPPROVED: APPROVED\nDECLINED: DECLINED\nPAID: PAID\nSETTLED: SETTLED\nMATCHED: MATCHED\nNOT_FOUND: NOT_FOUND\nAMOUNT_MISMATCH: AMOUNT_MISMATCH\nAPPLIED: APPLIED\nPLACED: PLACED\nWON: WON\nLOST: LOST\nLISTED: LISTED\nSOLD: SOLD\nWITHDRAWN: WITHDRAWN\nCONFIRMED: CONFIRMED\nFULFILLED: FULFILLED\nCANCELLED: CANCELLED', enum_type=RequestStatus, max_length=16)),
                ('dealer', fields.ForeignKeyField('models.Organization', source_field='dealer_id', db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.RESTRICT)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', null=True, db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.RESTRICT)),
                ('thread', fields.ForeignKeyField('models.SupportThread', source_field='thread_id', null=True, db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='service_requests_created', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(null=True, unique=False)),
                ('amount', fields.DecimalField(null=True, max_digits=18, decimal_places=3)),
                ('currency', fields.CharField(null=True, max_length=3)),
                ('result_amount', fields.DecimalField(null=True, max_digits=18, decimal_places=3)),
                ('auction', fields.CharField(null=True, max_length=100)),
                ('lot_number', fields.CharField(null=True, max_length=40)),
                ('vin', fields.CharField(null=True, max_length=17)),
                ('document', fields.ForeignKeyField('models.Document', source_field='document_id', null=True, db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.RESTRICT)),
                ('new_document', fields.ForeignKeyField('models.Document', source_field='new_document_id', null=True, db_constraint=True, to_field='id', related_name='amending_requests', on_delete=OnDelete.RESTRICT)),
                ('related', fields.ForeignKeyField('models.ServiceRequest', source_field='related_id', null=True, db_constraint=True, to_field='id', related_name='relating', on_delete=OnDelete.RESTRICT)),
                ('due_date', fields.DateField(null=True)),
                ('transfer_date', fields.DateField(null=True)),
                ('payer', fields.CharField(null=True, max_length=200)),
                ('reference', fields.CharField(null=True, max_length=100)),
                ('payment_reference', fields.CharField(null=True, max_length=100)),
                ('changes', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('priority', fields.IntField(null=True)),
                ('skip_if_higher_won', fields.BooleanField(default=False)),
                ('auction_starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('service', fields.CharEnumField(null=True, description='EXTRA_PACKING: EXTRA_PACKING\nPHOTO_VIDEO: PHOTO_VIDEO\nAUTO_PARTS: AUTO_PARTS\nINSURANCE: INSURANCE', enum_type=ExtraService, max_length=16)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('warn_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('first_action_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('warned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('breached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'service_request', 'app': 'models', 'indexes': [Index(fields=['dealer_id', 'kind', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceParcel',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='parcels', on_delete=OnDelete.RESTRICT)),
                ('carrier', fields.CharField(max_length=100)),
                ('tracking_number', fields.CharField(max_length=100)),
                ('description', fields.CharField(null=True, max_length=200)),
                ('received_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('received_by', fields.ForeignKeyField('models.User', source_field='received_by_id', null=True, db_constraint=True, to_field='id', related_name='parcels_received', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'service_parcel', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An auto-parts parcel announced by the dealer, received at the warehouse one by one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceRequestChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='history', on_delete=OnDelete.RESTRICT)),
                ('previous_status', fields.CharEnumField(null=True, description='REQUESTED: REQUESTED\nAPPROVED: APPROVED\nDECLINED: DECLINED\nPAID: PAID\nSETTLED: SETTLED\nMATCHED: MATCHED\nNOT_FOUND: NOT_FOUND\nAMOUNT_MISMATCH: AMOUNT_MISMATCH\nAPPLIED: APPLIED\nPLACED: PLACED\nWON: WON\nLOST: LOST\nLISTED: LISTED\nSOLD: SOLD\nWITHDRAWN: WITHDRAWN\nCONFIRMED: CONFIRMED\nFULFILLED: FULFILLED\nCANCELLED: CANCELLED', enum_type=RequestStatus, max_length=16)),
                ('status', fields.CharEnumField(description='REQUESTED: REQUESTED\nAPPROVED: APPROVED\nDECLINED: DECLINED\nPAID: PAID\nSETTLED: SETTLED\nMATCHED: MATCHED\nNOT_FOUND: NOT_FOUND\nAMOUNT_MISMATCH: AMOUNT_MISMATCH\nAPPLIED: APPLIED\nPLACED: PLACED\nWON: WON\nLOST: LOST\nLISTED: LISTED\nSOLD: SOLD\nWITHDRAWN: WITHDRAWN\nCONFIRMED: CONFIRMED\nFULFILLED: FULFILLED\nCANCELLED: CANCELLED', enum_type=RequestStatus, max_length=16)),
                ('by', fields.ForeignKeyField('models.User', source_field='by_id', null=True, db_constraint=True, to_field='id', related_name='service_request_changes', on_delete=OnDelete.RESTRICT)),
                ('note', fields.TextField(null=True, unique=False)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'service_request_change', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One step of a request: who, when, from which status to which, why (a parcel received'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='TRACKING: TRACKING\nLOADING: LOADING\nDISPUTE: DISPUTE\nSUPPORT_MESSAGE: SUPPORT_MESSAGE\nSTAFF_ALERT: STAFF_ALERT\nDOCUMENT: DOCUMENT\nINSURANCE_CLAIM: INSURANCE_CLAIM\nSERVICE_REQUEST: SERVICE_REQUEST\nAPI_KEY_REVOKED: API_KEY_REVOKED\nTOKEN_REVOKED: TOKEN_REVOKED\nACCESS_USER: ACCESS_USER\nACCESS_ORG: ACCESS_ORG\nACCESS_STAFF: ACCESS_STAFF', enum_type=EventKind, max_length=20),
        ),
    ]
