"""Training of the alert classifier: split, LightGBM fit, ONNX export, parity check, manifest."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import lightgbm
import numpy as np

from lightbridge_trainer.export import (
    INPUT_NAME,
    check_parity,
    float32_exact_booster,
    onnx_probabilities,
    probabilities_output,
    to_onnx,
)
from lightbridge_trainer.metrics import classification_metrics
from lightbridge_trainer.split import balanced_weights, grouped_holdout
from lightbridge_trainer.table import FeatureTable, model_feature_names

MODEL_FILE = "model.onnx"
MANIFEST_FILE = "manifest.json"

# Training methods by name. source-only trains on the labeled survey data as it is; augmentation
# adds the feature rows of redshifted copies of the training objects (see ztf.augment_to_templates).
METHODS = ("source-only", "augmentation")

# Suffix of a copy's object id after its parent's id, as the augmentation writes it.
AUGMENTED_SUFFIX = "_aug"

# Share of features set to NaN in the extra copy of each held-out row that the parity check
# runs, so that the missing-value branches of most trees are exercised.
NAN_PROBE_FEATURE_SHARE = 0.3


@dataclass(frozen=True)
class TrainingConfig:
    """Settings of one training run; all of them are recorded in the manifest."""

    method: str = "source-only"
    survey: str = "ztf"
    seed: int = 0
    test_fraction: float = 0.2
    n_estimators: int = 60
    num_leaves: int = 11
    learning_rate: float = 0.1
    min_child_samples: int = 20
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    reg_lambda: float = 1.0


def train(
    table: FeatureTable,
    out_dir: Path,
    config: TrainingConfig,
    regenerate: str,
    augmented: FeatureTable | None = None,
    extra: dict | None = None,
) -> dict:
    """Train on `table`, write model.onnx and manifest.json into `out_dir`, and return the manifest.

    With method augmentation, the rows of `augmented` whose parent object (the id before
    AUGMENTED_SUFFIX) is a training object join the training rows, so no copy of a held-out object
    is trained on. The input features are chosen from `table` alone in both methods. `extra` is
    merged into the manifest. Raises ValueError on an unknown method, a missing or mismatched
    augmented table, or a class missing from the training rows, and OnnxParityError when the
    exported model does not reproduce LightGBM's probabilities.
    """
    if config.method not in METHODS:
        raise ValueError(f"method {config.method!r} is not one of {', '.join(METHODS)}")
    if (config.method == "augmentation") != (augmented is not None):
        raise ValueError("method augmentation needs the augmented feature table, and only that method takes one")
    classes = _classes_of(table)
    features, excluded = model_feature_names(table)

    train_rows, test_rows = grouped_holdout(table.labels, table.object_ids, config.test_fraction, config.seed)
    _require_every_class(table.labels[train_rows], classes)

    x = table.columns(features).astype(np.float32)
    y = np.array([classes.index(label) for label in table.labels])
    x_train, labels_train = x[train_rows], table.labels[train_rows]
    copy_rows = np.array([], dtype=np.int64)
    if augmented is not None:
        copy_rows = copies_of_objects(augmented, set(table.object_ids[train_rows]), table)
        x_train = np.vstack([x_train, augmented.columns(features).astype(np.float32)[copy_rows]])
        labels_train = np.concatenate([labels_train, augmented.labels[copy_rows]])
    y_train = np.array([classes.index(label) for label in labels_train])
    model = fit_classifier(x_train, y_train, balanced_weights(labels_train, classes), config)

    # The model family and version folder, e.g. ztf-bts/v1: records carry only this, so it must
    # tell models of different families apart.
    version = f"{out_dir.parent.name}/{out_dir.name}"
    proto = to_onnx(
        float32_exact_booster(model),
        len(features),
        {
            "modelVersion": version,
            "featureVersion": table.sidecar["featureVersion"],
            "features": ",".join(features),
            "classes": ",".join(classes),
        },
    )
    parity = check_parity(model, proto, _parity_rows(x[test_rows], config.seed))
    probabilities = onnx_probabilities(proto, x[test_rows])

    manifest = {
        "modelVersion": version,
        "createdAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "survey": config.survey,
        "method": config.method,
        "featureVersion": table.sidecar["featureVersion"],
        "features": features,
        "excludedFeatures": excluded,
        "classes": classes,
        "onnx": {"file": MODEL_FILE, "input": INPUT_NAME, "probabilities": probabilities_output(proto)},
        "trainingData": {
            "dataset": table.sidecar["dataset"],
            "table": table.path.name,
            "sha256": table.sha256,
            "objects": table.objects,
            "rows": table.rows,
            "inputs": table.sidecar.get("inputs", []),
            "epochs": table.sidecar.get("epochs"),
        },
        "split": {
            "kind": "grouped by object, stratified by class",
            "testFraction": config.test_fraction,
            "seed": config.seed,
            "trainObjects": int(len(np.unique(table.object_ids[train_rows]))),
            "trainRows": int(len(train_rows)),
        },
        "training": {**asdict(config), "library": f"lightgbm {lightgbm.__version__}", "classWeights": "balanced"},
        **({} if augmented is None else {"augmentedData": _augmented_record(augmented, copy_rows)}),
        "metrics": {
            "heldOut": classification_metrics(
                table.labels[test_rows], probabilities, classes, table.object_ids[test_rows]
            ),
            "heldOutLastEpoch": _last_epoch_metrics(table, test_rows, probabilities, classes),
        },
        "onnxParity": parity,
        "regenerate": regenerate,
        **(extra or {}),
    }

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MODEL_FILE).write_bytes(proto.SerializeToString())
    (out_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _classes_of(table: FeatureTable) -> list[str]:
    classes = list(table.sidecar.get("classes") or sorted(set(table.labels)))
    unknown = sorted(set(table.labels) - set(classes))
    if unknown:
        raise ValueError(f"{table.path}: labels {unknown} are not in the sidecar's classes {classes}")
    return classes


def _require_every_class(labels: np.ndarray, classes: list[str]) -> None:
    missing = [name for name in classes if not np.any(labels == name)]
    if missing:
        raise ValueError(
            f"classes {missing} have no training rows after the split; add objects of those classes "
            "or lower --test-fraction"
        )


def copies_of_objects(augmented: FeatureTable, parents: set[str], source: FeatureTable) -> np.ndarray:
    """Return the rows of `augmented` whose parent object is in `parents`.

    Raises ValueError when the two tables have different feature versions or label sets.
    """
    if augmented.sidecar["featureVersion"] != source.sidecar["featureVersion"]:
        raise ValueError(
            f"{augmented.path} has features {augmented.sidecar['featureVersion']!r} but {source.path} has "
            f"{source.sidecar['featureVersion']!r}; recompute both with the same lightbridge features"
        )
    unknown = sorted(set(augmented.labels) - set(_classes_of(source)))
    if unknown:
        raise ValueError(f"{augmented.path}: labels {unknown} are not classes of {source.path}")
    parent = np.array([str(i).rsplit(AUGMENTED_SUFFIX, 1)[0] for i in augmented.object_ids], dtype=object)
    return np.flatnonzero([p in parents for p in parent])


def _augmented_record(augmented: FeatureTable, rows: np.ndarray) -> dict:
    return {
        "dataset": augmented.sidecar["dataset"],
        "table": augmented.path.name,
        "sha256": augmented.sha256,
        "objects": augmented.objects,
        "rows": augmented.rows,
        "trainObjects": int(len(np.unique(augmented.object_ids[rows]))),
        "trainRows": int(len(rows)),
        "inputs": augmented.sidecar.get("inputs", []),
    }


def fit_classifier(x: np.ndarray, y: np.ndarray, weights: np.ndarray, config: TrainingConfig) -> lightgbm.LGBMClassifier:
    """Fit the LightGBM multiclass classifier with the settings of `config`, deterministically."""
    model = lightgbm.LGBMClassifier(
        objective="multiclass",
        n_estimators=config.n_estimators,
        num_leaves=config.num_leaves,
        learning_rate=config.learning_rate,
        min_child_samples=config.min_child_samples,
        subsample=config.subsample,
        subsample_freq=1,
        colsample_bytree=config.colsample_bytree,
        reg_lambda=config.reg_lambda,
        random_state=config.seed,
        # One thread and deterministic mode make a rerun on the same table give the same trees.
        n_jobs=1,
        deterministic=True,
        force_row_wise=True,
        verbose=-1,
    )
    model.fit(x, y, sample_weight=weights)
    return model


def _parity_rows(held_out: np.ndarray, seed: int) -> np.ndarray:
    """Return the held-out rows plus a copy of each with a random share of features set to NaN."""
    random = np.random.default_rng(seed)
    blanked = held_out.copy()
    blanked[random.random(blanked.shape) < NAN_PROBE_FEATURE_SHARE] = np.nan
    return np.vstack([held_out, blanked])


def _last_epoch_metrics(
    table: FeatureTable, test_rows: np.ndarray, probabilities: np.ndarray, classes: list[str]
) -> dict:
    """Metrics on each held-out object's last epoch only, i.e. on whole light curves."""
    ids = table.object_ids[test_rows]
    mjd = table.epoch_mjd[test_rows]
    last: dict[str, int] = {}
    for i, object_id in enumerate(ids):
        if object_id not in last or mjd[i] > mjd[last[object_id]]:
            last[object_id] = i
    keep = np.array(sorted(last.values()), dtype=np.int64)
    return classification_metrics(table.labels[test_rows][keep], probabilities[keep], classes, ids[keep])


def log(message: str) -> None:
    print(f"lightbridge-trainer: {message}", file=sys.stderr)
