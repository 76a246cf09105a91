"""SNPhotCC domain-adaptation benchmark: source = spectroscopic sample, target = photometric sample.

Every method trains a binary SN Ia classifier (LightGBM) and scores the whole target sample. The
target labels are used only for scoring, and by the oracle, which is cross-validated on them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import lightgbm
import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import StratifiedKFold

from lightbridge_trainer.domain import (
    SelfTrainingConfig,
    classifier_density_ratio,
    clip_and_normalise,
    complete_rows,
    coral,
    kliep,
    self_train,
)
from lightbridge_trainer.evaluation import METRICS, binary_metrics, bootstrap_intervals
from lightbridge_trainer.table import FeatureTable, model_feature_names

METHODS = (
    "source-only",
    "importance-domain-classifier",
    "kliep",
    "coral",
    "self-training",
    "augmentation",
    "oracle",
)

# Suffix the augment command gives each copy's object id, after the parent's id.
AUGMENTED_SUFFIX = "_aug"


@dataclass(frozen=True)
class BenchmarkConfig:
    """Settings of one benchmark run; all are recorded in the report."""

    methods: tuple[str, ...] = METHODS
    seed: int = 0
    n_estimators: int = 300
    num_leaves: int = 15
    learning_rate: float = 0.05
    min_child_samples: int = 10
    n_jobs: int = 2
    target_bootstrap: int = 200
    refits: int = 10
    oracle_refits: int = 3
    oracle_folds: int = 5
    domain_folds: int = 5
    max_weight_ratio: float = 20.0
    kliep_components: int = 10
    kliep_centres: int = 100
    kliep_target_rows: int = 3000
    coral_regularisation: float = 1.0
    self_training: SelfTrainingConfig = field(default_factory=SelfTrainingConfig)


@dataclass
class Data:
    """Feature matrices (model features only) and binary labels of the benchmark samples."""

    features: list[str]
    source: np.ndarray
    source_ia: np.ndarray
    source_ids: np.ndarray
    target: np.ndarray
    target_ia: np.ndarray
    target_ids: np.ndarray
    augmented: np.ndarray | None
    augmented_ia: np.ndarray | None
    augmented_parent: np.ndarray | None


def load_data(source: FeatureTable, target: FeatureTable, augmented: FeatureTable | None) -> Data:
    """Align the tables on the source table's model features and label rows SN Ia or not."""
    for table in (target, augmented):
        if table is not None and table.sidecar["featureVersion"] != source.sidecar["featureVersion"]:
            raise ValueError(
                f"{table.path} has features {table.sidecar['featureVersion']!r} but {source.path} has "
                f"{source.sidecar['featureVersion']!r}; recompute both with the same lightbridge features"
            )
    features, _ = model_feature_names(source)
    parent = None
    if augmented is not None:
        parent = np.array([str(i).rsplit(AUGMENTED_SUFFIX, 1)[0] for i in augmented.object_ids], dtype=object)
    return Data(
        features=features,
        source=source.columns(features).astype(np.float32),
        source_ia=source.labels == "Ia",
        source_ids=source.object_ids,
        target=target.columns(features).astype(np.float32),
        target_ia=target.labels == "Ia",
        target_ids=target.object_ids,
        augmented=None if augmented is None else augmented.columns(features).astype(np.float32),
        augmented_ia=None if augmented is None else augmented.labels == "Ia",
        augmented_parent=parent,
    )


def make_booster(config: BenchmarkConfig, seed: int) -> lightgbm.LGBMClassifier:
    return lightgbm.LGBMClassifier(
        objective="binary",
        n_estimators=config.n_estimators,
        num_leaves=config.num_leaves,
        learning_rate=config.learning_rate,
        min_child_samples=config.min_child_samples,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        random_state=seed,
        n_jobs=config.n_jobs,
        deterministic=True,
        force_row_wise=True,
        verbose=-1,
    )


@dataclass
class MethodResult:
    """Target probabilities of one fit, the fitted model (None for the oracle) and diagnostics."""

    probability: np.ndarray
    model: lightgbm.LGBMClassifier | None
    details: dict


def run_method(name: str, data: Data, rows: np.ndarray, config: BenchmarkConfig, seed: int) -> MethodResult:
    """Fit method `name` on the source rows `rows` (indexes, repeats allowed) and score the target."""
    runner = RUNNERS.get(name)
    if runner is None:
        raise ValueError(f"method {name!r} is not one of {', '.join(METHODS)}")
    return runner(data, rows, config, seed)


