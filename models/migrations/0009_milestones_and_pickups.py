from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_webhooks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Shipment',
            name='pickup_designated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Shipment',
            name='pickup_reschedule_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='TrackingEvent',
            name='late',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
