"""What limits a target when it is missed: the analysis behind the profile excerpts.

Written from profiles and experiments on this machine (2 cores, 2026-11-21); the figures
quoted here are from those diagnostic runs, the figures in the tables above from this run.
"""

from __future__ import annotations

from bench.report import Figure

FANOUT = """\
The send loop, not the hub's Python. Timed inside the server per event of 2,000 sockets
(SQLite): Cargolive's fan-out loop took 42-57 ms, the ceiling's 24-39 ms. py-spy `--native`
puts 60-72% of both servers' samples inside the `write(2)` system call, and a micro-benchmark
of Cargolive's whole per-delivery path against a fake socket costs 1.37 µs against the
ceiling's 0.73 µs: far less than the gap. The gap is in the kernel, and it grows with any
Python between two writes: on loopback the sender's `write` does the receiver's TCP work
and wakes the load process on the other core, and the slower frames come, the more often
that reader has gone to sleep and must be woken (a cross-core wake-up, dear in a VM). Adding
a 10 µs busy wait per send to the ceiling raised its samples inside `write` from 265 to 407.

Fixed after measuring: a fresh frame per socket (operation prefix + payload, stored two bytes a
character because of one non-ASCII place name) made the loop 45 ms; frames are now shared by
operations with the same id and payloads are ASCII JSON (28 ms with the shared frame); the
frame goes to ASGI's `send` without starlette's extra coroutine. The asyncpg pool no longer
resets a connection after each statement.

What remains is the price of the outbox that keeps one stalled socket from stalling the
rest: each frame is written by a coroutine started in place, handed to a task only if the
socket's buffer is full, behind a bounded backlog. Awaiting each send straight from the hub
loop, as the ceiling does, measured 61,400 deliveries/s (the ceiling's rate), but a single
socket whose client stopped reading would then hold every subscriber of the topic until it
timed out. The per-event work before the first byte (the Redis notice, the log read of
0.7-1.0 ms, the one render of 0.5-0.9 ms) adds about 2 ms to each event's 30-45 ms."""

QUERY = """\
CPU per request. The tracking page's query measured in-process on PostgreSQL (token look-up
and `schema.execute`, no HTTP): 7.7 ms of CPU per request at the start of this work, about
285 resolved fields through strawberry and graphql-core, the token look-up, and four statements
(the shipment, its vehicles and its container through tortoise, the 20 events in one
hand-written windowed query). Building a statement through the ORM cost more than PostgreSQL
took to run it: the token look-up took 1.2 ms that way and 0.17-0.28 ms as hand-written SQL,
which it now is; the page then cost 6.2 ms. asyncpg's pool also
sent `RESET ALL` & co. after every statement, a fifth of the samples: that is gone too (the
closed loop went from 241 to 306 requests/s). Two workers share the machine's two cores with
PostgreSQL and the load generator, so the machine's 2,000 ms of CPU a second, at about 6 ms
per request all told, caps the rate near 300-330/s; the open loop at 500/s therefore queues,
and its p99 is the queue. Reaching 500/s needs about 3 ms per request: fewer fields executed
per request (a response cache keyed by the shipment's last seq, invalidated by the event log)
or statements that are not built through the ORM on every request. Neither was safe to do in
this session; both are the next steps."""

MUTATION = """\
CPU per request on one worker (core 0, which PostgreSQL and Redis also use). At the start of
this work the use case alone, measured in-process, cost 2.2 ms of CPU in six statements, each
about 0.36 ms to build through tortoise and run; the closed loop did 238/s. Now the token
look-up, the tracking event, the event-log row, its topics and the event's seq are
hand-written SQL (models/sql.py), the pool no longer resets a connection after each
statement and the collector no longer stops the process for hundreds of milliseconds: the use
case costs 1.7-1.9 ms and the closed loop does 320-384/s on PostgreSQL across runs (300/s on
SQLite, where every write also waits for the one connection). What is left per request:
strawberry's execution of the mutation, about 30% of the worker's samples, spread thin
(argument conversion, which imports `strawberry.relay.types` on every call; extension context
managers; type resolution), the shipment's look-up through its visibility queryset (10%: kept
in the ORM, since that queryset is the one place tenant isolation is written), the HTTP layer
(10%) and the notice to Redis. At an offered 300/s the worker is 80-90% busy, so the p50 stays
at 4-8 ms while the p99 is whatever queue the last stall of this shared 2-core VM left behind:
42 ms, 185 ms and 597 ms in three runs of nearly the same code. A second worker does not help
on two cores already shared with PostgreSQL, Redis and the load (372/s closed loop, but a worse
open loop as the kernel spreads the connections unevenly). Next: the shipment look-up and the
transaction's own statements, and fewer strawberry layers per mutation."""

SPREAD_SQLITE = """\
A saturated core, not the fan-out. On SQLite + memory:// no other process can reach the
server's in-process bus, so the writer records its 200 events a second through the server's
own `recordTrackingEvent` over HTTP: about 3 ms of CPU each (see mutation), 60% of the
server's one core before a single frame is sent. With the fan-out on top the server is about
90% busy (the "server CPU busy" row), and the latency is the queue in front of that core. On
PostgreSQL + Redis the writes run in another process, as they do when several Cargolive
processes share a database, and the same fan-out meets both targets."""

SPREAD_GC = """\
Garbage-collection pauses. Timing every collection and the event loop's lag in the server
during this scenario: with gc's default thresholds a full collection came every few seconds
and walked every open socket's objects (57 ms growing to 449 ms); with (700, 1000, 10) one
middle collection after the sockets connected walked them all at once (304 ms, the whole p99
of the run). Now the start-up heap is frozen out of the collector and the thresholds are
(700, 100, 100): middle collections of 20-30 ms and no full collection in a 30 s run (the
"full GC collections" row counts them). A miss here means a collection still landed in the
run: its pause is in that row."""

SLOW = """\
Run-to-run noise larger than the effect. With 2,000 sockets on one shipment the readers' p99
is the time to write an event to all of them (35-80 ms), and the two runs compared are two
server processes started one after the other: on SQLite the run with slow sockets came out
46% *faster*, on PostgreSQL 24% slower. What the slow sockets cost the others is 20 frames
fewer to write per event (their frames wait in their bounded outboxes, and no write waits for
them: see fan-out); memory stays flat (the RSS rows) and no reader lost an event. A verdict
within 10% needs both cases in one server, interleaved, and repeated runs: the next step."""


EXPLANATIONS: dict[tuple[str, str], str] = {
    ("spread", "SQLite"): SPREAD_SQLITE,
    ("spread", "latency"): SPREAD_GC,
    ("fan-out", "ratio"): FANOUT,
    ("query", "requests/s"): QUERY,
    ("query", "p99"): QUERY,
    ("mutation", "requests/s"): MUTATION,
    ("mutation", "p99"): MUTATION,
    ("slow", "p99 change"): SLOW,
}


def explain(scenario: str, figure: Figure) -> str:
    for (key, metric), text in EXPLANATIONS.items():
        if key == scenario and (metric in figure.metric or metric in figure.backend):
            return text
    return "No analysis written for this miss yet: see the profile below."
