"""Metadata ingestion for Amazon DynamoDB, with OpenMetadata's ``Workflow`` API.

An Airflow DAG written for OpenMetadata's ingestion framework runs unchanged once its import
reads ``from ferrometa import Workflow``::

    workflow = Workflow.create(yaml.safe_load(config))
    workflow.execute()
    workflow.raise_from_status()
    workflow.print_status()
    workflow.stop()

The profiler and auto-classification workflows have upstream's class names too
(``from ferrometa import ProfilerWorkflow, AutoClassificationWorkflow``); each accepts only
recipes of its own ``sourceConfig.config.type``, while ``Workflow`` runs any.

The engine is the one the ``ferrometa`` command line runs, compiled into this package. It
logs through the ``ferrometa`` logger of :mod:`logging`.
"""

from ferrometa._ferrometa import (
    AutoClassificationWorkflow,
    ConfigurationError,
    Failure,
    FerrometaError,
    ProfilerWorkflow,
    Reason,
    StepStatus,
    Workflow,
    WorkflowExecutionError,
    WorkflowInitError,
    WorkflowStatus,
    __version__,
)

__all__ = [
    "AutoClassificationWorkflow",
    "ConfigurationError",
    "Failure",
    "FerrometaError",
    "ProfilerWorkflow",
    "Reason",
    "StepStatus",
    "Workflow",
    "WorkflowExecutionError",
    "WorkflowInitError",
    "WorkflowStatus",
    "__version__",
]
