"""The engine's logs reach Python's `logging`, at the recipe's level, without secrets."""

import logging

import pytest

from ferrometa import ConfigurationError, Workflow

from conftest import ACCESS_KEY_ID, SECRET_ACCESS_KEY, make_recipe


def test_engine_logs_reach_python_logging(faulty_endpoint, catalog, caplog):
    caplog.set_level(logging.DEBUG)
    workflow = Workflow.create(make_recipe(faulty_endpoint, catalog))
    workflow.execute()
    by_logger = {(r.name, r.levelno, r.getMessage()) for r in caplog.records}
    assert ("ferrometa", logging.INFO, "running the metadata workflow of service `local_dynamodb`") in by_logger
    failure = [r for r in caplog.records if r.name == "ferrometa.core" and r.levelno == logging.WARNING]
    assert any("AccessDeniedException" in r.getMessage() and "entity=" in r.getMessage() for r in failure)
    # INFO is the recipe's level: no debug records.
    assert not [r for r in caplog.records if r.name.startswith("ferrometa") and r.levelno < logging.INFO]
    assert logging.getLogger("ferrometa").level == logging.INFO


def test_logger_level_follows_the_recipe(endpoint, catalog, caplog):
    caplog.set_level(logging.DEBUG)
    Workflow.create(make_recipe(endpoint, catalog, loggerLevel="ERROR")).execute()
    assert not [r for r in caplog.records if r.name.startswith("ferrometa")]
    assert logging.getLogger("ferrometa").level == logging.ERROR


def test_secrets_are_never_logged(endpoint, faulty_endpoint, catalog, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    for url in (endpoint, faulty_endpoint):
        workflow = Workflow.create(make_recipe(url, catalog, loggerLevel="DEBUG"))
        workflow.execute()
        workflow.print_status()
        with pytest.raises(Exception) as raised:
            workflow.raise_from_status(raise_warnings=True)
        assert SECRET_ACCESS_KEY not in str(raised.value)
    debug = [r for r in caplog.records if r.name.startswith("ferrometa") and r.levelno == logging.DEBUG]
    assert debug, "the recipe's DEBUG level reaches Python"
    assert any("static AWS credentials" in r.getMessage() for r in debug)

    # A secret of the wrong type is not echoed either.
    recipe = make_recipe(endpoint, catalog)
    recipe["source"]["serviceConnection"]["config"]["awsConfig"]["awsSessionToken"] = [SECRET_ACCESS_KEY]
    with pytest.raises(ConfigurationError) as raised:
        Workflow.create(recipe)

    seen = caplog.text + capsys.readouterr().out + str(raised.value) + repr(workflow) + repr(workflow.status)
    assert SECRET_ACCESS_KEY not in seen
    assert ACCESS_KEY_ID not in seen
