"""Checks every request body the metadata-rest sink sends against OpenMetadata's own models.

The Rust test `bodies` saves each kind of body into `target/rest-sink-bodies` (bulk arrays
and single requests for services, databases, schemas and tables); each one must validate
with the pydantic model openmetadata-ingestion 2.0.7.0 builds for that request, which
forbids unknown keys. Run it with the venv of `scripts/upstream-venv.sh`:

    cargo test -p ferrometa-rest-sink --test it bodies
    .venv-upstream/bin/python -m pytest crates/ferrometa-rest-sink/tests/upstream
"""

import json
import os
import pathlib
import re

import pytest

from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.type.tagLabel import TagLabel

ROOT = pathlib.Path(__file__).resolve().parents[4]
BODIES = pathlib.Path(os.environ.get("REST_SINK_BODIES", ROOT / "target" / "rest-sink-bodies"))

MODELS = {
    "services-databaseServices": CreateDatabaseServiceRequest,
    "databases": CreateDatabaseRequest,
    "databaseSchemas": CreateDatabaseSchemaRequest,
    "tables": CreateTableRequest,
}


def model_for(path: pathlib.Path):
    """The request model and whether the body is a bulk array, from `<scenario>-<n>-PUT-<path>.json`."""
    route = path.stem.split("-PUT-", 1)[1]
    bulk = route.endswith("-bulk")
    return MODELS[route.removesuffix("-bulk")], bulk


# The column tags' JSON Patch adds to a column's tags, at any depth.
TAG_PATH = re.compile(r"^/columns/\d+(/children/\d+)*/tags(/-)?$")


def bodies():
    files = sorted(p for p in BODIES.glob("*.json") if "-PATCH-" not in p.name)
    assert files, f"no captured bodies in {BODIES}: run the Rust test first"
    return files


@pytest.mark.parametrize("path", bodies(), ids=lambda p: p.name)
def test_body_validates_with_upstream_model(path):
    model, bulk = model_for(path)
    body = json.loads(path.read_text())
    requests = body if bulk else [body]
    assert requests, "a bulk body holds at least one request"
    for request in requests:
        model.model_validate(request)


def test_every_kind_is_covered():
    kinds = {model_for(p) for p in bodies()}
    for model in MODELS.values():
        assert (model, True) in kinds or model is CreateDatabaseServiceRequest
        assert (model, False) in kinds


def patches():
    return sorted(BODIES.glob("*-PATCH-tables-*.json"))


def test_column_tag_patches_add_upstream_tag_labels():
    files = patches()
    assert files, f"no captured table patches in {BODIES}: run the Rust test first"
    for path in files:
        operations = json.loads(path.read_text())
        assert operations, path.name
        for operation in operations:
            assert operation["op"] == "add", operation
            assert TAG_PATH.match(operation["path"]), operation
            labels = operation["value"] if operation["path"].endswith("/tags") else [operation["value"]]
            for label in labels:
                tag = TagLabel.model_validate(label)
                assert tag.state.value == "Suggested"
                assert tag.source.value == "Classification"
