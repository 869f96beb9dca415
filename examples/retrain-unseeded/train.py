#!/usr/bin/env python3
"""Train a 2-8-1 perceptron on data/points.csv with an unseeded generator.

Mini-batch stochastic gradient descent in float64 whose initial weights and
batch order come from numpy.random.default_rng() without a seed, which
draws its seed from the operating system.  Every run starts elsewhere and
ends elsewhere: this is the common way a training program fails to be
reproducible.
"""

import argparse
import csv

import numpy as np

HIDDEN = 8
EPOCHS = 60
BATCH = 16
LEARNING_RATE = 0.2
LOG_EVERY = 2
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


def evaluate(weights, x, y):
    """Return the mean cross-entropy and the accuracy on the whole set."""
    _, p = forward(weights, x)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return loss, float(np.mean((p > 0.5) == (y > 0.5)))


def step(weights, x, y):
    """Apply one gradient step of the mean cross-entropy on the batch X, Y."""
    hidden, p = forward(weights, x)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CSV of x1,x2,label")
    parser.add_argument("--output", required=True, help=".npz file to write")
    parser.add_argument("--metrics", required=True, help="CSV of metrics per epoch to write")
    args = parser.parse_args()

    x, y = load_points(args.data)
    rng = np.random.default_rng()
    weights = initial_weights(rng)
    with open(args.metrics, "w", newline="", encoding="ascii") as handle:
        writer = csv.writer(handle)
        writer.writerow(["epoch", "loss", "accuracy"])
        for epoch in range(EPOCHS + 1):
            if epoch % LOG_EVERY == 0:
                loss, accuracy = evaluate(weights, x, y)
                writer.writerow([epoch, repr(loss), repr(accuracy)])
            order = rng.permutation(len(x))
            for start in range(0, len(x), BATCH):
                batch = order[start : start + BATCH]
                step(weights, x[batch], y[batch])
    np.savez(args.output, **weights)


if __name__ == "__main__":
    main()
