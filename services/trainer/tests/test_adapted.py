"""Tests of the ZTF adapted-model inputs: the classification feature log, the bright/faint split,
the augmentation manifest and the peak-matched redshifting."""

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from lightbridge_trainer.adapted import last_epoch_rows, object_bootstrap, shift_rows
from lightbridge_trainer.augment import LightCurve, NoiseModel
from lightbridge_trainer.table import file_sha256, read_feature_table
from lightbridge_trainer.target import TargetTableError, read_classification_features
from lightbridge_trainer.train import TrainingConfig, train
from lightbridge_trainer.ztf import (
    ZTF_WAVELENGTHS,
    BtsObject,
    ZtfAugmentConfig,
    augment_to_templates,
    dimming_curve,
    fit_models,
    peak_magnitude,
    read_bts_labels,
    split_by_peak_mag,
)

from conftest import CLASSES, FEATURE_VERSION, write_feature_table

SMALL = TrainingConfig(n_estimators=20, num_leaves=7, min_child_samples=5)
BTS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "lightcurves" / "ztf_bts_antares_2021"


def record(candid: str, features: dict | None, flags: list[str], version: str = FEATURE_VERSION) -> str:
    body = {"objectId": f"ZTF{candid}", "candid": candid, "alertMjd": 59000.5, "featureVersion": version, "flags": flags}
    if features is not None:
        body["features"] = features
    return json.dumps(body)


def write_ndjson(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_target_reader_nulls_are_nan(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "c.ndjson", [
        record("1", {"g_peak_mag": 19.5, "r_peak_mag": None}, []),
        record("2", {"g_peak_mag": None, "r_peak_mag": 18.25}, ["bogus"]),
    ])
    table = read_classification_features(path)

    assert table.feature_names == ["g_peak_mag", "r_peak_mag"]
    assert table.features[0, 0] == 19.5
    assert math.isnan(table.features[0, 1])
    assert math.isnan(table.features[1, 0])
    assert table.features[1, 1] == 18.25


def test_target_reader_counts(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "c.ndjson", [
        record("1", {"g_peak_mag": 19.5}, []),
        record("2", None, ["too-few-detections"]),
        "",
        record("3", {"g_peak_mag": 20.0}, ["star", "bogus"]),
    ])
    table = read_classification_features(path)

    assert table.counts == {"records": 3, "withFeatures": 2, "withoutFeatures": 1}
    assert table.rows == 2
    assert table.objects == 2
    assert list(table.candids) == ["1", "3"]
    assert table.sha256 == file_sha256(path)
    assert table.feature_version == FEATURE_VERSION


def test_target_reader_flags(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "c.ndjson", [
        record("1", {"a": 1.0}, []),
        record("2", {"a": 2.0}, ["star", "bogus"]),
        record("3", {"a": 3.0}, ["bogus"]),
    ])
    table = read_classification_features(path)

    assert table.published().tolist() == [True, False, False]
    assert table.with_flag("bogus").tolist() == [False, True, True]
    assert table.with_flag("star").tolist() == [False, True, False]


def test_target_reader_feature_missing_in_record(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "c.ndjson", [record("1", {"a": 1.0}, []), record("2", {"a": 2.0, "b": 5.0}, [])])
    table = read_classification_features(path)

    assert table.feature_names == ["a", "b"]
    assert math.isnan(table.columns(["b"])[0, 0])
    assert table.columns(["b"])[1, 0] == 5.0


def test_target_reader_rejects_unknown_column(tmp_path: Path) -> None:
    table = read_classification_features(write_ndjson(tmp_path / "c.ndjson", [record("1", {"a": 1.0}, [])]))

    with pytest.raises(TargetTableError, match="no features"):
        table.columns(["a", "z"])


def test_target_reader_rejects_bad_line(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "c.ndjson", [record("1", {"a": 1.0}, []), "{not json"])

    with pytest.raises(TargetTableError, match=":2: line is not JSON"):
        read_classification_features(path)


def test_target_reader_rejects_mixed_versions(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "c.ndjson", [record("1", {"a": 1.0}, []), record("2", {"a": 1.0}, [], "other/2")])

    with pytest.raises(TargetTableError, match="several feature versions"):
        read_classification_features(path)


def test_target_reader_rejects_text_value(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "c.ndjson", [record("1", {"a": "1.0"}, [])])

    with pytest.raises(TargetTableError, match="expected a number or null"):
        read_classification_features(path)


def test_split_bright_faint_unknown() -> None:
    objects = {
        name: BtsObject(name, "Ia", 0.05, mag)
        for name, mag in (("a", 17.2), ("b", 17.999), ("c", 18.0), ("d", 18.7), ("e", math.nan))
    }
    bright, faint, unknown = split_by_peak_mag(objects)

    assert bright == {"a", "b"}
    assert faint == {"c", "d"}
    assert unknown == {"e"}


def test_split_threshold_argument() -> None:
    objects = {name: BtsObject(name, "II", 0.02, mag) for name, mag in (("a", 16.0), ("b", 17.0))}
    bright, faint, _ = split_by_peak_mag(objects, threshold=16.5)

    assert bright == {"a"}
    assert faint == {"b"}


def test_shift_rows_by_object(feature_table: Path) -> None:
    table = read_feature_table(feature_table)
    source, target = shift_rows(table, {"OBJ00000"}, {"OBJ10001", "OBJ20002"})

    assert set(table.object_ids[source]) == {"OBJ00000"}
    assert set(table.object_ids[target]) == {"OBJ10001", "OBJ20002"}
    assert len(target) == 6


def test_last_epoch_rows_latest() -> None:
    rows = last_epoch_rows(np.array(["a", "a", "b", "a"], dtype=object), np.array([1.0, 3.0, 2.0, 2.0]))

    assert rows.tolist() == [1, 2]


def test_bts_split_counts_real_data() -> None:
    if not (BTS / "labels.csv").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"BTS data not found at {BTS}")
        pytest.skip(f"BTS data not found at {BTS}; place the shared data folder beside the repository")
    objects = read_bts_labels(BTS)
    bright, faint, unknown = split_by_peak_mag(objects)

    assert len(objects) == 2168
    assert len(bright) + len(faint) + len(unknown) == len(objects)
    assert all(objects[name].peak_mag < 18 for name in bright)
    assert all(objects[name].peak_mag >= 18 for name in faint)
    assert len(bright) > 0
    assert len(faint) > len(bright)


