"""Domain-adaptation building blocks on feature matrices: density ratios, CORAL and self-training.

Source rows are labeled, target rows are not. Features may contain NaN (missing values), which
LightGBM handles itself. The estimators that need complete rows impute them (see complete_rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedKFold


def classifier_density_ratio(
    source: np.ndarray,
    target: np.ndarray,
    make_classifier: Callable[[], object],
    folds: int = 5,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Estimate w(x) = p_target(x) / p_source(x) at the source rows with a probabilistic domain classifier.

    The classifier learns P(target | x) on source (0) versus target (1) rows with `folds`-fold
    cross-fitting, so each row is scored by a model that did not see it. Then
    w = P(t|x) / P(s|x) · n_source / n_target. Returns the raw weights of the source rows and the
    out-of-fold P(target | x) of every row (source rows first), which is the propensity score.
    """
    x = np.vstack([source, target])
    domain = np.concatenate([np.zeros(len(source)), np.ones(len(target))])
    propensity = np.empty(len(x))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_rows, score_rows in splitter.split(x, domain):
        classifier = make_classifier()
        classifier.fit(x[fit_rows], domain[fit_rows])
        propensity[score_rows] = classifier.predict_proba(x[score_rows])[:, 1]

    p_target = np.clip(propensity[: len(source)], 1e-6, 1 - 1e-6)
    weights = p_target / (1 - p_target) * (len(source) / len(target))
    return weights, propensity


def clip_and_normalise(weights: np.ndarray, max_ratio: float = 20.0) -> np.ndarray:
    """Clip weights to [median / max_ratio, median · max_ratio] and scale them to mean 1.

    Clipping bounds the variance that a few extreme ratios add to the weighted loss.
    """
    median = float(np.median(weights))
    clipped = np.clip(weights, median / max_ratio, median * max_ratio)
    return clipped / clipped.mean()


@dataclass(frozen=True)
class KliepResult:
    """KLIEP fit: kernel centres, width and non-negative coefficients of w(x) = Σ α_l K(x, c_l)."""

    centres: np.ndarray
    width: float
    alpha: np.ndarray

    def ratio(self, x: np.ndarray) -> np.ndarray:
        return gaussian_kernel(x, self.centres, self.width) @ self.alpha


def gaussian_kernel(x: np.ndarray, centres: np.ndarray, width: float) -> np.ndarray:
    """Return exp(−‖x − c‖² / (2 width²)) for every row of x and every centre."""
    squared = (x**2).sum(axis=1)[:, None] + (centres**2).sum(axis=1)[None, :] - 2 * x @ centres.T
    return np.exp(-np.maximum(squared, 0.0) / (2 * width**2))


def kliep(
    source: np.ndarray,
    target: np.ndarray,
    widths: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0),
    centres: int = 100,
    folds: int = 5,
    iterations: int = 200,
    seed: int = 0,
) -> KliepResult:
    """Fit the KL importance estimation procedure (Sugiyama et al. 2008) on complete, scaled rows.

    w(x) = Σ_l α_l K(x, c_l) with Gaussian kernels at `centres` random target rows. α maximises
    the mean log w over the target subject to α ≥ 0 and the mean of w over the source being 1,
    by projected gradient ascent. The kernel width is chosen from `widths` by `folds`-fold
    likelihood cross-validation over the target rows.
    """
    random = np.random.default_rng(seed)
    chosen = target[random.choice(len(target), size=min(centres, len(target)), replace=False)]

    scores = []
    fold_of = random.integers(0, folds, size=len(target))
    for width in widths:
        held_out = []
        for fold in range(folds):
            alpha = _kliep_alpha(source, target[fold_of != fold], chosen, width, iterations)
            ratio = gaussian_kernel(target[fold_of == fold], chosen, width) @ alpha
            held_out.append(np.mean(np.log(np.maximum(ratio, 1e-12))))
        scores.append(float(np.mean(held_out)))

    best = widths[int(np.argmax(scores))]
    return KliepResult(centres=chosen, width=best, alpha=_kliep_alpha(source, target, chosen, best, iterations))


