"""Draw the lightbridge Grafana dashboard as a PNG from a running Prometheus.

Grafana is not needed: the script reads the dashboard JSON, evaluates each panel's own PromQL
targets through Prometheus's HTTP API (/api/v1/query_range) and draws them with matplotlib in
the dashboard's grid layout. Time series panels become line plots; stat panels show the last
value of each series (or its legend name, when the panel's textMode is "name").

Run with the trainer's virtual environment, which pins matplotlib:

    services/trainer/.venv/bin/python deploy/grafana/render/render.py \
        --prometheus http://127.0.0.1:9090 --minutes 15 --out docs/img/dashboard.png
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[3]
DEFAULT_DASHBOARD = REPOSITORY / "deploy/grafana/dashboards/lightbridge.json"

# Grafana's dark theme colours, so the picture reads like the dashboard it stands for.
BACKGROUND = "#111217"
PANEL = "#181b1f"
TEXT = "#ccccdc"
GRID = "#2c3235"
PALETTE = ["#73bf69", "#f2cc0c", "#5794f2", "#ff9830", "#f2495c", "#b877d9", "#8ab8ff", "#fade2a", "#ff7383", "#96d98d"]

# Grafana's grid is 24 columns wide; one height unit is 30 px in Grafana, drawn here as 0.4 in.
GRID_COLUMNS = 24
INCHES_PER_ROW = 0.4
FIGURE_WIDTH_INCHES = 16
# Room inside a panel's grid cell, in inches: the title above the plot, tick labels left and below.
TITLE_INCHES = 0.3
LEFT_INCHES = 0.75
BOTTOM_INCHES = 0.3
GAP_INCHES = 0.12
HEADER_INCHES = 0.5


@dataclass
class Series:
    name: str
    times: list[datetime]
    values: list[float]


class PrometheusError(RuntimeError):
    """A query that Prometheus rejected or could not be reached for."""


def query_range(base_url: str, expr: str, start: float, end: float, step: float) -> list[dict]:
    """Run one range query and return Prometheus's result list (a matrix)."""
    params = urllib.parse.urlencode({"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step:g}"})
    url = f"{base_url.rstrip('/')}/api/v1/query_range?{params}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = json.load(response)
    except urllib.error.HTTPError as error:
        body = json.load(error)
    except urllib.error.URLError as error:
        raise PrometheusError(f"cannot reach Prometheus at {base_url}: {error.reason}; start it or pass --prometheus") from error

    if body.get("status") != "success":
        raise PrometheusError(f"query {expr!r} failed: {body.get('error', 'no error message')}")
    return body["data"]["result"]


def substitute_variables(expr: str, job: str, step: float) -> str:
    """Replace the dashboard variables that the queries use with concrete values."""
    expr = expr.replace("$job", job).replace("${job}", job)
    expr = expr.replace("$__rate_interval", f"{max(4 * step, 60):g}s")
    return expr.replace("$__interval", f"{step:g}s")


def legend(template: str | None, labels: dict[str, str]) -> str:
    """Fill a Grafana legendFormat such as "in {{topic}}" from a series' labels."""
    if not template:
        shown = {key: value for key, value in labels.items() if key != "__name__"}
        return ", ".join(f"{key}={value}" for key, value in sorted(shown.items())) or "value"
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda match: labels.get(match.group(1), ""), template)


def panel_series(panel: dict, base_url: str, start: float, end: float, step: float, job: str) -> list[Series]:
    """Evaluate every target of a panel over the time range."""
    series: list[Series] = []
    for target in panel.get("targets", []):
        expr = substitute_variables(target["expr"], job, step)
        for result in query_range(base_url, expr, start, end, step):
            times = [datetime.fromtimestamp(float(t), tz=timezone.utc) for t, _ in result["values"]]
            values = [float(v) for _, v in result["values"]]
            series.append(Series(legend(target.get("legendFormat"), result["metric"]), times, values))
    return series


