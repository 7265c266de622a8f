"""A socket's outbox: eager writes while the socket takes them, an ordered bounded backlog else."""

from __future__ import annotations

import asyncio

import pytest

from api.outbox import Outbox, start_eagerly


class FakeSocket:
    """Sends like uvicorn's: a write waits while the transport has paused writing."""

    def __init__(self) -> None:
        self.writable = asyncio.Event()
        self.writable.set()
        self.sent: list[str] = []
        self.broken = False

    async def send_text(self, frame: str) -> None:
        await self.writable.wait()
        if self.broken:
            raise RuntimeError("the client is gone")
        self.sent.append(frame)


def outbox_on(socket: FakeSocket, limit: int = 3) -> tuple[Outbox, list[str]]:
    overflows: list[str] = []
    return Outbox(socket.send_text, limit, lambda: overflows.append("overflow")), overflows


async def test_a_socket_that_takes_frames_is_written_at_once_without_a_task():
    socket = FakeSocket()
    outbox, _ = outbox_on(socket)

    outbox.push("a")
    outbox.push("b")

    assert socket.sent == ["a", "b"]
    assert outbox.pending == 0


async def test_frames_wait_in_order_while_the_socket_is_paused_then_all_go_out():
    socket = FakeSocket()
    outbox, overflows = outbox_on(socket)
    socket.writable.clear()

    for frame in "abcd":
        outbox.push(frame)
    assert socket.sent == [] and outbox.pending == 4

    socket.writable.set()
    await outbox.drained()

    assert socket.sent == ["a", "b", "c", "d"]
    assert overflows == []


async def test_a_full_backlog_overflows_instead_of_growing():
    socket = FakeSocket()
    outbox, overflows = outbox_on(socket, limit=2)
    socket.writable.clear()

    for frame in "abcd":  # one being written, two waiting, then one too many
        outbox.push(frame)

    assert overflows == ["overflow"]
    assert outbox.pending == 3


async def test_put_waits_for_room_rather_than_overflowing():
    socket = FakeSocket()
    outbox, overflows = outbox_on(socket, limit=1)
    socket.writable.clear()
    outbox.push("a")
    outbox.push("b")

    waiting = asyncio.create_task(outbox.put("c"))
    await asyncio.sleep(0.01)
    assert not waiting.done()

    socket.writable.set()
    await waiting
    await outbox.drained()
    assert socket.sent == ["a", "b", "c"]
    assert overflows == []


async def test_close_stops_the_write_in_progress_and_drops_the_rest():
    socket = FakeSocket()
    outbox, _ = outbox_on(socket)
    socket.writable.clear()
    outbox.push("a")
    outbox.push("b")

    outbox.close()
    await asyncio.sleep(0)
    socket.writable.set()
    outbox.push("c")
    await outbox.drained()

    assert socket.sent == []
    assert outbox.closed


@pytest.mark.parametrize("paused", [False, True])
async def test_a_failed_write_closes_the_outbox(paused):
    socket = FakeSocket()
    outbox, _ = outbox_on(socket)
    socket.broken = True
    if paused:
        socket.writable.clear()

    outbox.push("a")
    outbox.push("b")
    socket.writable.set()
    await outbox.drained()

    assert outbox.closed and isinstance(outbox.error, RuntimeError)
    assert socket.sent == []


async def test_start_eagerly_finishes_a_coroutine_across_several_suspensions():
    first = asyncio.get_running_loop().create_future()
    steps: list[str] = []

    async def work() -> None:
        steps.append("started")
        steps.append(await first)
        await asyncio.sleep(0)
        steps.append("done")

    task = start_eagerly(work())
    assert steps == ["started"] and task is not None

    first.set_result("resumed")
    await task
    assert steps == ["started", "resumed", "done"]


async def test_a_cancelled_eager_task_lets_its_coroutine_clean_up():
    cleaned = []

    async def work() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append(True)

    task = start_eagerly(work())
    assert task is not None
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]


async def test_the_backlog_is_bounded_in_bytes_as_well_as_frames():
    socket = FakeSocket()
    overflows: list[str] = []
    outbox = Outbox(socket.send_text, 100, lambda: overflows.append("overflow"), max_chars=10)
    socket.writable.clear()

    outbox.push("written")  # taken by the paused socket
    for frame in ["aaaa", "bbbb"]:
        outbox.push(frame)
    assert overflows == []
    outbox.push("cccc")  # 12 characters would wait: over the bound, long before 100 frames

    assert overflows == ["overflow"]
