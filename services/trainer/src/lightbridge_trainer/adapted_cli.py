"""The ``augment-ztf`` and ``train-adapted`` subcommands: the domain-adapted ZTF production model."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from lightbridge_trainer.adapted import faint_shift_experiment, target_comparison
from lightbridge_trainer.adapted_report import write_report
from lightbridge_trainer.augment import MIN_DETECTIONS, NoiseModel, write_light_curves
from lightbridge_trainer.table import file_sha256, read_feature_table
from lightbridge_trainer.target import read_classification_features
from lightbridge_trainer.train import TrainingConfig, train
from lightbridge_trainer.ztf import (
    FAINT_SPLIT_MAG,
    NON_TRANSIENT_FLAGS,
    ZTF_WAVELENGTHS,
    ZtfAugmentConfig,
    augment_to_templates,
    detection_count,
    fit_models,
    read_bts_labels,
    read_bts_light_curves,
    read_target_photometry,
    split_by_peak_mag,
)

ALERTS_FOLDER = "alerts"
FAINT_FOLDER = "faint"
SUMMARY_FILE = "augment.json"


def add_parsers(commands: argparse._SubParsersAction) -> None:
    augment = commands.add_parser(
        "augment-ztf", help="write redshifted copies of the BTS light curves shaped like real alerts and like faint BTS objects"
    )
    augment.add_argument("--bts", required=True, type=Path, help="BTS folder with labels.csv and photometry.csv.gz")
    augment.add_argument("--target-photometry", required=True, type=Path, help="target photometry table of the alerts (target-photometry.ts)")
    augment.add_argument("--target-features", required=True, type=Path, help="classifications.ndjson of the same alerts, for the quality flags")
    augment.add_argument("--out", required=True, type=Path, help=f"folder to write {ALERTS_FOLDER}/ and {FAINT_FOLDER}/lightcurves.csv into")
    augment.add_argument("--copies", type=int, default=ZtfAugmentConfig.copies, help="copies per labeled object")
    augment.add_argument("--seed", type=int, default=0, help="seed of the draws")
    augment.add_argument("--jobs", type=int, default=2, help="processes for the Gaussian-process fits")

    adapted = commands.add_parser("train-adapted", help="train the source-only and augmented ZTF models and write the adaptation report")
    adapted.add_argument("--source", required=True, type=Path, help="BTS feature table (lightbridge features --dataset bts)")
    adapted.add_argument("--augmented", required=True, type=Path, help=f"feature table of the {ALERTS_FOLDER}/ copies (--dataset ztf-csv)")
    adapted.add_argument("--faint-augmented", required=True, type=Path, help=f"feature table of the {FAINT_FOLDER}/ copies (--dataset ztf-csv)")
    adapted.add_argument("--target", required=True, type=Path, help="classifications.ndjson of the real alerts: the target feature table")
    adapted.add_argument("--target-photometry", type=Path, help="target photometry table, recorded by sha256 in the manifest")
    adapted.add_argument("--bts", required=True, type=Path, help="BTS folder, for the catalogue peak magnitudes of the bright/faint split")
    adapted.add_argument("--augment-summary", type=Path, help=f"{SUMMARY_FILE} of augment-ztf, copied into the manifest")
    adapted.add_argument("--out", required=True, type=Path, help="adapted model folder, models/ztf-bts-adapted/VERSION")
    adapted.add_argument("--source-only-out", required=True, type=Path, help="folder for the source-only model of the comparison")
    adapted.add_argument("--report", required=True, type=Path, help="Markdown report whose generated block is rewritten")
    adapted.add_argument("--bootstrap", type=int, default=200, help="object bootstrap resamples of the faint sample")
    adapted.add_argument("--seeds", type=int, default=5, help="LightGBM seeds per method in the bright/faint experiment")
    adapted.add_argument("--set-current", action="store_true", help="write the version into CURRENT in the parent folder")
    adapted.add_argument("--regenerate", default="pnpm train:ztf-adapted", help="command recorded in the manifest")


def run_augment_ztf(args: argparse.Namespace, log) -> int:
    """Fit one Gaussian process per BTS object and write both augmented sets (alerts and faint BTS templates)."""
    started = time.perf_counter()
    objects = read_bts_labels(args.bts)
    curves = read_bts_light_curves(args.bts, objects)
    models = fit_models(curves, args.jobs)
    log(f"fitted {sum(m is not None for m in models)} of {len(curves)} BTS light curves in {time.perf_counter() - started:.1f} s")
    config = ZtfAugmentConfig(copies=args.copies, seed=args.seed)
    summary: dict = {"config": {**config.__dict__, "wavelengths": ZTF_WAVELENGTHS, "faintSplitMag": FAINT_SPLIT_MAG}}

    # Production: every BTS object, shaped like the real alerts that the gate does not mark as
    # bogus, star or solar-system object.
    target = read_classification_features(args.target_features)
    transient = {o for o, flags in zip(target.object_ids, target.flags) if not NON_TRANSIENT_FLAGS.intersection(flags)}
    stream = read_target_photometry(args.target_photometry)
    templates = [c for c in stream if c.object_id in transient and detection_count(c) >= MIN_DETECTIONS]
    copies, counters = augment_to_templates(curves, models, templates, NoiseModel(stream), config)
    write_light_curves(copies, args.out / ALERTS_FOLDER / "lightcurves.csv")
    summary[ALERTS_FOLDER] = {**counters, "targetObjects": len(stream)}
    log(f"wrote {len(copies)} alert-shaped copies ({counters})")

    # Stand-in shift: bright BTS objects shaped like the faint ones, whose labels stay unused.
    bright, faint, _ = split_by_peak_mag(objects)
    faint_curves = [c for c in curves if c.object_id in faint]
    faint_templates = [c for c in faint_curves if detection_count(c) >= MIN_DETECTIONS]
    pairs = [(c, m) for c, m in zip(curves, models) if c.object_id in bright]
    copies, counters = augment_to_templates(
        [c for c, _ in pairs], [m for _, m in pairs], faint_templates, NoiseModel(faint_curves), config
    )
    write_light_curves(copies, args.out / FAINT_FOLDER / "lightcurves.csv")
    summary[FAINT_FOLDER] = {**counters, "targetObjects": len(faint_curves)}
    log(f"wrote {len(copies)} faint-shaped copies ({counters})")

    summary["seconds"] = round(time.perf_counter() - started, 1)
    (args.out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n")
    return 0


def run_train_adapted(args: argparse.Namespace, log) -> int:
    """Train both production models, run both evaluations, write the adapted model and the report."""
    started = time.perf_counter()
    runtime: dict[str, float] = {}
    source = read_feature_table(args.source)
    augmented = read_feature_table(args.augmented)
    faint_augmented = read_feature_table(args.faint_augmented)
    target = read_classification_features(args.target)
    if target.feature_version != source.sidecar["featureVersion"]:
        log(f"error: {args.target} logs features {target.feature_version!r} but {args.source} has "
            f"{source.sidecar['featureVersion']!r}; classify the alerts with the same feature code")
        return 1
    runtime["read tables"] = time.perf_counter() - started

    step = time.perf_counter()
    objects = read_bts_labels(args.bts)
    bright, faint, unknown = split_by_peak_mag(objects)
    shift = faint_shift_experiment(source, faint_augmented, bright, faint, TrainingConfig(), args.bootstrap, args.seeds)
    shift["split"]["unknownPeakMag"] = len(unknown)
    shift["split"]["thresholdMag"] = FAINT_SPLIT_MAG
    runtime["bright/faint experiment"] = time.perf_counter() - step

    step = time.perf_counter()
    baseline = train(source, args.source_only_out, TrainingConfig(), args.regenerate)
    target_record = {
        "file": args.target.name, "sha256": target.sha256, **target.counts, "objects": target.objects,
        "featureVersion": target.feature_version,
    }
    if args.target_photometry is not None:
        target_record["photometry"] = {"file": args.target_photometry.name, "sha256": file_sha256(args.target_photometry)}
    extra = {"targetData": target_record, "augmentation": _augment_summary(args.augment_summary)}
    adapted = train(source, args.out, TrainingConfig(method="augmentation"), args.regenerate, augmented, extra)
    runtime["production models"] = time.perf_counter() - step

    step = time.perf_counter()
    models = {
        "source-only": (baseline, (args.source_only_out / baseline["onnx"]["file"]).read_bytes()),
        "augmentation": (adapted, (args.out / adapted["onnx"]["file"]).read_bytes()),
    }
    comparison = target_comparison(target, models)
    runtime["target comparison"] = time.perf_counter() - step

    adapted["metrics"]["brightToFaint"] = _shift_summary(shift)
    adapted["metrics"]["target"] = {"agreementAll": comparison["subsets"]["all records"]["agreement"],
                                    "records": comparison["records"]}
    (args.out / "manifest.json").write_text(json.dumps(adapted, indent=2) + "\n")
    if args.set_current:
        (args.out.parent / "CURRENT").write_text(f"{args.out.name}\n")

    runtime["total"] = time.perf_counter() - started
    write_report(args.report, baseline, adapted, shift, comparison, runtime)
    size = (args.out / adapted["onnx"]["file"]).stat().st_size
    log(f"wrote {args.out} ({size / 1024:.0f} KiB) and {args.report} in {runtime['total']:.1f} s")
    return 0


def _augment_summary(path: Path | None) -> dict | None:
    return None if path is None else json.loads(path.read_text())


def _shift_summary(shift: dict) -> dict:
    """Return the point values and intervals of the last-epoch bright/faint metrics, for the manifest."""
    last = shift["lastEpoch"]
    return {
        "split": shift["split"],
        "lastEpoch": {m: {**last["metrics"][m], "bootstrap95": last["bootstrap95"][m]} for m in last["metrics"]},
        "lastEpochDifference95": last["bootstrap95"]["difference"],
    }
