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
    maps = {"hopfield", "dense-associative-memory", "modern-hopfield"}  # no time step to give
    step = [] if model in maps else ["--dt", "0.1"]
    assert main(["simulate", model, *options, "--n-steps", "3", *step, "--out", str(out),
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


def _fails_in_one_line(argv, capsys):
    """Run a command line that must fail: exit status 2, one line on stderr; return that line."""
    try:
        code = main(argv)
    except SystemExit as exit_info:  # argparse's errors
        code = exit_info.code
    err = capsys.readouterr().err
    assert code == 2, (argv, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_bad_command_lines_are_one_line_errors_before_any_work(tmp_path, capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the work started before the command line was checked")

    monkeypatch.setattr(attractors, "simulate", never)
    monkeypatch.setattr("attractors._sweep._completed", never)
    existing = tmp_path / "existing.txt"
    existing.write_text("mine")
    ok = str(tmp_path / "out.nc")
    sweep = ["sweep", "capacity", "--grid", "load=0.05", "--fixed", "n_units=40", "--no-progress"]
    cases = [
        (["simulate", "hopfield", "--out", "/nonexistent/dir/x.nc"],
         "folder '/nonexistent/dir' does not exist"),
        (["simulate", "double-well", "--out", ok, "--plot", "/nonexistent/x.png"], "--plot"),
        (["simulate", "hopfield", "--out", str(tmp_path)], "is a folder; give a file name"),
        (["simulate", "hopfield", "--n-units", "1.5", "--out", ok], "expected an integer, got '1.5'"),
        (["simulate", "hopfield", "--dt", "0.1", "--out", ok], "--dt applies to continuous-time models"),
        (["simulate", "no-such-model", "--out", ok], "invalid choice"),
        ([*sweep, "--out", "/nonexistent/x.nc"], "does not exist"),
        ([*sweep, "--out", ok, "--store", str(existing)], "is an existing file; give a folder"),
        (["sweep", "capacity", "--grid", "load=0.05,high", "--fixed", "n_units=40", "--out", ok],
         r"mixes value types (number and string)"),
        (["sweep", "capacity", "--grid", "load=0.05", "--out", ok], "needs parameter(s) 'n_units'"),
        ([*sweep, "--fixed", "n_units=50", "--out", ok], "n_units is given twice"),
        ([*sweep, "--trials", "many", "--out", ok], "invalid int value"),
        (["gallery", "--out", str(existing)], "is an existing file; give a folder"),
    ]
    for argv, message in cases:
        assert message in _fails_in_one_line(argv, capsys), argv
    assert existing.read_text() == "mine" and not (tmp_path / "out.nc").exists()


def test_unreachable_scheduler_is_one_line(tmp_path, capsys):
    pytest.importorskip("distributed")
    err = _fails_in_one_line(["sweep", "capacity", "--grid", "load=0.05", "--fixed", "n_units=40",
                              "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "x.nc")],
                             capsys)
    assert "cannot reach the dask scheduler at 'tcp://127.0.0.1:9'" in err


def test_a_repeated_grid_flag_sweeps_every_value(tmp_path):
    def run(*grid):
        out = tmp_path / f"{len(grid)}.nc"
        assert main(["sweep", "capacity", *grid, "--fixed", "n_units=40", "--out", str(out),
                     "--no-progress"]) == 0
        with xr.open_dataset(out) as saved:
            return saved.load()

    repeated = run("--grid", "load=0.05", "--grid", "load=0.3")
    assert repeated["load"].values.tolist() == [0.05, 0.3]
    xr.testing.assert_identical(repeated, run("--grid", "load=0.05,0.3"))


def test_the_installed_command_fails_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "attractors.cli", "simulate", "hopfield",
                             "--out", "/nonexistent/dir/x.nc"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_damaged_store_point_is_one_warning_line_and_recomputed(tmp_path, capsys):
    store, out = tmp_path / "store", tmp_path / "x.nc"
    argv = ["sweep", "capacity", "--grid", "load=0.05,0.3", "--fixed", "n_units=40",
            "--store", str(store), "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    victim = sorted((store / "points").glob("*.nc"))[0]
    victim.write_bytes(victim.read_bytes()[:100])  # as a full disk would leave it
    capsys.readouterr()
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [
        f"attractors sweep: SweepStoreWarning: sweep store point {str(victim)!r} is damaged "
        "(its checksum does not match): computing it again"]
    assert "1 point(s) computed" in captured.out
