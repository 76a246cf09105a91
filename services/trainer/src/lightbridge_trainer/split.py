"""Held-out split by object, so that no object's epochs sit on both sides."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold


def grouped_holdout(
    labels: np.ndarray, groups: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return (train, test) row indexes with every group on one side and classes stratified.

    The split is the first fold of a shuffled StratifiedGroupKFold with round(1 / test_fraction)
    folds, so the held-out share is approximately test_fraction of the objects.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction {test_fraction} must be between 0 and 1")

    folds = max(2, round(1 / test_fraction))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    train, test = next(splitter.split(np.zeros(len(labels)), labels, groups))
    return np.sort(train), np.sort(test)


def balanced_weights(labels: np.ndarray, classes: list[str]) -> np.ndarray:
    """Return per-row weights n / (k · n_c) so that each class carries the same total weight."""
    counts = {name: int(np.sum(labels == name)) for name in classes}
    present = [name for name in classes if counts[name] > 0]
    scale = len(labels) / len(present)
    return np.array([scale / counts[label] for label in labels], dtype=np.float64)
