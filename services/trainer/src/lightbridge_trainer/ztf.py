"""ZTF inputs of the adapted model: BTS light curves and labels, the target photometry of real alerts,
and the redshift augmentation of BTS light curves to the brightness, cadence and noise of a target.

Features are never computed here. This module only supplies raw light curves to the augmentation;
the copies' features come from ``lightbridge features --dataset ztf-csv``.
"""

from __future__ import annotations

import csv
import gzip
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from lightbridge_trainer.augment import (
    DETECTION_SNR,
    MIN_DETECTIONS,
    LightCurve,
    LightCurveModel,
    NoiseModel,
    fit_light_curve,
    luminosity_distance,
    redshifted_flux,
)

# Central wavelengths (Å) of the ZTF g and r passbands, as tabulated in the avocado classifier
# (kboone/avocado, avocado/instruments.py, band_central_wavelengths 'ztfg' and 'ztfr').
ZTF_WAVELENGTHS = {"g": 4813.9, "r": 6421.8}

# ANTARES writes ZTF r as R.
BTS_BAND_NAMES = {"g": "g", "R": "r", "r": "r"}

# AB magnitude of 1 µJy.
MICROJANSKY_ZERO_POINT = 23.9

# Catalogue peak magnitude that separates the bright source from the faint target in the
# stand-in experiment.
FAINT_SPLIT_MAG = 18.0

# Light curves longer than this are thinned evenly before the Gaussian-process fit, because the fit
# cost grows with the cube of the point count. The brightest point is always kept.
MAX_FIT_POINTS = 250

# Flags of records that the quality gate marks as not astrophysical transients. Objects with only
# such records are not used as cadence templates.
NON_TRANSIENT_FLAGS = frozenset({"bogus", "star", "solar-system"})


@dataclass(frozen=True)
class BtsObject:
    """One row of the BTS labels table: class group, redshift and catalogue peak magnitude (NaN when not a number)."""

    object_id: str
    label: str
    redshift: float
    peak_mag: float


def read_bts_labels(folder: Path) -> dict[str, BtsObject]:
    """Read labels.csv of the BTS folder; `redshift` and `peakmag` that are not plain numbers read as NaN."""
    objects: dict[str, BtsObject] = {}
    with (folder / "labels.csv").open(newline="") as file:
        for row in csv.DictReader(file):
            object_id = row["ztfid"].strip()
            objects[object_id] = BtsObject(
                object_id=object_id,
                label=row["class_group"].strip(),
                redshift=_float_or_nan(row["redshift"]),
                peak_mag=_float_or_nan(row["peakmag"]),
            )
    return objects


def split_by_peak_mag(objects: dict[str, BtsObject], threshold: float = FAINT_SPLIT_MAG) -> tuple[set[str], set[str], set[str]]:
    """Return (bright, faint, unknown) object ids: peak magnitude < threshold, ≥ threshold, and NaN."""
    bright = {key for key, value in objects.items() if value.peak_mag < threshold}
    faint = {key for key, value in objects.items() if value.peak_mag >= threshold}
    unknown = set(objects) - bright - faint
    return bright, faint, unknown


def read_bts_light_curves(folder: Path, objects: dict[str, BtsObject]) -> list[LightCurve]:
    """Read photometry.csv.gz into light curves in µJy, in file order.

    Magnitudes become flux = 10^(−0.4 (mag − 23.9)) µJy with first-order errors, as the TypeScript
    BTS reader converts them. A repeated (MJD, band) keeps its first row. Objects without a
    redshift get NaN and cannot be redshifted.
    """
    points: dict[str, list[tuple[float, str, float, float]]] = {}
    with gzip.open(folder / "photometry.csv.gz", "rt", newline="") as file:
        for row in csv.DictReader(file):
            band = BTS_BAND_NAMES.get(row["band"].strip())
            if band is None:
                raise ValueError(f"photometry.csv.gz: band {row['band']!r} of {row['ztfid']} is invalid; expected g or R")
            mag, mag_err = float(row["mag"]), float(row["magerr"])
            flux = 10 ** (-0.4 * (mag - MICROJANSKY_ZERO_POINT))
            points.setdefault(row["ztfid"].strip(), []).append((float(row["mjd"]), band, flux, flux * mag_err * math.log(10) / 2.5))

    curves = []
    for object_id, rows in points.items():
        info = objects.get(object_id)
        if info is None:
            raise ValueError(f"photometry.csv.gz: object {object_id} has no row in labels.csv")
        curves.append(_light_curve(object_id, info.label, info.redshift, rows))
    return curves


def read_target_photometry(path: Path, bands: tuple[str, ...] = ("g", "r")) -> list[LightCurve]:
    """Read the target photometry table (object_id, kind, mjd, band, flux, flux_err) into light curves.

    Upper limits have no flux (NaN in the table), so they get flux 0: the value a non-detection is
    consistent with, and the flux at which the noise model draws their errors. Points in other
    bands are skipped. Labels are empty and redshifts NaN, because the target is unlabeled.
    """
    points: dict[str, list[tuple[float, str, float, float]]] = {}
    with path.open(newline="") as file:
        for row in csv.DictReader(file):
            band = row["band"].strip()
            if band not in bands:
                continue
            flux = float(row["flux"]) if row["kind"] == "detection" else 0.0
            points.setdefault(row["object_id"], []).append((float(row["mjd"]), band, flux, float(row["flux_err"])))
    return [_light_curve(object_id, "", math.nan, rows) for object_id, rows in points.items()]


