"""The findings of a format inspector on one model file, read without running it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class TensorInfo:
    """One stored tensor: its name, element type and shape."""

    name: str
    dtype: str
    shape: tuple[int, ...]

    @property
    def parameters(self) -> int:
        count = 1
        for dim in self.shape:
            count *= max(dim, 0)
        return count


@dataclass(kw_only=True)
class ModelDetails:
    """Findings of a deep inspection of one model file.

    ``tensors`` may be truncated for huge models; ``tensor_count`` and
    ``parameters`` then still give the totals.  ``imports`` lists every
    callable a pickle stream references, as ``module.name``.  ``problems``
    contains (tag, context) pairs the inspector wants reported, such as an
    unsafe pickle import or an external-data path leaving the package.
    """

    format: str
    tensors: list[TensorInfo] = field(default_factory=list)
    tensor_count: int | None = None
    parameters: int | None = None
    dtypes: set[str] = field(default_factory=set)
    metadata: dict[str, str] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def add_tensor(self, tensor: TensorInfo, *, keep: int = 10000) -> None:
        """Record one tensor, keeping at most ``keep`` of them in the list."""
        if len(self.tensors) < keep:
            self.tensors.append(tensor)
        self.tensor_count = (self.tensor_count or 0) + 1
        self.parameters = (self.parameters or 0) + tensor.parameters
        self.dtypes.add(tensor.dtype)
