"""Keep pytest's doctest collection to the hand-written pages of docs/.

Sphinx writes generated pages (autosummary stubs, the rendered gallery with
copies of the gallery scripts) under docs/; those are build outputs, and the
gallery scripts are tested from gallery/ itself.
"""

collect_ignore = ["conf.py"]
collect_ignore_glob = ["_build/*", "auto_gallery/*", "generated/*", "sg_execution_times.rst"]
