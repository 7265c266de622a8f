"""Reading the event log: per topic, in seq (commit) order."""

from __future__ import annotations

from collections.abc import Collection

from tortoise.expressions import Subquery
from tortoise.functions import Max

from models import sql
from models.events import Event, EventTopic


async def latest_seq(topic: str | None = None) -> int:
    """The highest committed seq, of one topic or of the whole log (0 when empty).

    Hand-written (models/sql.py): the delivery worker and the caches ask it after every
    commit, and through the ORM building the query cost three times as much as running it."""
    connection, p = sql.default()
    if topic is None:
        text = f'SELECT MAX({sql.column(Event, "seq")}) AS top FROM "{Event._meta.db_table}"'
    else:
        table, seq = EventTopic._meta.db_table, sql.column(EventTopic, "seq")
        where = f"{sql.column(EventTopic, 'topic')} = {p(topic)}"
        text = f'SELECT MAX({seq}) AS top FROM "{table}" WHERE {where}'
    (row,) = await connection.execute_query_dict(text, p.values)
    return int(row["top"] or 0)


async def read_topic(
    topic: str,
    *,
    after: int,
    limit: int,
) -> list[Event]:
    """Events of `topic` with seq > `after`, oldest first, at most `limit` of them (one query:
    every live event of a topic is read once per process, so its round trips count)."""
    seqs = EventTopic.filter(topic=topic, seq__gt=after).order_by("seq").limit(limit)
    return list(await Event.filter(seq__in=Subquery(seqs.values("seq"))).order_by("seq"))


async def topics_after(mark: int, topics: Collection[str]) -> tuple[dict[str, int], int]:
    """The newest seq past `mark` of each of `topics` that has one, and the log's new mark.

    Every seq up to the log's highest is committed (seq follows commit order), so the mark can
    move there at once without skipping anything.
    """
    top = await latest_seq()
    if top <= mark or not topics:
        return {}, max(top, mark)
    rows = await (
        EventTopic.filter(topic__in=list(topics), seq__gt=mark, seq__lte=top)
        .annotate(newest=Max("seq"))
        .group_by("topic")
        .values_list("topic", "newest")
    )
    return {name: int(newest) for name, newest in rows}, top


async def changed_after(mark: int) -> tuple[dict[str, int], int]:
    """Every topic with a seq past `mark`, with its newest, and the log's new mark (as
    `topics_after`, over all topics: the result cache does not know in advance which)."""
    top = await latest_seq()
    if top <= mark:
        return {}, mark
    rows = await (
        EventTopic.filter(seq__gt=mark, seq__lte=top)
        .annotate(newest=Max("seq"))
        .group_by("topic")
        .values_list("topic", "newest")
    )
    return {name: int(newest) for name, newest in rows}, top
