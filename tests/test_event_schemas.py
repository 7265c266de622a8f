"""The data of every event type against its JSON Schema in docs/events/: the schema names
exactly the fields the code writes, and the demo business's feeds all validate."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import httpx2
from jsonschema import Draft202012Validator

from models.integrations.tables import EventType
from resolvers.integrations.events import DATA_TYPES
from tests.feeds import demo_parties, read_feed

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "events"


def schema_of(event_type: str) -> dict:
    return json.loads((SCHEMAS / f"{event_type}.v1.json").read_text())


def test_each_event_type_has_a_schema_naming_exactly_the_fields_of_its_data():
    assert set(DATA_TYPES) == set(EventType)
    assert {path.name for path in SCHEMAS.glob("*.json")} == {
        f"{event_type.value}.v1.json" for event_type in DATA_TYPES
    }
    for event_type, shape in DATA_TYPES.items():
        schema = schema_of(event_type.value)
        Draft202012Validator.check_schema(schema)
        fields = set(typing.get_type_hints(shape))
        assert set(schema["properties"]) == fields, event_type
        assert set(schema["required"]) == fields, event_type


async def test_every_event_of_the_demo_feeds_validates_against_its_schema(server, make):
    parties = await demo_parties(make)
    seen = set()
    async with httpx2.AsyncClient(base_url=f"http://{server}") as http:
        for party in parties.values():
            events, _ = await read_feed(http, party)
            for event in events:
                validator = Draft202012Validator(
                    schema_of(event["type"]), format_checker=Draft202012Validator.FORMAT_CHECKER
                )
                errors = [error.message for error in validator.iter_errors(event["data"])]
                assert errors == [], (event["type"], event["data"])
                seen.add(event["type"])
    assert seen == {event_type.value for event_type in DATA_TYPES}
