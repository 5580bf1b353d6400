"""Airflow cluster policy of the DAG runs under test (on the PYTHONPATH of `airflow`).

The DAG files stay as shipped; this only shortens waits: a retry comes after 1 s instead of
minutes, and `FERROMETA_TEST_EXECUTION_TIMEOUT` (seconds) replaces the task's
`execution_timeout`, without retries.
"""

import os
from datetime import timedelta


def task_policy(task):
    task.retry_delay = timedelta(seconds=1)
    timeout = os.environ.get("FERROMETA_TEST_EXECUTION_TIMEOUT")
    if timeout:
        task.execution_timeout = timedelta(seconds=float(timeout))
        task.retries = 0
