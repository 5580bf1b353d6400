"""DynamoDB metadata ingestion, profiling and PII classification with ferrometa, scheduled by
Airflow 3.

OpenMetadata's documented ingestion DAG in Airflow 3 idioms: the callable is the documented
one, and its import reads ``from ferrometa import Workflow``. One step is added: the
recipe takes its AWS credentials, region and endpoint from the Airflow connection
``ferrometa_dynamodb`` and its catalog file from the Airflow Variable ``ferrometa_catalog``,
when they are defined (see ``README.md`` beside this file).

Without the connection, the recipe's ``awsConfig`` stands and credentials come from the
standard AWS chain of the worker: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, an
instance profile, EKS pod identity or IRSA, ``AWS_PROFILE``.

A second DAG, ``ferrometa_dynamodb_profiler``, runs upstream's other two workflows over the
tables the first one wrote to the catalog: the profiler (``ProfilerWorkflow``), then
auto-classification (``AutoClassificationWorkflow``: PII tags and sample data).
"""

from datetime import datetime, timedelta

import yaml
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, BaseHook, Variable
from airflow.sdk.exceptions import AirflowNotFoundException

from ferrometa import AutoClassificationWorkflow, ProfilerWorkflow, Workflow

#: The Airflow connection holding the AWS credentials (type "Amazon Web Services"; login =
#: access key id, password = secret access key, extra ``region_name`` and ``endpoint_url``).
AWS_CONN_ID = "ferrometa_dynamodb"

default_args = {
    "owner": "data-platform",
    "email_on_failure": False,
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    # On timeout the run is cancelled cleanly: what was written stays, nothing is deleted.
    "execution_timeout": timedelta(minutes=60),
}

config = """
source:
  type: dynamodb
  serviceName: aws_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsRegion: us-east-1
  sourceConfig:
    config:
      type: DatabaseMetadata
      markDeletedTables: true
sink:
  type: catalog
  config:
    # A persistent disk of the worker that runs this DAG.
    path: /opt/airflow/ferrometa/catalog.db
workflowConfig:
  loggerLevel: INFO
  raiseOnError: true
  successThreshold: 90
"""


#: The profiler's recipe: the same service, connection and catalog; ``profileSample`` is a
#: percentage of each table's items, read within ``sampleReadCapacity`` units per table.
profiler_config = """
source:
  type: dynamodb
  serviceName: aws_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsRegion: us-east-1
  sourceConfig:
    config:
      type: Profiler
      profileSample: 50
      sampleReadCapacity: 100
processor:
  type: orm-profiler
  config: {}
sink:
  type: catalog
  config:
    path: /opt/airflow/ferrometa/catalog.db
workflowConfig:
  loggerLevel: INFO
  raiseOnError: true
"""

#: The auto-classification recipe: PII tags at 80 % confidence, and 50 sample rows per table
#: stored with the values of sensitive columns masked.
classification_config = """
source:
  type: dynamodb
  serviceName: aws_dynamodb
  serviceConnection:
    config:
      type: DynamoDB
      awsConfig:
        awsRegion: us-east-1
  sourceConfig:
    config:
      type: AutoClassification
      storeSampleData: true
      confidence: 80
      sampleDataCount: 50
processor:
  type: orm-profiler
  config: {}
sink:
  type: catalog
  config:
    path: /opt/airflow/ferrometa/catalog.db
workflowConfig:
  loggerLevel: INFO
  raiseOnError: true
"""


def use_airflow_settings(workflow_config: dict) -> None:
    """Puts the Airflow connection and Variable into the recipe, when they exist."""
    aws = workflow_config["source"]["serviceConnection"]["config"]["awsConfig"]
    try:
        conn = BaseHook.get_connection(AWS_CONN_ID)
    except AirflowNotFoundException:
        conn = None
    if conn is not None:
        extra = conn.extra_dejson
        settings = {
            "awsAccessKeyId": conn.login,
            "awsSecretAccessKey": conn.password,
            "awsSessionToken": extra.get("aws_session_token"),
            "awsRegion": extra.get("region_name"),
            "endPointURL": extra.get("endpoint_url"),
        }
        aws.update({key: value for key, value in settings.items() if value})
    sink = workflow_config["sink"]["config"]
    sink["path"] = Variable.get("ferrometa_catalog", default=sink["path"])


def run(workflow_class, recipe: str) -> None:
    """OpenMetadata's documented callable, for one workflow class and its recipe."""
    workflow_config = yaml.safe_load(recipe)
    use_airflow_settings(workflow_config)
    workflow = workflow_class.create(workflow_config)
    workflow.execute()
    workflow.raise_from_status()
    workflow.print_status()
    workflow.stop()


def metadata_ingestion_workflow():
    run(Workflow, config)


def profiler_workflow():
    run(ProfilerWorkflow, profiler_config)


def auto_classification_workflow():
    run(AutoClassificationWorkflow, classification_config)


with DAG(
    dag_id="ferrometa_dynamodb_metadata",
    default_args=default_args,
    description="Ingests the metadata of every DynamoDB table into the ferrometa catalog",
    start_date=datetime(2024, 1, 1),
    schedule="@daily",
    catchup=False,
    # One writer at a time for the catalog file.
    max_active_runs=1,
    tags=["ferrometa", "metadata"],
) as dag:
    ingest_task = PythonOperator(
        task_id="ingest_using_recipe",
        python_callable=metadata_ingestion_workflow,
    )


with DAG(
    dag_id="ferrometa_dynamodb_profiler",
    default_args=default_args,
    description="Profiles and classifies the DynamoDB tables held by the ferrometa catalog",
    start_date=datetime(2024, 1, 1),
    schedule="@weekly",
    catchup=False,
    max_active_runs=1,
    tags=["ferrometa", "profiler", "classification"],
) as profiler_dag:
    profile_task = PythonOperator(
        task_id="profile_using_recipe",
        python_callable=profiler_workflow,
    )
    classify_task = PythonOperator(
        task_id="classify_using_recipe",
        python_callable=auto_classification_workflow,
    )
    profile_task >> classify_task
