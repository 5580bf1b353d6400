"""The GIL is released while the engine runs, and Python signals (Ctrl-C, Airflow's
SIGALRM-based `execution_timeout`) cancel a run cleanly."""

import os
import signal
import sqlite3
import threading
import time

import pytest

from ferrometa import Workflow

from conftest import LARGE_TABLES, catalog_tables, make_recipe


class TaskTimeout(Exception):
    """Stands in for Airflow's AirflowTaskTimeout, raised from a SIGALRM handler the same way."""


def test_gil_is_released_while_running(large_endpoint, catalog):
    ticks = 0
    running = True

    def tick():
        nonlocal ticks
        while running:
            ticks += 1
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    workflow = Workflow.create(make_recipe(large_endpoint, catalog))
    thread.start()
    started = time.monotonic()
    workflow.execute()
    elapsed = time.monotonic() - started
    running = False
    thread.join()
    assert len(catalog_tables(catalog)) == LARGE_TABLES
    # A thread starved of the GIL would barely tick; a free one ticks about once a ms.
    assert ticks > elapsed * 1000 / 4, (ticks, elapsed)


#: When the signal is sent after the run starts: well inside a run paced to several seconds.
SIGNAL_AFTER_SECONDS = 2.0


def signal_mid_run(signum):
    """Sends `signum` to this process once the run is under way, from a timer thread (Python
    runs the handler on the main thread, as for a real Ctrl-C or SIGALRM)."""
    timer = threading.Timer(SIGNAL_AFTER_SECONDS, os.kill, (os.getpid(), signum))
    timer.start()
    return timer


def interrupted_run(endpoint, catalog, signum, expected):
    """Runs a workflow interrupted by `signum` mid-run; returns the tables it wrote."""
    recipe = make_recipe(endpoint, catalog)
    # Paced to about 15 s, so the signal lands while tables are still being read.
    recipe["source"]["sourceConfig"]["config"]["requestsPerSecond"] = 40
    workflow = Workflow.create(recipe)
    timer = signal_mid_run(signum)
    with pytest.raises(expected):
        workflow.execute()
    timer.join()
    status = workflow.status
    assert status.cancelled
    assert status.deleted == []
    assert workflow.result_status() == 1
    assert "Workflow was cancelled before it finished" in str(status)
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    written = catalog_tables(catalog)
    assert 0 < len(written) < LARGE_TABLES
    return written


def test_ctrl_c_cancels_and_the_next_run_completes(large_endpoint, catalog):
    # Python's own Ctrl-C handler, whatever this process inherited: a shell starts background
    # jobs with SIGINT ignored, and Python then installs none.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        written = interrupted_run(large_endpoint, catalog, signal.SIGINT, KeyboardInterrupt)
    finally:
        signal.signal(signal.SIGINT, previous)

    workflow = Workflow.create(make_recipe(large_endpoint, catalog))
    workflow.execute()
    workflow.raise_from_status()
    assert len(catalog_tables(catalog)) == LARGE_TABLES
    assert workflow.status.sink.unchanged >= len(written)
    assert workflow.status.deleted == []


def test_timeout_signal_handler_cancels(large_endpoint, catalog):
    def on_alarm(signum, frame):
        raise TaskTimeout("Timeout, PID: 1")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        interrupted_run(large_endpoint, catalog, signal.SIGALRM, TaskTimeout)
    finally:
        signal.signal(signal.SIGALRM, previous)
