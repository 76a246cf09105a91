import lightgbm
import numpy as np
import pytest

from lightbridge_trainer.export import (
    OnnxParityError,
    _float32_at_or_below,
    check_parity,
    float32_exact_booster,
    onnx_probabilities,
    to_onnx,
)


def _model(seed: int, nan_share: float = 0.2) -> tuple[lightgbm.LGBMClassifier, np.ndarray]:
    random = np.random.default_rng(seed)
    x = random.normal(size=(600, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int)
    x[random.random(x.shape) < nan_share] = np.nan
    model = lightgbm.LGBMClassifier(n_estimators=15, num_leaves=7, verbose=-1, random_state=seed)
    model.fit(x, y)
    return model, x


def test_float32_rounding_never_above() -> None:
    for value in [0.1, 1 / 3, -0.1, 2.5, 1e-35, -1e-35, 123456.789]:
        rounded = _float32_at_or_below(value)

        assert rounded <= value
        assert float(np.float32(rounded)) == rounded
        assert float(np.nextafter(np.float32(rounded), np.float32(np.inf))) > value


def test_exact_booster_keeps_predictions() -> None:
    model, x = _model(seed=2)

    booster = float32_exact_booster(model)

    assert np.array_equal(booster.predict(x.astype(np.float64)), model.predict_proba(x.astype(np.float64)))


def test_parity_passes_with_nan_rows() -> None:
    model, x = _model(seed=2)
    proto = to_onnx(float32_exact_booster(model), 4, {})

    parity = check_parity(model, proto, x)

    assert parity["rowsWithNaN"] > 0
    assert parity["maxAbsDifference"] <= 1e-5


def test_parity_all_nan_row() -> None:
    model, x = _model(seed=2)
    proto = to_onnx(float32_exact_booster(model), 4, {})
    rows = np.full((3, 4), np.nan, dtype=np.float32)

    expected = model.predict_proba(rows.astype(np.float64))
    actual = onnx_probabilities(proto, rows)

    assert np.abs(actual - expected).max() <= 1e-5


def test_parity_nan_unseen_in_training() -> None:
    # Without missing values in training, LightGBM reads NaN as 0, and the export must do the same.
    model, x = _model(seed=4, nan_share=0.0)
    proto = to_onnx(float32_exact_booster(model), 4, {})
    rows = x.copy()
    rows[::2, 0] = np.nan
    rows[1::2, 1] = np.nan

    parity = check_parity(model, proto, rows)

    assert parity["rowsWithNaN"] == len(rows)
    assert parity["maxAbsDifference"] <= 1e-5


def test_parity_fails_loudly_on_other_model() -> None:
    model, x = _model(seed=2)
    other, _ = _model(seed=9)
    proto = to_onnx(float32_exact_booster(other), 4, {})

    with pytest.raises(OnnxParityError, match="do not ship it"):
        check_parity(model, proto, x)
