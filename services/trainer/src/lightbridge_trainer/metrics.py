"""Held-out metrics written into the manifest."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support, roc_auc_score

IA = "Ia"


def classification_metrics(
    labels: np.ndarray, probabilities: np.ndarray, classes: list[str], object_ids: np.ndarray
) -> dict:
    """Compute accuracy, macro F1, per-class precision and recall, SN Ia AUC and the confusion matrix.

    Rows are epochs, so an object counts once per epoch. The confusion matrix has one row per
    true class and one column per predicted class, both in `classes` order. The SN Ia AUC is
    one-vs-rest on the Ia probability, null when the rows hold only one side.
    """
    truth = np.array([classes.index(label) for label in labels])
    predicted = probabilities.argmax(axis=1)
    indexes = list(range(len(classes)))

    precision, recall, _, support = precision_recall_fscore_support(
        truth, predicted, labels=indexes, zero_division=0
    )
    is_ia = truth == classes.index(IA) if IA in classes else np.zeros(len(truth), dtype=bool)
    ia_auc = None
    if 0 < is_ia.sum() < len(is_ia):
        ia_auc = round(float(roc_auc_score(is_ia, probabilities[:, classes.index(IA)])), 4)

    return {
        "objects": int(len(np.unique(object_ids))),
        "rows": int(len(truth)),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macroF1": round(float(f1_score(truth, predicted, labels=indexes, average="macro", zero_division=0)), 4),
        "snIaAuc": ia_auc,
        "perClass": {
            name: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "support": int(support[i]),
            }
            for i, name in enumerate(classes)
        },
        "confusionMatrix": confusion_matrix(truth, predicted, labels=indexes).tolist(),
    }
