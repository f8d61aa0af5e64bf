"""An export's child pauses while others run, never longer than it worked (giving_way.py)."""

from vbe_learn.exports import giving_way as module
from vbe_learn.exports.giving_way import CHECK_EVERY_ROWS, giving_way, others_running_reader


class FakeTime:
    """A clock that moves only when told: each row costs `per_row`, each sleep its length."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        """Now."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.slept.append(seconds)
        self.now += seconds


def consumed(rows, fake: FakeTime, per_row: float) -> list:
    """Every row, `per_row` seconds of work each (the writer's)."""
    out = []
    for row in rows:
        fake.now += per_row
        out.append(row)
    return out


def test_on_a_quiet_machine_nothing_pauses():
    fake = FakeTime()
    rows = giving_way(range(100), lambda: False, fake.clock, fake.sleep)
    assert consumed(rows, fake, 0.001) == list(range(100))
    assert fake.slept == []


def test_while_others_run_it_pauses_but_never_longer_than_it_worked():
    fake = FakeTime()
    rows = giving_way(range(800), lambda: True, fake.clock, fake.sleep)
    assert consumed(rows, fake, 0.001) == list(range(800))
    worked = 800 * 0.001
    paused = sum(fake.slept)
    assert worked * 0.9 <= paused <= worked + 2 * module.PAUSE_SECONDS


def test_it_pauses_only_while_others_run():
    fake = FakeTime()
    busy_until = 0.05  # another process runs for the first 50 ms

    def others_running() -> bool:
        return fake.now < busy_until

    rows = giving_way(range(1000), others_running, fake.clock, fake.sleep)
    assert consumed(rows, fake, 0.0001) == list(range(1000))
    assert fake.slept  # it gave way ...
    assert sum(fake.slept) <= busy_until + module.PAUSE_SECONDS  # ... only while they ran


def test_it_looks_every_few_rows():
    looks = []
    rows = giving_way(range(10 * CHECK_EVERY_ROWS), lambda: looks.append(1) or False)
    assert list(rows) == list(range(10 * CHECK_EVERY_ROWS))
    assert len(looks) == 10


def test_outside_an_export_child_the_rows_just_pass(monkeypatch):
    monkeypatch.setattr(module, "_enabled", False)
    monkeypatch.setattr(module, "others_running_reader", lambda: lambda: True)
    assert list(giving_way(range(50))) == list(range(50))  # no reader asked, no pause


def test_the_kernel_counts_this_process_as_running(tmp_path):
    others_running = others_running_reader()
    assert others_running is not None  # Linux
    assert others_running() in (True, False)
    fake = tmp_path / "loadavg"
    fake.write_text("0.10 0.20 0.30 1/300 4242\n")
    assert others_running_reader(str(fake))() is False  # only this process
    fake.write_text("1.10 0.20 0.30 3/300 4242\n")
    assert others_running_reader(str(fake))() is True
    assert others_running_reader(str(tmp_path / "missing")) is None


def test_it_waits_for_a_quiet_moment_not_just_a_gap():
    fake = FakeTime()
    # Another process runs with gaps: busy, idle, busy, idle, ... for 20 ms, then quiet.
    pattern = [True, False] * 10

    def others_running() -> bool:
        return pattern.pop(0) if pattern else False

    rows = giving_way(range(module.CHECK_EVERY_ROWS), others_running, fake.clock, fake.sleep)
    consumed(rows, fake, 0.1)  # enough work done for the budget to be no limit here
    assert not pattern  # it slept through every gap (the last one ends it: quiet once) ...
    assert len(fake.slept) == 19 + module.QUIET_CHECKS - 1  # ... and then for quiet checks
