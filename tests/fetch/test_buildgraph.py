"""What the Debian build runs: make expansion, command lines and the walk from debian/rules."""

from __future__ import annotations

import pytest

from dl_lint import buildgraph
from dl_lint.package import load_package
from dl_lint.source import open_source

RULES_DH = "#!/usr/bin/make -f\n%:\n\tdh $@\n"


def reach_of(make_tree, files: dict[str, str]) -> buildgraph.BuildReach:
    tree = make_tree(files)
    return buildgraph.build_reach(load_package(open_source(str(tree))))


def test_expand_every_assigned_value():
    variables = {
        "TARGET": ["profile-build ARCH=general-$(BITS)", "build ARCH=general-$(BITS)"],
        "BITS": ["64"],
        "TARGET2": ["$(TARGET:profile-build=build)", "$(TARGET)"],
    }

    values = buildgraph.expand("make $(TARGET2)", variables)

    assert values == [
        "make build ARCH=general-64",
        "make profile-build ARCH=general-64",
    ]


@pytest.mark.parametrize("text, expected", [
    ("$(MAKE) -C src", ["make -C src"]),
    ("@$(SHELL) ../scripts/net.sh", ["@sh ../scripts/net.sh"]),
    ("$(shell uname -m)x", ["x"]),
    ("$$HOME $@", ["$HOME $@"]),
    ("$(UNKNOWN)a", ["a"]),
    ("$(OBJS:%.o=%.c)", ["a.c b.c"]),
])
def test_expand_cases(text, expected):
    variables = {"OBJS": ["a.o b.o"]}

    assert buildgraph.expand(text, variables) == expected


def test_expand_self_reference_bounded():
    variables = {"A": ["$(A) x"]}

    values = buildgraph.expand("$(A)", variables)

    assert values == [" x" * buildgraph.MAX_EXPANSION_DEPTH]


def test_parse_makefile_rules_and_recipes():
    text = (
        "CC = gcc\n"
        "OBJS = a.o \\\n  b.o\n"
        "define HELP\nnot: a rule\nendef\n"
        "all: prog\n"
        "prog: $(OBJS)\n"
        "\t$(CC) -o $@ $^\n"
        "ifeq ($(X),1)\n"
        "\techo conditional\n"
        "endif\n"
        "net:\n"
        "\t@sh ../scripts/net.sh\n"
        "%.o: %.c ; $(CC) -c $<\n"
        "target: VAR = value\n"
    )

    parsed = buildgraph.parse_makefile("Makefile", text)

    assert parsed.variables == {"CC": ["gcc"], "OBJS": ["a.o    b.o"]}
    assert [(r.targets, r.prerequisites, r.line) for r in parsed.rules] == [
        (("all",), "prog", 7),
        (("prog",), "$(OBJS)", 8),
        (("net",), "", 13),
        (("%.o",), "%.c", 15),
    ]
    assert parsed.rules[1].recipe == [(9, "$(CC) -o $@ $^"), (11, "echo conditional")]
    assert parsed.default_target == "all"
    assert [r.targets for r in parsed.rules_for("x.o")] == [("%.o",)]


@pytest.mark.parametrize("line, expected", [
    ("cd src && ./build.sh --fast", [(("./build.sh", "--fast"), "src")]),
    ("@-FOO=1 env sh scripts/a.sh; make -C sub all", [(("sh", "scripts/a.sh"), "."), (("make", "-C", "sub", "all"), ".")]),
    ("if [ -f x ]; then python3 tools/get.py; fi", [(("[", "-f", "x", "]"), "."), (("python3", "tools/get.py"), "."), (("fi",), ".")]),
    ("echo 'unbalanced", [(("echo", "'unbalanced"), ".")]),
])
def test_commands_split(line, expected):
    found = buildgraph.commands(line, ".")

    assert [(c.words, c.cwd) for c in found] == expected


@pytest.mark.parametrize("words, options", [
    (["--sourcedirectory=src"], ("src", None)),
    (["-Dsrc", "--buildsystem=cmake"], ("src", "cmake")),
    (["-D", "lib/", "-S", "pybuild"], ("lib", "pybuild")),
    (["-O--sourcedirectory=src", "--", "-Dignored"], ("src", None)),
])
def test_dh_options(words, options):
    merged = buildgraph.DhOptions().merged(words)

    assert (merged.sourcedir, merged.buildsystem) == options


def test_reach_through_sourcedirectory_and_target(make_tree):
    reach = reach_of(make_tree, {
        "debian/rules": (
            "#!/usr/bin/make -f\nTARGET := profile-build ARCH=x86-64\n%:\n\tdh $@ --sourcedirectory=src\n"
            "override_dh_auto_build:\n\tdh_auto_build --sourcedirectory=src -- $(TARGET)\n"
        ),
        "src/Makefile": (
            "help:\n\t@echo help\n"
            "profile-build: net objclean\n\t$(MAKE) all\n"
            "net:\n\t@$(SHELL) ../scripts/net.sh\n"
            "objclean:\n\trm -f *.o\n"
            "unused:\n\tsh ../scripts/other.sh\n"
        ),
        "scripts/net.sh": "#!/bin/sh\nsh ../scripts/inner.sh\n",
        "scripts/inner.sh": "#!/bin/sh\n",
        "scripts/other.sh": "#!/bin/sh\n",
    })

    assert reach.chain("scripts/net.sh") == (
        "debian/rules override_dh_auto_build", "dh_auto_build", "src/Makefile profile-build",
        "src/Makefile net", "scripts/net.sh",
    )
    assert reach.chain("scripts/inner.sh") is not None
    assert reach.chain("scripts/other.sh") is None
    assert reach.chain("src/Makefile", 6) is not None
    assert reach.chain("src/Makefile", 10) is None
    assert [(c.path, c.line, c.target, c.script) for c in reach.calls] == [
        ("src/Makefile", 6, "net", "scripts/net.sh"),
        ("src/Makefile", 10, "unused", "scripts/other.sh"),
    ]


