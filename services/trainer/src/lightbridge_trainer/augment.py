"""Redshift augmentation of labeled light curves: a Gaussian process over time and wavelength per
object, evaluated as the object would look at a higher redshift, at a target object's cadence and
with target-like noise. The output is a forced-photometry table in µJy that the TypeScript feature
code reads (``lightbridge features --dataset des-csv``)."""

from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern

# Mean wavelength (Å) of the DES g, r, i, z transmission curves shipped with the SNPhotCC release
# (filters/DES_{g,r,i,z}.dat), ∫λT dλ / ∫T dλ.
DES_WAVELENGTHS = {"g": 4781.0, "r": 6359.9, "i": 7758.9, "z": 9208.1}

# Flat ΛCDM cosmology of the redshifting step.
HUBBLE_CONSTANT = 70.0  # km/s/Mpc
OMEGA_MATTER = 0.3
SPEED_OF_LIGHT = 299792.458  # km/s

# A copy counts as observable when at least this many points have |flux| / flux_err ≥ 5, the
# detection rule of the feature code. Fainter copies would never enter the photometric sample.
MIN_DETECTIONS = 2
DETECTION_SNR = 5.0


def luminosity_distance(redshift: np.ndarray | float) -> np.ndarray:
    """Return the luminosity distance in Mpc in flat ΛCDM (H0 70, Ωm 0.3), by numerical integration."""
    z = np.atleast_1d(np.asarray(redshift, dtype=np.float64))
    grid = np.linspace(0.0, max(float(z.max()), 1e-6), 4001)
    inverse_hubble = 1.0 / np.sqrt(OMEGA_MATTER * (1 + grid) ** 3 + (1 - OMEGA_MATTER))
    comoving = np.concatenate([[0.0], np.cumsum(np.diff(grid) * (inverse_hubble[1:] + inverse_hubble[:-1]) / 2)])
    return (1 + z) * (SPEED_OF_LIGHT / HUBBLE_CONSTANT) * np.interp(z, grid, comoving)


def flux_scale(redshift: float, new_redshift: float) -> float:
    """Return the factor on an observed flux density f_ν at a matched rest-frame frequency.

    f_ν(observed) = (1 + z) L_ν((1 + z) ν) / (4π d_L²), so moving the object from z to z_new
    multiplies f_ν by (1 + z_new) / (1 + z) · (d_L(z) / d_L(z_new))². The colour change (the
    K-correction) comes from evaluating the model at the shifted rest-frame wavelength.
    """
    distances = luminosity_distance(np.array([redshift, new_redshift]))
    return float((1 + new_redshift) / (1 + redshift) * (distances[0] / distances[1]) ** 2)


@dataclass(frozen=True)
class LightCurve:
    """One object's forced photometry: MJD, band names, flux and flux error in µJy."""

    object_id: str
    label: str
    redshift: float
    mjd: np.ndarray
    band: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray


@dataclass
class LightCurveModel:
    """A Gaussian process of flux over (time from peak, ln wavelength), with fluxes divided by `scale`."""

    process: GaussianProcessRegressor
    peak_mjd: float
    scale: float
    redshift: float

    def flux(self, mjd: np.ndarray, wavelength: np.ndarray) -> np.ndarray:
        """Return the model's mean flux (µJy) at observer-frame times and wavelengths (Å)."""
        points = np.column_stack([mjd - self.peak_mjd, np.log(wavelength)])
        return self.process.predict(points) * self.scale


