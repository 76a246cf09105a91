"""Binary SN Ia metrics of the domain-adaptation benchmark, with bootstrap intervals."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

METRICS = ("auc", "accuracy", "purity", "efficiency", "fom")

# Weight of a false positive in the SNPhotCC figure of merit (Kessler et al. 2010).
FALSE_POSITIVE_WEIGHT = 3.0


def binary_metrics(is_ia: np.ndarray, probability: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Compute AUC, accuracy, SN Ia purity and efficiency, and the challenge figure of merit.

    An object is classified SN Ia when its probability is ≥ `threshold`. Figure of merit =
    efficiency × N_true / (N_true + W · N_false) with W = 3. Purity and the figure of merit are
    NaN when nothing is classified SN Ia, and AUC is NaN when only one class is present.
    """
    predicted = probability >= threshold
    true_positive = float(np.sum(predicted & is_ia))
    false_positive = float(np.sum(predicted & ~is_ia))
    total_ia = float(np.sum(is_ia))

    efficiency = true_positive / total_ia if total_ia > 0 else float("nan")
    classified = true_positive + false_positive
    purity = true_positive / classified if classified > 0 else float("nan")
    pseudo_purity = (
        true_positive / (true_positive + FALSE_POSITIVE_WEIGHT * false_positive) if classified > 0 else float("nan")
    )
    auc = float(roc_auc_score(is_ia, probability)) if 0 < total_ia < len(is_ia) else float("nan")
    return {
        "auc": auc,
        "accuracy": float(np.mean(predicted == is_ia)),
        "purity": purity,
        "efficiency": efficiency,
        "fom": efficiency * pseudo_purity,
    }


def bootstrap_intervals(
    is_ia: np.ndarray, probability: np.ndarray, resamples: int, seed: int, level: float = 0.95
) -> dict[str, list[float]]:
    """Return the percentile bootstrap interval of each metric over resamples of the scored objects."""
    random = np.random.default_rng(seed)
    draws = {name: [] for name in METRICS}
    for _ in range(resamples):
        rows = random.integers(0, len(is_ia), size=len(is_ia))
        for name, value in binary_metrics(is_ia[rows], probability[rows]).items():
            draws[name].append(value)
    tail = (1 - level) / 2 * 100
    return {name: [float(v) for v in np.nanpercentile(values, [tail, 100 - tail])] for name, values in draws.items()}
