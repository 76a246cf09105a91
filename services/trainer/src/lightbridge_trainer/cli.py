"""Command line: ``python -m lightbridge_trainer train --features FILE.csv --out models/ztf-bts/VERSION``."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from lightbridge_trainer import adapted_cli
from lightbridge_trainer.benchmark_cli import add_parsers, run_augment, run_benchmark, run_score
from lightbridge_trainer.table import FeatureTableError, read_feature_table
from lightbridge_trainer.train import METHODS, TrainingConfig, log, train

CURRENT_FILE = "CURRENT"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    arguments = argv if argv is not None else sys.argv[1:]
    if args.command == "augment":
        return run_augment(args, log)
    if args.command == "benchmark":
        return run_benchmark(args, shlex.join(["python", "-m", "lightbridge_trainer", *arguments]), log)
    if args.command == "score":
        return run_score(args, log)
    if args.command == "augment-ztf":
        return adapted_cli.run_augment_ztf(args, log)
    if args.command == "train-adapted":
        return adapted_cli.run_train_adapted(args, log)
    if args.command != "train":
        parser.print_help()
        return 2
    return _train(args, arguments)


def _parser() -> argparse.ArgumentParser:
    defaults = TrainingConfig()
    parser = argparse.ArgumentParser(prog="python -m lightbridge_trainer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    train_parser = commands.add_parser("train", help="train, export to ONNX and write the manifest")
    train_parser.add_argument("--features", required=True, type=Path, help="feature table from lightbridge features")
    train_parser.add_argument(
        "--out", required=True, type=Path, help="model folder, models/<survey-dataset>/<version>; its name is the version"
    )
    train_parser.add_argument("--method", choices=METHODS, default=defaults.method, help="training method")
    train_parser.add_argument(
        "--augmented", type=Path, help="feature table of augmented copies (ID_aug0, ...); required by --method augmentation"
    )
    train_parser.add_argument("--survey", default=defaults.survey, help="survey the model classifies (default ztf)")
    train_parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of the split and of LightGBM")
    train_parser.add_argument(
        "--test-fraction", type=float, default=defaults.test_fraction, help="share of objects held out (default 0.2)"
    )
    train_parser.add_argument(
        "--n-estimators", type=int, default=defaults.n_estimators, help="boosting rounds; each adds one tree per class"
    )
    train_parser.add_argument("--num-leaves", type=int, default=defaults.num_leaves, help="maximum leaves per tree")
    train_parser.add_argument(
        "--set-current", action="store_true", help="write the version into CURRENT in the parent folder"
    )
    train_parser.add_argument(
        "--regenerate", help="command recorded in the manifest as the way to rebuild the model (default: this one)"
    )
    add_parsers(commands)
    adapted_cli.add_parsers(commands)
    return parser


def _train(args: argparse.Namespace, argv: list[str]) -> int:
    started = time.perf_counter()
    try:
        table = read_feature_table(args.features)
        augmented = read_feature_table(args.augmented) if args.augmented is not None else None
    except FeatureTableError as error:
        log(f"error: {error}")
        return 1

    config = TrainingConfig(
        method=args.method,
        survey=args.survey,
        seed=args.seed,
        test_fraction=args.test_fraction,
        n_estimators=args.n_estimators,
        num_leaves=args.num_leaves,
    )
    regenerate = args.regenerate or shlex.join(["python", "-m", "lightbridge_trainer", *argv])
    try:
        manifest = train(table, args.out, config, regenerate, augmented)
    except ValueError as error:
        log(f"error: {error}")
        return 1

    if args.set_current:
        (args.out.parent / CURRENT_FILE).write_text(f"{args.out.name}\n")

    held_out = manifest["metrics"]["heldOut"]
    size = (args.out / manifest["onnx"]["file"]).stat().st_size
    log(
        f"wrote {args.out} ({size / 1024:.0f} KiB, {len(manifest['features'])} features) in "
        f"{time.perf_counter() - started:.1f} s; held-out accuracy {held_out['accuracy']}, "
        f"macro F1 {held_out['macroF1']}, SN Ia AUC {held_out['snIaAuc']} "
        f"({held_out['objects']} objects, {held_out['rows']} rows)"
    )
    return 0