def format_value(value: float, unit: str) -> str:
    """Format a value in a Grafana unit: s (seconds), cps or ops (per second), short or none."""
    if value != value:  # NaN, for example a quantile of an empty histogram.
        return "n/a"
    if unit == "s":
        if value == 0:
            return "0 s"
        if value < 1e-3:
            return f"{value * 1e6:.3g} µs"
        if value < 1:
            return f"{value * 1e3:.3g} ms"
        if value < 120:
            return f"{value:.1f} s"
        if value < 7200:
            return f"{value / 60:.0f} min"
        if value < 172800:
            return f"{value / 3600:.0f} h"
        return f"{value / 86400:.0f} d"
    suffix = {"cps": "/s", "ops": "/s", "reqps": "/s"}.get(unit, "")
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f}M{suffix}"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.1f}k{suffix}"
    if value == int(value):
        return f"{value:.0f}{suffix}"
    return f"{value:.3g}{suffix}"


def style_axes(axes: plt.Axes, title: str) -> None:
    axes.set_facecolor(PANEL)
    axes.set_title(title, color=TEXT, fontsize=10, loc="left", pad=5)
    for spine in axes.spines.values():
        spine.set_color(GRID)
    axes.tick_params(colors=TEXT, labelsize=7)


def draw_timeseries(axes: plt.Axes, panel: dict, series: list[Series]) -> None:
    unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
    style_axes(axes, panel["title"])
    axes.grid(True, color=GRID, linewidth=0.6)
    if not series:
        axes.text(0.5, 0.5, "No data", color=TEXT, ha="center", va="center", transform=axes.transAxes)
        axes.set_xticks([])
        axes.set_yticks([])
        return

    # Series that stay at 0 (counters that serve creates at 0 for every reason, class and flag) are
    # drawn but left out of the legend, which names how many there are.
    always_zero = 0
    for index, line in enumerate(series):
        silent = all(value == 0 for value in line.values)
        always_zero += 1 if silent else 0
        label = "_nolegend_" if silent and len(series) > 1 else line.name
        axes.plot(line.times, line.values, color=PALETTE[index % len(PALETTE)], linewidth=1.4, label=label)
    if always_zero > 0 and len(series) > 1:
        axes.plot([], [], " ", label=f"{always_zero} more at 0")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_value(value, unit)))
    span_seconds = (series[0].times[-1] - series[0].times[0]).total_seconds() if series[0].times else 0
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(tz=timezone.utc, maxticks=8))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S" if span_seconds < 600 else "%H:%M", tz=timezone.utc))
    minimum = panel.get("fieldConfig", {}).get("defaults", {}).get("min")
    if minimum is not None:
        axes.set_ylim(bottom=minimum)
    axes.legend(loc="best", fontsize=6.5, frameon=False, labelcolor=TEXT, ncol=2 if len(series) - always_zero > 4 else 1)


def draw_stat(axes: plt.Axes, panel: dict, series: list[Series]) -> None:
    unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
    style_axes(axes, panel["title"])
    axes.set_xticks([])
    axes.set_yticks([])
    if not series:
        axes.text(0.5, 0.45, "No data", color=TEXT, ha="center", va="center", fontsize=14, transform=axes.transAxes)
        return

    show_name = panel.get("options", {}).get("textMode") == "name"
    texts = [line.name if show_name else format_value(line.values[-1], unit) for line in series]
    size = 14 if len(texts) == 1 and len(texts[0]) < 40 else 11
    for index, text in enumerate(texts):
        y = 0.45 - (index - (len(texts) - 1) / 2) * 0.25
        axes.text(0.5, y, text, color=PALETTE[0], ha="center", va="center", fontsize=size, fontweight="bold", transform=axes.transAxes)


def dashboard_panels(dashboard: dict) -> list[dict]:
    """Return the panels in layout order, including those nested in collapsed rows."""
    panels: list[dict] = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))
    return panels


