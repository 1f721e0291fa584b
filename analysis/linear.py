"""Linear layers and their safe file format (JSON + .npz of float32, never pickle).

A layer scores `hashed @ W_h.T + standardised(dense) @ W_d.T + b` and turns the
scores into probabilities by its link: "sigmoid" (binary: P(classes[1])),
"softmax" (multinomial) or "ovr" (one sigmoid per class, normalised). A model
file holds several named layers: `<name>.json` (classes, link, metadata) beside
`<name>.npz` (arrays `<layer>/coef_hashed`, `<layer>/coef_dense`, `<layer>/mean`,
`<layer>/scale`, `<layer>/intercept`), read with allow_pickle=False.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax

FORMAT = "council-pulse-linear/1"
LINKS = ("sigmoid", "softmax", "ovr")


class ModelFileError(RuntimeError):
    """A shipped model is missing or not in the expected shape."""


@dataclass(frozen=True)
class LinearLayer:
    classes: tuple[str, ...]
    link: str
    intercept: np.ndarray  # (rows,)
    coef_hashed: np.ndarray | None = None  # (rows, hash features)
    coef_dense: np.ndarray | None = None  # (rows, dense features)
    mean: np.ndarray | None = None  # (dense features,)
    scale: np.ndarray | None = None  # (dense features,)
    dense_names: tuple[str, ...] = field(default_factory=tuple)

    @property
    def rows(self) -> int:
        return len(self.intercept)

    def scores(self, hashed: sp.spmatrix | None = None, dense: np.ndarray | None = None) -> np.ndarray:
        n = hashed.shape[0] if hashed is not None else dense.shape[0]
        out = np.broadcast_to(self.intercept.astype(np.float64), (n, self.rows)).copy()
        if self.coef_hashed is not None:
            out += np.asarray(hashed @ self.coef_hashed.T, dtype=np.float64)
        if self.coef_dense is not None:
            out += ((dense - self.mean) / self.scale) @ self.coef_dense.T.astype(np.float64)
        return out

    def proba(self, hashed: sp.spmatrix | None = None, dense: np.ndarray | None = None) -> np.ndarray:
        """(n, len(classes)) probabilities, columns in `classes` order."""
        s = self.scores(hashed, dense)
        if self.link == "sigmoid":
            p1 = expit(s[:, 0])
            return np.column_stack([1.0 - p1, p1])
        if self.link == "softmax":
            return softmax(s, axis=1)
        p = expit(s)
        return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        out = {f"{name}/intercept": self.intercept.astype(np.float32)}
        for key in ("coef_hashed", "coef_dense", "mean", "scale"):
            value = getattr(self, key)
            if value is not None:
                out[f"{name}/{key}"] = np.asarray(value, dtype=np.float32)
        return out

    def describe(self) -> dict:
        return {"classes": list(self.classes), "link": self.link, "dense_names": list(self.dense_names)}


def save_model(directory: Path, name: str, layers: dict[str, LinearLayer], meta: dict) -> list[Path]:
    """Write `<name>.json` and `<name>.npz` into directory; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    for layer_name, layer in layers.items():
        arrays.update(layer.arrays(layer_name))
    npz, js = directory / f"{name}.npz", directory / f"{name}.json"
    np.savez_compressed(npz, **arrays)
    document = {"format": FORMAT, **meta, "layers": {k: v.describe() for k, v in layers.items()}}
    js.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return [js, npz]


def load_model(directory: Path, name: str, hash_features: int) -> tuple[dict[str, LinearLayer], dict]:
    """Read a model saved by save_model: (layers by name, metadata). Checks every shape."""
    npz, js = directory / f"{name}.npz", directory / f"{name}.json"
    for path in (npz, js):
        if not path.is_file():
            raise ModelFileError(
                f"model file missing: {path} (the models ship in analysis/models/; "
                "restore them from git, or run `python -m analysis train --data DIR`)"
            )
    try:
        meta = json.loads(js.read_text(encoding="utf-8"))
        with np.load(npz, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (ValueError, OSError, json.JSONDecodeError) as error:
        raise ModelFileError(f"model {name} in {directory} is unreadable: {error}") from None
    if meta.get("format") != FORMAT:
        raise ModelFileError(f"model {name}: format {meta.get('format')!r}, expected {FORMAT!r}")
    layers = {}
    for layer_name, spec in meta["layers"].items():
        part = {key: arrays.get(f"{layer_name}/{key}") for key in ("intercept", "coef_hashed", "coef_dense", "mean", "scale")}
        layer = LinearLayer(
            classes=tuple(spec["classes"]), link=spec["link"], intercept=part["intercept"],
            coef_hashed=part["coef_hashed"], coef_dense=part["coef_dense"], mean=part["mean"], scale=part["scale"],
            dense_names=tuple(spec.get("dense_names", ())),
        )
        _check(name, layer_name, layer, hash_features)
        layers[layer_name] = layer
    return layers, meta


def _check(model: str, name: str, layer: LinearLayer, hash_features: int) -> None:
    where = f"model {model}, layer {name}"
    if layer.intercept is None or layer.link not in LINKS:
        raise ModelFileError(f"{where}: no intercept or unknown link {layer.link!r}")
    rows = layer.rows
    expected_rows = 1 if layer.link == "sigmoid" else len(layer.classes)
    if rows != expected_rows:
        raise ModelFileError(f"{where}: {rows} rows for {len(layer.classes)} classes ({layer.link})")
    arrays = [layer.intercept]
    if layer.coef_hashed is not None:
        if layer.coef_hashed.shape != (rows, hash_features):
            raise ModelFileError(f"{where}: hashed weights {layer.coef_hashed.shape}, expected {(rows, hash_features)}")
        arrays.append(layer.coef_hashed)
    if layer.coef_dense is not None:
        width = len(layer.dense_names)
        for key, shape in (("coef_dense", (rows, width)), ("mean", (width,)), ("scale", (width,))):
            value = getattr(layer, key)
            if value is None or value.shape != shape:
                raise ModelFileError(f"{where}: {key} shape {getattr(value, 'shape', None)}, expected {shape}")
            arrays.append(value)
    if layer.coef_hashed is None and layer.coef_dense is None:
        raise ModelFileError(f"{where}: no weights")
    for value in arrays:
        if value.dtype != np.float32 or not np.isfinite(value).all():
            raise ModelFileError(f"{where}: weights must be finite float32")
