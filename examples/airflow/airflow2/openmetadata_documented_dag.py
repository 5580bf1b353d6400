# OpenMetadata's documented DynamoDB ingestion DAG for Airflow 2, as published, but for two
# lines: the `metadata` imports became `from ferrometa import Workflow` (the unused
# `load_config_file` import went with them), and the documented cron `'*/5 * ** *'`, which
# Airflow rejects, reads `'*/5 * * * *'`. Credentials, region and endpoint come from the
# worker's environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, ...), so
# the recipe names none of them.
import pathlib
import yaml
from datetime import timedelta
from airflow import DAG
from ferrometa import Workflow
from airflow.utils.dates import days_ago
try:
    from airflow.operators.python import PythonOperator
except ModuleNotFoundError:
    from airflow.operators.python_operator import PythonOperator

default_args = {
    "owner": "user_name",
    "email": ["username@org.com"],
    "email_on_failure": False,
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "execution_timeout": timedelta(minutes=60)
}

config = """
source:
  type: dynamodb
  serviceName: local_dynamodb
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
    path: ferrometa.db
workflowConfig:
  loggerLevel: INFO
  raiseOnError: true
"""

def metadata_ingestion_workflow():
    workflow_config = yaml.safe_load(config)
    workflow = Workflow.create(workflow_config)
    workflow.execute()
    workflow.raise_from_status()
    workflow.print_status()
    workflow.stop()

with DAG(
    "sample_data",
    default_args=default_args,
    description="An example DAG which runs a OpenMetadata ingestion workflow",
    start_date=days_ago(1),
    is_paused_upon_creation=False,
    schedule_interval='*/5 * * * *',
    catchup=False,
) as dag:
    ingest_task = PythonOperator(
        task_id="ingest_using_recipe",
        python_callable=metadata_ingestion_workflow,
    )
