"""Finding packages: mirror trees, Sources indexes, lists of .dsc paths."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from dl_lint.errors import UsageError
from dl_lint.sweep import inputs
from dl_lint.sweep.inputs import SweepItem, collect, index_items, list_items, record_key, tree_items
from tests.sweep.conftest import run_sweep, sources_paragraph, without_timings, write_sources_index
from tests.sweep.packages import write_package

FILES = {"src/main.c": b"int main(void) { return 0; }\n"}


def make_pool(root: Path) -> dict[str, Path]:
    pool = root / "pool"
    return {
        "alpha": write_package(pool, name="alpha", version="1.0-1", area="main", files=FILES),
        "beta": write_package(pool, name="beta", version="2.0-1", area="contrib", files=FILES),
        "gamma": write_package(pool, name="gamma", version="3.0-1", area="non-free-firmware", files=FILES),
    }


def test_tree_areas_and_order(tmp_path):
    dscs = make_pool(tmp_path)

    items = tree_items(tmp_path)

    assert [item.dsc for item in items] == [str(dscs["beta"]), str(dscs["alpha"]), str(dscs["gamma"])]
    assert [item.area for item in items] == ["contrib", "main", "non-free-firmware"]
    assert [(item.source, item.version) for item in items] == [("beta", "2.0-1"), ("alpha", "1.0-1"), ("gamma", "3.0-1")]


def test_tree_checksum_of_dsc(tmp_path):
    dscs = make_pool(tmp_path)

    item = next(item for item in tree_items(tmp_path) if item.source == "alpha")

    assert item.checksum == "sha256:" + hashlib.sha256(dscs["alpha"].read_bytes()).hexdigest()
    assert item.problem == ""


def test_tree_lists_linked_dsc(tmp_path):
    dscs = make_pool(tmp_path / "real")
    (tmp_path / "links").mkdir()
    os.symlink(dscs["alpha"], tmp_path / "links" / dscs["alpha"].name)
    os.symlink(tmp_path / "real", tmp_path / "links" / "loop")

    items = tree_items(tmp_path / "links")

    assert [item.dsc for item in items] == [str(tmp_path / "links" / dscs["alpha"].name)]
    assert items[0].area == ""


def test_tree_unreadable_dsc_problem(tmp_path):
    (tmp_path / "pool" / "main").mkdir(parents=True)
    os.symlink(tmp_path / "absent.dsc", tmp_path / "pool" / "main" / "ghost_1.0.dsc")

    (item,) = tree_items(tmp_path)

    assert item.problem == f"cannot read {tmp_path}/pool/main/ghost_1.0.dsc: No such file or directory"
    assert item.checksum == ""
    assert item.key == "ghost_1.0"


def test_index_entries(tmp_path):
    dscs = make_pool(tmp_path)
    index = write_sources_index(tmp_path / "dists" / "sid" / "main" / "source" / "Sources.xz", [
        sources_paragraph(dscs["alpha"], tmp_path, source="alpha", version="1:1.0-1"),
        "Package: broken\nVersion: 1\n",
        "Package: nodsc\nVersion: 2\nDirectory: pool/main/n/nodsc\nFiles:\n 0123 10 nodsc_2.tar.gz\n",
        "Package: escape\nVersion: 3\nDirectory: ../outside\nChecksums-Sha256:\n abcd 10 escape_3.dsc\n",
    ])

    items = index_items(index)

    assert items[0].dsc == str(dscs["alpha"])
    assert items[0].checksum == "sha256:" + hashlib.sha256(dscs["alpha"].read_bytes()).hexdigest()
    assert (items[0].source, items[0].version, items[0].area) == ("alpha", "1:1.0-1", "main")
    assert items[1].problem == f"Sources entry {index}:2: field Directory missing"
    assert items[2].problem == f"Sources entry {index}:3: no .dsc file listed in Files or Checksums-Sha256"
    assert items[3].problem == f"Sources entry {index}:4: path ../outside/escape_3.dsc leaves the mirror root"


def test_index_explicit_mirror_root(tmp_path):
    dscs = make_pool(tmp_path / "mirror")
    index = write_sources_index(tmp_path / "Sources.xz", [
        sources_paragraph(dscs["beta"], tmp_path / "mirror", source="beta", version="2.0-1"),
    ])

    (item,) = index_items(index, tmp_path / "mirror")

    assert item.dsc == str(dscs["beta"])
    assert item.area == "contrib"


def test_index_entry_without_identity_key(tmp_path):
    index = write_sources_index(tmp_path / "Sources.xz", ["Format: 3.0 (quilt)\n"])

    (item,) = index_items(index)

    assert item.key == f"{index}:1"
    assert item.problem == f"Sources entry {index}:1: field Package, Version, Directory missing"


def test_list_relative_and_comments(tmp_path):
    dscs = make_pool(tmp_path)
    relative = dscs["alpha"].relative_to(tmp_path)

    items = list_items(["# packages", "", str(relative), f"  {dscs['beta']}  ", "missing_1.0.dsc"], tmp_path)

    assert [item.dsc for item in items] == [str(dscs["alpha"]), str(dscs["beta"]), str(tmp_path / "missing_1.0.dsc")]
    assert items[2].problem == f"cannot read {tmp_path}/missing_1.0.dsc: No such file or directory"


def test_collect_deduplicates(tmp_path):
    dscs = make_pool(tmp_path)
    listing = tmp_path / "list.txt"
    listing.write_text(f"{dscs['alpha']}\n{dscs['gamma']}\n")

    items = collect([str(dscs["gamma"]), str(listing), str(tmp_path)])

    assert [item.source for item in items] == ["gamma", "alpha", "beta"]


def test_collect_stdin_list(tmp_path, monkeypatch):
    dscs = make_pool(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{dscs['beta']}\n"))

    items = collect(["-"])

    assert [item.source for item in items] == ["beta"]


def test_collect_missing_input(tmp_path):
    with pytest.raises(UsageError, match="no such file or directory"):
        collect([str(tmp_path / "absent")])


@pytest.mark.parametrize(("fields", "expected"), [
    ({"dsc": "/m/a.dsc", "checksum": "sha256:ab", "source": "a", "version": "1"}, "/m/a.dsc sha256:ab"),
    ({"dsc": "/m/a.dsc", "checksum": "", "source": "a", "version": "1"}, "a_1"),
    ({"dsc": "/m/a.dsc", "checksum": "", "source": "", "version": ""}, "/m/a.dsc"),
    ({"dsc": "", "checksum": "", "source": "", "version": "", "index_entry": "Sources:4"}, "Sources:4"),
])
def test_record_key_precedence(fields, expected):
    assert record_key(**fields) == expected


def test_item_round_trip():
    item = SweepItem(dsc="/m/a.dsc", checksum="md5:00", source="a", version="1", area="main", index_entry="S:1")

    assert SweepItem.from_dict(item.to_dict()) == item


def test_is_index_names():
    assert [inputs.is_index(Path(name)) for name in ("Sources", "Sources.gz", "Sources.xz", "list.txt", "a.dsc")] == [
        True, True, True, False, False]


def test_index_sweep_matches_tree(mirror, local_sweep, tmp_path):
    main = [package for package in mirror.generated if package.area == "main"][:20]
    other = next(package.dsc for package in mirror.generated if package.area == "contrib")
    paragraphs = [sources_paragraph(p.dsc, mirror.root, source=p.name, version=p.version) for p in main]
    paragraphs.append("Package: broken\nVersion: 1\n")
    paragraphs.append(sources_paragraph(other, mirror.root, source="changed", version="9", sha256="0" * 64))
    index = write_sources_index(tmp_path / "dists" / "sid" / "main" / "source" / "Sources.xz", paragraphs)

    run = run_sweep([str(index), "--mirror", str(mirror.root), "-j", "2"], tmp_path / "records.jsonl")

    for number, package in enumerate(main, start=1):
        record = without_timings(run.records[str(package.dsc)])
        assert record.pop("index-entry") == f"{index}:{number}"
        assert record == without_timings(local_sweep.records[str(package.dsc)])
    broken = run.records[f"{index}:{len(main) + 1}"]
    assert broken["status"] == "failed"
    assert broken["error"] == f"Sources entry {index}:{len(main) + 1}: field Directory missing"
    changed = run.records[str(other)]
    actual = hashlib.sha256(other.read_bytes()).hexdigest()
    assert (changed["source"], changed["status"]) == ("changed", "failed")
    assert changed["error"] == f"{other}: sha256 is {actual}, but the input lists {'0' * 64}"
