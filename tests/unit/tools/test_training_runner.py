"""The laptop's in-process retrainer is wired to the real demo catalogue and loader: with no
IMDb dumps in the data directory it trains on the demo catalogue and loads what it trained."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.store.sqlite import SqliteStore
from bot.config import Settings
from bot.core.models import RunState
from bot.tools.training_runner import local_retrainer
from tests.fixtures.artifacts import write_artifact


def test_without_imdb_dumps_it_trains_on_the_demo_catalogue_and_loads(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "s.sqlite"))
    seen: list[str] = []

    def train(data_dir: Path, model_dir: Path) -> Path:
        seen.extend(sorted(p.name for p in data_dir.iterdir()))
        return write_artifact(model_dir, version="v-demo")

    settings = Settings(data_dir=tmp_path / "no-dumps", training_max_runtime_seconds=600)
    retrainer = local_retrainer(settings, store, train=train)
    assert retrainer.start("ULAPTOP").status == "started"
    retrainer.wait(120)
    assert seen == ["title.akas.tsv.gz", "title.basics.tsv.gz", "title.ratings.tsv.gz"]
    run = store.latest_run()
    assert run is not None and (run.state, run.version) == (RunState.COMPLETED, "v-demo")
    active = store.active()
    assert active is not None and active.version == "v-demo"
