"""Offline trainer of lightbridge's alert classifier.

Reads the feature table that ``lightbridge features`` writes, trains a LightGBM multiclass model,
exports it to ONNX and writes the manifest the TypeScript service loads it with.
"""

__version__ = "0.1.0"
