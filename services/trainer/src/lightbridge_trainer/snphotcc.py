"""Reading of the SNPhotCC DES tables (metadata.csv, photometry.csv.gz) for augmentation and scoring.

Features are never computed here: this module only supplies raw light curves to the augmentation
and per-object redshift and peak magnitude to the evaluation.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lightbridge_trainer.augment import LightCurve

SPECTROSCOPIC = "spectroscopic_train"
PHOTOMETRIC = "photometric_test"

# FLUXCAL has AB zero point 27.5 and 1 µJy is AB 23.9, so µJy = FLUXCAL · 10^(−0.4 · 3.6).
MICROJANSKY_PER_FLUXCAL = 10 ** (-0.4 * (27.5 - 23.9))

# SNANA writes FLUXCAL = FLUXCALERR = −9 for an epoch without a measurement.
MISSING_FLUXCAL = -9.0

CLASS_OF_TYPE = {"Ia": "Ia", "II": "II", "IIn": "II", "IIL": "II", "IIP": "II", "Ib": "Ibc", "Ic": "Ibc", "Ibc": "Ibc"}


@dataclass(frozen=True)
class ObjectInfo:
    """Per-object columns of metadata.csv; `true_redshift` and `peak_mag_r` are simulation truth, for scoring only."""

    sample: str
    label: str
    redshift: float
    true_redshift: float
    peak_mag_r: float


def read_metadata(folder: Path) -> dict[str, ObjectInfo]:
    """Read metadata.csv: `redshift` is redshift_final (spectroscopic z or host photo-z)."""
    objects: dict[str, ObjectInfo] = {}
    with (folder / "metadata.csv").open(newline="") as file:
        for row in csv.DictReader(file):
            objects[row["snid"].strip()] = ObjectInfo(
                sample=row["sample"].strip(),
                label=CLASS_OF_TYPE[row["true_type"].strip()],
                redshift=float(row["redshift_final"]),
                true_redshift=float(row["sim_redshift"]),
                peak_mag_r=float(row["sim_peakmag_r"]),
            )
    return objects


def read_light_curves(folder: Path, metadata: dict[str, ObjectInfo], samples: set[str]) -> dict[str, list[LightCurve]]:
    """Read photometry.csv.gz into light curves in µJy, grouped by sample, skipping missing epochs."""
    rows: dict[str, list[tuple[float, str, float, float]]] = {}
    with gzip.open(folder / "photometry.csv.gz", "rt", newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        index = [header.index(name) for name in ("snid", "mjd", "band", "fluxcal", "fluxcalerr")]
        for row in reader:
            snid, mjd, band, flux, error = (row[i] for i in index)
            info = metadata[snid]
            if info.sample not in samples:
                continue
            flux_value, error_value = float(flux), float(error)
            if flux_value == MISSING_FLUXCAL and error_value == MISSING_FLUXCAL:
                continue
            rows.setdefault(snid, []).append((float(mjd), band, flux_value, error_value))

    curves: dict[str, list[LightCurve]] = {sample: [] for sample in samples}
    for snid, points in rows.items():
        info = metadata[snid]
        mjd, band, flux, error = zip(*points)
        curves[info.sample].append(
            LightCurve(
                object_id=snid,
                label=info.label,
                redshift=info.redshift,
                mjd=np.array(mjd),
                band=np.array(band),
                flux=np.array(flux) * MICROJANSKY_PER_FLUXCAL,
                flux_err=np.array(error) * MICROJANSKY_PER_FLUXCAL,
            )
        )
    return curves