def test_reach_default_target_without_override(make_tree):
    reach = reach_of(make_tree, {
        "debian/rules": RULES_DH,
        "Makefile": "all: data\ndata:\n\tsh tools/data.sh\ninstall:\n\tsh tools/inst.sh\nlater:\n\tsh tools/later.sh\n",
        "tools/data.sh": "#!/bin/sh\n",
        "tools/inst.sh": "#!/bin/sh\n",
        "tools/later.sh": "#!/bin/sh\n",
    })

    assert reach.chain("tools/data.sh") == ("dh_auto_build", "Makefile all", "Makefile data", "tools/data.sh")
    assert reach.chain("tools/inst.sh") == ("dh_auto_install", "Makefile install", "tools/inst.sh")
    assert reach.chain("tools/later.sh") is None


def test_reach_rules_targets_only(make_tree):
    reach = reach_of(make_tree, {
        "debian/rules": RULES_DH + "get-orig-source:\n\tsh debian/get.sh\noverride_dh_auto_test:\n\tsh debian/test.sh\n",
        "debian/get.sh": "#!/bin/sh\n",
        "debian/test.sh": "#!/bin/sh\n",
    })

    assert reach.chain("debian/get.sh") is None
    assert reach.chain("debian/test.sh") == ("debian/rules override_dh_auto_test", "debian/test.sh")
    assert reach.chain("debian/rules", 5) is None
    assert reach.chain("debian/rules", 7) == ("debian/rules override_dh_auto_test",)


def test_reach_cmake_includes(make_tree):
    reach = reach_of(make_tree, {
        "debian/rules": "#!/usr/bin/make -f\n%:\n\tdh $@ --buildsystem=cmake\n",
        "CMakeLists.txt": "include(cmake/Models.cmake)\ninclude(Helpers)\nadd_subdirectory(lib)\n",
        "cmake/Models.cmake": "# models\n",
        "cmake/modules/Helpers.cmake": "execute_process(COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/fetch.sh)\n",
        "cmake/modules/fetch.sh": "#!/bin/sh\n",
        "lib/CMakeLists.txt": "# lib\n",
        "examples/CMakeLists.txt": "# not included\n",
    })

    assert sorted(reach.files) == [
        "CMakeLists.txt", "cmake/Models.cmake", "cmake/modules/Helpers.cmake", "cmake/modules/fetch.sh",
        "lib/CMakeLists.txt",
    ]


def test_reach_autoconf_subdirs_hooks(make_tree):
    reach = reach_of(make_tree, {
        "configure": "#!/bin/sh\n",
        "configure.ac": "AC_INIT\n",
        "Makefile.am": "SUBDIRS = models\n",
        "models/Makefile.am": "all-local:\n\tsh get.sh\ndist-hook:\n\tsh pack.sh\n",
        "models/get.sh": "#!/bin/sh\n",
        "models/pack.sh": "#!/bin/sh\n",
    })

    assert reach.chain("configure") == ("dh_auto_configure",)
    assert reach.chain("models/get.sh") is not None
    assert reach.chain("models/pack.sh") is None


def test_reach_pybuild_setup(make_tree):
    reach = reach_of(make_tree, {
        "debian/rules": "#!/usr/bin/make -f\n%:\n\tdh $@ --buildsystem=pybuild\n",
        "setup.py": "from setuptools import setup\nsetup()\n",
        "tests/test_a.py": "def test(): pass\n",
    })

    assert sorted(reach.files) == ["setup.py"]


def test_reach_without_rules(make_tree):
    tree = make_tree({"Makefile": "all:\n\tsh get.sh\n"}, with_debian=False)

    reach = buildgraph.build_reach(load_package(open_source(str(tree))))

    assert reach.has_rules is False
    assert reach.files == {}


def test_reach_recursion_bounded(make_tree):
    reach = reach_of(make_tree, {
        "debian/rules": RULES_DH,
        "Makefile": "all: a\na: b\nb: a\n\t$(MAKE) all\n\tsh loop.sh\n",
        "loop.sh": "#!/bin/sh\nsh loop.sh\n",
    })

    assert reach.chain("loop.sh") is not None


def test_reach_stops_after_max_steps(make_tree, monkeypatch, caplog):
    monkeypatch.setattr(buildgraph, "MAX_STEPS", 3)
    chain = "".join(f"t{i}: t{i + 1}\n" for i in range(10))

    reach = reach_of(make_tree, {
        "debian/rules": RULES_DH,
        "Makefile": "all: t0\n" + chain + "t10:\n\tsh last.sh\n",
        "last.sh": "#!/bin/sh\n",
    })

    assert reach.chain("last.sh") is None
    assert "stopped after 3 steps" in caplog.text
