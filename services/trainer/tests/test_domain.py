"""Known-answer tests of the density-ratio estimators, CORAL and self-training."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from lightbridge_trainer.domain import (
    SelfTrainingConfig,
    classifier_density_ratio,
    clip_and_normalise,
    complete_rows,
    coral,
    kliep,
    self_train,
)

# Source N(0, 1) and target N(0.5, 0.8²), so the true density ratio is known in closed form. It
# peaks near 1.8, so the tolerance is 10% relative plus 0.1 absolute, for the sparse tails.
GRID = np.linspace(-1.5, 2.0, 8)[:, None]


def true_ratio(x: np.ndarray) -> np.ndarray:
    return np.exp(-((x[:, 0] - 0.5) ** 2) / (2 * 0.64) + x[:, 0] ** 2 / 2) / 0.8


def quadratic_logistic():
    # The log ratio of two Gaussians is quadratic in x, so this classifier family contains the truth.
    return make_pipeline(PolynomialFeatures(2), LogisticRegression(C=1e6, max_iter=1000))


@pytest.fixture(scope="module")
def shifted() -> tuple[np.ndarray, np.ndarray]:
    random = np.random.default_rng(3)
    return random.normal(0.0, 1.0, (1500, 1)), random.normal(0.5, 0.8, (3000, 1))


def test_domain_classifier_ratio_recovers_truth(shifted: tuple[np.ndarray, np.ndarray]) -> None:
    source, target = shifted
    weights, propensity = classifier_density_ratio(source, target, quadratic_logistic, folds=5, seed=0)
    inside = np.abs(source[:, 0]) < 2.0

    assert weights.shape == (1500,)
    assert propensity.shape == (4500,)
    assert np.allclose(weights[inside], true_ratio(source[inside]), rtol=0.1, atol=0.1)


def test_kliep_recovers_truth(shifted: tuple[np.ndarray, np.ndarray]) -> None:
    source, target = shifted
    fit = kliep(source, target, centres=100, seed=0)
    estimate = fit.ratio(GRID)

    assert np.all(fit.alpha >= 0)
    assert np.mean(fit.ratio(source)) == pytest.approx(1.0, abs=1e-6)
    assert np.allclose(estimate, true_ratio(GRID), rtol=0.1, atol=0.1)


def test_clip_and_normalise_bounds() -> None:
    weights = np.array([1e-6, 1.0, 1.0, 1.0, 1e6])
    result = clip_and_normalise(weights, max_ratio=10.0)

    assert result.mean() == pytest.approx(1.0)
    assert result.max() / result[1] == pytest.approx(10.0)
    assert result[1] / result.min() == pytest.approx(10.0)


def test_coral_matches_target_covariance() -> None:
    random = np.random.default_rng(5)
    source = random.multivariate_normal([1.0, -2.0, 0.5], np.diag([1.0, 4.0, 0.25]), size=4000)
    target_covariance = np.array([[2.0, 0.8, 0.0], [0.8, 1.0, -0.3], [0.0, -0.3, 0.5]])
    target = random.multivariate_normal([0.0, 0.0, 0.0], target_covariance, size=4000)

    recoloured = coral(source, target, regularisation=1e-9)

    assert np.allclose(np.cov(recoloured, rowvar=False), np.cov(target, rowvar=False), atol=1e-6)
    assert np.allclose(recoloured.mean(axis=0), source.mean(axis=0), atol=1e-9)


def test_coral_regularised_covariance() -> None:
    random = np.random.default_rng(6)
    source = random.normal(0, 3.0, (3000, 2))
    target = random.normal(0, 1.0, (3000, 2))
    s = np.cov(source, rowvar=False).diagonal()
    t = np.cov(target, rowvar=False).diagonal()

    recoloured = np.cov(coral(source, target, regularisation=1.0), rowvar=False)

    # With nearly diagonal covariances, whitening by C_s + I and recolouring by C_t + I scales
    # each variance s to s (t + 1) / (s + 1).
    assert np.allclose(recoloured.diagonal(), s * (t + 1) / (s + 1), rtol=0.05)
    assert abs(recoloured[0, 1]) < 0.1


def test_complete_rows_fills_nan() -> None:
    source = np.array([[1.0, np.nan], [3.0, 4.0]])
    target = np.array([[5.0, 6.0], [np.nan, 8.0]])
    filled_source, filled_target, median, scale = complete_rows(source, target)

    assert not np.isnan(filled_source).any()
    assert not np.isnan(filled_target).any()
    assert median.tolist() == [3.0, 6.0]
    assert filled_source[0, 1] == 0.0
    assert filled_target[1, 0] == 0.0
    assert np.all(scale > 0)


def test_self_training_labels_shifted_target() -> None:
    random = np.random.default_rng(7)
    # Two separable classes at x = ±2; the target is the same problem shifted by +0.8.
    labels = np.r_[np.zeros(200), np.ones(200)].astype(np.int64)
    source = np.r_[random.normal(-2, 0.5, 200), random.normal(2, 0.5, 200)][:, None]
    target_labels = np.r_[np.zeros(300), np.ones(300)]
    target = np.r_[random.normal(-1.2, 0.5, 300), random.normal(2.8, 0.5, 300)][:, None]

    def fit(x, y, w):
        model = LogisticRegression().fit(x, y, sample_weight=w)
        return lambda rows: model.predict_proba(rows)[:, 1]

    predict, added = self_train(fit, source, labels, np.ones(400), target, SelfTrainingConfig(rounds=3, threshold=0.9))

    assert len(added) == 3
    assert added[-1] >= added[0]
    assert added[-1] > 500
    assert np.mean((predict(target) >= 0.5) == target_labels) == 1.0
