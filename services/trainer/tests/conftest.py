"""Synthetic feature tables in the format that ``lightbridge features`` writes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

CLASSES = ["Ia", "II", "Ibc", "SLSN", "other"]
FEATURES = ["g_peak_mag", "r_peak_mag", "colour_last_g_r", "g_rise_rate", "n_nondet", "ctx_rb"]
FEATURE_VERSION = "lightbridge-features/test bands=g,r"


def write_feature_table(
    path: Path,
    objects_per_class: int = 30,
    epochs: int = 3,
    nan_share: float = 0.15,
    seed: int = 1,
) -> Path:
    """Write a table whose classes are separable by the first three features, plus its sidecar.

    n_nondet is always 0 and ctx_rb always missing, as in tables built from light curves without
    alerts. The other features are missing in about `nan_share` of the rows.
    """
    random = np.random.default_rng(seed)
    rows = []
    for class_index, label in enumerate(CLASSES):
        for number in range(objects_per_class):
            object_id = f"OBJ{class_index}{number:04d}"
            for epoch in range(epochs):
                centre = np.array([class_index * 3.0, -class_index * 2.0, class_index * 1.5])
                values = list(centre + random.normal(0, 0.3, size=3)) + [random.normal(0, 1), 0.0, np.nan]
                for i in (0, 1, 2, 3):
                    if random.random() < nan_share:
                        values[i] = np.nan
                rows.append([object_id, label, 59000.0 + epoch, 2 + epoch, *values])

    header = ["object_id", "label", "epoch_mjd", "n_points", *FEATURES]
    with path.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_text(value) for value in row])

    sidecar = {
        "dataset": "synthetic",
        "survey": "ztf",
        "classes": CLASSES,
        "featureVersion": FEATURE_VERSION,
        "features": FEATURES,
        "nanEncoding": "nan",
        "epochs": epochs,
        "inputs": [],
        "objects": objects_per_class * len(CLASSES),
        "rows": len(rows),
    }
    Path(f"{path}.json").write_text(json.dumps(sidecar))
    return path


def _text(value: object) -> str:
    if isinstance(value, float) and np.isnan(value):
        return "nan"
    return str(value)


@pytest.fixture
def feature_table(tmp_path: Path) -> Path:
    return write_feature_table(tmp_path / "features.csv")
