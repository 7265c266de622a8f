from tortoise import migrations
from tortoise.migrations import operations as ops
from models.events import EventKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0014_service_requests')]  # one line: 0012, 0015, 0014, 0016, 0013

    initial = False

    operations = [
        ops.AlterField(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='TRACKING: TRACKING\nLOADING: LOADING\nDISPUTE: DISPUTE\nSUPPORT_MESSAGE: SUPPORT_MESSAGE\nSTAFF_ALERT: STAFF_ALERT\nDOCUMENT: DOCUMENT\nINSURANCE_CLAIM: INSURANCE_CLAIM\nAPI_KEY_REVOKED: API_KEY_REVOKED\nTOKEN_REVOKED: TOKEN_REVOKED\nACCESS_USER: ACCESS_USER\nACCESS_ORG: ACCESS_ORG\nACCESS_STAFF: ACCESS_STAFF\nCHANGED: CHANGED', enum_type=EventKind, max_length=20),
        ),
    ]
