"""Known-answer tests of the redshifting step of the augmentation."""

import numpy as np
import pytest

from lightbridge_trainer.augment import (
    DES_WAVELENGTHS,
    LightCurve,
    NoiseModel,
    fit_light_curve,
    flux_scale,
    luminosity_distance,
    redshifted_flux,
)


def test_luminosity_distance_low_redshift() -> None:
    # d_L → c z / H0 as z → 0.
    assert luminosity_distance(0.001)[0] == pytest.approx(299792.458 * 0.001 / 70 * 1.0005, rel=1e-3)


def test_luminosity_distance_redshift_one() -> None:
    # Flat ΛCDM, H0 70, Ωm 0.3: d_L(z = 1) = 6607.7 Mpc (e.g. astropy FlatLambdaCDM).
    assert luminosity_distance(1.0)[0] == pytest.approx(6607.7, rel=1e-3)


def test_flux_scale_same_redshift() -> None:
    assert flux_scale(0.4, 0.4) == pytest.approx(1.0)


def gaussian_light_curve(redshift: float) -> LightCurve:
    """A light curve that is a Gaussian in time (σ 15 d, peak 100 µJy at MJD 56000) in every band."""
    mjd = np.repeat(np.arange(55940.0, 56061.0, 3.0), 4)
    band = np.tile(np.array(["g", "r", "i", "z"]), len(mjd) // 4)
    flux = 100.0 * np.exp(-0.5 * ((mjd - 56000.0) / 15.0) ** 2)
    return LightCurve("1", "Ia", redshift, mjd, band, flux, np.full(len(mjd), 1.0))


def test_redshifted_flux_stretch_and_dimming() -> None:
    curve = gaussian_light_curve(0.2)
    model = fit_light_curve(curve)
    new_redshift = 0.5
    stretch = 1.5 / 1.2
    mjd = 57000.0 + np.array([0.0, 15.0 * stretch, -30.0 * stretch])
    bands = np.array(["r", "r", "i"])

    flux = redshifted_flux(model, new_redshift, mjd, bands, new_peak_mjd=57000.0)
    expected = 100.0 * np.exp(-0.5 * np.array([0.0, 1.0, 4.0])) * flux_scale(0.2, 0.5)

    assert flux_scale(0.2, 0.5) < 0.3
    assert flux == pytest.approx(expected, rel=0.05, abs=0.5)


def test_redshifted_flux_shifts_wavelength() -> None:
    # A flux rising linearly with ln wavelength: at higher z each band sees bluer rest-frame light.
    mjd = np.repeat(np.arange(55940.0, 56061.0, 3.0), 4)
    band = np.tile(np.array(["g", "r", "i", "z"]), len(mjd) // 4)
    wavelength = np.array([DES_WAVELENGTHS[b] for b in band])
    flux = 100.0 * np.exp(-0.5 * ((mjd - 56000.0) / 20.0) ** 2) * np.log(wavelength / 4000.0)
    model = fit_light_curve(LightCurve("2", "II", 0.1, mjd, band, flux, np.full(len(mjd), 0.5)))

    shifted = redshifted_flux(model, 0.3, np.array([57000.0]), np.array(["z"]), new_peak_mjd=57000.0)
    expected = 100.0 * np.log(DES_WAVELENGTHS["z"] * 1.1 / 1.3 / 4000.0) * flux_scale(0.1, 0.3)

    assert shifted[0] == pytest.approx(expected, rel=0.05)


def test_noise_model_draws_similar_flux_errors() -> None:
    flux = np.linspace(0, 1000, 2001)
    curve = LightCurve("3", "Ia", 0.5, np.zeros(2001), np.array(["g"] * 2001), flux, 1.0 + flux / 100.0)
    noise = NoiseModel([curve], neighbours=20)

    errors = noise.draw(np.array([100.0, 900.0]), np.array(["g", "g"]), np.random.default_rng(0))

    assert errors[0] == pytest.approx(2.0, abs=0.1)
    assert errors[1] == pytest.approx(10.0, abs=0.1)
