import json
from pathlib import Path

import numpy as np
import pytest

from lightbridge_trainer.table import FeatureTableError, model_feature_names, read_feature_table


def test_table_reads_nan_as_nan(feature_table: Path) -> None:
    table = read_feature_table(feature_table)

    ctx = table.columns(["ctx_rb"])

    assert np.isnan(ctx).all()
    assert np.isnan(table.columns(["g_peak_mag"])).any()


def test_table_shape_and_ids(feature_table: Path) -> None:
    table = read_feature_table(feature_table)

    assert table.features.shape == (450, 6)
    assert table.objects == 150
    assert table.rows == 450
    assert table.feature_names[0] == "g_peak_mag"
    assert set(table.labels) == {"Ia", "II", "Ibc", "SLSN", "other"}


def test_model_features_drop_context_and_constant(feature_table: Path) -> None:
    table = read_feature_table(feature_table)

    used, excluded = model_feature_names(table)

    assert used == ["g_peak_mag", "r_peak_mag", "colour_last_g_r", "g_rise_rate"]
    assert "ctx_rb" in excluded
    assert "n_nondet" in excluded


def test_table_without_sidecar(feature_table: Path) -> None:
    Path(f"{feature_table}.json").unlink()

    with pytest.raises(FeatureTableError, match="sidecar"):
        read_feature_table(feature_table)


def test_table_rows_disagree_with_sidecar(feature_table: Path) -> None:
    sidecar_path = Path(f"{feature_table}.json")
    sidecar = json.loads(sidecar_path.read_text())
    sidecar["rows"] = 7
    sidecar_path.write_text(json.dumps(sidecar))

    with pytest.raises(FeatureTableError, match="450 rows but the sidecar records 7"):
        read_feature_table(feature_table)


def test_table_features_disagree_with_sidecar(feature_table: Path) -> None:
    sidecar_path = Path(f"{feature_table}.json")
    sidecar = json.loads(sidecar_path.read_text())
    sidecar["features"] = sidecar["features"][::-1]
    sidecar_path.write_text(json.dumps(sidecar))

    with pytest.raises(FeatureTableError, match="feature columns differ"):
        read_feature_table(feature_table)


def test_table_bad_number(feature_table: Path) -> None:
    lines = feature_table.read_text().splitlines()
    fields = lines[1].split(",")
    fields[5] = "abc"
    lines[1] = ",".join(fields)
    feature_table.write_text("\n".join(lines) + "\n")

    with pytest.raises(FeatureTableError, match="not a number"):
        read_feature_table(feature_table)
