"""The ``augment``, ``benchmark`` and ``score`` subcommands."""

from __future__ import annotations

import argparse
import csv
import time
from datetime import datetime, timezone
from pathlib import Path

import lightgbm
import numpy as np
import onnxruntime

from lightbridge_trainer.augment import AugmentConfig, augment, write_light_curves
from lightbridge_trainer.benchmark import METHODS, BenchmarkConfig, MethodResult, config_record, evaluate, load_data
from lightbridge_trainer.evaluation import binary_metrics
from lightbridge_trainer.export import INPUT_NAME, check_parity, float32_exact_booster, probabilities_output, to_onnx
from lightbridge_trainer.report import markdown, plot_by_value, plot_reliability, plot_roc, write_json
from lightbridge_trainer.snphotcc import PHOTOMETRIC, SPECTROSCOPIC, read_light_curves, read_metadata
from lightbridge_trainer.table import FeatureTable, file_sha256, read_feature_table

BINARY_CLASSES = ["non-Ia", "Ia"]


def add_parsers(commands: argparse._SubParsersAction) -> None:
    augment_parser = commands.add_parser("augment", help="write redshifted copies of the SNPhotCC spectroscopic light curves")
    augment_parser.add_argument("--data", required=True, type=Path, help="SNPhotCC folder with metadata.csv and photometry.csv.gz")
    augment_parser.add_argument("--out", required=True, type=Path, help="folder to write lightcurves.csv into (des-csv layout)")
    augment_parser.add_argument("--copies", type=int, default=AugmentConfig.copies, help="copies per labeled object")
    augment_parser.add_argument("--seed", type=int, default=0, help="seed of the draws")
    augment_parser.add_argument("--jobs", type=int, default=2, help="processes for the Gaussian-process fits")

    bench = commands.add_parser("benchmark", help="run the SNPhotCC domain-adaptation benchmark and write its report")
    bench.add_argument("--source", required=True, type=Path, help="feature table of the spectroscopic sample")
    bench.add_argument("--target", required=True, type=Path, help="feature table of the photometric sample")
    bench.add_argument("--augmented", type=Path, help="feature table of the augmented light curves (method augmentation)")
    bench.add_argument("--data", type=Path, help="SNPhotCC folder, for the plots by true redshift and peak magnitude (skipped without it)")
    bench.add_argument("--method", action="append", choices=METHODS, help="method to run; repeat for several (default: all)")
    bench.add_argument("--report", required=True, type=Path, help="report path without extension; .md, .json and .*.png are written")
    bench.add_argument("--models", type=Path, help="folder to write one model folder per method into (model.onnx, manifest.json)")
    bench.add_argument("--refits", type=int, default=BenchmarkConfig.refits, help="refits on bootstrap resamples of the labeled sample")
    bench.add_argument("--bootstrap", type=int, default=BenchmarkConfig.target_bootstrap, help="bootstrap resamples of the target")
    bench.add_argument("--jobs", type=int, default=2, help="LightGBM threads")
    bench.add_argument("--seed", type=int, default=0)

    score = commands.add_parser("score", help="score feature rows with an ONNX model through onnxruntime")
    score.add_argument("--model", required=True, type=Path, help="model folder with manifest.json and model.onnx, or an .onnx file")
    score.add_argument("--features", required=True, type=Path, help="CSV of float rows in the model's input order, header optional")
    score.add_argument("--out", required=True, type=Path, help="CSV of class probabilities to write")


def run_augment(args: argparse.Namespace, log) -> int:
    started = time.perf_counter()
    metadata = read_metadata(args.data)
    curves = read_light_curves(args.data, metadata, {SPECTROSCOPIC, PHOTOMETRIC})
    target_redshifts = np.array([curve.redshift for curve in curves[PHOTOMETRIC]])
    config = AugmentConfig(copies=args.copies, seed=args.seed)
    # TODO: expose target_weights (templates drawn by the domain classifier's score) as an option.
    copies, counters = augment(curves[SPECTROSCOPIC], curves[PHOTOMETRIC], target_redshifts, config, n_jobs=args.jobs)
    write_light_curves(copies, args.out / "lightcurves.csv")
    log(f"wrote {len(copies)} augmented light curves to {args.out} in {time.perf_counter() - started:.1f} s ({counters})")
    return 0


