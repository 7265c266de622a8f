"""The status each shipment had right after a tracking event, kept with the event
(`tracking_event.statuses_after`, by shipment id) so that a replay draws the history rather
than today's status; filled in for the events written before it:

1. from the event log's facts (written since 0011 with every tracking event: exact);
2. then the newest event of each shipment that still lacks one gets the shipment's status now
   (every status change records an event, so none came after it);
3. what is left (older events whose log rows were pruned) stays null: not known any more.
"""

import json

from tortoise import fields, migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS

BATCH = 1000


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


async def fill_statuses(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    one, two = ("$1", "$2") if postgres else ("?", "?")
    stored = f"{one}::text::jsonb" if postgres else one
    update = f"UPDATE tracking_event SET statuses_after = {stored} WHERE id = {two}"
    select = f"""SELECT te.id, e.facts FROM tracking_event te JOIN event_log e ON e.seq = te.seq
        WHERE e.facts IS NOT NULL AND te.id > {one} ORDER BY te.id LIMIT {BATCH}"""
    last = 0
    while rows := await client.execute_query_dict(select, [last]):
        for row in rows:
            facts = _json(row["facts"]) or {}
            after = {str(f["id"]): f["after"] for f in facts.get("shipments", []) if f.get("after")}
            if after:
                await client.execute_query(update, [json.dumps(after), row["id"]])
        last = rows[-1]["id"]
    newest = f"""SELECT s.id AS shipment_id, s.status, te.id, te.statuses_after
        FROM shipment s
        JOIN tracking_event te ON te.seq = (
            SELECT MAX(et.seq) FROM event_topic et WHERE et.topic = 'shipment:' || s.id)
        WHERE s.id > {one} ORDER BY s.id LIMIT {BATCH}"""
    last = 0
    written: dict[int, dict] = {}  # a container's event is the newest of several shipments
    while rows := await client.execute_query_dict(newest, [last]):
        for row in rows:
            after = written.get(row["id"]) or _json(row["statuses_after"]) or {}
            if str(row["shipment_id"]) not in after:
                after[str(row["shipment_id"])] = row["status"]
                written[row["id"]] = after
                await client.execute_query(update, [json.dumps(after), row["id"]])
        last = rows[-1]["shipment_id"]


class Migration(migrations.Migration):
    dependencies = [('models', '0016_changed_events')]  # one line: 0012, 0015, 0014, 0016, 0013

    initial = False

    operations = [
        ops.AddField(
            model_name='TrackingEvent',
            name='statuses_after',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.RunPython(fill_statuses, ops.RunPython.noop),
    ]
