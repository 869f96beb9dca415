"""The one exception hierarchy of dl-lint.

Library code raises these; only the command line turns them into exit codes
and one-line ``dl-lint: error: ...`` messages.
"""


class DlLintError(Exception):
    """Base class of every error dl-lint raises on purpose."""


class UsageError(DlLintError):
    """Invalid arguments or an input of the wrong kind."""


class SourceError(DlLintError):
    """A source package (tree, .dsc, .changes or tarball) cannot be read."""


class DataError(DlLintError):
    """A table in data/ or a tag description is missing or invalid."""


class FormatError(DlLintError):
    """A model file is truncated, corrupt or declares impossible sizes.

    ``tag`` names the hint a check should emit for it, so inspectors decide
    which defect they saw and checks stay free of format knowledge.
    """

    def __init__(self, message: str, *, tag: str = "model-file-corrupt") -> None:
        super().__init__(message)
        self.tag = tag


class MissingDependencyError(DlLintError):
    """An optional Python module is not installed."""

    def __init__(self, module: str, debian_package: str) -> None:
        super().__init__(
            f"the Python module {module} is not installed "
            f"(Debian package {debian_package})"
        )
        self.module = module
        self.debian_package = debian_package