def _light_curve(object_id: str, label: str, redshift: float, rows: list[tuple[float, str, float, float]]) -> LightCurve:
    seen: set[tuple[float, str]] = set()
    kept = []
    for row in rows:
        if (row[0], row[1]) not in seen:
            seen.add((row[0], row[1]))
            kept.append(row)
    kept.sort(key=lambda row: row[0])
    mjd, band, flux, error = zip(*kept)
    return LightCurve(object_id, label, redshift, np.array(mjd), np.array(band), np.array(flux), np.array(error))


def detection_count(curve: LightCurve) -> int:
    return int(np.sum(np.abs(curve.flux) >= DETECTION_SNR * curve.flux_err))


def peak_magnitude(curve: LightCurve) -> float:
    """Return the AB magnitude of the brightest detection, NaN without a positive detection."""
    detected = (curve.flux >= DETECTION_SNR * curve.flux_err) & (curve.flux > 0)
    if not detected.any():
        return math.nan
    return MICROJANSKY_ZERO_POINT - 2.5 * math.log10(float(curve.flux[detected].max()))


def dimming_curve(redshift: float, max_redshift: float, points: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Return (z_new, Δm): the peak dimming in magnitudes of an object moved from `redshift` to z_new.

    Δm = −2.5 log10((1 + z_new) / (1 + z) · (d_L(z) / d_L(z_new))²), the flux scaling of
    augment.flux_scale, on a geometric grid of z_new from z to max_redshift.
    """
    grid = np.geomspace(redshift, max(max_redshift, redshift * 1.0001), points)
    distances = luminosity_distance(np.concatenate([[redshift], grid]))
    scale = (1 + grid) / (1 + redshift) * (distances[0] / distances[1:]) ** 2
    return grid, -2.5 * np.log10(scale)


@dataclass(frozen=True)
class ZtfAugmentConfig:
    """Settings of the ZTF augmentation; all are recorded in the manifest."""

    copies: int = 8
    attempts: int = 5
    max_redshift: float = 0.5
    seed: int = 0


def fit_models(curves: list[LightCurve], n_jobs: int) -> list[LightCurveModel | None]:
    """Fit one Gaussian process per light curve in `n_jobs` processes; None where the redshift is unknown or ≤ 0."""
    fittable = [i for i, curve in enumerate(curves) if curve.redshift > 0]
    fitted = Parallel(n_jobs=n_jobs)(delayed(_fit)(curves[i]) for i in fittable)
    models: list[LightCurveModel | None] = [None] * len(curves)
    for i, model in zip(fittable, fitted):
        models[i] = model
    return models


def _fit(curve: LightCurve) -> LightCurveModel:
    return fit_light_curve(_thinned(curve), ZTF_WAVELENGTHS)


def _thinned(curve: LightCurve) -> LightCurve:
    if len(curve.mjd) <= MAX_FIT_POINTS:
        return curve
    keep = set(np.linspace(0, len(curve.mjd) - 1, MAX_FIT_POINTS).round().astype(int).tolist())
    keep.add(int(np.argmax(curve.flux)))
    rows = np.array(sorted(keep))
    return LightCurve(curve.object_id, curve.label, curve.redshift, curve.mjd[rows], curve.band[rows], curve.flux[rows], curve.flux_err[rows])


def augment_to_templates(
    labeled: list[LightCurve],
    models: list[LightCurveModel | None],
    templates: list[LightCurve],
    noise: NoiseModel,
    config: ZtfAugmentConfig,
) -> tuple[list[LightCurve], dict]:
    """Generate up to `copies` redshifted copies of each labeled light curve, each shaped like a random template.

    The target has no redshifts, so the copy's redshift is the one that dims the labeled object's
    brightest detection to the template's brightest detection (never brighter: a brighter template
    keeps the object's own redshift). Redshifts above max_redshift are not drawn; such a template
    counts as `rejectedTooFaint`. The copy takes the template's observation times and bands with
    its peak at the template's brightest detection, flux errors from `noise` and Gaussian noise, and
    is kept when at least MIN_DETECTIONS points reach DETECTION_SNR.
    """
    random = np.random.default_rng(config.seed)
    template_peaks = np.array([peak_magnitude(template) for template in templates])
    template_peak_mjd = np.array([float(template.mjd[int(np.argmax(template.flux))]) for template in templates])
    copies: list[LightCurve] = []
    counters = {"objects": len(labeled), "fitted": sum(model is not None for model in models), "copies": 0,
                "rejectedFaint": 0, "rejectedTooFaint": 0, "templates": len(templates)}

    for curve, model in zip(labeled, models):
        if model is None:
            continue
        own_peak = peak_magnitude(curve)
        grid, dimming = dimming_curve(curve.redshift, config.max_redshift)

        made = 0
        for _ in range(config.copies * config.attempts):
            if made == config.copies:
                break
            pick = int(random.integers(len(templates)))
            wanted = max(float(template_peaks[pick] - own_peak), 0.0)
            if not wanted <= dimming[-1]:
                counters["rejectedTooFaint"] += 1
                continue
            new_redshift = float(np.interp(wanted, dimming, grid))

            template = templates[pick]
            truth = redshifted_flux(model, new_redshift, template.mjd, template.band, template_peak_mjd[pick], ZTF_WAVELENGTHS)
            errors = noise.draw(truth, template.band, random)
            observed = truth + random.normal(0.0, errors)
            if np.sum(np.abs(observed) >= DETECTION_SNR * errors) < MIN_DETECTIONS:
                counters["rejectedFaint"] += 1
                continue
            copies.append(
                LightCurve(f"{curve.object_id}_aug{made}", curve.label, new_redshift, template.mjd, template.band, observed, errors)
            )
            made += 1
        counters["copies"] += made
    return copies, counters


def _float_or_nan(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan
