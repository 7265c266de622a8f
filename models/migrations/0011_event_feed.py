"""The organization feed: when each event was written, what it knew, and a topic per
organization in its audience (`org:<id>`), added here to the events written before."""

import json

from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise.fields.db_defaults import Now
from tortoise import fields
from tortoise.indexes import Index

BATCH = 1000


async def organization_topics(apps, schema_editor) -> None:
    """One `org:<id>` topic row per organization in each existing event's audience."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    select = "SELECT seq, audience_orgs FROM event_log WHERE seq > {} ORDER BY seq LIMIT {}"
    insert = "INSERT INTO event_topic (topic, seq) VALUES ({}, {})"
    marks = ("$1", "$2") if postgres else ("?", "?")
    last = 0
    while True:
        rows = await client.execute_query_dict(select.format(marks[0], BATCH), [last])
        for row in rows:
            orgs = row["audience_orgs"]
            for org in json.loads(orgs) if isinstance(orgs, (str, bytes)) else orgs or []:
                await client.execute_query(insert.format(*marks), [f"org:{org}", row["seq"]])
        if len(rows) < BATCH:
            return
        last = rows[-1]["seq"]


class Migration(migrations.Migration):
    dependencies = [('models', '0010_reassignments_and_blocks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Event',
            name='facts',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Event',
            name='recorded_at',
            field=fields.DatetimeField(db_default=Now(), auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='EventTopic',
            index=Index(fields=['seq']),
        ),
        ops.AddIndex(
            model_name='Shipment',
            index=Index(fields=['updated_at', 'id']),
        ),
        ops.RunPython(organization_topics, ops.RunPython.noop),
    ]