def _kliep_alpha(source: np.ndarray, target: np.ndarray, centres: np.ndarray, width: float, iterations: int) -> np.ndarray:
    """Maximise mean log(Kα) over the target by projected gradient ascent with decreasing steps.

    As in the authors' reference procedure, each step size is used until the objective stops
    improving, then the next smaller one. After each step α is projected onto mean_source(w) = 1
    and α ≥ 0. `iterations` bounds the steps per step size.
    """
    on_target = gaussian_kernel(target, centres, width)
    source_mean = gaussian_kernel(source, centres, width).mean(axis=0)

    def project(alpha: np.ndarray) -> np.ndarray:
        alpha = alpha + (1 - source_mean @ alpha) * source_mean / (source_mean @ source_mean)
        alpha = np.maximum(alpha, 0.0)
        return alpha / max(source_mean @ alpha, 1e-12)

    def objective(alpha: np.ndarray) -> float:
        return float(np.mean(np.log(np.maximum(on_target @ alpha, 1e-12))))

    alpha = project(np.ones(len(centres)))
    score = objective(alpha)
    for step in (1e3, 1e2, 1e1, 1.0, 1e-1, 1e-2, 1e-3):
        for _ in range(iterations):
            gradient = on_target.T @ (1.0 / np.maximum(on_target @ alpha, 1e-12)) / len(target)
            candidate = project(alpha + step * gradient)
            candidate_score = objective(candidate)
            if candidate_score <= score:
                break
            alpha, score = candidate, candidate_score
    return alpha


def coral(source: np.ndarray, target: np.ndarray, regularisation: float = 1.0) -> np.ndarray:
    """Return the source rows recoloured so that their covariance is the target's (CORAL, Sun et al. 2016).

    x' = (x − μ_s) C_s^{−1/2} C_t^{1/2} + μ_s, with C = covariance + `regularisation` · I as in the
    original method. The source mean stays, only the second moments move. Rows must be complete.
    """
    dimension = source.shape[1]
    source_covariance = np.cov(source, rowvar=False) + regularisation * np.eye(dimension)
    target_covariance = np.cov(target, rowvar=False) + regularisation * np.eye(dimension)
    mean = source.mean(axis=0)
    transform = _matrix_power(source_covariance, -0.5) @ _matrix_power(target_covariance, 0.5)
    return (source - mean) @ transform + mean


def _matrix_power(matrix: np.ndarray, power: float) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.maximum(values, 1e-12) ** power) @ vectors.T


def complete_rows(source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Impute NaN with the pooled median and scale by the pooled median and interquartile range.

    Returns the scaled source and target rows, the medians and the scales, so that a caller can
    map the result back to feature units (scaled · scale + median).
    """
    pooled = np.vstack([source, target])
    median = np.nanmedian(pooled, axis=0)
    median = np.where(np.isnan(median), 0.0, median)
    q75, q25 = np.nanpercentile(pooled, [75, 25], axis=0)
    scale = np.where((q75 - q25) > 0, q75 - q25, 1.0)
    scale = np.where(np.isnan(scale), 1.0, scale)

    def fill(rows: np.ndarray) -> np.ndarray:
        return (np.where(np.isnan(rows), median, rows) - median) / scale

    return fill(source), fill(target), median, scale


@dataclass(frozen=True)
class SelfTrainingConfig:
    """Fixed rounds; each adds the target rows whose probability is ≥ threshold or ≤ 1 − threshold."""

    rounds: int = 3
    threshold: float = 0.95
    pseudo_weight: float = 1.0


def self_train(
    fit: Callable[[np.ndarray, np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]],
    source: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    target: np.ndarray,
    config: SelfTrainingConfig,
) -> tuple[Callable[[np.ndarray], np.ndarray], list[int]]:
    """Train on the source, then for `rounds` rounds pseudo-label confident target rows and retrain.

    `fit(x, y, w)` returns a function of rows that gives P(y = 1). Each round relabels from scratch
    with the latest model, so a pseudo-label can change or drop out. Returns the last model and
    the number of pseudo-labeled rows used in each round.
    """
    predict = fit(source, labels, weights)
    added = []
    for _ in range(config.rounds):
        probability = predict(target)
        confident = (probability >= config.threshold) | (probability <= 1 - config.threshold)
        added.append(int(confident.sum()))
        x = np.vstack([source, target[confident]])
        y = np.concatenate([labels, (probability[confident] >= 0.5).astype(labels.dtype)])
        w = np.concatenate([weights, np.full(int(confident.sum()), config.pseudo_weight)])
        predict = fit(x, y, w)
    return predict, added
