from bot.core.kept import Kept


def test_the_least_recently_used_goes_first() -> None:
    kept: Kept[str, int] = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "b" is now the least recently used
    kept.put("c", 3)
    assert kept.get("b") is None
    assert kept.items() == [("a", 1), ("c", 3)]


def test_items_is_a_copy_that_changes_do_not_touch() -> None:
    kept: Kept[str, int] = Kept(3)
    kept.put("a", 1)
    items = kept.items()
    kept.put("b", 2)
    assert items == [("a", 1)]
    assert len(kept) == 2
