"""The benchmark and score subcommands on small synthetic feature tables."""

import csv
import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from lightbridge_trainer.cli import main
from lightbridge_trainer.evaluation import binary_metrics
from lightbridge_trainer.table import file_sha256

from conftest import write_feature_table

SMALL_RUN = ["--refits", "2", "--bootstrap", "20", "--jobs", "1"]


@pytest.fixture(scope="module")
def benchmark_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("benchmark")
    source = write_feature_table(folder / "source.csv", objects_per_class=20, epochs=1, seed=1)
    target = write_feature_table(folder / "target.csv", objects_per_class=40, epochs=1, seed=2)
    code = main(
        ["benchmark", "--source", str(source), "--target", str(target), "--report", str(folder / "report"),
         "--models", str(folder / "models"), "--method", "source-only", "--method", "coral", "--method", "oracle", *SMALL_RUN]
    )
    assert code == 0
    return folder, json.loads((folder / "report.json").read_text())


def test_benchmark_report_methods(benchmark_run: tuple[Path, dict]) -> None:
    _, report = benchmark_run

    assert list(report["methods"]) == ["source-only", "coral", "oracle"]
    for result in report["methods"].values():
        assert set(result["metrics"]) == {"auc", "accuracy", "purity", "efficiency", "fom"}
        low, high = result["targetBootstrap95"]["auc"]
        assert low <= result["metrics"]["auc"] <= high
        assert len(result["byPropensityQuartile"]) == 4


def test_benchmark_report_files(benchmark_run: tuple[Path, dict]) -> None:
    folder, _ = benchmark_run
    page = (folder / "report.md").read_text()

    assert "| source-only |" in page
    assert (folder / "report.roc.png").stat().st_size > 0
    assert (folder / "report.reliability.png").stat().st_size > 0


def test_benchmark_manifest_records_data(benchmark_run: tuple[Path, dict]) -> None:
    folder, report = benchmark_run
    manifest = json.loads((folder / "models" / "coral" / "manifest.json").read_text())

    assert manifest["method"] == "coral"
    assert manifest["trainingData"]["source"]["sha256"] == file_sha256(folder / "source.csv")
    assert manifest["trainingData"]["target"]["sha256"] == file_sha256(folder / "target.csv")
    assert manifest["featureVersion"] == report["featureVersion"]
    assert manifest["metrics"]["target"]["auc"] == report["methods"]["coral"]["metrics"]["auc"]
    assert not (folder / "models" / "oracle").exists()


def test_score_matches_onnxruntime(benchmark_run: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = benchmark_run
    model = folder / "models" / "source-only"
    manifest = json.loads((model / "manifest.json").read_text())
    rows = np.random.default_rng(0).normal(0, 3, (5, len(manifest["features"]))).astype(np.float32)
    rows[0, 1] = np.nan
    with (tmp_path / "rows.csv").open("w") as file:
        file.write("\n".join(",".join(repr(float(v)) for v in row) for row in rows) + "\n")

    code = main(["score", "--model", str(model), "--features", str(tmp_path / "rows.csv"), "--out", str(tmp_path / "p.csv")])
    with (tmp_path / "p.csv").open() as file:
        scored = np.array([[float(v) for v in line] for line in csv.reader(file)])
    session = onnxruntime.InferenceSession(str(model / "model.onnx"), providers=["CPUExecutionProvider"])
    (expected,) = session.run(["probabilities"], {"features": rows})

    assert code == 0
    assert scored.shape == (5, 2)
    assert np.allclose(scored, expected, atol=1e-7)


def test_binary_metrics_known_counts() -> None:
    is_ia = np.array([True, True, True, False, False, False, False, False])
    probability = np.array([0.9, 0.8, 0.2, 0.7, 0.1, 0.1, 0.3, 0.2])
    metrics = binary_metrics(is_ia, probability)

    # 2 true positives, 1 false positive, 3 SN Ia: efficiency 2/3, pseudo-purity 2 / (2 + 3 · 1).
    # AUC: of the 15 (Ia, non-Ia) pairs, 12 are ordered right and one is tied (0.2 and 0.2).
    assert metrics["efficiency"] == pytest.approx(2 / 3)
    assert metrics["purity"] == pytest.approx(2 / 3)
    assert metrics["fom"] == pytest.approx(2 / 3 * 2 / 5)
    assert metrics["accuracy"] == pytest.approx(6 / 8)
    assert metrics["auc"] == pytest.approx(12.5 / 15)
