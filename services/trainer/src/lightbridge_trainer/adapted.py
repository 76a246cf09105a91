"""Evaluation of the ZTF adapted model: the bright-to-faint stand-in shift with labels, and the
comparison of the source-only and adapted models on the unlabeled features of real alerts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import onnxruntime
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from lightbridge_trainer.metrics import IA
from lightbridge_trainer.split import balanced_weights
from lightbridge_trainer.table import FeatureTable, model_feature_names
from lightbridge_trainer.target import TargetTable
from lightbridge_trainer.train import TrainingConfig, copies_of_objects, fit_classifier

SHIFT_METRICS = ("accuracy", "macroF1", "snIaAuc")
METHOD_NAMES = ("source-only", "augmentation")


def shift_rows(table: FeatureTable, bright: set[str], faint: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the row indexes of the bright (source) and faint (target) objects; other objects are in neither."""
    ids = table.object_ids
    return np.flatnonzero([i in bright for i in ids]), np.flatnonzero([i in faint for i in ids])


def last_epoch_rows(object_ids: np.ndarray, epoch_mjd: np.ndarray) -> np.ndarray:
    """Return, for the given rows, the positions of each object's row with the latest epoch."""
    last: dict[str, int] = {}
    for i, object_id in enumerate(object_ids):
        if object_id not in last or epoch_mjd[i] > epoch_mjd[last[object_id]]:
            last[object_id] = i
    return np.array(sorted(last.values()), dtype=np.int64)


def shift_metrics(truth: np.ndarray, probabilities: np.ndarray, classes: list[str]) -> dict[str, float]:
    """Return accuracy, macro F1 over `classes` and the SN Ia one-vs-rest AUC (NaN with one side only)."""
    predicted = probabilities.argmax(axis=1)
    is_ia = truth == classes.index(IA)
    auc = float(roc_auc_score(is_ia, probabilities[:, classes.index(IA)])) if 0 < is_ia.sum() < len(is_ia) else float("nan")
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "macroF1": float(f1_score(truth, predicted, labels=list(range(len(classes))), average="macro", zero_division=0)),
        "snIaAuc": auc,
    }


def object_bootstrap(
    object_ids: np.ndarray,
    truth: np.ndarray,
    probabilities: dict[str, np.ndarray],
    classes: list[str],
    resamples: int,
    seed: int,
) -> dict[str, dict[str, list[float]]]:
    """Return 95% percentile intervals of each method's metrics and of the difference augmentation − source-only.

    Each resample draws objects with replacement and takes all rows of each drawn object, so an
    object's epochs stay together. Both methods are scored on the same resample (paired).
    """
    groups: dict[str, list[int]] = {}
    for i, object_id in enumerate(object_ids):
        groups.setdefault(object_id, []).append(i)
    members = [np.array(rows) for rows in groups.values()]
    random = np.random.default_rng(seed)
    draws: dict[str, dict[str, list[float]]] = {name: {m: [] for m in SHIFT_METRICS} for name in [*probabilities, "difference"]}

    for _ in range(resamples):
        rows = np.concatenate([members[k] for k in random.integers(0, len(members), size=len(members))])
        values = {name: shift_metrics(truth[rows], p[rows], classes) for name, p in probabilities.items()}
        for name, metrics in values.items():
            for metric, value in metrics.items():
                draws[name][metric].append(value)
        for metric in SHIFT_METRICS:
            draws["difference"][metric].append(values["augmentation"][metric] - values["source-only"][metric])

    return {
        name: {metric: [float(v) for v in np.nanpercentile(values, [2.5, 97.5])] for metric, values in metrics.items()}
        for name, metrics in draws.items()
    }


