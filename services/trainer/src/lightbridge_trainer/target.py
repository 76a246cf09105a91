"""Reading of classification records (``classifications.ndjson``) as an unlabeled target feature table.

``lightbridge classify`` writes one JSON record per alert, and each record carries every feature
value of that alert under ``features`` (a JSON object keyed by feature name, NaN written as null).
That file is therefore the feature log of the stream: the features the live model saw, computed by
the TypeScript feature code, ready to serve as the target sample of domain adaptation.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lightbridge_trainer.table import file_sha256


class TargetTableError(ValueError):
    """A classification record is malformed or disagrees with the other records."""


@dataclass(frozen=True)
class TargetTable:
    """One row per classification record: ids, flags and the float64 feature matrix (NaN = missing)."""

    path: Path
    sha256: str
    object_ids: np.ndarray
    candids: np.ndarray
    alert_mjd: np.ndarray
    flags: list[tuple[str, ...]]
    feature_version: str
    feature_names: list[str]
    features: np.ndarray
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.candids)

    @property
    def objects(self) -> int:
        return len(np.unique(self.object_ids))

    def columns(self, names: list[str]) -> np.ndarray:
        """Return the feature columns `names` in that order, raising TargetTableError for a name not logged."""
        index = {name: i for i, name in enumerate(self.feature_names)}
        missing = [name for name in names if name not in index]
        if missing:
            raise TargetTableError(
                f"{self.path}: the records have no features {missing}; the model and the log use different feature sets"
            )
        return self.features[:, [index[name] for name in names]]

    def published(self) -> np.ndarray:
        """Return a boolean mask of the records without flags, the ones the service gives probabilities."""
        return np.array([len(flags) == 0 for flags in self.flags], dtype=bool)

    def with_flag(self, flag: str) -> np.ndarray:
        return np.array([flag in flags for flags in self.flags], dtype=bool)


def read_classification_features(path: str | Path) -> TargetTable:
    """Read the feature values of every record in a classifications NDJSON file.

    null and the absence of a feature that other records carry both read as NaN. Records without a
    ``features`` object are skipped and counted in ``counts["withoutFeatures"]``. Raises
    TargetTableError on a line that is not JSON, on records of different feature versions, and when
    no record has features.
    """
    path = Path(path)
    records = _read_records(path)

    with_features = [record for record in records if isinstance(record.get("features"), dict)]
    if not with_features:
        raise TargetTableError(
            f"{path}: none of the {len(records)} records has a features object; write it with lightbridge classify"
        )
    versions = sorted({str(record.get("featureVersion")) for record in with_features})
    if len(versions) > 1:
        raise TargetTableError(
            f"{path}: records of several feature versions {versions}; classify each version into its own file"
        )

    names = _feature_names(with_features)
    index = {name: i for i, name in enumerate(names)}
    matrix = np.full((len(with_features), len(names)), np.nan, dtype=np.float64)
    for row, record in enumerate(with_features):
        for name, value in record["features"].items():
            matrix[row, index[name]] = _number(value, path, name)

    return TargetTable(
        path=path,
        sha256=file_sha256(path),
        object_ids=np.array([str(record.get("objectId")) for record in with_features], dtype=object),
        candids=np.array([str(record.get("candid")) for record in with_features], dtype=object),
        alert_mjd=np.array([_number(record.get("alertMjd"), path, "alertMjd") for record in with_features]),
        flags=[tuple(record.get("flags") or ()) for record in with_features],
        feature_version=versions[0],
        feature_names=names,
        features=matrix,
        counts={"records": len(records), "withFeatures": len(with_features), "withoutFeatures": len(records) - len(with_features)},
    )


def _read_records(path: Path) -> list[dict]:
    records = []
    with path.open() as file:
        for line_number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise TargetTableError(f"{path}:{line_number}: line is not JSON ({error.msg})") from error
            if not isinstance(record, dict):
                raise TargetTableError(f"{path}:{line_number}: line is a JSON {type(record).__name__}, expected an object")
            records.append(record)
    return records


def _feature_names(records: list[dict]) -> list[str]:
    """Return the feature names in the order of the first record, then any others in order of appearance."""
    names: dict[str, None] = {}
    for record in records:
        for name in record["features"]:
            names.setdefault(name, None)
    return list(names)


def _number(value: object, path: Path, name: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TargetTableError(f"{path}: {name} is {value!r}, expected a number or null")
    return float(value)
