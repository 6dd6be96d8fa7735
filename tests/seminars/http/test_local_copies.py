from seminars.http.local_copies import LocalCopies


def test_local_copies_keep_the_most_recently_used_within_their_size():
    copies = LocalCopies(max_bytes=10)
    copies.set("a", b"aaaa", 4)
    copies.set("b", b"bbbb", 4)
    copies.get("a")  # now the most recently used

    copies.set("c", b"cccc", 4)

    assert [copies.get(key) for key in "abc"] == [b"aaaa", None, b"cccc"]
    assert copies.size == 8


def test_local_copies_replace_an_entry_under_the_same_key():
    copies = LocalCopies(max_bytes=10)
    copies.set("a", b"old", 3)

    copies.set("a", b"newer", 5)

    assert (copies.get("a"), copies.size) == (b"newer", 5)


def test_local_copies_never_keep_an_entry_larger_than_all_they_may_hold():
    copies = LocalCopies(max_bytes=10)
    copies.set("a", b"aaaa", 4)

    copies.set("huge", b"x" * 11, 11)

    assert (copies.get("huge"), copies.get("a"), copies.size) == (None, b"aaaa", 4)


def test_local_copies_keep_nothing_when_caching_is_off(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    copies = LocalCopies(max_bytes=10)

    copies.set("a", b"aaaa", 4)

    assert (copies.get("a"), copies.size) == (None, 0)
