"""The `attractors` command, and README/CI consistency."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

import attractors
from attractors.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"attractors {attractors.__version__}"
    assert main([]) == 0
    assert "gallery" in capsys.readouterr().out


def test_simulate_writes_netcdf_and_plot(tmp_path, capsys):
    out = tmp_path / "run.nc"
    code = main(["simulate", "double-well", "--coupling", "0.3", "--n-units", "3",
                 "--n-trials", "2", "--t-end", "1", "--dt", "0.1", "--seed", "4",
                 "--out", str(out), "--plot", str(tmp_path / "run.png"), "--no-progress"])
    assert code == 0
    with xr.open_dataset(out) as run:
        assert run.sizes == {"time": 11, "trial": 2, "unit": 3}
        assert attractors.parameters(run) == {"n_units": 3, "coupling": 0.3}
        assert run.attrs["seed"] == 4
    assert (tmp_path / "run.png").stat().st_size > 0
    assert "wrote" in capsys.readouterr().out


def test_simulate_discrete_model(tmp_path):
    assert main(["simulate", "contraction-map", "--factor", "0.25", "--n-steps", "5",
                 "--out", str(tmp_path / "map.nc"), "--no-progress"]) == 0


def test_simulate_bad_parameter_is_a_clear_error(tmp_path, capsys):
    assert main(["simulate", "double-well", "--dt", "0", "--out", str(tmp_path / "x.nc"),
                 "--no-progress"]) == 2
    assert "dt must be a finite number > 0, got 0.0" in capsys.readouterr().err
    assert not (tmp_path / "x.nc").exists()


@pytest.mark.parametrize("model, options", [
    ("hopfield", ["--n-units", "50", "--n-patterns", "3"]),
    ("rate-network", ["--n-units", "20", "--gain", "0.5"]),
    ("continuous-hopfield", ["--n-units", "20", "--output", "logistic"]),
    ("dense-associative-memory", ["--n-units", "30", "--n-patterns", "10"]),
    ("modern-hopfield", ["--dim", "16", "--n-patterns", "20", "--beta", "4"]),
    ("ring", ["--n-units", "32"]),
    ("cann1d", ["--n-units", "64"]),
    ("cann2d", ["--n-side", "16"]),
    ("grid-cell-sheet", ["--n-side", "32"]),
])
def test_every_model_family_simulates_from_the_command_line(model, options, tmp_path):
    out = tmp_path / f"{model}.nc"
    assert main(["simulate", model, *options, "--n-steps", "3", "--dt", "0.1", "--out", str(out),
                 "--no-progress"]) == 0
    with xr.open_dataset(out) as run:
        assert run.sizes["time"] == 4
        # The options given reached the model: its recorded parameters carry them.
        params = attractors.parameters(run)
        name, value = options[0].lstrip("-").replace("-", "_"), options[1]
        if name in params:
            assert str(params[name]) == value
        else:  # built by a factory: the size is the number of units
            assert run.sizes["unit"] in (int(value), int(value) ** 2, 4 * int(value) ** 2)


def test_simulate_model_help_lists_parameters(capsys):
    with pytest.raises(SystemExit):
        main(["simulate", "ornstein-uhlenbeck", "--help"])
    assert "--tau" in capsys.readouterr().out


def test_gallery_list_and_quick_render(tmp_path, capsys):
    assert main(["gallery", "--list"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert names
    assert main(["gallery", "--quick", "--no-progress", "--out", str(tmp_path),
                 "--only", names[0]]) == 0
    assert list(tmp_path.glob(f"{names[0]}_*.png"))
    assert "<h2>" in (tmp_path / "index.html").read_text()
    assert main(["gallery", "--only", "no_such_figure", "--out", str(tmp_path)]) == 2


def test_console_script_entry_point():
    result = subprocess.run([sys.executable, "-m", "attractors.cli", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.startswith("attractors ")


def test_readme_starts_with_the_two_setup_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block and readme.index("```bash") < 40, "README must open with the set-up commands"
    commands = block.group(1).strip().splitlines()
    assert len(commands) == 2
    assert "attractors gallery" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "grep -m1 -E '^python3 -m venv .*pytest' README.md" in ci
    assert re.search(r"^python3 -m venv .*pytest", commands[1])


def test_import_loads_only_numpy():
    # `import attractors` must stay fast (< 0.3 s, measured in benchmarks/): the
    # heavy libraries are imported when first used, never at import time.
    code = ("import sys, attractors; heavy = [m for m in ('xarray', 'scipy', 'matplotlib', "
            "'pandas', 'tqdm') if m in sys.modules]; print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"
