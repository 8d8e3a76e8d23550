# SPDX-License-Identifier: GPL-3.0-or-later
"""Peer side of the SystemHealer benchmarks (PyTorch, scikit-learn, pandas).

Each subcommand does one measurement on a file that bench/bench.py generated
and prints one JSON object on standard output: the per-run (or per-epoch)
timings, so the driver takes the medians and ratios itself. A missing peer
prints {"skipped": "..."} and exits 0, never a made-up figure.
"""

import argparse
import json
import sys
import time
import warnings


def _skip(why):
    print(json.dumps({"skipped": why}))
    sys.exit(0)


def _import_torch(threads=2):
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the machine
        _skip("torch not installed (%s)" % exc)
    torch.set_num_threads(threads)
    return torch


def _load_xy(path, n_in):
    import numpy as np
    import pandas as pd

    df = pd.read_csv(path)
    feats = [c for c in df.columns if c not in ("sample_id", "label")]
    x = df[feats].to_numpy(dtype=np.float64)
    x = np.nan_to_num(x - np.nanmean(x, axis=0))
    sd = x.std(axis=0)
    keep = sd > 0
    x = (x[:, keep] / sd[keep]).astype(np.float32)
    if n_in and x.shape[1] != n_in:
        # Same width as our network (the CLI drops constant KPIs too).
        x = x[:, :n_in] if x.shape[1] > n_in else np.pad(x, ((0, 0), (0, n_in - x.shape[1])))
    y = df["label"].to_numpy(dtype=np.int64)
    return x, y


def cmd_torch_train(a):
    torch = _import_torch(a.threads)
    x, y = _load_xy(a.csv, a.n_in)
    n_classes = int(y.max()) + 1
    torch.manual_seed(42)
    layers, width = [], x.shape[1]
    for h in a.hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.LeakyReLU(0.01)]
        width = h
    layers.append(torch.nn.Linear(width, n_classes))
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    n = xt.shape[0]
    times = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for start in range(0, n, a.batch):
            idx = perm[start:start + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"epoch_seconds": times, "threads": torch.get_num_threads(),
                      "n_in": x.shape[1], "version": torch.__version__}))


def cmd_sklearn_train(a):
    try:
        import sklearn
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError as exc:
        _skip("scikit-learn not installed (%s)" % exc)
    x, y = _load_xy(a.csv, a.n_in)
    # scikit-learn has no leaky ReLU: ReLU is the closest, same cost.
    clf = MLPClassifier(hidden_layer_sizes=tuple(a.hidden), activation="relu", solver="adam",
                        learning_rate_init=a.lr, batch_size=a.batch, max_iter=1,
                        warm_start=True, shuffle=True, random_state=42, alpha=5e-5,
                        early_stopping=False, tol=0.0, n_iter_no_change=10 ** 9)
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(a.epochs):
            t0 = time.perf_counter()
            clf.fit(x, y)
            times.append(time.perf_counter() - t0)
    print(json.dumps({"epoch_seconds": times, "version": sklearn.__version__}))


def cmd_pandas_csv(a):
    try:
        import pandas as pd
    except ImportError as exc:
        _skip("pandas not installed (%s)" % exc)
    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        df = pd.read_csv(a.csv, engine="c")
        times.append(time.perf_counter() - t0)
        del df
    print(json.dumps({"seconds": times, "version": pd.__version__}))


def cmd_torch_predict(a):
    """pandas read + PyTorch forward (same layer sizes) + pandas write, per run."""
    torch = _import_torch()
    import numpy as np
    import pandas as pd

    sizes = [a.n_in] + a.hidden + [a.n_classes]
    torch.manual_seed(42)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(torch.nn.LeakyReLU(0.01) if a.activation == "leaky-relu"
                          else torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).eval()
    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        df = pd.read_csv(a.csv, engine="c")
        feats = [c for c in df.columns if c not in ("sample_id", "label")][:a.n_in]
        x = df[feats].to_numpy(dtype=np.float32)
        # The same per-KPI work ours does: impute, standardise.
        mu = np.nanmean(x, axis=0)
        x = np.where(np.isnan(x), mu, x)
        x = (x - mu) / (x.std(axis=0) + 1e-12)
        with torch.no_grad():
            p = torch.softmax(model(torch.from_numpy(x.astype(np.float32))), dim=1).numpy()
        out = pd.DataFrame(p, columns=["p%d" % k for k in range(p.shape[1])])
        out.insert(0, "confidence", p.max(axis=1))
        out.insert(0, "label", p.argmax(axis=1))
        out.insert(0, "sample_id", df["sample_id"].to_numpy() if "sample_id" in df else
                   np.arange(len(df)))
        out.to_csv(a.out, index=False)
        times.append(time.perf_counter() - t0)
        del df, out
    print(json.dumps({"seconds": times, "version": torch.__version__}))


