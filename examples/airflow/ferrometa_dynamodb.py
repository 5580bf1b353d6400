"""DynamoDB metadata ingestion with ferrometa, scheduled by Airflow 3.

OpenMetadata's documented ingestion DAG in Airflow 3 idioms: the callable is the documented
one, and its import reads ``from ferrometa import Workflow``. One step is added: the
recipe takes its AWS credentials, region and endpoint from the Airflow connection
``ferrometa_dynamodb`` and its catalog file from the Airflow Variable ``ferrometa_catalog``,
when they are defined (see ``README.md`` beside this file).

Without the connection, the recipe's ``awsConfig`` stands and credentials come from the
standard AWS chain of the worker: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, an
instance profile, EKS pod identity or IRSA, ``AWS_PROFILE``.
"""

from datetime import datetime, timedelta

import yaml
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, BaseHook, Variable
from airflow.sdk.exceptions import AirflowNotFoundException

from ferrometa import Workflow

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


def metadata_ingestion_workflow():
    workflow_config = yaml.safe_load(config)
    use_airflow_settings(workflow_config)
    workflow = Workflow.create(workflow_config)
    workflow.execute()
    workflow.raise_from_status()
    workflow.print_status()
    workflow.stop()


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
