"""Reading of the feature table written by ``lightbridge features`` and its FILE.csv.json sidecar."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ID_COLUMNS = ("object_id", "label", "epoch_mjd", "n_points")

# Alert-context features: the training light curves have no alert packets, so these are always
# missing in training and the model must not depend on them.
CONTEXT_PREFIX = "ctx_"


class FeatureTableError(ValueError):
    """A feature table or its sidecar is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class FeatureTable:
    """One row per object and epoch: ids, labels and the float64 feature matrix (NaN = missing)."""

    path: Path
    sha256: str
    object_ids: np.ndarray
    labels: np.ndarray
    epoch_mjd: np.ndarray
    n_points: np.ndarray
    feature_names: list[str]
    features: np.ndarray
    sidecar: dict

    @property
    def rows(self) -> int:
        return len(self.labels)

    @property
    def objects(self) -> int:
        return len(np.unique(self.object_ids))

    def columns(self, names: list[str]) -> np.ndarray:
        """Return the feature columns `names`, in that order."""
        index = {name: i for i, name in enumerate(self.feature_names)}
        return self.features[:, [index[name] for name in names]]


def read_feature_table(path: str | Path) -> FeatureTable:
    """Read FILE.csv and FILE.csv.json, raising FeatureTableError when they disagree."""
    path = Path(path)
    sidecar = _read_sidecar(path)

    with path.open(newline="") as file:
        reader = csv.reader(file)
        header = next(reader, None)
        if header is None:
            raise FeatureTableError(f"{path}: file is empty; run lightbridge features to write it")
        _check_header(path, header, sidecar)
        rows = list(reader)

    width = len(header)
    for line, row in enumerate(rows, start=2):
        if len(row) != width:
            raise FeatureTableError(f"{path}:{line}: row has {len(row)} fields, the header has {width}")
    if len(rows) != sidecar.get("rows"):
        raise FeatureTableError(
            f"{path}: table has {len(rows)} rows but the sidecar records {sidecar.get('rows')}; rewrite both"
        )

    return FeatureTable(
        path=path,
        sha256=file_sha256(path),
        object_ids=np.array([row[0] for row in rows], dtype=object),
        labels=np.array([row[1] for row in rows], dtype=object),
        epoch_mjd=_float_column(path, rows, 2),
        n_points=_float_column(path, rows, 3).astype(np.int64),
        feature_names=header[len(ID_COLUMNS):],
        features=_float_matrix(path, rows, len(ID_COLUMNS), width - len(ID_COLUMNS)),
        sidecar=sidecar,
    )


def model_feature_names(table: FeatureTable) -> tuple[list[str], dict[str, str]]:
    """Choose the model's input features and record the reason each other one was left out.

    Context features are left out because training light curves have no alert context. Features
    that take a single value (or are always missing) in the table are left out because the model
    cannot learn from them, and the live service would otherwise feed values the model never saw.
    """
    used: list[str] = []
    excluded: dict[str, str] = {}
    for i, name in enumerate(table.feature_names):
        column = table.features[:, i]
        present = column[~np.isnan(column)]
        if name.startswith(CONTEXT_PREFIX):
            excluded[name] = "alert context: training light curves have none"
        elif present.size == 0:
            excluded[name] = "missing in every training row"
        elif np.all(present == present[0]) and present.size == column.size:
            excluded[name] = f"constant ({present[0]:g}) in every training row"
        else:
            used.append(name)
    return used, excluded


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_sidecar(path: Path) -> dict:
    sidecar_path = Path(f"{path}.json")
    try:
        return json.loads(sidecar_path.read_text())
    except FileNotFoundError as error:
        raise FeatureTableError(
            f"{sidecar_path} not found; the feature table must come with the sidecar lightbridge features writes"
        ) from error


def _check_header(path: Path, header: list[str], sidecar: dict) -> None:
    if tuple(header[: len(ID_COLUMNS)]) != ID_COLUMNS:
        raise FeatureTableError(f"{path}: header starts {header[:4]}, expected {list(ID_COLUMNS)}")
    if header[len(ID_COLUMNS):] != sidecar.get("features"):
        raise FeatureTableError(
            f"{path}: feature columns differ from the sidecar's feature list ({sidecar.get('featureVersion')})"
        )


def _float_column(path: Path, rows: list[list[str]], index: int) -> np.ndarray:
    try:
        return np.array([float(row[index]) for row in rows], dtype=np.float64)
    except ValueError as error:
        raise FeatureTableError(f"{path}: column {index + 1} has a value that is not a number: {error}") from error


def _float_matrix(path: Path, rows: list[list[str]], start: int, width: int) -> np.ndarray:
    # float() reads "nan", "inf" and "-inf", which is how the table writes missing and infinite values.
    try:
        values = [[float(value) for value in row[start:]] for row in rows]
    except ValueError as error:
        raise FeatureTableError(f"{path}: a feature value is not a number: {error}") from error
    return np.array(values, dtype=np.float64).reshape(len(rows), width)
