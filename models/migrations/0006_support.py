from tortoise import migrations
from tortoise.migrations import operations as ops
from models.support.sla import SlaKind
from models.support.tables import MoveStatus, SupportShift, ThreadCategory, ThreadStatus, ThreadTopic
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_disputes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SupportGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=100)),
                ('slot', fields.IntField(unique=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'support_group', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DealerDesk',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.OneToOneField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='desk', on_delete=OnDelete.CASCADE)),
                ('group', fields.ForeignKeyField('models.SupportGroup', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='dealers', on_delete=OnDelete.RESTRICT)),
                ('account_manager', fields.ForeignKeyField('models.User', source_field='account_manager_id', null=True, db_constraint=True, to_field='id', related_name='managed_desks', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'dealer_desk', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who serves a dealer organization: its support group and its account manager.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupMove',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='group_moves', on_delete=OnDelete.CASCADE)),
                ('from_group', fields.ForeignKeyField('models.SupportGroup', source_field='from_group_id', null=True, db_constraint=True, to_field='id', related_name='moves_from', on_delete=OnDelete.RESTRICT)),
                ('to_group', fields.ForeignKeyField('models.SupportGroup', source_field='to_group_id', null=True, db_constraint=True, to_field='id', related_name='moves_to', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=MoveStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nDECLINED: DECLINED', enum_type=MoveStatus, max_length=10)),
                ('requested_by', fields.ForeignKeyField('models.User', source_field='requested_by_id', db_constraint=True, to_field='id', related_name='group_moves_requested', on_delete=OnDelete.RESTRICT)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='group_moves_decided', on_delete=OnDelete.RESTRICT)),
                ('pending_key', fields.IntField(null=True, unique=True)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'group_move', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A request of a dealer to be served by another group, which the approver picks.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupportGroupMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.SupportGroup', source_field='group_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='support_memberships', on_delete=OnDelete.CASCADE)),
                ('shift', fields.CharEnumField(default=SupportShift.DAY, description='DAY: DAY\nNIGHT: NIGHT', enum_type=SupportShift, max_length=8)),
            ],
            options={'table': 'support_group_member', 'app': 'models', 'unique_together': (('group', 'user'),), 'pk_attr': 'id', 'table_description': 'A staff user in a group, on one of the two shifts.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupportThread',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject', fields.CharField(max_length=200)),
                ('category', fields.CharEnumField(description='FINANCE: FINANCE\nDOCUMENTS: DOCUMENTS\nAUCTIONS: AUCTIONS\nCALCULATIONS: CALCULATIONS\nTRANSPORT: TRANSPORT\nEXTRA_SERVICES: EXTRA_SERVICES\nCOMPLAINT: COMPLAINT\nSERVICE_ACCIDENT: SERVICE_ACCIDENT\nINSURANCE_CLAIM: INSURANCE_CLAIM\nENQUIRY: ENQUIRY\nACCOUNT: ACCOUNT', enum_type=ThreadCategory, max_length=20)),
                ('topic', fields.CharEnumField(description='VEHICLE_PAYMENT: VEHICLE_PAYMENT\nTRANSFER_VERIFICATION: TRANSFER_VERIFICATION\nINVOICE_CHANGE: INVOICE_CHANGE\nDOCUMENT_REVIEW: DOCUMENT_REVIEW\nLOST_DOCUMENT: LOST_DOCUMENT\nRELEASE_REQUEST: RELEASE_REQUEST\nAUCTION_CONTACT: AUCTION_CONTACT\nBID_PLACEMENT: BID_PLACEMENT\nRESALE: RESALE\nTRANSPORT_COST: TRANSPORT_COST\nCUSTOMS_COST: CUSTOMS_COST\nEXTRA_SERVICE_COST: EXTRA_SERVICE_COST\nPICKUP_STATUS: PICKUP_STATUS\nLOADING_STATUS: LOADING_STATUS\nDESTINATION_CHANGE: DESTINATION_CHANGE\nAUTO_PARTS: AUTO_PARTS\nPHOTO_VIDEO: PHOTO_VIDEO\nEXTRA_PACKING: EXTRA_PACKING\nWORKING_CONDITIONS: WORKING_CONDITIONS\nPRICE_CHANGE: PRICE_CHANGE\nCREDIT_LINE: CREDIT_LINE\nOTHER: OTHER', enum_type=ThreadTopic, max_length=24)),
                ('status', fields.CharEnumField(db_index=True, description='NEW: NEW\nOPEN: OPEN\nWAITING_ON_DEALER: WAITING_ON_DEALER\nWAITING_ON_BACK_OFFICE: WAITING_ON_BACK_OFFICE\nRESOLVED: RESOLVED\nCLOSED: CLOSED', enum_type=ThreadStatus, max_length=24)),
                ('dealer', fields.ForeignKeyField('models.Organization', source_field='dealer_id', db_constraint=True, to_field='id', related_name='support_threads', on_delete=OnDelete.RESTRICT)),
                ('group', fields.ForeignKeyField('models.SupportGroup', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='threads', on_delete=OnDelete.RESTRICT)),
                ('assignee', fields.ForeignKeyField('models.User', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='assigned_threads', on_delete=OnDelete.RESTRICT)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', null=True, db_constraint=True, to_field='id', related_name='support_threads', on_delete=OnDelete.RESTRICT)),
                ('opened_by', fields.ForeignKeyField('models.User', source_field='opened_by_id', db_constraint=True, to_field='id', related_name='opened_threads', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'support_thread', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlaTimer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('thread', fields.ForeignKeyField('models.SupportThread', source_field='thread_id', db_constraint=True, to_field='id', related_name='sla_timers', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='FIRST_RESPONSE: FIRST_RESPONSE\nRESOLUTION: RESOLUTION', enum_type=SlaKind, max_length=16)),
                ('budget_us', fields.BigIntField()),
                ('used_us', fields.BigIntField(default=0)),
                ('running_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('warn_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('breach_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('warned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('breached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sla_timer', 'app': 'models', 'unique_together': (('thread', 'kind'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupportMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('thread', fields.ForeignKeyField('models.SupportThread', source_field='thread_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='support_messages', on_delete=OnDelete.RESTRICT)),
                ('body', fields.TextField(unique=False)),
                ('internal', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seq', fields.BigIntField(null=True, db_index=True)),
            ],
            options={'table': 'support_message', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ThreadRating',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('thread', fields.OneToOneField('models.SupportThread', source_field='thread_id', db_constraint=True, to_field='id', related_name='rating', on_delete=OnDelete.CASCADE)),
                ('score', fields.IntField()),
                ('comment', fields.TextField(null=True, unique=False)),
                ('agent', fields.ForeignKeyField('models.User', source_field='agent_id', null=True, db_constraint=True, to_field='id', related_name='ratings_received', on_delete=OnDelete.RESTRICT)),
                ('group', fields.ForeignKeyField('models.SupportGroup', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.RESTRICT)),
                ('rated_by', fields.ForeignKeyField('models.User', source_field='rated_by_id', db_constraint=True, to_field='id', related_name='ratings_given', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'thread_rating', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The one rating a dealer gives a thread, keeping the agent and group of that moment.'},
            bases=['Model'],
        ),
        # thread_id held only NULLs (no thread existed before this migration): drop, then re-add as a key.
        ops.RemoveField(model_name='StaffAlert', name='thread_id'),
        ops.AddField(
            model_name='StaffAlert',
            name='thread',
            field=fields.ForeignKeyField('models.SupportThread', source_field='thread_id', null=True, db_constraint=True, to_field='id', related_name='staff_alerts', on_delete=OnDelete.RESTRICT),
        ),
    ]
