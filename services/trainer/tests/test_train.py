import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest

from lightbridge_trainer.cli import main
from lightbridge_trainer.table import file_sha256, read_feature_table
from lightbridge_trainer.train import TrainingConfig, train

from conftest import CLASSES, FEATURE_VERSION

SMALL = TrainingConfig(n_estimators=20, num_leaves=7, min_child_samples=5)


@pytest.fixture
def trained(feature_table: Path, tmp_path: Path) -> tuple[Path, dict]:
    out = tmp_path / "models" / "test-v1"
    manifest = train(read_feature_table(feature_table), out, SMALL, "make model")
    return out, manifest


def test_train_writes_model_and_manifest(trained: tuple[Path, dict]) -> None:
    out, manifest = trained

    assert (out / "model.onnx").is_file()
    assert json.loads((out / "manifest.json").read_text()) == manifest


def test_manifest_fields(trained: tuple[Path, dict], feature_table: Path) -> None:
    _, manifest = trained

    assert manifest["modelVersion"] == "models/test-v1"
    assert manifest["survey"] == "ztf"
    assert manifest["method"] == "source-only"
    assert manifest["featureVersion"] == FEATURE_VERSION
    assert manifest["features"] == ["g_peak_mag", "r_peak_mag", "colour_last_g_r", "g_rise_rate"]
    assert manifest["classes"] == CLASSES
    assert manifest["onnx"] == {"file": "model.onnx", "input": "features", "probabilities": "probabilities"}
    assert manifest["trainingData"]["dataset"] == "synthetic"
    assert manifest["trainingData"]["sha256"] == file_sha256(feature_table)
    assert manifest["trainingData"]["objects"] == 150
    assert manifest["trainingData"]["rows"] == 450
    assert manifest["split"]["trainObjects"] + manifest["metrics"]["heldOut"]["objects"] == 150
    assert manifest["regenerate"] == "make model"
    assert manifest["createdAt"].endswith("+00:00")


def test_manifest_held_out_metrics(trained: tuple[Path, dict]) -> None:
    held_out = trained[1]["metrics"]["heldOut"]

    assert held_out["objects"] == 30
    assert held_out["rows"] == 90
    assert held_out["accuracy"] > 0.9
    assert held_out["macroF1"] > 0.9
    assert held_out["snIaAuc"] > 0.95
    assert list(held_out["perClass"]) == CLASSES
    assert np.array(held_out["confusionMatrix"]).shape == (5, 5)
    assert np.array(held_out["confusionMatrix"]).sum() == 90


def test_onnx_input_and_output(trained: tuple[Path, dict]) -> None:
    out, manifest = trained
    model = onnx.load(out / "model.onnx")

    (graph_input,) = model.graph.input
    dims = graph_input.type.tensor_type.shape.dim
    outputs = {output.name: output for output in model.graph.output}

    assert graph_input.name == "features"
    assert graph_input.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert dims[1].dim_value == len(manifest["features"])
    assert outputs["probabilities"].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert not any(node.op_type == "ZipMap" for node in model.graph.node)


def test_onnx_probabilities_on_nan_rows(trained: tuple[Path, dict], feature_table: Path) -> None:
    out, manifest = trained
    table = read_feature_table(feature_table)
    rows = table.columns(manifest["features"]).astype(np.float32)
    rows[::3, 0] = np.nan
    rows[1::3] = np.nan
    session = onnxruntime.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])

    (probabilities,) = session.run(["probabilities"], {"features": rows})

    assert probabilities.shape == (450, 5)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    assert np.isfinite(probabilities).all()
    assert manifest["onnxParity"]["rowsWithNaN"] > 0
    assert manifest["onnxParity"]["maxAbsDifference"] <= 1e-5


def test_train_rejects_unknown_method(feature_table: Path, tmp_path: Path) -> None:
    config = TrainingConfig(method="dann")

    with pytest.raises(ValueError, match="method 'dann'"):
        train(read_feature_table(feature_table), tmp_path / "v", config, "")


def test_cli_train_sets_current(feature_table: Path, tmp_path: Path) -> None:
    out = tmp_path / "ztf-test" / "v2"

    code = main(["train", "--features", str(feature_table), "--out", str(out), "--n-estimators", "5", "--set-current"])

    assert code == 0
    assert (tmp_path / "ztf-test" / "CURRENT").read_text() == "v2\n"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["regenerate"].startswith("python -m lightbridge_trainer train --features ")


def test_cli_missing_table(tmp_path: Path) -> None:
    code = main(["train", "--features", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "v")])

    assert code == 1
