"""The Workflow API end to end against a DynamoDB-compatible server: the documented DAG's
calls, the status, and the errors."""

import datetime
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

import ferrometa
from ferrometa import (
    ConfigurationError,
    FerrometaError,
    Workflow,
    WorkflowExecutionError,
    WorkflowInitError,
)

from conftest import DEMO_TABLES, ROOT, SECRET_ACCESS_KEY, catalog_tables, make_recipe

CLI = Path(os.environ.get("FERROMETA_CLI", ROOT / "target" / "debug" / "ferrometa"))


def test_documented_lifecycle_fills_the_catalog(endpoint, catalog, capsys):
    workflow = Workflow.create(make_recipe(endpoint, catalog))
    workflow.execute()
    workflow.raise_from_status()
    workflow.print_status()
    workflow.stop()

    assert catalog_tables(catalog) == DEMO_TABLES
    assert workflow.result_status() == 0
    status = workflow.status
    assert not status.cancelled
    assert status.location == str(catalog)
    # service, database, schema and the six tables
    assert len(status.source.records) == 9
    assert status.sink.records == status.source.records
    assert status.source.failures == [] and status.sink.failures == []
    assert status.calculate_success() == 100.0
    printed = capsys.readouterr().out
    assert printed == str(status)
    assert "Workflow DynamoDB Summary:\nProcessed records: 9\n" in printed
    assert "Success %: 100\n" in printed


def test_rerun_writes_nothing(endpoint, catalog):
    Workflow.create(make_recipe(endpoint, catalog)).execute()
    again = Workflow.create(make_recipe(endpoint, catalog))
    again.execute()
    assert again.status.sink.records == [] and again.status.sink.updated_records == []
    assert again.status.sink.unchanged == 9
    # Nothing failed on the way: no request was sent twice.
    assert again.status.source.retries == 0 and again.status.sink.retries == 0
    assert again.status.to_dict()["source"]["retries"] == 0


def test_create_from_yaml_text_str_path_and_pathlib(endpoint, catalog, tmp_path, monkeypatch):
    recipe = make_recipe(endpoint, catalog)
    recipe["source"]["serviceConnection"]["config"]["awsConfig"]["awsSecretAccessKey"] = "${TEST_SECRET}"
    path = tmp_path / "dynamodb.yaml"
    path.write_text(yaml.safe_dump(recipe))
    monkeypatch.setenv("TEST_SECRET", SECRET_ACCESS_KEY)
    for config in (str(path), path, yaml.safe_load(yaml.safe_dump(make_recipe(endpoint, catalog)))):
        workflow = Workflow.create(config)
        workflow.execute()
        workflow.raise_from_status()
    assert catalog_tables(catalog) == DEMO_TABLES


