"""Checks the server's answers against OpenMetadata's own client models.

The Rust test `shape::write_upstream_fixtures` saves one answer of each kind into
`target/tmp/upstream-fixtures` (or `$UPSTREAM_FIXTURES`); this test validates each with the
pydantic model of openmetadata-ingestion 2.0.7.0, which forbids unknown keys, as the client
does when it reads them. Run it with the venv of `scripts/upstream-venv.sh`:

    cargo test -p ferrometa-server --test it shape::write_upstream_fixtures
    .venv-upstream/bin/python -m pytest crates/ferrometa-server/tests/upstream
"""

import json
import os
import pathlib

import pytest

from metadata.__version__ import get_server_version_from_string, match_versions
from metadata.generated.schema.api.openMetadataServerVersion import OpenMetadataServerVersion
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.classification.tag import Tag
from metadata.generated.schema.entity.data.database import Database
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.services.connections.testConnectionDefinition import (
    TestConnectionDefinition as ConnectionDefinition,
)
from metadata.generated.schema.entity.services.databaseService import DatabaseService
from metadata.generated.schema.type.bulkOperationResult import BulkOperationResult
from metadata.generated.schema.type.entityHistory import EntityVersionHistory
from metadata.generated.schema.type.paging import Paging

ROOT = pathlib.Path(__file__).resolve().parents[4]
FIXTURES = pathlib.Path(
    os.environ.get("UPSTREAM_FIXTURES", ROOT / "target" / "tmp" / "upstream-fixtures")
)

MODELS = {
    "Table": Table,
    "Classification": Classification,
    "Tag": Tag,
    "Database": Database,
    "DatabaseSchema": DatabaseSchema,
    "DatabaseService": DatabaseService,
    "BulkOperationResult": BulkOperationResult,
    "TestConnectionDefinition": ConnectionDefinition,
    "OpenMetadataServerVersion": OpenMetadataServerVersion,
}


def fixtures():
    files = sorted(FIXTURES.glob("*.json"))
    if not files:
        pytest.fail(f"no fixtures in {FIXTURES}: run the Rust test shape::write_upstream_fixtures")
    return files


def load(path):
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.stem)
def test_fixture_is_accepted_by_the_client_model(path):
    kind = path.stem.split(".")[0]
    body = load(path)
    if kind == "TableList":
        # `OpenMetadata.list_entities`: each row as the entity, `paging` as `Paging`.
        assert [Table.model_validate(row) for row in body["data"]]
        Paging.model_validate(body["paging"])
        assert set(body) == {"data", "paging"}
    elif kind == "EntityVersionHistory":
        history = EntityVersionHistory.model_validate(body)
        for version in history.versions:
            Table.model_validate(json.loads(version))
    else:
        MODELS[kind].model_validate(body)


def test_server_version_passes_the_client_check():
    body = load(FIXTURES / "OpenMetadataServerVersion.json")
    server = get_server_version_from_string(body["version"])
    assert match_versions(server, "2.0.7.0")


def test_bulk_result_counts_match_its_rows():
    body = load(FIXTURES / "BulkOperationResult.bulk.json")
    result = BulkOperationResult.model_validate(body)
    assert result.numberOfRowsFailed.root == len(result.failedRequest) == 1
    assert result.numberOfRowsPassed.root == len(result.successRequest) == 1
