"""The CreateTrainingJob request the retrain Lambda sends: scikit-learn script mode, the way the
SageMaker SDK writes it, one `imdb` channel, the model under models/, optional managed spot."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.config import RetrainSettings
from infra.imdb_refresh import DATA_PREFIX
from infra.source_bundle import ENTRY_SCRIPT

CHANNEL = "imdb"
CHANNEL_DIR = f"/opt/ml/input/data/{CHANNEL}"
MODELS_PREFIX = "models/"
CHECKPOINTS_PREFIX = "checkpoints/"
CHECKPOINT_DIR = "/opt/ml/checkpoints"
VOLUME_GB = 30


def training_job_request(
    settings: RetrainSettings, job_name: str, source_uri: str, region: str, requested_by: str
) -> dict[str, Any]:
    """The CreateTrainingJob request: scikit-learn script mode, the way the SageMaker SDK
    writes it (hyperparameters JSON-encoded; sagemaker_* ones tell the container what to run)."""
    hyperparameters = {
        "clusters": settings.clusters,
        "data-dir": CHANNEL_DIR,
        "sagemaker_program": ENTRY_SCRIPT,
        "sagemaker_submit_directory": source_uri,
        "sagemaker_region": region,
        "sagemaker_container_log_level": logging.INFO,
        "sagemaker_job_name": job_name,
    }
    stopping: dict[str, int] = {"MaxRuntimeInSeconds": settings.max_runtime_seconds}
    request: dict[str, Any] = {
        "TrainingJobName": job_name,
        "AlgorithmSpecification": {
            "TrainingImage": settings.image_uri,
            "TrainingInputMode": "File",
        },
        "RoleArn": settings.role_arn,
        "HyperParameters": {key: json.dumps(value) for key, value in hyperparameters.items()},
        "InputDataConfig": [
            {
                "ChannelName": CHANNEL,
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": f"s3://{settings.bucket}/{DATA_PREFIX}",
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
                "InputMode": "File",
            }
        ],
        "OutputDataConfig": {"S3OutputPath": f"s3://{settings.bucket}/{MODELS_PREFIX}"},
        "ResourceConfig": {
            "InstanceType": settings.instance_type,
            "InstanceCount": 1,
            "VolumeSizeInGB": VOLUME_GB,
        },
        "StoppingCondition": stopping,
        "Tags": [
            {"Key": "moviebot:requested-by", "Value": requested_by[:256] or "unknown"},
        ],
    }
    if settings.use_spot:
        # Spot may wait for capacity; a reclaimed instance resumes from the checkpoint dir.
        request["EnableManagedSpotTraining"] = True
        stopping["MaxWaitTimeInSeconds"] = settings.max_runtime_seconds * 2
        request["CheckpointConfig"] = {
            "S3Uri": f"s3://{settings.bucket}/{CHECKPOINTS_PREFIX}{job_name}/",
            "LocalPath": CHECKPOINT_DIR,
        }
    return request