def test_status_has_the_command_lines_counts(faulty_endpoint, catalog, tmp_path):
    if not CLI.exists():
        pytest.skip(f"{CLI} is not built")
    workflow = Workflow.create(make_recipe(faulty_endpoint, catalog))
    workflow.execute()
    from_python = workflow.status.to_dict()

    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(make_recipe(faulty_endpoint, tmp_path / "cli.db")))
    status_json = tmp_path / "status.json"
    run = subprocess.run(
        [str(CLI), "ingest", "-c", str(path), "--status-json", str(status_json), "--no-progress"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    from_cli = json.loads(status_json.read_text())

    def same(value):
        """Lists in a comparable order: tables are processed concurrently."""
        if isinstance(value, list):
            return sorted(json.dumps(v, sort_keys=True) for v in value)
        return value

    assert from_python.keys() == from_cli.keys()
    for step in ("source", "sink"):
        assert from_python[step].keys() == from_cli[step].keys()
        for key, value in from_cli[step].items():
            assert same(from_python[step][key]) == same(value), (step, key)
    assert from_python["source"]["failures"][0]["name"].endswith("orders")


def test_threshold_breach_raises_workflow_execution_error(faulty_endpoint, catalog, capsys):
    workflow = Workflow.create(make_recipe(faulty_endpoint, catalog, raiseOnError=True))
    workflow.execute()
    failures = workflow.status.source.failures
    assert [f.name for f in failures] == ["local_dynamodb.default.default.orders"]
    assert "AccessDeniedException" in failures[0].error
    assert workflow.status.source.calculate_success() < 90

    with pytest.raises(WorkflowExecutionError) as raised:
        workflow.raise_from_status()
    assert isinstance(raised.value, FerrometaError)
    summary, failure = str(raised.value).splitlines()
    assert summary.startswith("DynamoDB reported errors: [8 records, 0 updated records, 0 unchanged, 1 warnings, 1 errors")
    assert failure == f"  local_dynamodb.default.default.orders: {failures[0].error}"
    assert workflow.result_status() == 1
    workflow.print_status()
    printed = capsys.readouterr().out
    assert "List of failures:" in printed and "Workflow finished with failures" in printed
    # The other tables were written; `orders` was not marked deleted.
    assert catalog_tables(catalog) == [t for t in DEMO_TABLES if t != "orders"]


def test_failures_under_a_lower_threshold_do_not_raise(faulty_endpoint, catalog):
    workflow = Workflow.create(make_recipe(faulty_endpoint, catalog, successThreshold=50))
    workflow.execute()
    assert len(workflow.status.source.failures) == 1
    workflow.raise_from_status()
    assert workflow.result_status() == 0


def test_raise_warnings(endpoint, catalog):
    workflow = Workflow.create(make_recipe(endpoint, catalog))
    workflow.execute()
    # The emulator lacks DescribeContinuousBackups: one warning.
    assert len(workflow.status.source.warnings) == 1
    workflow.raise_from_status()
    with pytest.raises(WorkflowExecutionError, match="reported warnings"):
        workflow.raise_from_status(raise_warnings=True)


def test_execute_twice_and_stop_twice(endpoint, catalog):
    workflow = Workflow.create(make_recipe(endpoint, catalog))
    workflow.stop()
    workflow.execute()
    workflow.stop()
    with pytest.raises(WorkflowExecutionError, match="already been executed"):
        workflow.execute()


def test_unreachable_endpoint_is_a_failure(catalog):
    # Port 9 (discard) is closed here: every connection is refused.
    workflow = Workflow.create(make_recipe("http://127.0.0.1:9", catalog))
    workflow.execute()
    assert "Connection refused" in workflow.status.source.failures[0].error
    # Not a threshold question: no table could even be listed.
    with pytest.raises(WorkflowExecutionError, match="listing the tables of .* failed"):
        workflow.raise_from_status()
    assert workflow.result_status() == 1


def test_config_error_in_a_dict_names_the_field(endpoint, catalog):
    recipe = make_recipe(endpoint, catalog)
    recipe["source"]["sourceConfig"]["config"]["markDeletedTable"] = True
    with pytest.raises(ConfigurationError) as raised:
        Workflow.create(recipe)
    error = raised.value
    assert str(error) == (
        "<dict>: source.sourceConfig.config: unknown field `markDeletedTable`, did you mean `markDeletedTables`?"
    )
    assert (error.origin, error.line, error.column) == ("<dict>", None, None)
    assert error.field_path == "source.sourceConfig.config"
    assert error.reason == "unknown field `markDeletedTable`, did you mean `markDeletedTables`?"


def test_config_error_in_a_file_names_line_and_column(endpoint, catalog, tmp_path):
    path = tmp_path / "dynamodb.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            source:
              type: dynamodb
              serviceName: local_dynamodb
              serviceConnection:
                config:
                  type: DynamoDB
                  awsConfig:
                    awsRegion: us-east-1
                    endPointURL: {endpoint}
              sourceConfig:
                config:
                  type: DatabaseMetadata
                  includeTables: maybe
            sink:
              type: catalog
              config:
                path: {catalog}
            """
        )
    )
    with pytest.raises(ConfigurationError) as raised:
        Workflow.create(path)
    error = raised.value
    assert (error.origin, error.line, error.column) == (str(path), 13, 22)
    assert error.field_path == "source.sourceConfig.config.includeTables"
    assert str(error) == f"{path}:13:22: source.sourceConfig.config.includeTables: {error.reason}"


def test_config_errors_of_files(tmp_path):
    with pytest.raises(ConfigurationError, match="cannot read the recipe"):
        Workflow.create(tmp_path / "missing.yaml")
    (tmp_path / "recipe.toml").write_text("")
    with pytest.raises(ConfigurationError, match="unsupported file type"):
        Workflow.create(str(tmp_path / "recipe.toml"))


def test_values_a_recipe_cannot_hold(endpoint, catalog):
    recipe = make_recipe(endpoint, catalog)
    recipe["source"]["sourceConfig"]["config"]["since"] = datetime.date(2024, 1, 1)
    with pytest.raises(ConfigurationError) as raised:
        Workflow.create(recipe)
    assert raised.value.field_path == "source.sourceConfig.config.since"
    assert "`date`" in str(raised.value)
    with pytest.raises(TypeError, match="expects the recipe as a dict"):
        Workflow.create(42)  # type: ignore[arg-type]


def test_sink_that_cannot_open_is_an_init_error(endpoint, tmp_path):
    with pytest.raises(WorkflowInitError, match="could not open the catalog"):
        Workflow.create(make_recipe(endpoint, tmp_path / "no-such-dir" / "catalog.db"))


def test_package_surface():
    assert ferrometa.__version__
    assert issubclass(ConfigurationError, FerrometaError)
    assert issubclass(FerrometaError, Exception)
    assert ConfigurationError.__module__ == "ferrometa"
    stubs = Path(ferrometa.__file__).with_name("_ferrometa.pyi")
    assert stubs.exists() and stubs.with_name("py.typed").exists()


def test_stubs_match_the_runtime(tmp_path):
    pytest.importorskip("mypy")
    usage = tmp_path / "usage.py"
    usage.write_text(
        textwrap.dedent(
            """\
            from pathlib import Path

            from ferrometa import Workflow, WorkflowStatus

            def run(path: Path) -> WorkflowStatus:
                workflow = Workflow.create(path)
                workflow.execute()
                workflow.raise_from_status(raise_warnings=True)
                workflow.print_status()
                workflow.stop()
                return workflow.status

            rate: float = run(Path("recipe.yaml")).source.calculate_success()
            """
        )
    )
    for command in (["mypy.stubtest", "ferrometa"], ["mypy", "--strict", str(usage)]):
        checked = subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, cwd=tmp_path)
        assert checked.returncode == 0, checked.stdout + checked.stderr