def _fit(config: BenchmarkConfig, seed: int, x: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> lightgbm.LGBMClassifier:
    model = make_booster(config, seed)
    model.fit(x, y.astype(np.int64), sample_weight=w)
    return model


def _source_only(data: Data, rows: np.ndarray, config: BenchmarkConfig, seed: int) -> MethodResult:
    model = _fit(config, seed, data.source[rows], data.source_ia[rows], None)
    return MethodResult(model.predict_proba(data.target)[:, 1], model, {})


def _importance_domain_classifier(data: Data, rows: np.ndarray, config: BenchmarkConfig, seed: int) -> MethodResult:
    raw, _ = domain_propensity(data.source[rows], data.target, config, seed)
    weights = clip_and_normalise(raw, config.max_weight_ratio)
    model = _fit(config, seed, data.source[rows], data.source_ia[rows], weights)
    return MethodResult(model.predict_proba(data.target)[:, 1], model, _weight_summary(weights))


def domain_propensity(source: np.ndarray, target: np.ndarray, config: BenchmarkConfig, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the domain classifier's raw source weights and out-of-fold P(target | x) of all rows."""
    small = BenchmarkConfig(n_estimators=100, num_leaves=15, learning_rate=0.1, min_child_samples=20, n_jobs=config.n_jobs)
    return classifier_density_ratio(source, target, lambda: make_booster(small, seed), config.domain_folds, seed)


def _kliep(data: Data, rows: np.ndarray, config: BenchmarkConfig, seed: int) -> MethodResult:
    # Gaussian kernels need complete, comparably scaled rows of few dimensions: impute, scale by
    # the interquartile range, and keep the leading principal components of the pooled rows.
    source, target, _, _ = complete_rows(data.source[rows], data.target)
    random = np.random.default_rng(seed)
    subset = target[random.choice(len(target), size=min(config.kliep_target_rows, len(target)), replace=False)]
    projection = PCA(n_components=config.kliep_components, random_state=seed).fit(np.vstack([source, subset]))
    source_pc, subset_pc = projection.transform(source), projection.transform(subset)
    spread = subset_pc.std(axis=0)
    fit = kliep(source_pc / spread, subset_pc / spread, centres=config.kliep_centres, seed=seed)

    weights = clip_and_normalise(fit.ratio(source_pc / spread), config.max_weight_ratio)
    model = _fit(config, seed, data.source[rows], data.source_ia[rows], weights)
    details = {**_weight_summary(weights), "kernelWidth": fit.width, "components": config.kliep_components}
    return MethodResult(model.predict_proba(data.target)[:, 1], model, details)


def _coral(data: Data, rows: np.ndarray, config: BenchmarkConfig, seed: int) -> MethodResult:
    # CORAL runs on imputed, scaled rows. Missing values are put back afterwards, so that the model
    # learns the same missing-value branches that it meets on the raw target rows.
    source_raw = data.source[rows].astype(np.float64)
    source, target, median, scale = complete_rows(source_raw, data.target.astype(np.float64))
    recoloured = coral(source, target, config.coral_regularisation) * scale + median
    recoloured[np.isnan(source_raw)] = np.nan
    model = _fit(config, seed, recoloured.astype(np.float32), data.source_ia[rows], None)
    return MethodResult(model.predict_proba(data.target)[:, 1], model, {"regularisation": config.coral_regularisation})


def _self_training(data: Data, rows: np.ndarray, config: BenchmarkConfig, seed: int) -> MethodResult:
    models: list[lightgbm.LGBMClassifier] = []

    def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        models.append(_fit(config, seed, x, y, w))
        model = models[-1]
        return lambda rows_: model.predict_proba(rows_)[:, 1]

    labels = data.source_ia[rows].astype(np.int64)
    predict, added = self_train(fit, data.source[rows], labels, np.ones(len(rows)), data.target, config.self_training)
    return MethodResult(predict(data.target), models[-1], {"pseudoLabelsPerRound": added})


def _augmentation(data: Data, rows: np.ndarray, config: BenchmarkConfig, seed: int) -> MethodResult:
    if data.augmented is None:
        raise ValueError("method augmentation needs --augmented, the feature table of the augmented light curves")
    # A refit on a bootstrap resample of the labeled objects takes each chosen object's copies
    # once per time the object was drawn, so copies follow their parent.
    copies_of: dict[str, list[int]] = {}
    for index, parent in enumerate(data.augmented_parent):
        copies_of.setdefault(parent, []).append(index)
    copy_rows = [index for row in rows for index in copies_of.get(str(data.source_ids[row]), [])]
    x = np.vstack([data.source[rows], data.augmented[copy_rows]])
    y = np.concatenate([data.source_ia[rows], data.augmented_ia[copy_rows]])
    model = _fit(config, seed, x, y, None)
    return MethodResult(model.predict_proba(data.target)[:, 1], model, {"augmentedRows": len(copy_rows)})


def _oracle(data: Data, rows: np.ndarray, config: BenchmarkConfig, seed: int) -> MethodResult:
    # The oracle ignores the source rows: it is cross-validated on the target's own labels, and a
    # refit (seed ≠ config.seed) resamples each fold's training rows with replacement.
    probability = np.empty(len(data.target))
    random = np.random.default_rng(seed)
    splitter = StratifiedKFold(n_splits=config.oracle_folds, shuffle=True, random_state=config.seed)
    for fit_rows, score_rows in splitter.split(data.target, data.target_ia):
        if seed != config.seed:
            fit_rows = fit_rows[random.integers(0, len(fit_rows), size=len(fit_rows))]
        model = _fit(config, seed, data.target[fit_rows], data.target_ia[fit_rows], None)
        probability[score_rows] = model.predict_proba(data.target[score_rows])[:, 1]
    return MethodResult(probability, None, {"folds": config.oracle_folds})


def _weight_summary(weights: np.ndarray) -> dict:
    return {
        "weightMin": float(weights.min()),
        "weightMax": float(weights.max()),
        "effectiveSampleSize": float(weights.sum() ** 2 / np.sum(weights**2)),
    }


RUNNERS: dict[str, Callable[[Data, np.ndarray, BenchmarkConfig, int], MethodResult]] = {
    "source-only": _source_only,
    "importance-domain-classifier": _importance_domain_classifier,
    "kliep": _kliep,
    "coral": _coral,
    "self-training": _self_training,
    "augmentation": _augmentation,
    "oracle": _oracle,
}


def evaluate(
    data: Data, config: BenchmarkConfig, log: Callable[[str], None]
) -> tuple[dict[str, dict], dict[str, MethodResult], np.ndarray]:
    """Run every configured method with its refits and return the results, main fits and the target propensity."""
    _, propensity = domain_propensity(data.source, data.target, config, config.seed)
    target_propensity = propensity[len(data.source):]
    quartile_edges = np.quantile(target_propensity, [0.25, 0.5, 0.75])
    quartile = np.searchsorted(quartile_edges, target_propensity, side="right")

    results: dict[str, dict] = {}
    fits: dict[str, MethodResult] = {}
    every_row = np.arange(len(data.source))
    for name in config.methods:
        started = time.perf_counter()
        main = run_method(name, data, every_row, config, config.seed)
        fits[name] = main

        metrics = binary_metrics(data.target_ia, main.probability)
        intervals = bootstrap_intervals(data.target_ia, main.probability, config.target_bootstrap, config.seed)
        refit_metrics = _refits(name, data, config)
        by_quartile = []
        for q in range(4):
            rows = quartile == q
            by_quartile.append(
                {
                    "quartile": q + 1,
                    "objects": int(rows.sum()),
                    "snIaShare": float(data.target_ia[rows].mean()),
                    "metrics": binary_metrics(data.target_ia[rows], main.probability[rows]),
                    "intervals": bootstrap_intervals(
                        data.target_ia[rows], main.probability[rows], config.target_bootstrap, config.seed + q + 1
                    ),
                }
            )

        results[name] = {
            "method": name,
            "metrics": metrics,
            "targetBootstrap95": intervals,
            "refits": {
                "count": len(refit_metrics),
                "std": {m: float(np.nanstd([r[m] for r in refit_metrics])) for m in METRICS} if refit_metrics else None,
                "range95": {
                    m: [float(v) for v in np.nanpercentile([r[m] for r in refit_metrics], [2.5, 97.5])] for m in METRICS
                }
                if refit_metrics
                else None,
            },
            "byPropensityQuartile": by_quartile,
            "details": main.details,
            "seconds": round(time.perf_counter() - started, 1),
        }
        log(
            f"{name}: AUC {metrics['auc']:.4f} [{intervals['auc'][0]:.4f}, {intervals['auc'][1]:.4f}], "
            f"FoM {metrics['fom']:.4f}, {results[name]['seconds']} s"
        )
    return results, fits, target_propensity


def _refits(name: str, data: Data, config: BenchmarkConfig) -> list[dict[str, float]]:
    count = config.oracle_refits if name == "oracle" else config.refits
    random = np.random.default_rng(config.seed + 1000)
    metrics = []
    for refit in range(count):
        rows = random.integers(0, len(data.source), size=len(data.source))
        result = run_method(name, data, rows, config, config.seed + refit + 1)
        metrics.append(binary_metrics(data.target_ia, result.probability))
    return metrics


def config_record(config: BenchmarkConfig) -> dict:
    record = asdict(config)
    record["methods"] = list(config.methods)
    return record


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, allow_nan=False, default=_nan_to_none) + "\n")


def _nan_to_none(value: object) -> object:
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