def _knn_accuracy(xy, y, k=10):
    """Share of points whose class is the majority among their k nearest
    others in the map (ties to the smallest class)."""
    import numpy as np
    from sklearn.neighbors import NearestNeighbors

    idx = NearestNeighbors(n_neighbors=k + 1).fit(xy).kneighbors(xy, return_distance=False)
    ok = 0
    for i in range(len(y)):
        ids = [j for j in idx[i] if j != i][:k]
        vals, counts = np.unique(y[ids], return_counts=True)
        ok += vals[np.argmax(counts)] == y[i]
    return ok / len(y)


def cmd_sklearn_tsne(a):
    """scikit-learn's Barnes-Hut TSNE on the standardised KPIs, as the issue
    measured it (2 jobs); the time is the fit alone, the CSV read excluded."""
    try:
        import numpy as np
        import sklearn
        from sklearn.manifold import TSNE
    except ImportError as exc:  # pragma: no cover - depends on the machine
        _skip("scikit-learn not installed (%s)" % exc)
    x, y = _load_xy(a.csv, 0)
    times, kl, acc = [], None, None
    for _ in range(a.runs):
        t = TSNE(n_components=2, perplexity=30.0, n_iter=1000, method="barnes_hut", angle=0.5,
                 init="random", learning_rate="auto", n_jobs=2, random_state=42)
        t0 = time.perf_counter()
        xy = t.fit_transform(x)
        times.append(time.perf_counter() - t0)
        kl = float(t.kl_divergence_)
        acc = _knn_accuracy(np.asarray(xy), y)
    print(json.dumps({"seconds": times, "kl_divergence": kl, "knn10": acc,
                      "version": sklearn.__version__}))


def cmd_map_knn(a):
    """10-NN class accuracy of a map written by systemhealer-cli project."""
    try:
        import numpy as np
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the machine
        _skip("numpy/pandas not installed (%s)" % exc)
    df = pd.read_csv(a.map)
    print(json.dumps({"knn10": _knn_accuracy(df[["x", "y"]].to_numpy(),
                                             df["label"].to_numpy())}))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("torch-train", "sklearn-train"):
        s = sub.add_parser(name)
        s.add_argument("csv")
        s.add_argument("--batch", type=int, required=True)
        s.add_argument("--epochs", type=int, default=5)
        s.add_argument("--lr", type=float, default=1e-4)
        s.add_argument("--hidden", type=lambda v: [int(h) for h in v.split(",")],
                       default=[200, 200, 200])
        s.add_argument("--n-in", type=int, default=0)
        s.add_argument("--threads", type=int, default=2)
    s = sub.add_parser("pandas-csv")
    s.add_argument("csv")
    s.add_argument("--runs", type=int, default=5)
    s = sub.add_parser("torch-predict")
    s.add_argument("csv")
    s.add_argument("--out", required=True)
    s.add_argument("--runs", type=int, default=5)
    s.add_argument("--n-in", type=int, required=True)
    s.add_argument("--n-classes", type=int, required=True)
    s.add_argument("--hidden", type=lambda v: [int(h) for h in v.split(",")], required=True)
    s.add_argument("--activation", default="relu")
    s = sub.add_parser("sklearn-tsne")
    s.add_argument("csv")
    s.add_argument("--runs", type=int, default=1)
    s = sub.add_parser("map-knn")
    s.add_argument("map")
    a = p.parse_args()
    {"torch-train": cmd_torch_train, "sklearn-train": cmd_sklearn_train,
     "pandas-csv": cmd_pandas_csv, "torch-predict": cmd_torch_predict,
     "sklearn-tsne": cmd_sklearn_tsne, "map-knn": cmd_map_knn}[a.cmd](a)


if __name__ == "__main__":
    main()