def run_benchmark(args: argparse.Namespace, regenerate: str, log) -> int:
    runtime: dict[str, float] = {}
    started = time.perf_counter()
    source, target = read_feature_table(args.source), read_feature_table(args.target)
    augmented = read_feature_table(args.augmented) if args.augmented else None
    methods = tuple(args.method) if args.method else METHODS
    config = BenchmarkConfig(methods=methods, seed=args.seed, refits=args.refits, target_bootstrap=args.bootstrap, n_jobs=args.jobs)
    data = load_data(source, target, augmented)
    metadata = read_metadata(args.data) if args.data else None
    runtime["read tables"] = round(time.perf_counter() - started, 1)

    step = time.perf_counter()
    results, fits, propensity = evaluate(data, config, log)
    runtime["fits, refits and bootstrap"] = round(time.perf_counter() - step, 1)

    step = time.perf_counter()
    probabilities = {name: fit.probability for name, fit in fits.items()}
    prefix = args.report
    plots = {"ROC curves": f"{prefix.name}.roc.png", "Reliability diagrams": f"{prefix.name}.reliability.png"}
    plot_roc(prefix.parent / plots["ROC curves"], data.target_ia, probabilities)
    plot_reliability(prefix.parent / plots["Reliability diagrams"], data.target_ia, probabilities)
    if metadata is not None:
        # Simulation truth, used only to bin the scored objects.
        redshift = np.array([metadata[str(i)].true_redshift for i in data.target_ids])
        peak_mag = np.array([metadata[str(i)].peak_mag_r for i in data.target_ids])
        plots["AUC and FoM by simulated peak r magnitude"] = f"{prefix.name}.by-peak-mag.png"
        plots["AUC and FoM by true redshift"] = f"{prefix.name}.by-redshift.png"
        plot_by_value(prefix.parent / plots["AUC and FoM by simulated peak r magnitude"], data.target_ia, probabilities, peak_mag, "peak r mag")
        plot_by_value(prefix.parent / plots["AUC and FoM by true redshift"], data.target_ia, probabilities, redshift, "true redshift")
    runtime["plots"] = round(time.perf_counter() - step, 1)

    inputs = {
        name: {"table": table.path.name, "sha256": table.sha256, "objects": table.objects, "inputs": table.sidecar.get("inputs", [])}
        for name, table in (("source", source), ("target", target), ("augmented", augmented))
        if table is not None
    }
    if args.models:
        step = time.perf_counter()
        for name, fit in fits.items():
            if fit.model is not None:
                write_model(args.models / name, name, fit, data, source, inputs, results[name], regenerate)
        runtime["ONNX export"] = round(time.perf_counter() - step, 1)

    runtime["total benchmark command"] = round(time.perf_counter() - started, 1)
    payload = {
        "benchmark": "snphotcc-domain-adaptation",
        "createdAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "featureVersion": source.sidecar["featureVersion"],
        "features": data.features,
        "data": inputs,
        "config": config_record(config),
        "setup": setup_lines(data, config, augmented),
        "methods": results,
        "verdict": verdict(results),
        "runtimeSeconds": runtime,
        "regenerate": regenerate,
    }
    write_json(prefix.with_suffix(".json"), payload)
    notes_path = prefix.parent / f"{prefix.name}.notes.md"
    notes = notes_path.read_text() if notes_path.is_file() else ""
    prefix.with_suffix(".md").write_text(markdown(payload, plots, notes))
    log(f"wrote {prefix}.md and .json in {runtime['total benchmark command']} s")
    return 0


def setup_lines(data, config: BenchmarkConfig, augmented: FeatureTable | None) -> list[str]:
    lines = [
        f"Source: the spectroscopic sample, {len(data.source)} objects ({int(data.source_ia.sum())} SN Ia). "
        f"Target: the photometric sample, {len(data.target)} objects ({int(data.target_ia.sum())} SN Ia); its labels are used only for scoring and by the oracle.",
        "One feature row per object: the features of the full light curve as of its last detection (|flux| / error ≥ 5), "
        f"computed by the TypeScript feature code ({len(data.features)} model features).",
        "Task: SN Ia versus non-Ia. An object is classified SN Ia at P(Ia) ≥ 0.5. FoM = efficiency × N_true / (N_true + 3 N_false).",
        f"Classifier: LightGBM, {config.n_estimators} trees, {config.num_leaves} leaves, learning rate {config.learning_rate}, "
        f"{config.n_jobs} threads; no class weights.",
        f"Intervals: {config.target_bootstrap} bootstrap resamples of the target; {config.refits} refits on bootstrap resamples "
        f"of the labeled sample ({config.oracle_refits} for the oracle, whose refits resample each fold's training rows).",
        f"Domain classifier: LightGBM (100 trees), {config.domain_folds}-fold cross-fitted P(target | x); weights "
        f"w = P(t|x)/P(s|x) · n_s/n_t clipped to [median/{config.max_weight_ratio:g}, median·{config.max_weight_ratio:g}] and scaled to mean 1.",
        f"KLIEP: pooled-median imputation, interquartile scaling, {config.kliep_components} principal components, "
        f"{config.kliep_centres} Gaussian centres at target rows, {config.kliep_target_rows} target rows, width by likelihood cross-validation; same clipping.",
        f"CORAL: recolouring of the imputed, scaled source rows with regularisation {config.coral_regularisation:g}, missing values restored.",
        f"Self-training: {config.self_training.rounds} rounds, pseudo-labels where P ≥ {config.self_training.threshold} or ≤ {1 - config.self_training.threshold:.2f}.",
        f"Oracle: {config.oracle_folds}-fold cross-validation on the target's own labels.",
    ]
    if augmented is not None:
        lines.append(
            f"Augmentation: {augmented.objects} redshifted copies of the labeled light curves (Gaussian process over time and "
            "ln wavelength, target cadence and noise), features by the same TypeScript code, trained together with the originals."
        )
    return lines


