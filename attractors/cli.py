"""The ``attractors`` command: ``simulate``, ``sweep``, ``continue`` and ``gallery``.

Every error is one line on stderr and exit status 2, never a traceback, and
every output (files, folders) is checked to be writable before any work starts,
so a bad path never costs a finished run.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import warnings
from pathlib import Path

from ._version import __version__

__all__ = ["main"]


class _CommandError(Exception):
    """A bad command line, reported as one line (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (argparse prints the usage block before them)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _check_file(path: str, option: str) -> None:
    """Refuse an output file that cannot be written, before any work (nothing is left behind)."""
    import tempfile

    target = Path(path)
    if target.is_dir():
        raise _CommandError(f"{option} {path!r} is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise _CommandError(f"{option} {path!r}: the folder {str(folder)!r} does not exist")
    try:
        if target.exists():
            with open(target, "ab"):
                pass
        else:
            with tempfile.TemporaryFile(dir=folder):
                pass
    except OSError as error:
        raise _CommandError(f"{option} {path!r} cannot be written ({error.strerror})") from None


def _check_folder(path: str, option: str) -> None:
    """Refuse an output folder that is a file or cannot be created, before any work."""
    import tempfile

    target = Path(path)
    if target.exists() and not target.is_dir():
        raise _CommandError(f"{option} {path!r} is an existing file; give a folder")
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise _CommandError(f"{option} {path!r}: {str(existing)!r} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise _CommandError(f"{option} {path!r} cannot be created or written "
                            f"({error.strerror} in {str(existing)!r})") from None


def _model_registry():
    from .models import REGISTRY

    return REGISTRY


def _parse_value(text: str, default):
    """Parse a command-line value with the type of the model parameter's default."""
    if isinstance(default, bool):
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")
    try:
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float) or default is None:
            return float(text)
    except ValueError:
        kind = "an integer" if isinstance(default, int) else "a number"
        raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
    return text


def _add_gallery(subparsers):
    parser = subparsers.add_parser(
        "gallery", help="render the gallery figures (PNG + index.html) into a folder",
        description="Run every gallery script and write its figures as PNG files and a "
                    "static index.html page into --out.  The same seed gives the same pictures.")
    parser.add_argument("--out", default="gallery-output", help="output folder (default: %(default)s)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="render only this script (repeatable; see --list)")
    parser.add_argument("--list", action="store_true", help="list the gallery scripts and exit")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a fast check")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _add_simulate(subparsers):
    parser = subparsers.add_parser(
        "simulate", help="simulate a built-in model and save the trajectory as netCDF",
        description="Simulate MODEL and write its labelled trajectory to a netCDF file.  "
                    "Model parameters are given as --NAME VALUE; `attractors simulate MODEL "
                    "--help` lists them.")
    parser.add_argument("model", choices=sorted(_model_registry()), help="the model")
    parser.add_argument("--out", required=True, help="output netCDF file (.nc)")
    parser.add_argument("--plot", help="also save a figure of the trajectory (.png)")
    parser.add_argument("--t-end", type=float, default=10.0, help="end time (default: %(default)s)")
    parser.add_argument("--n-steps", type=int, help="number of steps (instead of --t-end)")
    parser.add_argument("--dt", type=float,
                        help="step size (continuous-time models only; default 0.01)")
    parser.add_argument("--solver", default=None, help="solver name, e.g. euler, rk4, RK45")
    parser.add_argument("--n-trials", type=int, default=None, help="number of random initial states")
    parser.add_argument("--record-every", type=int, default=1)
    parser.add_argument("--input", default=None, metavar="V[,V,...]",
                        help="constant input passed to simulate(inputs=...): one number (e.g. the "
                             "ring's angular velocity in rad/ms) or one value per input component")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def _add_sweep(subparsers):
    parser = subparsers.add_parser(
        "sweep", help="run a built-in protocol over a parameter grid (locally or on a dask cluster)",
        description="Run PROTOCOL at every point of a parameter grid, for --trials seeded trials "
                    "each, and write the labelled result to a netCDF file.  With --store, every "
                    "finished point is saved as it completes and a rerun computes only the "
                    "missing points.  Example: attractors sweep capacity --grid "
                    "load=0.05,0.1,0.15,0.2 --fixed n_units=1000 --trials 10 --out capacity.nc")
    parser.add_argument("protocol", choices=["capacity", "ring-diffusion"], help="the protocol")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                        help="a swept parameter and its values (repeatable; repeating a NAME "
                             "adds its values)")
    parser.add_argument("--fixed", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter held fixed (repeatable)")
    parser.add_argument("--trials", type=int, default=1, help="trials per point (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="root seed (default: %(default)s)")
    parser.add_argument("--scheduler", default=None,
                        help="'processes', a number of local worker processes, or a dask "
                             "scheduler address tcp://HOST:PORT (default: this process)")
    parser.add_argument("--store", default=None, help="folder for per-point results (resumable)")
    parser.add_argument("--out", required=True, help="output netCDF file (.nc)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _add_continue(subparsers):
    parser = subparsers.add_parser(
        "continue", help="follow a branch of equilibria of a built-in model in one parameter",
        description="Pseudo-arclength continuation of an equilibrium of MODEL in the parameter "
                    "--param from --from towards --to (through folds), with stability and the "
                    "folds, Hopf and branch points located; the branch is written to a netCDF "
                    "file.  Model parameters are given as --NAME VALUE.  Example: attractors "
                    "continue cann1d --param k --from 1 --to 30 --n-units 128 --out branch.nc")
    parser.add_argument("model", choices=sorted(_model_registry()), help="the model")
    parser.add_argument("--param", required=True, help="the model parameter to continue in")
    parser.add_argument("--from", dest="start", type=float, required=True, help="start value")
    parser.add_argument("--to", dest="stop", type=float, required=True, help="end value")
    parser.add_argument("--out", required=True, help="output netCDF file (.nc)")
    parser.add_argument("--plot", help="also save the bifurcation diagram (.png)")
    parser.add_argument("--x0", choices=["own", "origin", "settle"], default="own",
                        help="starting state: the model's own stationary state where it has one "
                             "(else a settled run), the origin, or the end of a run from a random "
                             "state (default: %(default)s)")
    parser.add_argument("--max-steps", type=int, default=500, help="default: %(default)s")
    parser.add_argument("--seed", type=int, default=0, help="seed of the settling run")


def _start_state(system, how, seed):
    import attractors

    from .analysis._compare_steps import _own_stationary_state

    if how == "origin":
        return None
    if how == "own":
        state, _ = _own_stationary_state(system)
        if state is not None:
            return state
    run = attractors.simulate(system, t_span=200.0, dt=0.01, stop_at_fixed_point=True, seed=seed,
                              progress=False)
    return run.state.values[-1]


def _run_continue(args, model_args):
    import attractors

    from .analysis import continuation

    _check_file(args.out, "--out")
    if args.plot:
        _check_file(args.plot, "--plot")
    cls = _model_registry()[args.model]
    if not dataclasses.is_dataclass(cls):
        raise _CommandError(f"{args.model} is built by a factory, not a dataclass model; "
                            "continuation needs a model with fields")
    if args.param not in {f.name for f in dataclasses.fields(cls)}:
        raise _CommandError(f"--param {args.param!r} is not a parameter of {args.model} "
                            f"({', '.join(f.name for f in dataclasses.fields(cls) if f.init)})")
    system = cls(**{**model_args, args.param: args.start})
    if not isinstance(system, attractors.ContinuousSystem):
        raise _CommandError(f"{args.model} is a map (discrete time); continue follows equilibria "
                            "of continuous-time models")
    x0 = _start_state(system, args.x0, args.seed)
    branch = continuation(system, args.param, args.start, args.stop, x0=x0, max_steps=args.max_steps)
    branch.to_netcdf(args.out)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from . import plot

        plot.plot_bifurcation_diagram(branch).figure.savefig(args.plot)
    found = [f"{kind} at {args.param} = {value:.10g}" for kind, value in
             zip(branch.special_type.values, branch.special_parameter.values) if kind != "endpoint"]
    print(f"{system.name}: {branch.sizes['point']} points, {branch.attrs['status']}; "
          f"{'; '.join(found) if found else 'no bifurcation'}; wrote {args.out}")
    return 0


def _literal(text: str):
    """A command-line value: int, float, true/false/none, or the string itself."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def _pairs(items, option, *, many):
    from ._validate import ParameterError

    values = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip() or not text.strip():
            raise ParameterError(f"{option} must look like NAME={'V1,V2,...' if many else 'VALUE'}, "
                                 f"got {item!r}")
        name = name.strip().replace("-", "_")
        if many:  # `--grid load=0.1 --grid load=0.2` sweeps both values
            values.setdefault(name, []).extend(_literal(v) for v in text.split(","))
        elif name in values and values[name] != _literal(text):
            raise ParameterError(f"{option} {name} is given twice, as {values[name]!r} and "
                                 f"{_literal(text)!r}; give it once")
        else:
            values[name] = _literal(text)
    return values


def _run_sweep(args):
    from ._sweep import sweep

    grid = _pairs(args.grid, "--grid", many=True)
    fixed = _pairs(args.fixed, "--fixed", many=False)
    scheduler = args.scheduler
    if scheduler is not None and scheduler.isdigit():
        scheduler = int(scheduler)
    _check_file(args.out, "--out")
    if args.store is not None:
        _check_folder(args.store, "--store")
    result = sweep(args.protocol, grid, trials=args.trials, seed=args.seed, fixed=fixed,
                   scheduler=scheduler, store=args.store, progress=not args.no_progress)
    result.to_netcdf(args.out)
    print(f"sweep {args.protocol}: {result.attrs['computed_points']} point(s) computed, "
          f"wrote {args.out}")
    return 0


def _model_options(factory):
    """(name, default) of every option of a model class (dataclass fields) or factory function.

    Only parameters whose default is a plain number, string or boolean become
    options (arrays such as weights are built by the factories in
    ``attractors.models._cli``).
    """
    import inspect

    if dataclasses.is_dataclass(factory):
        items = [(f.name, f.default) for f in dataclasses.fields(factory) if f.init]
    else:
        items = [(p.name, p.default) for p in inspect.signature(factory).parameters.values()
                 if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return [(name, default) for name, default in items
            if isinstance(default, (bool, int, float, str))]


def _model_arguments(factory, argv):
    """Parse ``--name value`` pairs for the options of ``factory``."""
    parser = _Parser(prog=f"attractors simulate {factory.__name__}", add_help=False,
                     allow_abbrev=False)
    for name, default in _model_options(factory):
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name,
                            type=lambda text, d=default: _parse_value(text, d), default=None)
    values, rest = parser.parse_known_args(argv)
    return {k: v for k, v in vars(values).items() if v is not None}, rest


def _run_simulate(args, model_args):
    import attractors

    _check_file(args.out, "--out")
    if args.plot:
        _check_file(args.plot, "--plot")
    cls = _model_registry()[args.model]
    system = cls(**model_args)
    discrete = isinstance(system, attractors.DiscreteSystem)
    if discrete and args.dt is not None:
        raise _CommandError(f"--dt applies to continuous-time models; {args.model} is a map "
                            "(discrete time): give the number of updates with --n-steps")
    if args.n_steps is not None:
        span = {"n_steps": args.n_steps}
    else:
        span = {"t_span": args.t_end}
    inputs = None
    if args.input is not None:
        try:
            values = [float(v) for v in args.input.split(",")]
        except ValueError:
            raise _CommandError(f"--input takes numbers separated by commas, got {args.input!r}") \
                from None
        inputs = values[0] if len(values) == 1 else values
    run = attractors.simulate(
        system, n_trials=args.n_trials, dt=None if discrete else (0.01 if args.dt is None else args.dt),
        solver=args.solver, record_every=args.record_every, seed=args.seed,
        progress=not args.no_progress, inputs=inputs, **span)
    run.to_netcdf(args.out)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from . import plot

        figure = plot.plot_state(run).figure
        figure.savefig(args.plot)
    print(f"{system.name}: {run.attrs['status']} ({run.attrs['message']}); wrote {args.out}")
    return 0


def main(argv=None) -> int:
    """Entry point of the ``attractors`` command."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _Parser(
        prog="attractors",
        description="Attractor-network dynamics: simulate models and render the gallery.")
    parser.add_argument("--version", action="version", version=f"attractors {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_gallery(subparsers)
    _add_simulate(subparsers)
    _add_sweep(subparsers)
    _add_continue(subparsers)

    model_args = {}
    if len(argv) >= 2 and argv[0] in ("simulate", "continue") and argv[1] in _model_registry():
        if "-h" in argv or "--help" in argv:
            _print_model_help(argv[1])
        model_args, argv = _model_arguments(_model_registry()[argv[1]], argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from ._validate import ParameterError

    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning(args.command)
            if args.command == "gallery":
                return _run_gallery(args)
            if args.command == "sweep":
                return _run_sweep(args)
            if args.command == "continue":
                return _run_continue(args, model_args)
            return _run_simulate(args, model_args)
    except KeyboardInterrupt:
        print(f"attractors {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - every error is one line; the traceback on request
        if os.environ.get("ATTRACTORS_TRACEBACK"):
            raise
        known = (_CommandError, ParameterError, ValueError, OSError, MemoryError)
        kind = "" if isinstance(error, known) else f"{type(error).__name__}: "
        message = " ".join(str(error).split()) or type(error).__name__
        hint = "" if isinstance(error, known) else " (set ATTRACTORS_TRACEBACK=1 for the traceback)"
        print(f"attractors {args.command}: error: {kind}{message}{hint}", file=sys.stderr)
        return 2


def _one_line_warning(command):
    """Warnings as one line each (no file name and source line: this is a command, not a script)."""
    def show(message, category, filename, lineno, file=None, line=None):
        print(f"attractors {command}: {category.__name__}: {' '.join(str(message).split())}",
              file=sys.stderr if file is None else file)
    return show


def _print_model_help(name):
    factory = _model_registry()[name]
    doc = (factory.__doc__ or "").strip().splitlines()
    print(f"{name}: {doc[0] if doc else factory.__name__}\n")
    print("model parameters (--NAME VALUE):")
    for option, default in _model_options(factory):
        print(f"  --{option.replace('_', '-'):<24} default: {default!r}")
    print()


def _run_gallery(args):
    from ._render import gallery_scripts, render_gallery

    if args.list:
        for name, path in gallery_scripts().items():
            print(f"{name:<32} {path.name}")
        return 0
    _check_folder(args.out, "--out")
    written = render_gallery(args.out, only=args.only, quick=args.quick,
                             progress=not args.no_progress)
    n_gifs = sum(path.suffix == ".gif" for path in written)
    print(f"wrote {len(written) - n_gifs} figure(s), {n_gifs} animation(s), index.html and "
          f"gallery.log (what each story found) to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
