from tortoise import migrations
from tortoise.migrations import operations as ops
from models.calculations.tables import ContainerMode, ExtraService, RateChangeAction, RateTable, VehicleClass
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_shipments_containers_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CustomsRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('country', fields.CharField(unique=True, max_length=2)),
                ('currency', fields.CharField(max_length=3)),
                ('duty_percent', fields.DecimalField(max_digits=7, decimal_places=4)),
                ('vat_percent', fields.DecimalField(max_digits=7, decimal_places=4)),
                ('demo', fields.BooleanField(default=False)),
            ],
            options={'table': 'calc_customs_rule', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Import duty and VAT of a country, in the currency its customs assess in.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ExciseBand',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('country', fields.CharField(max_length=2)),
                ('min_age_years', fields.IntField()),
                ('max_age_years', fields.IntField(null=True)),
                ('per_cc', fields.DecimalField(max_digits=16, decimal_places=4)),
                ('currency', fields.CharField(max_length=3)),
                ('demo', fields.BooleanField(default=False)),
            ],
            options={'table': 'calc_excise_band', 'app': 'models', 'unique_together': (('country', 'min_age_years'),), 'pk_attr': 'id', 'table_description': 'Excise per cc of engine volume for vehicles aged min..max whole years (max None: open).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ExtraServicePrice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service', fields.CharEnumField(description='EXTRA_PACKING: EXTRA_PACKING\nPHOTO_VIDEO: PHOTO_VIDEO\nAUTO_PARTS: AUTO_PARTS\nINSURANCE: INSURANCE', enum_type=ExtraService, max_length=16)),
                ('amount', fields.DecimalField(max_digits=16, decimal_places=4)),
                ('currency', fields.CharField(max_length=3)),
                ('demo', fields.BooleanField(default=False)),
            ],
            options={'table': 'calc_extra_service_price', 'app': 'models', 'unique_together': (('service', 'currency'),), 'pk_attr': 'id', 'table_description': 'A flat price per vehicle for an extra service (INSURANCE is priced by InsuranceRate).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InlandRate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('region', fields.CharField(max_length=40)),
                ('vehicle_class', fields.CharEnumField(description='SEDAN: SEDAN\nSUV: SUV\nPICKUP: PICKUP\nVAN: VAN\nMOTORCYCLE: MOTORCYCLE', enum_type=VehicleClass, max_length=16)),
                ('amount', fields.DecimalField(max_digits=16, decimal_places=4)),
                ('currency', fields.CharField(max_length=3)),
                ('demo', fields.BooleanField(default=False)),
            ],
            options={'table': 'calc_inland_rate', 'app': 'models', 'unique_together': (('region', 'vehicle_class'),), 'pk_attr': 'id', 'table_description': 'Trucking from any origin of a region to its port of loading, per vehicle.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InsuranceRate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('percent', fields.DecimalField(max_digits=7, decimal_places=4)),
                ('minimum', fields.DecimalField(max_digits=16, decimal_places=4)),
                ('currency', fields.CharField(unique=True, max_length=3)),
                ('demo', fields.BooleanField(default=False)),
            ],
            options={'table': 'calc_insurance_rate', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Insurance: `percent` of the vehicle value, at least `minimum`, one row per currency.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OceanFreightRate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('port_of_loading', fields.CharField(max_length=5)),
                ('port_of_discharge', fields.CharField(max_length=5)),
                ('mode', fields.CharEnumField(description='CONSOLIDATED: CONSOLIDATED\nEXCLUSIVE: EXCLUSIVE', enum_type=ContainerMode, max_length=16)),
                ('amount', fields.DecimalField(max_digits=16, decimal_places=4)),
                ('currency', fields.CharField(max_length=3)),
                ('demo', fields.BooleanField(default=False)),
            ],
            options={'table': 'calc_ocean_freight_rate', 'app': 'models', 'unique_together': (('port_of_loading', 'port_of_discharge', 'mode'),), 'pk_attr': 'id', 'table_description': 'Per vehicle in a consolidated (shared) container, per container when exclusive.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OriginPlace',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('unlocode', fields.CharField(unique=True, max_length=5)),
                ('name', fields.CharField(max_length=200)),
                ('region', fields.CharField(max_length=40)),
                ('port_of_loading', fields.CharField(max_length=5)),
                ('demo', fields.BooleanField(default=False)),
            ],
            options={'table': 'calc_origin_place', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Where a vehicle is picked up (a UN/LOCODE), its inland region and port of loading.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PortFee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('port', fields.CharField(unique=True, max_length=5)),
                ('amount', fields.DecimalField(max_digits=16, decimal_places=4)),
                ('currency', fields.CharField(max_length=3)),
                ('demo', fields.BooleanField(default=False)),
            ],
            options={'table': 'calc_port_fee', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Port and handling fees per vehicle at a port of discharge.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RateChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('editor', fields.ForeignKeyField('models.User', source_field='editor_id', db_constraint=True, to_field='id', related_name='rate_changes', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rate_table', fields.CharEnumField(description='ORIGIN_PLACE: ORIGIN_PLACE\nINLAND: INLAND\nOCEAN_FREIGHT: OCEAN_FREIGHT\nPORT_FEE: PORT_FEE\nINSURANCE: INSURANCE\nEXTRA_SERVICE: EXTRA_SERVICE\nCUSTOMS_RULE: CUSTOMS_RULE\nEXCISE_BAND: EXCISE_BAND', enum_type=RateTable, max_length=16)),
                ('row_id', fields.IntField()),
                ('action', fields.CharEnumField(description='CREATED: CREATED\nUPDATED: UPDATED\nDELETED: DELETED', enum_type=RateChangeAction, max_length=8)),
                ('old_value', fields.TextField(null=True, unique=False)),
                ('new_value', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'calc_rate_change', 'app': 'models', 'indexes': [Index(fields=['rate_table', 'id'])], 'pk_attr': 'id', 'table_description': 'The audit of one ADMIN edit: who, when, which row, and its values before and after (JSON).'},
            bases=['Model'],
        ),
    ]
