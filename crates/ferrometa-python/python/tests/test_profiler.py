"""ProfilerWorkflow and AutoClassificationWorkflow end to end: a metadata run fills the catalog,
then upstream's two other workflows read its tables back from DynamoDB-compatible servers."""

import json
import sqlite3

import pytest

from ferrometa import AutoClassificationWorkflow, ConfigurationError, ProfilerWorkflow, Workflow

from conftest import DEMO_TABLES, make_recipe


def recipe_of(endpoint, catalog, config):
    recipe = make_recipe(endpoint, catalog)
    recipe["source"]["sourceConfig"] = {"config": config}
    recipe["processor"] = {"type": "orm-profiler", "config": {}}
    return recipe


def run(workflow):
    workflow.execute()
    workflow.raise_from_status()
    workflow.print_status()
    workflow.stop()
    return workflow.status


def test_profiler_workflow_profiles_every_table_the_catalog_holds(endpoint, catalog, capsys):
    run(Workflow.create(make_recipe(endpoint, catalog)))
    workflow = ProfilerWorkflow.create(recipe_of(endpoint, catalog, {"type": "Profiler"}))
    assert isinstance(workflow, Workflow) and type(workflow).__name__ == "ProfilerWorkflow"
    status = run(workflow)
    assert len(status.source.records) == len(DEMO_TABLES), status.source.records
    assert status.source.failures == [] and status.sink.failures == []
    assert "ProfilerWorkflow" in repr(workflow)
    with sqlite3.connect(catalog) as db:
        rows = db.execute(
            "SELECT e.name, p.table_profile, p.column_profile FROM table_profile p "
            "JOIN entity e ON e.id = p.table_id ORDER BY e.name"
        ).fetchall()
    assert [name for name, _, _ in rows] == DEMO_TABLES
    profiles = {name: (json.loads(table), json.loads(columns)) for name, table, columns in rows}
    table, columns = profiles["customers"]
    assert table["rowCount"] == 8 and table["columnCount"] == 3, table
    tier = next(c for c in columns if c["name"] == "tier")
    assert tier["valuesCount"] == 8 and tier["distinctCount"] <= 3, tier


def test_auto_classification_workflow_tags_and_stores_masked_samples(endpoint, catalog):
    run(Workflow.create(make_recipe(endpoint, catalog)))
    config = {"type": "AutoClassification", "storeSampleData": True, "sampleDataCount": 5}
    status = run(AutoClassificationWorkflow.create(recipe_of(endpoint, catalog, config)))
    assert status.sink.failures == []
    with sqlite3.connect(catalog) as db:
        (sample,) = db.execute(
            "SELECT s.json FROM sample_data s JOIN entity e ON e.id = s.table_id WHERE e.name = 'app_data'"
        ).fetchone()
        (table,) = db.execute("SELECT json FROM entity WHERE entity_type = 'table' AND name = 'app_data'").fetchone()
    sample, table = json.loads(sample), json.loads(table)
    assert len(sample["rows"]) <= 5
    email = next(c for c in table["columns"] if c["name"] == "email")
    assert [t["tagFQN"] for t in email.get("tags", [])] == ["PII.Sensitive"], email
    index = sample["columns"].index("email")
    assert {row[index] for row in sample["rows"]} <= {"********", None}, "sensitive values are masked"


def test_a_recipe_of_another_type_is_a_configuration_error(endpoint, catalog):
    with pytest.raises(ConfigurationError) as raised:
        ProfilerWorkflow.create(make_recipe(endpoint, catalog))
    assert raised.value.field_path == "source.sourceConfig.config.type"
    assert "runs the `DatabaseMetadata` workflow, not `Profiler`" in str(raised.value)
    with pytest.raises(ConfigurationError):
        AutoClassificationWorkflow.create(recipe_of(endpoint, catalog, {"type": "Profiler"}))
