"""Checks that the committed ZTF model agrees with its manifest, so a fresh clone can classify."""

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest

MODELS = Path(__file__).resolve().parents[3] / "models" / "ztf-bts"


@pytest.fixture(scope="module")
def committed() -> tuple[Path, dict]:
    version = (MODELS / "CURRENT").read_text().strip()
    folder = MODELS / version
    return folder, json.loads((folder / "manifest.json").read_text())


def test_committed_manifest_fields(committed: tuple[Path, dict]) -> None:
    folder, manifest = committed

    assert manifest["modelVersion"] == f"{folder.parent.name}/{folder.name}"
    assert manifest["survey"] == "ztf"
    assert manifest["method"] == "source-only"
    assert manifest["classes"] == ["Ia", "II", "Ibc", "SLSN", "other"]
    assert manifest["featureVersion"].startswith("lightbridge-features/")
    assert manifest["trainingData"]["dataset"] == "bts"
    assert len(manifest["trainingData"]["sha256"]) == 64
    assert manifest["regenerate"] == "pnpm train:ztf"
    assert not any(name.startswith("ctx_") for name in manifest["features"])
    assert set(manifest["metrics"]["heldOut"]) >= {"accuracy", "macroF1", "snIaAuc", "perClass", "confusionMatrix"}


def test_committed_onnx_matches_manifest(committed: tuple[Path, dict]) -> None:
    folder, manifest = committed
    model = onnx.load(folder / manifest["onnx"]["file"])

    (graph_input,) = model.graph.input
    outputs = [output.name for output in model.graph.output]

    assert graph_input.name == manifest["onnx"]["input"]
    assert graph_input.type.tensor_type.shape.dim[1].dim_value == len(manifest["features"])
    assert manifest["onnx"]["probabilities"] in outputs


def test_committed_model_scores_nan_row(committed: tuple[Path, dict]) -> None:
    folder, manifest = committed
    session = onnxruntime.InferenceSession(str(folder / manifest["onnx"]["file"]), providers=["CPUExecutionProvider"])
    rows = np.full((2, len(manifest["features"])), np.nan, dtype=np.float32)
    rows[1] = 1.0

    (probabilities,) = session.run([manifest["onnx"]["probabilities"]], {manifest["onnx"]["input"]: rows})

    assert probabilities.shape == (2, len(manifest["classes"]))
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
