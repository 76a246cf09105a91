"""Checks that the committed adapted ZTF model agrees with its manifest and records its data."""

import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

MODELS = Path(__file__).resolve().parents[3] / "models"
ADAPTED = MODELS / "ztf-bts-adapted"


@pytest.fixture(scope="module")
def committed() -> tuple[Path, dict]:
    version = (ADAPTED / "CURRENT").read_text().strip()
    folder = ADAPTED / version
    return folder, json.loads((folder / "manifest.json").read_text())


def test_adapted_manifest_method(committed: tuple[Path, dict]) -> None:
    folder, manifest = committed

    assert manifest["modelVersion"] == f"{folder.parent.name}/{folder.name}"
    assert manifest["method"] == "augmentation"
    assert manifest["survey"] == "ztf"
    assert manifest["classes"] == ["Ia", "II", "Ibc", "SLSN", "other"]
    assert manifest["regenerate"] == "pnpm train:ztf-adapted"


def test_adapted_manifest_data_hashes(committed: tuple[Path, dict]) -> None:
    manifest = committed[1]

    for record in (manifest["trainingData"], manifest["augmentedData"], manifest["targetData"]):
        assert len(record["sha256"]) == 64
    assert manifest["trainingData"]["dataset"] == "bts"
    assert manifest["augmentedData"]["dataset"] == "ztf-csv"
    assert manifest["targetData"]["file"] == "classifications.ndjson"
    assert manifest["targetData"]["featureVersion"] == manifest["featureVersion"]


def test_adapted_manifest_metrics(committed: tuple[Path, dict]) -> None:
    metrics = committed[1]["metrics"]
    last = metrics["brightToFaint"]["lastEpoch"]

    assert set(metrics["heldOut"]) >= {"accuracy", "macroF1", "snIaAuc"}
    assert set(last) == {"source-only", "augmentation"}
    assert set(last["augmentation"]) >= {"accuracy", "macroF1", "snIaAuc", "bootstrap95"}
    assert 0 <= metrics["target"]["agreementAll"] <= 1


def test_adapted_features_match_source_only(committed: tuple[Path, dict]) -> None:
    manifest = committed[1]
    source_only = json.loads((MODELS / "ztf-bts" / "v1" / "manifest.json").read_text())

    assert manifest["features"] == source_only["features"]
    assert manifest["featureVersion"] == source_only["featureVersion"]


def test_adapted_model_scores_nan_row(committed: tuple[Path, dict]) -> None:
    folder, manifest = committed
    session = onnxruntime.InferenceSession(str(folder / manifest["onnx"]["file"]), providers=["CPUExecutionProvider"])
    row = np.full((1, len(manifest["features"])), np.nan, dtype=np.float32)

    (probabilities,) = session.run([manifest["onnx"]["probabilities"]], {manifest["onnx"]["input"]: row})

    assert probabilities.shape == (1, 5)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)


def test_adapted_model_small(committed: tuple[Path, dict]) -> None:
    folder, manifest = committed

    assert (folder / manifest["onnx"]["file"]).stat().st_size < 1_000_000
