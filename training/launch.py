"""Start `training/train.py` as a SageMaker training job from a laptop (SageMaker Python SDK v3).

    python -m training.launch --data s3://BUCKET/imdb/ --output s3://BUCKET/models/ \\
        --role arn:aws:iam::123456789012:role/SageMakerRole [--clusters 40] [--wait]

The job runs the same script as `python -m training.train`, in SageMaker's scikit-learn
container (the image URI comes from the SDK's own tables; scikit-learn 1.4-2), with
training/requirements.txt installed first. Its code is the retrain Lambda's source bundle, byte
for byte (infra/source_bundle.py: training/, the bot modules it imports, the entry script).
The IMDb files are the `imdb` channel (SM_CHANNEL_IMDB), the artifact is written to
SM_MODEL_DIR and uploaded by SageMaker as model.tar.gz under --output. `--wait` follows the
job's logs until it ends.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.source_bundle import ENTRY_SCRIPT, TARBALL_NAME, build_bundle

SKLEARN_VERSION = "1.4-2"  # the container the pins in training/requirements.txt match
PY_VERSION = "py3"  # the SDK's table lists 1.4-2 under "py3" (that image runs Python 3.12)
CHANNEL = "imdb"
REQUIREMENTS = "requirements.txt"  # where the bundle puts training/requirements.txt
BASE_JOB_NAME = "moviebot-train"
REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class LaunchRequest:
    data_uri: str
    output_uri: str
    role: str
    region: str | None = None
    instance_type: str = "ml.m5.xlarge"
    volume_gb: int = 30
    max_runtime_seconds: int = 3600
    hyperparameters: dict[str, Any] = field(default_factory=dict)


def image_uri(region: str, instance_type: str) -> str:
    """The scikit-learn training image, from the SDK's tables (never hand-written)."""
    from sagemaker.core import image_uris

    return image_uris.retrieve(
        framework="sklearn",
        region=region,
        version=SKLEARN_VERSION,
        py_version=PY_VERSION,
        instance_type=instance_type,
        image_scope="training",
    )


def source_bundle(into: Path) -> Path:
    """The job's code as a sourcedir.tar.gz in `into` (the SDK uploads it and the container
    unpacks it): the one bundle the retrain Lambda uploads too."""
    tarball = into / TARBALL_NAME
    tarball.write_bytes(build_bundle(REPO_ROOT).tarball())
    return tarball


def build_trainer(request: LaunchRequest, source: Path, session: Any = None) -> Any:
    """The ModelTrainer for this request (nothing is sent until `.train()`)."""
    import boto3
    from sagemaker.core.helper.session_helper import Session
    from sagemaker.core.training.configs import (
        Compute,
        InputData,
        OutputDataConfig,
        SourceCode,
        StoppingCondition,
    )
    from sagemaker.train import ModelTrainer

    if session is None:
        session = Session(boto_session=boto3.Session(region_name=request.region))
    region = session.boto_region_name
    return ModelTrainer(
        sagemaker_session=session,
        role=request.role,
        base_job_name=BASE_JOB_NAME,
        training_image=image_uri(region, request.instance_type),
        source_code=SourceCode(
            source_dir=str(source),
            entry_script=ENTRY_SCRIPT,
            requirements=REQUIREMENTS,
        ),
        compute=Compute(
            instance_type=request.instance_type,
            instance_count=1,
            volume_size_in_gb=request.volume_gb,
        ),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=request.max_runtime_seconds),
        output_data_config=OutputDataConfig(s3_output_path=request.output_uri),
        input_data_config=[InputData(channel_name=CHANNEL, data_source=request.data_uri)],
        hyperparameters=dict(request.hyperparameters),
    )


def launch(request: LaunchRequest, wait: bool = False, session: Any = None) -> str:
    """Start the job; returns its name. With `wait`, follows the logs until the job ends."""
    with tempfile.TemporaryDirectory(prefix="moviebot-source-") as tmp:
        trainer = build_trainer(request, source_bundle(Path(tmp)), session)
        trainer.train(wait=wait, logs=wait)
        return str(trainer._latest_training_job.training_job_name)


def _s3(text: str) -> str:
    if not text.startswith("s3://") or len(text) <= len("s3://"):
        raise argparse.ArgumentTypeError(f"expected an s3:// URI, got {text!r}")
    return text


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    from training.train import str2bool

    parser = argparse.ArgumentParser(
        prog="python -m training.launch",
        description="Start training/train.py as a SageMaker training job.",
    )
    parser.add_argument("--data", type=_s3, required=True, help="S3 prefix of the IMDb files")
    parser.add_argument("--output", type=_s3, required=True, help="S3 prefix for model.tar.gz")
    parser.add_argument("--role", required=True, help="SageMaker execution role ARN")
    parser.add_argument("--region", default=None, help="AWS region (default: the profile's)")
    parser.add_argument("--instance-type", default="ml.m5.xlarge")
    parser.add_argument("--clusters", type=int, default=40)
    parser.add_argument("--components", type=int, default=12)
    parser.add_argument("--min-votes", type=int, default=0)
    parser.add_argument("--title-types", default="movie")
    parser.add_argument("--write-akas", type=str2bool, default=True)
    parser.add_argument("--max-runtime", type=int, default=3600, help="seconds")
    parser.add_argument("--wait", action="store_true", help="follow the logs until the job ends")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    request = LaunchRequest(
        data_uri=args.data,
        output_uri=args.output,
        role=args.role,
        region=args.region,
        instance_type=args.instance_type,
        max_runtime_seconds=args.max_runtime,
        hyperparameters={
            "clusters": args.clusters,
            "components": args.components,
            "min-votes": args.min_votes,
            "title-types": args.title_types,
            "write-akas": args.write_akas,
        },
    )
    try:
        name = launch(request, wait=args.wait)
    except Exception as exc:  # boto/SDK errors: one line for the person at the terminal
        print(f"error: could not start the training job: {type(exc).__name__}: {exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"training job {name} {'finished' if args.wait else 'started'}; the model goes to "
          f"{args.output.rstrip('/')}/{name}/output/model.tar.gz")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
