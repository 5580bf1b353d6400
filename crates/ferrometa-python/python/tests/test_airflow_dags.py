"""The example DAGs run for real with `airflow dags test`, against DynamoDB-compatible servers.

- Airflow 3 runs `examples/airflow/ferrometa_dynamodb.py` (its metadata DAG, then its profiler
  and classification DAG over what the first wrote); credentials, region and endpoint
  come from an Airflow connection, the catalog path from an Airflow Variable, both set
  through `AIRFLOW_CONN_*`/`AIRFLOW_VAR_*`.
- Airflow 2 runs OpenMetadata's documented DAG (`examples/airflow/airflow2/`), changed only in
  its import; credentials and endpoint come from the standard `AWS_*` variables.

`FERROMETA_AIRFLOW` lists the installs to use, as space-separated `VERSION=VENV` pairs
(`scripts/python-tests.sh` sets it); without it these tests are skipped.
"""

import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Optional

import pytest

from conftest import DEMO_TABLES, ROOT, catalog_tables

AIRFLOW = dict(pair.split("=", 1) for pair in os.environ.get("FERROMETA_AIRFLOW", "").split())
POLICY = Path(__file__).with_name("airflow")

#: Distinctive credentials the task log must not show.
KEY_ID = "AKIAAIRFLOWTESTKEY042"
SECRET = "airflow-s3cr3t-Kp7-never-in-logs"

pytestmark = pytest.mark.skipif(not AIRFLOW, reason="FERROMETA_AIRFLOW names no Airflow install")


class Airflow:
    """One Airflow install with a fresh AIRFLOW_HOME and database, and the DAG to run there."""

    def __init__(self, version: str, venv: Path, home: Path) -> None:
        self.version = version
        self.bin = venv / "bin" / "airflow"
        self.major = int(version.split(".")[0])
        if self.major >= 3:
            self.dags_folder, self.dag_id = ROOT / "examples" / "airflow", "ferrometa_dynamodb_metadata"
        else:
            self.dags_folder, self.dag_id = ROOT / "examples" / "airflow" / "airflow2", "sample_data"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AIRFLOW"))}
        self.env.update(
            AIRFLOW_HOME=str(home),
            AIRFLOW__CORE__DAGS_FOLDER=str(self.dags_folder),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__LOGGING__LOGGING_LEVEL="INFO",
            PYTHONPATH=str(POLICY),
        )
        migrated = subprocess.run([str(self.bin), "db", "migrate"], env=self.env, capture_output=True, text=True)
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    def run_dag(
        self, endpoint: str, catalog: Path, timeout: Optional[float] = None, dag_id: Optional[str] = None
    ) -> "Run":
        """Runs the DAG (`dag_id`, else the metadata one) once, its recipe pointed at `endpoint`
        and `catalog`."""
        env = dict(self.env)
        if self.major >= 3:
            env["AIRFLOW_CONN_FERROMETA_DYNAMODB"] = json.dumps(
                {
                    "conn_type": "aws",
                    "login": KEY_ID,
                    "password": SECRET,
                    "extra": {"region_name": "us-east-1", "endpoint_url": endpoint},
                }
            )
            env["AIRFLOW_VAR_FERROMETA_CATALOG"] = str(catalog)
        else:
            # The documented recipe writes `ferrometa.db` in the working directory.
            assert catalog.name == "ferrometa.db"
            env.update(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_ENDPOINT_URL=endpoint)
        if timeout is not None:
            env["FERROMETA_TEST_EXECUTION_TIMEOUT"] = str(timeout)
        catalog.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [str(self.bin), "dags", "test", dag_id or self.dag_id],
            env=env,
            cwd=catalog.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return Run(done.returncode, done.stdout)


class Run:
    def __init__(self, returncode: int, log: str) -> None:
        self.returncode = returncode
        self.log = log

    def __repr__(self) -> str:
        return f"exit status {self.returncode}; last lines of the log:\n" + "\n".join(self.log.splitlines()[-40:])


