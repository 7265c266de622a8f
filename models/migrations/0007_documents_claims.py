from tortoise import migrations
from tortoise.migrations import operations as ops
from models.claims.rules import ClaimStatus
from models.documents.rules import DocumentKind, DocumentStatus
from models.enums import Role
from models.events import EventKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_support')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InsuranceClaim',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='insurance_claims', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(db_index=True, description='REPORTED: REPORTED\nINSURER_NOTIFIED: INSURER_NOTIFIED\nDOCUMENTS_REQUESTED: DOCUMENTS_REQUESTED\nUNDER_ASSESSMENT: UNDER_ASSESSMENT\nAPPROVED: APPROVED\nREJECTED: REJECTED\nPAID: PAID', enum_type=ClaimStatus, max_length=20)),
                ('description', fields.TextField(unique=False)),
                ('claimed_amount', fields.DecimalField(max_digits=18, decimal_places=3)),
                ('currency', fields.CharField(max_length=3)),
                ('approved_amount', fields.DecimalField(null=True, max_digits=18, decimal_places=3)),
                ('insurer_reference', fields.CharField(null=True, max_length=100)),
                ('damage_event', fields.ForeignKeyField('models.TrackingEvent', source_field='damage_event_id', null=True, db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.RESTRICT)),
                ('reported_by', fields.ForeignKeyField('models.User', source_field='reported_by_id', db_constraint=True, to_field='id', related_name='claims_reported', on_delete=OnDelete.RESTRICT)),
                ('reported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('open_key', fields.IntField(null=True, unique=True)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'insurance_claim', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClaimChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('claim', fields.ForeignKeyField('models.InsuranceClaim', source_field='claim_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.RESTRICT)),
                ('previous_status', fields.CharEnumField(null=True, description='REPORTED: REPORTED\nINSURER_NOTIFIED: INSURER_NOTIFIED\nDOCUMENTS_REQUESTED: DOCUMENTS_REQUESTED\nUNDER_ASSESSMENT: UNDER_ASSESSMENT\nAPPROVED: APPROVED\nREJECTED: REJECTED\nPAID: PAID', enum_type=ClaimStatus, max_length=20)),
                ('status', fields.CharEnumField(description='REPORTED: REPORTED\nINSURER_NOTIFIED: INSURER_NOTIFIED\nDOCUMENTS_REQUESTED: DOCUMENTS_REQUESTED\nUNDER_ASSESSMENT: UNDER_ASSESSMENT\nAPPROVED: APPROVED\nREJECTED: REJECTED\nPAID: PAID', enum_type=ClaimStatus, max_length=20)),
                ('by', fields.ForeignKeyField('models.User', source_field='by_id', db_constraint=True, to_field='id', related_name='claim_changes', on_delete=OnDelete.RESTRICT)),
                ('note', fields.TextField(null=True, unique=False)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'claim_change', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One step of a claim: who moved it, when, to which status, with what note or amount.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClaimPayment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('claim', fields.OneToOneField('models.InsuranceClaim', source_field='claim_id', db_constraint=True, to_field='id', related_name='payment', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.DecimalField(max_digits=18, decimal_places=3)),
                ('currency', fields.CharField(max_length=3)),
                ('paid_by', fields.ForeignKeyField('models.User', source_field='paid_by_id', db_constraint=True, to_field='id', related_name='claim_payments', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'claim_payment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The ledger row of a paid claim: one per claim (unique), written with the PAID change.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Document',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='BILL_OF_LADING: BILL_OF_LADING\nRELEASE_ORDER: RELEASE_ORDER\nTITLE: TITLE\nINVOICE: INVOICE\nCUSTOMS_DECLARATION: CUSTOMS_DECLARATION\nINSURANCE_CERTIFICATE: INSURANCE_CERTIFICATE\nDAMAGE_REPORT: DAMAGE_REPORT\nPHOTO: PHOTO\nVIDEO: VIDEO\nOTHER: OTHER', enum_type=DocumentKind, max_length=24)),
                ('status', fields.CharEnumField(db_index=True, description='REQUESTED: REQUESTED\nUPLOADED: UPLOADED\nVERIFIED: VERIFIED\nREJECTED: REJECTED\nLOST: LOST\nRECOVERED: RECOVERED', enum_type=DocumentStatus, max_length=12)),
                ('claim', fields.ForeignKeyField('models.InsuranceClaim', source_field='claim_id', null=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.RESTRICT)),
                ('dispute', fields.ForeignKeyField('models.Dispute', source_field='dispute_id', null=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.RESTRICT)),
                ('thread', fields.ForeignKeyField('models.SupportThread', source_field='thread_id', null=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.RESTRICT)),
                ('file_name', fields.CharField(null=True, max_length=255)),
                ('content_type', fields.CharField(null=True, max_length=100)),
                ('size_bytes', fields.BigIntField(null=True)),
                ('sha256', fields.CharField(null=True, max_length=64)),
                ('storage_key', fields.CharField(null=True, max_length=300)),
                ('uploaded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('uploaded_by', fields.ForeignKeyField('models.User', source_field='uploaded_by_id', null=True, db_constraint=True, to_field='id', related_name='documents_uploaded', on_delete=OnDelete.RESTRICT)),
                ('requested_by', fields.ForeignKeyField('models.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='documents_requested', on_delete=OnDelete.RESTRICT)),
                ('due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('provider', fields.CharEnumField(description='DEALER: DEALER\nCARRIER: CARRIER\nSUPPORT_AGENT: SUPPORT_AGENT\nACCOUNT_MANAGER: ACCOUNT_MANAGER\nBACK_OFFICE: BACK_OFFICE\nWAREHOUSE: WAREHOUSE\nDISPATCHER: DISPATCHER\nBIDDER: BIDDER\nDISPUTE_OFFICER: DISPUTE_OFFICER\nADMIN: ADMIN', enum_type=Role, max_length=20)),
                ('holder', fields.CharEnumField(null=True, description='DEALER: DEALER\nCARRIER: CARRIER\nSUPPORT_AGENT: SUPPORT_AGENT\nACCOUNT_MANAGER: ACCOUNT_MANAGER\nBACK_OFFICE: BACK_OFFICE\nWAREHOUSE: WAREHOUSE\nDISPATCHER: DISPATCHER\nBIDDER: BIDDER\nDISPUTE_OFFICER: DISPUTE_OFFICER\nADMIN: ADMIN', enum_type=Role, max_length=20)),
                ('held_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(null=True, unique=False)),
                ('link_secret', fields.CharField(max_length=64)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='documents_created', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'document', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DocumentChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('document', fields.ForeignKeyField('models.Document', source_field='document_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.RESTRICT)),
                ('previous_status', fields.CharEnumField(null=True, description='REQUESTED: REQUESTED\nUPLOADED: UPLOADED\nVERIFIED: VERIFIED\nREJECTED: REJECTED\nLOST: LOST\nRECOVERED: RECOVERED', enum_type=DocumentStatus, max_length=12)),
                ('status', fields.CharEnumField(description='REQUESTED: REQUESTED\nUPLOADED: UPLOADED\nVERIFIED: VERIFIED\nREJECTED: REJECTED\nLOST: LOST\nRECOVERED: RECOVERED', enum_type=DocumentStatus, max_length=12)),
                ('by', fields.ForeignKeyField('models.User', source_field='by_id', null=True, db_constraint=True, to_field='id', related_name='document_changes', on_delete=OnDelete.RESTRICT)),
                ('note', fields.TextField(null=True, unique=False)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'document_change', 'app': 'models', 'pk_attr': 'id', 'table_description': "One step of a document's life: who, when, from which status to which, and why."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DocumentUpload',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('document', fields.ForeignKeyField('models.Document', source_field='document_id', db_constraint=True, to_field='id', related_name='uploads', on_delete=OnDelete.CASCADE)),
                ('file_name', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(max_length=100)),
                ('size_bytes', fields.BigIntField()),
                ('storage_key', fields.CharField(max_length=300)),
                ('link_secret', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='document_uploads', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'document_upload', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One upload URL: exactly `size_bytes` of `content_type`, once, before `expires_at`.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='TRACKING: TRACKING\nLOADING: LOADING\nDISPUTE: DISPUTE\nSUPPORT_MESSAGE: SUPPORT_MESSAGE\nSTAFF_ALERT: STAFF_ALERT\nDOCUMENT: DOCUMENT\nINSURANCE_CLAIM: INSURANCE_CLAIM', enum_type=EventKind, max_length=20),
        ),
    ]