def fit_light_curve(curve: LightCurve, wavelengths: dict[str, float] = DES_WAVELENGTHS) -> LightCurveModel:
    """Fit a 2-D Gaussian process (Matern ν = 3/2 over time and ln wavelength) to one light curve.

    `wavelengths` maps the curve's band names to wavelengths in Å. Each point's measurement
    variance enters as the GP's per-point noise (alpha), and the kernel amplitude and both length
    scales are fitted by maximum likelihood without restarts.
    """
    wavelength = np.array([wavelengths[band] for band in curve.band])
    peak = int(np.argmax(curve.flux))
    scale = float(max(np.abs(curve.flux).max(), 1e-6))

    kernel = ConstantKernel(1.0, (1e-3, 1e2)) * Matern(length_scale=[20.0, 0.4], length_scale_bounds=[(3.0, 300.0), (0.1, 5.0)], nu=1.5)
    process = GaussianProcessRegressor(kernel=kernel, alpha=(curve.flux_err / scale) ** 2 + 1e-8, n_restarts_optimizer=0)
    points = np.column_stack([curve.mjd - curve.mjd[peak], np.log(wavelength)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        process.fit(points, curve.flux / scale)
    return LightCurveModel(process=process, peak_mjd=float(curve.mjd[peak]), scale=scale, redshift=curve.redshift)


def redshifted_flux(
    model: LightCurveModel,
    new_redshift: float,
    mjd: np.ndarray,
    bands: np.ndarray,
    new_peak_mjd: float,
    wavelengths: dict[str, float] = DES_WAVELENGTHS,
) -> np.ndarray:
    """Return the noiseless flux (µJy) the modelled object would have at `new_redshift`.

    Observer-frame time intervals stretch by (1 + z_new) / (1 + z) around the peak, which moves to
    `new_peak_mjd`. A band of wavelength λ now sees the rest-frame light that the original
    observation saw at λ (1 + z) / (1 + z_new), and the flux density scales as in flux_scale.
    """
    stretch = (1 + new_redshift) / (1 + model.redshift)
    source_mjd = model.peak_mjd + (mjd - new_peak_mjd) / stretch
    wavelength = np.array([wavelengths[band] for band in bands]) / stretch
    return model.flux(source_mjd, wavelength) * flux_scale(model.redshift, new_redshift)


class NoiseModel:
    """Flux errors of the target sample by band, drawn at a similar flux.

    For a requested flux, the error is that of a random target point among the `neighbours`
    target points of the same band nearest in flux.
    """

    def __init__(self, curves: list[LightCurve], neighbours: int = 50) -> None:
        self.neighbours = neighbours
        self.by_band: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        bands = np.concatenate([curve.band for curve in curves])
        fluxes = np.concatenate([curve.flux for curve in curves])
        errors = np.concatenate([curve.flux_err for curve in curves])
        for band in np.unique(bands):
            order = np.argsort(fluxes[bands == band])
            self.by_band[str(band)] = (fluxes[bands == band][order], errors[bands == band][order])

    def draw(self, flux: np.ndarray, bands: np.ndarray, random: np.random.Generator) -> np.ndarray:
        errors = np.empty(len(flux))
        for band in np.unique(bands):
            rows = bands == band
            sorted_flux, sorted_error = self.by_band[str(band)]
            centre = np.searchsorted(sorted_flux, flux[rows])
            offset = random.integers(-self.neighbours // 2, self.neighbours // 2 + 1, size=centre.size)
            errors[rows] = sorted_error[np.clip(centre + offset, 0, len(sorted_error) - 1)]
        return errors


@dataclass(frozen=True)
class AugmentConfig:
    """Settings of the augmentation; all are recorded in the benchmark report."""

    copies: int = 8
    attempts: int = 5
    max_redshift: float = 1.4
    seed: int = 0


def augment(
    labeled: list[LightCurve],
    target: list[LightCurve],
    target_redshifts: np.ndarray,
    config: AugmentConfig,
    target_weights: np.ndarray | None = None,
    n_jobs: int = 1,
) -> tuple[list[LightCurve], dict]:
    """Generate up to `copies` label-preserving redshifted copies of each labeled light curve.

    Each copy draws a target object (with probability proportional to `target_weights` when given,
    e.g. to stratify by the domain classifier's score) and takes its observation times and bands.
    z_new is drawn from the target redshifts above the object's own z (up to max_redshift), and the
    peak goes to the target object's brightest observation. NoiseModel adds the noise, and a copy
    is kept when it has at least MIN_DETECTIONS detections. The Gaussian-process fits run in `n_jobs`
    processes. Returns the copies and counters.
    """
    random = np.random.default_rng(config.seed)
    noise = NoiseModel(target)
    probabilities = None if target_weights is None else target_weights / target_weights.sum()
    copies: list[LightCurve] = []
    counters = {"objects": len(labeled), "fitted": 0, "copies": 0, "rejectedFaint": 0}

    models = Parallel(n_jobs=n_jobs)(delayed(fit_light_curve)(curve) for curve in labeled)
    counters["fitted"] = len(models)

    for curve, model in zip(labeled, models):
        above = target_redshifts[(target_redshifts > curve.redshift) & (target_redshifts <= config.max_redshift)]
        if above.size == 0:
            continue

        made = 0
        for _ in range(config.copies * config.attempts):
            if made == config.copies:
                break
            template = target[int(random.choice(len(target), p=probabilities))]
            new_redshift = float(random.choice(above))
            peak_mjd = float(template.mjd[int(np.argmax(template.flux))])
            truth = redshifted_flux(model, new_redshift, template.mjd, template.band, peak_mjd)
            errors = noise.draw(truth, template.band, random)
            observed = truth + random.normal(0.0, errors)
            if np.sum(np.abs(observed) >= DETECTION_SNR * errors) < MIN_DETECTIONS:
                counters["rejectedFaint"] += 1
                continue
            copies.append(
                LightCurve(
                    object_id=f"{curve.object_id}_aug{made}",
                    label=curve.label,
                    redshift=new_redshift,
                    mjd=template.mjd,
                    band=template.band,
                    flux=observed,
                    flux_err=errors,
                )
            )
            made += 1
        counters["copies"] += made
    return copies, counters


def write_light_curves(curves: list[LightCurve], path: Path) -> None:
    """Write the light-curve table (object_id, label, mjd, band, flux, flux_err; µJy) that the des-csv reader reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["object_id", "label", "mjd", "band", "flux", "flux_err"])
        for curve in curves:
            for i in range(len(curve.mjd)):
                writer.writerow(
                    [curve.object_id, curve.label, repr(float(curve.mjd[i])), curve.band[i],
                     repr(float(curve.flux[i])), repr(float(curve.flux_err[i]))]
                )