@pytest.fixture(scope="module", params=sorted(AIRFLOW), ids=lambda v: f"airflow-{v}")
def airflow(request, tmp_path_factory) -> Airflow:
    version = request.param
    return Airflow(version, Path(AIRFLOW[version]), tmp_path_factory.mktemp(f"airflow-{version}"))


def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "catalog" / "ferrometa.db"


def test_dag_run_fills_the_catalog(airflow: Airflow, endpoint: str, tmp_path: Path) -> None:
    catalog = catalog_path(tmp_path)
    run = airflow.run_dag(endpoint, catalog)
    assert run.returncode == 0, run
    assert "Workflow DynamoDB Summary:\nProcessed records: 9\n" in run.log, run
    assert "running the metadata workflow of service" in run.log, "engine logs reach the task log"
    assert catalog_tables(catalog) == DEMO_TABLES
    assert SECRET not in run.log and KEY_ID not in run.log


def test_failing_table_fails_the_task(airflow: Airflow, faulty_endpoint: str, tmp_path: Path) -> None:
    catalog = catalog_path(tmp_path)
    run = airflow.run_dag(faulty_endpoint, catalog)
    assert run.returncode == 1, run
    assert "WorkflowExecutionError: DynamoDB reported errors" in run.log, run
    # The failure is in the exception's message, not only in a log line before it.
    assert re.search(r"\n  \w+\.default\.default\.orders: DescribeTable for table `orders` failed: AccessDenied", run.log), run
    assert catalog_tables(catalog) == [t for t in DEMO_TABLES if t != "orders"]
    assert SECRET not in run.log


def test_execution_timeout_cancels_cleanly(
    airflow: Airflow, endpoint: str, hanging_endpoint: str, tmp_path: Path
) -> None:
    catalog = catalog_path(tmp_path)
    assert airflow.run_dag(endpoint, catalog).returncode == 0
    # The endpoint stalls: only the task's execution_timeout ends the run.
    run = airflow.run_dag(hanging_endpoint, catalog, timeout=1.0)
    assert run.returncode == 1, run
    assert "AirflowTaskTimeout" in run.log, run
    assert "interrupted: stopped after the current writes" in run.log, run
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # What the first run wrote is intact.
    assert catalog_tables(catalog) == DEMO_TABLES


def test_profiler_dag_profiles_and_tags_what_the_metadata_dag_wrote(
    airflow: Airflow, endpoint: str, tmp_path: Path
) -> None:
    if airflow.major < 3:
        pytest.skip("the profiler DAG is in the Airflow 3 example")
    catalog = catalog_path(tmp_path)
    assert airflow.run_dag(endpoint, catalog).returncode == 0
    run = airflow.run_dag(endpoint, catalog, dag_id="ferrometa_dynamodb_profiler")
    assert run.returncode == 0, run
    assert "running the profiler workflow of service" in run.log, run
    assert "running the auto-classification workflow of service" in run.log, run
    assert SECRET not in run.log and KEY_ID not in run.log
    with sqlite3.connect(catalog) as db:
        profiled = db.execute(
            "SELECT e.name, p.table_profile FROM table_profile p JOIN entity e ON e.id = p.table_id ORDER BY e.name"
        ).fetchall()
        samples = db.execute("SELECT count(*) FROM sample_data").fetchone()[0]
        app_data = db.execute("SELECT json FROM entity WHERE entity_type = 'table' AND name = 'app_data'").fetchone()[0]
    assert [name for name, _ in profiled] == DEMO_TABLES
    row_counts = {name: json.loads(profile).get("rowCount") for name, profile in profiled}
    assert row_counts["customers"] > 0 and row_counts["audit_log_empty"] == 0, row_counts
    assert samples == len(DEMO_TABLES)
    assert '"tagFQN":"PII.Sensitive"' in app_data.replace(" ", ""), "the users' emails are tagged"


def test_the_install_is_the_version_asked_for(airflow: Airflow) -> None:
    version = subprocess.run([str(airflow.bin), "version"], env=airflow.env, capture_output=True, text=True)
    assert version.stdout.strip().splitlines()[-1] == airflow.version