def write_augmented_table(source: Path, path: Path) -> Path:
    """Copy each source row twice as rows of objects PARENT_aug0 and PARENT_aug1, with a dataset name of its own."""
    lines = source.read_text().splitlines()
    rows = [lines[0]]
    for line in lines[1:]:
        object_id, rest = line.split(",", 1)
        rows += [f"{object_id}_aug0,{rest}", f"{object_id}_aug1,{rest}"]
    path.write_text("\n".join(rows) + "\n")
    sidecar = json.loads(Path(f"{source}.json").read_text())
    sidecar.update(dataset="ztf-csv", rows=len(rows) - 1, objects=2 * sidecar["objects"])
    Path(f"{path}.json").write_text(json.dumps(sidecar))
    return path


@pytest.fixture
def augmented_manifest(tmp_path: Path) -> tuple[dict, Path, Path]:
    source = write_feature_table(tmp_path / "features.csv")
    augmented = write_augmented_table(source, tmp_path / "augmented.csv")
    extra = {"targetData": {"sha256": "0" * 64, "records": 3}}
    manifest = train(read_feature_table(source), tmp_path / "adapted" / "v1", SMALL.__class__(**{**SMALL.__dict__, "method": "augmentation"}),
                     "pnpm train:ztf-adapted", read_feature_table(augmented), extra)
    return manifest, source, augmented


def test_manifest_augmentation_fields(augmented_manifest: tuple[dict, Path, Path]) -> None:
    manifest, source, augmented = augmented_manifest

    assert manifest["method"] == "augmentation"
    assert manifest["featureVersion"] == FEATURE_VERSION
    assert manifest["trainingData"]["sha256"] == file_sha256(source)
    assert manifest["augmentedData"]["sha256"] == file_sha256(augmented)
    assert manifest["augmentedData"]["dataset"] == "ztf-csv"
    assert manifest["targetData"] == {"sha256": "0" * 64, "records": 3}
    assert manifest["regenerate"] == "pnpm train:ztf-adapted"
    assert manifest["classes"] == CLASSES
    assert set(manifest["metrics"]["heldOut"]) >= {"accuracy", "macroF1", "snIaAuc"}


