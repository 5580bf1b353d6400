"""Typing stubs of the native module; everything is re-exported by ``ferrometa``."""

import os
from typing import Any, Dict, List, Optional, Union, final

from typing_extensions import disjoint_base

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

__version__: str

class FerrometaError(Exception):
    """Base class of every error raised by ferrometa."""

class ConfigurationError(FerrometaError):
    """The recipe cannot be read or is invalid. Values are never echoed: they may be secrets."""

    origin: str
    """The file name, or ``<dict>`` for a recipe given as a dict."""
    line: Optional[int]
    column: Optional[int]
    field_path: Optional[str]
    """Dotted path of the offending field, e.g. ``source.serviceConnection.config.awsConfig``."""
    reason: str
    """What is wrong, without origin, position or path."""

class WorkflowInitError(FerrometaError):
    """The recipe is valid but its source or sink cannot be created."""

class WorkflowExecutionError(FerrometaError):
    """The run failed, or ``raise_from_status`` found a step under ``successThreshold``."""

@final
class Failure:
    """One entity that could not be processed."""

    @property
    def name(self) -> str: ...
    @property
    def error(self) -> str: ...
    @property
    def stack_trace(self) -> Optional[str]: ...

@final
class Reason:
    """An entity with the reason it was filtered out or warned about."""

    @property
    def name(self) -> str: ...
    @property
    def reason(self) -> str: ...

@final
class StepStatus:
    """The counts of one step: the source (``DynamoDB``) or the sink."""

    @property
    def name(self) -> str: ...
    @property
    def records(self) -> List[str]:
        """Entities processed (created, for the sink)."""
    @property
    def updated_records(self) -> List[str]:
        """Entities that existed and changed."""
    @property
    def unchanged(self) -> int:
        """Entities that existed and did not change (not written)."""
    @property
    def retries(self) -> int:
        """Requests sent again after a transient failure (throttling, 5xx, a lost connection)."""
    @property
    def warnings(self) -> List[Reason]: ...
    @property
    def filtered(self) -> List[Reason]: ...
    @property
    def failures(self) -> List[Failure]: ...
    def calculate_success(self) -> float:
        """Share of entities processed without failure, in percent (100 when nothing happened)."""

@final
class WorkflowStatus:
    """The status of a run, as of when it was read from the workflow."""

    @property
    def source(self) -> StepStatus: ...
    @property
    def sink(self) -> StepStatus: ...
    @property
    def deleted(self) -> List[str]:
        """Fully qualified names of the tables marked deleted by this run."""
    @property
    def read_capacity(self) -> float:
        """Read capacity units consumed by sampling."""
    @property
    def duration_seconds(self) -> float: ...
    @property
    def location(self) -> Optional[str]:
        """Where the sink wrote (the catalog file), when it says."""
    @property
    def cancelled(self) -> bool:
        """True when the run was interrupted before the source finished."""
    def calculate_success(self) -> float:
        """The rate ``successThreshold`` is checked against: the lowest of the steps'."""
    def to_dict(self) -> Dict[str, Any]:
        """The status as ``ferrometa ingest --status-json`` writes it."""
    def __str__(self) -> str:
        """The summary ``print_status`` prints."""

@disjoint_base
class Workflow:
    """One run of a recipe."""

    @staticmethod
    def create(config: Union[Dict[str, Any], str, "os.PathLike[str]"]) -> "Workflow":
        """Validates the recipe and builds its source and sink; the recipe's
        ``sourceConfig.config.type`` chooses the workflow.

        ``config`` is the recipe as a dict (what ``yaml.safe_load`` returns; ``${VAR}`` is not
        expanded), or the path of a ``.yaml``, ``.yml`` or ``.json`` file (``${VAR}`` is
        expanded from the environment, and errors name the line and column).

        Raises ``ConfigurationError`` for an invalid recipe and ``WorkflowInitError`` when the
        source or sink cannot be created.
        """
    def execute(self) -> None:
        """Runs the source into the sink to the end, then stops the workflow.

        The GIL is released meanwhile. Ctrl-C, or Airflow's ``execution_timeout``, cancels the
        run: what was written stays written, nothing is marked deleted, ``status.cancelled``
        is true, and the ``KeyboardInterrupt`` (or ``AirflowTaskTimeout``) propagates.
        Raises ``WorkflowExecutionError`` when the source fails as a whole.
        """
    def raise_from_status(self, raise_warnings: bool = False) -> None:
        """Raises ``WorkflowExecutionError`` when a step has failures and its success rate is
        under ``successThreshold``, or, with ``raise_warnings``, when a step has warnings."""
    def print_status(self) -> None:
        """Prints the summary of the run to ``sys.stdout``."""
    def stop(self) -> None:
        """Closes the sink. Idempotent: ``execute`` already called it."""
    def result_status(self) -> int:
        """0 when the run passes ``raise_from_status`` (or ``raiseOnError`` is off), else 1."""
    @property
    def status(self) -> WorkflowStatus:
        """The counts of the run so far."""

@final
class ProfilerWorkflow(Workflow):
    """The profiler workflow (``sourceConfig.config.type: Profiler``), as upstream's
    ``metadata.workflow.profiler.ProfilerWorkflow``."""

    @staticmethod
    def create(config: Union[Dict[str, Any], str, "os.PathLike[str]"]) -> "ProfilerWorkflow":
        """As ``Workflow.create``; raises ``ConfigurationError`` for a recipe of another type."""

@final
class AutoClassificationWorkflow(Workflow):
    """The auto-classification workflow (``sourceConfig.config.type: AutoClassification``), as
    upstream's ``metadata.workflow.classification.AutoClassificationWorkflow``."""

    @staticmethod
    def create(
        config: Union[Dict[str, Any], str, "os.PathLike[str]"],
    ) -> "AutoClassificationWorkflow":
        """As ``Workflow.create``; raises ``ConfigurationError`` for a recipe of another type."""
