"""ONNX export of the LightGBM classifier and the check that ONNX Runtime reproduces it."""

from __future__ import annotations

import re

import lightgbm
import numpy as np
import onnx
import onnxruntime
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

INPUT_NAME = "features"

# onnxmltools 1.16 converts LightGBM up to opset 15 and rejects higher targets.
TARGET_OPSET = 15

PARITY_TOLERANCE = 1e-5


class OnnxParityError(RuntimeError):
    """ONNX Runtime's probabilities differ from LightGBM's beyond the tolerance."""


_THRESHOLD_LINE = re.compile(r"^threshold=(.*)$", re.MULTILINE)

# The header's byte size of each tree is wrong once thresholds are rewritten. Without the line,
# LightGBM parses the trees one after another.
_TREE_SIZES_LINE = re.compile(r"^tree_sizes=.*\n", re.MULTILINE)


def float32_exact_booster(model: lightgbm.LGBMClassifier) -> lightgbm.Booster:
    """Return a copy of the model whose split thresholds are float32 values.

    LightGBM stores double thresholds, but the ONNX tree operator compares float32 inputs with
    float32 thresholds. Rounding a threshold t to the nearest float32 can land just above t, and a
    float32 input equal to that value would then take the other branch. Rounding each threshold
    down to the largest float32 at or below t changes no decision for float32 inputs, because no
    float32 value lies between the two, and makes the ONNX thresholds exact.
    """
    text = model.booster_.model_to_string()

    def round_down(match: re.Match[str]) -> str:
        values = [_float32_at_or_below(float(value)) for value in match.group(1).split()]
        return "threshold=" + " ".join(repr(value) for value in values)

    text = _TREE_SIZES_LINE.sub("", _THRESHOLD_LINE.sub(round_down, text))
    return lightgbm.Booster(model_str=text)


def _float32_at_or_below(value: float) -> float:
    single = np.float32(value)
    if float(single) > value:
        single = np.nextafter(single, np.float32(-np.inf))
    return float(single)


def to_onnx(booster: lightgbm.Booster, feature_count: int, metadata: dict[str, str]) -> onnx.ModelProto:
    """Convert the booster to ONNX: input `features` float32 [N, F], a plain probability tensor.

    Pass the output of float32_exact_booster, so that the float32 thresholds are exact. ZipMap is
    off, so the probabilities output is a float tensor [N, classes] in class-index order.
    """
    proto = convert_lightgbm(
        booster,
        name="lightbridge",
        initial_types=[(INPUT_NAME, FloatTensorType([None, feature_count]))],
        zipmap=False,
        target_opset=TARGET_OPSET,
    )

    # The converter declares the label output as [1], so ONNX Runtime would warn on every batch.
    for output in proto.graph.output:
        dims = output.type.tensor_type.shape.dim
        if len(dims) > 0:
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "N"

    # The converter lists the opsets in set order, which varies between runs. Sorted opsets make a
    # retrained model byte-identical.
    opsets = sorted(proto.opset_import, key=lambda opset: opset.domain)
    del proto.opset_import[:]
    proto.opset_import.extend(opsets)

    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key = key
        entry.value = value
    onnx.checker.check_model(proto)
    return proto


def probabilities_output(proto: onnx.ModelProto) -> str:
    """Return the name of the float probability output."""
    for output in proto.graph.output:
        if output.type.tensor_type.elem_type == onnx.TensorProto.FLOAT:
            return output.name
    names = [output.name for output in proto.graph.output]
    raise OnnxParityError(f"the ONNX model has no float output among {names}; zipmap must be off")


def onnx_probabilities(proto: onnx.ModelProto, features: np.ndarray) -> np.ndarray:
    """Run the model in ONNX Runtime on CPU and return the probabilities."""
    session = onnxruntime.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    (probabilities,) = session.run([probabilities_output(proto)], {INPUT_NAME: features.astype(np.float32)})
    return probabilities


def check_parity(model: lightgbm.LGBMClassifier, proto: onnx.ModelProto, features: np.ndarray) -> dict:
    """Compare ONNX Runtime and LightGBM probabilities on `features`, raising OnnxParityError past 1e-5.

    Both see the same float32 values (the service sends float32), so a difference means the
    conversion changed the trees, for example by routing missing values (NaN) down another branch.
    """
    single = features.astype(np.float32)
    expected = model.predict_proba(single.astype(np.float64))
    actual = onnx_probabilities(proto, single)

    difference = np.abs(actual - expected).max(axis=1)
    with_nan = np.isnan(single).any(axis=1)
    failures = np.flatnonzero(difference > PARITY_TOLERANCE)
    if failures.size > 0:
        first = int(failures[0])
        raise OnnxParityError(
            f"ONNX Runtime differs from LightGBM on {failures.size} of {len(single)} rows "
            f"({int(with_nan[failures].sum())} of them with NaN); row {first}: max difference "
            f"{difference[first]:.3g} > {PARITY_TOLERANCE}. The export is not faithful: do not ship it."
        )

    return {
        "rows": int(len(single)),
        "rowsWithNaN": int(with_nan.sum()),
        "maxAbsDifference": float(difference.max(initial=0.0)),
        "tolerance": PARITY_TOLERANCE,
    }
