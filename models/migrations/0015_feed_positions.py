from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_api_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='WebhookEndpoint',
            name='cursor_part',
            field=fields.IntField(default=2**31 - 1),
        ),
        ops.AddField(
            model_name='WebhookDelivery',
            name='part',
            field=fields.IntField(default=0),
        ),
    ]
