"""Archive-wide sweeps: lint thousands of source packages, resumably.

``dl-lint-sweep`` (dl_lint.sweep.cli) finds the packages (inputs) and lints
them in long-lived worker processes, on this machine or on a Dask cluster
(runner, worker).  It appends one JSON line per package as soon as that
package is done (records) and summarises the records as text and HTML
(report).
"""