def panel_rectangle(position: dict, height_inches: float) -> list[float]:
    """Return [left, bottom, width, height] in figure coordinates of a panel's plot area."""
    cell_width = FIGURE_WIDTH_INCHES / GRID_COLUMNS
    left = position["x"] * cell_width + LEFT_INCHES
    width = position["w"] * cell_width - LEFT_INCHES - GAP_INCHES
    top = HEADER_INCHES + position["y"] * INCHES_PER_ROW + TITLE_INCHES
    height = position["h"] * INCHES_PER_ROW - TITLE_INCHES - BOTTOM_INCHES
    bottom = height_inches - top - height
    return [left / FIGURE_WIDTH_INCHES, bottom / height_inches, width / FIGURE_WIDTH_INCHES, height / height_inches]


def render(dashboard: dict, base_url: str, start: float, end: float, step: float, job: str, out: Path) -> int:
    """Draw the dashboard into `out` and return the number of panels that had data."""
    panels = dashboard_panels(dashboard)
    rows = max(panel["gridPos"]["y"] + panel["gridPos"]["h"] for panel in panels)
    height_inches = HEADER_INCHES + rows * INCHES_PER_ROW
    figure = plt.figure(figsize=(FIGURE_WIDTH_INCHES, height_inches), facecolor=BACKGROUND)
    span = f"{datetime.fromtimestamp(start, tz=timezone.utc):%Y-%m-%d %H:%M} to {datetime.fromtimestamp(end, tz=timezone.utc):%H:%M} UTC"
    figure.text(0.01, 1 - 0.3 / height_inches, f"{dashboard['title']}  ({span})", color=TEXT, fontsize=13, va="center")

    with_data = 0
    for panel in panels:
        position = panel["gridPos"]
        if panel["type"] == "row":
            y = 1 - (HEADER_INCHES + (position["y"] + 0.6) * INCHES_PER_ROW) / height_inches
            figure.text(0.01, y, panel["title"], color=TEXT, fontsize=11, fontweight="bold", va="center")
            continue

        axes = figure.add_axes(panel_rectangle(position, height_inches))
        series = panel_series(panel, base_url, start, end, step, job)
        with_data += 1 if series else 0
        if panel["type"] == "stat":
            draw_stat(axes, panel, series)
        else:
            draw_timeseries(axes, panel, series)

    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=80, facecolor=BACKGROUND)
    plt.close(figure)
    return with_data


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Draw the lightbridge dashboard from Prometheus data with matplotlib.")
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090", help="base URL of Prometheus (default: %(default)s)")
    parser.add_argument("--dashboard", type=Path, default=DEFAULT_DASHBOARD, help="dashboard JSON (default: the generated lightbridge.json)")
    parser.add_argument("--start", type=float, help="start of the range, Unix seconds (default: end minus --minutes)")
    parser.add_argument("--end", type=float, help="end of the range, Unix seconds (default: now)")
    parser.add_argument("--minutes", type=float, default=15, help="length of the range when --start is not given (default: %(default)s)")
    parser.add_argument("--step", type=float, default=5, help="query resolution in seconds (default: %(default)s)")
    parser.add_argument("--job", default=".*", help="value of the dashboard's $job variable, a regular expression (default: all jobs)")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "docs/img/dashboard.png", help="PNG to write (default: docs/img/dashboard.png)")
    arguments = parser.parse_args(argv)

    arguments.end = arguments.end if arguments.end is not None else time.time()
    arguments.start = arguments.start if arguments.start is not None else arguments.end - arguments.minutes * 60
    if not arguments.start < arguments.end:
        parser.error(f"--start ({arguments.start}) must be before --end ({arguments.end})")
    if not arguments.step > 0:
        parser.error(f"--step must be positive, got {arguments.step}")
    return arguments


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    try:
        dashboard = json.loads(arguments.dashboard.read_text())
        with_data = render(dashboard, arguments.prometheus, arguments.start, arguments.end, arguments.step, arguments.job, arguments.out)
    except (OSError, json.JSONDecodeError, PrometheusError) as error:
        print(f"render.py: {error}", file=sys.stderr)
        return 1

    total = sum(1 for panel in dashboard_panels(dashboard) if panel["type"] != "row")
    print(f"wrote {arguments.out} ({arguments.out.stat().st_size} bytes; {with_data} of {total} panels with data)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
