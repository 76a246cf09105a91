import numpy as np

from lightbridge_trainer.split import balanced_weights, grouped_holdout

CLASSES = ["Ia", "II", "Ibc"]


def _rows() -> tuple[np.ndarray, np.ndarray]:
    labels, groups = [], []
    for label, count in [("Ia", 60), ("II", 25), ("Ibc", 15)]:
        for number in range(count):
            for _ in range(1 + number % 4):
                labels.append(label)
                groups.append(f"{label}-{number}")
    return np.array(labels, dtype=object), np.array(groups, dtype=object)


def test_split_keeps_objects_on_one_side() -> None:
    labels, groups = _rows()

    train, test = grouped_holdout(labels, groups, 0.2, seed=3)

    assert set(groups[train]).isdisjoint(set(groups[test]))
    assert len(train) + len(test) == len(labels)
    assert len(np.intersect1d(train, test)) == 0


def test_split_stratifies_classes() -> None:
    labels, groups = _rows()

    train, test = grouped_holdout(labels, groups, 0.2, seed=3)

    for name in CLASSES:
        assert np.any(labels[train] == name)
        assert np.any(labels[test] == name)
    share = len(np.unique(groups[test])) / len(np.unique(groups))
    assert 0.1 < share < 0.3


def test_split_same_seed_same_rows() -> None:
    labels, groups = _rows()

    first = grouped_holdout(labels, groups, 0.2, seed=5)
    second = grouped_holdout(labels, groups, 0.2, seed=5)

    assert np.array_equal(first[1], second[1])


def test_split_other_seed_other_rows() -> None:
    labels, groups = _rows()

    first = grouped_holdout(labels, groups, 0.2, seed=5)
    second = grouped_holdout(labels, groups, 0.2, seed=6)

    assert not np.array_equal(first[1], second[1])


def test_balanced_weights_equal_class_totals() -> None:
    labels, _ = _rows()

    weights = balanced_weights(labels, CLASSES)

    totals = [weights[labels == name].sum() for name in CLASSES]
    assert np.allclose(totals, len(labels) / 3)