def test_manifest_copies_only_of_training_objects(augmented_manifest: tuple[dict, Path, Path]) -> None:
    manifest = augmented_manifest[0]

    assert manifest["augmentedData"]["trainObjects"] == 2 * manifest["split"]["trainObjects"]
    assert manifest["augmentedData"]["trainRows"] == 2 * manifest["split"]["trainRows"]
    assert manifest["augmentedData"]["objects"] == 300


def test_train_augmentation_needs_table(feature_table: Path, tmp_path: Path) -> None:
    config = TrainingConfig(n_estimators=5, method="augmentation")

    with pytest.raises(ValueError, match="needs the augmented feature table"):
        train(read_feature_table(feature_table), tmp_path / "m" / "v1", config, "x")


def test_dimming_curve_starts_at_zero() -> None:
    grid, dimming = dimming_curve(0.05, 0.5)

    assert grid[0] == pytest.approx(0.05)
    assert dimming[0] == pytest.approx(0.0, abs=1e-9)
    assert np.all(np.diff(dimming) > 0)


def test_dimming_curve_inverse_square() -> None:
    # At low redshift d_L ∝ z, so doubling z dims by about 5 log10(2) = 1.505 mag.
    grid, dimming = dimming_curve(0.01, 0.03, points=2000)

    assert np.interp(0.02, grid, dimming) == pytest.approx(1.505, abs=0.02)


def gaussian_curve(object_id: str, redshift: float, peak: float, error: float) -> LightCurve:
    mjd = np.repeat(np.arange(58940.0, 59061.0, 2.0), 2)
    band = np.tile(np.array(["g", "r"]), len(mjd) // 2)
    flux = peak * np.exp(-0.5 * ((mjd - 59000.0) / 12.0) ** 2)
    return LightCurve(object_id, "Ia", redshift, mjd, band, flux, np.full(len(mjd), error))


def test_augment_matches_template_peak() -> None:
    labeled = [gaussian_curve("ZTF1", 0.03, 1000.0, 5.0)]
    template = gaussian_curve("T1", math.nan, 1000.0 * 10 ** (-0.4 * 1.5), 2.0)
    models = fit_models(labeled, n_jobs=1)
    copies, counters = augment_to_templates(labeled, models, [template], NoiseModel([template]), ZtfAugmentConfig(copies=3))

    assert counters["copies"] == 3
    assert [copy.object_id for copy in copies] == ["ZTF1_aug0", "ZTF1_aug1", "ZTF1_aug2"]
    assert all(copy.redshift > 0.03 for copy in copies)
    assert peak_magnitude(copies[0]) == pytest.approx(peak_magnitude(template), abs=0.15)


def test_augment_skips_unknown_redshift() -> None:
    labeled = [gaussian_curve("ZTF2", math.nan, 1000.0, 5.0)]
    template = gaussian_curve("T1", math.nan, 300.0, 2.0)
    models = fit_models(labeled, n_jobs=1)
    copies, counters = augment_to_templates(labeled, models, [template], NoiseModel([template]), ZtfAugmentConfig(copies=2))

    assert models == [None]
    assert copies == []
    assert counters["fitted"] == 0


def test_ztf_wavelengths_order() -> None:
    assert ZTF_WAVELENGTHS["g"] < ZTF_WAVELENGTHS["r"]


def test_bootstrap_difference_zero_for_same_model() -> None:
    random = np.random.default_rng(0)
    probabilities = random.dirichlet(np.ones(5), size=60)
    truth = random.integers(0, 5, size=60)
    truth[:5] = 0
    ids = np.array([f"o{i // 2}" for i in range(60)], dtype=object)
    intervals = object_bootstrap(ids, truth, {"source-only": probabilities, "augmentation": probabilities}, CLASSES, 20, 0)

    assert intervals["difference"]["accuracy"] == [0.0, 0.0]
    assert intervals["difference"]["snIaAuc"] == [0.0, 0.0]
    assert intervals["source-only"]["accuracy"][0] <= intervals["source-only"]["accuracy"][1]
