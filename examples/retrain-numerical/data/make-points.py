#!/usr/bin/env python3
"""Write points.csv: 160 points of two overlapping Gaussian clouds in the plane.

The points are made up by this script and dedicated to the public domain
(CC0-1.0). Python's random module with a fixed seed gives the same numbers on
every Python 3 version, so running this script again rewrites the same file.
"""

import random
from pathlib import Path

SEED = 20261204
POINTS_PER_CLASS = 80
CENTRES = {0: (-1.0, -0.5), 1: (1.0, 0.5)}


def main() -> None:
    rng = random.Random(SEED)
    rows = []
    for _ in range(POINTS_PER_CLASS):
        for label, (x, y) in CENTRES.items():
            rows.append(f"{x + rng.gauss(0.0, 1.0):.4f},{y + rng.gauss(0.0, 1.0):.4f},{label}")
    target = Path(__file__).with_name("points.csv")
    target.write_text("x1,x2,label\n" + "\n".join(rows) + "\n", encoding="ascii")


if __name__ == "__main__":
    main()