def faint_shift_experiment(
    table: FeatureTable,
    augmented: FeatureTable,
    bright: set[str],
    faint: set[str],
    config: TrainingConfig,
    resamples: int,
    seeds: int,
) -> dict:
    """Train source-only and augmentation on the bright objects and score the faint ones.

    Both methods use `config` and balanced class weights, and the input features that
    model_feature_names chooses on the whole table. Augmentation adds the rows of `augmented`
    whose parents are bright objects. The faint labels are used only for scoring. Metrics are
    given on every faint epoch row and on each faint object's last epoch, with object bootstrap
    intervals for the main seed and the spread over `seeds` LightGBM seeds.
    """
    classes = list(table.sidecar["classes"])
    features, _ = model_feature_names(table)
    source_rows, target_rows = shift_rows(table, bright, faint)
    x = table.columns(features).astype(np.float32)
    truth = np.array([classes.index(label) for label in table.labels[target_rows]])
    copy_rows = copies_of_objects(augmented, bright, table)
    x_copies = augmented.columns(features).astype(np.float32)[copy_rows]

    def fit(method: str, seed: int) -> np.ndarray:
        x_fit, labels = x[source_rows], table.labels[source_rows]
        if method == "augmentation":
            x_fit = np.vstack([x_fit, x_copies])
            labels = np.concatenate([labels, augmented.labels[copy_rows]])
        y = np.array([classes.index(label) for label in labels])
        model = fit_classifier(x_fit, y, balanced_weights(labels, classes), replace(config, seed=seed, method=method))
        return model.predict_proba(x[target_rows])

    probabilities = {method: fit(method, config.seed) for method in METHOD_NAMES}
    spread = {method: [fit(method, config.seed + k) for k in range(1, seeds)] for method in METHOD_NAMES}
    ids, mjd = table.object_ids[target_rows], table.epoch_mjd[target_rows]
    last = last_epoch_rows(ids, mjd)

    subsets = {}
    for subset, rows in (("everyEpoch", np.arange(len(target_rows))), ("lastEpoch", last)):
        subsets[subset] = {
            "rows": int(len(rows)),
            "objects": int(len(np.unique(ids[rows]))),
            "metrics": {m: shift_metrics(truth[rows], p[rows], classes) for m, p in probabilities.items()},
            "bootstrap95": object_bootstrap(ids[rows], truth[rows], {m: p[rows] for m, p in probabilities.items()},
                                            classes, resamples, config.seed),
            "seedStd": {
                m: {metric: float(np.std([shift_metrics(truth[rows], p[rows], classes)[metric]
                                          for p in [probabilities[m], *spread[m]]]))
                    for metric in SHIFT_METRICS}
                for m in METHOD_NAMES
            },
            "predictedClassShare": {m: _class_share(p[rows], classes) for m, p in probabilities.items()},
            "trueClassShare": {c: float(np.mean(truth[rows] == k)) for k, c in enumerate(classes)},
        }

    return {
        "split": {"sourceObjects": len(set(table.object_ids[source_rows])), "sourceRows": int(len(source_rows)),
                  "targetObjects": len(set(ids)), "targetRows": int(len(target_rows)),
                  "augmentedObjects": int(len(np.unique(augmented.object_ids[copy_rows]))), "augmentedRows": int(len(copy_rows))},
        "classes": classes,
        "bootstrapResamples": resamples,
        "seeds": seeds,
        **subsets,
    }


def score_onnx(manifest: dict, model_bytes: bytes, rows: np.ndarray) -> np.ndarray:
    """Score float32 rows (the manifest's feature order) with onnxruntime on CPU."""
    session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    onnx = manifest["onnx"]
    (probabilities,) = session.run([onnx["probabilities"]], {onnx["input"]: rows.astype(np.float32)})
    return probabilities


def target_comparison(target: TargetTable, models: dict[str, tuple[dict, bytes]]) -> dict:
    """Compare the models' predictions on every target record, on the published ones and per flag.

    `models` maps a method name to (manifest, ONNX bytes); the models must share the class list.
    For each subset: record and object counts, each model's predicted class shares and mean class
    probabilities, and the share of records on which both models predict the same class.
    """
    names = list(models)
    classes = models[names[0]][0]["classes"]
    probabilities = {
        name: score_onnx(manifest, onnx_bytes, target.columns(manifest["features"])) for name, (manifest, onnx_bytes) in models.items()
    }

    subsets = {"all records": np.ones(target.rows, dtype=bool), "published (no flag)": target.published()}
    for flag in sorted({flag for flags in target.flags for flag in flags}):
        subsets[f"flag {flag}"] = target.with_flag(flag)

    result = {}
    for subset, mask in subsets.items():
        if not mask.any():
            continue
        predicted = {name: p[mask].argmax(axis=1) for name, p in probabilities.items()}
        result[subset] = {
            "records": int(mask.sum()),
            "objects": int(len(np.unique(target.object_ids[mask]))),
            "predictedClassShare": {name: _class_share(p[mask], classes) for name, p in probabilities.items()},
            "meanProbability": {name: {c: float(p[mask][:, k].mean()) for k, c in enumerate(classes)} for name, p in probabilities.items()},
            "agreement": float(np.mean(predicted[names[0]] == predicted[names[-1]])),
        }
    return {"classes": classes, "records": target.rows, "objects": target.objects, "subsets": result}


def _class_share(probabilities: np.ndarray, classes: list[str]) -> dict[str, float]:
    predicted = probabilities.argmax(axis=1)
    return {c: float(np.mean(predicted == k)) for k, c in enumerate(classes)}
