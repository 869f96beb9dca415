#!/usr/bin/env python3
"""Train a 2-8-1 perceptron on data/points.csv, reproducibly to the bit.

Full-batch gradient descent in float64 from weights drawn with a fixed seed:
every run does the same arithmetic in the same order, so every run writes
the same bytes.  numpy.savez dates every zip member 1980-01-01 and writes
the members in the order given, so the archive adds no difference of its own.
"""

import argparse
import csv

import numpy as np

SEED = 1
HIDDEN = 8
EPOCHS = 300
LEARNING_RATE = 0.5
LOG_EVERY = 5
DTYPE = np.float64


def load_points(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=DTYPE)
    return table[:, :2], table[:, 2:]


def initial_weights(rng):
    return {
        "hidden.weight": rng.normal(0.0, 0.5, (2, HIDDEN)).astype(DTYPE),
        "hidden.bias": np.zeros(HIDDEN, DTYPE),
        "output.weight": rng.normal(0.0, 0.5, (HIDDEN, 1)).astype(DTYPE),
        "output.bias": np.zeros(1, DTYPE),
    }


def forward(weights, x):
    hidden = np.tanh(x @ weights["hidden.weight"] + weights["hidden.bias"])
    logits = hidden @ weights["output.weight"] + weights["output.bias"]
    return hidden, 1.0 / (1.0 + np.exp(-logits))


def step(weights, x, y):
    """Apply one gradient step of the mean cross-entropy; return loss and accuracy before it."""
    hidden, p = forward(weights, x)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    accuracy = float(np.mean((p > 0.5) == (y > 0.5)))
    d_logits = (p - y) / len(x)
    d_hidden = (d_logits @ weights["output.weight"].T) * (1 - hidden**2)
    gradients = {
        "output.weight": hidden.T @ d_logits,
        "output.bias": d_logits.sum(axis=0),
        "hidden.weight": x.T @ d_hidden,
        "hidden.bias": d_hidden.sum(axis=0),
    }
    for name, gradient in gradients.items():
        weights[name] -= LEARNING_RATE * gradient
    return loss, accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CSV of x1,x2,label")
    parser.add_argument("--output", required=True, help=".npz file to write")
    parser.add_argument("--metrics", required=True, help="CSV of metrics per epoch to write")
    args = parser.parse_args()

    x, y = load_points(args.data)
    weights = initial_weights(np.random.default_rng(SEED))
    with open(args.metrics, "w", newline="", encoding="ascii") as handle:
        writer = csv.writer(handle)
        writer.writerow(["epoch", "loss", "accuracy"])
        for epoch in range(EPOCHS + 1):
            loss, accuracy = step(weights, x, y)
            if epoch % LOG_EVERY == 0:
                writer.writerow([epoch, repr(loss), repr(accuracy)])
    np.savez(args.output, **weights)


if __name__ == "__main__":
    main()
