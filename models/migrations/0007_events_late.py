from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_support')]

    initial = False

    operations = [
        ops.AddField(
            model_name='TrackingEvent',
            name='late',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