def verdict(results: dict[str, dict]) -> list[str]:
    if "source-only" not in results:
        return ["No source-only run, so no comparison."]
    baseline = results["source-only"]
    base_auc = baseline["metrics"]["auc"]
    base_high = baseline["targetBootstrap95"]["auc"][1]
    oracle_auc = results["oracle"]["metrics"]["auc"] if "oracle" in results else None
    lines = []
    for name, result in results.items():
        if name in ("source-only", "oracle"):
            continue
        auc = result["metrics"]["auc"]
        low = result["targetBootstrap95"]["auc"][0]
        if oracle_auc is not None and oracle_auc > base_auc:
            gap = f"{(auc - base_auc) / (oracle_auc - base_auc):.0%} of the source-only–oracle AUC gap"
        else:
            gap = "no share of the source-only–oracle AUC gap (the oracle is missing or not above source-only)"
        separated = "beats source-only with non-overlapping 95% AUC intervals" if low > base_high else (
            "does not beat source-only with non-overlapping 95% AUC intervals"
        )
        lines.append(f"{name}: AUC {auc:.3f} ({'above' if auc > 0.96 else 'not above'} 0.96), closes {gap}, {separated}.")
    return lines


def write_model(folder: Path, method: str, fit: MethodResult, data, source: FeatureTable, inputs: dict, result: dict, regenerate: str) -> None:
    """Export one method's main model to ONNX and write its manifest."""
    model: lightgbm.LGBMClassifier = fit.model
    version = f"snphotcc-{method}"
    proto = to_onnx(
        float32_exact_booster(model),
        len(data.features),
        {"modelVersion": version, "featureVersion": source.sidecar["featureVersion"], "features": ",".join(data.features), "classes": ",".join(BINARY_CLASSES)},
    )
    probe = data.target[:2000].copy()
    blanked = probe.copy()
    blanked[np.random.default_rng(0).random(blanked.shape) < 0.3] = np.nan
    parity = check_parity(model, proto, np.vstack([probe, blanked]))

    manifest = {
        "modelVersion": version,
        "createdAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "survey": "des",
        "method": method,
        "featureVersion": source.sidecar["featureVersion"],
        "features": data.features,
        "classes": BINARY_CLASSES,
        "onnx": {"file": "model.onnx", "input": INPUT_NAME, "probabilities": probabilities_output(proto)},
        "trainingData": inputs,
        "training": {"library": f"lightgbm {lightgbm.__version__}", "details": fit.details},
        "metrics": {"target": result["metrics"], "targetBootstrap95": result["targetBootstrap95"]},
        "onnxParity": parity,
        "regenerate": regenerate,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.onnx").write_bytes(proto.SerializeToString())
    write_json(folder / "manifest.json", manifest)


def run_score(args: argparse.Namespace, log) -> int:
    """Score a CSV of feature rows and write one row of probabilities per input row (%.9g)."""
    import json

    path = args.model
    if path.is_dir():
        manifest = json.loads((path / "manifest.json").read_text())
        model_file, input_name, output_name = path / manifest["onnx"]["file"], manifest["onnx"]["input"], manifest["onnx"]["probabilities"]
    else:
        model_file, input_name, output_name = path, INPUT_NAME, None
    rows = []
    with args.features.open(newline="") as file:
        for line in csv.reader(file):
            if not line:
                continue
            try:
                rows.append([float(value) for value in line])
            except ValueError:
                if rows:
                    log(f"error: {args.features}: row {len(rows) + 1} has a value that is not a number")
                    return 1
    session = onnxruntime.InferenceSession(str(model_file), providers=["CPUExecutionProvider"])
    output_name = output_name or next(o.name for o in session.get_outputs() if o.type == "tensor(float)")
    (probabilities,) = session.run([output_name], {input_name: np.array(rows, dtype=np.float32)})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        for row in probabilities:
            writer.writerow([repr(float(value)) for value in row])
    log(f"scored {len(rows)} rows with {model_file} into {args.out}")
    return 0
