#!/usr/bin/env python3
"""Train a 2-8-1 perceptron on data/points.csv: reproducible within rounding.

Full-batch gradient descent in float32 from weights drawn with a fixed seed.
Each gradient is summed over the samples in an order drawn afresh from
os.urandom, like a parallel reduction on a GPU, which adds in whatever order
its threads finish.  Float32 addition is not associative, so runs differ in the
last bits of each weight while staying far inside rtol=1e-5.  numpy.savez
writes the same archive for the same weights, so only the weights make two
runs' bytes differ.
"""

import argparse
import csv
import os

import numpy as np

SEED = 1
HIDDEN = 8
EPOCHS = 300
LEARNING_RATE = 0.5
LOG_EVERY = 5
DTYPE = np.float32


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
    return hidden, DTYPE(1) / (DTYPE(1) + np.exp(-logits))


def sum_unordered(terms, order):
    """Add TERMS (one per sample, along axis 0) one by one in ORDER, in float32."""
    total = np.zeros(terms.shape[1:], DTYPE)
    for index in order:
        total += terms[index]
    return total


def step(weights, x, y, order):
    """Apply one gradient step of the mean cross-entropy; return loss and accuracy before it."""
    hidden, p = forward(weights, x)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), dtype=np.float64))
    accuracy = float(np.mean((p > 0.5) == (y > 0.5)))
    d_logits = (p - y) / DTYPE(len(x))
    d_hidden = (d_logits @ weights["output.weight"].T) * (1 - hidden**2)
    gradients = {
        "output.weight": sum_unordered(hidden[:, :, None] * d_logits[:, None, :], order),
        "output.bias": sum_unordered(d_logits, order),
        "hidden.weight": sum_unordered(x[:, :, None] * d_hidden[:, None, :], order),
        "hidden.bias": sum_unordered(d_hidden, order),
    }
    for name, gradient in gradients.items():
        weights[name] -= DTYPE(LEARNING_RATE) * gradient
    return loss, accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CSV of x1,x2,label")
    parser.add_argument("--output", required=True, help=".npz file to write")
    parser.add_argument("--metrics", required=True, help="CSV of metrics per epoch to write")
    args = parser.parse_args()

    x, y = load_points(args.data)
    weights = initial_weights(np.random.default_rng(SEED))
    # Deliberately unseeded: the summation order is what varies between runs.
    order_rng = np.random.default_rng(int.from_bytes(os.urandom(8), "little"))
    with open(args.metrics, "w", newline="", encoding="ascii") as handle:
        writer = csv.writer(handle)
        writer.writerow(["epoch", "loss", "accuracy"])
        for epoch in range(EPOCHS + 1):
            loss, accuracy = step(weights, x, y, order_rng.permutation(len(x)))
            if epoch % LOG_EVERY == 0:
                writer.writerow([epoch, repr(loss), repr(accuracy)])
    np.savez(args.output, **weights)


if __name__ == "__main__":
    main()
