"""Fixtures: DynamoDB-compatible servers (the `ferrometa-emulator` binary), recipes, catalogs."""

import os
import socket
import sqlite3
import subprocess
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

ROOT = Path(__file__).resolve().parents[4]
SERVE = Path(os.environ.get("FERROMETA_SERVE", ROOT / "target" / "debug" / "ferrometa-emulator"))

#: Distinctive credentials: no log line or error message may contain them.
ACCESS_KEY_ID = "AKIAFERROMETATESTKEY7"
SECRET_ACCESS_KEY = "s3cr3t-Zq9-never-log-me-4711"

#: Tables of the `large_endpoint` server.
LARGE_TABLES = 200

#: Tables of the emulator's demo dataset.
DEMO_TABLES = ["app_data", "audit_log_empty", "blobs", "customers", "events.v2", "orders"]


class Server:
    """A running `ferrometa-emulator` process and the endpoints it printed."""

    def __init__(self, *args: str) -> None:
        if not SERVE.exists():
            pytest.fail(
                f"{SERVE} is missing: build it with `cargo build --workspace --bins`"
                " or point FERROMETA_SERVE at it"
            )
        self.process = subprocess.Popen([str(SERVE), *args], stdout=subprocess.PIPE, text=True)
        self.endpoints: Dict[str, str] = {}
        assert self.process.stdout is not None
        for line in self.process.stdout:
            key, _, value = line.strip().partition("=")
            if key == "READY":
                break
            self.endpoints[key] = value
        else:
            pytest.fail(f"{SERVE} exited before it was ready (status {self.process.wait()})")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="session")
def demo_server() -> Iterator[Server]:
    """The demo dataset; `FERROMETA_FAULTY_ENDPOINT` fails DescribeTable of `orders`."""
    server = Server("--fail-table", "orders")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def endpoint(demo_server: Server) -> str:
    return demo_server.endpoints["FERROMETA_ENDPOINT"]


@pytest.fixture(scope="session")
def faulty_endpoint(demo_server: Server) -> str:
    return demo_server.endpoints["FERROMETA_FAULTY_ENDPOINT"]


@pytest.fixture(scope="session")
def large_endpoint() -> Iterator[str]:
    """Generated tables only: a run long enough to be interrupted."""
    server = Server("--no-demo", "--generated", str(LARGE_TABLES))
    yield server.endpoints["FERROMETA_ENDPOINT"]
    server.stop()


@pytest.fixture(scope="session")
def hanging_endpoint() -> Iterator[str]:
    """Accepts connections (the kernel does, into the backlog) and never answers: a stalled
    network, where only a timeout ends the run."""
    with socket.create_server(("127.0.0.1", 0), backlog=128) as server:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def make_recipe(endpoint: str, catalog: Path, **workflow_config: object) -> dict:
    """A recipe as `yaml.safe_load` returns it."""
    return {
        "source": {
            "type": "dynamodb",
            "serviceName": "local_dynamodb",
            "serviceConnection": {
                "config": {
                    "type": "DynamoDB",
                    "awsConfig": {
                        "awsAccessKeyId": ACCESS_KEY_ID,
                        "awsSecretAccessKey": SECRET_ACCESS_KEY,
                        "awsRegion": "us-east-1",
                        "endPointURL": endpoint,
                    },
                }
            },
            "sourceConfig": {"config": {"type": "DatabaseMetadata", "markDeletedTables": True}},
        },
        "sink": {"type": "catalog", "config": {"path": str(catalog)}},
        "workflowConfig": {"loggerLevel": "INFO", **workflow_config},
    }


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return tmp_path / "catalog.db"


def catalog_tables(path: Path) -> List[str]:
    """Names of the live tables in a catalog file, sorted."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT name FROM entity WHERE entity_type = 'table' AND deleted = 0 ORDER BY name"
        ).fetchall()
    return [name for (name,) in rows]
